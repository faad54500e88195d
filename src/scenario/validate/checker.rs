//! The checker every table's validation shares: it collects errors and warnings with
//! their field and span, and checks the kinds of value scenario files hold (counts,
//! positive numbers, probabilities, money, quotas, distributions, names, dates).

use crate::engine::{Dist, DistSpec};
use crate::scenario::error::Diagnostic;
use crate::scenario::raw::*;
use crate::scenario::types::*;
use std::ops::Range;
use toml::Spanned;

/// Longest duration accepted (a travel, stay or service time, as a mean), in hours.
pub const MAX_DURATION_HOURS: f64 = MAX_HORIZON_DAYS * 24.0;

/// The largest number in a distribution's parameters (its spread and range included).
fn largest(spec: &DistSpec) -> f64 {
    use DistSpec::*;
    match *spec {
        Fixed { value } => value,
        Exponential { mean } => mean,
        Normal { mean, sd } | LogNormal { mean, sd } => mean.max(sd),
        Uniform { max, .. } | Triangular { max, .. } => max,
        Gamma { shape, scale } => (shape * scale).max(scale),
        Empirical { values, .. } => values.last().copied().unwrap_or(0.0),
    }
}

/// Largest count accepted for people, beds, seats and the like: keeps every total within
/// 32-bit indices with room to spare.
pub const MAX_COUNT: i64 = 50_000_000;
/// Longest horizon accepted, in days.
pub const MAX_HORIZON_DAYS: f64 = 3650.0;

/// At most this many errors (and as many warnings) are kept per field; the rest are
/// counted and reported in one line, so a file repeating a mistake 10,000 times gives
/// a readable answer in linear time.
pub const MAX_PER_FIELD: usize = 20;

/// Collects problems while validating; a value is produced only if none were found.
#[derive(Default)]
pub struct Checker {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    /// Diagnostics kept and dropped so far, per field, for errors and warnings.
    counts: std::collections::HashMap<(bool, String), (usize, usize)>,
}

pub fn span<T>(s: &Spanned<T>) -> Option<Range<usize>> {
    Some(s.span())
}

impl Checker {
    pub fn error(
        &mut self,
        field: impl Into<String>,
        at: Option<Range<usize>>,
        msg: impl Into<String>,
        help: Option<String>,
    ) {
        let field = field.into();
        if self.keep(true, &field) {
            let mut d = Diagnostic::new(field, at, msg);
            d.help = help;
            self.errors.push(d);
        }
    }

    /// Counts a diagnostic for `field`; false once [`MAX_PER_FIELD`] are kept.
    fn keep(&mut self, error: bool, field: &str) -> bool {
        let c = self.counts.entry((error, field.to_string())).or_insert((0, 0));
        if c.0 < MAX_PER_FIELD {
            c.0 += 1;
            true
        } else {
            c.1 += 1;
            false
        }
    }

    /// The errors, in file order, with one line per field for those left out.
    pub fn take_errors(&mut self) -> Vec<Diagnostic> {
        let mut errors = std::mem::take(&mut self.errors);
        errors.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
        let mut dropped: Vec<(&String, usize)> = self
            .counts
            .iter()
            .filter(|((error, _), c)| *error && c.1 > 0)
            .map(|((_, f), c)| (f, c.1))
            .collect();
        dropped.sort();
        for (field, n) in dropped {
            errors.push(Diagnostic::new(
                field.clone(),
                None,
                format!("... and {n} more errors like those above in `{field}` (the first {MAX_PER_FIELD} are shown)"),
            ));
        }
        errors
    }

    pub fn warn(
        &mut self,
        field: impl Into<String>,
        at: Option<Range<usize>>,
        msg: impl Into<String>,
        help: Option<String>,
    ) {
        let field = field.into();
        if self.keep(false, &field) {
            let mut d = Diagnostic::new(field, at, msg);
            d.help = help;
            self.warnings.push(d);
        }
    }

    /// A whole number in `[min, max]`.
    pub fn count(&mut self, field: &str, v: &Spanned<i64>, min: i64, max: i64, what: &str) -> Option<u32> {
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
    pub fn positive(&mut self, field: &str, v: &Spanned<f64>, zero_ok: bool, max: f64) -> Option<f64> {
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
    pub fn probability(&mut self, field: &str, v: &Spanned<f64>) -> Option<f64> {
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
    pub fn money(&mut self, field: &str, v: Option<&Spanned<f64>>) -> f64 {
        v.and_then(|v| self.positive(field, v, true, 1e15)).unwrap_or(0.0)
    }

    /// At most one of a daily and a weekly cap.
    pub fn quota(
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
    pub fn dist(&mut self, field: &str, raw: &Spanned<RawDist>, to_hours: f64) -> Option<Dist> {
        let spec = match raw.get_ref() {
            RawDist::Number(v) => DistSpec::Fixed { value: *v },
            RawDist::Table(t) => self.dist_table(field, raw.span(), t)?,
        };
        // Judged as written (in the field's own unit), so that an error quotes the number
        // the user typed (-6 minutes, not -0.1 hours); then converted to hours.
        if let Err(e) = spec.build() {
            self.error(
                field,
                span(raw),
                format!("invalid {}: {}", spec_family(&spec), e.0),
                None,
            );
            return None;
        }
        match spec.scaled(to_hours).build() {
            // A duration is at most ten years, the longest horizon: bigger numbers are
            // typing mistakes, and would overflow sums of times.
            Ok(d)
                if !(d.mean() <= MAX_DURATION_HOURS
                    && largest(&spec.scaled(to_hours)) <= MAX_DURATION_HOURS * 10.0) =>
            {
                let unit = if to_hours == 1.0 / 60.0 {
                    "minutes"
                } else if to_hours == 24.0 {
                    "days"
                } else {
                    "hours"
                };
                self.error(
                    field,
                    span(raw),
                    format!(
                        "a duration of this size (mean {} {unit}) cannot be meant: durations are at most {} hours (ten years, the longest horizon)",
                        match d.mean() / to_hours {
                            m if m.abs() >= 1e12 => format!("{m:.3e}"),
                            m => crate::metrics::fmt_statistic(m),
                        },
                        crate::metrics::fmt_count(MAX_DURATION_HOURS as u64)
                    ),
                    None,
                );
                None
            }
            Ok(d) => {
                // A normal cut at zero draws more than its stated mean when its sd is
                // large against it: say by how much, rather than run a different plan.
                if let DistSpec::Normal { mean, sd } = spec {
                    let drawn = d.mean() / to_hours;
                    if (drawn - mean).abs() > 0.01 * mean {
                        self.warn(
                            field,
                            span(raw),
                            format!(
                                "a normal with mean {} and sd {} is cut at zero (no negative durations), so its draws average {}, not {}",
                                crate::metrics::fmt_num(mean),
                                crate::metrics::fmt_num(sd),
                                crate::metrics::fmt_num(drawn),
                                crate::metrics::fmt_num(mean)
                            ),
                            Some("if mean and sd are meant before the cut (as `repatsim fit` gives them), this is as intended; if they are the durations' own, use lognormal or gamma with them".into()),
                        );
                    }
                }
                Some(d)
            }
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
        let empirical_fields = t.values.is_some() || t.interpolate.is_some();
        if t.dist == RawDistKind::Empirical {
            let others = [t.value, t.mean, t.sd, t.min, t.mode, t.max, t.shape, t.scale];
            let Some(values) = t.values.as_ref().filter(|_| others.iter().all(Option::is_none)) else {
                self.error(
                    field,
                    Some(at),
                    "empirical distribution needs exactly: values (and optionally interpolate)",
                    Some(format!("e.g. {}", example(t.dist))),
                );
                return None;
            };
            if let Some(bad) = values.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                self.error(
                    field,
                    Some(at),
                    format!("every observation must be a finite number >= 0, got {bad}"),
                    Some("durations cannot be negative; remove or correct the value".into()),
                );
                return None;
            }
            return Some(crate::engine::dist::empirical(
                values.clone(),
                t.interpolate.unwrap_or(false),
            ));
        }
        if empirical_fields {
            self.error(
                field,
                Some(at),
                "values and interpolate are for dist = \"empirical\" only",
                Some(format!("e.g. {}", example(RawDistKind::Empirical))),
            );
            return None;
        }
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
            RawDistKind::Empirical => unreachable!("handled above"),
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
            (RawDistKind::Empirical, _) => unreachable!("handled above"),
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
                // Built as the run builds it, so that a spread too wide for the floats is
                // refused in words here (its shape underflowed to 0).
                if let Err(e) = crate::engine::Dist::gamma_mean_sd(m, sd) {
                    self.error(field, Some(at), format!("invalid gamma distribution: {e}"), None);
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
        DistSpec::Empirical { .. } => "empirical distribution",
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
        RawDistKind::Empirical => "{ dist = \"empirical\", values = [4.5, 6, 5.2, 9.8], interpolate = true }",
    }
}

/// The longest element name, in characters: names become parts of file names (charts,
/// up to 255 bytes on most file systems) and of every table's columns.
pub const MAX_NAME_CHARS: usize = 64;

/// Element names become parts of dotted metric and parameter paths, and of file names.
pub fn check_name(ck: &mut Checker, field: &str, name: &Spanned<String>) {
    let n = name.get_ref();
    let ok = !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok && n.chars().count() > MAX_NAME_CHARS {
        ck.error(
            field,
            span(name),
            format!(
                "the name is {} characters long; at most {MAX_NAME_CHARS}",
                n.chars().count()
            ),
            Some("shorten it: names appear in column names, chart file names and every table".into()),
        );
        return;
    }
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
pub fn label(kind: &str, index: usize, name: &str) -> String {
    if !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        format!("{kind}.{name}")
    } else {
        format!("{kind}[{index}]")
    }
}

pub fn to_u16_len(ck: &mut Checker, what: &str, n: usize, at: Option<Range<usize>>) -> bool {
    if n > u16::MAX as usize {
        ck.error(
            what,
            at,
            format!(
                "too many {what}s ({n}, counting every repetition); at most {}",
                u16::MAX
            ),
            None,
        );
        return false;
    }
    true
}

/// A TOML local date-time as a chrono value.
pub fn local_datetime(
    ck: &mut Checker,
    field: &str,
    v: &Spanned<toml::value::Datetime>,
) -> Option<chrono::NaiveDateTime> {
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
