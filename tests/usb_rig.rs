//! The USB path end to end, through a real Linux USB stack: a QEMU guest (TCG) whose kernel runs both sides of
//! `dummy_hcd` — the `f_printer` gadget driven by our fake printer (`tests/usb-rig/gadget-printer`) and the host
//! side where usblp and `shiplabel` (over `usb://0416:5011`, nusb on usbfs) see an ordinary USB printer.
//!
//! The guest boots ONCE for all tests (`tests/usb-rig/rig.sh`); it runs every step of `tests/usb-rig/scenarios.sh`
//! in sequence and prints each step's output, exit status and the bytes the fake printer received on its serial
//! console. Each test below checks one scenario in that log; jobs are decoded here, on the host, by the
//! printer tests' stream decoder (`tests/common/decode.rs`, written from the language manuals) and the barcodes
//! read by rxing.
//!
//! Needs the Debian packages qemu-system-x86, linux-image-amd64, busybox-static and cpio (`.ci/run` installs them).
//! Without them every test FAILS when the environment variable `CI` is set, and is skipped with a loud message on
//! stderr otherwise.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Once, OnceLock};
use std::time::Instant;

use crate::common::decode::{decode_all, Lang};
use crate::common::label::read_barcodes;
use shiplabel::bitmap::Bitmap;

/// The postings of `tests/usb-rig/postings.json`, in print order (their label files sort the same way): posting
/// number, upper and lower barcode.
const POSTINGS: [(&str, &str, &str); 3] = [
    ("0132112277-0101-1", "%101%806044518", "23024930500000"),
    ("0187365412-0047-3", "%101%62488130917", "238746519270000"),
    ("0544893021-0012-1", "%101%10293145035", "201864523528000"),
];

/// What another program writes through `/dev/usb/lp0` after shiplabel's TSPL job (scenario 6).
const AFTER_JOB: &[u8] = b"AFTER-JOB\r\n";

const PACKAGES: &str = "qemu-system-x86 linux-image-amd64 busybox-static cpio";

/// Hard limit for the whole guest run, enforced by rig.sh; a normal run takes well under a minute.
const GUEST_TIMEOUT_S: u32 = 300;

/// One step of the guest's scenario script: its output (stdout and stderr) and exit status.
struct Step {
    text: String,
    rc: i32,
}

/// Everything one boot of the rig produced.
struct Guest {
    steps: HashMap<String, Step>,
    files: HashMap<String, Vec<u8>>,
    console: String,
}

enum Rig {
    /// The packages are missing: why.
    Missing(String),
    /// The rig itself broke (build, boot, timeout): why, with the end of the console log.
    Broken(String),
    Booted(Guest),
}

static RIG: OnceLock<Rig> = OnceLock::new();
static SKIP_BANNER: Once = Once::new();

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rig_dir() -> PathBuf {
    manifest_dir().join("tests").join("usb-rig")
}

fn work_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("usb-rig")
}

/// The booted guest, or `None` (after a loud message) when the packages are missing outside CI.
fn guest() -> Option<&'static Guest> {
    match RIG.get_or_init(boot) {
        Rig::Booted(guest) => Some(guest),
        Rig::Missing(why) => {
            if std::env::var_os("CI").is_some() {
                panic!("the USB rig cannot run: {why}\nCI must install: apt-get install -y --no-install-recommends {PACKAGES}");
            }
            SKIP_BANNER.call_once(|| {
                loud(&format!(
                    "\n########## SKIPPED: USB rig (tests/usb_rig.rs) ##########\n{why}\n\
                 install with: apt-get install -y --no-install-recommends {PACKAGES}\n\
                 ##########################################################\n"
                ))
            });
            None
        }
        Rig::Broken(why) => panic!("the USB rig failed: {why}"),
    }
}

/// Writes to the real stderr: the test harness captures `eprintln!` of passing tests, and a skip or the rig's
/// wall time must be seen in every run.
fn loud(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{message}");
}

fn boot() -> Rig {
    let rig_sh = rig_dir().join("rig.sh");
    let check = match Command::new("bash").arg(&rig_sh).arg("--check").output() {
        Ok(out) => out,
        Err(e) => return Rig::Missing(format!("cannot run bash {}: {e}", rig_sh.display())),
    };
    if check.status.code() == Some(3) {
        return Rig::Missing(String::from_utf8_lossy(&check.stderr).trim().to_string());
    }
    if !check.status.success() {
        return Rig::Broken(format!(
            "rig.sh --check: {}",
            String::from_utf8_lossy(&check.stderr)
        ));
    }
    match run_guest() {
        Ok(guest) => Rig::Booted(guest),
        Err(why) => Rig::Broken(why),
    }
}

/// Builds the fake printer, boots the guest with shiplabel and the fixtures, and parses its console.
fn run_guest() -> Result<Guest, String> {
    let work = work_dir();
    let gadget = build_gadget_printer(&work)?;
    let data = work.join("data");
    copy_postings(&data)?;
    let log = work.join("console.log");
    let started = Instant::now();
    let out = Command::new("bash")
        .arg(rig_dir().join("rig.sh"))
        .arg("--work")
        .arg(work.join("guest"))
        .arg("--log")
        .arg(&log)
        .arg("--scenario")
        .arg(rig_dir().join("scenarios.sh"))
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("--bin")
        .arg(&gadget)
        .arg("--data")
        .arg(&data)
        .arg("--timeout")
        .arg(GUEST_TIMEOUT_S.to_string())
        .output()
        .map_err(|e| format!("cannot run rig.sh: {e}"))?;
    let wall = started.elapsed();
    let console = String::from_utf8_lossy(&std::fs::read(&log).unwrap_or_default()).into_owned();
    let rig_said = String::from_utf8_lossy(&out.stderr).into_owned();
    loud(&format!(
        "USB rig: {} (wall {:.1} s)",
        rig_said.trim(),
        wall.as_secs_f64()
    ));
    if !out.status.success() {
        return Err(format!(
            "rig.sh exited with {} (124 = the {GUEST_TIMEOUT_S} s timeout)\n{rig_said}\n{}",
            out.status,
            tail(&console, 60)
        ));
    }
    parse_console(&console)
}

/// The input of `shiplabel print` in the guest: `tests/usb-rig/postings.json`, three packed Ozon postings that
/// `print` renders itself (built-in Ozon FBS template, at the profile's 203 dpi) in file order.
fn copy_postings(data: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(data);
    std::fs::create_dir_all(data).map_err(|e| format!("{}: {e}", data.display()))?;
    let from = rig_dir().join("postings.json");
    std::fs::copy(&from, data.join("postings.json"))
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), data.display()))?;
    Ok(())
}

/// `cargo build --release` of the fake printer in its own target directory (it is not part of this workspace).
fn build_gadget_printer(work: &Path) -> Result<PathBuf, String> {
    let target = work.join("gadget-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "--locked",
            "--manifest-path",
        ])
        .arg(rig_dir().join("gadget-printer").join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "building the gadget printer failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(target.join("release").join("gadget-printer"))
}

/// The last `n` lines of the console, for failure messages.
fn tail(console: &str, n: usize) -> String {
    let lines: Vec<&str> = console.lines().collect();
    let from = lines.len().saturating_sub(n);
    format!(
        "--- last {} console lines ---\n{}",
        lines.len() - from,
        lines[from..].join("\n")
    )
}

/// Reads the `@@RIG` markers of rig-lib.sh; anything else on the console (firmware, kernel) is ignored.
fn parse_console(console: &str) -> Result<Guest, String> {
    let mut steps = HashMap::new();
    let mut files = HashMap::new();
    let mut current: Option<(String, bool, String)> = None; // name, is_file, collected text
    let mut done = false;
    for raw in console.lines() {
        let line = raw.trim_end_matches('\r');
        let Some(at) = line.find("@@RIG-") else {
            if let Some((_, is_file, text)) = current.as_mut() {
                // Base64 lines are pure; kernel noise that slipped in is not.
                if !*is_file
                    || line
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
                {
                    text.push_str(line);
                    text.push('\n');
                }
            }
            continue;
        };
        let marker = &line[at..];
        let mut words = marker.split_whitespace();
        let kind = words.next().unwrap_or("");
        let name = words.next().unwrap_or("").to_string();
        match kind {
            "@@RIG-BEGIN" => current = Some((name, false, String::new())),
            "@@RIG-FILE-BEGIN" => current = Some((name, true, String::new())),
            "@@RIG-END" => {
                let rc = words
                    .find_map(|w| w.strip_prefix("rc="))
                    .and_then(|v| v.parse().ok())
                    .ok_or(format!("no exit status in {marker:?}"))?;
                let (_, _, text) = current.take().ok_or(format!("{marker:?} without BEGIN"))?;
                steps.insert(name, Step { text, rc });
            }
            "@@RIG-FILE-END" => {
                let (_, _, text) = current.take().ok_or(format!("{marker:?} without BEGIN"))?;
                files.insert(
                    name.clone(),
                    base64_decode(&text).map_err(|e| format!("file {name}: {e}"))?,
                );
            }
            "@@RIG-FATAL" => return Err(format!("{marker}\n{}", tail(console, 60))),
            "@@RIG-DONE" => done = true,
            _ => {}
        }
    }
    if !done {
        return Err(format!(
            "the guest did not finish its scenarios\n{}",
            tail(console, 60)
        ));
    }
    Ok(Guest {
        steps,
        files,
        console: console.to_string(),
    })
}

fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(format!("not base64: {:?}", c as char)),
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

impl Guest {
    fn step(&self, name: &str) -> &Step {
        self.steps.get(name).unwrap_or_else(|| {
            panic!(
                "the guest printed no step {name:?}\n{}",
                tail(&self.console, 40)
            )
        })
    }

    fn file(&self, name: &str) -> &[u8] {
        self.files.get(name).unwrap_or_else(|| {
            panic!(
                "the guest printed no file {name:?}\n{}",
                tail(&self.console, 40)
            )
        })
    }

    /// A step's output followed by the fake printer's log, for failure messages.
    fn context(&self, step: &str, printer: &str) -> String {
        let log = self
            .steps
            .get(&format!("{printer}.gadget"))
            .map_or("(no log)", |s| s.text.as_str());
        format!(
            "--- {step} (rc {}) ---\n{}--- fake printer log ---\n{log}",
            self.step(step).rc,
            self.step(step).text
        )
    }
}

/// Decodes a job, saves each label as PNG beside the console log (for a human to look at), and checks that rxing
/// reads exactly the upper and lower barcode of each posting, in order.
fn assert_three_labels(name: &str, lang: Lang, job: &[u8], context: &str) {
    let labels = decode_all(lang, job);
    for (i, label) in labels.iter().enumerate() {
        let _ = std::fs::write(
            work_dir().join(format!("{name}-label-{}.png", i + 1)),
            label.to_png(Some(203)),
        );
    }
    assert_eq!(labels.len(), 3, "{name}: labels received\n{context}");
    for (label, (number, upper, lower)) in labels.iter().zip(POSTINGS) {
        let mut want = vec![upper.to_string(), lower.to_string()];
        want.sort();
        assert_eq!(
            read_barcodes_any_way(label),
            want,
            "{name}: barcodes of posting {number}\n{context}"
        );
    }
}

/// rxing looks along rows first: try the label as sent and turned a quarter.
fn read_barcodes_any_way(label: &Bitmap) -> Vec<String> {
    let mut found = read_barcodes(label);
    if found.len() < 2 {
        found.extend(read_barcodes(&label.rotate_cw()));
        found.sort();
        found.dedup();
    }
    found
}

#[test]
fn rig_selftest_usblp_carries_a_job_and_a_status_reply() {
    let Some(g) = guest() else { return };
    let state = &g.step("selftest.state").text;
    assert!(
        state.contains("driver=usblp") && state.contains("lp0=present"),
        "usblp not bound at boot:\n{state}"
    );
    assert_eq!(
        g.step("selftest.write").rc,
        0,
        "{}",
        g.context("selftest.write", "selftest")
    );
    // The TSPL status query goes out on bulk OUT too, so it ends the stored stream.
    assert_eq!(
        g.file("selftest.job"),
        b"SIZE 75 mm,120 mm\r\nCLS\r\nPRINT 1,1\r\n\x1b!?"
    );
    assert_eq!(
        g.step("selftest.status").text.trim(),
        "00",
        "{}",
        g.context("selftest.status", "selftest")
    );
}

#[test]
fn scenario_1_printers_lists_the_gadget() {
    let Some(g) = guest() else { return };
    let step = g.step("printers");
    assert_eq!(step.rc, 0, "{}", g.context("printers", "printers"));
    let line = step
        .text
        .lines()
        .find(|l| l.contains("0416:5011"))
        .unwrap_or_else(|| panic!("no printer 0416:5011 listed:\n{}", step.text));
    for want in ["Xprinter", "XP-365B", "TSPL", "ESC/POS", "usb://0416:5011"] {
        assert!(line.contains(want), "{want:?} missing from {line:?}");
    }
}

#[test]
fn scenario_2_tspl_three_labels_over_usb() {
    let Some(g) = guest() else { return };
    let context = g.context("tspl.print", "tspl");
    assert_eq!(g.step("tspl.print").rc, 0, "{context}");
    let job = g.file("tspl.job");
    // Scenario 6 writes through usblp after the job: not part of shiplabel's output.
    let job = job.strip_suffix(AFTER_JOB).unwrap_or(job);
    assert_three_labels("tspl", Lang::Tspl, job, &context);
}

#[test]
fn scenario_3_escpos_three_labels_over_usb() {
    let Some(g) = guest() else { return };
    let context = g.context("escpos.print", "escpos");
    assert_eq!(g.step("escpos.print").rc, 0, "{context}");
    assert_three_labels("escpos", Lang::EscPos, g.file("escpos.job"), &context);
}

#[test]
fn scenario_3_zpl_three_labels_over_usb() {
    let Some(g) = guest() else { return };
    let context = g.context("zpl.print", "zpl");
    assert_eq!(g.step("zpl.print").rc, 0, "{context}");
    assert_three_labels("zpl", Lang::Zpl, g.file("zpl.job"), &context);
}

#[test]
fn scenario_4_paper_empty_refused_before_sending() {
    let Some(g) = guest() else { return };
    let context = g.context("paper.print", "paper");
    let step = g.step("paper.print");
    assert_ne!(
        step.rc, 0,
        "printing to a printer without paper succeeded\n{context}"
    );
    assert!(
        step.text.to_lowercase().contains("paper"),
        "the error does not give the reason\n{context}"
    );
    let job = g.file("paper.job");
    let labels = decode_all(Lang::Tspl, job);
    assert!(
        labels.is_empty(),
        "{} labels were sent to a printer without paper\n{context}",
        labels.len()
    );
    assert!(
        !job.windows(6).any(|w| w == b"BITMAP"),
        "label data was sent\n{context}"
    );
}

#[test]
fn scenario_5_stalled_printer_times_out_and_names_unprinted_labels() {
    let Some(g) = guest() else { return };
    let context = g.context("stall.print", "stall");
    let step = g.step("stall.print");
    assert_ne!(
        step.rc, 0,
        "printing to a stalled printer succeeded\n{context}"
    );
    assert!(
        step.text.contains("timed out"),
        "the error does not say the write timed out\n{context}"
    );
    // The printer stopped 1 KiB into label 2: label 1 printed, labels 2 and 3 did not, and the error says so.
    let not_printed = step
        .text
        .split_once("not sent")
        .map(|(_, rest)| rest.lines().next().unwrap_or(""))
        .unwrap_or_else(|| panic!("the error does not list the labels not printed\n{context}"));
    let [first, second, third] = POSTINGS.map(|(number, _, _)| number);
    assert!(
        not_printed.contains(second) && not_printed.contains(third) && !not_printed.contains(first),
        "labels not printed should be {second} and {third}, the error says {not_printed:?}\n{context}"
    );
    assert!(
        g.step("stall.gadget").text.contains("stalled after"),
        "the fake printer never stalled\n{context}"
    );
}

#[test]
fn scenario_6_usblp_reattached_after_the_job() {
    let Some(g) = guest() else { return };
    // Only meaningful if shiplabel really claimed the interface (and so detached usblp) for its job.
    assert_eq!(
        g.step("tspl.print").rc,
        0,
        "{}",
        g.context("tspl.print", "tspl")
    );
    let state = &g.step("tspl.after").text;
    assert!(
        state.contains("driver=usblp"),
        "usblp is not bound after the job:\n{state}"
    );
    assert!(
        state.contains("lp0=present"),
        "/dev/usb/lp0 is gone after the job:\n{state}"
    );
    assert_eq!(
        g.step("tspl.lp0").rc,
        0,
        "{}",
        g.context("tspl.lp0", "tspl")
    );
    assert!(
        g.file("tspl.job").ends_with(AFTER_JOB),
        "bytes written to /dev/usb/lp0 after the job did not reach the printer\n{}",
        g.context("tspl.lp0", "tspl")
    );
}
