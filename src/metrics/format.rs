//! Numbers as people read them: precision that suits their size, thousands separated,
//! and (with a unit) whole counts as whole numbers and shares as percentages.

use super::key::Unit;

/// A number shown with precision that suits its size; missing values as "-".
pub fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        return "-".into();
    }
    let a = x.abs();
    if a >= 999.5 {
        // Thousands separated, for reading at a glance: 4,272 and 17,981,479.
        format!(
            "{}{}",
            if x < 0.0 { "-" } else { "" },
            group_thousands(&format!("{a:.0}"))
        )
    } else if a == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else if a >= 0.001 {
        format!("{x:.3}")
    } else if a >= 1e-9 {
        // Two significant digits, so a tiny difference never reads as "-0.000".
        let decimals = (-a.log10()).ceil() as usize + 1;
        format!("{x:.decimals$}")
    } else {
        "0".into()
    }
}

/// A whole count with thousands separated: 27, 1,792, 1,000,000.
pub fn fmt_count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// A statistic in a sentence: [`fmt_num`], except +inf, which only a percentile of the
/// makespan among replications that did not get everyone home can be: "beyond the
/// horizon".
pub fn fmt_statistic(x: f64) -> String {
    if x == f64::INFINITY {
        "beyond the horizon".into()
    } else {
        fmt_num(x)
    }
}

/// A parameter's value as a planner would write it: its shortest decimal form after
/// rounding away the last bits a grid's arithmetic adds (0.0015, not 0.002 or
/// 0.0015000000000000002; 3, not 3.00), with thousands grouped from 10,000.
pub fn fmt_param(v: f64) -> String {
    if !v.is_finite() {
        return fmt_num(v);
    }
    let rounded: f64 = format!("{v:.11e}").parse().unwrap_or(v);
    if rounded.fract() == 0.0 && rounded.abs() >= 10_000.0 && rounded.abs() < 1e15 {
        return fmt_num(rounded);
    }
    format!("{rounded}")
}

/// `xs` as [`fmt_statistic`] writes them, with more decimals (up to 9) when two that
/// differ would read alike: "95% CI 8.38 to 8.39 straddles 8.39" says nothing, "8.3812
/// to 8.3904" does. Infinite and missing values are written as [`fmt_statistic`] does.
pub fn fmt_statistics_apart(xs: &[f64]) -> Vec<String> {
    let plain: Vec<String> = xs.iter().map(|&x| fmt_statistic(x)).collect();
    let clash = |texts: &[String]| (0..xs.len()).any(|i| (0..i).any(|j| xs[i] != xs[j] && texts[i] == texts[j]));
    if !clash(&plain) {
        return plain;
    }
    for decimals in 3..=9 {
        let texts: Vec<String> = xs
            .iter()
            .map(|&x| {
                if x.is_finite() {
                    format!("{x:.decimals$}")
                } else {
                    fmt_statistic(x)
                }
            })
            .collect();
        if !clash(&texts) {
            return texts;
        }
    }
    xs.iter()
        .map(|&x| {
            if x.is_finite() {
                format!("{x}")
            } else {
                fmt_statistic(x)
            }
        })
        .collect()
}

/// A statistic in a table cell: [`fmt_num`], except +inf (as in [`fmt_statistic`]),
/// which reads "> horizon" as [`fmt_value`] writes it.
pub fn fmt_cell(x: f64) -> String {
    if x == f64::INFINITY {
        "> horizon".into()
    } else {
        fmt_num(x)
    }
}

/// `n` of something, the word in the plural unless `n` is 1: "1 booth", "3 booths",
/// "0 plans" (`word` takes an "s").
pub fn fmt_quantity(n: u64, word: &str) -> String {
    format!("{} {word}{}", fmt_count(n), if n == 1 { "" } else { "s" })
}

/// A number of people: "1 person", "700 people", "104,000 people".
pub fn fmt_people(n: u64) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{} people", fmt_count(n))
    }
}

/// The replications `first..first + n` as people read them, ends included:
/// "replication 0", "replications 0 to 4".
pub fn fmt_replications(first: u64, n: u64) -> String {
    match n {
        0 => "no replications".into(),
        1 => format!("replication {first}"),
        _ => format!("replications {first} to {}", first + n - 1),
    }
}

/// A span of days: "1 day", "0.900 days", "30 days".
pub fn fmt_days_span(days: f64) -> String {
    if days == 1.0 {
        "1 day".into()
    } else {
        format!("{} days", fmt_days(days))
    }
}

/// `digits` (an unsigned whole number) with a comma every three digits.
fn group_thousands(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// A number of days as a sentence writes it: whole days without decimals ("30"),
/// others as [`fmt_num`] ("0.900").
pub fn fmt_days(x: f64) -> String {
    if x.is_finite() && x == x.round() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        fmt_num(x)
    }
}

/// A value in its unit, for tables and sentences: shares as percentages, whole counts
/// (and means of them at or above 100) and anything from 1,000 on as whole numbers with
/// thousands separators, "-0" never shown, missing values as "-".
pub fn fmt_value(x: f64, unit: Unit) -> String {
    if x.is_nan() {
        return "-".into();
    }
    if x == f64::INFINITY {
        // Only a censored statistic is infinite: a makespan percentile that falls among
        // replications that did not get everyone home within the horizon.
        return "> horizon".into();
    }
    // Round-off below display precision must not print as "-0".
    let x = if x == 0.0 { 0.0 } else { x };
    match unit {
        Unit::Fraction => {
            let pct = 100.0 * x;
            // A share that is not 0 or 100% never reads as one: 999 of 1,000 is
            // "99.9%", and a CI from 99.6% is not "100% to 100%". Below a thousandth of
            // a percent from either it is that end (the rounding of sums).
            let end = |v: f64| v.abs() < 0.0005 || (v - 100.0).abs() < 0.0005;
            if end(pct) {
                return format!("{}%", pct.round().abs());
            }
            let mut decimals = if pct.abs() >= 10.0 || pct == pct.round() { 0 } else { 1 };
            let shown = |d: usize| format!("{pct:.d$}");
            while decimals < 3
                && shown(decimals)
                    .parse::<f64>()
                    .is_ok_and(|v| v == 0.0 || v.abs() == 100.0)
            {
                decimals += 1;
            }
            format!("{}%", no_negative_zero(shown(decimals)))
        }
        _ if (unit.is_whole() && (x == x.round() || x.abs() >= 100.0)) || x.abs() >= 1000.0 => {
            let r = x.round();
            let s = group_thousands(&format!("{:.0}", r.abs()));
            if r < 0.0 { format!("-{s}") } else { s }
        }
        _ => no_negative_zero(fmt_num(x)),
    }
}

fn no_negative_zero(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.' || c == ',') => rest.to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::fmt_statistics_apart;

    #[test]
    fn parameters_read_as_written() {
        use super::fmt_param;
        assert_eq!(fmt_param(0.0005 + 2.0 * 0.0005), "0.0015");
        assert_eq!(fmt_param(0.1 + 0.2), "0.3");
        assert_eq!(fmt_param(3.0), "3");
        assert_eq!(fmt_param(1195.0), "1195");
        assert_eq!(fmt_param(120_000.0), "120,000");
        assert_eq!(fmt_param(2.5), "2.5");
    }

    #[test]
    fn statistics_that_differ_never_read_alike() {
        assert_eq!(fmt_statistics_apart(&[8.38, 8.45, 8.4]), ["8.38", "8.45", "8.40"]);
        assert_eq!(
            fmt_statistics_apart(&[8.3812, 8.3904, 8.3858, 8.39]),
            ["8.3812", "8.3904", "8.3858", "8.3900"]
        );
        assert_eq!(fmt_statistics_apart(&[2.0, 2.0]), ["2.00", "2.00"]);
        assert_eq!(
            fmt_statistics_apart(&[f64::INFINITY, 3.0]),
            ["beyond the horizon", "3.00"]
        );
    }

    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt_num(17_981_479.4), "17,981,479");
        assert_eq!(fmt_num(-12_345.0), "-12,345");
        assert_eq!(fmt_num(4272.0), "4,272");
        assert_eq!(fmt_num(-7515.2), "-7,515");
        assert_eq!(fmt_num(999.96), "1,000");
        assert_eq!(fmt_num(999.4), "999.4");
        assert_eq!(fmt_num(490.44), "490.4");
        assert_eq!(fmt_num(8.386), "8.39");
        assert_eq!(fmt_num(0.0123), "0.012");
        assert_eq!(fmt_num(-0.000_123_4), "-0.00012");
        assert_eq!(fmt_num(0.000_999), "0.00100");
        assert_eq!(fmt_num(-1e-12), "0");
        assert_eq!(fmt_num(f64::NAN), "-");
        assert_eq!(fmt_value(0.0537, Unit::Fraction), "5.4%");
        assert_eq!(fmt_value(0.5, Unit::Fraction), "50%");
        assert_eq!(fmt_value(-0.0001, Unit::Fraction), "-0.01%");
        // Not 0 or 100% never reads as either; rounding of sums does.
        assert_eq!(fmt_value(0.999, Unit::Fraction), "99.9%");
        assert_eq!(fmt_value(1000.0 / 1003.84, Unit::Fraction), "99.6%");
        assert_eq!(fmt_value(0.99999, Unit::Fraction), "99.999%");
        assert_eq!(fmt_value(0.995, Unit::Fraction), "99.5%");
        assert_eq!(fmt_value(0.994, Unit::Fraction), "99%");
        assert_eq!(fmt_value(1.0 - 1e-12, Unit::Fraction), "100%");
        assert_eq!(fmt_value(0.00001, Unit::Fraction), "0.001%");
        assert_eq!(fmt_value(0.004, Unit::Fraction), "0.4%");
        assert_eq!(fmt_value(1e-12, Unit::Fraction), "0%");
        assert_eq!(fmt_value(1.0, Unit::Fraction), "100%");
        assert_eq!(fmt_value(104_000.0, Unit::People), "104,000");
        assert_eq!(fmt_value(490.44, Unit::People), "490");
        assert_eq!(fmt_value(17.56, Unit::People), "17.56");
        assert_eq!(fmt_value(-0.0004, Unit::Hours), "-0.00040");
        assert_eq!(fmt_value(-0.0, Unit::People), "0");
    }

    #[test]
    fn quantities_take_the_plural_except_one() {
        assert_eq!(fmt_quantity(1, "booth"), "1 booth");
        assert_eq!(fmt_quantity(0, "booth"), "0 booths");
        assert_eq!(fmt_quantity(2, "thread"), "2 threads");
        assert_eq!(fmt_quantity(12_000, "seat"), "12,000 seats");
    }
}
