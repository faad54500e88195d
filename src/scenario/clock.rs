//! Parsing the clock and calendar phrases planners write: "09:00", "mon-fri",
//! "09:00-17:00", "daily 09:00", "tue,fri 10:30", "2023-08-29 10:00".

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_LONG: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Hours after midnight for "HH:MM"; "24:00" only when `allow_24` (an end time).
pub fn parse_clock(s: &str, allow_24: bool) -> Result<f64, String> {
    let s = s.trim();
    let bad = || {
        format!(
            "`{s}` is not a clock time: write HH:MM, from 00:00 to 23:59{}",
            if allow_24 { " (or 24:00 as an end)" } else { "" }
        )
    };
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 {
        return Err(format!("`{s}`: minutes must be 00-59"));
    }
    if h == 24 && m == 0 && allow_24 {
        return Ok(24.0);
    }
    if h > 23 {
        return Err(format!(
            "`{s}`: hours must be 00-23{}",
            if allow_24 {
                " (24:00 is allowed as an end time)"
            } else {
                ""
            }
        ));
    }
    Ok(f64::from(h) + f64::from(m) / 60.0)
}

fn parse_day(s: &str) -> Option<usize> {
    let s = s.trim().to_ascii_lowercase();
    DAY_NAMES
        .iter()
        .position(|d| *d == s)
        .or_else(|| DAY_LONG.iter().position(|d| *d == s))
}

/// Which days of the week (Monday first): "daily", "weekdays", "weekends", "mon-fri",
/// "mon,wed,fri", "mon-wed,sat".
pub fn parse_days(s: &str) -> Result<[bool; 7], String> {
    let lower = s.trim().to_ascii_lowercase();
    match lower.as_str() {
        "daily" | "every day" | "all" => return Ok([true; 7]),
        "weekdays" => return Ok([true, true, true, true, true, false, false]),
        "weekends" => return Ok([false, false, false, false, false, true, true]),
        _ => {}
    }
    let mut days = [false; 7];
    let help = "write daily, weekdays, weekends, a range such as mon-fri, or a list such as mon,wed,fri";
    for part in lower.split(',') {
        let part = part.trim();
        if let Some((a, b)) = part.split_once('-') {
            let (Some(a), Some(b)) = (parse_day(a), parse_day(b)) else {
                return Err(format!("`{part}` is not a day range: {help}"));
            };
            let mut d = a;
            loop {
                days[d] = true;
                if d == b {
                    break;
                }
                d = (d + 1) % 7;
            }
        } else {
            let d = parse_day(part).ok_or_else(|| format!("`{part}` is not a day: {help}"))?;
            days[d] = true;
        }
    }
    Ok(days)
}

/// Daily opening intervals: "09:00-17:00", "08:00-12:00, 13:00-17:00", "22:00-06:00"
/// (overnight), "always". Returned as (from, to) hours after midnight; `to` may exceed
/// 24 for overnight intervals.
pub fn parse_open_hours(s: &str) -> Result<Vec<(f64, f64)>, String> {
    let t = s.trim().to_ascii_lowercase();
    if t == "always" || t == "24h" {
        return Ok(vec![(0.0, 24.0)]);
    }
    let mut out = Vec::new();
    for part in t.split(',') {
        let part = part.trim();
        let (a, b) = part
            .split_once('-')
            .ok_or_else(|| format!("`{part}` is not an interval: write HH:MM-HH:MM, e.g. 09:00-17:00"))?;
        let from = parse_clock(a, false)?;
        let to = parse_clock(b, true)?;
        if to == from {
            return Err(format!(
                "`{part}` opens and closes at the same time; write 00:00-24:00 for all day"
            ));
        }
        out.push(if to > from { (from, to) } else { (from, to + 24.0) });
    }
    Ok(out)
}

/// One line of a timetable, resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum TimetableEntry {
    /// Hours of the week (Monday 00:00 = 0) at which a departure recurs.
    Weekly(Vec<f64>),
    /// One-off departures at these date-times.
    Once(Vec<NaiveDateTime>),
}

/// A timetable line: "<days> HH:MM [HH:MM ...]" (days as for [`parse_days`]) or
/// "YYYY-MM-DD HH:MM [HH:MM ...]" for one date.
pub fn parse_timetable_entry(s: &str) -> Result<TimetableEntry, String> {
    let mut words = s.split_whitespace();
    let help = "write e.g. \"daily 09:00\", \"tue,fri 10:30\", \"weekdays 08:00 14:00\" or \"2023-08-29 10:00\"";
    let first = words.next().ok_or_else(|| format!("empty timetable entry: {help}"))?;
    let times: Vec<&str> = words.collect();
    if times.is_empty() {
        return Err(format!("`{s}` has no clock time: {help}"));
    }
    // The day or date first, so that "feb 30 10:00" is told about `feb`, not `30`.
    enum On {
        Date(NaiveDate),
        Days([bool; 7]),
    }
    let on = if first.len() == 10 && first.as_bytes()[4] == b'-' {
        On::Date(
            NaiveDate::parse_from_str(first, "%Y-%m-%d")
                .map_err(|_| format!("`{first}` is not a valid date (YYYY-MM-DD)"))?,
        )
    } else {
        On::Days(parse_days(first).map_err(|e| format!("{e}; {help}"))?)
    };
    let clocks = times
        .iter()
        .map(|t| parse_clock(t, false))
        .collect::<Result<Vec<f64>, String>>()?;
    let days = match on {
        On::Date(date) => {
            let at = clocks
                .iter()
                .map(|&h| {
                    let minutes = (h * 60.0).round() as u32;
                    date.and_time(NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or_default())
                })
                .collect();
            return Ok(TimetableEntry::Once(at));
        }
        On::Days(days) => days,
    };
    let mut weekly = Vec::new();
    for (d, _) in days.iter().enumerate().filter(|(_, on)| **on) {
        for &h in &clocks {
            weekly.push(d as f64 * 24.0 + h);
        }
    }
    Ok(TimetableEntry::Weekly(weekly))
}

/// A timetable written back as entries that [`parse_timetable_entry`] reads, e.g.
/// `["daily 08:30 11:00 14:00", "tue,fri 10:00", "2023-08-29 10:00"]` (weekly times
/// grouped by their days; `start` dates the one-off departures).
pub fn timetable_entries(tt: &crate::engine::Timetable, start: NaiveDateTime) -> Vec<String> {
    let clock = |h: f64| {
        let m = (h * 60.0).round() as i64;
        format!("{:02}:{:02}", m / 60, m % 60)
    };
    // Days of each time of day, then times of each set of days.
    let mut by_time: Vec<(String, [bool; 7])> = Vec::new();
    for &w in tt.weekly() {
        let d = ((w / 24.0).floor() as usize).min(6);
        let t = clock(w - d as f64 * 24.0);
        match by_time.iter_mut().find(|(x, _)| *x == t) {
            Some((_, days)) => days[d] = true,
            None => {
                let mut days = [false; 7];
                days[d] = true;
                by_time.push((t, days));
            }
        }
    }
    let mut groups: Vec<([bool; 7], Vec<String>)> = Vec::new();
    for (t, days) in by_time {
        match groups.iter_mut().find(|(d, _)| *d == days) {
            Some((_, ts)) => ts.push(t),
            None => groups.push((days, vec![t])),
        }
    }
    let mut out: Vec<String> = groups
        .into_iter()
        .map(|(days, ts)| {
            let d = if days.iter().all(|&x| x) {
                "daily".to_string()
            } else {
                DAY_NAMES
                    .iter()
                    .zip(days)
                    .filter(|(_, on)| *on)
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(",")
            };
            format!("{d} {}", ts.join(" "))
        })
        .collect();
    for &h in tt.once() {
        let at = start + chrono::Duration::minutes((h * 60.0).round() as i64);
        out.push(at.format("%Y-%m-%d %H:%M").to_string());
    }
    out
}

/// A day or an inclusive range of days: "2023-10-01" or "2023-10-01..2023-10-07".
pub fn parse_date_range(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let date = |d: &str| {
        NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .map_err(|_| format!("`{}` is not a valid date (YYYY-MM-DD)", d.trim()))
    };
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (date(a)?, date(b)?);
            if b < a {
                return Err(format!("`{s}` ends before it starts"));
            }
            Ok((a, b))
        }
        None => {
            let d = date(s)?;
            Ok((d, d))
        }
    }
}

/// Hours since Monday 00:00 of the week containing `t`.
pub fn week_hours(t: NaiveDateTime) -> f64 {
    f64::from(t.weekday().num_days_from_monday()) * 24.0
        + f64::from(t.hour())
        + f64::from(t.minute()) / 60.0
        + f64::from(t.second()) / 3600.0
}

/// Simulated hours from `start` to `t` (negative if before).
pub fn hours_between(start: NaiveDateTime, t: NaiveDateTime) -> f64 {
    (t - start).num_seconds() as f64 / 3600.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timetables_write_back_as_entries_that_parse_to_them() {
        let start = NaiveDate::from_ymd_opt(2023, 8, 28)
            .unwrap()
            .and_hms_opt(6, 0, 0)
            .unwrap();
        let mut weekly = Vec::new();
        for entry in ["daily 08:30 11:00 14:00", "tue,fri 10:00"] {
            if let TimetableEntry::Weekly(w) = parse_timetable_entry(entry).unwrap() {
                weekly.extend(w);
            }
        }
        let tt = crate::engine::Timetable::new(6.0, weekly.clone(), vec![24.0 + 4.0]);
        let entries = timetable_entries(&tt, start);
        assert_eq!(
            entries,
            vec!["daily 08:30 11:00 14:00", "tue,fri 10:00", "2023-08-29 10:00"]
        );
        let mut again = Vec::new();
        for e in &entries[..2] {
            if let TimetableEntry::Weekly(w) = parse_timetable_entry(e).unwrap() {
                again.extend(w);
            }
        }
        assert_eq!(crate::engine::Timetable::new(6.0, again, vec![28.0]), tt);
    }

    #[test]
    fn clocks() {
        assert_eq!(parse_clock("09:30", false), Ok(9.5));
        assert_eq!(parse_clock("24:00", true), Ok(24.0));
        assert!(parse_clock("24:00", false).is_err());
        assert!(parse_clock("25:00", true).unwrap_err().contains("hours must be 00-23"));
        assert!(parse_clock("9h", false).is_err());
        assert!(parse_clock("12:60", false).unwrap_err().contains("minutes"));
    }

    #[test]
    fn days() {
        assert_eq!(
            parse_days("mon-fri").unwrap(),
            [true, true, true, true, true, false, false]
        );
        assert_eq!(
            parse_days("fri-mon").unwrap(),
            [true, false, false, false, true, true, true]
        );
        assert_eq!(
            parse_days("Tue, thursday").unwrap(),
            [false, true, false, true, false, false, false]
        );
        assert!(parse_days("funday").unwrap_err().contains("not a day"));
        // A wrong day word is named before the clock times after it.
        let e = parse_timetable_entry("feb 30 10:00").unwrap_err();
        assert!(e.starts_with("`feb` is not a day"), "{e}");
    }

    #[test]
    fn hours_and_timetables() {
        assert_eq!(
            parse_open_hours("08:00-12:00, 13:00-17:00").unwrap(),
            vec![(8.0, 12.0), (13.0, 17.0)]
        );
        assert_eq!(parse_open_hours("22:00-06:00").unwrap(), vec![(22.0, 30.0)]);
        assert_eq!(
            parse_timetable_entry("tue,fri 10:30").unwrap(),
            TimetableEntry::Weekly(vec![34.5, 106.5])
        );
        match parse_timetable_entry("2023-08-29 10:00").unwrap() {
            TimetableEntry::Once(v) => assert_eq!(v[0].to_string(), "2023-08-29 10:00:00"),
            other => panic!("{other:?}"),
        }
        assert!(parse_timetable_entry("daily").is_err());
        assert!(parse_timetable_entry("2023-02-30 10:00").is_err());
    }
}
