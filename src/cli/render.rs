//! `shiplabel render FILE... -o out.pdf|out.png|DIR/`: postings to label files.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Args;

use super::station::open_existing_store;
use super::terminal::escape;
use super::{parse_now, CliError};
use shiplabel::order::{Posting, Status};
use shiplabel::output::{write_atomic_with, AtomicBatch};
use shiplabel::scene::{DEFAULT_DPI, DPI_RANGE};
use shiplabel::template::{Template, DEFAULT_TEMPLATE};
use shiplabel::{RenderError, RenderOptions, RenderReport};

/// Render labels for postings to a PDF (one page per label), a PNG, or a directory of PNGs.
///
/// From files, or with `--db PATH` (or `--stored` for the default database) from the station store:
/// the stored postings as packed, the very labels `print --pending` sends for them.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Posting files: Ozon Seller API responses or neutral records (JSON or CSV). With `--db` or
    /// `--stored`: posting numbers in the store (none: every stored posting awaiting delivery).
    #[arg(value_name = "FILE|POSTING")]
    pub files: Vec<PathBuf>,
    /// Render postings of the station store (the database at `--db`, or the default one).
    #[arg(long)]
    pub stored: bool,
    /// Also render postings that may not be labelled now, as samples: marked «ОБРАЗЕЦ — НЕ ОТПРАВЛЯТЬ /
    /// SAMPLE — DO NOT SHIP» and without barcodes, for checking a template. Never ship them.
    #[arg(long, conflicts_with = "strict")]
    pub samples: bool,
    /// Output: `labels.pdf`, `label.png` (a single label) or a directory (`out/`: one PNG per label,
    /// named by posting number).
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    /// A built-in template name (see `shiplabel templates`) or a template file.
    #[arg(short, long, value_name = "NAME|FILE", default_value = DEFAULT_TEMPLATE)]
    pub template: String,
    /// Leave out postings that cannot be labelled without listing each one (the summary still counts them).
    #[arg(long)]
    pub only_labelable: bool,
    /// Fail, writing nothing, if any posting is skipped or any character is missing from the font.
    #[arg(long)]
    pub strict: bool,
    /// Judge deadlines (the passport gate) at this time instead of now (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Resolution: the dot grid barcodes are aligned to (PDF) or the PNG resolution (203 or 300 for
    /// thermal printers).
    #[arg(long, default_value_t = DEFAULT_DPI, value_parser = parse_dpi)]
    pub dpi: u32,
    /// Record the current time as the PDF's creation date (off by default: identical input gives
    /// identical bytes).
    #[arg(long)]
    pub timestamp: bool,
}

/// `--dpi` of `render` and `barcode`: a number within the one resolution range, [`DPI_RANGE`].
pub(crate) fn parse_dpi(text: &str) -> Result<u32, String> {
    let dpi: u32 = text.parse().map_err(|e| format!("{e}"))?;
    if DPI_RANGE.contains(&dpi) {
        Ok(dpi)
    } else {
        Err(format!(
            "{dpi} is outside {}–{}",
            DPI_RANGE.start(),
            DPI_RANGE.end()
        ))
    }
}

enum Target {
    Pdf,
    Png,
    Dir,
}

fn target(path: &Path) -> Result<Target, CliError> {
    let text = path.to_string_lossy();
    if path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        return Ok(Target::Dir);
    }
    match path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("pdf") => Ok(Target::Pdf),
        Some("png") => Ok(Target::Png),
        _ => Err(format!(
            "output {}: expected a .pdf or .png file or a directory ending in /",
            path.display()
        )
        .into()),
    }
}

/// Runs the command: postings from the files, or with `--db`/`--stored` from the station store.
pub fn run(args: RenderArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let target = target(&args.output)?;
    let template = Template::load(&args.template)?;
    let now = args.now.unwrap_or_else(Utc::now);

    let postings: Vec<Posting> = if args.stored || db.is_some() {
        stored_postings(&args.files, db)?
    } else {
        if args.files.is_empty() {
            return Err(
                "give posting files, or --stored (with --db PATH) for the station's postings"
                    .into(),
            );
        }
        // Read together, so that a posting in two files is one record.
        super::orders::load_postings(&args.files)?
    };
    let read = postings.len();

    let progress = progress_bar(postings.len());
    let options = RenderOptions {
        dpi: args.dpi,
        title: format!("{} labels", template.name),
        creation_date: args.timestamp.then(|| Utc::now().fixed_offset()),
        skip_failed: !args.strict,
        now: Some(now),
        samples: args.samples,
    };
    let report = match target {
        Target::Pdf => {
            let mut report = None;
            // Errors other than writing come out of the writer as io::Errors; keep the real one here.
            let mut failure: Option<CliError> = None;
            write_atomic_with(&args.output, |out| {
                let rendered = shiplabel::render_pdf_with_progress(
                    &postings,
                    &template,
                    &options,
                    out,
                    &mut |done| progress.set_position(done as u64),
                );
                let r = match rendered {
                    Ok(rendered) => rendered.report,
                    Err(RenderError::Io(e)) => return Err(e),
                    // A PDF without pages is not a valid document (poppler: "Invalid page count 0").
                    Err(RenderError::NoLabels { report, .. }) => {
                        tell(&args, &report);
                        failure = Some(no_label(&args.output));
                        return Err(std::io::Error::other("no label"));
                    }
                    Err(e) => {
                        failure = Some(e.into());
                        return Err(std::io::Error::other("rendering failed"));
                    }
                };
                if let Err(e) = check_strict(args.strict, &r) {
                    failure = Some(e.into());
                    return Err(std::io::Error::other("--strict"));
                }
                report = Some(r);
                Ok(())
            })
            .map_err(|e| {
                failure
                    .take()
                    .unwrap_or_else(|| cannot_write(&args.output, e))
            })?;
            report.unwrap_or_default()
        }
        Target::Png | Target::Dir => {
            let single = matches!(target, Target::Png);
            if !single {
                std::fs::create_dir_all(&args.output).map_err(|e| cannot_write(&args.output, e))?;
            }
            // The PNGs are made on all cores, a group of postings at a time, and come back in the order
            // of the postings, as the PDF's pages do. Each goes to its temporary file as it comes (one
            // group in memory at a time); all or nothing: they are put in place together at the end,
            // and a failure part-way leaves no mix of new and old labels.
            let mut batch = AtomicBatch::new();
            let mut names = FileNames::default();
            // What stopped the sink, kept here: the batch function only carries its own errors.
            let mut stop: Option<CliError> = None;
            let rendered = shiplabel::render_png_files(
                &postings,
                &template,
                &options,
                &mut |posting, label| {
                    if single && !batch.is_empty() {
                        stop = Some(
                            "more than one label does not fit one PNG file; give a directory \
                             (e.g. -o labels/)"
                                .into(),
                        );
                        return Err(RenderError::Io(std::io::Error::other("stopped")));
                    }
                    let path = if single {
                        args.output.clone()
                    } else {
                        args.output.join(names.unique(
                            &posting.posting_number,
                            label.of > 1,
                            label.index,
                        ))
                    };
                    batch
                        .add(&path, |w| std::io::Write::write_all(w, &label.png))
                        .map_err(|(path, e)| {
                            stop = Some(cannot_write(&path, e));
                            RenderError::Io(std::io::Error::other("stopped"))
                        })
                },
                &mut |done| progress.set_position(done as u64),
            );
            let report = match rendered {
                Ok(report) => report,
                // No label at all: a single PNG says so below; a directory gets no files.
                Err(RenderError::NoLabels { report, .. }) => *report,
                Err(e) => return Err(stop.take().unwrap_or_else(|| e.into())),
            };
            check_strict(args.strict, &report)?;
            if single && batch.is_empty() {
                tell(&args, &report);
                return Err(no_label(&args.output));
            }
            batch.commit().map_err(|(path, e)| cannot_write(&path, e))?;
            for (number, name) in &names.renamed {
                eprintln!(
                    "note: posting {} is written as {name}: its plain file name was taken by \
                     another label",
                    escape(number)
                );
            }
            report
        }
    };
    progress.finish_and_clear();

    tell(&args, &report);
    let skipped = report.skipped.len() + report.failed.len();
    let samples = match report.samples {
        0 => String::new(),
        n => format!(" ({n} of them marked samples: do not ship)"),
    };
    eprintln!(
        "{} label(s){samples} for {} of {read} posting(s) written to {}; {skipped} skipped",
        report.labels,
        read - skipped,
        args.output.display()
    );
    // A posting that should have a label and has none is a failure the caller must see.
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The postings left out and why, and the warnings, one line each.
fn tell(args: &RenderArgs, report: &RenderReport) {
    if !args.only_labelable {
        for why in &report.skipped {
            eprintln!("skipped: {}", escape(&why.to_string()));
        }
    }
    for warning in &report.warnings {
        eprintln!("warning: {}", escape(&warning.to_string()));
    }
    for failure in &report.failed {
        eprintln!("refused: {}", escape(&failure.to_string()));
    }
}

/// The stored postings to render: the ones named, or every stored posting awaiting delivery.
fn stored_postings(numbers: &[PathBuf], db: Option<&Path>) -> Result<Vec<Posting>, CliError> {
    let store = open_existing_store(db, "render")?;
    let numbers: Vec<String> = if numbers.is_empty() {
        store.numbers_in_status(&Status::AwaitingDeliver)?
    } else {
        numbers
            .iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect()
    };
    Ok(numbers
        .iter()
        .map(|n| store.posting(n))
        .collect::<Result<_, _>>()?)
}

/// With `--strict`, any posting left out or any missing glyph fails the run before a file is written.
fn check_strict(strict: bool, report: &RenderReport) -> Result<(), String> {
    if !strict {
        return Ok(());
    }
    if let Some(why) = report.skipped.first() {
        return Err(format!("{why} (--strict: nothing written)"));
    }
    if let Some(w) = report.warnings.first() {
        return Err(format!("{w} (--strict: nothing written)"));
    }
    Ok(())
}

/// Nothing to put in a single output file, naming it.
fn no_label(path: &Path) -> CliError {
    format!(
        "no posting gave a label; nothing written to {}",
        path.display()
    )
    .into()
}

/// A failed write, naming the file.
fn cannot_write(path: &Path, e: std::io::Error) -> CliError {
    format!("cannot write {}: {e}", path.display()).into()
}

/// The PNG file names of one directory output, each distinct: posting numbers that differ only in
/// characters unsafe in file names (`X/1`, `X_1`, `X:1`) or in letter case (case-insensitive file
/// systems) would map to one name, so a name already given gets `~2`, `~3`… and the run says so.
#[derive(Debug, Default)]
struct FileNames {
    /// Names given, lower-cased.
    taken: std::collections::HashSet<String>,
    /// (posting number, name) of the labels that did not get their plain name.
    renamed: Vec<(String, String)>,
}

impl FileNames {
    fn unique(&mut self, posting_number: &str, many: bool, index: usize) -> String {
        let plain = file_name(posting_number, many, index);
        let stem = plain.trim_end_matches(".png").to_owned();
        let mut name = plain;
        let mut n = 1;
        while !self.taken.insert(name.to_lowercase()) {
            n += 1;
            name = format!("{stem}~{n}.png");
        }
        if n > 1 {
            self.renamed.push((posting_number.to_owned(), name.clone()));
        }
        name
    }
}

/// A file name from a posting number: characters that are unsafe in file names become `_`.
fn file_name(posting_number: &str, many: bool, index: usize) -> String {
    let mut name: String = posting_number
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        name.push_str("label");
    }
    if many {
        name.push_str(&format!("-{}", index + 1));
    }
    name.push_str(".png");
    name
}

fn progress_bar(len: usize) -> indicatif::ProgressBar {
    // Only for people watching: a pipe or a log file gets the summary line alone.
    if !std::io::stderr().is_terminal() || len < 2 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} postings {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}
