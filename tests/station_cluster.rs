//! Many stations on one queue, on both backends where the behaviour is shared: the attempt number
//! fences a job taken over from its old claim, leases are renewed while a job is held, a scan never
//! prints a label another station is printing, N printers share a queue, a lost PostgreSQL connection
//! mid-batch loses nothing, and `db copy` moves a SQLite station into PostgreSQL.

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use shiplabel::label::LabelUnit;
use shiplabel::printer::{PrintOptions, Profile};
use shiplabel::station::Station;
use shiplabel::store::{Actor, JobKind, JobState, Store};
use shiplabel::template::Template;

use crate::station::{
    expected_jobs, print_args, shiplabel, station_in, uncertain_in, FakePrinter, Target,
};

crate::on_both_backends!(
    a_job_taken_over_cannot_be_finished_by_its_old_claim,
    the_lease_is_renewed_while_a_job_is_held,
    a_scan_does_not_print_a_label_another_station_is_printing,
    four_printers_on_one_queue_print_every_label_once,
);

fn open(t: &Target) -> Store {
    Store::open(&t.db(), Actor::new("test")).unwrap()
}

/// A store at `t` with `n` labelable postings and their labels queued.
fn queued(t: &Target, n: usize) -> Vec<shiplabel::order::Posting> {
    let (_, postings) = station_in(t, n);
    let now = "2026-11-22T12:00:00Z".parse().unwrap();
    open(t).enqueue_pending(now).unwrap();
    postings
}

fn a_job_taken_over_cannot_be_finished_by_its_old_claim(t: &Target) {
    queued(t, 1);
    let mut old = open(t);
    let job = old.claim_next(None, Utc::now()).unwrap().unwrap();
    assert_eq!(job.attempts, 1);
    // Its lease ran out and another station settled it back to the queue (as `recover` does for an
    // owner that is gone), then took it again: the same owner text (one test process), a new attempt.
    t.execute("UPDATE jobs SET state = 'queued', owner = NULL, lease_until = NULL");
    let mut new = open(t);
    let again = new.claim_next(None, Utc::now()).unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (job.id, 2));
    // The old claim moves nothing any more; the new one does.
    assert!(!old.start_sending(job.id, "tcp://old", Utc::now()).unwrap());
    assert!(!old.mark_sent(job.id, 10, false, Utc::now()).unwrap());
    assert!(!old.mark_failed(job.id, None, "stale", Utc::now()).unwrap());
    assert!(new.start_sending(job.id, "tcp://new", Utc::now()).unwrap());
    assert!(!old.mark_uncertain(job.id, "stale", Utc::now()).unwrap());
    assert!(new.mark_sent(job.id, 10, true, Utc::now()).unwrap());
    let done = new.job(job.id).unwrap();
    assert_eq!(
        (done.state, done.printer.as_deref()),
        (JobState::Sent, Some("tcp://new"))
    );
}

fn lease_of(t: &Target, id: i64) -> String {
    t.strings(&format!("SELECT lease_until FROM jobs WHERE id = {id}"))[0].clone()
}

fn the_lease_is_renewed_while_a_job_is_held(t: &Target) {
    queued(t, 1);
    let mut store = open(t);
    store.set_lease(chrono::Duration::seconds(2));
    let job = store.claim_next(None, Utc::now()).unwrap().unwrap();
    let first = lease_of(t, job.id);
    // Nothing changes the job for longer than its lease; the heartbeat keeps the claim.
    std::thread::sleep(Duration::from_millis(2600));
    let later = lease_of(t, job.id);
    assert!(later > first, "{later} after {first}");
    assert!(
        later.as_str() > shiplabel_stamp(Utc::now()).as_str(),
        "{later}"
    );
    // Another station sees a live claim: nothing to recover.
    let mut other = open(t);
    assert!(other.recover(Utc::now()).unwrap().is_empty());
    assert_eq!(other.job(job.id).unwrap().state, JobState::Claimed);
    // Finished, the job is no longer renewed.
    assert!(store.mark_failed(job.id, None, "test", Utc::now()).unwrap());
    let done = lease_of(t, job.id);
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(lease_of(t, job.id), done);
}

fn shiplabel_stamp(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn a_scan_does_not_print_a_label_another_station_is_printing(t: &Target) {
    let postings = queued(t, 1);
    let number = postings[0].posting_number.clone();
    let mut printing = open(t);
    let job = printing.claim_next(None, Utc::now()).unwrap().unwrap();
    // The claim belongs to a process on another station (its lease runs for minutes).
    t.execute(&format!(
        "UPDATE jobs SET owner = 'station-2:4242' WHERE id = {}",
        job.id
    ));
    let printer = FakePrinter::start();
    let mut store = open(t);
    let profile = Profile::resolve(crate::station::PROFILE).unwrap();
    let template = Template::from_file(&crate::station::template_path()).unwrap();
    let options = PrintOptions {
        check_status: false,
        ..PrintOptions::default()
    };
    let mut station = Station::new(&mut store, template, &printer.uri(), profile, options);
    let outcome = station.scan(&number, "2026-11-22T12:00:00Z".parse().unwrap());
    assert!(!outcome.ok, "{outcome:?}");
    assert!(
        outcome.line.contains("being printed by station-2:4242"),
        "{}",
        outcome.line
    );
    assert_eq!(printer.bytes(), 0);
    assert_eq!(store.jobs(None, None).unwrap().len(), 1);
}

fn four_printers_on_one_queue_print_every_label_once(t: &Target) {
    let (db, postings) = station_in(t, 160);
    let expected = expected_jobs(&postings);
    let printer = FakePrinter::start();
    let args = print_args(&printer.uri());
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_shiplabel"))
                .arg("--db")
                .arg(&db)
                .args(&args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut printed = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        printed.push(
            String::from_utf8_lossy(&out.stderr)
                .matches(": sent ")
                .count(),
        );
    }
    let counts = printer.labels(&expected);
    for (name, _) in &expected {
        assert_eq!(counts.get(name).copied().unwrap_or(0), 1, "{name}");
    }
    eprintln!("printed per process: {printed:?}");
    assert_eq!(printed.iter().sum::<usize>(), expected.len());
}

/// PostgreSQL's connections of a running `print --pending` are cut (the server terminates them, as a
/// network failure or a server restart would) at random points of the batch: the process stops with
/// an error, and the next run completes the batch with every label once, apart from the jobs it
/// reports uncertain.
#[test]
fn a_lost_postgres_connection_mid_batch_loses_nothing() {
    let Some(t) = Target::postgres() else { return };
    let (db, postings) = station_in(&t, 120);
    let expected = expected_jobs(&postings);
    let printer = FakePrinter::start();
    let args = print_args(&printer.uri());
    let job_len = expected.iter().map(|(_, j)| j.len()).sum::<usize>() / expected.len();
    let mut cut = 0;
    for round in 0..6 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
            .arg("--db")
            .arg(&db)
            .args(&args)
            .env("SHIPLABEL_LEASE_SECONDS", "5")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let target = printer.bytes() + job_len * (3 + round * 2);
        let deadline = Instant::now() + Duration::from_secs(30);
        while printer.bytes() < target && Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(300));
        }
        t.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        );
        let out = child.wait_with_output().unwrap();
        if !out.status.success() {
            cut += 1;
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("database"), "{stderr}");
        }
    }
    assert!(cut >= 3, "only {cut} runs were cut");
    let out = shiplabel(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let uncertain: HashSet<String> = uncertain_in(&out.stdout).into_iter().collect();
    let counts = printer.labels(&expected);
    for (name, _) in &expected {
        let n = counts.get(name).copied().unwrap_or(0);
        if uncertain.contains(name) {
            assert!(n <= 1, "uncertain label {name} printed {n} times");
        } else {
            assert_eq!(
                n, 1,
                "label {name} printed {n} times (uncertain: {uncertain:?})"
            );
        }
    }
    eprintln!("{cut} runs cut; uncertain: {uncertain:?}");
}

/// `db copy` moves a SQLite station (postings, history, the journal) into a new PostgreSQL database,
/// where the stations go on: nothing printed there is printed again; a second copy is refused.
#[test]
fn db_copy_moves_a_sqlite_station_into_postgres() {
    let Some(pg) = Target::postgres() else { return };
    let sqlite = Target::sqlite();
    let (file, postings) = station_in(&sqlite, 5);
    let printer = FakePrinter::start();
    let args = print_args(&printer.uri());
    let out = shiplabel(&file, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = pg.db();
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_shiplabel"))
            .args(["db", "copy", "--from"])
            .arg(from)
            .arg("--to")
            .arg(to)
            .output()
            .unwrap()
    };
    let out = copy(&file, &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("5 postings") && said.contains("5 jobs"),
        "{said}"
    );
    for table in ["postings", "status_history", "jobs", "product_codes"] {
        assert_eq!(pg.count(table), sqlite.count(table), "{table}");
    }
    let before = printer.bytes();
    let out = shiplabel(&url, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(printer.bytes(), before, "a copied label was printed again");
    // New jobs continue after the copied ids.
    let mut store = Store::open(&url, Actor::new("test")).unwrap();
    let unit = LabelUnit::of(&postings[0]).unwrap();
    let ids = store
        .add_jobs(&unit, JobKind::Reprint, false, Utc::now())
        .unwrap();
    assert!(ids[0] > 5, "{ids:?}");
    let out = copy(&file, &url);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("copy only into a new database"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `db init` creates the schema on a new PostgreSQL database in one command; commands other than
/// `import` and `db init` do not create it.
#[test]
fn db_init_creates_the_postgres_schema() {
    let Some(pg) = Target::postgres() else { return };
    let url = pg.db();
    let out = shiplabel(&url, &["jobs"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("shiplabel import` creates it"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = shiplabel(&url, &["db", "init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("schema version 4"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = shiplabel(&url, &["jobs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `config` names a `postgres://` database from `SHIPLABEL_DB` without its password.
#[test]
fn config_shows_a_postgres_db_without_its_password() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("config")
        .env("XDG_CONFIG_HOME", home.path())
        .env("HOME", home.path())
        .env("SHIPLABEL_DB", "postgres://ops:hunter2secret@db.lan/wh")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("postgres://ops:***@db.lan/wh"), "{all}");
    assert!(!all.contains("hunter2secret"), "{all}");
}
