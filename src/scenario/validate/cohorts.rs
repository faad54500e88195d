//! `[[cohort]]`: groups of people with an origin, a size, a route (and routes per
//! category), an arrival process, a mix of categories, evasion and approvals.

use super::arrivals::check_arrival;
use super::checker::{Checker, MAX_COUNT, check_name, label, span};
use super::header::Header;
use super::names::{CategoryNames, Names};
use super::routes::{RouteContext, check_route};
use crate::scenario::error::line_col;
use crate::scenario::raw::*;
use crate::scenario::types::*;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// What cohort checking needs from the rest of the file.
pub struct CohortContext<'a> {
    pub raw: &'a RawFile,
    pub text: &'a str,
    pub names: &'a Names,
    pub sites: &'a [Site],
    pub categories: &'a CategoryNames,
    pub header: &'a Header,
}

/// Checks every `[[cohort]]`, then gives cohorts without a mix the implicit category
/// `all` (added to `categories` if needed).
pub fn check_cohorts(ck: &mut Checker, cx: &CohortContext, categories: &mut Vec<Category>) -> Vec<Cohort> {
    let raw = cx.raw;
    let mut cohorts = Vec::new();
    let mut cohort_names: HashMap<&str, Range<usize>> = HashMap::new();
    let mut population: i64 = 0;
    for (i, s) in raw.cohort.iter().enumerate() {
        let r = s.get_ref();
        if let Some(first) = cohort_names.get(r.name.get_ref().as_str()) {
            let line = line_col(cx.text, first.start).line;
            ck.error(
                format!("{}.name", label("cohort", i, r.name.get_ref())),
                span(&r.name),
                format!("the cohort name `{}` is already used (line {line})", r.name.get_ref()),
                None,
            );
        } else {
            cohort_names.insert(r.name.get_ref(), r.name.span());
        }
        if let Some(c) = check_cohort(ck, cx, i, s) {
            population += i64::from(c.size);
            cohorts.push(c);
        }
    }
    if raw.cohort.is_empty() {
        ck.error(
            "cohort",
            Some(raw.scenario.span()),
            "the scenario has no cohorts, so nobody would move",
            Some("add a [[cohort]] with a name, origin, size and route".into()),
        );
    }
    if population > MAX_COUNT {
        ck.error(
            "cohort",
            None,
            format!("the cohorts hold {population} people in all; at most {MAX_COUNT} are supported"),
            None,
        );
    }

    // The implicit category of cohorts without a mix.
    if cohorts.iter().any(|c| c.mix.iter().any(|(cat, _)| cat.0 == u16::MAX)) {
        let all = match categories.iter().position(|c| c.name == "all") {
            Some(i) => i,
            None => {
                categories.push(Category {
                    name: "all".into(),
                    priority: 1,
                    evasion_multiplier: 1.0,
                });
                categories.len() - 1
            }
        };
        for c in &mut cohorts {
            for (cat, _) in &mut c.mix {
                if cat.0 == u16::MAX {
                    *cat = CategoryId(all as u16);
                }
            }
        }
    }

    cohorts
}

/// Checks one cohort; `None` if anything in it was refused.
fn check_cohort(ck: &mut Checker, cx: &CohortContext, i: usize, s: &Spanned<RawCohort>) -> Option<Cohort> {
    let r = s.get_ref();
    let l = label("cohort", i, r.name.get_ref());
    check_name(ck, &format!("{l}.name"), &r.name);
    let origin = cx.names.resolve_site(ck, format!("{l}.origin"), &r.origin);
    if let Some(o) = origin
        && let Some(site) = cx.sites.get(o.0 as usize)
        && site.kind != SiteKind::Origin
    {
        ck.error(
            format!("{l}.origin"),
            span(&r.origin),
            format!(
                "`{}` is a site of kind {}, not an origin",
                site.name,
                site.kind.as_str()
            ),
            Some("cohorts start at a site with kind = \"origin\"".into()),
        );
    }
    let size = ck.count(&format!("{l}.size"), &r.size, 1, MAX_COUNT, "size");
    let ctx = RouteContext {
        names: cx.names,
        raw: cx.raw,
        sites: cx.sites,
    };
    let (route, branch_routes) =
        super::routes::check_branching_route(ck, &format!("{l}.route"), &r.route, origin, &ctx);
    let arrival = check_arrival(ck, &l, r, size, cx.header.horizon_days);
    let mix = check_mix(ck, &l, r, size, cx.categories);
    let mut category_routes = Vec::new();
    if let Some(cr) = &r.category_routes {
        for (name, route) in cr.get_ref() {
            let field = format!("{l}.category_routes.{name}");
            let cat = cx.categories.resolve(ck, &field, name, Some(cr.span()));
            if let (Some(cat), Some(mix)) = (cat, &mix)
                && !mix.iter().any(|(c, _)| *c == cat)
            {
                ck.error(
                    &field,
                    Some(cr.span()),
                    format!("`{name}` has a route but no share in this cohort's mix"),
                    None,
                );
            }
            if let (Some(cat), Some(stages)) = (cat, check_route(ck, &field, route, origin, &ctx)) {
                category_routes.push((cat, stages));
            }
        }
    }
    let evasion_per_hour = match &r.evasion_per_hour {
        Some(h) => ck
            .positive(&format!("{l}.evasion_per_hour"), h, true, 1e3)
            .unwrap_or(0.0),
        None => 0.0,
    };
    let approvals = ck.quota(
        &format!("{l}.approvals"),
        r.approvals_per_day.as_ref(),
        r.approvals_per_week.as_ref(),
    );
    if let (Some(origin), Some(size), Some(route), Some(arrival), Some(mix), Some(approvals)) =
        (origin, size, route, arrival, mix, approvals)
    {
        return Some(Cohort {
            name: r.name.get_ref().clone(),
            origin,
            size,
            route,
            arrival,
            mix,
            branch_routes,
            category_routes,
            evasion_per_hour,
            approvals,
            has_waves: false,
        });
    }
    None
}

/// The category mix of a cohort, as whole people per category.
fn check_mix(
    ck: &mut Checker,
    l: &str,
    r: &RawCohort,
    size: Option<u32>,
    categories: &CategoryNames,
) -> Option<Vec<(CategoryId, u32)>> {
    match (&r.mix, size) {
        (None, Some(size)) => Some(vec![(CategoryId(u16::MAX), size)]),
        (Some(m), Some(size)) => {
            let mut shares = Vec::new();
            let mut ok = true;
            for (name, &share) in m.get_ref() {
                let Some(cat) = categories.resolve(ck, &format!("{l}.mix"), name, Some(m.span())) else {
                    ok = false;
                    continue;
                };
                if !(share.is_finite() && share >= 0.0) {
                    ck.error(
                        format!("{l}.mix"),
                        span(m),
                        format!("the share of `{name}` must be a number >= 0, got {share}"),
                        None,
                    );
                    ok = false;
                }
                shares.push((cat, share));
            }
            let total: f64 = shares.iter().map(|(_, s)| s).sum();
            if ok && (total - 1.0).abs() > 1e-6 {
                ck.error(
                    format!("{l}.mix"),
                    span(m),
                    format!("the shares add up to {total}, not 1"),
                    Some(
                        "give each category's share of the cohort as a fraction, e.g. { accused = 0.1, other = 0.9 }"
                            .into(),
                    ),
                );
                ok = false;
            }
            ok.then(|| apportion(size, &shares))
        }
        _ => None,
    }
}

/// category), so the counts add up to `size` exactly.
fn apportion(size: u32, shares: &[(CategoryId, f64)]) -> Vec<(CategoryId, u32)> {
    let exact: Vec<f64> = shares.iter().map(|(_, s)| s * f64::from(size)).collect();
    let mut counts: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let mut left = size - counts.iter().sum::<u32>().min(size);
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(shares.len() * 2) {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    shares.iter().zip(counts).map(|((c, _), n)| (*c, n)).collect()
}
