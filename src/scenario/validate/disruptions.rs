//! `[[closure]]` and `[[outbreak]]`: fixed and random windows in which legs and
//! checkpoints are closed.

use super::checker::{Checker, label, local_datetime, span};
use super::header::Header;
use super::names::{Named, Names};
use crate::scenario::clock;
use crate::scenario::error::did_you_mean;
use crate::scenario::raw::*;
use crate::scenario::types::*;
use toml::Spanned;

/// The legs and checkpoints a closure or outbreak applies to.
fn closable(ck: &mut Checker, names: &Names, field: &str, list: &Spanned<Vec<Spanned<String>>>) -> Vec<Closable> {
    let mut out = Vec::new();
    for n in list.get_ref() {
        match names.get(n.get_ref()) {
            Some(Named::Leg(i)) => out.push(Closable::Leg(LegId(i as u16))),
            Some(Named::Checkpoint(i)) => out.push(Closable::Checkpoint(CheckpointId(i as u16))),
            Some(Named::Site(_)) => ck.error(
                field,
                span(n),
                format!("`{}` is a site; closures stop legs and checkpoints", n.get_ref()),
                None,
            ),
            None => {
                let help = did_you_mean(n.get_ref(), names.stages.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"));
                ck.error(
                    field,
                    span(n),
                    format!("no leg or checkpoint is named `{}`", n.get_ref()),
                    help,
                );
            }
        }
    }
    if list.get_ref().is_empty() {
        ck.error(
            field,
            span(list),
            "applies_to is empty",
            Some("list the legs and checkpoints it closes".into()),
        );
    }
    out
}

/// Checks every `[[closure]]` and `[[outbreak]]`.
/// Refuses a closure's or outbreak's `name` used by an earlier one of its kind: `--set
/// outbreak.NAME...` and `paths` name them, and reached only the first of two (a
/// tester's second outbreak of the same name kept its own probability, unlisted).
fn named_once<'a>(
    ck: &mut Checker,
    kind: &str,
    l: &str,
    name: &Spanned<String>,
    earlier: impl Iterator<Item = &'a Spanned<String>>,
) {
    for other in earlier {
        if other.get_ref() == name.get_ref() {
            ck.error(
                format!("{l}.name"),
                span(name),
                format!(
                    "{} {kind} named `{}` is already declared",
                    if kind == "outbreak" { "an" } else { "a" },
                    name.get_ref()
                ),
                Some(format!("give each {kind} its own name")),
            );
            return;
        }
    }
}

pub fn check_disruptions(
    ck: &mut Checker,
    raw: &RawFile,
    names: &Names,
    header: &Header,
) -> (Vec<Closure>, Vec<Outbreak>) {
    let start_dt = header.start_dt;
    let mut closures = Vec::new();
    for (i, c) in raw.closure.iter().enumerate() {
        let r = c.get_ref();
        let l = label("closure", i, r.name.get_ref());
        named_once(
            ck,
            "closure",
            &l,
            &r.name,
            raw.closure[..i].iter().map(|o| &o.get_ref().name),
        );
        let applies_to = closable(ck, names, &format!("{l}.applies_to"), &r.applies_to);
        let from = local_datetime(ck, &format!("{l}.from"), &r.from);
        let to = local_datetime(ck, &format!("{l}.to"), &r.to);
        if let (Some(a), Some(b)) = (from, to) {
            if b <= a {
                ck.error(
                    format!("{l}.to"),
                    span(&r.to),
                    "the closure must end after it starts",
                    None,
                );
            }
            closures.push(Closure {
                name: r.name.get_ref().clone(),
                applies_to,
                from_hours: clock::hours_between(start_dt, a),
                to_hours: clock::hours_between(start_dt, b),
            });
        }
    }
    let mut outbreaks = Vec::new();
    for (i, o) in raw.outbreak.iter().enumerate() {
        let r = o.get_ref();
        let l = label("outbreak", i, r.name.get_ref());
        named_once(
            ck,
            "outbreak",
            &l,
            &r.name,
            raw.outbreak[..i].iter().map(|o| &o.get_ref().name),
        );
        let applies_to = closable(ck, names, &format!("{l}.applies_to"), &r.applies_to);
        let p = ck.probability(&format!("{l}.probability_per_week"), &r.probability_per_week);
        let d = ck.dist(&format!("{l}.duration_days"), &r.duration_days, 24.0);
        if let (Some(probability_per_week), Some(duration_hours)) = (p, d) {
            outbreaks.push(Outbreak {
                name: r.name.get_ref().clone(),
                applies_to,
                probability_per_week,
                duration_hours,
            });
        }
    }
    (closures, outbreaks)
}
