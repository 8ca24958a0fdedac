//! The packing station: the workflow over the store, the composer and a printer. Labels rendered from
//! stored postings go through the journal to a printer, for `print --pending`, `reprint` and `scan`.
//!
//! This is the one place that knows the order of those steps; the store below it only stores.
//!
//! `now` (the `--now` option) decides labelability and the passport gate; the journal's own times
//! (claims, leases, state changes) always come from the real clock, since other processes compare them.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use crate::bitmap::Bitmap;
use crate::compose::{compose, ComposeError};
use crate::label::LabelData;
use crate::order::{NotLabelable, Posting, Status};
use crate::printer::{encode_label, PrintOptions, Printer, PrinterError, Profile};
use crate::render::raster::rasterize;
use crate::store::{Found, JobKind, JobState, LabelUnit, Store, StoreError};
use crate::template::Template;

/// What went wrong while printing from the store.
#[derive(Debug, thiserror::Error)]
pub enum StationError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The posting cannot be labelled now.
    #[error(transparent)]
    NotLabelable(#[from] NotLabelable),
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

    /// The label of one package of a posting.
    pub fn bitmap(&self, posting: &Posting, unit: &LabelUnit) -> Result<Bitmap, StationError> {
        let data = label_data(posting, unit);
        let composed = compose(&self.template, &data, Some(self.dpi))?;
        Ok(rasterize(&composed.scene, self.dpi))
    }
}

/// The label fields of one package: the renderer's posting adapter over the posting as this package
/// holds it (its own products and tracking number when the posting was split).
fn label_data(posting: &Posting, unit: &LabelUnit) -> LabelData {
    let shipment = posting
        .shipments
        .iter()
        .find(|s| s.package_number == unit.package_number)
        .filter(|_| unit.boxes > 1 && posting.shipments.len() > 1);
    match shipment {
        Some(s) => {
            let mut package = posting.clone();
            package.products = s.products.clone();
            if s.tracking_number.is_some() {
                package.tracking_number = s.tracking_number.clone();
            }
            LabelData::from_posting(&package, unit.package_number, unit.boxes)
        }
        None => LabelData::from_posting(posting, unit.package_number, unit.boxes),
    }
}

/// What a print run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintSummary {
    /// Labels sent, by name.
    pub sent: Vec<String>,
    /// Jobs that failed without sending, with the reason.
    pub failed: Vec<(String, String)>,
    /// Jobs found or left uncertain, with the reason.
    pub uncertain: Vec<(String, String)>,
    /// Jobs still queued when the run stopped.
    pub left_queued: usize,
}

/// What one scanned line did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOutcome {
    /// Whether the label was printed.
    pub ok: bool,
    /// One line for the operator.
    pub line: String,
    /// The journal jobs the scan made.
    pub jobs: Vec<i64>,
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
        self.store.enqueue_pending(now)?;
        let result = self.print_queue(None, now, &mut summary, &mut progress);
        // Uncertain jobs are reported every run until resolved; with `reprint_uncertain` they have
        // just been printed again and are no longer uncertain.
        for job in self.store.unsettled_uncertain()? {
            let name = self.label_name(&job.posting_number, job.package_number);
            summary
                .uncertain
                .push((name, job.error.unwrap_or_default()));
        }
        summary.left_queued = self.store.jobs(Some(JobState::Queued), None)?.len();
        result.map(|()| summary)
    }

    /// `reprint POSTING`: a new job for each label of the posting, printed now.
    pub fn reprint(
        &mut self,
        number: &str,
        now: DateTime<Utc>,
    ) -> Result<PrintSummary, StationError> {
        let posting = self.store.posting(number)?;
        posting.labelable(now)?;
        let units = LabelUnit::of(&posting);
        let ids = self
            .store
            .add_jobs(&units, JobKind::Reprint, false, Utc::now())?;
        let mut summary = PrintSummary::default();
        self.print_queue(Some(&ids), now, &mut summary, &mut |_| {})?;
        Ok(summary)
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
                let why = reason(&e);
                self.store.set_job_state(
                    id,
                    JobState::Failed,
                    None,
                    Some(&why),
                    None,
                    Utc::now(),
                )?;
                progress(&format!("{name}: not printed: {why}"));
                summary.failed.push((name, why));
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
                        let why = reason(&e);
                        self.store.set_job_state(
                            id,
                            JobState::Failed,
                            Some(&self.uri),
                            Some(&why),
                            None,
                            Utc::now(),
                        )?;
                        summary.failed.push((name, why));
                        return Err(e);
                    }
                }
            }
        };
        // The journal says `sending` (synced) before the first byte leaves.
        if !self.store.set_job_state(
            id,
            JobState::Sending,
            Some(&self.uri),
            None,
            None,
            Utc::now(),
        )? {
            return Ok(());
        }
        match printer.send(&bytes) {
            Ok(report) => {
                let size = i64::try_from(report.bytes).unwrap_or(i64::MAX);
                self.store
                    .set_job_state(id, JobState::Sent, None, None, Some(size), Utc::now())?;
                progress(&format!(
                    "{name}: sent {} bytes; printer: {}",
                    report.bytes,
                    report.printer_said()
                ));
                summary.sent.push(name);
                Ok(())
            }
            Err((source, sent)) => {
                self.printer = None;
                let why = reason(&source);
                let state = if sent {
                    summary.uncertain.push((name, why.clone()));
                    JobState::Uncertain
                } else {
                    summary.failed.push((name, why.clone()));
                    JobState::Failed
                };
                self.store
                    .set_job_state(id, state, None, Some(&why), None, Utc::now())?;
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
    ) -> Result<(String, Vec<u8>), StationError> {
        let posting = match posting {
            Some(p) => Cow::Borrowed(p),
            None => Cow::Owned(self.store.posting(&unit.posting_number)?),
        };
        posting.labelable(now)?;
        let unit = LabelUnit::of(&posting)
            .into_iter()
            .find(|u| u.package_number == unit.package_number)
            .unwrap_or_else(|| unit.clone());
        let bitmap = self.maker.bitmap(&posting, &unit)?;
        let bytes =
            encode_label(&bitmap, &self.profile, self.options.copies).map_err(|source| {
                StationError::Printer {
                    source,
                    sent: false,
                }
            })?;
        Ok((unit.name(), bytes))
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

    /// One scanned line: find the posting, pack it if it awaits packaging, print its label(s).
    pub fn scan(&mut self, code: &str, now: DateTime<Utc>) -> ScanOutcome {
        let mut jobs = Vec::new();
        match self.scan_inner(code.trim(), now, &mut jobs) {
            Ok(line) => ScanOutcome {
                ok: true,
                line,
                jobs,
            },
            Err(line) => ScanOutcome {
                ok: false,
                line,
                jobs,
            },
        }
    }

    fn scan_inner(
        &mut self,
        code: &str,
        now: DateTime<Utc>,
        jobs: &mut Vec<i64>,
    ) -> Result<String, String> {
        let found = self
            .store
            .find_by_code(code)
            .map_err(|e| format!("✗ {code}: {e}"))?;
        let mut posting = match found {
            Found::One(p) => *p,
            Found::Nothing => return Err(format!("✗ {code}: unknown code")),
            Found::Ambiguous(numbers) => {
                return Err(format!(
                    "✗ {code}: matches {} postings ({}): scan the posting number",
                    numbers.len(),
                    numbers.join(", ")
                ))
            }
        };
        let number = posting.posting_number.clone();
        let mut did = Vec::new();
        if posting.status == Status::AwaitingPackaging {
            posting = self
                .store
                .pack(&number, &[], now)
                .map_err(|e| format!("✗ {number}: not packed: {e}"))?;
            did.push("packed");
        }
        posting
            .labelable(now)
            .map_err(|e| format!("✗ {number}: no label: {e}"))?;
        let fail = |e: StationError| format!("✗ {number}: {}", reason(&e));
        let units = LabelUnit::of(&posting);
        let mut again = false;
        for u in &units {
            again |= self
                .store
                .was_sent(&u.posting_number, u.package_number)
                .map_err(|e| fail(e.into()))?;
        }
        let kind = if again {
            JobKind::Reprint
        } else {
            JobKind::Scan
        };
        let ids = self
            .store
            .add_jobs(&units, kind, true, Utc::now())
            .map_err(|e| fail(e.into()))?;
        jobs.extend_from_slice(&ids);
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
                        .set_job_state(
                            rest,
                            JobState::Failed,
                            None,
                            Some("not printed: an earlier label of this scan failed"),
                            None,
                            Utc::now(),
                        )
                        .map_err(|e| fail(e.into()))?;
                }
                return Err(fail(e));
            }
        }
        if let Some((name, why)) = summary.failed.first() {
            return Err(format!("✗ {name}: not printed: {why}"));
        }
        did.push(if again {
            "label printed again"
        } else {
            "label printed"
        });
        let jobs: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
        Ok(format!(
            "✓ {number}: {} (job {})",
            did.join(", "),
            jobs.join(", ")
        ))
    }
}

/// An error with its causes on one line: the journal's error column and the scan's line have no room
/// for the CLI's "caused by" lines, and a printer error alone names only the printer.
fn reason(error: &(dyn std::error::Error + 'static)) -> String {
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
