//! Postings to labels to outputs: the batch functions that take postings all the way to a PDF, bitmaps
//! or PNG. They sit above every stage (order, label data, template, compose, render) and are the one
//! place that strings those stages together for the library's callers; the stages themselves stay
//! independent of each other's callers (see the module order in `docs/architecture.md`).
//!
//! ```no_run
//! use shiplabel::order::load_file;
//! use shiplabel::template::Template;
//!
//! let postings = load_file("postings.json".as_ref())?;
//! let template = Template::builtin("ozon-fbs")?;
//! let pdf: Vec<u8> = shiplabel::render_pdf(&postings, &template)?;
//! let png: Vec<u8> = shiplabel::render_png(&postings[0], &template, 203)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::Write;

use rayon::prelude::*;

use crate::barcode::{self, Symbology};
use crate::bitmap::Bitmap;
use crate::compose::{compose_posting, ComposeError, ComposeWarning};
use crate::order::Posting;
use crate::printer::verify::ExpectedBarcode;
use crate::render::pdf::{PdfOptions, PdfWriter, PreparedPage};
use crate::render::raster;
use crate::scene::{mm_to_dots, Item, Scene};
pub use crate::scene::{DEFAULT_DPI, DPI_RANGE};
use crate::template::Template;
/// Postings composed in parallel before their pages are written: bounds the memory a batch holds.
const BATCH: usize = 256;

/// How a batch is rendered.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The dot grid barcodes are aligned to (PDF) or the raster resolution (PNG).
    pub dpi: u32,
    /// PDF document title.
    pub title: String,
    /// PDF creation date; `None` (the default) keeps the output reproducible byte for byte.
    pub creation_date: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Leave out postings whose labels cannot be composed (reported in [`RenderReport::failed`])
    /// instead of failing the batch.
    pub skip_failed: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            dpi: DEFAULT_DPI,
            title: "Shipping labels".to_string(),
            creation_date: None,
            skip_failed: false,
        }
    }
}

/// What a batch produced.
#[derive(Debug, Default)]
pub struct RenderReport {
    /// Labels (pages) written.
    pub labels: usize,
    /// Problems that did not stop a label (missing glyphs).
    pub warnings: Vec<ComposeWarning>,
    /// Postings left out because a label could not be composed (only with `skip_failed`).
    pub failed: Vec<ComposeError>,
}

/// Why a batch could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A label could not be composed.
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// Writing the output failed.
    #[error("writing the labels failed")]
    Io(#[from] std::io::Error),
    /// A resolution outside [`DPI_RANGE`].
    #[error("resolution {0} dpi is outside {lo}–{hi} dpi", lo = DPI_RANGE.start(), hi = DPI_RANGE.end())]
    Dpi(u32),
    /// A posting for which the template makes no label (a per-product template and no products).
    #[error("posting {0}: the template makes no label for it (no product lines?)")]
    NoLabel(String),
}

fn check_dpi(dpi: u32) -> Result<(), RenderError> {
    if DPI_RANGE.contains(&dpi) {
        Ok(())
    } else {
        Err(RenderError::Dpi(dpi))
    }
}

/// Renders the labels of `postings` into one PDF in memory, laid out for 203 dpi.
///
/// Every posting given is rendered: filter with [`Posting::labelable`] first. For large batches prefer
/// [`render_pdf_to`], which streams.
pub fn render_pdf(postings: &[Posting], template: &Template) -> Result<Vec<u8>, RenderError> {
    let (bytes, _) = render_pdf_to(postings, template, &RenderOptions::default(), Vec::new())?;
    Ok(bytes)
}

/// Renders the labels of `postings` into a PDF written to `out` as pages are made; memory does not
/// grow with the batch. Returns the writer and a report.
pub fn render_pdf_to<W: Write>(
    postings: &[Posting],
    template: &Template,
    options: &RenderOptions,
    out: W,
) -> Result<(W, RenderReport), RenderError> {
    render_pdf_with_progress(postings, template, options, out, &mut |_| {})
}

/// [`render_pdf_to`], calling `progress` with the number of postings done after each group of them.
pub fn render_pdf_with_progress<W: Write>(
    postings: &[Posting],
    template: &Template,
    options: &RenderOptions,
    out: W,
    progress: &mut dyn FnMut(usize),
) -> Result<(W, RenderReport), RenderError> {
    check_dpi(options.dpi)?;
    let mut writer = PdfWriter::new(
        out,
        PdfOptions {
            title: options.title.clone(),
            creation_date: options.creation_date,
        },
    )?;
    let mut report = RenderReport::default();
    let mut done = 0;
    for group in postings.chunks(BATCH) {
        // Composing and compressing is the work; it runs on all cores, pages are written in order.
        let prepared: Vec<_> = group
            .par_iter()
            .map(|posting| {
                compose_posting(posting, template, Some(options.dpi)).map(|labels| {
                    labels
                        .into_iter()
                        .map(|c| (PreparedPage::new(&c.scene), c.warnings))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for result in prepared {
            match result {
                Ok(pages) => {
                    for (page, warnings) in pages {
                        writer.add_prepared(page)?;
                        report.labels += 1;
                        report.warnings.extend(warnings);
                    }
                }
                Err(e) if options.skip_failed => report.failed.push(e),
                Err(e) => return Err(e.into()),
            }
        }
        done += group.len();
        progress(done);
    }
    Ok((writer.finish()?, report))
}

/// Every label of a posting as a bitmap at `dpi`, with the linear barcodes the bitmap must carry, so
/// the printer can read them back from the very bitmap it sends ([`encode_label_verified`]).
///
/// [`encode_label_verified`]: crate::printer::verify::encode_label_verified
pub fn label_bitmaps_to_verify(
    posting: &Posting,
    template: &Template,
    dpi: u32,
) -> Result<Vec<(Bitmap, Vec<ExpectedBarcode>)>, RenderError> {
    check_dpi(dpi)?;
    Ok(compose_posting(posting, template, Some(dpi))?
        .iter()
        .map(|c| {
            (
                raster::rasterize(&c.scene, dpi),
                expected_barcodes(&c.scene, dpi),
            )
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
        let Some(symbology) = Symbology::ALL.into_iter().find(|s| s.name() == b.symbology) else {
            continue;
        };
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

/// Every label of a posting as a bitmap at `dpi`, laid out for that resolution.
pub fn label_bitmaps(
    posting: &Posting,
    template: &Template,
    dpi: u32,
) -> Result<Vec<Bitmap>, RenderError> {
    check_dpi(dpi)?;
    Ok(compose_posting(posting, template, Some(dpi))?
        .iter()
        .map(|c| raster::rasterize(&c.scene, dpi))
        .collect())
}

/// The (first) label of a posting as a bitmap at `dpi`: what a thermal printer prints. A multi-box
/// posting has one label per box; [`label_bitmaps`] gives them all.
pub fn label_bitmap(
    posting: &Posting,
    template: &Template,
    dpi: u32,
) -> Result<Bitmap, RenderError> {
    label_bitmaps(posting, template, dpi)?
        .into_iter()
        .next()
        .ok_or_else(|| RenderError::NoLabel(posting.posting_number.clone()))
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
        use crate::printer::verify::encode_label_verified;
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ozon_posting.json");
        let posting = crate::order::load_file(file.as_ref()).unwrap().remove(0);
        let template = Template::builtin("ozon-fbs").unwrap();
        let (mut bitmap, barcodes) = label_bitmaps_to_verify(&posting, &template, 203)
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
