//! The `repatsim` command; everything lives in the library (see `repatsim::cli`).

fn main() -> std::process::ExitCode {
    repatsim::cli::main()
}
