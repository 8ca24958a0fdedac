//! The `shiplabel` command: parses arguments, calls the library, maps errors to exit codes.

fn main() -> std::process::ExitCode {
    shiplabel::cli::run()
}
