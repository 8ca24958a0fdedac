//! Postings to labels to outputs: the batch functions that take postings all the way to a PDF, bitmaps
//! or PNG. They sit above every stage (order, label data, template, compose, render) and are the one
//! place that strings those stages together for the library's callers; the stages themselves stay
//! independent of each other's callers (see the module order in `docs/architecture.md`).
//!
//! They apply the same gate as the command line: only postings that may get a label now
//! ([`Posting::labelable`]) get one; the others come back in [`RenderReport::skipped`] with the reason.
//! A preview of such a posting is made only on request ([`RenderOptions::samples`]) and is marked
//! across the label ([`crate::compose::SAMPLE_MARK`]) with its barcodes removed, so nobody can ship it.
//! Which labels a posting gets (per package, per box, per product) is [`crate::label::labels_of`].
//!
//! ```no_run
//! use shiplabel::order::load_file;
//! use shiplabel::template::Template;
//!
//! let postings = load_file("postings.json".as_ref())?;
//! let template = Template::builtin("ozon-fbs")?;
//! let rendered = shiplabel::render_pdf(&postings, &template)?;
//! for skipped in &rendered.report.skipped {
//!     eprintln!("no label: {skipped}");
//! }
//! std::fs::write("labels.pdf", &rendered.pdf)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod native;

use std::io::Write;

use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;

use crate::barcode;
use crate::bitmap::Bitmap;
use crate::compose::{compose, compose_sample, ComposeError, ComposeWarning, Composed};
use crate::label::{labels_of, LabelRuleError, NamedBitmap};
use crate::order::{NotLabelable, Posting};
use crate::printer::ExpectedBarcode;
use crate::render::{rasterize, PdfOptions, PdfWriter, PreparedPage};
use crate::scene::{Item, Scene, DEFAULT_DPI, DPI_RANGE};
use crate::template::Template;
use crate::units::mm_to_dots;

pub use native::encode_scene;

/// Postings composed in parallel before their pages are written: bounds the memory a batch holds.
const BATCH: usize = 256;

/// How labels are made.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The dot grid barcodes are aligned to (PDF) or the raster resolution (PNG, bitmaps).
    pub dpi: u32,
    /// PDF document title.
    pub title: String,
    /// PDF creation date; `None` (the default) keeps the output reproducible byte for byte.
    pub creation_date: Option<DateTime<FixedOffset>>,
    /// Leave out postings whose labels cannot be made (reported in [`RenderReport::failed`]) instead of
    /// failing the batch.
    pub skip_failed: bool,
    /// The time that decides whether a posting may get a label (the passport gate); `None`: now.
    pub now: Option<DateTime<Utc>>,
    /// Also make labels for postings that may not get one, as samples: marked across the label and
    /// with their barcodes removed, so that nobody can ship them. Off by default.
    pub samples: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            dpi: DEFAULT_DPI,
            title: "Shipping labels".to_string(),
            creation_date: None,
            skip_failed: false,
            now: None,
            samples: false,
        }
    }
}

impl RenderOptions {
    /// The default options at `dpi`.
    pub fn at_dpi(dpi: u32) -> RenderOptions {
        RenderOptions {
            dpi,
            ..RenderOptions::default()
        }
    }
}

/// What a batch produced.
#[derive(Debug, Default)]
pub struct RenderReport {
    /// Labels (pages) made.
    pub labels: usize,
    /// Of those, samples of postings that may not be labelled (only with [`RenderOptions::samples`]).
    pub samples: usize,
    /// Problems that did not stop a label (missing glyphs).
    pub warnings: Vec<ComposeWarning>,
    /// Postings that may not get a label now, with the reason (not with [`RenderOptions::samples`]).
    pub skipped: Vec<NotLabelable>,
    /// Postings left out because their labels could not be made: a missing or placeholder barcode, a
    /// layout that does not fit, a box count over the limit (only with `skip_failed`).
    pub failed: Vec<RenderError>,
}

/// A PDF made by [`render_pdf`] (in memory) or [`render_pdf_to`] (into the writer `W`).
#[derive(Debug)]
pub struct RenderedPdf<W = Vec<u8>> {
    /// The document: its bytes, or the writer it went to.
    pub pdf: W,
    /// What went into it and what was left out.
    pub report: RenderReport,
}

/// One label of a posting as a bitmap with the linear barcodes it must carry
/// ([`named_bitmaps_to_verify`]).
#[derive(Debug, Clone)]
pub struct BitmapToVerify {
    /// The label's name (see [`NamedLabel::name`]).
    pub name: String,
    /// The label.
    pub bitmap: Bitmap,
    /// Its linear barcodes as the rasteriser drew them.
    pub barcodes: Vec<ExpectedBarcode>,
}

/// One label of a posting, composed.
#[derive(Debug, Clone)]
pub struct NamedLabel {
    /// `posting`, `posting box n/m`, `… product k/K` (see [`crate::label::PostingLabel::name`]).
    pub name: String,
    /// The composed label.
    pub composed: Composed,
    /// Whether it is a marked sample of a posting that may not be labelled.
    pub sample: bool,
}

/// Why labels could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The posting may not get a label now (ask for a sample with [`RenderOptions::samples`]).
    #[error(transparent)]
    NotLabelable(#[from] NotLabelable),
    /// The label rule refused the posting (too many boxes, no product lines for a per-product template).
    #[error(transparent)]
    Rule(#[from] LabelRuleError),
    /// A label could not be composed.
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// Writing the output failed.
    #[error("writing the labels failed")]
    Io(#[from] std::io::Error),
    /// A resolution outside [`DPI_RANGE`].
    #[error("resolution {0} dpi is outside {lo}–{hi} dpi", lo = DPI_RANGE.start(), hi = DPI_RANGE.end())]
    Dpi(u32),
    /// A posting for which the template makes no label.
    #[error("posting {0}: the template makes no label for it")]
    NoLabel(String),
    /// No posting of the batch gave a label: a PDF without pages is not a document.
    #[error("none of the {postings} posting(s) gave a label ({} may not be labelled now, {} failed)", report.skipped.len(), report.failed.len())]
    NoLabels {
        /// Postings given.
        postings: usize,
        /// Why each was left out.
        report: Box<RenderReport>,
    },
}

fn check_dpi(dpi: u32) -> Result<(), RenderError> {
    if DPI_RANGE.contains(&dpi) {
        Ok(())
    } else {
        Err(RenderError::Dpi(dpi))
    }
}

/// The labels of one posting, composed for `options.dpi`: the gate ([`Posting::labelable`] at
/// `options.now`), then the label rule ([`labels_of`]), then the template. A posting that may not be
/// labelled is an error, unless `options.samples` asks for marked samples.
pub fn posting_labels(
    posting: &Posting,
    template: &Template,
    options: &RenderOptions,
) -> Result<Vec<NamedLabel>, RenderError> {
    check_dpi(options.dpi)?;
    let now = options.now.unwrap_or_else(Utc::now);
    let sample = match posting.labelable(now) {
        Ok(()) => false,
        Err(_) if options.samples => true,
        Err(e) => return Err(e.into()),
    };
    let dpi = Some(options.dpi);
    let labels = labels_of(posting, template.repeat)?;
    if labels.is_empty() {
        return Err(RenderError::NoLabel(posting.posting_number.to_string()));
    }
    labels
        .into_iter()
        .map(|label| {
            let composed = if sample {
                compose_sample(template, &label.data, dpi)?
            } else {
                compose(template, &label.data, dpi)?
            };
            Ok(NamedLabel {
                name: label.name(),
                composed,
                sample,
            })
        })
        .collect()
}

/// Renders the labels of the postings that may get one into one PDF in memory, laid out for 203 dpi;
/// the report lists the postings left out and why. For large batches prefer [`render_pdf_to`], which
/// streams.
pub fn render_pdf(postings: &[Posting], template: &Template) -> Result<RenderedPdf, RenderError> {
    render_pdf_to(postings, template, &RenderOptions::default(), Vec::new())
}

/// Renders the labels of `postings` into a PDF written to `out` as pages are made; memory does not
/// grow with the batch. Returns the writer and a report.
pub fn render_pdf_to<W: Write>(
    postings: &[Posting],
    template: &Template,
    options: &RenderOptions,
    out: W,
) -> Result<RenderedPdf<W>, RenderError> {
    render_pdf_with_progress(postings, template, options, out, &mut |_| {})
}

/// [`render_pdf_to`], calling `progress` with the number of postings done after each group of them.
pub fn render_pdf_with_progress<W: Write>(
    postings: &[Posting],
    template: &Template,
    options: &RenderOptions,
    out: W,
    progress: &mut dyn FnMut(usize),
) -> Result<RenderedPdf<W>, RenderError> {
    check_dpi(options.dpi)?;
    let mut writer = PdfWriter::new(
        out,
        PdfOptions {
            title: options.title.clone(),
            creation_date: options.creation_date,
        },
    )?;
    let report = batch(
        postings,
        template,
        options,
        PreparedPage::new,
        &mut |_, _, page| Ok(writer.add_prepared(page)?),
        progress,
    )?;
    Ok(RenderedPdf {
        pdf: writer.finish()?,
        report,
    })
}

/// One label of a batch as a PNG file's bytes, handed over in posting order by [`render_png_files`].
#[derive(Debug)]
pub struct PngLabel {
    /// Which label of its posting this is (from 0) …
    pub index: usize,
    /// … of how many.
    pub of: usize,
    /// The label's name (see [`NamedLabel::name`]).
    pub name: String,
    /// The PNG file (1 bit, the resolution recorded).
    pub png: Vec<u8>,
}

/// The labels of `postings` as PNG files at `options.dpi`, made on all cores like the PDF's pages and
/// handed to `sink` in order (postings as given, each posting's labels in turn); `progress` gets the
/// number of postings done after each group. Postings are gated and reported as for [`render_pdf_to`].
pub fn render_png_files(
    postings: &[Posting],
    template: &Template,
    options: &RenderOptions,
    sink: &mut dyn FnMut(&Posting, PngLabel) -> Result<(), RenderError>,
    progress: &mut dyn FnMut(usize),
) -> Result<RenderReport, RenderError> {
    check_dpi(options.dpi)?;
    let dpi = options.dpi;
    batch(
        postings,
        template,
        options,
        |scene| rasterize(scene, dpi).to_png(Some(dpi)),
        &mut |posting, Slot { index, of, name }, png| {
            sink(
                posting,
                PngLabel {
                    index,
                    of,
                    name,
                    png,
                },
            )
        },
        progress,
    )
}

/// Where a label stands among its posting's labels, and its name.
struct Slot {
    index: usize,
    of: usize,
    name: String,
}

/// The batch loop behind the PDF and the PNG outputs: postings in groups of [`BATCH`], each group's
/// labels composed and turned into output by `make` on all cores, then handed to `take` in order
/// (with the label's index, count and name). The report counts the labels taken and collects the
/// warnings, the postings skipped and (with `skip_failed`) the failures; a batch without any label is
/// [`RenderError::NoLabels`].
fn batch<T: Send>(
    postings: &[Posting],
    template: &Template,
    options: &RenderOptions,
    make: impl Fn(&crate::scene::Scene) -> T + Sync,
    take: &mut dyn FnMut(&Posting, Slot, T) -> Result<(), RenderError>,
    progress: &mut dyn FnMut(usize),
) -> Result<RenderReport, RenderError> {
    // One clock for the whole batch: a posting's fate must not depend on when its group came up.
    let options = RenderOptions {
        now: Some(options.now.unwrap_or_else(Utc::now)),
        ..options.clone()
    };
    let mut report = RenderReport::default();
    let mut done = 0;
    for group in postings.chunks(BATCH) {
        // Composing and making the output is the work; it runs on all cores, labels are taken in order.
        // Scenes are dropped as soon as their output is made: a group holds outputs only.
        let made: Vec<_> = group
            .par_iter()
            .map(|posting| {
                posting_labels(posting, template, &options).map(|labels| {
                    labels
                        .into_iter()
                        .map(|l| {
                            let output = make(&l.composed.scene);
                            (l.name, l.composed.warnings, l.sample, output)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for (posting, result) in group.iter().zip(made) {
            match result {
                Ok(labels) => {
                    let of = labels.len();
                    for (index, (name, warnings, sample, output)) in labels.into_iter().enumerate()
                    {
                        take(posting, Slot { index, of, name }, output)?;
                        report.labels += 1;
                        report.samples += usize::from(sample);
                        report.warnings.extend(warnings);
                    }
                }
                Err(RenderError::NotLabelable(why)) => report.skipped.push(why),
                Err(e @ (RenderError::Compose(_) | RenderError::Rule(_)))
                    if options.skip_failed =>
                {
                    report.failed.push(e)
                }
                Err(e) => return Err(e),
            }
        }
        done += group.len();
        progress(done);
    }
    if report.labels == 0 {
        return Err(RenderError::NoLabels {
            postings: postings.len(),
            report: Box::new(report),
        });
    }
    Ok(report)
}

/// Every label of a posting as a bitmap with its name, at `options.dpi` (see [`posting_labels`]).
pub fn named_bitmaps(
    posting: &Posting,
    template: &Template,
    options: &RenderOptions,
) -> Result<Vec<NamedBitmap>, RenderError> {
    Ok(posting_labels(posting, template, options)?
        .into_iter()
        .map(|l| NamedBitmap {
            bitmap: rasterize(&l.composed.scene, options.dpi),
            name: l.name,
        })
        .collect())
}

/// Every label of a posting as a named bitmap at `options.dpi` (see [`posting_labels`]), with the linear
/// barcodes the bitmap must carry, so the printer can read them back from the very bitmap it sends
/// ([`encode_label_verified`]).
///
/// [`encode_label_verified`]: crate::printer::encode_label_verified
pub fn named_bitmaps_to_verify(
    posting: &Posting,
    template: &Template,
    options: &RenderOptions,
) -> Result<Vec<BitmapToVerify>, RenderError> {
    Ok(posting_labels(posting, template, options)?
        .into_iter()
        .map(|l| {
            let bitmap = rasterize(&l.composed.scene, options.dpi);
            let barcodes = expected_barcodes(&l.composed.scene, options.dpi);
            BitmapToVerify {
                name: l.name,
                bitmap,
                barcodes,
            }
        })
        .collect())
}

/// The scene's linear barcodes as the rasteriser draws them at `dpi`: the modules from encoding the
/// value again (not from the drawn bars), the position from the first bar, the rows every bar covers.
/// Matrix symbols and barcodes laid out off the dot grid are not listed.
fn expected_barcodes(scene: &Scene, dpi: u32) -> Vec<ExpectedBarcode> {
    let dots = |mm: f64| mm_to_dots(mm, dpi).round().max(0.0) as u32;
    let mut out = Vec::new();
    for item in &scene.items {
        let Item::Barcode(b) = item else { continue };
        let symbology = b.symbology;
        let (Some(module_dots), Some(first), false) =
            (b.module_dots, b.bars.first(), symbology.is_matrix())
        else {
            continue;
        };
        let Ok(symbol) = barcode::encode(symbology, &b.value) else {
            continue;
        };
        let Some(modules) = symbol.modules() else {
            continue;
        };
        let top = b.bars.iter().map(|r| dots(r.y)).max().unwrap_or(0);
        let bottom = b.bars.iter().map(|r| dots(r.bottom())).min().unwrap_or(0);
        let quiet = symbol.quiet_zone();
        out.push(ExpectedBarcode {
            value: b.value.clone(),
            modules: modules.to_vec(),
            module_dots,
            x: dots(first.x),
            top,
            bottom,
            quiet_modules: (quiet.left, quiet.right),
        });
    }
    out
}

/// Every label of a posting as a bitmap at `dpi`, laid out for that resolution: one per package of a
/// packed posting, per box of a multi-box one, per product line for a per-product template. A posting
/// that may not get a label now is an error ([`RenderError::NotLabelable`]).
pub fn label_bitmaps(
    posting: &Posting,
    template: &Template,
    dpi: u32,
) -> Result<Vec<Bitmap>, RenderError> {
    Ok(
        named_bitmaps(posting, template, &RenderOptions::at_dpi(dpi))?
            .into_iter()
            .map(|b| b.bitmap)
            .collect(),
    )
}

/// The (first) label of a posting as a bitmap at `dpi`: what a thermal printer prints. A posting with
/// several labels (packages, boxes, products) has them all in [`label_bitmaps`].
pub fn label_bitmap(
    posting: &Posting,
    template: &Template,
    dpi: u32,
) -> Result<Bitmap, RenderError> {
    label_bitmaps(posting, template, dpi)?
        .into_iter()
        .next()
        .ok_or_else(|| RenderError::NoLabel(posting.posting_number.to_string()))
}

/// The (first) label of a posting as a 1-bit PNG at `dpi`, with the resolution recorded in the file.
pub fn render_png(
    posting: &Posting,
    template: &Template,
    dpi: u32,
) -> Result<Vec<u8>, RenderError> {
    Ok(label_bitmap(posting, template, dpi)?.to_png(Some(dpi)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resolution_out_of_range_names_the_range() {
        assert_eq!(
            RenderError::Dpi(50).to_string(),
            "resolution 50 dpi is outside 72–1200 dpi"
        );
        assert!(check_dpi(72).is_ok() && check_dpi(1200).is_ok());
        assert!(check_dpi(1201).is_err());
    }

    #[test]
    fn the_ozon_labels_barcodes_read_back_and_a_damaged_bar_stops_the_job() {
        use crate::printer::encode_label_verified;
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ozon_posting.json");
        let posting = crate::order::load_file(file.as_ref()).unwrap().remove(0);
        let template = Template::builtin("ozon-fbs").unwrap();
        let options = RenderOptions {
            now: Some("2026-11-23T10:00:00Z".parse().unwrap()),
            ..RenderOptions::at_dpi(203)
        };
        let BitmapToVerify {
            mut bitmap,
            barcodes,
            ..
        } = named_bitmaps_to_verify(&posting, &template, &options)
            .unwrap()
            .remove(0);
        assert!(barcodes.len() >= 2, "both Code 128 symbols: {barcodes:?}");
        for p in crate::printer::builtins() {
            encode_label_verified(&bitmap, &barcodes, &p, 1).unwrap();
        }
        // A bar one dot thinner across the symbol's height.
        let b = &barcodes[0];
        for y in b.top..b.bottom {
            bitmap.set(b.x, y, false);
        }
        let p = crate::printer::builtin("xprinter-xp420b").unwrap();
        let err = encode_label_verified(&bitmap, &barcodes, &p, 1).unwrap_err();
        assert!(err.to_string().contains(&b.value), "{err}");
    }
}
