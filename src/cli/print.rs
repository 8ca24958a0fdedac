//! `shiplabel print`: labels to a printer, one job per label, a progress line per label.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use std::process::ExitCode;

use super::station::PrinterOpts;
use super::terminal::escape;
use super::{parse_now, CliError};
use shiplabel::bitmap::Bitmap;
use shiplabel::config::Config;
use shiplabel::output::write_atomic_with;
use shiplabel::printer::{bitmap_from_png, encode_label_verified, BatchError, Printer, Profile};
use shiplabel::template::Template;
use shiplabel::{BitmapToVerify, RenderError, RenderOptions};

/// Print labels on a thermal printer (ESC/POS, TSPL or ZPL over USB, TCP, CUPS, Windows or a device file).
/// Without `--printer` or `--output`, the printer comes from `SHIPLABEL_PRINTER` or the settings file
/// (see `shiplabel config`), and so do the profile and the template.
#[derive(Debug, clap::Args)]
pub struct PrintArgs {
    /// Postings files (Ozon API JSON, neutral JSON or CSV): every labelable posting is rendered at the
    /// printer's resolution and printed, named by its posting number. A .png file is a label already
    /// rendered, named by its file name.
    #[arg(
        required_unless_present = "pending",
        conflicts_with = "pending",
        value_name = "FILE"
    )]
    files: Vec<PathBuf>,
    /// Print every labelable posting in the station store that has no label printed yet, through the
    /// print journal (see docs/station.md).
    #[arg(long, conflicts_with = "output")]
    pending: bool,
    /// With --pending: also print again the jobs an interrupted run left uncertain.
    #[arg(long, requires = "pending")]
    reprint_uncertain: bool,
    /// Label template: a built-in name (see `shiplabel templates`) or a TOML file [default: the settings
    /// file's, else ozon-fbs].
    #[arg(short, long, value_name = "NAME|FILE")]
    template: Option<String>,
    /// The time that decides whether a posting can be labelled (RFC 3339); now by default.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
    /// Where the printer is: usb://VID:PID[?serial=…&interface=N], tcp://HOST[:PORT], cups://QUEUE,
    /// ipp://HOST[:PORT]/printers/QUEUE, winspool://NAME, file:///dev/usb/lp0 or a path [default:
    /// SHIPLABEL_PRINTER, else the settings file's printer].
    #[arg(long)]
    printer: Option<String>,
    /// Write the printer bytes to this file instead of printing (for inspection).
    #[arg(long, conflicts_with = "printer")]
    output: Option<PathBuf>,
    /// Printer profile: a built-in name (see `shiplabel printers --profiles`) or a TOML file [default:
    /// SHIPLABEL_PROFILE, else the settings file's, else xprinter-xp365b].
    #[arg(long)]
    profile: Option<String>,
    /// Copies of each label.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=999))]
    copies: u32,
    /// Do not ask the printer for its status (for firmware that reports nonsense).
    #[arg(long)]
    no_status: bool,
    /// Seconds to wait for the printer to take more data before giving up on a label.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
}

impl PrintArgs {
    /// The printer options in the form the station commands share, so `print` and `print --pending`
    /// build their print options (status checks, timeouts) in one place.
    fn printer_opts(&self) -> PrinterOpts {
        PrinterOpts {
            printer: self.printer.clone().unwrap_or_default(),
            profile: self.profile.clone().unwrap_or_default(),
            template: self.template.clone().unwrap_or_default(),
            no_status: self.no_status,
            timeout: self.timeout,
        }
    }

    /// Fills the printer (unless writing `--output`), the profile and the template from the
    /// environment and the settings file where no flag gave them.
    fn with_settings(mut self, config: &Config) -> Result<PrintArgs, CliError> {
        if self.output.is_none() {
            let printer = config.printer(self.printer.as_deref()).ok_or_else(|| {
                let file = config.path.as_ref().map_or_else(
                    || "a settings file".to_string(),
                    |p| p.display().to_string(),
                );
                format!(
                    "no printer: give --printer URI or --output FILE, set SHIPLABEL_PRINTER, or put \
                     printer = \"URI\" in {file}"
                )
            })?;
            self.printer = Some(printer.value);
        }
        self.profile = Some(
            config
                .profile(self.profile.as_deref(), self.printer.as_deref())
                .value,
        );
        self.template = Some(config.template(self.template.as_deref()).value);
        Ok(self)
    }
}

/// Renders (or loads) the labels and prints them; with `--pending`, prints the station store's pending
/// labels through the print journal.
pub fn run(args: PrintArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let config = Config::load()?;
    let args = args.with_settings(&config)?;
    if args.pending {
        return run_pending(&args, db);
    }
    let opts = args.printer_opts();
    let profile = config.resolve_profile(&opts.profile, args.printer.as_deref())?;
    let now = args.now.unwrap_or_else(Utc::now);
    let mut labels = Vec::new();
    // Posting files are read together, so that a posting in two of them is one record.
    let (pngs, files): (Vec<PathBuf>, Vec<PathBuf>) =
        args.files.iter().cloned().partition(|f| is_png(f));
    for file in &pngs {
        // A PNG carries no barcode positions: nothing to read back.
        let (name, bitmap) = load_png(file)?;
        labels.push(BitmapToVerify {
            name,
            bitmap,
            barcodes: Vec::new(),
        });
    }
    if !files.is_empty() {
        let template = Template::load(&opts.template)?;
        // The library's gate and label rule: the labels `render` and `print --pending` make too.
        let options = RenderOptions {
            now: Some(now),
            ..RenderOptions::at_dpi(profile.dpi)
        };
        for posting in super::orders::load_postings(&files)? {
            match shiplabel::named_bitmaps_to_verify(&posting, &template, &options) {
                Ok(named) => labels.extend(named),
                Err(RenderError::NotLabelable(reason)) => {
                    eprintln!("skipped: {}", escape(&reason.to_string()))
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    if labels.is_empty() {
        return Err("no labelable postings in the given files: nothing to print".into());
    }
    print_labels(&args, &profile, labels.as_slice())
}

fn is_png(file: &Path) -> bool {
    file.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"))
}

fn load_png(file: &Path) -> Result<(String, Bitmap), CliError> {
    let shown = file.display().to_string();
    let bytes = shiplabel::limits::read_file_capped(file, shiplabel::limits::MAX_LABEL_PNG_BYTES)
        .map_err(|e| format!("{shown}: {e}"))?;
    // The error names the file as given; the label keeps the stem as its name.
    let bitmap = bitmap_from_png(&bytes, &shown)?;
    let name = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or(shown);
    Ok((name, bitmap))
}

/// Prints (or writes with `--output`) labels already rendered at the printer's resolution, one job each.
/// Every label is placed, its barcodes read back from the placed bitmap, and encoded before the first
/// is sent: a label that fails stops the batch with nothing printed.
pub fn print_labels(
    args: &PrintArgs,
    profile: &Profile,
    labels: &[BitmapToVerify],
) -> Result<ExitCode, CliError> {
    let profile = profile.clone();
    let names: Vec<String> = labels.iter().map(|l| l.name.clone()).collect();
    let mut jobs = Vec::with_capacity(labels.len());
    for BitmapToVerify {
        name,
        bitmap,
        barcodes,
    } in labels
    {
        match encode_label_verified(bitmap, barcodes, &profile, args.copies) {
            Ok(job) => jobs.push(job),
            Err(cause) if args.output.is_some() => {
                return Err(format!("label {name}: {cause}").into())
            }
            Err(cause) => {
                return Err(BatchError {
                    printed: Vec::new(),
                    failed: Some(name.clone()),
                    partly_sent: false,
                    not_printed: names,
                    cause: Box::new(cause),
                }
                .into())
            }
        }
    }
    if let Some(output) = &args.output {
        // ESC/POS copies are streamed: a job is held once, however many copies it prints.
        write_atomic_with(output, |w| jobs.iter().try_for_each(|job| job.write_to(w)))
            .map_err(|e| format!("{}: {e}", output.display()))?;
        let bytes: u64 = jobs.iter().map(|job| job.len()).sum();
        eprintln!(
            "wrote {} label(s), {bytes} bytes of {} for profile {} to {}",
            labels.len(),
            profile.language,
            profile.name,
            output.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let uri = args.printer.as_deref().unwrap_or_default();
    let options = args.printer_opts().print_options(args.copies);
    let mut printer = Printer::open_with(uri, profile, options).map_err(|cause| BatchError {
        printed: Vec::new(),
        failed: None,
        partly_sent: false,
        not_printed: names.clone(),
        cause: Box::new(cause),
    })?;
    let reports = printer.send_batch(&names, &jobs, |p| {
        eprintln!(
            "[{}/{}] {}: sent {} bytes, {}; printer: {}",
            p.index + 1,
            p.total,
            escape(p.name),
            p.report.bytes,
            if p.report.confirmed {
                "confirmed by the printer"
            } else {
                "not confirmed"
            },
            p.report.printer_said()
        );
    })?;
    let confirmed = reports.iter().filter(|r| r.confirmed).count();
    let unconfirmed = reports.len() - confirmed;
    if unconfirmed == 0 {
        eprintln!(
            "sent {} label(s) to {uri}, all confirmed by the printer",
            reports.len()
        );
    } else {
        eprintln!(
            "sent {} label(s) to {uri}: {confirmed} confirmed by the printer, {unconfirmed} not \
             confirmed (the printer did not answer a status query after them; check that they \
             came out)",
            reports.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `print --pending`: the journal run over the station store.
fn run_pending(args: &PrintArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    use super::station::open_existing_store;
    let opts = args.printer_opts();
    let (profile, template, mut options) = opts.resolve()?;
    options.copies = args.copies;
    let mut store = open_existing_store(db, "print")?;
    let now = args.now.unwrap_or_else(Utc::now);
    let mut station =
        shiplabel::station::Station::new(&mut store, template, &opts.printer, profile, options);
    let result = station.print_pending(args.reprint_uncertain, now, |line| eprintln!("{line}"));
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            // A store that failed cannot be trusted to count its queue: say only the error.
            if !matches!(e, shiplabel::station::StationError::Store(_)) {
                if let Ok(queued) = station
                    .store()
                    .jobs(Some(shiplabel::store::JobState::Queued), None)
                {
                    let left = queued.len();
                    eprintln!("stopped: {left} label(s) left queued for the next run");
                }
            }
            return Err(e.into());
        }
    };
    for issue in &summary.uncertain {
        let (name, why) = (&issue.label, &issue.reason);
        println!("uncertain: {}: {}", escape(name), escape(why));
    }
    for issue in &summary.held {
        let (name, why) = (&issue.label, &issue.reason);
        println!(
            "held by another process: {}: {} (settled when the lease expires)",
            escape(name),
            escape(why)
        );
    }
    println!(
        "{}; {} failed; {} uncertain{}",
        super::station::sent_text(&summary, &opts.printer),
        summary.failed.len(),
        summary.uncertain.len(),
        if summary.uncertain.is_empty() {
            ""
        } else {
            " (check them, then --reprint-uncertain prints them again)"
        }
    );
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
