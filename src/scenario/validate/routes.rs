//! Routes: every stage named, every leg starting where people are, every site and
//! checkpoint where the route has brought people (nobody "teleports"), no site or
//! checkpoint twice, a home site last.

use super::checker::{Checker, span};
use super::names::{Named, Names};
use crate::scenario::error::did_you_mean;
use crate::scenario::raw::*;
use crate::scenario::types::*;
use toml::Spanned;

/// What route checking needs to know about the rest of the file.
pub struct RouteContext<'a> {
    pub names: &'a Names,
    pub raw: &'a RawFile,
    pub sites: &'a [Site],
}

pub fn check_route(
    ck: &mut Checker,
    field: &str,
    route: &Spanned<Vec<Spanned<String>>>,
    origin: Option<SiteId>,
    ctx: &RouteContext,
) -> Option<Vec<Stage>> {
    let RouteContext { names, raw, sites } = *ctx;
    let field = field.to_string();
    let steps = route.get_ref();
    if steps.is_empty() {
        ck.error(&field, span(route), "the route is empty", Some("list the stages from the origin to a home site, e.g. [\"bus\", \"hotel\", \"customs\", \"quarantine\", \"home\"]".into()));
        return None;
    }
    let mut ok = true;
    let mut stages = Vec::new();
    let mut here: Option<usize> = origin.map(|o| o.0 as usize);
    let mut here_because = "the cohort's origin".to_string();
    let mut seen: std::collections::HashMap<Named, usize> = std::collections::HashMap::new();
    let site_name = |i: usize| raw.site.get(i).map_or("?", |s| s.get_ref().name.get_ref().as_str());
    // Two sites in the same area are a local transfer apart: no leg needed.
    let apart = |a: usize, b: usize| a != b && sites.get(a).map(|s| &s.area) != sites.get(b).map(|s| &s.area);
    for (k, step) in steps.iter().enumerate() {
        let name = step.get_ref();
        if let Some(what @ (Named::Site(_) | Named::Checkpoint(_))) = names.get(name) {
            if let Some(&first) = seen.get(&what) {
                ck.error(
                    &field,
                    span(step),
                    format!("the route passes `{name}` twice (stages {} and {})", first + 1, k + 1),
                    Some("a route passes each site and checkpoint once; to come back, use a second site or checkpoint with its own name".into()),
                );
                ok = false;
            }
            seen.entry(what).or_insert(k);
        }
        let Some(what) = names.get(name) else {
            let help = match did_you_mean(name, names.stages.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`? a route lists sites, legs and checkpoints by name"),
                None => "a route lists sites, legs and checkpoints by name".to_string(),
            };
            ck.error(
                &field,
                span(step),
                format!("no site, leg or checkpoint is named `{name}`"),
                Some(help),
            );
            ok = false;
            here = None;
            continue;
        };
        match what {
            Named::Site(i) => {
                let kind = sites.get(i).map(|s| s.kind);
                if kind == Some(SiteKind::Origin) {
                    ck.error(
                        &field,
                        span(step),
                        format!("`{name}` is an origin site; origins start routes but cannot be stages in them"),
                        None,
                    );
                    ok = false;
                }
                if kind == Some(SiteKind::Home) && k + 1 != steps.len() {
                    ck.error(
                        &field,
                        span(step),
                        format!(
                            "`{name}` is a home site, so the route ends there, but {} more stage(s) follow",
                            steps.len() - k - 1
                        ),
                        Some("put the home site last".into()),
                    );
                    ok = false;
                }
                // Home is wherever people disperse to; any other site must be where
                // the route has brought them.
                if kind != Some(SiteKind::Home)
                    && let Some(h) = here
                    && apart(h, i)
                {
                    ck.error(
                        &field,
                        span(step),
                        format!(
                            "people are at `{}` after {here_because}, but `{name}` is another site and nothing on the route takes them there",
                            site_name(h)
                        ),
                        Some(format!(
                            "add a leg from `{}` to `{name}` before it; or, if they are in the same town and the transfer is not worth modelling, give both sites the same `area`",
                            site_name(h)
                        )),
                    );
                    ok = false;
                }
                here = Some(i);
                here_because = format!("stage {} (`{name}`)", k + 1);
                stages.push(Stage::Site(SiteId(i as u16)));
            }
            Named::Leg(i) => {
                let leg = raw.leg[i].get_ref();
                if let (Some(h), Some(Named::Site(from))) = (here, names.get(leg.from.get_ref()))
                    && h != from
                {
                    let at_name = raw.site.get(h).map_or("?", |s| s.get_ref().name.get_ref().as_str());
                    ck.error(
                        &field,
                        span(step),
                        format!(
                            "leg `{name}` starts at `{}`, but people are at `{at_name}` after {here_because}",
                            leg.from.get_ref()
                        ),
                        Some(format!(
                            "add a leg from `{at_name}` to `{}` before it, or use a leg that starts at `{at_name}`",
                            leg.from.get_ref()
                        )),
                    );
                    ok = false;
                }
                here = match names.get(leg.to.get_ref()) {
                    Some(Named::Site(to)) => Some(to),
                    _ => None,
                };
                here_because = format!("stage {} (`{name}`)", k + 1);
                stages.push(Stage::Leg(LegId(i as u16)));
            }
            Named::Checkpoint(i) => {
                if let Some(site) = &raw.checkpoint[i].get_ref().site
                    && let Some(Named::Site(s)) = names.get(site.get_ref())
                {
                    if let Some(h) = here
                        && apart(h, s)
                    {
                        ck.error(
                            &field,
                            span(step),
                            format!(
                                "checkpoint `{name}` is at `{}`, but people are at `{}` after {here_because}",
                                site_name(s),
                                site_name(h)
                            ),
                            Some(format!(
                                "add a leg from `{}` to `{}` before it, or use a checkpoint at `{}` (or give both sites the same `area`)",
                                site_name(h),
                                site_name(s),
                                site_name(h)
                            )),
                        );
                        ok = false;
                    }
                    here = Some(s);
                    here_because = format!("stage {} (`{name}`)", k + 1);
                }
                stages.push(Stage::Checkpoint(CheckpointId(i as u16)));
            }
        }
    }
    if ok {
        let last = steps.last().map(|s| s.get_ref().as_str()).unwrap_or("");
        let ends_home = matches!(stages.last(), Some(Stage::Site(s)) if sites.get(s.0 as usize).is_some_and(|x| x.kind == SiteKind::Home));
        if !ends_home {
            let homes: Vec<&str> = sites
                .iter()
                .filter(|s| s.kind == SiteKind::Home)
                .map(|s| s.name.as_str())
                .collect();
            let help = if homes.is_empty() {
                "define a [[site]] with kind = \"home\" and end the route with it".to_string()
            } else {
                format!("end the route with a home site: {}", homes.join(", "))
            };
            ck.error(
                &field,
                span(route),
                format!("the route never reaches home: its last stage `{last}` is not a site of kind home"),
                Some(help),
            );
            ok = false;
        }
    }
    ok.then_some(stages)
}

/// Every alternative of a branching route with its probability.
pub type BranchRoutes = Vec<(f64, Vec<Stage>)>;

/// A cohort's route that may branch: checks the route without its branches and every
/// alternative with them (each must make physical sense on its own), and returns the
/// route without branches and, if it branches, every alternative with its probability
/// (the first takes no branch). Branches are independent; at most 6 per route.
pub fn check_branching_route(
    ck: &mut Checker,
    field: &str,
    route: &Spanned<Vec<Spanned<RawRouteStep>>>,
    origin: Option<SiteId>,
    ctx: &RouteContext,
) -> (Option<Vec<Stage>>, BranchRoutes) {
    let steps = route.get_ref();
    let branches: Vec<(usize, &Spanned<RawRouteStep>, &RawBranch)> = steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s.get_ref() {
            RawRouteStep::Branch(b) => Some((i, s, b)),
            RawRouteStep::Stage(_) => None,
        })
        .collect();
    let mut ok = true;
    for (_, s, b) in &branches {
        if !(b.share.is_finite() && b.share > 0.0 && b.share < 1.0) {
            ck.error(
                field,
                span(s),
                format!("a branch's share must be between 0 and 1 (exclusive), got {}", b.share),
                Some("e.g. { share = 0.1, via = [\"secondary-screening\"] } sends 10% that way".into()),
            );
            ok = false;
        }
        if b.via.is_empty() {
            ck.error(
                field,
                span(s),
                "a branch with no stages in `via`",
                Some("list the stages the branch takes, e.g. via = [\"secondary-screening\"]".into()),
            );
            ok = false;
        }
    }
    if branches.len() > 6 {
        ck.error(
            field,
            span(route),
            format!("{} branches in one route; at most 6", branches.len()),
            None,
        );
        return (None, Vec::new());
    }
    // One alternative per combination of branches taken (bit i: branch i taken).
    let combos = 1usize << branches.len();
    let mut plain = None;
    let mut alternatives = Vec::new();
    for m in 0..combos {
        let mut names: Vec<Spanned<String>> = Vec::new();
        let mut p = 1.0;
        let mut b = 0;
        for s in steps {
            match s.get_ref() {
                RawRouteStep::Stage(n) => names.push(Spanned::new(s.span(), n.clone())),
                RawRouteStep::Branch(br) => {
                    if m >> b & 1 == 1 {
                        names.extend(br.via.iter().map(|n| Spanned::new(s.span(), n.clone())));
                        p *= br.share;
                    } else {
                        p *= 1.0 - br.share;
                    }
                    b += 1;
                }
            }
        }
        // Report each problem once: the plain route, then each branch taken alone.
        let checked = if m == 0 || m.is_power_of_two() {
            check_route(ck, field, &Spanned::new(route.span(), names), origin, ctx)
        } else {
            let mut quiet = Checker::default();
            let r = check_route(&mut quiet, field, &Spanned::new(route.span(), names), origin, ctx);
            if let Some(d) = quiet.errors.first() {
                ck.error(
                    field,
                    d.span.clone(),
                    format!("with branches {} taken together: {}", taken(m), d.message),
                    d.help.clone(),
                );
            }
            r
        };
        match checked {
            Some(stages) => {
                if m == 0 {
                    plain = Some(stages.clone());
                }
                alternatives.push((p, stages));
            }
            None => ok = false,
        }
    }
    if !ok {
        return (None, Vec::new());
    }
    if branches.is_empty() {
        return (plain, Vec::new());
    }
    (plain, alternatives)
}

/// The branches of combination `m`, counted from 1: "1 and 3".
fn taken(m: usize) -> String {
    let ids: Vec<String> = (0..usize::BITS as usize)
        .filter(|b| m >> b & 1 == 1)
        .map(|b| (b + 1).to_string())
        .collect();
    ids.join(" and ")
}
