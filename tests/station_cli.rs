//! The station commands end to end: import, pack, cancel, ship, print --pending, reprint, jobs, scan.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::station::{expected_jobs, print_args, shiplabel, FakePrinter, PROFILE};

const NOW: &str = "2026-11-22T12:00:00Z";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn import_json(dir: &std::path::Path, db: &std::path::Path, json: &str) -> String {
    let file = dir.join("in.json");
    std::fs::write(&file, json).unwrap();
    let out = shiplabel(db, &["import", file.to_str().unwrap(), "--now", NOW]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// Runs `print --pending` against the printer at `uri`.
fn print_pending(db: &std::path::Path, uri: &str) -> std::process::Output {
    let args = print_args(uri);
    shiplabel(db, &args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// A port nobody listens on: take one and drop the listener.
fn gone_printer() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("tcp://127.0.0.1:{port}")
}

/// Runs `scan` on `input` against the printer at `uri`.
fn scan(db: &std::path::Path, uri: &str, input: &[u8]) -> std::process::Output {
    let template = crate::station::template_path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("--db")
        .arg(db)
        .args([
            "scan",
            "--printer",
            uri,
            "--profile",
            PROFILE,
            "--template",
            template.to_str().unwrap(),
            "--no-status",
            "--now",
            NOW,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// Packs 55500001-0001-1 into two packages, so it has two labels.
fn split_first_posting(db: &std::path::Path) {
    let out = shiplabel(
        db,
        &[
            "pack",
            "55500001-0001-1",
            "--split",
            "111:1,222:1/111:1",
            "--now",
            NOW,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

const TWO_UNITS: &str = r#"{"result": {"postings": [
  {"posting_number": "55500001-0001-1", "status": "awaiting_packaging", "in_process_at": "2026-11-22T10:00:00Z",
   "products": [{"sku": 111, "offer_id": "CUP", "name": "Кружка", "quantity": 2, "price": "10.00", "currency_code": "RUB"},
                {"sku": 222, "offer_id": "LID", "name": "Крышка", "quantity": 1, "price": "5.00", "currency_code": "RUB"}]},
  {"posting_number": "55500002-0001-1", "status": "awaiting_packaging", "in_process_at": "2026-11-22T10:00:00Z",
   "products": [{"sku": 333, "offer_id": "PLATE", "name": "Тарелка", "quantity": 1, "price": "10.00", "currency_code": "RUB"}]},
  {"posting_number": "55500003-0001-1", "status": "awaiting_packaging", "substatus": "posting_awaiting_passport_data",
   "delivery_schema": "Crossborder", "in_process_at": "2026-11-22T11:00:00Z",
   "products": [{"sku": 444, "offer_id": "BOWL", "name": "Миска", "quantity": 1, "price": "10.00", "currency_code": "RUB"}]}
]}}"#;

#[test]
fn import_reports_new_then_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let first = import_json(dir.path(), &db, TWO_UNITS);
    assert!(first.contains("3 new, 0 updated, 0 unchanged"), "{first}");
    let second = import_json(dir.path(), &db, TWO_UNITS);
    assert!(second.contains("0 new, 0 updated, 3 unchanged"), "{second}");
}

#[test]
fn pack_split_cancel_ship_and_their_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    import_json(dir.path(), &db, TWO_UNITS);
    let out = shiplabel(
        &db,
        &[
            "pack",
            "55500001-0001-1",
            "--split",
            "111:1,LID:1/111:1",
            "--now",
            NOW,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("packed in 2 package(s), now awaiting_deliver"),
        "{said}"
    );
    // Packing again is an illegal transition, told by the order model.
    let out = shiplabel(&db, &["pack", "55500001-0001-1", "--now", NOW]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("55500001-0001-1"),
        "{}",
        text(&out.stderr)
    );
    // The passport gate refuses packing.
    let out = shiplabel(&db, &["pack", "55500003-0001-1", "--now", NOW]);
    assert_eq!(out.status.code(), Some(1));
    // Neither label of the split posting was printed: ship refuses, naming them.
    let out = shiplabel(&db, &["ship", "55500001-0001-1", "--now", NOW]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("55500001-0001-1 box 1/2, 55500001-0001-1 box 2/2 not printed")
            && said.contains("--without-label"),
        "{said}"
    );
    let out = shiplabel(
        &db,
        &["ship", "55500001-0001-1", "--without-label", "--now", NOW],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("now delivering"));
    let out = shiplabel(
        &db,
        &["cancel", "55500002-0001-1", "--reason", "402", "--now", NOW],
    );
    assert_eq!(out.status.code(), Some(1), "402 needs a message");
    let out = shiplabel(
        &db,
        &[
            "cancel",
            "55500002-0001-1",
            "--reason",
            "402",
            "--message",
            "damaged",
            "--now",
            NOW,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("cancelled"));
    let out = shiplabel(&db, &["pack", "nope", "--now", NOW]);
    assert!(text(&out.stderr).contains("nope is not in the store"));
}

#[test]
fn print_pending_prints_each_box_once_and_jobs_and_reprint_show_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    import_json(dir.path(), &db, TWO_UNITS);
    split_first_posting(&db);
    let printer = FakePrinter::start();
    let out = print_pending(&db, &printer.uri());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("sent 2 label(s)"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("55500001-0001-1 box 2/2: sent"),
        "{}",
        text(&out.stderr)
    );
    let again = print_pending(&db, &printer.uri());
    assert!(text(&again.stdout).contains("sent 0 label(s)"));
    let jobs = text(&shiplabel(&db, &["jobs"]).stdout);
    assert_eq!(jobs.matches(" sent ").count(), 2, "{jobs}");
    let template = crate::station::template_path();
    let out = shiplabel(
        &db,
        &[
            "reprint",
            "55500001-0001-1",
            "--printer",
            &printer.uri(),
            "--profile",
            PROFILE,
            "--template",
            template.to_str().unwrap(),
            "--no-status",
            "--now",
            NOW,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("box 1/2: sent again"),
        "{}",
        text(&out.stdout)
    );
    let jobs = text(&shiplabel(&db, &["jobs", "--posting", "55500001-0001-1"]).stdout);
    assert_eq!(jobs.matches("reprint").count(), 2, "{jobs}");
    // Reprinting a posting that has no label is refused with the reason.
    let out = shiplabel(
        &db,
        &[
            "reprint",
            "55500002-0001-1",
            "--printer",
            &printer.uri(),
            "--no-status",
            "--now",
            NOW,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("55500002-0001-1"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_printer_that_is_not_there_fails_the_job_and_the_next_run_prints_it() {
    let (dir, db, postings) = crate::station::station(3);
    let out = print_pending(&db, &gone_printer());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("left queued"),
        "{}",
        text(&out.stderr)
    );
    let failed = text(&shiplabel(&db, &["jobs", "--state", "failed"]).stdout);
    assert!(
        failed.contains(postings[0].posting_number.as_str()),
        "{failed}"
    );
    let printer = FakePrinter::start();
    let out = print_pending(&db, &printer.uri());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let counts = printer.labels(&expected_jobs(&postings));
    assert_eq!(counts.values().sum::<usize>(), 3);
    assert!(counts.values().all(|&n| n == 1));
    drop(dir);
}

#[test]
fn scan_packs_prints_and_rings_the_bell_on_unknown_or_gated_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    import_json(dir.path(), &db, TWO_UNITS);
    let printer = FakePrinter::start();
    // Posting number with CR LF, an unknown code, a product offer id, the gated posting, a rescan.
    let out = scan(
        &db,
        &printer.uri(),
        b"55500001-0001-1\r\nXYZ\nPLATE\n55500003-0001-1\n55500001-0001-1\n",
    );
    // Lines failed and the input is a pipe: the exit status says so.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("2 scanned line(s) failed"));
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(
        lines[0].starts_with("✓ 55500001-0001-1: packed, label sent, not confirmed"),
        "{lines:?}"
    );
    assert_eq!(lines[1], "✗ XYZ: unknown code\x07");
    assert!(
        lines[2].starts_with("✓ 55500002-0001-1: packed, label sent, not confirmed"),
        "{lines:?}"
    );
    assert!(
        lines[3].starts_with("✗ 55500003-0001-1: not packed") && lines[3].ends_with('\x07'),
        "{lines:?}"
    );
    assert!(
        lines[4].starts_with("✓ 55500001-0001-1: label sent again, not confirmed"),
        "{lines:?}"
    );
    let jobs = text(&shiplabel(&db, &["jobs"]).stdout);
    assert_eq!(jobs.matches(" sent ").count(), 3, "{jobs}");
    let db_store =
        shiplabel::store::Store::open(&db, shiplabel::store::Actor::new("test")).unwrap();
    let history = db_store.history("55500002-0001-1").unwrap();
    assert_eq!(history.last().unwrap().command, "scan");
    assert_eq!(history.last().unwrap().to_status, "awaiting_deliver");
}

#[test]
fn a_scan_the_printer_fails_leaves_no_label_of_it_claimed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    import_json(dir.path(), &db, TWO_UNITS);
    split_first_posting(&db);
    let out = scan(&db, &gone_printer(), b"55500001-0001-1\n");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("✗ 55500001-0001-1"),
        "{}",
        text(&out.stdout)
    );
    // Box 2 never reached the printer: it must not stay claimed by the scan (it would come back to
    // the queue when the scan ends and print a second time after a successful rescan).
    let store = shiplabel::store::Store::open(&db, shiplabel::store::Actor::new("test")).unwrap();
    let jobs = store.jobs(None, Some("55500001-0001-1")).unwrap();
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    assert!(
        jobs.iter()
            .all(|j| j.state == shiplabel::store::JobState::Failed),
        "{jobs:?}"
    );
    // The operator's line and the journal say why, not only which printer.
    assert!(
        text(&out.stdout).contains("cannot connect"),
        "{}",
        text(&out.stdout)
    );
    let why = jobs[0].error.as_deref().unwrap_or_default();
    assert!(why.contains("cannot connect"), "{why}");
}

#[test]
fn a_scan_takes_over_the_label_waiting_in_the_queue_so_it_prints_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    import_json(dir.path(), &db, TWO_UNITS);
    split_first_posting(&db);
    // The printer is off: the run fails box 1 and leaves box 2 queued.
    let out = print_pending(&db, &gone_printer());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // The operator scans the posting at a working printer: both boxes print.
    let printer = FakePrinter::start();
    let out = scan(&db, &printer.uri(), b"55500001-0001-1\n");
    assert!(
        text(&out.stdout).starts_with("✓ 55500001-0001-1: label sent, not confirmed"),
        "{}",
        text(&out.stdout)
    );
    // Nothing is left to print: box 2 must not come out a second time.
    let out = print_pending(&db, &printer.uri());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("sent 0 label(s)"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_scanned_line_that_is_not_utf8_is_refused_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    import_json(dir.path(), &db, TWO_UNITS);
    let printer = FakePrinter::start();
    let out = scan(&db, &printer.uri(), b"\xff\xfe12\r\n55500002-0001-1\n");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 2, "{said}");
    assert!(
        lines[0].starts_with('✗') && lines[0].ends_with('\x07'),
        "{said}"
    );
    assert!(
        lines[1].starts_with("✓ 55500002-0001-1: packed, label sent, not confirmed"),
        "{said}"
    );
}
