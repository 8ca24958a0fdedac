//! The handover sheet (акт приёма-передачи): the document a seller and the carrier's agent sign at
//! the collection point. A4 portrait: seller, warehouse, date and carrier on every page; a table of
//! the postings handed over (number, a Code 128 of the number, boxes, items, declared cost) with its
//! header repeated on every page; totals and signature lines at the end; "page N of M" at the foot.
//!
//! The layout is data first ([`HandoverSheet::pages`] says which rows go on which page) and then
//! scenes ([`HandoverSheet::scenes`]) drawn by the project's PDF writer, on a 300 dpi grid so every
//! bar edge falls on a printer dot at 300 dpi (and at 600).

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

use crate::barcode::Symbology;
use crate::compose::barcode_item;
use crate::font::FontStyle;
use crate::order::{Money, OrderError, Posting, PostingNumber};
use crate::render::{PdfOptions, PdfWriter};
use crate::scene::{Item, Rect, Scene, TextRun};
use crate::template::Align;
use crate::template::BarcodeBox;

/// A4 in millimetres.
pub const PAGE_W: f64 = 210.0;
/// A4 in millimetres.
pub const PAGE_H: f64 = 297.0;
const MARGIN: f64 = 15.0;
/// The grid the sheet is aligned to: bars are whole dots at this resolution.
pub const GRID_DPI: u32 = 300;
/// Height of one table row (it holds a barcode).
pub const ROW_H: f64 = 14.0;
const HEAD_H: f64 = 38.0;
const TABLE_HEAD_H: f64 = 9.0;
const FOOT_H: f64 = 8.0;
/// Room the totals and the signature lines need below the table.
const CLOSING_H: f64 = 52.0;
/// Column edges (x from the left page edge) and titles.
const COLUMNS: [(f64, f64, &str); 6] = [
    (15.0, 10.0, "№"),
    (25.0, 42.0, "Номер отправления"),
    (67.0, 66.0, "Штрихкод"),
    (133.0, 13.0, "Мест"),
    (146.0, 15.0, "Товаров"),
    (161.0, 34.0, "Объявл. стоимость"),
];

/// One posting on the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverRow {
    /// The posting number (also the barcode's value).
    pub posting_number: PostingNumber,
    /// Boxes (cargo places).
    pub boxes: u32,
    /// Units.
    pub items: u64,
    /// Declared cost: the sum of price × quantity.
    pub cost: Money,
}

/// A posting left off the sheet, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The posting number.
    pub posting_number: PostingNumber,
    /// Why it cannot be handed over.
    pub reason: String,
}

/// The whole sheet, before layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverSheet {
    /// The seller's name (blank line to fill in by hand when empty).
    pub seller: String,
    /// Warehouse(s) the postings leave from.
    pub warehouse: String,
    /// Carrier(s) taking them.
    pub carrier: String,
    /// The date of the handover.
    pub date: NaiveDate,
    /// The postings, in the order given.
    pub rows: Vec<HandoverRow>,
}

/// Which rows go on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLayout {
    /// 1-based page number.
    pub number: usize,
    /// Index range into [`HandoverSheet::rows`].
    pub rows: std::ops::Range<usize>,
    /// Whether the totals and signatures are on this page (the last one).
    pub closing: bool,
}

/// Why a handover sheet could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HandoverError {
    /// Nothing to hand over.
    #[error("no posting can be handed over ({skipped} skipped)")]
    Empty {
        /// How many were skipped.
        skipped: usize,
    },
    /// A posting's cost could not be computed.
    #[error(transparent)]
    Cost(#[from] OrderError),
    /// A posting number could not be encoded as Code 128.
    #[error("posting {posting}: barcode: {message}")]
    Barcode {
        /// The posting number.
        posting: String,
        /// What went wrong.
        message: String,
    },
    /// Writing the file failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The output path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn distinct(values: impl Iterator<Item = Option<String>>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for v in values.flatten() {
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen.join(", ")
}

impl HandoverSheet {
    /// The sheet for the postings that can be handed over at `now` (the order rules decide: packed,
    /// passport gate open); the others are returned as skipped with the reason.
    pub fn from_postings(
        postings: &[Posting],
        seller: &str,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(HandoverSheet, Vec<Skipped>), HandoverError> {
        let mut rows = Vec::new();
        let mut skipped = Vec::new();
        let mut taken: Vec<&Posting> = Vec::new();
        for posting in postings {
            if let Err(e) = posting.clone().hand_over(now) {
                skipped.push(Skipped {
                    posting_number: posting.posting_number.clone(),
                    reason: e.to_string(),
                });
                continue;
            }
            let boxes = if posting.is_multibox {
                posting.multi_box_qty.max(1)
            } else {
                u32::try_from(posting.shipments.len())
                    .unwrap_or(u32::MAX)
                    .max(1)
            };
            rows.push(HandoverRow {
                posting_number: posting.posting_number.clone(),
                boxes,
                items: posting.unit_count(),
                cost: posting.cost()?,
            });
            taken.push(posting);
        }
        if rows.is_empty() {
            return Err(HandoverError::Empty {
                skipped: skipped.len(),
            });
        }
        let sheet = HandoverSheet {
            seller: seller.trim().to_owned(),
            warehouse: distinct(taken.iter().map(|p| p.delivery_method.warehouse.clone())),
            carrier: distinct(taken.iter().map(|p| p.delivery_method.tpl_provider.clone())),
            date,
            rows,
        };
        Ok((sheet, skipped))
    }

    /// Total boxes.
    pub fn total_boxes(&self) -> u64 {
        self.rows.iter().map(|r| u64::from(r.boxes)).sum()
    }

    /// Total units.
    pub fn total_items(&self) -> u64 {
        self.rows.iter().map(|r| r.items).sum()
    }

    /// Total declared cost per currency, exact.
    pub fn total_cost(&self) -> Result<Vec<Money>, HandoverError> {
        let mut sums = super::CurrencySums::default();
        for r in &self.rows {
            sums.add(&r.cost, &r.posting_number)?;
        }
        Ok(sums.to_money())
    }

    /// Rows per page: as many as fit below the header; the last page also needs room for the totals
    /// and signatures, and gets a page of its own when the rows leave none.
    pub fn pages(&self) -> Vec<PageLayout> {
        let body = PAGE_H - 2.0 * MARGIN - HEAD_H - TABLE_HEAD_H - FOOT_H;
        let full = ((body / ROW_H).floor() as usize).max(1);
        let last_cap = (((body - CLOSING_H) / ROW_H).floor() as usize).max(1);
        let n = self.rows.len();
        let mut pages: Vec<PageLayout> = Vec::new();
        let mut start = 0;
        // Full pages while more than a page is left, then the remainder.
        while n - start > full {
            pages.push(PageLayout {
                number: pages.len() + 1,
                rows: start..start + full,
                closing: false,
            });
            start += full;
        }
        let remainder = n - start;
        if remainder > 0 {
            pages.push(PageLayout {
                number: pages.len() + 1,
                rows: start..n,
                closing: remainder <= last_cap,
            });
        }
        if !pages.last().is_some_and(|p| p.closing) {
            pages.push(PageLayout {
                number: pages.len() + 1,
                rows: n..n,
                closing: true,
            });
        }
        pages
    }

    /// The pages as scenes for the PDF writer.
    pub fn scenes(&self) -> Result<Vec<Scene>, HandoverError> {
        let layout = self.pages();
        let count = layout.len();
        let totals = self.total_cost()?;
        let mut scenes = Vec::with_capacity(count);
        for page in &layout {
            let mut s = Page::new(format!("handover page {}", page.number));
            self.draw_head(&mut s, page.number, count);
            let mut y = MARGIN + HEAD_H;
            if !page.rows.is_empty() {
                y = draw_table_head(&mut s, y);
                for i in page.rows.clone() {
                    if let Some(row) = self.rows.get(i) {
                        draw_row(&mut s, y, i + 1, row)?;
                    }
                    y += ROW_H;
                }
            }
            if page.closing {
                self.draw_closing(&mut s, y + 4.0, &totals);
            }
            s.text(
                &format!("Лист {} из {}", page.number, count),
                PAGE_W - MARGIN,
                PAGE_H - MARGIN,
                8.0,
                FontStyle::Regular,
                Align::Right,
            );
            scenes.push(s.scene);
        }
        Ok(scenes)
    }

    fn draw_head(&self, s: &mut Page, page: usize, count: usize) {
        let top = MARGIN;
        s.text(
            "Акт приёма-передачи отправлений",
            PAGE_W / 2.0,
            top + 6.0,
            14.0,
            FontStyle::Bold,
            Align::Center,
        );
        let date = self.date.format("%d.%m.%Y").to_string();
        // An unknown value gets a line to fill in by hand.
        fn or_blank(value: &str) -> &str {
            if value.is_empty() {
                "________________________________"
            } else {
                value
            }
        }
        let lines = [
            ("Продавец:", or_blank(&self.seller)),
            ("Склад:", or_blank(&self.warehouse)),
            ("Перевозчик:", or_blank(&self.carrier)),
            ("Дата передачи:", date.as_str()),
        ];
        for (i, (label, value)) in lines.iter().enumerate() {
            let y = top + 14.0 + 5.5 * i as f64;
            s.text(label, MARGIN, y, 10.0, FontStyle::Bold, Align::Left);
            s.text(
                &fit_chars(value, 75),
                MARGIN + 36.0,
                y,
                10.0,
                FontStyle::Regular,
                Align::Left,
            );
        }
        if count > 1 {
            s.text(
                &format!("Лист {page} из {count}"),
                PAGE_W - MARGIN,
                top + 14.0,
                10.0,
                FontStyle::Regular,
                Align::Right,
            );
        }
    }

    fn draw_closing(&self, s: &mut Page, top: f64, totals: &[Money]) {
        let cost = totals
            .iter()
            .map(|m| format!("{} {}", group(&m.amount_string()), m.currency))
            .collect::<Vec<_>>()
            .join(" + ");
        let lines = [
            format!("Всего отправлений: {}", self.rows.len()),
            format!("Всего мест: {}", self.total_boxes()),
            format!("Всего товаров: {}", self.total_items()),
            format!("Общая объявленная стоимость: {cost}"),
        ];
        for (i, line) in lines.iter().enumerate() {
            s.text(
                line,
                MARGIN,
                top + 5.0 + 5.5 * i as f64,
                10.0,
                FontStyle::Bold,
                Align::Left,
            );
        }
        let sig = top + 36.0;
        for (x, who) in [(MARGIN, "Сдал (продавец)"), (112.0, "Принял (перевозчик)")]
        {
            s.text(who, x, sig, 9.0, FontStyle::Regular, Align::Left);
            s.rect(Rect::new(x, sig + 9.0, 80.0, 0.3));
            s.text(
                "подпись / Ф. И. О.",
                x,
                sig + 13.0,
                7.0,
                FontStyle::Regular,
                Align::Left,
            );
        }
    }

    /// Writes the sheet as a PDF, atomically (a failed run leaves no half-written file).
    pub fn write_pdf(&self, path: &Path) -> Result<usize, HandoverError> {
        let scenes = self.scenes()?;
        let write_err = |source| HandoverError::Write {
            path: path.display().to_string(),
            source,
        };
        crate::output::write_atomic_with(path, |out| {
            let mut pdf = PdfWriter::new(
                out,
                PdfOptions {
                    title: format!("Акт приёма-передачи {}", self.date.format("%d.%m.%Y")),
                    creation_date: None,
                },
            )?;
            for scene in &scenes {
                pdf.add_scene(scene)?;
            }
            pdf.finish()?;
            Ok(())
        })
        .map_err(write_err)?;
        Ok(scenes.len())
    }
}

/// Thousands separated by thin spaces for reading: `1234567.50` → `1 234 567.50`.
fn group(amount: &str) -> String {
    let (int, frac) = amount.split_once('.').unwrap_or((amount, ""));
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(*c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Cuts text longer than `max` characters with an ellipsis (header values).
fn fit_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn draw_table_head(s: &mut Page, top: f64) -> f64 {
    let right = COLUMNS[5].0 + COLUMNS[5].1;
    s.rect(Rect::new(MARGIN, top, right - MARGIN, 0.4));
    for (x, w, title) in COLUMNS {
        s.text(
            title,
            x + w / 2.0,
            top + 6.0,
            8.0,
            FontStyle::Bold,
            Align::Center,
        );
    }
    let bottom = top + TABLE_HEAD_H;
    s.rect(Rect::new(MARGIN, bottom - 0.4, right - MARGIN, 0.4));
    bottom
}

fn draw_row(s: &mut Page, top: f64, index: usize, row: &HandoverRow) -> Result<(), HandoverError> {
    let mid = top + ROW_H / 2.0 + 1.3;
    let [c_no, c_num, c_bar, c_box, c_items, c_cost] = COLUMNS;
    s.text(
        &index.to_string(),
        c_no.0 + c_no.1 - 1.5,
        mid,
        9.0,
        FontStyle::Regular,
        Align::Right,
    );
    s.text(
        &row.posting_number,
        c_num.0 + 1.5,
        mid,
        9.0,
        FontStyle::Regular,
        Align::Left,
    );
    s.barcode(
        &row.posting_number,
        Rect::new(c_bar.0 + 1.0, top + 2.0, c_bar.1 - 2.0, ROW_H - 4.0),
    )?;
    s.text(
        &row.boxes.to_string(),
        c_box.0 + c_box.1 - 2.0,
        mid,
        9.0,
        FontStyle::Regular,
        Align::Right,
    );
    s.text(
        &row.items.to_string(),
        c_items.0 + c_items.1 - 2.0,
        mid,
        9.0,
        FontStyle::Regular,
        Align::Right,
    );
    s.text(
        &format!("{} {}", group(&row.cost.amount_string()), row.cost.currency),
        c_cost.0 + c_cost.1 - 1.0,
        mid,
        9.0,
        FontStyle::Regular,
        Align::Right,
    );
    let right = c_cost.0 + c_cost.1;
    s.rect(Rect::new(MARGIN, top + ROW_H - 0.2, right - MARGIN, 0.2));
    Ok(())
}

/// A page being drawn: thin helpers over a [`Scene`].
struct Page {
    scene: Scene,
}

impl Page {
    fn new(name: String) -> Page {
        Page {
            scene: Scene {
                width_mm: PAGE_W,
                height_mm: PAGE_H,
                grid_dpi: Some(GRID_DPI),
                items: Vec::new(),
                label_name: name,
            },
        }
    }

    fn rect(&mut self, r: Rect) {
        self.scene.items.push(Item::Fill(r));
    }

    /// One line of text with its baseline at `baseline`; `anchor` says which of its ends (or its
    /// middle) is at `x`.
    fn text(
        &mut self,
        text: &str,
        x: f64,
        baseline: f64,
        size_pt: f64,
        style: FontStyle,
        anchor: Align,
    ) {
        let font = style.font();
        let (glyphs, width_em, _missing) = font.layout_line(text);
        let width = f64::from(width_em) * size_pt * crate::scene::MM_PER_INCH / 72.0;
        let x = x - anchor.offset(width);
        self.scene.items.push(Item::Text(TextRun {
            element: "handover".to_owned(),
            x,
            baseline,
            size_pt,
            style,
            glyphs,
        }));
    }

    /// A Code 128 of `value` in `area`, left-aligned, with whole-dot modules on the grid.
    fn barcode(&mut self, value: &str, area: Rect) -> Result<(), HandoverError> {
        let placement = BarcodeBox::new(Symbology::Code128, area, Align::Left);
        let item =
            barcode_item("posting_number", value, &placement, Some(GRID_DPI)).map_err(|e| {
                HandoverError::Barcode {
                    posting: value.to_owned(),
                    message: e.to_string(),
                }
            })?;
        self.scene.items.push(Item::Barcode(item));
        Ok(())
    }
}

#[cfg(test)]
mod tests;
