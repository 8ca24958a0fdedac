//! `shiplabel render FILE... -o out.pdf|out.png|DIR/`: postings to label files.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Args;

use super::terminal::escape;
use super::CliError;
use shiplabel::compose::compose_posting;
use shiplabel::order::{self, Posting};
use shiplabel::output::{write_atomic_with, AtomicBatch};
use shiplabel::pipeline::{self, RenderError, RenderOptions, DEFAULT_DPI, DPI_RANGE};
use shiplabel::render::raster;
use shiplabel::template::{Template, DEFAULT_TEMPLATE};

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
                        eprintln!("skipped: {}", escape(&reason.to_string()));
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
                    failure = Some(no_label(&args.output, &r.failed, skipped));
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
            if !single {
                std::fs::create_dir_all(&args.output).map_err(|e| cannot_write(&args.output, e))?;
            }
            // Each PNG goes to its temporary file as soon as it is drawn (one label in memory at a
            // time); all or nothing: they are put in place together at the end, and a failure
            // part-way leaves no mix of new and old labels.
            let mut batch = AtomicBatch::new();
            let mut names = FileNames::default();
            let mut warnings = Vec::new();
            let mut failed = Vec::new();
            for (i, posting) in postings.iter().enumerate() {
                match compose_posting(posting, &template, Some(args.dpi)) {
                    Ok(labels) => {
                        let many = labels.len() > 1;
                        for (n, composed) in labels.into_iter().enumerate() {
                            if single && !batch.is_empty() {
                                return Err("more than one label does not fit one PNG file; give \
                                     a directory (e.g. -o labels/)"
                                    .into());
                            }
                            let png =
                                raster::rasterize(&composed.scene, args.dpi).to_png(Some(args.dpi));
                            let path = if single {
                                args.output.clone()
                            } else {
                                args.output
                                    .join(names.unique(&posting.posting_number, many, n))
                            };
                            warnings.extend(composed.warnings);
                            batch
                                .add(&path, |w| std::io::Write::write_all(w, &png))
                                .map_err(|(path, e)| cannot_write(&path, e))?;
                        }
                    }
                    Err(e) if !args.strict => failed.push(e),
                    Err(e) => return Err(e.into()),
                }
                progress.set_position(i as u64 + 1);
            }
            check_strict(args.strict, &warnings)?;
            if single && batch.is_empty() {
                return Err(no_label(&args.output, &failed, skipped));
            }
            let labels = batch.len();
            batch.commit().map_err(|(path, e)| cannot_write(&path, e))?;
            for (number, name) in &names.renamed {
                eprintln!(
                    "note: posting {} is written as {name}: its plain file name was taken by \
                     another label",
                    escape(number)
                );
            }
            (labels, warnings, failed)
        }
    };
    progress.finish_and_clear();

    for warning in &warnings {
        eprintln!("warning: {}", escape(&warning.to_string()));
    }
    for failure in &failed {
        eprintln!("skipped: {}", escape(&failure.to_string()));
    }
    let skipped = skipped + failed.len();
    eprintln!(
        "{labels} label(s) for {} of {read} posting(s) written to {}; {skipped} skipped",
        postings.len() - failed.len(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn check_strict(
    strict: bool,
    warnings: &[shiplabel::compose::ComposeWarning],
) -> Result<(), String> {
    match warnings.first() {
        Some(w) if strict => Err(format!("{w} (--strict: nothing written)")),
        _ => Ok(()),
    }
}

/// Nothing to put in a single output file, naming it and saying why: each posting whose label could
/// not be made, and how many were not labelable (each listed as "skipped:" above unless
/// `--only-labelable`).
fn no_label(path: &Path, failed: &[impl std::fmt::Display], not_labelable: usize) -> CliError {
    let mut text = format!(
        "no posting gave a label; nothing written to {}",
        path.display()
    );
    if not_labelable > 0 {
        text.push_str(&format!(
            "\n  {not_labelable} posting(s) may not be labelled now (see the skipped lines above)"
        ));
    }
    for failure in failed {
        text.push_str(&format!("\n  {failure}"));
    }
    text.into()
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
