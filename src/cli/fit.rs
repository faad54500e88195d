//! `repatsim fit DATA.csv`: input analysis. Reads one column of observations, fits every
//! duration family repatsim offers (`stats::fit`), prints them ranked by AIC with the
//! value to paste into a scenario, and with `--out` writes fit.json and the chart.

use super::Failure;
use super::guard::write_stdout;
use crate::metrics::fmt_num;
use crate::report::outdir::OutputDir;
use crate::stats::fit::{Fitted, fit_all, toml_value};
use std::path::Path;

/// The fewest observations worth fitting.
const MIN_VALUES: usize = 5;

/// `repatsim fit`.
pub fn fit(file: &Path, column: Option<&str>, out: Option<&Path>, force: bool, json: bool) -> Result<(), Failure> {
    let (name, xs) = read_column(file, column)?;
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0)).sqrt();
    if !(mean.is_finite() && sd.is_finite()) {
        return Err(Failure::BadInput(format!(
            "{}: the values of column `{name}` are too large to average or spread (their sum or squares overflow): give them in a larger unit",
            file.display()
        )));
    }
    let fits = fit_all(&xs);
    if fits.is_empty() {
        return Err(Failure::BadInput(format!(
            "{}: no distribution could be fitted to column `{name}`",
            file.display()
        )));
    }
    let mut sorted = xs.clone();
    sorted.sort_by(f64::total_cmp);
    let doc = serde_json::json!({
        "file": file.display().to_string(),
        "column": name,
        "values": n,
        "mean": mean,
        "sd": sd,
        "min": sorted[0],
        "max": sorted[n - 1],
        "fits": fits,
    });
    if let Some(dir) = out {
        let mut dir = OutputDir::prepare(dir, force)?;
        dir.write(
            "fit.json",
            (serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n").as_bytes(),
        )?;
        let title = format!(
            "Fits to {} ({name})",
            file.file_name()
                .map_or(String::new(), |f| f.to_string_lossy().into_owned())
        );
        let chart = crate::report::charts::fit::fit_chart(&title, &sorted, &fits)
            .map_err(|e| Failure::Internal(e.to_string()))?;
        dir.write("fit.png", &chart.png)?;
        dir.write("fit.svg", chart.svg.as_bytes())?;
        dir.commit()?;
    }
    if json {
        return write_stdout(&(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"));
    }
    write_stdout(&table(file, &name, &sorted, mean, sd, &fits))
}

/// The console table: the data, the fits ranked, the line to paste.
fn table(file: &Path, name: &str, sorted: &[f64], mean: f64, sd: f64, fits: &[Fitted]) -> String {
    let n = sorted.len();
    let mut s = format!(
        "{} column `{name}`: {n} values, mean {}, sd {}, min {}, max {}\n\n",
        file.display(),
        fmt_num(mean),
        fmt_num(sd),
        fmt_num(sorted[0]),
        fmt_num(sorted[n - 1])
    );
    let values: Vec<String> = fits.iter().map(|f| toml_value(&f.spec)).collect();
    let w = values.iter().map(String::len).max().unwrap_or(12);
    s.push_str(&format!(
        "  rank  {:<w$}  {:>12}  {:>10}  {:>8}  {:>7}\n",
        "distribution (maximum likelihood)", "ln L", "AIC", "dAIC", "KS D"
    ));
    let best = fits[0].aic;
    for (i, (f, v)) in fits.iter().zip(&values).enumerate() {
        s.push_str(&format!(
            "  {:>4}  {v:<w$}  {:>12}  {:>10}  {:>8}  {:>7.4}\n",
            i + 1,
            fmt_num(f.log_likelihood),
            fmt_num(f.aic),
            fmt_num(f.aic - best),
            f.ks_distance
        ));
    }
    s.push_str(&format!(
        "\nLower AIC is better; a difference above about 10 is decisive, below 2 a tie. KS D is the\n\
         largest gap between the data's and the fit's distribution functions (with known\n\
         parameters, {} would be the 5% critical value for {n} values; with fitted ones it is\n\
         smaller). The normal is fitted truncated at zero, as repatsim draws it (mean and sd are\n\
         those of the normal before the cut, as a scenario file takes them).\n\n\
         Paste as the value of a duration field, in the data's unit (service_minutes if the\n\
         data are minutes, stay_hours or travel_hours if hours):\n  {}   # fitted to {} ({n} values)\n",
        fmt_num(1.36 / (n as f64).sqrt()),
        values[0],
        file.display()
    ));
    s
}

/// The observations of the chosen column: finite, non-negative numbers; a header row is
/// recognised by its cell not being a number.
fn read_column(file: &Path, column: Option<&str>) -> Result<(String, Vec<f64>), Failure> {
    let bad = |m: String| Failure::BadInput(format!("{}: {m}", file.display()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(file)
        .map_err(|e| bad(e.to_string()))?;
    let mut records = Vec::new();
    for r in reader.records() {
        records.push(r.map_err(|e| bad(e.to_string()))?);
    }
    let first = records.first().ok_or_else(|| bad("the file is empty".into()))?;
    let number = |s: &str| s.trim().parse::<f64>().ok();
    let header = first.iter().all(|c| number(c).is_none());
    let names: Vec<String> = if header {
        first.iter().map(|c| c.trim().to_string()).collect()
    } else {
        (1..=first.len()).map(|i| format!("column {i}")).collect()
    };
    let rows = if header { &records[1..] } else { &records[..] };
    let index = match column {
        Some(c) => match names.iter().position(|n| n == c) {
            Some(i) => i,
            None => match c.parse::<usize>() {
                Ok(k) if k >= 1 && k <= names.len() => k - 1,
                _ => {
                    let hint = crate::scenario::error::did_you_mean(c, names.iter().map(String::as_str))
                        .map_or(String::new(), |h| format!(" (did you mean `{h}`?)"));
                    return Err(bad(format!(
                        "no column `{c}`{hint}; the columns are: {}",
                        names.join(", ")
                    )));
                }
            },
        },
        None => {
            let numeric: Vec<usize> = (0..names.len())
                .filter(|&i| rows.iter().any(|r| r.get(i).is_some_and(|c| number(c).is_some())))
                .collect();
            match numeric[..] {
                [] => return Err(bad("no column holds numbers".into())),
                [i] => i,
                _ => {
                    let which: Vec<&str> = numeric.iter().map(|&i| names[i].as_str()).collect();
                    return Err(bad(format!(
                        "{} columns hold numbers ({}): choose one with --column",
                        which.len(),
                        which.join(", ")
                    )));
                }
            }
        }
    };
    let mut xs = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        let line = k + 1 + usize::from(header);
        let cell = r.get(index).unwrap_or("").trim();
        if cell.is_empty() {
            continue;
        }
        let x = number(cell).ok_or_else(|| {
            bad(format!(
                "line {line}, column `{}`: `{cell}` is not a number",
                names[index]
            ))
        })?;
        if !x.is_finite() || x < 0.0 {
            return Err(bad(format!(
                "line {line}, column `{}`: {cell} is not a duration (a finite number >= 0)",
                names[index]
            )));
        }
        xs.push(x);
    }
    if xs.len() < MIN_VALUES {
        return Err(bad(format!(
            "column `{}` has {} values; at least {MIN_VALUES} are needed to fit a distribution",
            names[index],
            xs.len()
        )));
    }
    if xs.iter().all(|&x| x == xs[0]) {
        return Err(bad(format!(
            "every value of column `{}` is {}: that is a fixed duration, write it as a number",
            names[index], xs[0]
        )));
    }
    Ok((names[index].clone(), xs))
}
