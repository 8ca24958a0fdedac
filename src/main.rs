//! The `shiplabel` command: parses arguments, calls the library, maps errors to exit codes.
//!
//! The command line lives in the binary only (`src/cli`), so the library stays free of clap and the
//! terminal: a tool that depends on `shiplabel` gets the pipeline, not our argument parser.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
