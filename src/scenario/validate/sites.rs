//! `[[category]]` and `[[site]]`: kinds of people, and places people stay (beds, stays,
//! tests at the end of a stay, costs).

use super::checker::{Checker, MAX_COUNT, check_name, label, span};
use super::names::Names;
use crate::engine::Dist;
use crate::scenario::raw::*;
use crate::scenario::types::*;

/// Checks every `[[category]]`.
pub fn check_categories(ck: &mut Checker, raw: &RawFile) -> Vec<Category> {
    let mut categories: Vec<Category> = Vec::new();
    for (i, c) in raw.category.iter().enumerate() {
        let r = c.get_ref();
        let l = label("category", i, r.name.get_ref());
        check_name(ck, &format!("{l}.name"), &r.name);
        if categories.iter().any(|x| x.name == *r.name.get_ref()) {
            ck.error(
                format!("{l}.name"),
                span(&r.name),
                format!("the category `{}` is defined twice", r.name.get_ref()),
                None,
            );
        }
        let priority = match &r.priority {
            Some(p) => ck.count(&format!("{l}.priority"), p, 1, 1000, "priority").unwrap_or(1),
            None => 1,
        };
        let evasion_multiplier = match &r.evasion_multiplier {
            Some(m) => ck
                .positive(&format!("{l}.evasion_multiplier"), m, true, 1e6)
                .unwrap_or(1.0),
            None => 1.0,
        };
        categories.push(Category {
            name: r.name.get_ref().clone(),
            priority,
            evasion_multiplier,
        });
    }
    categories
}

/// Checks every `[[site]]`.
pub fn check_sites(ck: &mut Checker, raw: &RawFile, names: &Names) -> Vec<Site> {
    let mut sites = Vec::new();
    for (i, s) in raw.site.iter().enumerate() {
        let r = s.get_ref();
        let l = label("site", i, r.name.get_ref());
        let kind = match r.kind.get_ref() {
            RawSiteKind::Origin => SiteKind::Origin,
            RawSiteKind::Assembly => SiteKind::Assembly,
            RawSiteKind::Transit => SiteKind::Transit,
            RawSiteKind::Quarantine => SiteKind::Quarantine,
            RawSiteKind::Home => SiteKind::Home,
        };
        let terminal = matches!(kind, SiteKind::Origin | SiteKind::Home);
        let beds = match &r.beds {
            Some(b) if terminal => {
                ck.error(
                    format!("{l}.beds"),
                    span(b),
                    format!("a site of kind {} has no beds to limit", kind.as_str()),
                    Some("remove `beds`, or make the site an assembly, transit or quarantine site".into()),
                );
                None
            }
            Some(b) => ck.count(&format!("{l}.beds"), b, 1, MAX_COUNT, "beds"),
            None => None,
        };
        let stay = match &r.stay_hours {
            Some(d) if terminal => {
                ck.error(
                    format!("{l}.stay_hours"),
                    span(d),
                    format!("a site of kind {} has no stay", kind.as_str()),
                    Some("remove `stay_hours`".into()),
                );
                None
            }
            Some(d) => {
                let stay = ck.dist(&format!("{l}.stay_hours"), d, 1.0);
                // A quarantine nobody stays in passes people straight through: its beds
                // never fill and "nobody waits" reads as a plan that works.
                if kind == SiteKind::Quarantine
                    && let Some(x) = &stay
                    && x.is_fixed()
                    && x.mean() == 0.0
                {
                    ck.warn(
                        format!("{l}.stay_hours"),
                        span(d),
                        format!(
                            "quarantine `{}` keeps people 0 hours: they pass straight through and its beds never fill",
                            r.name.get_ref()
                        ),
                        Some(
                            "give the quarantine's length (stay_hours = 168 is a week), or make it a transit site"
                                .into(),
                        ),
                    );
                }
                stay
            }
            None => Dist::fixed(if kind == SiteKind::Quarantine { 168.0 } else { 0.0 }).ok(),
        };
        let cost_per_bed_night = match &r.cost_per_bed_night {
            // Nobody stays at an origin or home on the plan's account: the cost would
            // silently come to nothing.
            Some(c) if terminal => {
                ck.error(
                    format!("{l}.cost_per_bed_night"),
                    span(c),
                    format!("a site of kind {} lodges nobody, so it has no bed nights to pay for", kind.as_str()),
                    Some(if kind == SiteKind::Origin {
                        "remove `cost_per_bed_night`; to pay for nights before pickup, route people through an assembly site that has it".into()
                    } else {
                        "remove `cost_per_bed_night`".into()
                    }),
                );
                0.0
            }
            c => ck.money(&format!("{l}.cost_per_bed_night"), c.as_ref()),
        };
        let testing = match (
            &r.test_positive_probability,
            &r.positive_extra_stay_hours,
            &r.positive_isolation_site,
        ) {
            (None, None, None) => None,
            (None, extra, iso) => {
                let at = extra.as_ref().map(|x| x.span()).or(iso.as_ref().map(|x| x.span()));
                ck.error(
                    format!("{l}.test_positive_probability"),
                    at,
                    "a test outcome is given but no test_positive_probability",
                    None,
                );
                None
            }
            (Some(p), extra, iso) => {
                let p = ck.probability(&format!("{l}.test_positive_probability"), p);
                let on_positive = match (extra, iso) {
                    (Some(d), None) => ck
                        .dist(&format!("{l}.positive_extra_stay_hours"), d, 1.0)
                        .map(OnPositive::Extend),
                    (None, Some(site)) => names
                        .resolve_site(ck, format!("{l}.positive_isolation_site"), site)
                        .map(OnPositive::Isolate),
                    (Some(_), Some(site)) => {
                        ck.error(
                            format!("{l}.positive_isolation_site"),
                            span(site),
                            "give positive_extra_stay_hours or positive_isolation_site, not both",
                            None,
                        );
                        None
                    }
                    (None, None) => {
                        ck.error(format!("{l}.test_positive_probability"), span(r.test_positive_probability.as_ref().expect("matched Some")), "say what a positive test does", Some("add positive_extra_stay_hours = 72 (the stay is extended) or positive_isolation_site = \"isolation-ward\"".into()));
                        None
                    }
                };
                match (p, on_positive) {
                    (Some(positive_probability), Some(on_positive)) => Some(Testing {
                        positive_probability,
                        on_positive,
                    }),
                    _ => None,
                }
            }
        };
        if testing.is_some() && terminal {
            ck.error(
                format!("{l}.test_positive_probability"),
                Some(s.span()),
                format!("a site of kind {} has no stay to test at the end of", kind.as_str()),
                None,
            );
        }
        let area = match &r.area {
            Some(a) => {
                check_name(ck, &format!("{l}.area"), a);
                a.get_ref().clone()
            }
            None => r.name.get_ref().clone(),
        };
        sites.push(Site {
            area,
            name: r.name.get_ref().clone(),
            kind,
            beds,
            stay_hours: stay.unwrap_or_else(|| Dist::fixed(0.0).expect("zero is valid")),
            testing,
            cost_per_bed_night,
            costed: r.cost_per_bed_night.is_some(),
        });
    }
    sites
}
