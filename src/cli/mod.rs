//! The command line: a thin layer that parses arguments, calls the library and maps
//! failures to exit codes (0 ok, 2 bad input, 1 internal failure).

use crate::experiment::compare::{self as cmp, CompareError, Target, Verdict};
use crate::experiment::{self, Batch, Precision, RunOptions};
use crate::model::{Network, World};
use crate::report::{self, output};
use crate::scenario::params::{self, Override};
use crate::scenario::{self, LoadError};
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Discrete-event simulation of repatriation and evacuation logistics.
#[derive(Debug, Parser)]
#[command(name = "repatsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run Monte Carlo replications of a scenario and print a summary.
    Run(RunArgs),
    /// Combine the output directories of a sharded run into one.
    Merge(MergeArgs),
    /// Write every event of one replication as CSV.
    Trace(TraceArgs),
    /// Redraw the charts and report.html of an output directory from its saved results.
    Report {
        /// An output directory written by `run --out` or `merge`.
        dir: PathBuf,
    },
    /// Compare two scenarios (or one with --vs-set changes) on the same random numbers.
    Compare(CompareArgs),
    /// Chosen metrics against one or two parameters over a grid of values.
    Sweep(SweepArgs),
    /// The smallest (or largest) parameter value that meets a target.
    Plan(PlanArgs),
    /// Check scenario files without running them.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Override a numeric field, e.g. `--set site.sinuiju-quarantine.beds=2000`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// Run the validation cases against queueing theory and print the table of
    /// docs/VALIDATION.md (exit code 1 if any case fails).
    ValidateTheory {
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4096))]
        threads: Option<u64>,
    },
}

/// `repatsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Number of replications (default: the scenario's `replications`).
    #[arg(short = 'n', long = "replications", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub replications: Option<u64>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub threads: Option<u64>,
    /// Print the summary as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Write summary.json, replications.csv, timeseries.csv and a copy of the scenario
    /// into this directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite the files of a non-empty --out directory.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no note of the files written (warnings and errors still show).
    #[arg(short, long)]
    pub quiet: bool,
    /// Report events processed, wall time and events per second on stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// Spacing of the time-series grid, in hours.
    #[arg(long, default_value_t = 6.0)]
    pub grid_hours: f64,
    /// Keep adding blocks of replications until the 95% CI half-width of METRIC is at
    /// most VALUE, e.g. `makespan_days=0.25` (replaces -n).
    #[arg(long, value_name = "METRIC=VALUE")]
    pub until_ci: Option<String>,
    /// Upper limit on replications for --until-ci.
    #[arg(long, default_value_t = 100_000)]
    pub max_replications: u64,
    /// Replications per block (the step of --until-ci).
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(2..=1_000_000))]
    pub block: u64,
    /// Run only shard I of N (1-based) of the -n replications, for combining later with
    /// `repatsim merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Run even if the estimate says it will not fit in memory or will take over a day.
    #[arg(long)]
    pub yes: bool,
    /// Override a numeric field by its path, e.g. `--set site.sinuiju-quarantine.beds=2000`
    /// (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// Options shared by the comparative commands.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Replications per scenario or grid point.
    #[arg(short = 'n', long = "replications", default_value_t = 100, value_parser = clap::value_parser!(u64).range(2..=10_000_000))]
    pub replications: u64,
    /// Master seed (default: the (first) scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub threads: Option<u64>,
    /// Override a numeric field by its path (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `repatsim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario A (the reference).
    pub a: PathBuf,
    /// Scenario B; omit it to compare A with A changed by --vs-set.
    pub b: Option<PathBuf>,
    /// Overrides that make B from A (repeatable).
    #[arg(long = "vs-set", value_name = "PATH=VALUE")]
    pub vs_set: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Show every metric, not only the headline ones and those that differ.
    #[arg(long)]
    pub all: bool,
    /// Write compare.json, compare.csv and the overlaid people-home chart here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite the files of a non-empty --out directory.
    #[arg(long)]
    pub force: bool,
}

/// `repatsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// `PATH=START..END:STEP`, once or twice (two give a heatmap).
    #[arg(long, required = true, value_name = "PATH=START..END:STEP")]
    pub vary: Vec<String>,
    /// Metrics to report (repeatable; default makespan_days).
    #[arg(long = "metric")]
    pub metrics: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Write sweep.csv and the charts here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite the files of a non-empty --out directory.
    #[arg(long)]
    pub force: bool,
}

/// `repatsim plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// `PATH=LO..HI`: the parameter and the range to search.
    #[arg(long, value_name = "PATH=LO..HI")]
    pub vary: String,
    /// `METRIC@STAT OP VALUE`, e.g. `makespan_days@p90<=60` (STAT: mean or pNN).
    #[arg(long)]
    pub target: String,
    /// Fresh replications to confirm the answer on (default: as many as -n).
    #[arg(long)]
    pub confirm: Option<u64>,
    /// For a parameter that is not a whole number: stop when the range is this narrow.
    #[arg(long, default_value_t = 0.01)]
    pub tolerance: f64,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `repatsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output directories of the shards, in any order.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Where to write the combined outputs.
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite the files of a non-empty --out directory.
    #[arg(long)]
    pub force: bool,
}

/// `repatsim trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Which replication (as numbered in replications.csv).
    #[arg(long)]
    pub replication: u64,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Write the CSV here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override a numeric field by its path (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// A failure, with the exit code it maps to.
#[derive(Debug)]
pub enum Failure {
    /// The user's input is wrong (exit code 2).
    BadInput(String),
    /// Something inside failed (exit code 1).
    Internal(String),
    /// The run was interrupted (Ctrl-C); partial results were written (exit code 130).
    Interrupted(String),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

impl From<CompareError> for Failure {
    fn from(e: CompareError) -> Self {
        match e {
            CompareError::Experiment(e) => Failure::Internal(e.to_string()),
            other => Failure::BadInput(other.to_string()),
        }
    }
}

impl From<output::OutputError> for Failure {
    fn from(e: output::OutputError) -> Self {
        match e {
            output::OutputError::Io { .. } => Failure::Internal(e.to_string()),
            _ => Failure::BadInput(e.to_string()),
        }
    }
}

/// Parses `std::env::args` and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(msg)) => {
            eprint!("{msg}");
            if !msg.ends_with('\n') {
                eprintln!();
            }
            ExitCode::from(2)
        }
        Err(Failure::Internal(msg)) => {
            eprintln!("repatsim: internal error: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Interrupted(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(130)
        }
    }
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Merge(args) => merge(args),
        Command::Trace(args) => trace(args),
        Command::Report { dir } => {
            let batch = output::read_part(&dir)?;
            let charts = output::write_report(&dir, &batch)?;
            eprintln!(
                "wrote {} and {} charts ({}) as PNG and SVG",
                dir.join(output::REPORT).display(),
                charts.len(),
                charts.join(", ")
            );
            Ok(())
        }
        Command::Compare(args) => compare(args),
        Command::Sweep(args) => sweep(args),
        Command::Plan(args) => plan(args),
        Command::Validate { files, set } => validate(&files, &overrides(&set)?),
        Command::ValidateTheory { threads } => validate_theory(threads.map(|t| t as usize)),
    }
}

fn parse_shard(s: &str) -> Result<output::ShardInfo, Failure> {
    let bad = || Failure::BadInput(format!("--shard {s}: write I/N with 1 <= I <= N, e.g. --shard 2/8"));
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (index, count): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if count == 0 || index == 0 || index > count {
        return Err(bad());
    }
    Ok(output::ShardInfo { index, count })
}

fn parse_precision(s: &str, max_replications: u64, net: &Network) -> Result<Precision, Failure> {
    let bad = |m: String| Failure::BadInput(format!("--until-ci {s}: {m}"));
    let (metric, value) = s
        .split_once('=')
        .ok_or_else(|| bad("write METRIC=HALF_WIDTH, e.g. makespan_days=0.25".into()))?;
    let half_width: f64 = value
        .trim()
        .parse()
        .map_err(|_| bad(format!("`{value}` is not a number")))?;
    if !(half_width > 0.0 && half_width.is_finite()) {
        return Err(bad("the half-width must be a number > 0".into()));
    }
    let names = crate::model::metric_names(net);
    let metric = metric.trim();
    if !names.iter().any(|n| n == metric) {
        let hint = scenario::error::did_you_mean(metric, names.iter().map(String::as_str))
            .map_or(String::new(), |m| format!(" (did you mean `{m}`?)"));
        return Err(bad(format!("no metric named `{metric}`{hint}")));
    }
    Ok(Precision {
        metric: metric.to_string(),
        half_width,
        max_replications,
    })
}

/// A progress bar on stderr with rate and ETA; hidden when stderr is not a terminal,
/// `TERM=dumb`, or `quiet`.
fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if quiet || dumb || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} replications  {per_sec}  ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let loaded = scenario::load_with(&args.file, &overrides(&args.set)?)?;
    if !loaded.warnings.is_empty() {
        eprint!("{}", loaded.render_warnings());
    }
    let mut sc = loaded.scenario;
    if let Some(s) = args.seed {
        sc.seed = s;
    }
    if !(args.grid_hours > 0.0 && args.grid_hours.is_finite()) {
        return Err(Failure::BadInput(format!(
            "--grid-hours {}: must be a number > 0",
            args.grid_hours
        )));
    }
    if let Some(dir) = &args.out {
        output::prepare_dir(dir, args.force)?;
    }
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    if shard.is_some() && args.until_ci.is_some() {
        return Err(Failure::BadInput(
            "--shard and --until-ci cannot be combined: a shard runs a fixed range".into(),
        ));
    }
    let n = args.replications.unwrap_or(u64::from(sc.replications));
    let range = match shard {
        Some(s) => experiment::shard_range(n, s.index, s.count),
        None => 0..n,
    };
    let net = Arc::new(Network::new(Arc::new(sc)));
    let planned = if args.until_ci.is_some() {
        args.max_replications
    } else {
        range.end - range.start
    };
    check_resources(
        &net,
        planned,
        args.threads,
        args.grid_hours,
        args.yes,
        args.until_ci.is_none(),
    )?;
    let stop = interrupt_flag();
    let opts = RunOptions {
        replications: range.clone(),
        threads: args.threads.map(|t| t as usize),
        grid_hours: args.grid_hours,
        block: args.block,
        stop: Some(Arc::clone(&stop)),
    };
    let internal = |e: experiment::ExperimentError| Failure::Internal(e.to_string());
    let batch = match &args.until_ci {
        Some(spec) => {
            let target = parse_precision(spec, args.max_replications, &net)?;
            let bar = progress_bar(target.max_replications, args.quiet);
            let b = experiment::run_until_precise(&net, &opts, &target, Some(&|d| bar.set_position(d)))
                .map_err(internal)?;
            bar.finish_and_clear();
            let s = b.summary(&target.metric).expect("metric checked");
            let met = s.ci95_half_width() <= target.half_width;
            eprintln!(
                "--until-ci: {} replications; 95% CI half-width of {} is {} ({} the target {})",
                b.len(),
                target.metric,
                report::fmt_num(s.ci95_half_width()),
                if met { "within" } else { "NOT within, cap reached:" },
                target.half_width
            );
            b
        }
        None => {
            let bar = progress_bar(range.end - range.start, args.quiet);
            let b = experiment::run_network(&net, &opts, Some(&|d| bar.set_position(d))).map_err(internal)?;
            bar.finish_and_clear();
            b
        }
    };
    if args.verbose {
        eprintln!(
            "{} events in {:.3} s on {} threads: {:.2} M events/s",
            batch.events,
            batch.wall_seconds,
            batch.threads,
            batch.events as f64 / batch.wall_seconds.max(1e-9) / 1e6
        );
    }
    if let Some(dir) = &args.out {
        output::write_outputs(dir, &batch, shard)?;
    }
    print_batch(&batch, args.json, shard)?;
    if let Some(dir) = &args.out
        && !args.quiet
    {
        eprintln!("wrote {}", list_outputs(dir));
    }
    if batch.interrupted {
        return Err(Failure::Interrupted(format!(
            "interrupted: {} replications completed (from {}); the summary{} covers those and is marked partial",
            batch.len(),
            batch.first_replication,
            if args.out.is_some() {
                " and the output files"
            } else {
                ""
            }
        )));
    }
    Ok(())
}

/// A flag raised by Ctrl-C (SIGINT): runs stop starting replications and write what they
/// have. A second Ctrl-C ends the program at once.
fn interrupt_flag() -> Arc<std::sync::atomic::AtomicBool> {
    use std::sync::atomic::{AtomicBool, Ordering};
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    let flag = FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let raised = Arc::clone(&flag);
        let installed = ctrlc::set_handler(move || {
            if raised.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\ninterrupted: finishing the replications under way, then writing what is done (Ctrl-C again to quit now)");
        });
        if let Err(e) = installed {
            eprintln!("warning: Ctrl-C will end the run without saving results ({e})");
        }
        flag
    });
    Arc::clone(flag)
}

/// Refuses a run that would not fit in memory or would run for over a day, unless `yes`.
/// (`time` says whether to estimate time: not for a precision target, whose replication
/// count is only a cap.)
fn check_resources(
    net: &Arc<Network>,
    replications: u64,
    threads: Option<u64>,
    grid_hours: f64,
    yes: bool,
    time: bool,
) -> Result<(), Failure> {
    let threads = threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |t| t as usize,
    );
    let big = time && f64::from(net.population) * replications as f64 > 5e7;
    let e = experiment::estimate(net, replications, threads, grid_hours, big);
    let gb = |b: f64| format!("{:.1} GB", b / 1e9);
    if let Some(avail) = experiment::available_memory()
        && e.bytes > 0.9 * avail
        && !yes
    {
        return Err(Failure::BadInput(format!(
            "this run needs about {} of memory ({} people, {replications} replications, {threads} threads) but {} is available; \
             use fewer replications (or --shard), fewer threads, or --yes to try anyway",
            gb(e.bytes),
            net.population,
            gb(avail)
        )));
    }
    if let Some(s) = e.seconds {
        let hours = s / 3600.0;
        if hours > 24.0 && !yes {
            return Err(Failure::BadInput(format!(
                "this run would take about {hours:.0} hours on {threads} threads (one replication took {:.2} s); \
                 split it with --shard across machines, run fewer replications, or --yes to start anyway",
                s * threads as f64 / replications.max(1) as f64
            )));
        }
        if s > 60.0 {
            eprintln!("estimated run time: {:.1} minutes on {threads} threads", s / 60.0);
        }
    }
    Ok(())
}

fn list_outputs(dir: &Path) -> String {
    [
        output::SUMMARY,
        output::REPLICATIONS,
        output::TIMESERIES,
        output::SCENARIO_COPY,
        output::REPORT,
    ]
    .iter()
    .map(|f| dir.join(f).display().to_string())
    .collect::<Vec<_>>()
    .join(", ")
}

fn print_batch(batch: &Batch, json: bool, shard: Option<output::ShardInfo>) -> Result<(), Failure> {
    let text = if json {
        let mut s = serde_json::to_string_pretty(&output::summary_document(batch, shard, false))
            .map_err(|e| Failure::Internal(e.to_string()))?;
        s.push('\n');
        s
    } else {
        report::summary_table(batch)
    };
    write_stdout(&text)
}

fn merge(args: MergeArgs) -> Result<(), Failure> {
    output::prepare_dir(&args.out, args.force)?;
    let batch = output::merge_parts(&args.parts)?;
    output::write_outputs(&args.out, &batch, None)?;
    print_batch(&batch, false, None)?;
    eprintln!("merged {} parts: {}", args.parts.len(), list_outputs(&args.out));
    Ok(())
}

fn trace(args: TraceArgs) -> Result<(), Failure> {
    let mut sc = scenario::load_with(&args.file, &overrides(&args.set)?)?.scenario;
    if let Some(s) = args.seed {
        sc.seed = s;
    }
    let net = Arc::new(Network::new(Arc::new(sc)));
    let (result, rows) = World::new(Arc::clone(&net)).run_traced(args.replication);
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Failure::Internal(e.to_string());
    w.write_record([
        "time_hours",
        "event",
        "stage",
        "person",
        "vehicle",
        "queue_after",
        "count_after",
    ])
    .map_err(csv_err)?;
    for r in &rows {
        let opt = |x: Option<u32>| x.map_or(String::new(), |v| v.to_string());
        w.write_record([
            format!("{}", r.time_hours),
            r.kind.as_str().to_string(),
            r.stage.name(&net).to_string(),
            opt(r.person),
            opt(r.vehicle),
            r.queue_after.to_string(),
            r.count_after.to_string(),
        ])
        .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| Failure::Internal(e.to_string()))?;
    match &args.out {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = path
                .file_name()
                .ok_or_else(|| Failure::BadInput(format!("--out {}: not a file name", path.display())))?;
            output::write_atomic(dir, &name.to_string_lossy(), &bytes)?;
        }
        None => write_stdout(&String::from_utf8_lossy(&bytes))?,
    }
    eprintln!(
        "replication {}: {} events, {} of {} people home{}",
        args.replication,
        result.events,
        result.home,
        result.population,
        result.makespan_hours.map_or(String::new(), |h| format!(
            ", makespan {} days",
            report::fmt_num(h / 24.0)
        ))
    );
    Ok(())
}

fn validate_theory(threads: Option<usize>) -> Result<(), Failure> {
    let outcomes = crate::validation::run_all(threads).map_err(|e| Failure::Internal(e.to_string()))?;
    write_stdout(&crate::validation::markdown_table(&outcomes))?;
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    if failed > 0 {
        return Err(Failure::Internal(format!("{failed} validation check(s) failed")));
    }
    Ok(())
}

fn validate(files: &[PathBuf], set: &[Override]) -> Result<(), Failure> {
    let mut failed = String::new();
    for f in files {
        match scenario::load_with(f, set) {
            Ok(loaded) => {
                if !loaded.warnings.is_empty() {
                    eprint!("{}", loaded.render_warnings());
                }
                let sc = &loaded.scenario;
                write_stdout(&format!(
                    "{}: ok ({} people in {} cohorts; {} sites, {} legs, {} checkpoints)\n",
                    f.display(),
                    sc.population(),
                    sc.cohorts.len(),
                    sc.sites.len(),
                    sc.legs.len(),
                    sc.checkpoints.len()
                ))?;
            }
            Err(e) => failed.push_str(&e.to_string()),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::BadInput(failed))
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Internal(format!("cannot write output: {e}"))),
    }
}

/// Parses `--set PATH=VALUE` arguments.
fn overrides(set: &[String]) -> Result<Vec<Override>, Failure> {
    set.iter()
        .map(|s| params::parse_override(s).map_err(|e| Failure::BadInput(format!("--set {e}"))))
        .collect()
}

fn read_text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("cannot read scenario file {}: {e}", path.display())))
}

fn common_options(c: &CommonArgs) -> RunOptions {
    RunOptions::new(0..c.replications).threads(c.threads.map(|t| t as usize))
}

fn compare(args: CompareArgs) -> Result<(), Failure> {
    let base = overrides(&args.common.set)?;
    let mut vs = base.clone();
    vs.extend(overrides(&args.vs_set)?);
    let a_label = args.a.display().to_string();
    let (b_path, b_label) = match &args.b {
        Some(b) => (b.clone(), b.display().to_string()),
        None if !args.vs_set.is_empty() => (args.a.clone(), format!("{a_label} with {}", args.vs_set.join(", "))),
        None => {
            return Err(Failure::BadInput(
                "compare needs a second scenario, or --vs-set changes to A".into(),
            ));
        }
    };
    let mut a = scenario::load_with(&args.a, &base)?.scenario;
    let b = scenario::load_with(&b_path, if args.b.is_some() { &base } else { &vs })?.scenario;
    if let Some(s) = args.common.seed {
        a.seed = s;
    }
    if b.seed != a.seed && args.common.seed.is_none() {
        eprintln!(
            "note: B runs on A's seed ({}) so that both share their random numbers",
            a.seed
        );
    }
    if let Some(dir) = &args.out {
        output::prepare_dir(dir, args.force)?;
    }
    let c = cmp::compare(&a, &b, &common_options(&args.common))?;
    let shown: Vec<&cmp::MetricDiff> = c
        .metrics
        .iter()
        .filter(|m| {
            args.all
                || !m.metric.contains('.')
                || m.metric.starts_with("cost.")
                || !matches!(
                    m.verdict,
                    Verdict::Same | Verdict::NoDetectableDifference | Verdict::NotEnoughData
                )
        })
        .collect();
    let doc = serde_json::json!({
        "a": a_label,
        "b": b_label,
        "seed": a.seed,
        "replications": args.common.replications,
        "metrics": c.metrics,
    });
    if let Some(dir) = &args.out {
        let mut w = csv::Writer::from_writer(Vec::new());
        let csv_err = |e: csv::Error| Failure::Internal(e.to_string());
        w.write_record([
            "metric",
            "a_mean",
            "b_mean",
            "difference_mean",
            "difference_ci95_low",
            "difference_ci95_high",
            "n",
            "verdict",
        ])
        .map_err(csv_err)?;
        for m in &c.metrics {
            let f = |x: f64| if x.is_nan() { String::new() } else { format!("{x}") };
            w.write_record([
                m.metric.clone(),
                f(m.a.mean),
                f(m.b.mean),
                f(m.difference.mean),
                f(m.difference.ci95_low),
                f(m.difference.ci95_high),
                m.difference.n.to_string(),
                m.verdict.as_str().to_string(),
            ])
            .map_err(csv_err)?;
        }
        output::write_atomic(
            dir,
            "compare.csv",
            &w.into_inner().map_err(|e| Failure::Internal(e.to_string()))?,
        )?;
        output::write_atomic(
            dir,
            "compare.json",
            (serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n").as_bytes(),
        )?;
        let chart =
            report::charts::compare_chart(&c.a, &c.b, "A", "B").map_err(|e| Failure::Internal(e.to_string()))?;
        output::write_atomic(dir, &format!("{}.png", chart.name), &chart.png)?;
        output::write_atomic(dir, &format!("{}.svg", chart.name), chart.svg.as_bytes())?;
    }
    if args.common.json {
        return write_stdout(&(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"));
    }
    let mut t = format!(
        "A: {a_label}\nB: {b_label}\n{} replications each on the same random numbers (seed {}).\n\n",
        args.common.replications, a.seed
    );
    let width = shown.iter().map(|m| m.metric.len()).max().unwrap_or(10).max(10);
    t.push_str(&format!(
        "  {:<width$} {:>10} {:>10} {:>28}  verdict\n",
        "metric", "A mean", "B mean", "B - A [95% CI]"
    ));
    for m in &shown {
        let d = &m.difference;
        let diff = format!(
            "{} [{}, {}]",
            report::fmt_num(d.mean),
            report::fmt_num(d.ci95_low),
            report::fmt_num(d.ci95_high)
        );
        t.push_str(&format!(
            "  {:<width$} {:>10} {:>10} {:>28}  {}\n",
            m.metric,
            report::fmt_num(m.a.mean),
            report::fmt_num(m.b.mean),
            diff,
            m.verdict.as_str()
        ));
    }
    let hidden = c.metrics.len() - shown.len();
    if hidden > 0 {
        t.push_str(&format!(
            "  ({hidden} more metrics show no detectable difference; --all lists them)\n"
        ));
    }
    write_stdout(&t)
}

fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let text = read_text(&args.file)?;
    let label = args.file.display().to_string();
    let base = overrides(&args.common.set)?;
    let axes = args
        .vary
        .iter()
        .map(|v| cmp::parse_axis(v))
        .collect::<Result<Vec<_>, _>>()?;
    let metrics = if args.metrics.is_empty() {
        vec!["makespan_days".to_string()]
    } else {
        args.metrics.clone()
    };
    if let Some(dir) = &args.out {
        output::prepare_dir(dir, args.force)?;
    }
    let mut base_with_seed = base.clone();
    if let Some(s) = args.common.seed {
        base_with_seed.push(Override {
            path: "scenario.seed".into(),
            value: s as f64,
        });
    }
    let points = cmp::sweep(
        &text,
        &label,
        &base_with_seed,
        &axes,
        &metrics,
        &common_options(&args.common),
    )?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Failure::Internal(e.to_string());
    let mut header: Vec<String> = axes.iter().map(|a| a.path.clone()).collect();
    header.extend(["metric", "mean", "ci95_low", "ci95_high", "p05", "p50", "p95", "n"].map(String::from));
    w.write_record(&header).map_err(csv_err)?;
    let f = |x: f64| if x.is_nan() { String::new() } else { format!("{x}") };
    for p in &points {
        for (m, s) in &p.metrics {
            let mut rec: Vec<String> = p.values.iter().map(|v| f(*v)).collect();
            rec.extend([
                m.clone(),
                f(s.mean),
                f(s.ci95_low),
                f(s.ci95_high),
                f(s.p05),
                f(s.p50),
                f(s.p95),
                s.n.to_string(),
            ]);
            w.write_record(&rec).map_err(csv_err)?;
        }
    }
    let csv = w.into_inner().map_err(|e| Failure::Internal(e.to_string()))?;
    if let Some(dir) = &args.out {
        output::write_atomic(dir, "sweep.csv", &csv)?;
        let mut charts = Vec::new();
        if axes.len() == 1 {
            for (k, m) in metrics.iter().enumerate() {
                let pts: Vec<(f64, crate::stats::Summary)> =
                    points.iter().map(|p| (p.values[0], p.metrics[k].1)).collect();
                charts.push(
                    report::charts::sweep_chart(&axes[0].path, m, &pts)
                        .map_err(|e| Failure::Internal(e.to_string()))?,
                );
            }
        } else {
            let cells: Vec<(f64, f64, f64)> = points
                .iter()
                .map(|p| (p.values[0], p.values[1], p.metrics[0].1.mean))
                .collect();
            charts.push(
                report::charts::heatmap(&axes[0].path, &axes[1].path, &metrics[0], &cells)
                    .map_err(|e| Failure::Internal(e.to_string()))?,
            );
        }
        for c in charts {
            output::write_atomic(dir, &format!("{}.png", c.name), &c.png)?;
            output::write_atomic(dir, &format!("{}.svg", c.name), c.svg.as_bytes())?;
        }
    }
    if args.common.json {
        return write_stdout(&(serde_json::to_string_pretty(&points).unwrap_or_default() + "\n"));
    }
    write_stdout(&String::from_utf8_lossy(&csv))
}

fn plan(args: PlanArgs) -> Result<(), Failure> {
    let text = read_text(&args.file)?;
    let label = args.file.display().to_string();
    let mut base = overrides(&args.common.set)?;
    if let Some(s) = args.common.seed {
        base.push(Override {
            path: "scenario.seed".into(),
            value: s as f64,
        });
    }
    let axis = cmp::parse_axis(&args.vary)?;
    let (lo, hi) = (axis.values[0], axis.values[axis.values.len() - 1]);
    let target = Target::parse(&args.target)?;
    if args.tolerance.is_nan() || args.tolerance <= 0.0 {
        return Err(Failure::BadInput("--tolerance must be > 0".into()));
    }
    let confirm = args.confirm.unwrap_or(args.common.replications);
    let result = cmp::plan(
        &text,
        &label,
        &base,
        &axis.path,
        lo,
        hi,
        &target,
        &common_options(&args.common),
        confirm,
        args.tolerance,
    )?;
    if args.common.json {
        return write_stdout(&(serde_json::to_string_pretty(&result).unwrap_or_default() + "\n"));
    }
    let mut t = format!(
        "target: {} on {} replications; searching {} in {lo}..{hi}\n",
        args.target, args.common.replications, axis.path
    );
    for tr in &result.trials {
        t.push_str(&format!(
            "  {} = {:<10} -> {} ({})\n",
            axis.path,
            tr.value,
            report::fmt_num(tr.statistic),
            if tr.met { "met" } else { "not met" }
        ));
    }
    t.push_str(&result.message);
    t.push('\n');
    write_stdout(&t)?;
    if result.answer.is_none() {
        return Err(Failure::BadInput("no value in the range meets the target".into()));
    }
    Ok(())
}
