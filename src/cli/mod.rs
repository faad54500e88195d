//! The command line: a thin layer that parses arguments, calls the library and maps
//! failures to exit codes (0 ok, 2 bad input, 1 internal failure).

use crate::experiment::{self, RunOptions};
use crate::report;
use crate::scenario::{self, LoadError};
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Check scenario files without running them.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
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
}

/// A failure, with the exit code it maps to.
#[derive(Debug)]
pub enum Failure {
    /// The user's input is wrong (exit code 2).
    BadInput(String),
    /// Something inside failed (exit code 1).
    Internal(String),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::BadInput(e.to_string())
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
    }
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Validate { files } => validate(&files),
        Command::ValidateTheory { threads } => validate_theory(threads.map(|t| t as usize)),
    }
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let loaded = scenario::load(&args.file)?;
    if !loaded.warnings.is_empty() {
        eprint!("{}", loaded.render_warnings());
    }
    let mut sc = loaded.scenario;
    if let Some(s) = args.seed {
        sc.seed = s;
    }
    let n = args.replications.unwrap_or(u64::from(sc.replications));
    let opts = RunOptions::new(0..n).threads(args.threads.map(|t| t as usize));
    let batch = experiment::run(&sc, &opts).map_err(|e| Failure::Internal(e.to_string()))?;
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&report::summary_json(&batch))
            .map_err(|e| Failure::Internal(e.to_string()))?;
        s.push('\n');
        s
    } else {
        report::summary_table(&batch)
    };
    write_stdout(&text)
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

fn validate(files: &[PathBuf]) -> Result<(), Failure> {
    let mut failed = String::new();
    for f in files {
        match scenario::load(f) {
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
