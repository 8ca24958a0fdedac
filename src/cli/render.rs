//! `shiplabel render FILE... -o out.pdf|out.png|DIR/`: postings to label files.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Args;

use super::CliError;
use crate::compose::compose_posting;
use crate::order::{self, Posting};
use crate::output::{write_all_atomic, write_atomic_with};
use crate::pipeline::{self, RenderError, RenderOptions, DEFAULT_DPI, DPI_RANGE};
use crate::render::raster;
use crate::template::{Template, DEFAULT_TEMPLATE};

/// Render labels for postings to a PDF (one page per label), a PNG, or a directory of PNGs.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Posting files: Ozon Seller API responses or neutral records (JSON or CSV).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
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

fn parse_now(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 time like 2026-11-23T10:00:00Z: {e}"))
}

fn parse_dpi(text: &str) -> Result<u32, String> {
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

/// Runs the command.
pub fn run(args: RenderArgs) -> Result<ExitCode, CliError> {
    let target = target(&args.output)?;
    let template = Template::load(&args.template)?;
    let now = args.now.unwrap_or_else(Utc::now);

    let mut postings: Vec<Posting> = Vec::new();
    let mut read = 0usize;
    let mut skipped = 0usize;
    for file in &args.files {
        for posting in order::load_file(file)? {
            read += 1;
            match posting.labelable(now) {
                Ok(()) => postings.push(posting),
                Err(reason) => {
                    skipped += 1;
                    if args.strict {
                        return Err(format!("{reason} (--strict: nothing written)").into());
                    }
                    if !args.only_labelable {
                        eprintln!("skipped: {reason}");
                    }
                }
            }
        }
    }

    let progress = progress_bar(postings.len());
    let options = RenderOptions {
        dpi: args.dpi,
        title: format!("{} labels", template.name),
        creation_date: args.timestamp.then(|| Utc::now().fixed_offset()),
        skip_failed: !args.strict,
    };
    let (labels, warnings, failed) = match target {
        Target::Pdf => {
            let mut report = None;
            // Errors other than writing come out of the writer as io::Errors; keep the real one here.
            let mut failure: Option<CliError> = None;
            write_atomic_with(&args.output, |out| {
                let rendered = pipeline::render_pdf_with_progress(
                    &postings,
                    &template,
                    &options,
                    out,
                    &mut |done| progress.set_position(done as u64),
                );
                let r = match rendered {
                    Ok((_, r)) => r,
                    Err(RenderError::Io(e)) => return Err(e),
                    Err(e) => {
                        failure = Some(e.into());
                        return Err(std::io::Error::other("rendering failed"));
                    }
                };
                if let Err(e) = check_strict(args.strict, &r.warnings) {
                    failure = Some(e.into());
                    return Err(std::io::Error::other("--strict"));
                }
                // A PDF without pages is not a valid document (poppler: "Invalid page count 0").
                if r.labels == 0 {
                    failure = Some(no_label(&args.output));
                    return Err(std::io::Error::other("no label"));
                }
                report = Some(r);
                Ok(())
            })
            .map_err(|e| {
                failure
                    .take()
                    .unwrap_or_else(|| cannot_write(&args.output, e))
            })?;
            let r = report.unwrap_or_default();
            (r.labels, r.warnings, r.failed)
        }
        Target::Png | Target::Dir => {
            let single = matches!(target, Target::Png);
            let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
            let mut warnings = Vec::new();
            let mut failed = Vec::new();
            for (i, posting) in postings.iter().enumerate() {
                match compose_posting(posting, &template, Some(args.dpi)) {
                    Ok(labels) => {
                        let many = labels.len() > 1;
                        for (n, composed) in labels.into_iter().enumerate() {
                            let png =
                                raster::rasterize(&composed.scene, args.dpi).to_png(Some(args.dpi));
                            let path = if single {
                                args.output.clone()
                            } else {
                                args.output
                                    .join(file_name(&posting.posting_number, many, n))
                            };
                            warnings.extend(composed.warnings);
                            files.push((path, png));
                        }
                    }
                    Err(e) if !args.strict => failed.push(e),
                    Err(e) => return Err(e.into()),
                }
                progress.set_position(i as u64 + 1);
            }
            check_strict(args.strict, &warnings)?;
            if single && files.is_empty() {
                return Err(no_label(&args.output));
            }
            if single && files.len() > 1 {
                return Err(format!(
                    "{} labels do not fit one PNG file; give a directory (e.g. -o labels/)",
                    files.len()
                )
                .into());
            }
            if !single {
                std::fs::create_dir_all(&args.output).map_err(|e| cannot_write(&args.output, e))?;
            }
            let labels = files.len();
            // All or nothing: a failure part-way leaves no mix of new and old labels.
            write_all_atomic(&files).map_err(|(path, e)| cannot_write(&path, e))?;
            (labels, warnings, failed)
        }
    };
    progress.finish_and_clear();

    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    for failure in &failed {
        eprintln!("skipped: {failure}");
    }
    let skipped = skipped + failed.len();
    eprintln!(
        "{labels} label(s) for {} of {read} posting(s) written to {}; {skipped} skipped",
        postings.len() - failed.len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn check_strict(strict: bool, warnings: &[crate::compose::ComposeWarning]) -> Result<(), String> {
    match warnings.first() {
        Some(w) if strict => Err(format!("{w} (--strict: nothing written)")),
        _ => Ok(()),
    }
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
