//! From the file as written ([`RawFile`]) to a checked [`Scenario`]: every name
//! resolved, every number in range, every route able to reach home.

use super::clock::{self, TimetableEntry};
use super::error::{Diagnostic, did_you_mean};
use super::raw::*;
use super::types::*;
use crate::engine::{Dist, DistSpec, Timetable, WeeklyHours};
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// Largest count accepted for people, beds, seats and the like: keeps every total within
/// 32-bit indices with room to spare.
pub const MAX_COUNT: i64 = 50_000_000;
/// Longest horizon accepted, in days.
pub const MAX_HORIZON_DAYS: f64 = 3650.0;

/// Collects problems while validating; a value is produced only if none were found.
struct Checker {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

fn span<T>(s: &Spanned<T>) -> Option<Range<usize>> {
    Some(s.span())
}

impl Checker {
    fn error(
        &mut self,
        field: impl Into<String>,
        at: Option<Range<usize>>,
        msg: impl Into<String>,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(field, at, msg);
        d.help = help;
        self.errors.push(d);
    }

    fn warn(
        &mut self,
        field: impl Into<String>,
        at: Option<Range<usize>>,
        msg: impl Into<String>,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(field, at, msg);
        d.help = help;
        self.warnings.push(d);
    }

    /// A whole number in `[min, max]`.
    fn count(&mut self, field: &str, v: &Spanned<i64>, min: i64, max: i64, what: &str) -> Option<u32> {
        let x = *v.get_ref();
        if x < min || x > max {
            let msg = if x < min {
                format!("{what} must be at least {min}, got {x}")
            } else {
                format!("{what} must be at most {max}, got {x}")
            };
            self.error(field, span(v), msg, Some(format!("a whole number from {min} to {max}")));
            return None;
        }
        Some(x as u32)
    }

    /// A finite number in `(0, max]` (or `[0, max]` when `zero_ok`).
    fn positive(&mut self, field: &str, v: &Spanned<f64>, zero_ok: bool, max: f64) -> Option<f64> {
        let x = *v.get_ref();
        let ok = x.is_finite() && (x > 0.0 || (zero_ok && x == 0.0)) && x <= max;
        if !ok {
            let lo = if zero_ok { ">= 0" } else { "> 0" };
            self.error(
                field,
                span(v),
                format!("must be a number {lo} and at most {max}, got {x}"),
                None,
            );
            return None;
        }
        Some(x)
    }

    /// A probability in [0, 1].
    fn probability(&mut self, field: &str, v: &Spanned<f64>) -> Option<f64> {
        let x = *v.get_ref();
        if !(0.0..=1.0).contains(&x) {
            self.error(
                field,
                span(v),
                format!("a probability must be between 0 and 1, got {x}"),
                None,
            );
            return None;
        }
        Some(x)
    }

    /// An optional amount of money (>= 0), default 0.
    fn money(&mut self, field: &str, v: Option<&Spanned<f64>>) -> f64 {
        v.and_then(|v| self.positive(field, v, true, 1e15)).unwrap_or(0.0)
    }

    /// At most one of a daily and a weekly cap.
    fn quota(
        &mut self,
        prefix: &str,
        day: Option<&Spanned<i64>>,
        week: Option<&Spanned<i64>>,
    ) -> Option<Option<Quota>> {
        match (day, week) {
            (Some(_), Some(w)) => {
                self.error(
                    format!("{prefix}_per_week"),
                    span(w),
                    "give a daily or a weekly cap, not both",
                    None,
                );
                None
            }
            (Some(d), None) => Some(Some(Quota {
                count: self.count(&format!("{prefix}_per_day"), d, 1, MAX_COUNT, "a daily cap")?,
                period_hours: 24.0,
            })),
            (None, Some(w)) => Some(Some(Quota {
                count: self.count(&format!("{prefix}_per_week"), w, 1, MAX_COUNT, "a weekly cap")?,
                period_hours: 168.0,
            })),
            (None, None) => Some(None),
        }
    }

    /// A distribution; `to_hours` converts the file's unit to hours.
    fn dist(&mut self, field: &str, raw: &Spanned<RawDist>, to_hours: f64) -> Option<Dist> {
        let spec = match raw.get_ref() {
            RawDist::Number(v) => DistSpec::Fixed { value: *v },
            RawDist::Table(t) => self.dist_table(field, raw.span(), t)?,
        };
        match spec.scaled(to_hours).build() {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(
                    field,
                    span(raw),
                    format!("invalid {}: {}", spec_family(&spec), e.0),
                    None,
                );
                None
            }
        }
    }

    fn dist_table(&mut self, field: &str, at: Range<usize>, t: &RawDistTable) -> Option<DistSpec> {
        let given: Vec<(&str, Option<f64>)> = vec![
            ("value", t.value),
            ("mean", t.mean),
            ("sd", t.sd),
            ("min", t.min),
            ("mode", t.mode),
            ("max", t.max),
            ("shape", t.shape),
            ("scale", t.scale),
        ];
        let (family, sets): (&str, &[&[&str]]) = match t.dist {
            RawDistKind::Fixed => ("fixed", &[&["value"]]),
            RawDistKind::Exponential => ("exponential", &[&["mean"]]),
            RawDistKind::Normal => ("normal", &[&["mean", "sd"]]),
            RawDistKind::Lognormal => ("lognormal", &[&["mean", "sd"]]),
            RawDistKind::Uniform => ("uniform", &[&["min", "max"]]),
            RawDistKind::Triangular => ("triangular", &[&["min", "mode", "max"]]),
            RawDistKind::Gamma => ("gamma", &[&["shape", "scale"], &["mean", "sd"]]),
        };
        let present: Vec<&str> = given.iter().filter(|(_, v)| v.is_some()).map(|(k, _)| *k).collect();
        let Some(set) = sets
            .iter()
            .find(|set| set.iter().all(|k| present.contains(k)) && present.iter().all(|k| set.contains(k)))
        else {
            let wanted = sets.iter().map(|s| s.join(", ")).collect::<Vec<_>>().join("; or ");
            self.error(
                field,
                Some(at),
                format!(
                    "{family} distribution needs exactly: {wanted}; got: {}",
                    if present.is_empty() {
                        "nothing".into()
                    } else {
                        present.join(", ")
                    }
                ),
                Some(format!("e.g. {}", example(t.dist))),
            );
            return None;
        };
        let get = |k: &str| {
            given
                .iter()
                .find(|(n, _)| *n == k)
                .and_then(|(_, v)| *v)
                .unwrap_or(f64::NAN)
        };
        Some(match (t.dist, set[0]) {
            (RawDistKind::Fixed, _) => DistSpec::Fixed { value: get("value") },
            (RawDistKind::Exponential, _) => DistSpec::Exponential { mean: get("mean") },
            (RawDistKind::Normal, _) => DistSpec::Normal {
                mean: get("mean"),
                sd: get("sd"),
            },
            (RawDistKind::Lognormal, _) => DistSpec::LogNormal {
                mean: get("mean"),
                sd: get("sd"),
            },
            (RawDistKind::Uniform, _) => DistSpec::Uniform {
                min: get("min"),
                max: get("max"),
            },
            (RawDistKind::Triangular, _) => DistSpec::Triangular {
                min: get("min"),
                mode: get("mode"),
                max: get("max"),
            },
            (RawDistKind::Gamma, "shape") => DistSpec::Gamma {
                shape: get("shape"),
                scale: get("scale"),
            },
            (RawDistKind::Gamma, _) => {
                let (m, sd) = (get("mean"), get("sd"));
                if !(m > 0.0 && sd > 0.0 && m.is_finite() && sd.is_finite()) {
                    self.error(
                        field,
                        Some(at),
                        format!("gamma needs mean > 0 and sd > 0, got mean = {m}, sd = {sd}"),
                        None,
                    );
                    return None;
                }
                let shape = (m / sd).powi(2);
                DistSpec::Gamma {
                    shape,
                    scale: m / shape,
                }
            }
        })
    }
}

fn spec_family(s: &DistSpec) -> &'static str {
    match s {
        DistSpec::Fixed { .. } => "fixed value",
        DistSpec::Exponential { .. } => "exponential distribution",
        DistSpec::Normal { .. } => "normal distribution",
        DistSpec::LogNormal { .. } => "lognormal distribution",
        DistSpec::Uniform { .. } => "uniform distribution",
        DistSpec::Triangular { .. } => "triangular distribution",
        DistSpec::Gamma { .. } => "gamma distribution",
    }
}

fn example(kind: RawDistKind) -> &'static str {
    match kind {
        RawDistKind::Fixed => "{ dist = \"fixed\", value = 2 } or just 2",
        RawDistKind::Exponential => "{ dist = \"exponential\", mean = 3 }",
        RawDistKind::Normal => "{ dist = \"normal\", mean = 10, sd = 2 }",
        RawDistKind::Lognormal => "{ dist = \"lognormal\", mean = 10, sd = 4 }",
        RawDistKind::Uniform => "{ dist = \"uniform\", min = 1, max = 3 }",
        RawDistKind::Triangular => "{ dist = \"triangular\", min = 9, mode = 10, max = 13 }",
        RawDistKind::Gamma => "{ dist = \"gamma\", mean = 6, sd = 2 } or { dist = \"gamma\", shape = 9, scale = 0.5 }",
    }
}

/// Element names become parts of dotted metric and parameter paths.
fn check_name(ck: &mut Checker, field: &str, name: &Spanned<String>) {
    let n = name.get_ref();
    let ok = !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if !ok {
        ck.error(
            field,
            span(name),
            format!("`{n}` is not a usable name"),
            Some("use letters, digits, '-' and '_' only (no spaces or dots), e.g. \"dandong-hotel\"".into()),
        );
    }
}

/// Label for an element in field paths: its name if valid, else its position.
fn label(kind: &str, index: usize, name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        format!("{kind}.{name}")
    } else {
        format!("{kind}[{index}]")
    }
}

fn to_u16_len(ck: &mut Checker, what: &str, n: usize, at: Option<Range<usize>>) -> bool {
    if n > u16::MAX as usize {
        ck.error(what, at, format!("too many {what}s ({n}); at most {}", u16::MAX), None);
        return false;
    }
    true
}

/// What a route-stage name refers to.
#[derive(Clone, Copy)]
enum Named {
    Site(usize),
    Leg(usize),
    Checkpoint(usize),
}

/// Checks `raw` (parsed from `text`, named `file`) and builds the scenario, or returns
/// every problem found. Warnings (legal but likely unintended) come back with the
/// scenario.
pub fn validate(raw: RawFile, file: &str, text: &str) -> Result<(Scenario, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut ck = Checker {
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let header = raw.scenario.get_ref();

    // [scenario]
    check_name(&mut ck, "scenario.name", &header.name);
    let start = local_datetime(&mut ck, "scenario.start", &header.start);
    let horizon_days = ck.positive("scenario.horizon_days", &header.horizon_days, false, MAX_HORIZON_DAYS);
    let seed = match &header.seed {
        None => Some(1),
        Some(s) if *s.get_ref() >= 0 => Some(*s.get_ref() as u64),
        Some(s) => {
            ck.error(
                "scenario.seed",
                span(s),
                format!("seed must be a whole number >= 0, got {}", s.get_ref()),
                None,
            );
            None
        }
    };
    let replications = match &header.replications {
        None => Some(100),
        Some(r) => ck.count("scenario.replications", r, 1, 100_000_000, "replications"),
    };
    let warmup = match &header.warmup_hours {
        None => Some(0.0),
        Some(w) => {
            let v = ck.positive("scenario.warmup_hours", w, true, MAX_HORIZON_DAYS * 24.0);
            if let (Some(v), Some(h)) = (v, horizon_days)
                && v >= h * 24.0
            {
                ck.error(
                    "scenario.warmup_hours",
                    span(w),
                    format!("the warm-up ({v} h) must end before the horizon ({} h)", h * 24.0),
                    None,
                );
            }
            v
        }
    };
    let start_week = start.map(clock::week_hours).unwrap_or(0.0);
    let start_dt = start.unwrap_or_default();

    // Names shared by sites, legs and checkpoints (routes refer to all three).
    let mut names: HashMap<String, (Named, Range<usize>)> = HashMap::new();
    let mut register = |ck: &mut Checker, field: String, name: &Spanned<String>, what: Named| {
        if let Some((_, first)) = names.get(name.get_ref()) {
            let first_line = super::error::line_col(text, first.start).line;
            ck.error(
                field,
                span(name),
                format!(
                    "the name `{}` is already used (line {first_line}); site, leg and checkpoint names must be unique",
                    name.get_ref()
                ),
                None,
            );
        } else {
            names.insert(name.get_ref().clone(), (what, name.span()));
        }
    };

    to_u16_len(&mut ck, "site", raw.site.len(), None);
    to_u16_len(&mut ck, "leg", raw.leg.len(), None);
    to_u16_len(&mut ck, "checkpoint", raw.checkpoint.len(), None);
    to_u16_len(&mut ck, "cohort", raw.cohort.len(), None);

    for (i, s) in raw.site.iter().enumerate() {
        let l = label("site", i, s.get_ref().name.get_ref());
        check_name(&mut ck, &format!("{l}.name"), &s.get_ref().name);
        register(&mut ck, format!("{l}.name"), &s.get_ref().name, Named::Site(i));
    }
    for (i, s) in raw.leg.iter().enumerate() {
        let l = label("leg", i, s.get_ref().name.get_ref());
        check_name(&mut ck, &format!("{l}.name"), &s.get_ref().name);
        register(&mut ck, format!("{l}.name"), &s.get_ref().name, Named::Leg(i));
    }
    for (i, s) in raw.checkpoint.iter().enumerate() {
        let l = label("checkpoint", i, s.get_ref().name.get_ref());
        check_name(&mut ck, &format!("{l}.name"), &s.get_ref().name);
        register(&mut ck, format!("{l}.name"), &s.get_ref().name, Named::Checkpoint(i));
    }
    let site_names: Vec<&str> = raw.site.iter().map(|s| s.get_ref().name.get_ref().as_str()).collect();
    let stage_names: Vec<&str> = names.keys().map(String::as_str).collect();

    let resolve_site = |ck: &mut Checker, field: String, name: &Spanned<String>| -> Option<SiteId> {
        match names.get(name.get_ref()) {
            Some((Named::Site(i), _)) => Some(SiteId(*i as u16)),
            Some(_) => {
                ck.error(
                    field,
                    span(name),
                    format!("`{}` is not a site (it is a leg or checkpoint)", name.get_ref()),
                    None,
                );
                None
            }
            None => {
                let help = match did_you_mean(name.get_ref(), site_names.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? sites are: {}", site_names.join(", ")),
                    None => format!(
                        "sites are: {}",
                        if site_names.is_empty() {
                            "(none defined)".into()
                        } else {
                            site_names.join(", ")
                        }
                    ),
                };
                ck.error(
                    field,
                    span(name),
                    format!("no site is named `{}`", name.get_ref()),
                    Some(help),
                );
                None
            }
        }
    };

    // Categories.
    let mut categories: Vec<Category> = Vec::new();
    for (i, c) in raw.category.iter().enumerate() {
        let r = c.get_ref();
        let l = label("category", i, r.name.get_ref());
        check_name(&mut ck, &format!("{l}.name"), &r.name);
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
    let category_names: Vec<String> = categories.iter().map(|c| c.name.clone()).collect();
    let resolve_category =
        |ck: &mut Checker, field: &str, name: &str, at: Option<Range<usize>>| -> Option<CategoryId> {
            match category_names.iter().position(|c| c == name) {
                Some(i) => Some(CategoryId(i as u16)),
                None => {
                    let help = match did_you_mean(name, category_names.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`? categories are: {}", category_names.join(", ")),
                        None if category_names.is_empty() => "define it with a [[category]] table".to_string(),
                        None => format!("categories are: {}", category_names.join(", ")),
                    };
                    ck.error(field, at, format!("no category is named `{name}`"), Some(help));
                    None
                }
            }
        };

    // Sites.
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
            Some(d) => ck.dist(&format!("{l}.stay_hours"), d, 1.0),
            None => Dist::fixed(if kind == SiteKind::Quarantine { 168.0 } else { 0.0 }).ok(),
        };
        let cost_per_bed_night = ck.money(&format!("{l}.cost_per_bed_night"), r.cost_per_bed_night.as_ref());
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
                    (None, Some(site)) => {
                        resolve_site(&mut ck, format!("{l}.positive_isolation_site"), site).map(OnPositive::Isolate)
                    }
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
        sites.push(Site {
            name: r.name.get_ref().clone(),
            kind,
            beds,
            stay_hours: stay.unwrap_or_else(|| Dist::fixed(0.0).expect("zero is valid")),
            testing,
            cost_per_bed_night,
        });
    }

    // Legs.
    let mut legs = Vec::new();
    for (i, s) in raw.leg.iter().enumerate() {
        let r = s.get_ref();
        let l = label("leg", i, r.name.get_ref());
        let from = resolve_site(&mut ck, format!("{l}.from"), &r.from);
        let to = resolve_site(&mut ck, format!("{l}.to"), &r.to);
        if let (Some(a), Some(b)) = (from, to) {
            if a == b {
                ck.error(
                    format!("{l}.to"),
                    span(&r.to),
                    "a leg must go somewhere else than where it starts",
                    None,
                );
            }
            if sites
                .get(b.0 as usize)
                .is_some_and(|s: &Site| s.kind == SiteKind::Origin)
            {
                ck.error(
                    format!("{l}.to"),
                    span(&r.to),
                    format!("`{}` is an origin; legs cannot lead back to an origin", r.to.get_ref()),
                    None,
                );
            }
        }
        let vehicles = ck.count(&format!("{l}.vehicles"), &r.vehicles, 1, 100_000, "vehicles");
        let seats = ck.count(&format!("{l}.seats"), &r.seats, 1, 100_000, "seats");
        if let (Some(v), Some(n)) = (vehicles, seats)
            && u64::from(v) * u64::from(n) > MAX_COUNT as u64
        {
            ck.error(
                format!("{l}.vehicles"),
                span(&r.vehicles),
                format!(
                    "vehicles x seats = {} is more than the {MAX_COUNT} allowed",
                    u64::from(v) * u64::from(n)
                ),
                None,
            );
        }
        let travel = ck.dist(&format!("{l}.travel_hours"), &r.travel_hours, 1.0);
        let ret = match &r.return_hours {
            Some(d) => ck.dist(&format!("{l}.return_hours"), d, 1.0),
            None => travel,
        };
        let rule = r
            .departure
            .as_ref()
            .map_or(RawDeparture::WhenFullOrEmptyQueue, |d| *d.get_ref());
        if let Some(mw) = &r.max_wait_hours
            && rule != RawDeparture::WhenFull
        {
            ck.error(
                format!("{l}.max_wait_hours"),
                span(mw),
                "max_wait_hours applies only to departure = \"when_full\"",
                None,
            );
        }
        if let Some(tt) = &r.timetable
            && rule != RawDeparture::Timetable
        {
            ck.error(
                format!("{l}.timetable"),
                span(tt),
                "a timetable is given but departure is not \"timetable\"",
                Some("add departure = \"timetable\", or remove the timetable".into()),
            );
        }
        let departure = match rule {
            RawDeparture::WhenFull => {
                let mw = r
                    .max_wait_hours
                    .as_ref()
                    .and_then(|m| ck.positive(&format!("{l}.max_wait_hours"), m, true, 24.0 * MAX_HORIZON_DAYS));
                Some(Departure::WhenFull { max_wait_hours: mw })
            }
            RawDeparture::WhenFullOrEmptyQueue => Some(Departure::WhenFullOrEmptyQueue),
            RawDeparture::Timetable => match &r.timetable {
                None => {
                    let at = r.departure.as_ref().map(|d| d.span()).or(Some(s.span()));
                    ck.error(
                        format!("{l}.timetable"),
                        at,
                        "departure = \"timetable\" needs a timetable",
                        Some("e.g. timetable = [\"daily 09:00\"] or [\"tue,fri 10:30\", \"2023-08-29 10:00\"]".into()),
                    );
                    None
                }
                Some(tt) => {
                    let mut weekly = Vec::new();
                    let mut once = Vec::new();
                    if tt.get_ref().is_empty() {
                        ck.error(
                            format!("{l}.timetable"),
                            span(tt),
                            "the timetable is empty",
                            Some("list at least one departure, e.g. \"daily 09:00\"".into()),
                        );
                    }
                    for e in tt.get_ref() {
                        match clock::parse_timetable_entry(e.get_ref()) {
                            Ok(TimetableEntry::Weekly(w)) => weekly.extend(w),
                            Ok(TimetableEntry::Once(dates)) => {
                                for d in dates {
                                    let h = clock::hours_between(start_dt, d);
                                    if h < 0.0 {
                                        ck.error(
                                            format!("{l}.timetable"),
                                            span(e),
                                            format!("departure {d} is before the scenario start {start_dt}"),
                                            None,
                                        );
                                    } else {
                                        once.push(h);
                                    }
                                }
                            }
                            Err(msg) => ck.error(format!("{l}.timetable"), span(e), msg, None),
                        }
                    }
                    let t = Timetable::new(start_week, weekly, once);
                    if let (Some(h), Some(first)) = (horizon_days, t.next(0.0, true))
                        && first > h * 24.0
                    {
                        ck.error(
                            format!("{l}.timetable"),
                            span(tt),
                            format!(
                                "the first departure is {:.1} days after the start, beyond the horizon of {h} days",
                                first / 24.0
                            ),
                            None,
                        );
                    }
                    Some(Departure::Timetable(t))
                }
            },
        };
        let mode = match r.mode.get_ref() {
            RawMode::Bus => Mode::Bus,
            RawMode::Coach => Mode::Coach,
            RawMode::Train => Mode::Train,
            RawMode::Flight => Mode::Flight,
            RawMode::Ship => Mode::Ship,
            RawMode::Ferry => Mode::Ferry,
            RawMode::Truck => Mode::Truck,
            RawMode::Van => Mode::Van,
            RawMode::Car => Mode::Car,
            RawMode::Walk => Mode::Walk,
        };
        if let (
            Some(from),
            Some(to),
            Some(vehicles),
            Some(seats),
            Some(travel_hours),
            Some(return_hours),
            Some(departure),
        ) = (from, to, vehicles, seats, travel, ret, departure)
        {
            let cancel_probability = r
                .cancel_probability
                .as_ref()
                .and_then(|p| ck.probability(&format!("{l}.cancel_probability"), p))
                .unwrap_or(0.0);
            if let Some(p) = &r.cancel_probability
                && !matches!(departure, Departure::Timetable(_))
            {
                ck.error(
                    format!("{l}.cancel_probability"),
                    span(p),
                    "cancellations apply to timetabled departures only",
                    Some("use departure = \"timetable\", or remove cancel_probability".into()),
                );
            }
            let breakdown_probability = r
                .breakdown_probability
                .as_ref()
                .and_then(|p| ck.probability(&format!("{l}.breakdown_probability"), p))
                .unwrap_or(0.0);
            let repair_hours = match (&r.repair_hours, breakdown_probability > 0.0) {
                (Some(d), _) => ck.dist(&format!("{l}.repair_hours"), d, 1.0),
                (None, true) => {
                    ck.error(
                        format!("{l}.repair_hours"),
                        r.breakdown_probability.as_ref().map(|b| b.span()),
                        "a breakdown probability needs repair_hours",
                        Some("e.g. repair_hours = { dist = \"triangular\", min = 2, mode = 4, max = 12 }".into()),
                    );
                    None
                }
                (None, false) => None,
            };
            legs.push(Leg {
                name: r.name.get_ref().clone(),
                from,
                to,
                mode,
                vehicles,
                seats,
                travel_hours,
                return_hours,
                departure,
                escorted: r.escorted.as_ref().is_none_or(|e| *e.get_ref()),
                admission: match r.admission.as_ref().map(|a| *a.get_ref()) {
                    Some(RawAdmission::Reserve) => Admission::Reserve,
                    _ => Admission::None,
                },
                cancel_probability,
                breakdown_probability,
                repair_hours,
                cost_per_trip: ck.money(&format!("{l}.cost_per_trip"), r.cost_per_trip.as_ref()),
                cost_per_seat: ck.money(&format!("{l}.cost_per_seat"), r.cost_per_seat.as_ref()),
            });
        }
    }

    // Checkpoints.
    let mut checkpoints = Vec::new();
    for (i, s) in raw.checkpoint.iter().enumerate() {
        let r = s.get_ref();
        let l = label("checkpoint", i, r.name.get_ref());
        let site = r
            .site
            .as_ref()
            .and_then(|n| resolve_site(&mut ck, format!("{l}.site"), n));
        let servers = ck.count(&format!("{l}.servers"), &r.servers, 1, 100_000, "servers");
        let service = ck.dist(&format!("{l}.service_minutes"), &r.service_minutes, 1.0 / 60.0);
        let days = match &r.open_days {
            None => Some([true; 7]),
            Some(d) => match clock::parse_days(d.get_ref()) {
                Ok(days) => Some(days),
                Err(m) => {
                    ck.error(format!("{l}.open_days"), span(d), m, None);
                    None
                }
            },
        };
        let daily = match &r.open_hours {
            None => Some(vec![(0.0, 24.0)]),
            Some(h) => match clock::parse_open_hours(h.get_ref()) {
                Ok(v) => Some(v),
                Err(m) => {
                    ck.error(format!("{l}.open_hours"), span(h), m, None);
                    None
                }
            },
        };
        let open = match (days, daily) {
            (Some(days), Some(daily)) => {
                let mut raw_iv = Vec::new();
                for (d, _) in days.iter().enumerate().filter(|(_, on)| **on) {
                    for &(a, b) in &daily {
                        raw_iv.push((d as f64 * 24.0 + a, d as f64 * 24.0 + b));
                    }
                }
                let open = WeeklyHours::new(start_week, raw_iv);
                if open.is_never_open() {
                    let at = r.open_days.as_ref().map(|d| d.span()).or(Some(s.span()));
                    ck.error(
                        format!("{l}.open_days"),
                        at,
                        "this checkpoint is never open, so nobody could ever pass",
                        None,
                    );
                }
                Some(open)
            }
            _ => None,
        };
        let mut closed = Vec::new();
        for entry in r.closed_dates.as_ref().map_or(&[][..], |v| v.get_ref().as_slice()) {
            match clock::parse_date_range(entry.get_ref()) {
                Ok((a, b)) => {
                    let from = clock::hours_between(start_dt, a.and_hms_opt(0, 0, 0).expect("midnight exists"));
                    let to = clock::hours_between(
                        start_dt,
                        b.succ_opt().unwrap_or(b).and_hms_opt(0, 0, 0).expect("midnight exists"),
                    );
                    if to > 0.0 {
                        closed.push((from.max(0.0), to));
                    }
                }
                Err(m) => ck.error(format!("{l}.closed_dates"), span(entry), m, None),
            }
        }
        let quota = ck.quota(
            &format!("{l}.quota"),
            r.quota_per_day.as_ref(),
            r.quota_per_week.as_ref(),
        );
        let cost_per_open_hour = ck.money(&format!("{l}.cost_per_open_hour"), r.cost_per_open_hour.as_ref());
        if let (Some(servers), Some(service_hours), Some(open), Some(quota)) = (servers, service, open, quota) {
            checkpoints.push(Checkpoint {
                name: r.name.get_ref().clone(),
                site,
                servers,
                service_hours,
                open,
                closed: merge_windows(closed),
                quota,
                cost_per_open_hour,
            });
        }
    }

    // Cohorts and routes.
    let mut cohorts = Vec::new();
    let mut cohort_names: HashMap<&str, Range<usize>> = HashMap::new();
    let mut population: i64 = 0;
    for (i, s) in raw.cohort.iter().enumerate() {
        let r = s.get_ref();
        let l = label("cohort", i, r.name.get_ref());
        check_name(&mut ck, &format!("{l}.name"), &r.name);
        if let Some(first) = cohort_names.get(r.name.get_ref().as_str()) {
            let line = super::error::line_col(text, first.start).line;
            ck.error(
                format!("{l}.name"),
                span(&r.name),
                format!("the cohort name `{}` is already used (line {line})", r.name.get_ref()),
                None,
            );
        } else {
            cohort_names.insert(r.name.get_ref(), r.name.span());
        }
        let origin = resolve_site(&mut ck, format!("{l}.origin"), &r.origin);
        if let Some(o) = origin
            && let Some(site) = sites.get(o.0 as usize)
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
        population += i64::from(size.unwrap_or(0));
        let ctx = RouteContext {
            names: &names,
            stage_names: &stage_names,
            raw: &raw,
            sites: &sites,
        };
        let route = check_route(&mut ck, &format!("{l}.route"), &r.route, origin, &ctx);
        let arrival = check_arrival(&mut ck, &l, r, size, horizon_days);
        let mix = match (&r.mix, size) {
            (None, Some(size)) => Some(vec![(CategoryId(u16::MAX), size)]),
            (Some(m), Some(size)) => {
                let mut shares = Vec::new();
                let mut ok = true;
                for (name, &share) in m.get_ref() {
                    let Some(cat) = resolve_category(&mut ck, &format!("{l}.mix"), name, Some(m.span())) else {
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
                    ck.error(format!("{l}.mix"), span(m), format!("the shares add up to {total}, not 1"), Some("give each category's share of the cohort as a fraction, e.g. { accused = 0.1, other = 0.9 }".into()));
                    ok = false;
                }
                ok.then(|| apportion(size, &shares))
            }
            _ => None,
        };
        let mut category_routes = Vec::new();
        if let Some(cr) = &r.category_routes {
            for (name, route) in cr.get_ref() {
                let field = format!("{l}.category_routes.{name}");
                let cat = resolve_category(&mut ck, &field, name, Some(cr.span()));
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
                if let (Some(cat), Some(stages)) = (cat, check_route(&mut ck, &field, route, origin, &ctx)) {
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
            cohorts.push(Cohort {
                name: r.name.get_ref().clone(),
                origin,
                size,
                route,
                arrival,
                mix,
                category_routes,
                evasion_per_hour,
                approvals,
                has_waves: false,
            });
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

    // Waves.
    let mut waves = Vec::new();
    for (i, w) in raw.wave.iter().enumerate() {
        let r = w.get_ref();
        let l = format!("wave[{i}]");
        let cohort = match cohorts.iter().position(|c| c.name == *r.cohort.get_ref()) {
            Some(c) => Some(c),
            None => {
                let names: Vec<&str> = cohorts.iter().map(|c| c.name.as_str()).collect();
                let help = did_you_mean(r.cohort.get_ref(), names.iter().copied()).map_or_else(
                    || format!("cohorts are: {}", names.join(", ")),
                    |s| format!("did you mean `{s}`?"),
                );
                ck.error(
                    format!("{l}.cohort"),
                    span(&r.cohort),
                    format!("no cohort is named `{}`", r.cohort.get_ref()),
                    Some(help),
                );
                None
            }
        };
        let at = ck.positive(
            &format!("{l}.at_day"),
            &r.at_day,
            true,
            horizon_days.unwrap_or(MAX_HORIZON_DAYS),
        );
        let notify = ck.count(&format!("{l}.notify"), &r.notify, 1, MAX_COUNT, "notify");
        let lead = match &r.lead_hours {
            Some(x) => ck.positive(&format!("{l}.lead_hours"), x, true, MAX_HORIZON_DAYS * 24.0),
            None => Some(0.0),
        };
        if let Some(c) = cohort {
            if raw
                .cohort
                .iter()
                .find(|rc| *rc.get_ref().name.get_ref() == cohorts[c].name)
                .is_some_and(|rc| rc.get_ref().arrival.is_some())
            {
                ck.error(
                    format!("{l}.cohort"),
                    span(&r.cohort),
                    format!(
                        "cohort `{}` has an arrival process; its people come either by arrival or by waves, not both",
                        cohorts[c].name
                    ),
                    Some("remove the cohort's `arrival`, or these waves".into()),
                );
            }
            cohorts[c].has_waves = true;
        }
        let repeats = match (&r.count, &r.every_days) {
            (None, None) => Some((1, 0.0)),
            (Some(n), Some(every)) => {
                let n = ck.count(&format!("{l}.count"), n, 1, 100_000, "count");
                let every = ck.positive(&format!("{l}.every_days"), every, false, MAX_HORIZON_DAYS);
                n.zip(every)
            }
            (Some(n), None) => {
                ck.error(
                    format!("{l}.every_days"),
                    span(n),
                    "repeated waves need every_days",
                    Some("e.g. every_days = 7, count = 10".into()),
                );
                None
            }
            (None, Some(every)) => {
                ck.error(
                    format!("{l}.count"),
                    span(every),
                    "repeated waves need a count",
                    Some("e.g. every_days = 7, count = 10".into()),
                );
                None
            }
        };
        if let (Some(c), Some(at), Some(notify), Some(lead), Some((n, every))) = (cohort, at, notify, lead, repeats) {
            for k in 0..n {
                let at_hours = (at + f64::from(k) * every) * 24.0;
                if at_hours > horizon_days.unwrap_or(MAX_HORIZON_DAYS) * 24.0 {
                    ck.warn(
                        format!("{l}.count"),
                        r.count.as_ref().map(|c| c.span()),
                        format!("waves after the horizon are dropped ({k} of {n} fit)"),
                        None,
                    );
                    break;
                }
                waves.push(Wave {
                    cohort: CohortId(c as u16),
                    at_hours,
                    notify,
                    lead_hours: lead,
                });
            }
        }
    }
    waves.sort_by(|a, b| a.at_hours.total_cmp(&b.at_hours));
    for (c, cohort) in cohorts.iter().enumerate() {
        // A wave that finds nobody left to notify is probably a mistake in the counts.
        let mut notified: u64 = 0;
        for w in waves.iter().filter(|w| w.cohort.0 as usize == c) {
            if notified >= u64::from(cohort.size) {
                let at = raw
                    .wave
                    .iter()
                    .find(|rw| *rw.get_ref().cohort.get_ref() == cohort.name)
                    .map(|rw| rw.span());
                ck.warn(
                    format!("cohort.{}.size", cohort.name),
                    at,
                    format!(
                        "the wave at day {} finds nobody left to notify: cohort `{}` has only {} people",
                        w.at_hours / 24.0,
                        cohort.name,
                        cohort.size
                    ),
                    Some("lower the wave count or the number notified".into()),
                );
                break;
            }
            notified += u64::from(w.notify);
        }
    }
    for c in &cohorts {
        if !c.has_waves && c.evasion_per_hour > 0.0 {
            ck.warn(format!("cohort.{}.evasion_per_hour", c.name), None, format!("cohort `{}` has an evasion hazard but no waves: evasion runs from notice, so without waves nobody is notified and nobody evades", c.name), Some("add [[wave]] tables for this cohort".into()));
        }
    }

    // Closures and outbreaks.
    let closable = |ck: &mut Checker, field: &str, list: &Spanned<Vec<Spanned<String>>>| -> Vec<Closable> {
        let mut out = Vec::new();
        for n in list.get_ref() {
            match names.get(n.get_ref()) {
                Some((Named::Leg(i), _)) => out.push(Closable::Leg(LegId(*i as u16))),
                Some((Named::Checkpoint(i), _)) => out.push(Closable::Checkpoint(CheckpointId(*i as u16))),
                Some((Named::Site(_), _)) => ck.error(
                    field,
                    span(n),
                    format!("`{}` is a site; closures stop legs and checkpoints", n.get_ref()),
                    None,
                ),
                None => {
                    let help =
                        did_you_mean(n.get_ref(), stage_names.iter().copied()).map(|s| format!("did you mean `{s}`?"));
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
    };
    let mut closures = Vec::new();
    for (i, c) in raw.closure.iter().enumerate() {
        let r = c.get_ref();
        let l = label("closure", i, r.name.get_ref());
        let applies_to = closable(&mut ck, &format!("{l}.applies_to"), &r.applies_to);
        let from = local_datetime(&mut ck, &format!("{l}.from"), &r.from);
        let to = local_datetime(&mut ck, &format!("{l}.to"), &r.to);
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
        let applies_to = closable(&mut ck, &format!("{l}.applies_to"), &r.applies_to);
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

    if !ck.errors.is_empty() {
        ck.errors.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        return Err(ck.errors);
    }
    let scenario = Scenario {
        name: header.name.get_ref().clone(),
        description: header.description.trim().to_string(),
        file: file.to_string(),
        source_text: text.to_string(),
        start: start_dt,
        start_week_hours: start_week,
        horizon_hours: horizon_days.unwrap_or(1.0) * 24.0,
        seed: seed.unwrap_or(1),
        replications: replications.unwrap_or(100),
        warmup_hours: warmup.unwrap_or(0.0),
        sites,
        legs,
        checkpoints,
        cohorts,
        categories,
        waves,
        closures,
        outbreaks,
        currency: header.currency.clone().unwrap_or_default(),
        target_days: header
            .target_days
            .as_ref()
            .and_then(|t| ck.positive("scenario.target_days", t, false, MAX_HORIZON_DAYS)),
    };
    warn_unfillable_vehicles(&mut ck, &scenario, &raw);
    check_reservations(&mut ck, &scenario, &raw);
    if !ck.errors.is_empty() {
        return Err(ck.errors);
    }
    Ok((scenario, ck.warnings))
}

/// What route checking needs to know about the rest of the file.
struct RouteContext<'a> {
    names: &'a HashMap<String, (Named, Range<usize>)>,
    stage_names: &'a [&'a str],
    raw: &'a RawFile,
    sites: &'a [Site],
}

fn check_route(
    ck: &mut Checker,
    field: &str,
    route: &Spanned<Vec<Spanned<String>>>,
    origin: Option<SiteId>,
    ctx: &RouteContext,
) -> Option<Vec<Stage>> {
    let RouteContext {
        names,
        stage_names,
        raw,
        sites,
    } = *ctx;
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
    for (k, step) in steps.iter().enumerate() {
        let name = step.get_ref();
        let Some((what, _)) = names.get(name) else {
            let help = match did_you_mean(name, stage_names.iter().copied()) {
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
        match *what {
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
                here = Some(i);
                here_because = format!("stage {} (`{name}`)", k + 1);
                stages.push(Stage::Site(SiteId(i as u16)));
            }
            Named::Leg(i) => {
                let leg = raw.leg[i].get_ref();
                if let (Some(h), Some((Named::Site(from), _))) = (here, names.get(leg.from.get_ref()))
                    && h != *from
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
                    Some((Named::Site(to), _)) => Some(*to),
                    _ => None,
                };
                here_because = format!("stage {} (`{name}`)", k + 1);
                stages.push(Stage::Leg(LegId(i as u16)));
            }
            Named::Checkpoint(i) => {
                if let Some(site) = &raw.checkpoint[i].get_ref().site
                    && let Some((Named::Site(s), _)) = names.get(site.get_ref())
                {
                    here = Some(*s);
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

fn check_arrival(
    ck: &mut Checker,
    l: &str,
    r: &RawCohort,
    size: Option<u32>,
    horizon_days: Option<f64>,
) -> Option<Arrival> {
    let Some(a) = &r.arrival else {
        return Some(Arrival::AllAtOnce { at_hours: 0.0 });
    };
    let f = format!("{l}.arrival");
    let a_ref = a.get_ref();
    let process = *a_ref.process.get_ref();
    let allowed: &[&str] = match process {
        RawArrivalProcess::AllAtOnce => &["at_hours"],
        RawArrivalProcess::Poisson => &["per_hour"],
        RawArrivalProcess::PerDay => &["per_day"],
        RawArrivalProcess::Regular => &["every_hours", "at_hours"],
        RawArrivalProcess::Batches => &["batches"],
    };
    let given = [
        ("at_hours", a_ref.at_hours.as_ref().map(|x| x.span())),
        ("per_hour", a_ref.per_hour.as_ref().map(|x| x.span())),
        ("per_day", a_ref.per_day.as_ref().map(|x| x.span())),
        ("every_hours", a_ref.every_hours.as_ref().map(|x| x.span())),
        ("batches", a_ref.batches.as_ref().map(|x| x.span())),
    ];
    let mut ok = true;
    for (k, sp) in given {
        if let Some(sp) = sp
            && !allowed.contains(&k)
        {
            ck.error(
                format!("{f}.{k}"),
                Some(sp),
                format!("`{k}` does not apply to this arrival process"),
                Some(format!("this process takes: {}", allowed.join(", "))),
            );
            ok = false;
        }
    }
    let horizon_h = horizon_days.unwrap_or(MAX_HORIZON_DAYS) * 24.0;
    let arrival = match process {
        RawArrivalProcess::AllAtOnce => {
            let at = match &a_ref.at_hours {
                Some(x) => ck.positive(&format!("{f}.at_hours"), x, true, horizon_h)?,
                None => 0.0,
            };
            Arrival::AllAtOnce { at_hours: at }
        }
        RawArrivalProcess::Poisson => {
            let Some(x) = &a_ref.per_hour else {
                ck.error(
                    format!("{f}.per_hour"),
                    span(a),
                    "a Poisson arrival process needs per_hour",
                    Some("e.g. arrival = { process = \"poisson\", per_hour = 2.5 }".into()),
                );
                return None;
            };
            Arrival::Poisson {
                per_hour: ck.positive(&format!("{f}.per_hour"), x, false, 1e9)?,
            }
        }
        RawArrivalProcess::PerDay => {
            let Some(x) = &a_ref.per_day else {
                ck.error(
                    format!("{f}.per_day"),
                    span(a),
                    "a per-day arrival process needs per_day, a list of people per day",
                    Some("e.g. arrival = { process = \"per_day\", per_day = [100, 250, 250, 50] }".into()),
                );
                return None;
            };
            let v = x.get_ref();
            if v.is_empty() || v.iter().any(|r| !r.is_finite() || *r < 0.0) || v.last().is_some_and(|r| *r <= 0.0) {
                ck.error(
                    format!("{f}.per_day"),
                    span(x),
                    "per_day needs finite rates >= 0, and the last rate (which continues) must be > 0",
                    None,
                );
                return None;
            }
            Arrival::PerDay { per_day: v.clone() }
        }
        RawArrivalProcess::Regular => {
            let Some(x) = &a_ref.every_hours else {
                ck.error(
                    format!("{f}.every_hours"),
                    span(a),
                    "a regular arrival process needs every_hours",
                    Some("e.g. arrival = { process = \"regular\", every_hours = 0.5 }".into()),
                );
                return None;
            };
            let every = ck.positive(&format!("{f}.every_hours"), x, false, horizon_h)?;
            let at = match &a_ref.at_hours {
                Some(x) => ck.positive(&format!("{f}.at_hours"), x, true, horizon_h)?,
                None => 0.0,
            };
            Arrival::Regular {
                at_hours: at,
                every_hours: every,
            }
        }
        RawArrivalProcess::Batches => {
            let Some(x) = &a_ref.batches else {
                ck.error(
                    format!("{f}.batches"),
                    span(a),
                    "a batch arrival process needs batches",
                    Some("e.g. batches = [{ at_hours = 0, people = 100 }, { at_hours = 48, people = 100 }]".into()),
                );
                return None;
            };
            let mut v = Vec::new();
            let mut total: i64 = 0;
            for b in x.get_ref() {
                let br = b.get_ref();
                if !(br.at_hours.is_finite() && br.at_hours >= 0.0) || br.people < 1 || br.people > MAX_COUNT {
                    ck.error(
                        format!("{f}.batches"),
                        span(b),
                        format!("each batch needs at_hours >= 0 and 1 to {MAX_COUNT} people"),
                        None,
                    );
                    ok = false;
                    continue;
                }
                total += br.people;
                v.push((br.at_hours, br.people as u32));
            }
            if let Some(size) = size
                && ok
                && total != i64::from(size)
            {
                ck.error(
                    format!("{f}.batches"),
                    span(x),
                    format!("the batches hold {total} people but the cohort size is {size}"),
                    Some("make the batch sizes add up to the cohort size".into()),
                );
                ok = false;
            }
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            Arrival::Batches(v)
        }
    };
    ok.then_some(arrival)
}

/// A leg that leaves only when full strands the remainder of its demand for good, and
/// never leaves at all if its demand is smaller than a vehicle.
fn warn_unfillable_vehicles(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    for (i, leg) in sc.legs.iter().enumerate() {
        if !matches!(leg.departure, Departure::WhenFull { max_wait_hours: None }) {
            continue;
        }
        let uses = |route: &[Stage]| route.iter().filter(|s| **s == Stage::Leg(LegId(i as u16))).count() as u64;
        let demand: u64 = sc
            .cohorts
            .iter()
            .flat_map(|c| c.mix.iter().map(move |&(cat, n)| (c, cat, n)))
            .map(|(c, cat, n)| u64::from(n) * uses(c.route_of(cat)))
            .sum();
        let rest = demand % u64::from(leg.seats);
        let at = raw
            .leg
            .get(i)
            .and_then(|r| r.get_ref().departure.as_ref().map(|d| d.span()).or(Some(r.span())));
        if demand > 0 && demand < u64::from(leg.seats) {
            ck.error(
                format!("leg.{}.departure", leg.name),
                at,
                format!("only {demand} people ever use this leg, which leaves only when all {} seats are taken: nobody could ever leave", leg.seats),
                Some("set max_wait_hours, use departure = \"when_full_or_empty_queue\", or fewer seats".into()),
            );
        } else if rest != 0 {
            ck.warn(
                format!("leg.{}.departure", leg.name),
                at,
                format!("{demand} people use this leg, which leaves only when all {} seats are taken: the last {rest} would wait forever", leg.seats),
                Some("set max_wait_hours, or use departure = \"when_full_or_empty_queue\"".into()),
            );
        }
    }
}

/// A TOML local date-time as a chrono value.
fn local_datetime(ck: &mut Checker, field: &str, v: &Spanned<toml::value::Datetime>) -> Option<chrono::NaiveDateTime> {
    let dt = v.get_ref();
    match (dt.date, dt.time, dt.offset) {
        (Some(d), Some(t), None) => {
            let out = chrono::NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                .and_then(|date| {
                    date.and_hms_opt(u32::from(t.hour), u32::from(t.minute), u32::from(t.second.unwrap_or(0)))
                });
            if out.is_none() {
                ck.error(field, span(v), "not a valid date and time", None);
            }
            out
        }
        _ => {
            ck.error(
                field,
                span(v),
                "needs a local date and time without a time zone",
                Some("e.g. 2023-08-28T06:00:00".into()),
            );
            None
        }
    }
}

/// Sorted, merged copies of `windows` (`(from, to)` pairs).
pub fn merge_windows(mut windows: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    windows.retain(|w| w.1 > w.0);
    windows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(windows.len());
    for (a, b) in windows {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Whole people per category from shares (largest remainder; ties to the earlier
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

/// A leg with `admission = "reserve"` needs one bed-limited site after it on every route
/// that uses it, and a vehicle that can ever fill with reserved beds.
fn check_reservations(ck: &mut Checker, sc: &Scenario, raw: &RawFile) {
    for (i, leg) in sc.legs.iter().enumerate() {
        if leg.admission != Admission::Reserve {
            continue;
        }
        let at = raw
            .leg
            .get(i)
            .and_then(|r| r.get_ref().admission.as_ref().map(|a| a.span()));
        let field = format!("leg.{}.admission", leg.name);
        let mut targets: Vec<SiteId> = Vec::new();
        for c in &sc.cohorts {
            let mut routes: Vec<&[Stage]> = vec![&c.route];
            routes.extend(c.category_routes.iter().map(|(_, r)| r.as_slice()));
            for route in routes {
                for (k, st) in route.iter().enumerate() {
                    if *st != Stage::Leg(LegId(i as u16)) {
                        continue;
                    }
                    // The first bed-limited site ahead; the reservation covers the way there.
                    let limited = |s: &Stage| matches!(s, Stage::Site(x) if sc.sites[x.0 as usize].beds.is_some());
                    let ahead = &route[k + 1..];
                    match ahead.iter().position(limited) {
                        Some(j) => {
                            let Stage::Site(s) = ahead[j] else { unreachable!() };
                            if !targets.contains(&s) {
                                targets.push(s);
                            }
                            let twice = ahead[..j].iter().find_map(|x| match x {
                                Stage::Leg(m) if sc.legs[m.0 as usize].admission == Admission::Reserve => Some(&sc.legs[m.0 as usize].name),
                                _ => None,
                            });
                            if let Some(other) = twice {
                                ck.error(
                                    &field,
                                    at.clone(),
                                    format!("on cohort `{}`'s route, leg `{other}` also reserves beds at `{}`, which leg `{}` has already reserved", c.name, sc.sites[s.0 as usize].name, leg.name),
                                    Some("keep `admission = \"reserve\"` on one of them".into()),
                                );
                            }
                        }
                        None => ck.warn(&field, at.clone(), format!("on cohort `{}`'s route no bed-limited site follows leg `{}`, so there is nothing to reserve", c.name, leg.name), None),
                    }
                }
            }
        }
        if targets.len() > 1 {
            let names: Vec<&str> = targets.iter().map(|s| sc.sites[s.0 as usize].name.as_str()).collect();
            ck.error(
                &field,
                at.clone(),
                format!(
                    "passengers of leg `{}` go on to different bed-limited sites ({}); reserve needs one",
                    leg.name,
                    names.join(", ")
                ),
                Some("split the leg in two, one per destination".into()),
            );
        }
        if let (Some(t), Departure::WhenFull { max_wait_hours: None }) = (targets.first(), &leg.departure) {
            let beds = sc.sites[t.0 as usize].beds.unwrap_or(u32::MAX);
            if beds < leg.seats {
                ck.error(
                    &field,
                    at,
                    format!("leg `{}` leaves only when all {} seats are taken and every passenger has a bed reserved, but `{}` has only {beds} beds: it could never leave", leg.name, leg.seats, sc.sites[t.0 as usize].name),
                    Some("set max_wait_hours, use fewer seats or more beds, or another departure rule".into()),
                );
            }
        }
    }
}
