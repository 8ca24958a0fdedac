//! `shiplabel jobs`: the print journal.

use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;

use super::station::open_existing_store;
use super::terminal::escape;
use super::CliError;
use shiplabel::store::JobState;

/// Show the print journal.
#[derive(Debug, clap::Args)]
pub struct JobsArgs {
    /// Only jobs in this state: queued, claimed, sending, sent, failed, uncertain.
    #[arg(long, value_parser = parse_state)]
    state: Option<JobState>,
    /// Only jobs of this posting.
    #[arg(long)]
    posting: Option<String>,
}

fn parse_state(text: &str) -> Result<JobState, String> {
    JobState::parse(text).ok_or_else(|| {
        let known: Vec<&str> = JobState::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown state {text:?}; known: {}", known.join(", "))
    })
}

/// Settles jobs of processes that are gone, then prints one line per job.
pub fn run(args: JobsArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_existing_store(db, "jobs")?;
    store.recover(Utc::now())?;
    let jobs = store.jobs(args.state, args.posting.as_deref())?;
    println!(
        "{:>6}  {:<22} {:>3}  {:<8} {:<9} {:>3}  {:<24}  printer / note",
        "job", "posting", "box", "kind", "state", "try", "updated"
    );
    for job in &jobs {
        let mut note = match (&job.error, &job.printer) {
            (Some(e), _) => e.clone(),
            (None, Some(p)) => match job.bytes {
                Some(b) => format!("{p} ({b} bytes)"),
                None => p.clone(),
            },
            (None, None) => String::new(),
        };
        if job.state == JobState::Sent {
            let delivery = match job.confirmed {
                Some(true) => "confirmed by the printer",
                Some(false) => "not confirmed",
                None => "confirmation not recorded",
            };
            note = format!("{delivery}; {note}");
        }
        let note = escape(&note);
        println!(
            "{:>6}  {:<22} {:>3}  {:<8} {:<9} {:>3}  {:<24}  {note}",
            job.id,
            escape(&job.posting_number),
            job.package_number,
            job.kind,
            job.state.as_str(),
            job.attempts,
            job.updated_at
        );
    }
    // An uncertain job whose label a later job has sent is settled: --reprint-uncertain leaves it.
    let unsettled: Vec<i64> = store.unsettled_uncertain()?.iter().map(|j| j.id).collect();
    let uncertain = jobs.iter().filter(|j| unsettled.contains(&j.id)).count();
    if uncertain > 0 {
        println!(
            "{uncertain} uncertain job(s): check whether these labels came out; \
             `shiplabel print --pending --reprint-uncertain` prints them again"
        );
    }
    let held = store.held_elsewhere()?;
    if !held.is_empty() {
        let list: Vec<String> = held
            .iter()
            .map(|j| {
                format!(
                    "#{} ({}, {} until {})",
                    j.id,
                    j.state,
                    escape(j.owner.as_deref().unwrap_or("?")),
                    j.lease_until.as_deref().unwrap_or("?")
                )
            })
            .collect();
        println!(
            "{} job(s) held by processes this one cannot check (another host or container); \
             settled when their lease expires: {}",
            held.len(),
            list.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
