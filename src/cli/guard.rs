//! What the commands share: overrides from flags, signals that stop a run cleanly,
//! resource estimates before a run, a progress bar, and writing to stdout.

use super::Failure;
use crate::experiment;
use crate::metrics::fmt_quantity;
use crate::model::Network;
use crate::scenario::params::{self, Override};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Parses `--set PATH=VALUE` arguments.
pub fn overrides(set: &[String]) -> Result<Vec<Override>, Failure> {
    overrides_of("--set", set)
}

/// As [`overrides`] for the flag `flag` (`--set`, `--vs-set`), named in its errors.
pub fn overrides_of(flag: &str, set: &[String]) -> Result<Vec<Override>, Failure> {
    let parsed: Vec<Override> = set
        .iter()
        .map(|s| params::parse_override(s).map_err(|e| Failure::BadInput(format!("{flag} {e}"))))
        .collect::<Result<_, _>>()?;
    // A path set twice ran with the last value, without a word.
    for (i, o) in parsed.iter().enumerate() {
        if parsed[..i].iter().any(|p| p.path == o.path) {
            return Err(Failure::BadInput(format!(
                "{flag} {} is given twice: the last value would silently replace the first; give each path once",
                o.path
            )));
        }
    }
    Ok(parsed)
}

/// Reads a scenario file as text.
pub fn read_text(path: &Path) -> Result<String, Failure> {
    crate::scenario::read_text(path).map_err(|e| Failure::BadInput(e.to_string()))
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Internal(format!("cannot write output: {e}"))),
    }
}

/// A progress bar on stderr with rate and ETA; hidden when stderr is not a terminal,
/// `TERM=dumb`, or `quiet`.
pub fn progress_bar(total: u64, quiet: bool, what: &str) -> indicatif::ProgressBar {
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if quiet || dumb || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    let template = format!("{{bar:40}} {{pos}}/{{len}} {what}  {{per_sec}}  ETA {{eta}}");
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

/// A flag raised by Ctrl-C (SIGINT), SIGTERM (what cluster schedulers send before they
/// kill a job) or SIGHUP (a closed terminal): runs stop starting replications and write
/// what they have. A second signal ends the program at once.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    use std::sync::atomic::Ordering;
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    let flag = FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let raised = Arc::clone(&flag);
        let installed = ctrlc::set_handler(move || {
            if raised.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!(
                "\ninterrupted: finishing the replications under way, then writing what is done (a second Ctrl-C quits at once, writing nothing)"
            );
        });
        if let Err(e) = installed {
            eprintln!("warning: Ctrl-C or SIGTERM will end the run without saving results ({e})");
        }
        flag
    });
    Arc::clone(flag)
}

/// The worker threads asked for, else every core.
pub fn threads_or_cores(threads: Option<u64>) -> usize {
    threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |t| t as usize,
    )
}

/// Refuses a run that would not fit in memory or would run for over a day, unless `yes`.
/// (`time` says whether to estimate time: not for a precision target, whose replication
/// count is only a cap.)
pub fn check_resources(
    net: &Arc<Network>,
    replications: u64,
    threads: Option<u64>,
    grid_hours: Option<f64>,
    yes: bool,
    time: bool,
) -> Result<(), Failure> {
    let threads = threads_or_cores(threads);
    let big = time && f64::from(net.population) * replications as f64 > 5e7;
    let e = experiment::estimate(net, replications, threads, grid_hours, big);
    let gb = |b: f64| format!("{:.1} GB", b / 1e9);
    if let Some(avail) = experiment::available_memory()
        && e.bytes > 0.9 * avail
        && !yes
    {
        // A fine time grid can take most of it: say so, as fewer replications would not help.
        let grid = if e.grid_bytes > 0.5 * e.bytes {
            "a coarser --grid-hours (the time grid takes most of it), "
        } else {
            ""
        };
        return Err(Failure::BadInput(format!(
            "this run needs about {} of memory ({} people, {replications} replications, {threads} threads) but {} is available; \
             use {grid}fewer replications (or --shard), fewer threads, or --yes to try anyway",
            gb(e.bytes),
            net.population,
            gb(avail)
        )));
    }
    if let Some(s) = e.seconds {
        let hours = s / 3600.0;
        if hours > 24.0 && !yes {
            return Err(Failure::BadInput(format!(
                "this run would take about {hours:.0} hours on {} (one replication took {:.2} s); \
                 split it with --shard across machines, run fewer replications, or --yes to start anyway",
                fmt_quantity(threads as u64, "thread"),
                s * threads as f64 / replications.max(1) as f64
            )));
        }
        if s > 60.0 {
            eprintln!(
                "estimated run time: {:.1} minutes on {}",
                s / 60.0,
                fmt_quantity(threads as u64, "thread")
            );
        }
    }
    Ok(())
}
