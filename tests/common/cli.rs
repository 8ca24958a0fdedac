//! Helpers for the tests that run the built `shiplabel` binary.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A file under `tests/data`.
pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A file under `tests/data`, as a command-line argument.
pub fn data_arg(name: &str) -> String {
    data(name).display().to_string()
}

/// Runs the built binary with `args`.
pub fn shiplabel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .args(args)
        .output()
        .expect("run shiplabel")
}

/// The standard output of a run that must have succeeded; the failure shows both streams.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}
