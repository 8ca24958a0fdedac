//! Who holds a job, with real processes: a `print --pending` killed while sending, then a process id
//! used again by another process, and a run in another PID namespace (a container's PID 1). A reused
//! process id is not a live owner; an owner this process cannot check holds its jobs until its lease
//! expires, and is reported meanwhile.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use shiplabel::store::{Actor, JobState, Store};

use crate::common::fake_printer::Stalled;
use crate::station::{station, template_path};

/// Starts `print --pending` (through `wrapper` when given) against a printer that never reads, and
/// waits until its first job is `sending`.
fn print_until_sending(db: &std::path::Path, printer: &Stalled, wrapper: &[&str]) -> Child {
    let mut args: Vec<String> = wrapper.iter().map(|s| s.to_string()).collect();
    args.push(env!("CARGO_BIN_EXE_shiplabel").to_string());
    args.push("--db".into());
    args.push(db.display().to_string());
    // TSPL: the label goes as a raw bitmap, larger than the stalled printer's receive window.
    for arg in [
        "print",
        "--pending",
        "--printer",
        &printer.uri(),
        "--profile",
        "xprinter-xp420b",
        "--template",
        template_path().to_str().unwrap(),
        "--no-status",
        "--now",
        "2026-11-22T12:00:00Z",
        "--timeout",
        "600",
    ] {
        args.push(arg.to_string());
    }
    let child = Command::new(&args[0])
        .args(&args[1..])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let store = Store::open(db, Actor::new("test")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while store
        .jobs(Some(JobState::Sending), None)
        .unwrap()
        .is_empty()
    {
        assert!(Instant::now() < deadline, "no job reached sending");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn kill(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

fn sending_owner(store: &Store) -> (i64, String) {
    let jobs = store.jobs(Some(JobState::Sending), None).unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    (jobs[0].id, jobs[0].owner.clone().unwrap())
}

/// The owner text with its process id replaced.
fn with_pid(owner: &str, pid: u32) -> String {
    let (head, rest) = owner.split_once(';').unwrap_or((owner, ""));
    let (host, _) = head.rsplit_once(':').unwrap();
    if rest.is_empty() {
        format!("{host}:{pid}")
    } else {
        format!("{host}:{pid};{rest}")
    }
}

fn set_owner(db: &std::path::Path, id: i64, owner: &str) {
    rusqlite::Connection::open(db)
        .unwrap()
        .execute(
            "UPDATE jobs SET owner = ?1 WHERE id = ?2",
            [owner, &id.to_string()],
        )
        .unwrap();
}

#[test]
#[cfg(target_os = "linux")]
fn a_process_id_used_again_is_not_a_live_owner() {
    let (_dir, db, _) = station(2);
    let printer = Stalled::start();
    let run = print_until_sending(&db, &printer, &[]);
    kill(run);
    let mut store = Store::open(&db, Actor::new("test")).unwrap();
    let (id, owner) = sending_owner(&store);
    assert!(
        owner.contains(";start="),
        "the owner names its start time: {owner}"
    );
    // Another live process now has the killed one's id (as after a wrap-around or a container restart).
    let mut other = Command::new("sleep").arg("30").spawn().unwrap();
    set_owner(&db, id, &with_pid(&owner, other.id()));
    let settled = store.recover(Utc::now()).unwrap();
    other.kill().unwrap();
    other.wait().unwrap();
    assert_eq!(settled.len(), 1, "the job is settled despite the live pid");
    assert_eq!(store.job(id).unwrap().state, JobState::Uncertain);
}

#[test]
#[cfg(target_os = "linux")]
fn a_live_owner_keeps_its_job() {
    let (_dir, db, _) = station(1);
    let printer = Stalled::start();
    let run = print_until_sending(&db, &printer, &[]);
    let mut store = Store::open(&db, Actor::new("test")).unwrap();
    let (id, _) = sending_owner(&store);
    assert!(store.recover(Utc::now()).unwrap().is_empty());
    assert_eq!(store.job(id).unwrap().state, JobState::Sending);
    assert_eq!(store.held_elsewhere().unwrap().len(), 1);
    kill(run);
    assert_eq!(
        store.recover(Utc::now()).unwrap().len(),
        1,
        "gone once killed"
    );
}

/// `unshare` with a new PID namespace, if this machine allows one (as root, or through a user
/// namespace).
fn pid_namespace_wrapper() -> Option<Vec<&'static str>> {
    for wrapper in [
        vec!["unshare", "--pid", "--fork", "--kill-child", "--mount-proc"],
        vec![
            "unshare",
            "--user",
            "--map-root-user",
            "--pid",
            "--fork",
            "--kill-child",
            "--mount-proc",
        ],
    ] {
        let works = Command::new(wrapper[0])
            .args(&wrapper[1..])
            .arg("true")
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if works {
            return Some(wrapper);
        }
    }
    None
}

#[test]
#[cfg(target_os = "linux")]
fn an_owner_in_another_pid_namespace_holds_its_job_until_the_lease_expires() {
    let Some(wrapper) = pid_namespace_wrapper() else {
        // Not a failure even under CI: hosted runners may forbid new namespaces.
        eprintln!(
            "\n!!!! SKIPPED: this machine allows no new PID namespace (unshare --pid failed) !!!!\n"
        );
        return;
    };
    let (_dir, db, _) = station(1);
    let printer = Stalled::start();
    // `print --pending` runs as PID 1 of its own namespace, like in a container.
    let run = print_until_sending(&db, &printer, &wrapper);
    kill(run);
    let mut store = Store::open(&db, Actor::new("test")).unwrap();
    let (id, owner) = sending_owner(&store);
    assert!(owner.split(';').next().unwrap().ends_with(":1"), "{owner}");
    // Our namespace has a PID 1 too, and it is alive; it is not the owner, but from here the owner
    // cannot be checked: its lease decides.
    assert!(store.recover(Utc::now()).unwrap().is_empty());
    let held = store.held_elsewhere().unwrap();
    assert_eq!(held.len(), 1, "the held job is reported");
    assert!(held[0].lease_until.is_some());
    // A second run as PID 1 of a new namespace does not take the dead owner for itself either.
    let mut jobs_run = vec![];
    jobs_run.extend(wrapper.iter().map(|s| s.to_string()));
    jobs_run.push(env!("CARGO_BIN_EXE_shiplabel").to_string());
    jobs_run.extend(["--db".to_string(), db.display().to_string(), "jobs".into()]);
    let out = Command::new(&jobs_run[0])
        .args(&jobs_run[1..])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(store.job(id).unwrap().state, JobState::Sending);
    // Once the lease has expired the job is settled, whoever has PID 1.
    let later = Utc::now() + shiplabel::store::LEASE + chrono::Duration::minutes(1);
    let settled = store.recover(later).unwrap();
    assert_eq!(settled.len(), 1);
    assert_eq!(store.job(id).unwrap().state, JobState::Uncertain);
}

#[test]
fn a_database_whose_files_vanish_under_a_run_stops_before_sending() {
    let (_dir, db, _) = station(1);
    let mut store = Store::open(&db, Actor::new("test")).unwrap();
    let units = vec![shiplabel::label::LabelUnit {
        posting_number: "10000000-0000-1".parse().unwrap(),
        package_number: 1,
        boxes: 1,
    }];
    let ids = store
        .add_jobs(&units, shiplabel::store::JobKind::Print, true, Utc::now())
        .unwrap();
    store.check_files().unwrap();
    for suffix in ["-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        std::fs::remove_file(std::path::PathBuf::from(path)).unwrap();
    }
    let err = store
        .start_sending(ids[0], "tcp://x", Utc::now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("-wal was deleted or replaced"), "{err}");
}

#[test]
fn database_errors_name_the_file_and_a_missing_directory_is_not_made() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("corrupt.db");
    std::fs::write(&corrupt, vec![0x5a; 8192]).unwrap();
    let err = Store::open(&corrupt, Actor::new("test"))
        .unwrap_err()
        .to_string();
    assert!(err.contains(&corrupt.display().to_string()), "{err}");
    let nested = dir.path().join("no").join("such").join("station.db");
    let err = Store::open(&nested, Actor::new("test"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not exist"), "{err}");
    assert!(!dir.path().join("no").exists());
}
