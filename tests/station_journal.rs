//! The print journal end to end, on both backends (SQLite and PostgreSQL): a printing process killed at
//! random points, and two processes printing the same queue, never lose a label and never print one
//! twice (apart from jobs reported uncertain).

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::station::{
    expected_jobs, print_args, shiplabel, station_in, uncertain_in, FakePrinter, Target,
};
use shiplabel::label::LabelUnit;
use shiplabel::order::{Posting, Status};
use shiplabel::printer::{PrintOptions, Profile};
use shiplabel::station::Station;
use shiplabel::store::{Actor, JobKind, Store};
use shiplabel::template::Template;

/// A small deterministic generator (xorshift), so the kill points repeat from run to run.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

crate::on_both_backends!(
    killed_at_random_points_the_batch_completes_with_every_label_once,
    two_processes_printing_the_same_queue_never_print_a_label_twice,
    two_stations_on_one_queue_one_killed_mid_batch_print_every_label_once,
    an_uncertain_box_is_reported_with_its_box_number,
    reprint_uncertain_does_not_report_the_labels_it_has_just_printed_as_uncertain,
    an_uncertain_label_printed_again_since_is_not_reprinted_by_reprint_uncertain,
    a_job_moves_only_along_the_journal_transitions,
);

fn killed_at_random_points_the_batch_completes_with_every_label_once(t: &Target) {
    let (db, postings) = station_in(t, 200);
    let expected = expected_jobs(&postings);
    let printer = FakePrinter::start();
    let uri = printer.uri();
    let args = print_args(&uri);
    let job_len = expected.iter().map(|(_, j)| j.len()).sum::<usize>() / expected.len();
    let mut rng = Rng(0x5eed_cafe_f00d);
    let mut kills = 0;
    let mut uncertain: HashSet<String> = HashSet::new();
    for round in 0..40 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
            .arg("--db")
            .arg(&db)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Half the rounds kill after a number of bytes reached the printer (often mid-label), the
        // others after a delay (often before anything was sent: opening, claiming, rendering).
        let start_bytes = printer.bytes();
        let deadline = Instant::now() + Duration::from_secs(20);
        let by_bytes = round % 2 == 0;
        let target = start_bytes + rng.next((job_len * 8) as u64) as usize + 1;
        let delay = Duration::from_micros(rng.next(40_000));
        let started = Instant::now();
        let mut finished = false;
        loop {
            if child.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
            let due = if by_bytes {
                printer.bytes() >= target
            } else {
                started.elapsed() >= delay
            };
            if due || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        if !finished {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        if finished && kills >= 20 {
            break;
        }
    }
    assert!(kills >= 20, "only {kills} kills landed");
    // The next run completes the batch; it reports the interrupted sends as uncertain.
    let out = shiplabel(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    uncertain.extend(uncertain_in(&out.stdout));
    let jobs = shiplabel(&db, &["jobs", "--state", "uncertain"]);
    let listed = String::from_utf8_lossy(&jobs.stdout);
    for name in &uncertain {
        assert!(listed.contains(name.as_str()), "{name} not in:\n{listed}");
    }
    let counts = printer.labels(&expected);
    eprintln!(
        "{kills} kills; uncertain: {uncertain:?}; of them printed: {}",
        uncertain.iter().filter(|n| counts.contains_key(*n)).count()
    );
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
    // On request, the uncertain ones print again; nothing else does.
    let mut again = args.clone();
    again.push("--reprint-uncertain".into());
    let out = shiplabel(&db, &again.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts = printer.labels(&expected);
    for (name, _) in &expected {
        let n = counts.get(name).copied().unwrap_or(0);
        if uncertain.contains(name) {
            assert!((1..=2).contains(&n), "{name}: {n}");
        } else {
            assert_eq!(n, 1, "{name}");
        }
    }
    // A run with nothing pending prints nothing.
    let before = printer.bytes();
    let out = shiplabel(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success());
    assert_eq!(printer.bytes(), before);
}

fn two_processes_printing_the_same_queue_never_print_a_label_twice(t: &Target) {
    let (db, postings) = station_in(t, 120);
    let expected = expected_jobs(&postings);
    let printer = FakePrinter::start();
    let args = print_args(&printer.uri());
    let spawn = || print_pending(&db, &args, Stdio::piped());
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let counts = printer.labels(&expected);
    for (name, _) in &expected {
        assert_eq!(counts.get(name).copied().unwrap_or(0), 1, "{name}");
    }
    let printed = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stderr)
            .matches(": sent ")
            .count()
    };
    eprintln!("printed by a: {}, by b: {}", printed(&a), printed(&b));
    assert_eq!(printed(&a) + printed(&b), expected.len());
}

/// Two stations drain one queue; one is killed (`SIGKILL`) mid-batch while the other goes on. The
/// survivor and a later run finish the batch: every label once, apart from the ones reported uncertain.
fn two_stations_on_one_queue_one_killed_mid_batch_print_every_label_once(t: &Target) {
    let (db, postings) = station_in(t, 120);
    let expected = expected_jobs(&postings);
    let printer = FakePrinter::start();
    let args = print_args(&printer.uri());
    let spawn = || print_pending(&db, &args, Stdio::null());
    let job_len = expected.iter().map(|(_, j)| j.len()).sum::<usize>() / expected.len();
    let (mut doomed, survivor) = (spawn(), spawn());
    // Kill the first once a dozen labels' worth of bytes reached the printer: mid-batch, often mid-label.
    let deadline = Instant::now() + Duration::from_secs(60);
    while printer.bytes() < job_len * 12 + job_len / 2 && Instant::now() < deadline {
        if doomed.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    assert!(
        doomed.try_wait().unwrap().is_none(),
        "the first station finished before it could be killed"
    );
    doomed.kill().unwrap(); // SIGKILL
    doomed.wait().unwrap();
    let survivor = survivor.wait_with_output().unwrap();
    assert!(survivor.status.success());
    let mut uncertain: HashSet<String> = uncertain_in(&survivor.stdout).into_iter().collect();
    // A later run picks up whatever the killed station held.
    let out = shiplabel(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    uncertain.extend(uncertain_in(&out.stdout));
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
    // Nothing is left to print.
    let before = printer.bytes();
    let out = shiplabel(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success());
    assert_eq!(printer.bytes(), before);
}

/// `shiplabel print --pending` on `db` as a child, its standard output piped.
fn print_pending(db: &std::path::Path, args: &[String], stderr: Stdio) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// A store holding `posting` whose labels were being sent by a process on another host whose lease
/// has run out: after `recover`, every one of them is uncertain.
fn interrupted_on_another_host(t: &Target, posting: &Posting) -> Store {
    let mut store = Store::open(&t.db(), Actor::new("test")).unwrap();
    let now = "2026-11-22T12:00:00Z".parse().unwrap();
    store.import(vec![posting.clone()], now).unwrap();
    let units = LabelUnit::of(posting).unwrap();
    store.add_jobs(&units, JobKind::Print, true, now).unwrap();
    t.execute(
        "UPDATE jobs SET state = 'sending', owner = 'elsewhere:1',
             lease_until = '2026-11-22T12:10:00.000Z'",
    );
    store
}

/// A station printing from `store` to `printer` with the test profile and template.
fn station_on<'s>(store: &'s mut Store, printer: &FakePrinter) -> Station<'s> {
    let profile = Profile::resolve(crate::station::PROFILE).unwrap();
    let template = Template::from_file(&crate::station::template_path()).unwrap();
    let options = PrintOptions {
        check_status: false,
        ..PrintOptions::default()
    };
    Station::new(store, template, &printer.uri(), profile, options)
}

fn an_uncertain_box_is_reported_with_its_box_number(t: &Target) {
    let now = "2026-11-22T12:00:00Z".parse().unwrap();
    let mut posting = Posting::new("77700001-0001-1".parse().unwrap(), Status::AwaitingDeliver);
    posting.in_process_at = Some(now);
    posting.is_multibox = true;
    posting.multi_box_qty = 2;
    let mut store = interrupted_on_another_host(t, &posting);
    let printer = FakePrinter::start();
    let summary = station_on(&mut store, &printer)
        .print_pending(false, now, |_| {})
        .unwrap();
    let names: Vec<&str> = summary
        .uncertain
        .iter()
        .map(|issue| issue.label.as_str())
        .collect();
    // The operator has to know which of the two labels to look for.
    assert_eq!(
        names,
        ["77700001-0001-1 box 1/2", "77700001-0001-1 box 2/2"],
        "{summary:?}"
    );
}

fn reprint_uncertain_does_not_report_the_labels_it_has_just_printed_as_uncertain(t: &Target) {
    let now = "2026-11-22T12:00:00Z".parse().unwrap();
    let mut posting = Posting::new("77700002-0001-1".parse().unwrap(), Status::AwaitingDeliver);
    posting.in_process_at = Some(now);
    let mut store = interrupted_on_another_host(t, &posting);
    let printer = FakePrinter::start();
    let summary = station_on(&mut store, &printer)
        .print_pending(true, now, |_| {})
        .unwrap();
    assert_eq!(summary.sent, ["77700002-0001-1"], "{summary:?}");
    assert!(summary.uncertain.is_empty(), "{summary:?}");
}

fn an_uncertain_label_printed_again_since_is_not_reprinted_by_reprint_uncertain(t: &Target) {
    let now = "2026-11-22T12:00:00Z".parse().unwrap();
    let mut posting = Posting::new("77700003-0001-1".parse().unwrap(), Status::AwaitingDeliver);
    posting.in_process_at = Some(now);
    let mut store = interrupted_on_another_host(t, &posting);
    let printer = FakePrinter::start();
    let mut station = station_on(&mut store, &printer);
    let summary = station.print_pending(false, now, |_| {}).unwrap();
    assert_eq!(summary.uncertain.len(), 1, "{summary:?}");
    // The operator saw no label come out and printed it again by hand.
    let summary = station.reprint("77700003-0001-1", now).unwrap().summary;
    assert_eq!(summary.sent.len(), 1, "{summary:?}");
    // A later --reprint-uncertain (for some other label) must not print it a second time.
    let summary = station.print_pending(true, now, |_| {}).unwrap();
    assert!(summary.sent.is_empty(), "{summary:?}");
    assert!(summary.uncertain.is_empty(), "{summary:?}");
}

/// The journal's transitions are methods, and each moves a job only from the state it names: a claimed
/// job cannot be marked sent without having been sending, and a job another process holds is left alone.
fn a_job_moves_only_along_the_journal_transitions(t: &Target) {
    use shiplabel::store::JobState::{self, *};
    let mut store = Store::open(&t.db(), Actor::new("test")).unwrap();
    let now = "2026-11-22T12:00:00Z".parse().unwrap();
    let posting = Posting::new(
        "0132112277-0101-1".parse().unwrap(),
        Status::AwaitingDeliver,
    );
    store.import(vec![posting.clone()], now).unwrap();
    let state = |store: &Store, id| store.job(id).unwrap().state;

    let ids = store
        .add_jobs(&LabelUnit::of(&posting).unwrap(), JobKind::Print, true, now)
        .unwrap();
    let id = ids[0];
    assert_eq!(state(&store, id), Claimed);
    assert!(
        !store.mark_sent(id, 100, false, now).unwrap(),
        "claimed → sent skips sending"
    );
    assert!(
        !store.mark_uncertain(id, "x", now).unwrap(),
        "claimed → uncertain"
    );
    assert_eq!(state(&store, id), Claimed);
    assert!(store.start_sending(id, "tcp://printer", now).unwrap());
    assert!(
        !store.start_sending(id, "tcp://printer", now).unwrap(),
        "sending → sending"
    );
    assert!(store.mark_sent(id, 100, false, now).unwrap());
    assert_eq!(state(&store, id), Sent);
    assert!(
        !store.mark_failed(id, None, "late", now).unwrap(),
        "sent is final"
    );
    assert_eq!(state(&store, id), Sent);

    // The same graph, state by state.
    let allowed: Vec<(JobState, JobState)> = JobState::ALL
        .into_iter()
        .flat_map(|a| JobState::ALL.into_iter().map(move |b| (a, b)))
        .filter(|(a, b)| a.can_become(*b))
        .collect();
    assert_eq!(
        allowed,
        [
            (Queued, Claimed),
            (Claimed, Queued),
            (Claimed, Sending),
            (Claimed, Failed),
            (Sending, Sent),
            (Sending, Failed),
            (Sending, Uncertain),
            (Uncertain, Queued),
        ]
    );

    // A job held by another process is not this one's to move.
    let ids = store
        .add_jobs(
            &LabelUnit::of(&posting).unwrap(),
            JobKind::Reprint,
            true,
            now,
        )
        .unwrap();
    t.execute(&format!(
        "UPDATE jobs SET owner = 'elsewhere:1' WHERE id = {}",
        ids[0]
    ));
    assert!(!store.start_sending(ids[0], "tcp://printer", now).unwrap());
    assert_eq!(state(&store, ids[0]), Claimed);
}
