//! Errors of the printer module: each names the printer, the profile or the label it is about.

use super::status::PrinterStatus;
use super::transport::TransportError;

/// Anything that stops a label from reaching a printer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrinterError {
    /// A user profile could not be read or is not a valid profile.
    #[error("printer profile {origin}: {message}")]
    Profile {
        /// The file (or "built-in") the profile came from.
        origin: String,
        /// What is wrong with it.
        message: String,
    },
    /// `--profile` named neither a built-in profile nor a file.
    #[error("unknown printer profile \"{name}\" (built-in profiles: {}; or give a .toml file)", known.join(", "))]
    UnknownProfile {
        /// The name given.
        name: String,
        /// Names of the built-in profiles.
        known: Vec<String>,
    },
    /// The printer URI could not be understood.
    #[error("printer URI \"{uri}\": {reason}")]
    BadUri {
        /// The URI as given.
        uri: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A barcode did not read back from the bitmap about to be sent (verify before print).
    #[error(
        "barcode {value} does not read back from the bitmap being sent: {reason}; nothing was sent"
    )]
    Verify {
        /// The barcode's value.
        value: String,
        /// Where and how it differs.
        reason: String,
    },
    /// A calibration offset would move black dots off the frame or the label.
    #[error("profile {profile}: {reason}; nothing was clipped or sent (lower the offset)")]
    Offset {
        /// Profile name.
        profile: String,
        /// Which offset, by how much, past which edge.
        reason: String,
    },
    /// The label's black content does not fit the head: printing would clip it.
    #[error(
        "label content is {content} dots wide but profile {profile} prints at most {printable} dots \
         ({printable_mm:.1} mm) across; nothing was clipped or sent"
    )]
    TooWide {
        /// Width of the label's content (from its first to its last black column) in dots.
        content: u32,
        /// Printable width in dots.
        printable: u32,
        /// Printable width in millimetres.
        printable_mm: f32,
        /// Profile name.
        profile: String,
    },
    /// The label bitmap is longer than one label of the profile's media.
    #[error(
        "label is {rows} dots long but a label of profile {profile} is {length} dots ({length_mm:.1} mm); \
         nothing was clipped or sent"
    )]
    TooLong {
        /// Rows of the bitmap after rotation.
        rows: u32,
        /// Label length in dots.
        length: u32,
        /// Label length in millimetres.
        length_mm: f32,
        /// Profile name.
        profile: String,
    },
    /// The bitmap has no dots at all (zero width or height).
    #[error("the label bitmap is empty ({width} × {height} dots)")]
    EmptyLabel {
        /// Width in dots.
        width: u32,
        /// Height in dots.
        height: u32,
    },
    /// A native barcode command cannot be sent as asked.
    #[error("native barcode \"{value}\": {reason}")]
    NativeBarcode {
        /// The barcode's data.
        value: String,
        /// Why not.
        reason: String,
    },
    /// A label image file could not be read.
    #[error("label {name}: not a readable PNG image: {message}")]
    LabelImage {
        /// The file or label name.
        name: String,
        /// What the decoder said.
        message: String,
    },
    /// A job too large to hold in memory at once (ESC/POS copies of a large label in one buffer).
    #[error(
        "the job is {bytes} bytes, more than the {limit} bytes held in memory at once; print it \
         directly (the printer streams copies) or with fewer copies"
    )]
    JobTooLarge {
        /// Bytes of the whole job.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// The printer reported a condition it cannot print in (paper out, head open, error).
    #[error("printer {printer} is not ready: {status}; nothing was sent")]
    NotReady {
        /// The printer URI.
        printer: String,
        /// What the printer said.
        status: PrinterStatus,
    },
    /// The printer took the whole job, then reported a condition it cannot print in: the label may
    /// have come out or not.
    #[error(
        "printer {printer} took the job, then reported {status}: the label may or may not have come out"
    )]
    FaultAfterJob {
        /// The printer URI.
        printer: String,
        /// What the printer said after the job.
        status: PrinterStatus,
    },
    /// The printer answered status queries on this link, then stopped answering after a job.
    #[error(
        "printer {printer} stopped answering status queries after the last job (it may have stopped \
         reading); nothing more was sent"
    )]
    StoppedAnswering {
        /// The printer URI.
        printer: String,
    },
    /// Talking to the printer failed.
    #[error("printer {printer}")]
    Transport {
        /// The printer URI.
        printer: String,
        /// What went wrong on the wire.
        #[source]
        source: TransportError,
    },
}

/// A job that failed on its way to the printer ([`Printer::send`](crate::printer::Printer::send)), and
/// whether any of it may have reached the printer: then the label may have printed and the job is
/// uncertain (a write that stalled or a link that closed part way, a fault reported right after the
/// whole job).
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct SendError {
    /// What went wrong (the message is its message).
    pub error: PrinterError,
    /// Whether some or all of the job may have reached the printer.
    pub maybe_printed: bool,
}

impl SendError {
    /// Nothing reached the printer.
    pub fn nothing_sent(error: PrinterError) -> SendError {
        SendError {
            error,
            maybe_printed: false,
        }
    }

    /// The job, or part of it, may have reached the printer.
    pub fn maybe_printed(error: PrinterError) -> SendError {
        SendError {
            error,
            maybe_printed: true,
        }
    }
}
