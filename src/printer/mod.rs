//! Thermal printers: a label [`Bitmap`] → a printer language → a transport.
//!
//! The same 1-bit bitmap becomes ESC/POS raster, TSPL `BITMAP` or ZPL `^GFA`, so Cyrillic text and
//! barcodes print identically on every printer. A [`Profile`] says which language, resolution, head
//! width and media a model has; a URI says where it is (`usb://0416:5011`, `tcp://10.0.0.5:9100`,
//! `file:///dev/usb/lp0`). Before each job the printer's status is read where the link allows, and a
//! printer that reports paper out, head open or an error is refused with that reason.
//!
//! ```no_run
//! use shiplabel::bitmap::Bitmap;
//! use shiplabel::printer::{Printer, Profile};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let profile = Profile::resolve("xprinter-xp420b")?;
//! let mut printer = Printer::open("tcp://192.0.2.10:9100", profile)?;
//! let label = Bitmap::new(600, 960); // from the label renderer
//! let report = printer.print(&label)?;
//! println!("sent {} bytes, printer says: {:?}", report.bytes, report.after);
//!
//! // Many labels, one job each; a failure names the labels printed and not printed.
//! let labels = vec![("0132112277-0101-1".to_string(), label)];
//! printer.print_batch(&labels, |p| eprintln!("[{}/{}] {}", p.index + 1, p.total, p.name))?;
//! # Ok(()) }
//! ```

mod calibrate;
mod error;
mod lang;
mod native;
mod place;
mod png_label;
mod profile;
mod status;
mod transport;
mod verify;

pub use calibrate::{calibration_page, CalibrationPage, CALIBRATION_BARCODE};
pub use error::{PrinterError, SendError};
pub use lang::{Job, NativeBarcode};
pub use native::{native_barcodes, NativeSplit};
pub use png_label::bitmap_from_png;
pub use profile::{builtin, builtins, Cut, Language, Media, Profile, Rotation};
pub use status::{Condition, PrinterStatus};
pub use transport::{list_cups_queues, CupsQueue, IppServer, IppTransport};
#[cfg(feature = "usb")]
pub use transport::{list_usb_printers, DeviceId, PrinterInterface, UsbPrinterInfo, UsbTransport};
#[cfg(windows)]
pub use transport::{list_windows_printers, WinspoolTransport};
pub use transport::{
    FileTransport, PrinterUri, TcpTransport, Timeouts, Transport, TransportError, UsbError,
};
pub use verify::{encode_label_verified, verify_label, ExpectedBarcode};

use crate::bitmap::Bitmap;

/// Places `label` on the profile's head and encodes it as one job of `copies` copies: the exact bytes a
/// printer would receive (what `--output` writes). A job larger than
/// [`crate::limits::MAX_JOB_BYTES`] (ESC/POS copies of a large label) is refused here; [`encode_job`]
/// gives it in the streamed form that [`Printer`] and `--output` use.
pub fn encode_label(
    label: &Bitmap,
    profile: &Profile,
    copies: u32,
) -> Result<Vec<u8>, PrinterError> {
    let job = encode_job(label, profile, copies)?;
    if job.len() > crate::limits::MAX_JOB_BYTES {
        return Err(PrinterError::JobTooLarge {
            bytes: job.len(),
            limit: crate::limits::MAX_JOB_BYTES,
        });
    }
    Ok(job.to_vec())
}

/// Places `label` on the profile's head and encodes it as one job of `copies` copies, ESC/POS copies
/// as one page sent `copies` times (see [`Job`]).
pub fn encode_job(label: &Bitmap, profile: &Profile, copies: u32) -> Result<Job, PrinterError> {
    let placed = place::place(label, profile)?;
    Ok(lang::encode_job(&placed, profile, copies))
}

/// Like [`encode_label`], with barcodes drawn by the printer's own barcode command (ZPL `^BC`, `^B3`,
/// `^BE`, …; TSPL `BARCODE`) at the given label coordinates (see [`NativeBarcode`]; a scene's barcodes
/// become these with [`native_barcodes`]). ESC/POS and turned labels are refused.
pub fn encode_label_with_barcodes(
    label: &Bitmap,
    barcodes: &[lang::NativeBarcode],
    profile: &Profile,
    copies: u32,
) -> Result<Vec<u8>, PrinterError> {
    let placed = place::place(label, profile)?;
    lang::encode_with_barcodes(&placed, profile, copies, barcodes)
}

/// How jobs are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintOptions {
    /// Copies of each label (one job, the language's copy count).
    pub copies: u32,
    /// Ask the printer for its status before and after each job, and refuse a printer that is not ready.
    /// Off for printers whose firmware reports nonsense.
    pub check_status: bool,
    /// Connect, write and status timeouts.
    pub timeouts: Timeouts,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            copies: 1,
            check_status: true,
            timeouts: Timeouts::default(),
        }
    }
}

/// What happened to one job that was sent.
///
/// A job is *sent* when the printer has taken all its bytes: on TCP, every byte acknowledged by the
/// printer (Linux; see `src/printer/transport/tcp.rs`); on USB, every bulk transfer accepted by the device; on a device
/// node, every byte taken by the kernel. It is *confirmed* when, after that, the printer answered a
/// status query that followed the job on the same link and reported nothing that stops printing: it
/// has read the whole job (queries are answered in stream order, after the job's bytes) and is in a
/// state to print it. A sent job that is not confirmed may still be sitting unread in a printer that
/// has stopped, so it is reported as "sent, not confirmed", never as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintReport {
    /// Bytes sent.
    pub bytes: usize,
    /// Whether the printer answered after the job and reported itself ready (see above).
    pub confirmed: bool,
    /// Status before sending; `None` when the printer did not answer or status is off.
    pub before: Option<PrinterStatus>,
    /// Status after sending; `None` when the printer did not answer or status is off.
    pub after: Option<PrinterStatus>,
}

impl PrintReport {
    /// A short account of what the printer said after the job.
    pub fn printer_said(&self) -> String {
        match &self.after {
            Some(status) => status.to_string(),
            None => "no status reply".to_string(),
        }
    }

    /// "sent, confirmed by the printer" or "sent, not confirmed": what is known about the job.
    pub fn delivery(&self) -> &'static str {
        if self.confirmed {
            "sent, confirmed by the printer"
        } else {
            "sent, not confirmed"
        }
    }
}

/// Progress of a batch, handed to the caller after each label.
#[derive(Debug)]
pub struct BatchProgress<'a> {
    /// Zero-based index of the label just printed.
    pub index: usize,
    /// Labels in the batch.
    pub total: usize,
    /// The caller's name for the label (e.g. the posting number).
    pub name: &'a str,
    /// What happened to its job.
    pub report: &'a PrintReport,
}

/// A batch that stopped: which labels were sent and which were not.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.summary())]
pub struct BatchError {
    /// Labels sent (every byte taken by the printer), confirmed or not, in order.
    pub printed: Vec<String>,
    /// The label the batch stopped at: its job failed, or it cannot be printed at all (then nothing was
    /// sent).
    pub failed: Option<String>,
    /// Whether part of the failed label's job reached the printer (it may have printed partly or whole).
    pub partly_sent: bool,
    /// Labels not sent (the failed one first), in batch order.
    pub not_printed: Vec<String>,
    /// Why it stopped.
    #[source]
    pub cause: Box<PrinterError>,
}

impl BatchError {
    fn summary(&self) -> String {
        let total = self.printed.len() + self.not_printed.len();
        let mut text = match &self.failed {
            Some(name) => format!("printing stopped at label {name}"),
            None => "nothing was sent".to_string(),
        };
        text.push_str(&format!(
            "; sent {} of {total}: {}; not sent {}: {}",
            self.printed.len(),
            list(&self.printed),
            self.not_printed.len(),
            list(&self.not_printed)
        ));
        if self.partly_sent {
            if let Some(name) = &self.failed {
                text.push_str(&format!(
                    " (label {name} is uncertain: it reached the printer in part or whole; check whether it came out)"
                ));
            }
        }
        text
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// An open printer: a transport, a profile and the job options.
pub struct Printer {
    name: String,
    transport: Box<dyn Transport>,
    profile: Profile,
    options: PrintOptions,
    /// The printer has answered a status query on this link.
    answered: bool,
    /// It had answered before, then did not answer after the last job: it may have stopped reading.
    went_silent: bool,
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("name", &self.name)
            .field("profile", &self.profile.name)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Printer {
    /// Opens the printer at `uri` with default options (1 copy, status checks on).
    pub fn open(uri: &str, profile: Profile) -> Result<Printer, PrinterError> {
        Printer::open_with(uri, profile, PrintOptions::default())
    }

    /// Opens the printer at `uri` with the given options.
    pub fn open_with(
        uri: &str,
        profile: Profile,
        options: PrintOptions,
    ) -> Result<Printer, PrinterError> {
        let parsed = PrinterUri::parse(uri)?;
        let transport =
            parsed
                .open(options.timeouts)
                .map_err(|source| PrinterError::Transport {
                    printer: uri.to_string(),
                    source,
                })?;
        Ok(Printer::from_transport(uri, transport, profile, options))
    }

    /// Wraps an already open transport (for custom links); `name` is used in messages.
    pub fn from_transport(
        name: &str,
        transport: Box<dyn Transport>,
        profile: Profile,
        options: PrintOptions,
    ) -> Printer {
        Printer {
            name: name.to_string(),
            transport,
            profile,
            options,
            answered: false,
            went_silent: false,
        }
    }

    /// The printer's profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    fn link_error(&self, source: TransportError) -> PrinterError {
        PrinterError::Transport {
            printer: self.name.clone(),
            source,
        }
    }

    /// Asks the printer for its status: the USB port status where there is one, and the language's status
    /// query where the link can carry a reply. `None` when nothing answered (which is not an error).
    pub fn status(&mut self) -> Result<Option<PrinterStatus>, PrinterError> {
        let mut status = self
            .transport
            .port_status()
            .map_err(|e| self.link_error(e))?
            .map(status::from_port_status);
        if !self.transport.can_read() {
            return Ok(status);
        }
        self.transport
            .discard_input()
            .map_err(|e| self.link_error(e))?;
        let language = self.profile.language;
        self.transport
            .write_all(status::query(language))
            .map_err(|e| self.link_error(e))?;
        let reply = self
            .transport
            .read_reply(self.options.timeouts.status, &|r| {
                status::reply_complete(language, r)
            })
            .map_err(|e| self.link_error(e))?;
        if let Some(answer) = status::parse_reply(language, &reply) {
            self.answered = true;
            match status.as_mut() {
                Some(s) => s.merge(answer),
                None => status = Some(answer),
            }
        }
        Ok(status)
    }

    /// Prints one label as one job: refuses a printer that reports it cannot print, sends the job, and
    /// reports what the printer said afterwards.
    pub fn print(&mut self, label: &Bitmap) -> Result<PrintReport, PrinterError> {
        let job = encode_job(label, &self.profile, self.options.copies)?;
        self.send_job(&job).map_err(|e| e.error)
    }

    /// Prints one label whose barcodes the printer draws itself (see [`encode_label_with_barcodes`]).
    pub fn print_with_barcodes(
        &mut self,
        label: &Bitmap,
        barcodes: &[lang::NativeBarcode],
    ) -> Result<PrintReport, PrinterError> {
        let job = encode_label_with_barcodes(label, barcodes, &self.profile, self.options.copies)?;
        self.send(&job).map_err(|e| e.error)
    }

    /// Sends one already encoded job (see [`encode_label`]): the print journal encodes a label before
    /// it records `sending`. On failure also says whether any of the job may have reached the printer
    /// (then the job is uncertain): a write that stalls or a link that closes part way, and a printer
    /// that reports a fault (paper out, head open…) right after taking the whole job.
    pub fn send(&mut self, job: &[u8]) -> Result<PrintReport, SendError> {
        let before = self.checked_status().map_err(SendError::nothing_sent)?;
        self.send_checked(&[job], before)
    }

    /// [`Printer::send`] for a job in the streamed form of [`encode_job`].
    pub fn send_job(&mut self, job: &Job) -> Result<PrintReport, SendError> {
        self.send_jobs(std::slice::from_ref(job))
    }

    /// [`Printer::send_job`] for several labels sent as one job (one status check before, one after):
    /// the labels of one package with a per-product template.
    pub fn send_jobs(&mut self, jobs: &[Job]) -> Result<PrintReport, SendError> {
        let before = self.checked_status().map_err(SendError::nothing_sent)?;
        let parts: Vec<&[u8]> = jobs.iter().flat_map(Job::parts).collect();
        self.send_checked(&parts, before)
    }

    /// The printer's status when the options ask for status checks, else `None`.
    fn checked_status(&mut self) -> Result<Option<PrinterStatus>, PrinterError> {
        if self.options.check_status {
            self.status()
        } else {
            Ok(None)
        }
    }

    /// [`Printer::send`] to a printer whose status was just read as `before`: refused if that says it
    /// cannot print, else the job is sent and the status read after it.
    fn send_checked(
        &mut self,
        job: &[&[u8]],
        mut before: Option<PrinterStatus>,
    ) -> Result<PrintReport, SendError> {
        if self.went_silent && self.options.check_status {
            // It answered once, then not after the last job: ask again before sending more.
            before = self.status().map_err(SendError::nothing_sent)?;
            if before.is_none() {
                let silent = PrinterError::StoppedAnswering {
                    printer: self.name.clone(),
                };
                return Err(SendError::nothing_sent(silent));
            }
            self.went_silent = false;
        }
        if let Some(status) = &before {
            if !status.is_ready() {
                let refused = PrinterError::NotReady {
                    printer: self.name.clone(),
                    status: status.clone(),
                };
                return Err(SendError::nothing_sent(refused));
            }
        }
        let total: usize = job.iter().map(|part| part.len()).sum();
        let mut done = 0;
        for part in job {
            if let Err(mut e) = self.transport.write_all(part) {
                count_earlier_parts(&mut e, done, total);
                let sent = sent_something(&e);
                return Err(SendError {
                    error: self.link_error(e),
                    maybe_printed: sent,
                });
            }
            done += part.len();
        }
        // The whole job was taken: whatever fails from here on, it may well print.
        let after = self.checked_status().map_err(SendError::maybe_printed)?;
        if let Some(status) = &after {
            if !status.is_ready() {
                let fault = PrinterError::FaultAfterJob {
                    printer: self.name.clone(),
                    status: status.clone(),
                };
                return Err(SendError::maybe_printed(fault));
            }
        }
        if after.is_none() && self.answered && self.options.check_status {
            self.went_silent = true;
        }
        Ok(PrintReport {
            bytes: total,
            confirmed: after.is_some(),
            before,
            after,
        })
    }

    /// Prints many labels, one job per label, in order, calling `progress` after each. Every label is
    /// encoded before the first is sent, so a label that does not fit stops the batch before anything
    /// prints. The status read after one job is the check before the next. On failure the error lists
    /// the labels printed and those not printed.
    pub fn print_batch<N: AsRef<str>>(
        &mut self,
        labels: &[(N, Bitmap)],
        progress: impl FnMut(&BatchProgress<'_>),
    ) -> Result<Vec<PrintReport>, BatchError> {
        let names: Vec<String> = labels.iter().map(|(n, _)| n.as_ref().to_string()).collect();
        let mut jobs = Vec::with_capacity(labels.len());
        for (name, bitmap) in labels {
            match encode_job(bitmap, &self.profile, self.options.copies) {
                Ok(job) => jobs.push(job),
                Err(cause) => {
                    return Err(BatchError {
                        printed: Vec::new(),
                        failed: Some(name.as_ref().to_string()),
                        partly_sent: false,
                        not_printed: names,
                        cause: Box::new(cause),
                    })
                }
            }
        }
        self.send_batch(&names, &jobs, progress)
    }

    /// Sends jobs already encoded (and verified: [`encode_label_verified`]), one per label named
    /// in `names`, in order, as [`Printer::print_batch`] does.
    pub fn send_batch(
        &mut self,
        names: &[String],
        jobs: &[Job],
        mut progress: impl FnMut(&BatchProgress<'_>),
    ) -> Result<Vec<PrintReport>, BatchError> {
        let mut reports: Vec<PrintReport> = Vec::with_capacity(jobs.len());
        for (index, job) in jobs.iter().enumerate() {
            // Only the progress call lies between the previous job's status and this job: asking
            // again would double the queries, and for a printer that never answers, the waits.
            let result = match reports.last() {
                Some(previous) => {
                    let before = previous.after.clone();
                    let parts: Vec<&[u8]> = job.parts().collect();
                    self.send_checked(&parts, before)
                }
                None => self.send_job(job),
            };
            match result {
                Ok(report) => {
                    progress(&BatchProgress {
                        index,
                        total: jobs.len(),
                        name: &names[index],
                        report: &report,
                    });
                    reports.push(report);
                }
                Err(SendError {
                    error: cause,
                    maybe_printed: partly_sent,
                }) => {
                    return Err(BatchError {
                        printed: names[..index].to_vec(),
                        failed: Some(names[index].clone()),
                        partly_sent,
                        not_printed: names[index..].to_vec(),
                        cause: Box::new(cause),
                    });
                }
            }
        }
        Ok(reports)
    }
}

/// A job written in pieces: a piece's failure counts the bytes of the pieces before it too.
fn count_earlier_parts(error: &mut TransportError, earlier: usize, job: usize) {
    match error {
        TransportError::Write { written, total, .. }
        | TransportError::WriteTimeout { written, total, .. }
        | TransportError::UsbWrite { written, total, .. }
        | TransportError::Closed { written, total } => {
            *written += earlier;
            *total = job;
        }
        _ => {}
    }
}

fn sent_something(error: &TransportError) -> bool {
    match error {
        TransportError::Write { written, .. }
        | TransportError::WriteTimeout { written, .. }
        | TransportError::UsbWrite { written, .. }
        | TransportError::Closed { written, .. } => *written > 0,
        TransportError::Spooler { accepted, .. } => *accepted,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// A link like a unidirectional USB printer: port status only, no replies.
    struct PortOnly {
        port: u8,
        sent: Arc<Mutex<Vec<u8>>>,
    }

    impl Transport for PortOnly {
        fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
            self.sent.lock().unwrap().extend_from_slice(bytes);
            Ok(())
        }
        fn read_reply(
            &mut self,
            _: Duration,
            _: &dyn Fn(&[u8]) -> bool,
        ) -> Result<Vec<u8>, TransportError> {
            panic!("no replies on this link")
        }
        fn port_status(&mut self) -> Result<Option<u8>, TransportError> {
            Ok(Some(self.port))
        }
        fn can_read(&self) -> bool {
            false
        }
    }

    fn printer(port: u8) -> (Printer, Arc<Mutex<Vec<u8>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let link = PortOnly {
            port,
            sent: sent.clone(),
        };
        let profile = builtin("tsc-te200").unwrap();
        let printer = Printer::from_transport(
            "usb://1203:0230",
            Box::new(link),
            profile,
            PrintOptions::default(),
        );
        (printer, sent)
    }

    #[test]
    fn port_status_paper_empty_refuses_the_job() {
        let (mut p, sent) = printer(0x38);
        let err = p.print(&Bitmap::new(600, 960)).unwrap_err().to_string();
        assert_eq!(
            err,
            "printer usb://1203:0230 is not ready: paper out (USB port status 0x38); nothing was sent"
        );
        assert!(sent.lock().unwrap().is_empty(), "no query and no job");
    }

    #[test]
    fn port_status_ready_prints_without_queries_on_a_one_way_link() {
        let (mut p, sent) = printer(0x18);
        let report = p.print(&Bitmap::new(600, 960)).unwrap();
        assert_eq!(report.printer_said(), "ready (USB port status 0x18)");
        let sent = sent.lock().unwrap();
        assert_eq!(sent.len(), report.bytes, "only the job itself");
        assert!(sent.starts_with(b"SIZE 75 mm,120 mm\r\n"));
    }

    /// A two-way link that answers each status query with the next scripted reply (TSPL bytes).
    struct Scripted {
        replies: std::collections::VecDeque<Vec<u8>>,
        jobs: Arc<Mutex<usize>>,
    }

    impl Transport for Scripted {
        fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
            if bytes != status::query(crate::printer::Language::Tspl) {
                *self.jobs.lock().unwrap() += 1;
            }
            Ok(())
        }
        fn read_reply(
            &mut self,
            _: Duration,
            _: &dyn Fn(&[u8]) -> bool,
        ) -> Result<Vec<u8>, TransportError> {
            Ok(self.replies.pop_front().unwrap_or_default())
        }
        fn can_read(&self) -> bool {
            true
        }
    }

    fn scripted(replies: &[&[u8]]) -> (Printer, Arc<Mutex<usize>>) {
        let jobs = Arc::new(Mutex::new(0));
        let link = Scripted {
            replies: replies.iter().map(|r| r.to_vec()).collect(),
            jobs: jobs.clone(),
        };
        let profile = builtin("tsc-te200").unwrap();
        let printer = Printer::from_transport(
            "tcp://fake",
            Box::new(link),
            profile,
            PrintOptions::default(),
        );
        (printer, jobs)
    }

    #[test]
    fn a_fault_reported_right_after_the_job_makes_it_uncertain() {
        let (mut p, jobs) = scripted(&[&[0x00], &[0x04]]);
        let SendError {
            error: err,
            maybe_printed: sent,
        } = p.send(b"SIZE 1 mm,1 mm\r\n").unwrap_err();
        assert!(sent, "the job went whole: it may have printed");
        assert!(
            err.to_string()
                .contains("took the job, then reported paper out"),
            "{err}"
        );
        assert_eq!(*jobs.lock().unwrap(), 1);
    }

    #[test]
    fn a_printer_that_stops_answering_after_a_job_gets_no_more_jobs() {
        // Ready before job 1, nothing after it, nothing when asked again.
        let (mut p, jobs) = scripted(&[&[0x00]]);
        let labels = vec![
            ("A".to_string(), Bitmap::new(600, 960)),
            ("B".to_string(), Bitmap::new(600, 960)),
        ];
        let err = p.print_batch(&labels, |_| {}).unwrap_err();
        assert_eq!(err.printed, vec!["A"]);
        assert_eq!(err.failed.as_deref(), Some("B"));
        assert!(!err.partly_sent);
        assert!(
            err.cause.to_string().contains("stopped answering"),
            "{}",
            err.cause
        );
        assert_eq!(*jobs.lock().unwrap(), 1, "job B was not sent");
    }

    #[test]
    fn a_printer_that_answers_after_the_job_confirms_it() {
        let (mut p, _) = scripted(&[&[0x00], &[0x20]]);
        let report = p.send(b"SIZE 1 mm,1 mm\r\n").unwrap();
        assert!(report.confirmed);
        assert_eq!(report.delivery(), "sent, confirmed by the printer");
        let (mut silent, _) = scripted(&[]);
        let report = silent.send(b"SIZE 1 mm,1 mm\r\n").unwrap();
        assert!(!report.confirmed);
        assert_eq!(report.delivery(), "sent, not confirmed");
    }
}
