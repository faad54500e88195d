//! The command line: a thin layer that parses arguments ([`args`]), calls the library,
//! and maps failures to exit codes (0 ok, 2 bad input, 3 a target not met, 4 a target
//! not decided, 1 internal failure, 130 interrupted). Each command is a short function
//! in [`run`], [`study`], [`check`] or [`tools`].

pub mod args;
mod check;
mod fit;
mod guard;
mod resume;
mod run;
mod study;
mod tools;

pub use args::*;

use crate::experiment::compare::CompareError;
use crate::report::OutputError;
use crate::scenario::LoadError;
use clap::Parser;
use std::process::ExitCode;

/// A failure, with the exit code it maps to.
#[derive(Debug)]
pub enum Failure {
    /// The user's input is wrong (exit code 2).
    BadInput(String),
    /// Something inside failed (exit code 1).
    Internal(String),
    /// The run was interrupted (Ctrl-C); partial results were written (exit code 130).
    Interrupted(String),
    /// Everything ran and was written, but a target the user set does not hold: `plan`
    /// found no value meeting it or its answer failed the confirmation, or `run
    /// --until-ci` stopped at its cap without the precision asked for (exit code 3).
    NotMet(String),
    /// `check` ran everything, nothing failed, but a target is undecided or undefined,
    /// or `plan` found both ends of its range meeting the target (exit code 4).
    Undecided(String),
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

impl From<OutputError> for Failure {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Io { .. } => Failure::Internal(e.to_string()),
            OutputError::Stopped => Failure::Interrupted(e.to_string()),
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
        Err(Failure::NotMet(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(3)
        }
        Err(Failure::Undecided(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(4)
        }
    }
}

/// Runs a parsed command line.
pub fn execute(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Merge(args) => run::merge(args),
        Command::Trace(args) => run::trace(args),
        Command::Report { dir } => run::report(&dir),
        Command::Compare(args) => study::compare(args),
        Command::Sweep(args) => study::sweep(args),
        Command::Plan(args) => study::plan(args),
        Command::Sensitivity(args) => study::sensitivity(args),
        Command::Check(args) => check::check(args),
        Command::Init { dir, template, force } => tools::init(&dir, &template, force),
        Command::Metrics { file, set, csv } => tools::metrics(&file, &set, csv),
        Command::Paths { file } => tools::paths(&file),
        Command::Fit {
            file,
            column,
            out,
            force,
            json,
        } => fit::fit(&file, column.as_deref(), out.as_deref(), force, json),
        Command::Completions { shell } => tools::completions(shell),
        Command::Schema => guard::write_stdout(&crate::scenario::schema::scenario_schema_text()),
        Command::Validate { files, set } => run::validate(&files, &guard::overrides(&set)?),
        Command::ValidateTheory { threads } => run::validate_theory(threads.map(|t| t as usize)),
    }
}
