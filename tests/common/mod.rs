//! Shared test helpers. Barcode tests: external tools, a deterministic value generator (below). Printer and USB
//! rig tests: a label with two Code 128 symbols drawn by rxing's own writer, a stream decoder for the three
//! printer languages written for the tests, and a fake printer on a loopback TCP port (submodules). CLI
//! tests: running the binary and checking its output (`cli`).
#![allow(dead_code)]

pub mod decode;
pub mod fake_printer;
pub mod label;
pub mod webdriver;

use std::io::Write;
use std::process::{Command, Stdio};

pub mod cli;

/// Whether an external tool is usable. Missing tools fail the test under CI (`CI` set) and skip it, loudly,
/// elsewhere.
pub fn tool_available(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("{tool} is not installed, and CI is set: install it (see .ci/run)");
        }
        eprintln!(
            "\n!!!! SKIPPED: {tool} is not installed; this test needs it (CI installs it) !!!!\n"
        );
    }
    found
}

/// A small deterministic generator (xorshift64*), so a failing corpus value is reproducible.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        (self.next() >> 11) % n
    }

    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    pub fn pick(&mut self, set: &[u8]) -> char {
        char::from(set[self.below(set.len() as u64) as usize])
    }
}

/// Modules from one line of `zint --dump` (hex, four modules a digit). The last digit is padded with
/// spaces (zeros); every symbology compared here ends with a bar, so trailing zeros are dropped.
pub fn zint_dump_modules(line: &str) -> Vec<bool> {
    let mut modules = Vec::new();
    for c in line.chars().filter(|c| !c.is_whitespace()) {
        let v = c
            .to_digit(16)
            .unwrap_or_else(|| panic!("zint dump line {line:?}"));
        for bit in (0..4).rev() {
            modules.push(v & (1 << bit) != 0);
        }
    }
    while modules.last() == Some(&false) {
        modules.pop();
    }
    modules
}

/// Runs `zint --dump --batch` over `values` (one zint process for the lot) and returns one row of modules
/// per value. `extra` are more zint arguments, e.g. `["-b", "20"]`.
pub fn zint_batch(extra: &[&str], values: &[String]) -> Vec<Vec<bool>> {
    let mut input = String::new();
    for v in values {
        assert!(!v.is_empty());
        for c in v.chars() {
            match c {
                '\\' => input.push_str("\\\\"),
                c if (c as u32) < 32 || c as u32 == 127 => {
                    input.push_str(&format!("\\x{:02X}", c as u32))
                }
                c => input.push(c),
            }
        }
        input.push('\n');
    }
    let mut child = Command::new("zint")
        .args(extra)
        .args(["--esc", "--dump", "--batch", "-i", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("zint runs");
    let mut stdin = child.stdin.take().expect("zint stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("zint output");
    writer
        .join()
        .expect("writer thread")
        .expect("zint stdin write");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.trim().is_empty(), "zint complained: {stderr}");
    let text = String::from_utf8(out.stdout).expect("zint dump is ASCII");
    let rows: Vec<Vec<bool>> = text.lines().map(zint_dump_modules).collect();
    assert_eq!(rows.len(), values.len(), "one zint row per value");
    rows
}

/// Modules as a `1`/`0` string, for readable assertion messages.
pub fn bits(modules: &[bool]) -> String {
    modules.iter().map(|&m| if m { '1' } else { '0' }).collect()
}
