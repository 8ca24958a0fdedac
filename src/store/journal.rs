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
//! Jobs are claimed in a transaction that writes the owner, a lease and a new attempt number, so two
//! processes on the same database never take the same job: on SQLite an `IMMEDIATE` one (one writer at a
//! time), on PostgreSQL one that locks the job's row `FOR UPDATE SKIP LOCKED` (another station's claim
//! skips it and takes the next). The attempt number is the claim's fencing token: every later state
//! change of the job checks owner *and* attempt, so a process whose claim was taken over (its lease
//! expired, the job was settled and claimed again) can no longer move the job. While this process holds
//! jobs, a background connection renews their leases (`store/heartbeat.rs`), so a long print keeps them;
//! a lost connection stops the renewals, and the lease runs out as if the process had died. An owner counts as gone when its lease has expired, or
//! when it ran on this host, boot and PID namespace and no process with its id *and start time* exists
//! (see `store/owner.rs`: a process id used again is not the owner). A job's state change renews its
//! lease, and the heartbeat below renews every held job's lease, so a long batch keeps them; a job held by an
//! owner this process cannot check stays held until its lease expires and is reported meanwhile
//! ([`Store::held_elsewhere`]).

use chrono::{DateTime, Duration, Utc};

use super::db::{params, Backend, Db, Row};
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
    /// Every kind.
    pub const ALL: [JobKind; 5] = [
        JobKind::Print,
        JobKind::Reprint,
        JobKind::Scan,
        JobKind::Raw,
        JobKind::Seen,
    ];

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

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
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
    /// Why it was made.
    pub kind: JobKind,
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

/// What [`Store::enqueue_pending`] did.
#[derive(Debug, Default)]
pub struct Enqueued {
    /// Jobs queued.
    pub queued: usize,
    /// The postings the label rule refuses: they get no job; the caller reports them.
    pub refused: Vec<LabelRuleError>,
}

fn job_row(r: &Row) -> Result<Job, StoreError> {
    let state = r.text(4)?;
    Ok(Job {
        id: r.int(0)?,
        posting_number: PostingNumber::new(r.text(1)?).map_err(|e| StoreError::Corrupt {
            posting: String::new(),
            source: Box::new(e),
        })?,
        package_number: u32::try_from(r.int(2)?).unwrap_or(0),
        kind: {
            let kind = r.text(3)?;
            JobKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                posting: String::new(),
                source: format!("unknown job kind {kind:?}").into(),
            })?
        },
        state: JobState::parse(&state).unwrap_or(JobState::Failed),
        owner: r.opt_text(5)?,
        printer: r.opt_text(6)?,
        error: r.opt_text(7)?,
        attempts: u32::try_from(r.int(8)?).unwrap_or(u32::MAX),
        bytes: r.opt_int(9)?,
        created_at: r.text(10)?,
        updated_at: r.text(11)?,
        confirmed: r.opt_int(12)?.map(|c| c != 0),
        lease_until: r.opt_text(13)?,
    })
}

fn jobs_of(rows: Vec<Row>) -> Result<Vec<Job>, StoreError> {
    rows.iter().map(job_row).collect()
}

/// `FOR UPDATE SKIP LOCKED` on PostgreSQL: rows another station is changing right now are skipped
/// rather than waited for. SQLite's `IMMEDIATE` transaction already excludes every other writer.
fn skip_locked(db: &Db) -> &'static str {
    match db.backend() {
        Backend::Sqlite => "",
        #[cfg(feature = "postgres")]
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
    }
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
        self.db.exec(
            "UPDATE jobs SET lease_until = ?1
             WHERE owner = ?2 AND state IN ('claimed', 'sending')",
            params![stamp(now + self.lease), self.owner()],
        )?;
        Ok(())
    }

    /// Hands the jobs this process holds to the heartbeat, which renews their leases while they are
    /// held (started on the first claim).
    pub(crate) fn heartbeat_sync(&mut self) {
        let held: Vec<(i64, i64)> = self.held.iter().map(|(&id, &a)| (id, a)).collect();
        if held.is_empty() && self.heartbeat.is_none() {
            return;
        }
        let owner = self.owner();
        let lease = self.lease;
        let location = self.location.clone();
        self.heartbeat
            .get_or_insert_with(|| super::heartbeat::Heartbeat::start(location, owner, lease))
            .hold(held);
    }

    /// Claimed and sending jobs held by other processes that [`Store::recover`] could not settle:
    /// owners that may still run (this process cannot check them: another host or PID namespace)
    /// until their lease expires.
    pub fn held_elsewhere(&self) -> Result<Vec<Job>, StoreError> {
        jobs_of(self.db.rows(
            &format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE state IN ('claimed', 'sending')
                 AND (owner IS NULL OR owner <> ?1) ORDER BY id"
            ),
            params![self.owner()],
        )?)
    }

    /// Settles jobs whose owner is gone: `claimed` ones go back to the queue (nothing was sent),
    /// `sending` ones become `uncertain`. Returns the jobs that became uncertain.
    pub fn recover(&mut self, now: DateTime<Utc>) -> Result<Vec<Job>, StoreError> {
        let me = self.me();
        let tx = self.db.begin()?;
        let held = tx.rows(
            &format!(
                "SELECT id, state, owner, lease_until, attempts FROM jobs
                 WHERE state IN ('claimed', 'sending') ORDER BY id{}",
                skip_locked(&tx)
            ),
            params![],
        )?;
        let mut uncertain = Vec::new();
        for row in held {
            let (id, state, owner, lease, attempts) = (
                row.int(0)?,
                row.text(1)?,
                row.opt_text(2)?,
                row.opt_text(3)?,
                row.int(4)?,
            );
            if !owner_gone(owner.as_deref(), lease.as_deref(), &me, now) {
                continue;
            }
            let who = owner.as_deref().unwrap_or("?");
            if state == "claimed" {
                tx.exec(
                    "UPDATE jobs SET state = 'queued', owner = NULL, lease_until = NULL,
                         updated_at = ?2 WHERE id = ?1 AND attempts = ?3 AND state = 'claimed'",
                    params![id, stamp(now), attempts],
                )?;
            } else {
                let why = format!(
                    "interrupted while sending ({who} stopped): the printer may or may not have printed it"
                );
                let changed = tx.exec(
                    "UPDATE jobs SET state = 'uncertain', error = ?2, updated_at = ?3
                     WHERE id = ?1 AND attempts = ?4 AND state = 'sending'",
                    params![id, why, stamp(now), attempts],
                )?;
                if changed == 1 {
                    uncertain.push(id);
                }
            }
        }
        tx.commit()?;
        uncertain.into_iter().map(|id| self.job(id)).collect()
    }

    /// Queues a `print` job for every label of every posting labelable at `now` that has no job
    /// queued, in progress, sent or uncertain. Says how many were queued, and the postings the
    /// label rule refuses (they get no job; the caller reports them).
    pub fn enqueue_pending(&mut self, now: DateTime<Utc>) -> Result<Enqueued, StoreError> {
        let tx = self.db.begin()?;
        let mut queued = 0;
        let mut refused = Vec::new();
        // Candidates: postings awaiting delivery with no job yet, or with a failed one. A posting
        // whose jobs all stand was queued whole (every path queues all of a posting's labels in one
        // transaction), so a queue of thousands of printed postings costs one query, not three per
        // posting, for each station's run.
        let candidates: Vec<String> = tx
            .rows(
                "SELECT posting_number FROM postings AS p WHERE status = ?1 AND (
                     NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.posting_number = p.posting_number
                         AND jobs.state <> 'failed')
                     OR EXISTS (SELECT 1 FROM jobs WHERE jobs.posting_number = p.posting_number
                         AND jobs.state = 'failed'))
                 ORDER BY posting_number",
                params![Status::AwaitingDeliver.as_str()],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_, _>>()?;
        for number in candidates {
            // A scan on another station queues this posting's labels under the same lock.
            tx.lock_posting(&number)?;
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
                let covered = tx
                    .row(
                        "SELECT EXISTS (SELECT 1 FROM jobs WHERE posting_number = ?1
                             AND package_number = ?2 AND state <> 'failed')",
                        params![&unit.posting_number, unit.package_number],
                    )?
                    .map(|r| r.int(0))
                    .transpose()?
                    .unwrap_or(0)
                    != 0;
                if !covered {
                    insert_job(&tx, &unit, JobKind::Print, None, self.lease, Utc::now())?;
                    queued += 1;
                }
            }
        }
        tx.commit()?;
        Ok(Enqueued { queued, refused })
    }

    /// Adds jobs for these labels; with `claim`, they are claimed by this process in the same
    /// transaction (a scan prints them at once), and a label that already has a job waiting in the
    /// queue gets that job instead of a second one, which a later run would print again. A label
    /// another live process is printing right now is refused with [`StoreError::Busy`] (a scan on one
    /// station while `print --pending` on another sends that label). Returns their ids.
    pub fn add_jobs(
        &mut self,
        units: &[LabelUnit],
        kind: JobKind,
        claim: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        let owner = claim.then(|| self.owner());
        let me = self.me();
        let tx = self.db.begin()?;
        let mut ids = Vec::with_capacity(units.len());
        let mut claimed = Vec::new();
        for unit in units {
            tx.lock_posting(&unit.posting_number)?;
            let id = match owner.as_deref() {
                Some(owner) => match queued_job(&tx, unit)? {
                    Some(id) => {
                        if let Some(attempt) = claim_job(&tx, id, owner, self.lease, now)? {
                            claimed.push((id, attempt));
                        }
                        id
                    }
                    None => {
                        if let Some(job) = in_flight(&tx, unit, owner)? {
                            if !owner_gone(
                                job.owner.as_deref(),
                                job.lease_until.as_deref(),
                                &me,
                                now,
                            ) {
                                return Err(StoreError::Busy {
                                    label: unit.name(),
                                    owner: job.owner.unwrap_or_default(),
                                });
                            }
                        }
                        let id = insert_job(&tx, unit, kind, Some(owner), self.lease, now)?;
                        claimed.push((id, 1));
                        id
                    }
                },
                None => insert_job(&tx, unit, kind, None, self.lease, now)?,
            };
            ids.push(id);
        }
        tx.commit()?;
        self.held.extend(claimed);
        self.heartbeat_sync();
        Ok(ids)
    }

    /// Whether a label of this posting package has been sent.
    pub fn was_sent(&self, posting: &str, package: u32) -> Result<bool, StoreError> {
        Ok(self
            .db
            .row(
                "SELECT EXISTS (SELECT 1 FROM jobs WHERE posting_number = ?1
                     AND package_number = ?2 AND state = 'sent')",
                params![posting, package],
            )?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0)
            != 0)
    }

    /// Puts every unsettled `uncertain` job (see [`Store::unsettled_uncertain`]) back in the queue,
    /// on the user's word that its label did not come out. Returns how many.
    pub fn requeue_uncertain(&mut self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let n = self.db.exec(
            &format!(
                "UPDATE jobs SET state = 'queued', owner = NULL, lease_until = NULL,
                     error = 'was uncertain; printed again with --reprint-uncertain', updated_at = ?1
                 WHERE state = 'uncertain' AND NOT {SENT_SINCE}"
            ),
            params![stamp(now)],
        )?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// The `uncertain` jobs still waiting for the operator, oldest first: those whose label has not
    /// been sent since by a later job.
    pub fn unsettled_uncertain(&self) -> Result<Vec<Job>, StoreError> {
        jobs_of(self.db.rows(
            &format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE state = 'uncertain' AND NOT {SENT_SINCE}
                 ORDER BY id"
            ),
            params![],
        )?)
    }

    /// Claims the oldest queued job (of `only`, when given) for this process.
    pub fn claim_next(
        &mut self,
        only: Option<&[i64]>,
        now: DateTime<Utc>,
    ) -> Result<Option<Job>, StoreError> {
        let owner = self.owner();
        let tx = self.db.begin()?;
        let lock = skip_locked(&tx);
        let id: Option<i64> = match only {
            None => tx
                .row(
                    &format!(
                        "SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1{lock}"
                    ),
                    params![],
                )?
                .map(|r| r.int(0))
                .transpose()?,
            Some(ids) => {
                let mut found = None;
                for &id in ids {
                    let queued = tx.row(
                        &format!("SELECT id FROM jobs WHERE id = ?1 AND state = 'queued'{lock}"),
                        params![id],
                    )?;
                    if queued.is_some() {
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
        let Some(attempt) = claim_job(&tx, id, &owner, self.lease, now)? else {
            return Ok(None);
        };
        tx.commit()?;
        self.held.insert(id, attempt);
        self.heartbeat_sync();
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
        self.move_held(id, JobState::Sending, Some(printer), None, None, None, now)
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
        self.move_held(
            id,
            JobState::Sent,
            None,
            None,
            Some(bytes),
            Some(confirmed),
            now,
        )
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
        self.move_held(id, JobState::Failed, printer, Some(error), None, None, now)
    }

    /// `sending → uncertain`: the link failed after part of the job may have reached the printer.
    pub fn mark_uncertain(
        &mut self,
        id: i64,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.move_held(id, JobState::Uncertain, None, Some(error), None, None, now)
    }

    /// Moves a job this process holds to `to`, only from a state [`JobState::can_become`] allows, and
    /// only while the job carries the attempt number this process claimed it at (the fencing token:
    /// a job taken over since is not this process's any more, whatever its owner column says).
    #[allow(clippy::too_many_arguments)]
    fn move_held(
        &mut self,
        id: i64,
        to: JobState,
        printer: Option<&str>,
        error: Option<&str>,
        bytes: Option<i64>,
        confirmed: Option<bool>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let from: Vec<&str> = [JobState::Claimed, JobState::Sending]
            .into_iter()
            .filter(|s| s.can_become(to))
            .map(JobState::as_str)
            .collect();
        let fence = self.held.get(&id).copied();
        let result = self.db.exec(
            "UPDATE jobs SET state = ?2, printer = COALESCE(?3, printer), error = ?4,
                 bytes = COALESCE(?5, bytes), confirmed = COALESCE(?10, confirmed), updated_at = ?6,
                 lease_until = ?12
             WHERE id = ?1 AND owner = ?7 AND state IN (?8, ?9) AND attempts = ?11",
            params![
                id,
                to.as_str(),
                printer,
                error,
                bytes,
                stamp(now),
                self.owner(),
                from.first().copied(),
                from.last().copied(),
                confirmed,
                fence,
                stamp(now + self.lease),
            ],
        );
        let changed = match result {
            Ok(n) => n,
            Err(e) => {
                // The connection may be gone: stop renewing, so the leases run out and another
                // station settles these jobs as it would a dead process's.
                self.held.clear();
                self.heartbeat_sync();
                return Err(e);
            }
        };
        // Finished, or no longer this process's (taken over): not renewed any more. A move refused
        // only because the job is in another state of ours (claimed → sent) keeps it held.
        let still_ours = match changed {
            1 => to == JobState::Sending,
            _ => self
                .db
                .row(
                    "SELECT 1 FROM jobs WHERE id = ?1 AND owner = ?2 AND attempts = ?3
                         AND state IN ('claimed', 'sending')",
                    params![id, self.owner(), fence],
                )?
                .is_some(),
        };
        if !still_ours && self.held.remove(&id).is_some() {
            self.heartbeat_sync();
        }
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
        self.db
            .rows(
                "UPDATE jobs SET state = 'failed', error = ?2, updated_at = ?3
                 WHERE posting_number = ?1 AND state = 'queued' RETURNING id",
                params![posting, why, stamp(now)],
            )?
            .iter()
            .map(|r| r.int(0))
            .collect()
    }

    /// One job.
    pub fn job(&self, id: i64) -> Result<Job, StoreError> {
        let row = self
            .db
            .row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
                params![id],
            )?
            .ok_or_else(|| {
                StoreError::Sqlite(super::DatabaseError::message(format!("no job #{id}")))
            })?;
        job_row(&row)
    }

    /// The journal, oldest first, optionally only one state and/or one posting.
    pub fn jobs(
        &self,
        state: Option<JobState>,
        posting: Option<&str>,
    ) -> Result<Vec<Job>, StoreError> {
        jobs_of(self.db.rows(
            &format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE (CAST(?1 AS TEXT) IS NULL OR state = ?1)
                     AND (CAST(?2 AS TEXT) IS NULL OR posting_number = ?2) ORDER BY id"
            ),
            params![state.map(JobState::as_str), posting],
        )?)
    }

    /// The id of a queued job, if one is waiting (cheap check for the loop).
    pub fn next_queued(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .db
            .row("SELECT MIN(id) FROM jobs WHERE state = 'queued'", params![])?
            .map(|r| r.opt_int(0))
            .transpose()?
            .flatten())
    }
}

/// The oldest job of this label waiting in the queue, locked for this transaction.
fn queued_job(tx: &Db, unit: &LabelUnit) -> Result<Option<i64>, StoreError> {
    let lock = match tx.backend() {
        Backend::Sqlite => "",
        #[cfg(feature = "postgres")]
        Backend::Postgres => " FOR UPDATE",
    };
    tx.row(
        &format!(
            "SELECT id FROM jobs WHERE posting_number = ?1 AND package_number = ?2
                 AND state = 'queued' ORDER BY id LIMIT 1{lock}"
        ),
        params![&unit.posting_number, unit.package_number],
    )?
    .map(|r| r.int(0))
    .transpose()
}

/// A job of this label that another process holds (claimed or sending), if any.
fn in_flight(tx: &Db, unit: &LabelUnit, me: &str) -> Result<Option<Job>, StoreError> {
    tx.row(
        &format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE posting_number = ?1 AND package_number = ?2
                 AND state IN ('claimed', 'sending') AND (owner IS NULL OR owner <> ?3)
             ORDER BY id LIMIT 1"
        ),
        params![&unit.posting_number, unit.package_number, me],
    )?
    .map(|r| job_row(&r))
    .transpose()
}

/// Claims a queued job for `owner`: a new attempt number (returned: the claim's fencing token), the
/// owner and a lease. `None` when the job is no longer queued.
fn claim_job(
    tx: &Db,
    id: i64,
    owner: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    tx.row(
        "UPDATE jobs SET state = 'claimed', owner = ?2, lease_until = ?3,
             attempts = attempts + 1, updated_at = ?4 WHERE id = ?1 AND state = 'queued'
         RETURNING attempts",
        params![id, owner, stamp(now + lease), stamp(now)],
    )?
    .map(|r| r.int(0))
    .transpose()
}

fn insert_job(
    tx: &Db,
    unit: &LabelUnit,
    kind: JobKind,
    owner: Option<&str>,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let (state, lease, attempts) = match owner {
        Some(_) => ("claimed", Some(stamp(now + lease)), 1),
        None => ("queued", None, 0),
    };
    tx.row(
        "INSERT INTO jobs (posting_number, package_number, kind, state, owner, lease_until, attempts,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) RETURNING id",
        params![
            &unit.posting_number,
            unit.package_number,
            kind.as_str(),
            state,
            owner,
            lease,
            attempts as i64,
            stamp(now)
        ],
    )?
    .ok_or_else(|| {
        StoreError::Sqlite(super::DatabaseError::message(
            "INSERT … RETURNING gave no row".to_owned(),
        ))
    })?
    .int(0)
}
