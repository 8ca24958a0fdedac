//! The packing station: the workflow over the store, the composer and a printer. Labels rendered from
//! stored postings go through the journal to a printer, for `print --pending`, `reprint` and `scan`.
//!
//! This is the one place that knows the order of those steps; the store below it only stores.
//!
//! `now` (the `--now` option) decides labelability and the passport gate; the journal's own times
//! (claims, leases, state changes) always come from the real clock, since other processes compare them.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use crate::compose::{compose, ComposeError};
use crate::label::{labels_of, LabelRuleError, LabelUnit, NamedBitmap};
use crate::order::{NotLabelable, Posting, Status};
use crate::printer::{encode_job, Job, PrintOptions, Printer, PrinterError, Profile, SendError};
use crate::render::rasterize;
use crate::store::{Found, JobKind, JobState, Store, StoreError};
use crate::template::Template;

mod desk;

pub use desk::{
    package_of, posting_card, print_raw, product_sku, CardItem, CardLabel, CardPackage,
    PostingCard, RawPrinted,
};

/// What went wrong while printing from the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StationError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The posting cannot be labelled now.
    #[error(transparent)]
    NotLabelable(#[from] NotLabelable),
    /// The label rule refuses the posting (too many boxes, no product lines).
    #[error(transparent)]
    Rule(#[from] LabelRuleError),
    /// `ship` of a posting some of whose labels were never sent to a printer.
    #[error("posting {posting}: label {} not printed; print it first (print --pending, reprint) or ship with --without-label", labels.join(", "))]
    LabelNotSent {
        /// The posting number.
        posting: String,
        /// The labels never sent, by name.
        labels: Vec<String>,
    },
    /// A split that names no product of the posting, or an empty package.
    #[error("{0}")]
    BadSplit(String),
    /// A package number the posting does not have.
    #[error("posting {posting} has no package {package}")]
    NoSuchPackage {
        /// The posting number.
        posting: String,
        /// The package number asked for.
        package: u32,
    },
    /// A journal job that is not in the state the action needs.
    #[error("job #{id} is {state}, not {expected}")]
    JobState {
        /// The job.
        id: i64,
        /// Its state.
        state: JobState,
        /// The state the action needs.
        expected: JobState,
    },
    /// The template cannot lay out this posting's label.
    #[error(transparent)]
    Compose(Box<ComposeError>),
    /// The printer failed or refused; `sent` says whether any byte of the job reached it.
    #[error("{source}")]
    Printer {
        /// The printer's error.
        #[source]
        source: PrinterError,
        /// Whether bytes of the job may have reached the printer.
        sent: bool,
    },
}

impl From<ComposeError> for StationError {
    fn from(e: ComposeError) -> Self {
        StationError::Compose(Box::new(e))
    }
}

/// Renders a stored posting's label to a bitmap at the printer's resolution. The template is parsed
/// once and the fonts are static, so one label costs only its layout and raster.
#[derive(Debug, Clone)]
pub struct LabelMaker {
    template: Template,
    dpi: u32,
}

impl LabelMaker {
    /// A maker for `template` at `dpi`.
    pub fn new(template: Template, dpi: u32) -> LabelMaker {
        LabelMaker { template, dpi }
    }

    /// The labels of one package of a posting, named, in the order they print: the label rule
    /// ([`labels_of`]) decides them, as it does for every other path.
    pub fn bitmaps(
        &self,
        posting: &Posting,
        unit: &LabelUnit,
    ) -> Result<Vec<NamedBitmap>, StationError> {
        labels_of(posting, self.template.repeat)?
            .into_iter()
            .filter(|l| l.unit.package_number == unit.package_number)
            .map(|l| {
                let composed = compose(&self.template, &l.data, Some(self.dpi))?;
                Ok(NamedBitmap {
                    name: l.name(),
                    bitmap: rasterize(&composed.scene, self.dpi),
                })
            })
            .collect()
    }
}

/// What [`Station::reprint`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reprinted {
    /// The labels printed.
    pub summary: PrintSummary,
    /// The labels of those that no printer had been sent before, by name: a "reprint" that is in
    /// fact their first print (worth telling the operator, who may expect a duplicate).
    pub never_sent: Vec<String>,
}

/// A label a printer was sent, by name, and when (the last sending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentLabel {
    /// The label's name.
    pub name: String,
    /// When it was last sent.
    pub at: DateTime<Utc>,
}

/// What a print run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintSummary {
    /// Labels sent (every byte taken by the printer), by name, confirmed or not.
    pub sent: Vec<String>,
    /// The labels of `sent` the printer did not confirm (no status reply after the job, or status
    /// checks off): they went to the printer, but nothing says they came out.
    pub unconfirmed: Vec<String>,
    /// Jobs held by other processes this one cannot check (another host or container), with their
    /// owner and lease (the reason): settled when the lease expires.
    pub held: Vec<LabelIssue>,
    /// Jobs that failed without sending, with the reason.
    pub failed: Vec<LabelIssue>,
    /// Jobs found or left uncertain, with the reason.
    pub uncertain: Vec<LabelIssue>,
    /// Jobs still queued when the run stopped.
    pub left_queued: usize,
}

/// A label that did not simply print: which one and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelIssue {
    /// The label's name: the posting number, with the package number when there are several.
    pub label: String,
    /// What happened, in words for the operator.
    pub reason: String,
}

/// What one scanned line did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOutcome {
    /// Whether the scan did what it should: the label was printed, or (with
    /// [`Rescan::Ask`]) the posting was found already printed and nothing was sent.
    pub ok: bool,
    /// One line for the operator.
    pub line: String,
    /// The journal jobs the scan made.
    pub jobs: Vec<i64>,
    /// The posting the code found, when it found exactly one.
    pub posting: Option<String>,
    /// The scan packed the posting (it was awaiting packaging).
    pub packed: bool,
    /// Every label of the posting had been sent before and, with [`Rescan::Ask`], nothing was sent
    /// now: printing again takes an explicit reprint.
    pub printed_before: bool,
    /// Why the scan failed, as a kind a user interface can put in its own words; `None` when `ok`.
    pub problem: Option<ScanProblem>,
}

/// Why a scan failed (the [`ScanOutcome::line`] has the details).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScanProblem {
    /// No posting has this code.
    UnknownCode,
    /// Several postings have this code (a product code of several postings).
    Ambiguous,
    /// The posting awaits packaging and could not be packed (the passport gate, a lifecycle rule).
    NotPacked,
    /// The posting cannot be labelled now (its status, the passport gate, the label rule).
    NoLabel,
    /// The printer refused, could not be reached, or failed while the label was being sent.
    Printer,
    /// Bytes may have reached the printer before it failed: the label may or may not have come out.
    Uncertain,
    /// The store failed.
    Store,
}

impl ScanProblem {
    /// A stable name for the kind (`unknown_code`, `printer`, …), for a user interface's own texts.
    pub fn as_str(self) -> &'static str {
        match self {
            ScanProblem::UnknownCode => "unknown_code",
            ScanProblem::Ambiguous => "ambiguous",
            ScanProblem::NotPacked => "not_packed",
            ScanProblem::NoLabel => "no_label",
            ScanProblem::Printer => "printer",
            ScanProblem::Uncertain => "uncertain",
            ScanProblem::Store => "store",
        }
    }
}

/// What a scan does with a posting whose labels have all been sent already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rescan {
    /// Print them again (`shiplabel scan`: the operator scanned it again on purpose).
    PrintAgain,
    /// Send nothing and say so ([`ScanOutcome::printed_before`]): the packer's page, where printing
    /// again takes an explicit button.
    Ask,
}

/// What a scan found out on its way, for its [`ScanOutcome`].
#[derive(Debug, Default)]
struct ScanTrail {
    jobs: Vec<i64>,
    posting: Option<String>,
    packed: bool,
    printed_before: bool,
}

/// The store, a label maker and a printer: the packing station.
#[derive(Debug)]
pub struct Station<'s> {
    store: &'s mut Store,
    maker: LabelMaker,
    uri: String,
    profile: Profile,
    options: PrintOptions,
    printer: Option<Printer>,
}

impl<'s> Station<'s> {
    /// A station printing on `uri` with `profile`; the printer is connected on the first label.
    pub fn new(
        store: &'s mut Store,
        template: Template,
        uri: &str,
        profile: Profile,
        options: PrintOptions,
    ) -> Station<'s> {
        let maker = LabelMaker::new(template, profile.dpi);
        Station {
            store,
            maker,
            uri: uri.to_owned(),
            profile,
            options,
            printer: None,
        }
    }

    /// The store.
    pub fn store(&mut self) -> &mut Store {
        self.store
    }

    /// `print --pending`: settles jobs of processes that are gone, queues every labelable posting
    /// without a label, optionally requeues uncertain jobs, and prints the queue. Stops at the first
    /// printer failure (the rest stays queued for the next run).
    pub fn print_pending(
        &mut self,
        reprint_uncertain: bool,
        now: DateTime<Utc>,
        mut progress: impl FnMut(&str),
    ) -> Result<PrintSummary, StationError> {
        let mut summary = PrintSummary::default();
        // Jobs that become uncertain here are reported below with those of earlier runs.
        self.store.recover(Utc::now())?;
        if reprint_uncertain {
            self.store.requeue_uncertain(Utc::now())?;
        }
        let refused = self.store.enqueue_pending(now)?.refused;
        for e in refused {
            let line = e.to_string();
            progress(&format!("not printed: {line}"));
            let name = match &e {
                LabelRuleError::TooManyBoxes { posting, .. } => posting.clone(),
                LabelRuleError::NoProducts { label } => label.clone(),
            };
            summary.failed.push(LabelIssue {
                label: name,
                reason: line,
            });
        }
        let result = self.print_queue(None, now, &mut summary, &mut progress);
        // Uncertain jobs are reported every run until resolved; with `reprint_uncertain` they have
        // just been printed again and are no longer uncertain.
        for job in self.store.unsettled_uncertain()? {
            let name = self.label_name(&job.posting_number, job.package_number);
            summary.uncertain.push(LabelIssue {
                label: name,
                reason: job.error.unwrap_or_default(),
            });
        }
        for job in self.store.held_elsewhere()? {
            let name = self.label_name(&job.posting_number, job.package_number);
            let owner = job.owner.unwrap_or_default();
            let until = job.lease_until.unwrap_or_default();
            summary.held.push(LabelIssue {
                label: name,
                reason: format!("{} by {owner} until {until}", job.state),
            });
        }
        summary.left_queued = self.store.jobs(Some(JobState::Queued), None)?.len();
        result.map(|()| summary)
    }

    /// `reprint POSTING`: a new job for each label of the posting, printed now. Also returns the
    /// labels that had never been sent before, so that a "printed again" is never said of a first print.
    pub fn reprint(&mut self, number: &str, now: DateTime<Utc>) -> Result<Reprinted, StationError> {
        self.reprint_package(number, None, now)
    }

    /// [`Station::reprint`] of one package's label (`Some(n)`, package numbers from 1), or of all
    /// (`None`): the packer's answer "no" to "did the label of box 2 come out?" prints that box only.
    pub fn reprint_package(
        &mut self,
        number: &str,
        package: Option<u32>,
        now: DateTime<Utc>,
    ) -> Result<Reprinted, StationError> {
        let posting = self.store.posting(number)?;
        posting.labelable(now)?;
        let mut units = LabelUnit::of(&posting)?;
        if let Some(n) = package {
            units.retain(|u| u.package_number == n);
            if units.is_empty() {
                return Err(StationError::NoSuchPackage {
                    posting: number.to_owned(),
                    package: n,
                });
            }
        }
        let mut never_sent = Vec::new();
        for u in &units {
            if !self.store.was_sent(&u.posting_number, u.package_number)? {
                never_sent.push(u.name());
            }
        }
        // The posting's labels still waiting in the queue are the ones this reprint sends now: left
        // queued, the next `print --pending` would send them a second time.
        self.store
            .drop_queued_jobs(number, "superseded by a reprint", Utc::now())?;
        let ids = self
            .store
            .add_jobs(&units, JobKind::Reprint, false, Utc::now())?;
        let mut summary = PrintSummary::default();
        self.print_queue(Some(&ids), now, &mut summary, &mut |_| {})?;
        Ok(Reprinted {
            summary,
            never_sent,
        })
    }

    /// Prints claimed-or-queued jobs (all queued ones, or `only`) until none is left or the printer
    /// fails.
    fn print_queue(
        &mut self,
        only: Option<&[i64]>,
        now: DateTime<Utc>,
        summary: &mut PrintSummary,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(), StationError> {
        while let Some(job) = self.store.claim_next(only, Utc::now())? {
            let unit = LabelUnit {
                posting_number: job.posting_number.clone(),
                package_number: job.package_number,
                boxes: 1,
            };
            self.print_job(job.id, unit, None, now, summary, progress)?;
        }
        Ok(())
    }

    /// Prints one job this process has claimed, of `posting` when the caller holds it (a scan) or
    /// else of the stored posting. Label problems fail the job and go on; printer problems fail (or,
    /// when bytes may have gone out, make uncertain) the job and stop.
    fn print_job(
        &mut self,
        id: i64,
        unit: LabelUnit,
        posting: Option<&Posting>,
        now: DateTime<Utc>,
        summary: &mut PrintSummary,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(), StationError> {
        let label = self.prepare(&unit, posting, now);
        let (name, bytes) = match label {
            Ok(ready) => ready,
            Err(e) => {
                let name = self.label_name(&unit.posting_number, unit.package_number);
                let why = error_line(&e);
                self.store.mark_failed(id, None, &why, Utc::now())?;
                progress(&format!("{name}: not printed: {why}"));
                summary.failed.push(LabelIssue {
                    label: name,
                    reason: why,
                });
                return Ok(());
            }
        };
        // The printer is connected on the first label and kept while it works.
        let printer = match &mut self.printer {
            Some(printer) => printer,
            slot @ None => {
                match Printer::open_with(&self.uri, self.profile.clone(), self.options) {
                    Ok(printer) => slot.insert(printer),
                    Err(source) => {
                        let e = StationError::Printer {
                            source,
                            sent: false,
                        };
                        let why = error_line(&e);
                        self.store
                            .mark_failed(id, Some(&self.uri), &why, Utc::now())?;
                        summary.failed.push(LabelIssue {
                            label: name,
                            reason: why,
                        });
                        return Err(e);
                    }
                }
            }
        };
        // The journal says `sending` (synced) before the first byte leaves.
        if !self.store.start_sending(id, &self.uri, Utc::now())? {
            return Ok(());
        }
        match printer.send_jobs(&bytes) {
            Ok(report) => {
                self.store
                    .mark_sent(id, report.bytes, report.confirmed, Utc::now())?;
                let confirmed = if report.confirmed {
                    "confirmed by the printer"
                } else {
                    "not confirmed"
                };
                progress(&format!(
                    "{name}: sent {} bytes, {confirmed}; printer: {}",
                    report.bytes,
                    report.printer_said()
                ));
                if !report.confirmed {
                    summary.unconfirmed.push(name.clone());
                }
                summary.sent.push(name);
                Ok(())
            }
            Err(SendError {
                error: source,
                maybe_printed: sent,
            }) => {
                self.printer = None;
                let why = error_line(&source);
                if sent {
                    self.store.mark_uncertain(id, &why, Utc::now())?;
                    summary.uncertain.push(LabelIssue {
                        label: name,
                        reason: why,
                    });
                } else {
                    self.store.mark_failed(id, None, &why, Utc::now())?;
                    summary.failed.push(LabelIssue {
                        label: name,
                        reason: why,
                    });
                }
                Err(StationError::Printer { source, sent })
            }
        }
    }

    /// The label's name and printer bytes (nothing touches the printer yet). A scan passes the
    /// posting it has just looked up and packed, which spares its hot path a second load.
    fn prepare(
        &self,
        unit: &LabelUnit,
        posting: Option<&Posting>,
        now: DateTime<Utc>,
    ) -> Result<(String, Vec<Job>), StationError> {
        let posting = match posting {
            Some(p) => Cow::Borrowed(p),
            None => Cow::Owned(self.store.posting(&unit.posting_number)?),
        };
        posting.labelable(now)?;
        let unit = LabelUnit::of(&posting)?
            .into_iter()
            .find(|u| u.package_number == unit.package_number)
            .unwrap_or_else(|| unit.clone());
        // A job is one package: with a per-product template, its labels go out as one job. ESC/POS
        // copies are streamed: each label is held once, sent `copies` times.
        let mut jobs = Vec::new();
        for NamedBitmap { bitmap, .. } in self.maker.bitmaps(&posting, &unit)? {
            let label =
                encode_job(&bitmap, &self.profile, self.options.copies).map_err(|source| {
                    StationError::Printer {
                        source,
                        sent: false,
                    }
                })?;
            jobs.push(label);
        }
        Ok((unit.name(), jobs))
    }

    /// The name of a job's label as the operator knows it (`posting box n/m` when the posting has
    /// several labels). The journal keeps only the package number, so the stored posting says how
    /// many boxes there are; when it cannot be read, the name falls back to the numbers alone,
    /// since a name is no reason to fail the run.
    fn label_name(&self, posting: &str, package: u32) -> String {
        self.store
            .posting(posting)
            .ok()
            .and_then(|p| {
                LabelUnit::of(&p)
                    .ok()?
                    .into_iter()
                    .find(|u| u.package_number == package)
            })
            .map_or_else(
                || match package {
                    n if n > 1 => format!("{posting} box {n}"),
                    _ => posting.to_owned(),
                },
                |u| u.name(),
            )
    }

    /// One scanned line: find the posting, pack it if it awaits packaging, print its label(s); a
    /// posting printed before is printed again ([`Rescan::PrintAgain`], what `shiplabel scan` does).
    pub fn scan(&mut self, code: &str, now: DateTime<Utc>) -> ScanOutcome {
        self.scan_with(code, now, Rescan::PrintAgain)
    }

    /// [`Station::scan`], with what to do when the posting's labels were all sent before.
    pub fn scan_with(&mut self, code: &str, now: DateTime<Utc>, rescan: Rescan) -> ScanOutcome {
        let mut trail = ScanTrail::default();
        let result = self.scan_inner(code.trim(), now, rescan, &mut trail);
        let (ok, line, problem) = match result {
            Ok(line) => (true, line, None),
            Err((problem, line)) => (false, line, Some(problem)),
        };
        ScanOutcome {
            ok,
            line,
            jobs: trail.jobs,
            posting: trail.posting,
            packed: trail.packed,
            printed_before: trail.printed_before,
            problem,
        }
    }

    fn scan_inner(
        &mut self,
        code: &str,
        now: DateTime<Utc>,
        rescan: Rescan,
        trail: &mut ScanTrail,
    ) -> Result<String, (ScanProblem, String)> {
        let found = self
            .store
            .find_by_code(code)
            .map_err(|e| (ScanProblem::Store, format!("✗ {code}: {e}")))?;
        let mut posting = match found {
            Found::One(p) => *p,
            Found::Nothing => {
                return Err((ScanProblem::UnknownCode, format!("✗ {code}: unknown code")))
            }
            Found::Ambiguous(numbers) => {
                return Err((
                    ScanProblem::Ambiguous,
                    format!(
                        "✗ {code}: matches {} postings ({}): scan the posting number",
                        numbers.len(),
                        numbers.join(", ")
                    ),
                ))
            }
        };
        let number = posting.posting_number.clone();
        trail.posting = Some(number.to_string());
        let mut did = Vec::new();
        // Packing and queuing are one transaction: a label that cannot be queued leaves the posting
        // unpacked, and another station never sees a packed posting without its job.
        let fail = |problem: ScanProblem, e: StationError| {
            (problem, format!("✗ {number}: {}", error_line(&e)))
        };
        let step = self
            .store
            .atomically(|store| {
                let mut packed = false;
                if posting.status == Status::AwaitingPackaging {
                    posting = store.pack(&number, &[], now).map_err(|e| {
                        ScanStop(
                            ScanProblem::NotPacked,
                            format!("✗ {number}: not packed: {e}"),
                        )
                    })?;
                    packed = true;
                }
                posting.labelable(now).map_err(|e| {
                    ScanStop(ScanProblem::NoLabel, format!("✗ {number}: no label: {e}"))
                })?;
                let stop = |problem, e: StationError| {
                    let (problem, line) = fail(problem, e);
                    ScanStop(problem, line)
                };
                let units =
                    LabelUnit::of(&posting).map_err(|e| stop(ScanProblem::NoLabel, e.into()))?;
                let mut again = false;
                let mut all_sent = true;
                for u in &units {
                    let sent = store
                        .was_sent(&u.posting_number, u.package_number)
                        .map_err(|e| stop(ScanProblem::Store, e.into()))?;
                    again |= sent;
                    all_sent &= sent;
                }
                if all_sent && rescan == Rescan::Ask {
                    return Ok(None);
                }
                let kind = if again {
                    JobKind::Reprint
                } else {
                    JobKind::Scan
                };
                let ids = store
                    .add_jobs(&units, kind, true, Utc::now())
                    .map_err(|e| stop(ScanProblem::Store, e.into()))?;
                Ok(Some((posting, packed, again, units, ids)))
            })
            .map_err(|ScanStop(problem, line)| (problem, line))?;
        let Some((posting, packed, again, units, ids)) = step else {
            trail.printed_before = true;
            return Ok(format!(
                "✓ {number}: printed before; nothing sent (print again to make another label)"
            ));
        };
        if packed {
            trail.packed = true;
            did.push("packed");
        }
        trail.jobs.extend_from_slice(&ids);
        let mut summary = PrintSummary::default();
        for (n, (id, unit)) in ids.iter().zip(units).enumerate() {
            if let Err(e) =
                self.print_job(*id, unit, Some(&posting), now, &mut summary, &mut |_| {})
            {
                // The labels after the failed one were claimed by this scan but never sent. Left
                // claimed, they would return to the queue when the scan ends and print a second time
                // after the operator rescans; failed, the next run queues them only if still needed.
                for &rest in &ids[n + 1..] {
                    self.store
                        .mark_failed(
                            rest,
                            None,
                            "not printed: an earlier label of this scan failed",
                            Utc::now(),
                        )
                        .map_err(|e| fail(ScanProblem::Store, e.into()))?;
                }
                let problem = match &e {
                    StationError::Printer { sent: true, .. } => ScanProblem::Uncertain,
                    StationError::Printer { .. } => ScanProblem::Printer,
                    StationError::Store(_) => ScanProblem::Store,
                    _ => ScanProblem::NoLabel,
                };
                return Err(fail(problem, e));
            }
        }
        if let Some(LabelIssue { label, reason }) = summary.failed.first() {
            return Err((
                ScanProblem::NoLabel,
                format!("✗ {label}: not printed: {reason}"),
            ));
        }
        // "Sent" is all the link can say; "confirmed" only when the printer answered after the job.
        did.push(match (again, summary.unconfirmed.is_empty()) {
            (false, true) => "label sent, confirmed by the printer",
            (false, false) => "label sent, not confirmed",
            (true, true) => "label sent again, confirmed by the printer",
            (true, false) => "label sent again, not confirmed",
        });
        let jobs: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
        Ok(format!(
            "✓ {number}: {} (job {})",
            did.join(", "),
            jobs.join(", ")
        ))
    }
}

/// A scanned line refused inside the scan's transaction: what went wrong and the line to show.
struct ScanStop(ScanProblem, String);

impl From<StoreError> for ScanStop {
    fn from(e: StoreError) -> ScanStop {
        ScanStop(ScanProblem::Store, format!("✗ {}", error_line(&e)))
    }
}

/// What [`cancel`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Cancelled {
    /// The posting, cancelled.
    pub posting: Posting,
    /// Its jobs taken out of the queue before they printed.
    pub dropped_jobs: Vec<i64>,
    /// Labels already sent to a printer, by name, with when: they are on a parcel (or on the
    /// printer) and must come off it.
    pub sent: Vec<SentLabel>,
}

/// `cancel POSTING`: cancels the stored posting, takes its queued labels out of the print queue, and
/// says which labels were already sent, so the operator takes them off the parcel.
pub fn cancel(
    store: &mut Store,
    number: &str,
    reason_id: i64,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Cancelled, StationError> {
    let posting = store.cancel(number, reason_id, message, now)?;
    let dropped_jobs = store.drop_queued_jobs(number, "posting cancelled", Utc::now())?;
    Ok(Cancelled {
        sent: sent_labels(store, &posting)?,
        posting,
        dropped_jobs,
    })
}

/// The labels of a posting that a printer was sent, by name, with the time of the last sending.
fn sent_labels(store: &Store, posting: &Posting) -> Result<Vec<SentLabel>, StationError> {
    let units = LabelUnit::of(posting).unwrap_or_default();
    let mut sent = Vec::new();
    for job in store.jobs(Some(JobState::Sent), Some(&posting.posting_number))? {
        let name = units
            .iter()
            .find(|u| u.package_number == job.package_number)
            .map_or_else(|| posting.posting_number.to_string(), LabelUnit::name);
        let at = DateTime::parse_from_rfc3339(&job.updated_at)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        sent.retain(|s: &SentLabel| s.name != name);
        sent.push(SentLabel { name, at });
    }
    Ok(sent)
}

/// `ship POSTING`: hands the stored posting over, but only when every one of its labels has been sent
/// to a printer; `without_label` is the operator's explicit override (a label printed elsewhere).
pub fn ship(
    store: &mut Store,
    number: &str,
    now: DateTime<Utc>,
    without_label: bool,
) -> Result<Posting, StationError> {
    if !without_label {
        let posting = store.posting(number)?;
        let mut missing = Vec::new();
        for unit in LabelUnit::of(&posting)? {
            if !store.was_sent(&unit.posting_number, unit.package_number)? {
                missing.push(unit.name());
            }
        }
        if !missing.is_empty() {
            return Err(StationError::LabelNotSent {
                posting: posting.posting_number.into_string(),
                labels: missing,
            });
        }
    }
    Ok(store.ship(number, now)?)
}

/// An error with its causes on one line: the journal's error column and the scan's line have no room
/// for the CLI's "caused by" lines, and a printer error alone names only the printer.
pub fn error_line(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        // Some messages already end with their cause.
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}
