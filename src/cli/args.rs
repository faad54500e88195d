//! The command line's flags and arguments (clap): what each command takes.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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
    /// Which assumptions drive the answer: Sobol indices (or Morris screening) of
    /// parameters varied over ranges, on common random numbers.
    Sensitivity(SensitivityArgs),
    /// The smallest (or largest) parameter value that meets a target.
    Plan(PlanArgs),
    /// Run plans and check their targets with confidence (exit 0 all pass, 3 any
    /// fails, 4 any undecided); JUnit XML and JSON for CI.
    Check(CheckArgs),
    /// Check scenario files without running them.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Override a field by its path: a number, e.g. `--set site.sinuiju-quarantine.beds=2000`, or a calendar text or list, e.g. `leg.flight.timetable='["tue,fri 10:00"]'`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// Write a commented starting scenario, DIR/scenario.toml.
    Init {
        /// The directory to write into (created if missing).
        dir: PathBuf,
        /// `minimal` (a small plan to adapt), `first-wave` or `full-return` (the shipped
        /// scenarios of the 2023 case).
        #[arg(long, default_value = "minimal")]
        template: String,
        /// Overwrite an existing DIR/scenario.toml.
        #[arg(long)]
        force: bool,
    },
    /// List every metric a scenario produces (the ids METRIC@STAT takes), with unit and label.
    Metrics {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Override a field by its path (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
        /// As CSV with descriptions (the columns of dictionary.csv).
        #[arg(long)]
        csv: bool,
    },
    /// Fit the duration distributions repatsim offers to observed data (maximum
    /// likelihood), rank them by AIC with the Kolmogorov-Smirnov distance, and print the
    /// TOML value to paste.
    Fit {
        /// A CSV file of observations (with or without a header row).
        file: PathBuf,
        /// The column to fit, by header name or 1-based number (default: the first
        /// numeric column).
        #[arg(long)]
        column: Option<String>,
        /// Write fit.json and the chart (fit.png, fit.svg) here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Overwrite the files of a non-empty --out directory.
        #[arg(long)]
        force: bool,
        /// Print the fits as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List every parameter path --set and --vary accept, with its current value.
    Paths {
        /// Scenario file (TOML).
        file: PathBuf,
    },
    /// Print the JSON Schema of scenario files (as schema/scenario.schema.json), for
    /// editors that complete and check fields while typing.
    Schema,
    /// Print shell completions: `repatsim completions bash > ~/.local/share/bash-completion/completions/repatsim`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
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
    /// Continue the interrupted run whose output directory is DIR (same scenario, --set,
    /// seed, -n, --shard, --grid-hours, --no-what-if and --people): only the missing
    /// replications run, and DIR ends as the uninterrupted run would have left it. A
    /// complete DIR is left alone.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "force", "until_ci"])]
    pub resume: Option<PathBuf>,
    /// No progress bar and no note of the files written (warnings and errors still show).
    #[arg(short, long)]
    pub quiet: bool,
    /// Report events processed, wall time and events per second on stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// Spacing of the time-series grid, in hours (default: the finest of 1, 2, 3, 4, 6,
    /// 8, 12, 24, 48, 72, 168 hours giving at most 200 points over the horizon).
    #[arg(long)]
    pub grid_hours: Option<f64>,
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
    /// Override a field by its path: a number, e.g. `--set site.sinuiju-quarantine.beds=2000`, or a calendar text or list, e.g. `leg.flight.timetable='["tue,fri 10:00"]'`
    /// (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Print every metric, not only the brief summary.
    #[arg(long)]
    pub all: bool,
    /// Also write people.csv (with --out): one row per visit of each person to each
    /// stage in these replications, e.g. `0`, `0,5,9` or `0..3` (0 to 3, both
    /// included; see people-dictionary.csv).
    #[arg(long, value_name = "REPLICATIONS")]
    pub people: Option<String>,
    /// Skip the paired what-if on the bottleneck (it reruns up to 200 of the
    /// replications with one step more of the bottleneck's capacity).
    #[arg(long)]
    pub no_what_if: bool,
}

/// `repatsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (TOML): each is checked against its own `[[target]]`s and every
    /// --target.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// A target `METRIC@STAT OP VALUE` for every file, e.g. 'makespan_days@p90<=60' or
    /// 'evaded@mean<=50' (repeatable).
    #[arg(long = "target", value_name = "TARGET")]
    pub targets: Vec<String>,
    /// While a target is undecided, add replications (the next ones, so the answer is
    /// reproducible) as far as its estimate says would decide it, up to
    /// --max-replications.
    #[arg(long)]
    pub until_decided: bool,
    /// Most replications per plan with --until-decided.
    #[arg(long, default_value_t = 20_000)]
    pub max_replications: u64,
    /// Fewest replications added at a time with --until-decided.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(2..=1_000_000))]
    pub block: u64,
    /// Write JUnit XML here: a test suite per plan, a test case per target (a new file,
    /// or with --force an existing one).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Overwrite an existing --junit file.
    #[arg(long)]
    pub force: bool,
    /// Run even if the estimate says it will not fit in memory or take over a day.
    #[arg(long)]
    pub yes: bool,
    // -n (default: each scenario's `replications`), --seed, --threads, --set (applied
    // to every plan), --json, --quiet.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `repatsim sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// A parameter and its distribution (repeatable): PATH=LO..HI (uniform),
    /// PATH=triangular(LO,MODE,HI), PATH=normal(MEAN,SD[,LO,HI]) (truncated; 3 sd by
    /// default), or a bare PATH declared in the scenario's [[uncertain]] tables; whole-
    /// number fields take whole values. Without --vary: every [[uncertain]] input.
    #[arg(long = "vary", value_name = "PATH=LO..HI")]
    pub vary: Vec<String>,
    /// Statistics to explain, `METRIC@STAT` (repeatable; default `makespan_days@mean`).
    #[arg(long = "metric", value_name = "METRIC@STAT")]
    pub metrics: Vec<String>,
    /// `sobol` (first-order and total indices with bootstrap CIs) or `morris` (cheap
    /// screening: mu*, sigma).
    #[arg(long, default_value = "sobol", value_parser = ["sobol", "morris"])]
    pub method: String,
    /// Base samples (Sobol: samples x (parameters + 2) points) or trajectories (Morris:
    /// samples x (parameters + 1) points).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(4..=100_000))]
    pub samples: u64,
    /// Write sensitivity.json, report.html and one chart per statistic (PNG and SVG)
    /// here; with --points, the part's sensitivity-part.json.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run only design points A..B (0-based, B excluded) and write them to --out as a
    /// part, for clusters; the design is fixed by the seed, so parts run anywhere.
    #[arg(long, value_name = "A..B", requires = "out")]
    pub points: Option<String>,
    /// Put together the parts in these directories (repeatable; the same arguments
    /// as the parts were run with) instead of running the design.
    #[arg(long = "from", value_name = "DIR", conflicts_with = "points")]
    pub from: Vec<PathBuf>,
    /// Overwrite the files of a non-empty --out directory.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options shared by the comparative commands.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Replications per scenario or grid point (default: the (first) scenario's
    /// `replications`, as for `run`).
    #[arg(short = 'n', long = "replications", value_parser = clap::value_parser!(u64).range(2..=10_000_000))]
    pub replications: Option<u64>,
    /// Master seed (default: the (first) scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub threads: Option<u64>,
    /// Override a field by its path: a number, or a calendar text or list (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// No progress bar (it is also hidden when stderr is not a terminal).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `repatsim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario A (the reference).
    pub a: PathBuf,
    /// Scenario B; omit it to compare A with A changed by --vs-set.
    pub b: Option<PathBuf>,
    /// Overrides that make B: from A when B is omitted, else applied to B (repeatable).
    #[arg(long = "vs-set", value_name = "PATH=VALUE")]
    pub vs_set: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Show every metric, not only the headline ones and those that differ.
    #[arg(long)]
    pub all: bool,
    /// Statistics to compare beyond the means, `METRIC@STAT` with STAT `mean` or a
    /// percentile such as `p90`, e.g. `makespan_days@p90` (repeatable): each with the
    /// paired change and its 95% bootstrap CI, listed first.
    #[arg(long = "metric", value_name = "METRIC@STAT")]
    pub metrics: Vec<String>,
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
    /// Statistics to report, `METRIC[@STAT]` with STAT `mean` (the default) or a
    /// percentile such as `p90` (repeatable; default makespan_days@mean); one chart each.
    #[arg(long = "metric", value_name = "METRIC[@STAT]")]
    pub metrics: Vec<String>,
    /// A target drawn on the chart of its metric (a line, or the contour of a heatmap),
    /// e.g. `makespan_days@p90<=60`.
    #[arg(long, value_name = "METRIC@STAT OP VALUE")]
    pub target: Option<String>,
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
    /// Fresh replications to confirm the answer on (default: as many as -n; 0: none).
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    pub confirm: Option<u64>,
    /// For a parameter that is not a whole number: stop when the range is this narrow
    /// (default 0.01, or a thousandth of LO..HI if that is finer).
    #[arg(long)]
    pub tolerance: Option<f64>,
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
    /// Write the CSV here instead of standard output (a new file, or with --force an
    /// existing one).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite an existing --out file.
    #[arg(long)]
    pub force: bool,
    /// Override a field by its path: a number, or a calendar text or list (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}
