//! Scenario tooling: `init` (a commented starting scenario), `metrics` (what a
//! scenario measures), `paths` (what `--set`/`--vary` accept, with current values) and
//! `completions` (shell completions).

use super::guard::{overrides, read_text, write_stdout};
use super::{Cli, Failure};
use crate::model::{Network, catalogue};
use crate::scenario::{self, params};
use std::path::Path;
use std::sync::Arc;

/// The templates `init` writes: each a shipped scenario file (tested like the others).
const TEMPLATES: &[(&str, &str)] = &[
    ("minimal", include_str!("../../scenarios/templates/minimal.toml")),
    ("first-wave", include_str!("../../scenarios/first-wave-2023.toml")),
    ("full-return", include_str!("../../scenarios/full-return.toml")),
];

/// The template names, for help and errors.
pub fn template_names() -> Vec<&'static str> {
    TEMPLATES.iter().map(|(n, _)| *n).collect()
}

/// `repatsim init DIR [--template T] [--force]`: writes DIR/scenario.toml.
pub fn init(dir: &Path, template: &str, force: bool) -> Result<(), Failure> {
    let text = TEMPLATES
        .iter()
        .find(|(n, _)| *n == template)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            Failure::BadInput(format!(
                "--template {template}: no such template; choose one of {}",
                template_names().join(", ")
            ))
        })?;
    let file = dir.join("scenario.toml");
    if file.exists() && !force {
        return Err(Failure::BadInput(format!(
            "{} exists; choose another directory, or --force to overwrite it",
            file.display()
        )));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::BadInput(format!(
            "{} is a file; name a directory for the scenario",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| Failure::BadInput(format!("{}: {e}", dir.display())))?;
    crate::report::dir::write_atomic(dir, "scenario.toml", text.as_bytes())?;
    let f = file.display();
    eprintln!(
        "wrote {f} (template {template}). Next:\n  repatsim validate {f}\n  repatsim run {f} --out {}\n  repatsim paths {f}      # what --set and --vary can change",
        dir.join("results").display()
    );
    Ok(())
}

/// `repatsim metrics FILE [--csv]`: every metric the scenario produces.
pub fn metrics(file: &Path, set: &[String], csv: bool) -> Result<(), Failure> {
    let net = Network::new(Arc::new(scenario::load_with(file, &overrides(set)?)?.scenario));
    let cat = catalogue(&net);
    let sc = &net.scenario;
    if csv {
        let mut bytes = Vec::new();
        crate::report::csv::write_metric_dictionary(&mut bytes, &cat, sc)
            .map_err(|e| Failure::Internal(e.to_string()))?;
        return write_stdout(&String::from_utf8_lossy(&bytes));
    }
    let width = cat.iter().map(|m| m.id.len()).max().unwrap_or(0);
    let mut s = format!(
        "{:<width$}  {:<13} {:<7} label\n",
        "metric (use as METRIC or METRIC@p90)", "unit", "better"
    );
    for m in cat.iter() {
        s.push_str(&format!(
            "{:<width$}  {:<13} {:<7} {}\n",
            m.id,
            m.unit.name(sc),
            m.better.as_str(),
            m.label
        ));
    }
    s.push_str(&format!(
        "{} metrics; descriptions with --csv (as dictionary.csv of an output directory)\n",
        cat.len()
    ));
    write_stdout(&s)
}

/// `repatsim paths FILE`: every parameter path `--set` and `--vary` accept, with its
/// current value.
pub fn paths(file: &Path) -> Result<(), Failure> {
    // The file must be a valid scenario first: paths of a broken file would mislead.
    scenario::load(file)?;
    let text = read_text(file)?;
    let rows = params::path_values(&text);
    let width = rows.iter().map(|(p, _)| p.len()).max().unwrap_or(0);
    let mut s = String::new();
    for (path, value) in &rows {
        let shown = value.as_deref().unwrap_or("(not set: the default)");
        let whole = if params::is_whole_field(path) {
            "  (whole number)"
        } else {
            ""
        };
        s.push_str(&format!("{path:<width$}  {shown}{whole}\n"));
    }
    s.push_str(&format!(
        "{} paths: --set PATH=VALUE on run, check, compare, sweep, plan; --vary PATH=LO..HI[:STEP] or PATH=[alternatives] on sweep and plan\n",
        rows.len()
    ));
    write_stdout(&s)
}

/// `repatsim completions SHELL`: the completion script for a shell.
pub fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "repatsim", &mut out);
    write_stdout(&String::from_utf8_lossy(&out))
}
