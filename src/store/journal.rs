//! The print journal: every label is a job row before a byte goes to the printer.
//!
//! A job moves `queued → claimed → sending → sent`. A `sent` job is one whose every byte the printer
//! took; its `confirmed` column says whether the printer also answered after it and reported itself
//! ready (see [`crate::printer::PrintReport`]): "sent, confirmed by the printer" or "sent, not
//! confirmed". `claimed` means a process took the job and is
//! rendering it: nothing has gone to the printer, so a claimed job whose owner died goes back to
//! `queued`. `sending` is written (and synced to disk) just before the first byte goes out; a job that
//! stays `sending` because its owner died may or may not have printed, so it becomes `uncertain` and is
//! printed again only on request (`--reprint-uncertain`). `failed` jobs sent nothing (printer
//! unreachable or refusing, label not renderable) and are queued again by the next run, as a new job.
//!
//! Jobs are claimed in an `IMMEDIATE` transaction that writes the owner and a lease, so two processes on
//! the same database never take the same job. An owner counts as gone when its lease has expired, or
//! when it ran on this host, boot and PID namespace and no process with its id *and start time* exists
//! (see `store/owner.rs`: a process id used again is not the owner). Every change a process makes to
//! its jobs renews the leases of all the jobs it holds, so a long batch keeps them; a job held by an
//! owner this process cannot check stays held until its lease expires and is reported meanwhile
//! ([`Store::held_elsewhere`]).

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Row, TransactionBehavior};

use super::owner::OwnerId;
use super::{postings, stamp, Store, StoreError};
use crate::label::{LabelRuleError, LabelUnit};
use crate::order::{PostingNumber, Status};

/// How long a claim holds without its owner being checked by process id (other hosts, other PID
/// namespaces, non-Linux) and without being renewed.
pub const LEASE: Duration = Duration::minutes(10);

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting for a printer.
    Queued,
    /// Taken by a process that is preparing it; nothing sent yet.
    Claimed,
    /// Bytes are going to the printer.
    Sending,
    /// All bytes reached the printer.
    Sent,
    /// Nothing reached the printer; the error says why.
    Failed,
    /// Interrupted while sending: the label may or may not have printed.
    Uncertain,
}

impl JobState {
    /// Every state.
    pub const ALL: [JobState; 6] = [
        JobState::Queued,
        JobState::Claimed,
        JobState::Sending,
        JobState::Sent,
        JobState::Failed,
        JobState::Uncertain,
    ];

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Claimed => "claimed",
            JobState::Sending => "sending",
            JobState::Sent => "sent",
            JobState::Failed => "failed",
            JobState::Uncertain => "uncertain",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(text: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the journal moves a job from this state to `next`: `queued → claimed → sending → sent`;
    /// `claimed` or `sending → failed`; `sending → uncertain`; back to `queued` a claim whose owner died
    /// (`claimed`) and, on request, an `uncertain` job. Nothing else: in particular a job never becomes
    /// `sent` without having been `sending`.
    pub fn can_become(self, next: JobState) -> bool {
        use JobState::*;
        matches!(
            (self, next),
            (Queued, Claimed)
                | (Claimed, Sending)
                | (Sending, Sent)
                | (Claimed | Sending, Failed)
                | (Sending, Uncertain)
                | (Claimed | Uncertain, Queued)
        )
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a job exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// `print --pending`: the first label of a posting or shipment.
    Print,
    /// `reprint`: printed again on purpose.
    Reprint,
    /// `scan`: printed at the scanner.
    Scan,
    /// `raw`: bytes a web tool sent through `shiplabel serve` to a configured printer; the journal's
    /// posting column holds `raw:` and the tool's reference, not a posting.
    Raw,
    /// `seen`: no bytes sent; the operator saw the label of an uncertain job come out, which
    /// settles that job as a later sent job of the same label does.
    Seen,
}

impl JobKind {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Print => "print",
            JobKind::Reprint => "reprint",
            JobKind::Scan => "scan",
            JobKind::Raw => "raw",
            JobKind::Seen => "seen",
        }
    }
}

/// A journal row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The job id.
    pub id: i64,
    /// The posting.
    pub posting_number: PostingNumber,
    /// The package (1 for a posting in one package).
    pub package_number: u32,
    /// Why it was made: `print`, `reprint`, `scan`.
    pub kind: String,
    /// Where it is.
    pub state: JobState,
    /// The process that holds or held it (`host:pid`).
    pub owner: Option<String>,
    /// The printer URI it went to.
    pub printer: Option<String>,
    /// Why it failed, or what made it uncertain.
    pub error: Option<String>,
    /// How many times a process claimed it.
    pub attempts: u32,
    /// Bytes sent.
    pub bytes: Option<i64>,
    /// For a sent job: whether the printer confirmed it; `None` when not sent, or sent before the
    /// journal recorded confirmations.
    pub confirmed: Option<bool>,
    /// Until when its owner's claim holds (claimed and sending jobs).
    pub lease_until: Option<String>,
    /// When it was queued.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

const JOB_COLUMNS: &str = "id, posting_number, package_number, kind, state, owner, printer, error,
    attempts, bytes, created_at, updated_at, confirmed, lease_until";

/// Whether a later job (a `reprint`, a scan) has sent the label of the job `jobs`. It settles an
/// uncertain job: the operator saw that label missing and printed it, so printing the uncertain job
/// again would make a second label.
const SENT_SINCE: &str = "EXISTS (SELECT 1 FROM jobs AS later
    WHERE later.posting_number = jobs.posting_number AND later.package_number = jobs.package_number
        AND later.state = 'sent' AND later.id > jobs.id)";

fn job_row(r: &Row<'_>) -> rusqlite::Result<Job> {
    let state: String = r.get(4)?;
    Ok(Job {
        id: r.get(0)?,
        posting_number: PostingNumber::new(r.get::<_, String>(1)?).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e))
        })?,
        package_number: r.get(2)?,
        kind: r.get(3)?,
        state: JobState::parse(&state).unwrap_or(JobState::Failed),
        owner: r.get(5)?,
        printer: r.get(6)?,
        error: r.get(7)?,
        attempts: r.get(8)?,
        bytes: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        confirmed: r.get(12)?,
        lease_until: r.get(13)?,
    })
}

/// Whether the process that owns a job is gone (see the module docs); `me` is this process.
fn owner_gone(
    owner: Option<&str>,
    lease_until: Option<&str>,
    me: &OwnerId,
    now: DateTime<Utc>,
) -> bool {
    if lease_until.is_none_or(|l| l < stamp(now).as_str()) {
        return true;
    }
    let Some(owner) = owner.and_then(OwnerId::parse) else {
        return true;
    };
    me.is_alive(&owner).is_some_and(|alive| !alive)
}

impl Store {
    /// This process as a job owner.
    pub fn owner(&self) -> String {
        self.me().to_text()
    }

    fn me(&self) -> OwnerId {
        super::owner::this_process(&self.host)
    }

    /// Renews the lease of every job this process holds.
    pub fn renew_leases(&mut self, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE jobs SET lease_until = ?1
                 WHERE owner = ?2 AND state IN ('claimed', 'sending')",
            )?
            .execute(params![stamp(now + LEASE), self.owner()])?;
        Ok(())
    }

    /// Claimed and sending jobs held by other processes that [`Store::recover`] could not settle:
    /// owners that may still run (this process cannot check them: another host or PID namespace)
    /// until their lease expires.
    pub fn held_elsewhere(&self) -> Result<Vec<Job>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE state IN ('claimed', 'sending')
                 AND (owner IS NULL OR owner <> ?1) ORDER BY id"
        ))?;
        let rows = stmt.query_map([self.owner()], job_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Settles jobs whose owner is gone: `claimed` ones go back to the queue (nothing was sent),
    /// `sending` ones become `uncertain`. Returns the jobs that became uncertain.
    pub fn recover(&mut self, now: DateTime<Utc>) -> Result<Vec<Job>, StoreError> {
        let me = self.me();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: Vec<(i64, String, Option<String>, Option<String>)> = tx
            .prepare_cached(
                "SELECT id, state, owner, lease_until FROM jobs WHERE state IN ('claimed', 'sending')",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        let mut uncertain = Vec::new();
        for (id, state, owner, lease) in held {
            if !owner_gone(owner.as_deref(), lease.as_deref(), &me, now) {
                continue;
            }
            let who = owner.as_deref().unwrap_or("?");
            if state == "claimed" {
                tx.execute(
                    "UPDATE jobs SET state = 'queued', owner = NULL, lease_until = NULL,
                         updated_at = ?2 WHERE id = ?1",
                    params![id, stamp(now)],
                )?;
            } else {
                let why = format!(
                    "interrupted while sending ({who} stopped): the printer may or may not have printed it"
                );
                tx.execute(
                    "UPDATE jobs SET state = 'uncertain', error = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, why, stamp(now)],
                )?;
                uncertain.push(id);
            }
        }
        tx.commit()?;
        uncertain
            .into_iter()
            .map(|id| self.job(id))
            .collect::<Result<_, _>>()
    }

    /// Queues a `print` job for every label of every posting labelable at `now` that has no job
    /// queued, in progress, sent or uncertain. Returns how many were queued, and the postings the
    /// label rule refuses (they get no job; the caller reports them).
    pub fn enqueue_pending(
        &mut self,
        now: DateTime<Utc>,
    ) -> Result<(usize, Vec<LabelRuleError>), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut queued = 0;
        let mut refused = Vec::new();
        for number in postings::numbers_in_status(&tx, &Status::AwaitingDeliver)? {
            let Some(posting) = postings::load(&tx, &number)? else {
                continue;
            };
            if posting.labelable(now).is_err() {
                continue;
            }
            let units = match LabelUnit::of(&posting) {
                Ok(units) => units,
                Err(e) => {
                    refused.push(e);
                    continue;
                }
            };
            for unit in units {
                let covered: bool = tx
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM jobs WHERE posting_number = ?1
                             AND package_number = ?2 AND state <> 'failed')",
                    )?
                    .query_row(
                        params![unit.posting_number.as_str(), unit.package_number],
                        |r| r.get(0),
                    )?;
                if !covered {
                    insert_job(&tx, &unit, JobKind::Print, None, Utc::now())?;
                    queued += 1;
                }
            }
        }
        tx.commit()?;
        Ok((queued, refused))
    }

    /// Adds jobs for these labels; with `claim`, they are claimed by this process in the same
    /// transaction (a scan prints them at once), and a label that already has a job waiting in the
    /// queue gets that job instead of a second one, which a later run would print again. Returns
    /// their ids.
    pub fn add_jobs(
        &mut self,
        units: &[LabelUnit],
        kind: JobKind,
        claim: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        let owner = claim.then(|| self.owner());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(units.len());
        for unit in units {
            let id = match owner.as_deref() {
                Some(owner) => match queued_job(&tx, unit)? {
                    Some(id) => {
                        claim_job(&tx, id, owner, now)?;
                        id
                    }
                    None => insert_job(&tx, unit, kind, Some(owner), now)?,
                },
                None => insert_job(&tx, unit, kind, None, now)?,
            };
            ids.push(id);
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Whether a label of this posting package has been sent.
    pub fn was_sent(&self, posting: &str, package: u32) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM jobs WHERE posting_number = ?1
                     AND package_number = ?2 AND state = 'sent')",
            )?
            .query_row(params![posting, package], |r| r.get(0))?)
    }

    /// Puts every unsettled `uncertain` job (see [`Store::unsettled_uncertain`]) back in the queue,
    /// on the user's word that its label did not come out. Returns how many.
    pub fn requeue_uncertain(&mut self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            &format!(
                "UPDATE jobs SET state = 'queued', owner = NULL, lease_until = NULL,
                     error = 'was uncertain; printed again with --reprint-uncertain', updated_at = ?1
                 WHERE state = 'uncertain' AND NOT {SENT_SINCE}"
            ),
            [stamp(now)],
        )?)
    }

    /// The `uncertain` jobs still waiting for the operator, oldest first: those whose label has not
    /// been sent since by a later job.
    pub fn unsettled_uncertain(&self) -> Result<Vec<Job>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE state = 'uncertain' AND NOT {SENT_SINCE}
             ORDER BY id"
        ))?;
        let rows = stmt.query_map([], job_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Claims the oldest queued job (of `only`, when given) for this process.
    pub fn claim_next(
        &mut self,
        only: Option<&[i64]>,
        now: DateTime<Utc>,
    ) -> Result<Option<Job>, StoreError> {
        let owner = self.owner();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id: Option<i64> = match only {
            None => oldest_queued(&tx)?,
            Some(ids) => {
                let mut found = None;
                for &id in ids {
                    let queued: bool = tx
                        .prepare_cached(
                            "SELECT EXISTS (SELECT 1 FROM jobs WHERE id = ?1 AND state = 'queued')",
                        )?
                        .query_row([id], |r| r.get(0))?;
                    if queued {
                        found = Some(id);
                        break;
                    }
                }
                found
            }
        };
        let Some(id) = id else {
            return Ok(None);
        };
        claim_job(&tx, id, &owner, now)?;
        tx.commit()?;
        self.job(id).map(Some)
    }

    /// `claimed → sending`, written (and synced) just before the first byte goes to `printer`. `false`
    /// when this process no longer holds the job or it is not `claimed`. First checks that the
    /// database files are the ones opened ([`Store::check_files`]): the row must not be lost.
    pub fn start_sending(
        &mut self,
        id: i64,
        printer: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.check_files()?;
        self.move_held(id, JobState::Sending, Some(printer), None, None, now)
    }

    /// `sending → sent`: all `bytes` reached the printer; `confirmed` when the printer also answered
    /// after the job and reported itself ready (see [`crate::printer::PrintReport`]).
    pub fn mark_sent(
        &mut self,
        id: i64,
        bytes: usize,
        confirmed: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
        let moved = self.move_held(id, JobState::Sent, None, None, Some(bytes), now)?;
        if moved {
            self.conn
                .prepare_cached("UPDATE jobs SET confirmed = ?2 WHERE id = ?1")?
                .execute(params![id, confirmed])?;
        }
        Ok(moved)
    }

    /// `claimed → failed` or `sending → failed`: nothing reached the printer, for the reason `error`
    /// (and on `printer`, when one was tried).
    pub fn mark_failed(
        &mut self,
        id: i64,
        printer: Option<&str>,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.move_held(id, JobState::Failed, printer, Some(error), None, now)
    }

    /// `sending → uncertain`: the link failed after part of the job may have reached the printer.
    pub fn mark_uncertain(
        &mut self,
        id: i64,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.move_held(id, JobState::Uncertain, None, Some(error), None, now)
    }

    /// Moves a job this process holds to `to`, only from a state [`JobState::can_become`] allows.
    fn move_held(
        &mut self,
        id: i64,
        to: JobState,
        printer: Option<&str>,
        error: Option<&str>,
        bytes: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let from: Vec<&str> = [JobState::Claimed, JobState::Sending]
            .into_iter()
            .filter(|s| s.can_become(to))
            .map(JobState::as_str)
            .collect();
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE jobs SET state = ?2, printer = COALESCE(?3, printer), error = ?4,
                     bytes = COALESCE(?5, bytes), updated_at = ?6
                 WHERE id = ?1 AND owner = ?7 AND state IN (?8, ?9)",
            )?
            .execute(params![
                id,
                to.as_str(),
                printer,
                error,
                bytes,
                stamp(now),
                self.owner(),
                from.first().copied(),
                from.last().copied(),
            ])?;
        self.renew_leases(now)?;
        Ok(changed == 1)
    }

    /// Takes a posting's queued jobs out of the queue (as `failed` with `why`), e.g. when the posting
    /// is cancelled; jobs a process holds are left to it. Returns their ids.
    pub fn drop_queued_jobs(
        &mut self,
        posting: &str,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "UPDATE jobs SET state = 'failed', error = ?2, updated_at = ?3
             WHERE posting_number = ?1 AND state = 'queued' RETURNING id",
        )?;
        let ids = stmt
            .query_map(params![posting, why, stamp(now)], |r| r.get(0))?
            .collect::<Result<Vec<i64>, _>>()?;
        Ok(ids)
    }

    /// One job.
    pub fn job(&self, id: i64) -> Result<Job, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"))?
            .query_row([id], job_row)?)
    }

    /// The journal, oldest first, optionally only one state and/or one posting.
    pub fn jobs(
        &self,
        state: Option<JobState>,
        posting: Option<&str>,
    ) -> Result<Vec<Job>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE (?1 IS NULL OR state = ?1)
                 AND (?2 IS NULL OR posting_number = ?2) ORDER BY id"
        ))?;
        let rows = stmt.query_map(params![state.map(JobState::as_str), posting], job_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The id of a queued job, if one is waiting (cheap check for the loop).
    pub fn next_queued(&self) -> Result<Option<i64>, StoreError> {
        oldest_queued(&self.conn)
    }
}

/// The oldest job waiting in the queue.
fn oldest_queued(conn: &rusqlite::Connection) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT MIN(id) FROM jobs WHERE state = 'queued'")?
        .query_row([], |r| r.get(0))?)
}

/// The oldest job of this label waiting in the queue.
fn queued_job(tx: &rusqlite::Transaction<'_>, unit: &LabelUnit) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT MIN(id) FROM jobs WHERE posting_number = ?1 AND package_number = ?2
                 AND state = 'queued'",
        )?
        .query_row(
            params![unit.posting_number.as_str(), unit.package_number],
            |r| r.get(0),
        )?)
}

/// Claims a queued job for `owner`; the caller's transaction has checked that it is queued.
fn claim_job(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE jobs SET state = 'claimed', owner = ?2, lease_until = ?3,
             attempts = attempts + 1, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, owner, stamp(now + LEASE), stamp(now)])?;
    Ok(())
}

fn insert_job(
    tx: &rusqlite::Transaction<'_>,
    unit: &LabelUnit,
    kind: JobKind,
    owner: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let (state, lease, attempts) = match owner {
        Some(_) => ("claimed", Some(stamp(now + LEASE)), 1),
        None => ("queued", None, 0),
    };
    tx.prepare_cached(
        "INSERT INTO jobs (posting_number, package_number, kind, state, owner, lease_until, attempts,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        unit.posting_number.as_str(),
        unit.package_number,
        kind.as_str(),
        state,
        owner,
        lease,
        attempts,
        stamp(now)
    ])?;
    Ok(tx.last_insert_rowid())
}
