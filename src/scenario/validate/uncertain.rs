//! `[[uncertain]]`: inputs drawn per replication. Checked here: the path is a numeric
//! parameter of this file (not a `[scenario]` field, which sets the run itself), named
//! once, with a bounded distribution of a family inputs can take. Whether the scenario is
//! valid over the whole range is tried afterwards on the assembled file
//! (`scenario::uncertain::check_ranges`).

use super::checker::{Checker, span};
use crate::scenario::error::did_you_mean;
use crate::scenario::params;
use crate::scenario::raw::*;
use crate::scenario::types::Uncertain;
use crate::stats::input_dist::InputDist;

/// Checks every `[[uncertain]]`.
pub fn check_uncertain(ck: &mut Checker, raw: &RawFile, text: &str) -> Vec<Uncertain> {
    if raw.uncertain.is_empty() {
        return Vec::new();
    }
    let values = params::path_values(text);
    let paths: Vec<String> = params::paths(text);
    let mut out: Vec<Uncertain> = Vec::new();
    for (i, u) in raw.uncertain.iter().enumerate() {
        let r = u.get_ref();
        let l = format!("uncertain[{i}]");
        let path = r.path.get_ref().trim();
        let path_ok = if path.starts_with("scenario.") {
            ck.error(
                format!("{l}.path"),
                span(&r.path),
                format!(
                    "`{path}` sets the run itself (horizon, seed, replications...) and cannot be drawn per replication"
                ),
                Some("make a site's, leg's, checkpoint's, cohort's or wave's number uncertain".into()),
            );
            false
        } else if !paths.iter().any(|p| p == path) {
            let help = match did_you_mean(path, paths.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`? `repatsim paths FILE` lists them all"),
                None => "`repatsim paths FILE` lists the numeric parameter paths of this file".into(),
            };
            ck.error(
                format!("{l}.path"),
                span(&r.path),
                format!("`{path}` is not a numeric parameter of this scenario"),
                Some(help),
            );
            false
        } else if let Some(problem) = unset_or_not_a_number(&values, path) {
            ck.error(format!("{l}.path"), span(&r.path), problem.0, Some(problem.1));
            false
        } else if out.iter().any(|o| o.path == path) {
            ck.error(
                format!("{l}.path"),
                span(&r.path),
                format!("`{path}` is declared uncertain twice"),
                Some("keep one [[uncertain]] table per path".into()),
            );
            false
        } else {
            true
        };
        let dist = input_dist(ck, &l, &r.dist);
        if let (true, Some(dist)) = (path_ok, dist) {
            out.push(Uncertain {
                path: path.to_string(),
                dist,
                whole: params::is_whole_field(path),
                value: f64::NAN,
                source: r.source.trim().to_string(),
                span: r.dist.span(),
            });
        }
    }
    out
}

/// Why `path` cannot be drawn although it is a parameter: the file leaves it to its
/// default (a draw would change what the scenario has, e.g. a bed limit where there was
/// none), or it holds a distribution rather than a number.
fn unset_or_not_a_number(values: &[(String, Option<String>)], path: &str) -> Option<(String, String)> {
    let value = values.iter().find(|(p, _)| p == path).and_then(|(_, v)| v.as_deref());
    match value {
        None => Some((
            format!("`{path}` is not set in the file"),
            "write its value in the file first: an uncertain input varies a number the file states".into(),
        )),
        Some(v) if v.trim().parse::<f64>().is_err() => Some((
            format!("`{path}` is `{v}`, not a number"),
            format!("make one of its numbers uncertain instead, e.g. `{path}.mean` or `{path}.max`"),
        )),
        Some(_) => None,
    }
}

/// The distribution of one input: a table naming uniform, triangular or normal.
fn input_dist(ck: &mut Checker, l: &str, d: &toml::Spanned<RawDist>) -> Option<InputDist> {
    let field = format!("{l}.dist");
    let example = "e.g. dist = { dist = \"triangular\", min = 300, mode = 400, max = 500 }";
    let RawDist::Table(t) = d.get_ref() else {
        ck.error(
            field,
            span(d),
            "an uncertain input needs a distribution, not one number",
            Some(example.into()),
        );
        return None;
    };
    let need = |ck: &mut Checker, name: &str, v: Option<f64>| {
        if v.is_none() {
            ck.error(
                field.clone(),
                span(d),
                format!("a {} input needs `{name}`", format!("{:?}", t.dist).to_lowercase()),
                Some(example.into()),
            );
        }
        v
    };
    let unused = |ck: &mut Checker, fields: &[(&str, Option<f64>)]| {
        for (name, v) in fields {
            if v.is_some() {
                ck.error(
                    field.clone(),
                    span(d),
                    format!("`{name}` has no meaning for a {:?} input", t.dist).to_lowercase(),
                    Some(example.into()),
                );
            }
        }
    };
    let dist = match t.dist {
        RawDistKind::Uniform => {
            unused(
                ck,
                &[
                    ("value", t.value),
                    ("mean", t.mean),
                    ("sd", t.sd),
                    ("mode", t.mode),
                    ("shape", t.shape),
                    ("scale", t.scale),
                ],
            );
            let (min, max) = (need(ck, "min", t.min)?, need(ck, "max", t.max)?);
            InputDist::Uniform { min, max }
        }
        RawDistKind::Triangular => {
            unused(
                ck,
                &[
                    ("value", t.value),
                    ("mean", t.mean),
                    ("sd", t.sd),
                    ("shape", t.shape),
                    ("scale", t.scale),
                ],
            );
            let (min, mode, max) = (
                need(ck, "min", t.min)?,
                need(ck, "mode", t.mode)?,
                need(ck, "max", t.max)?,
            );
            InputDist::Triangular { min, mode, max }
        }
        RawDistKind::Normal => {
            unused(
                ck,
                &[
                    ("value", t.value),
                    ("mode", t.mode),
                    ("shape", t.shape),
                    ("scale", t.scale),
                ],
            );
            let (mean, sd) = (need(ck, "mean", t.mean)?, need(ck, "sd", t.sd)?);
            let default = InputDist::normal(mean, sd).bounds();
            InputDist::Normal {
                mean,
                sd,
                min: t.min.unwrap_or(default.0),
                max: t.max.unwrap_or(default.1),
            }
        }
        other => {
            ck.error(
                field,
                span(d),
                format!("an uncertain input cannot be {other:?}").to_lowercase(),
                Some("use uniform, triangular or normal (bounded, so the range can be checked before the run)".into()),
            );
            return None;
        }
    };
    match dist.checked() {
        Ok(d) => Some(d),
        Err(m) => {
            ck.error(field, span(d), m, Some(example.into()));
            None
        }
    }
}
