//! The bundled fonts (DejaVu Sans and DejaVu Sans Bold, Bitstream Vera licence in `fonts/LICENSE`) and
//! their metrics.
//!
//! Both are compiled into the binary, so a label never depends on the fonts of the machine that renders
//! it. Layout (in [`crate::compose`]) measures text with the fonts' own advance widths; the PDF writer
//! embeds a subset of the same file and the raster renderer draws the same glyphs, so what was measured is
//! what is drawn. There is no kerning and no shaping: Cyrillic and Latin labels need neither.

use std::sync::OnceLock;

/// Which of the bundled faces a piece of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontStyle {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

impl FontStyle {
    /// Both styles, in a fixed order (the PDF writer numbers its fonts by it).
    pub const ALL: [FontStyle; 2] = [FontStyle::Regular, FontStyle::Bold];

    /// Position in [`FontStyle::ALL`].
    pub fn index(self) -> usize {
        match self {
            FontStyle::Regular => 0,
            FontStyle::Bold => 1,
        }
    }

    /// The font of this style.
    pub fn font(self) -> &'static Font {
        let fonts = fonts();
        match self {
            FontStyle::Regular => &fonts.regular,
            FontStyle::Bold => &fonts.bold,
        }
    }
}

static REGULAR_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// Characters below this code point have their glyph and advance in a table: Latin, Cyrillic and the
/// common punctuation of a label never touch the cmap.
const FAST_RANGE: usize = 0x500;

/// One bundled font: its bytes, parsed tables and a rasteriser made on first use.
pub struct Font {
    style: FontStyle,
    postscript_name: &'static str,
    bytes: &'static [u8],
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
    fast: Vec<(u16, u16)>,
    raster: OnceLock<fontdue::Font>,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("name", &self.postscript_name)
            .finish_non_exhaustive()
    }
}

struct Fonts {
    regular: Font,
    bold: Font,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: Font::load(FontStyle::Regular, "DejaVuSans", REGULAR_TTF),
        bold: Font::load(FontStyle::Bold, "DejaVuSans-Bold", BOLD_TTF),
    })
}

/// One line of text laid out by [`Font::layout_line`].
#[derive(Debug, Clone, PartialEq)]
pub struct LineLayout {
    /// The glyphs with their pen positions.
    pub glyphs: Vec<LineGlyph>,
    /// The line's width in em.
    pub width_em: f32,
    /// The characters the font has no glyph for (each drawn as the missing-glyph box).
    pub missing: Vec<char>,
}

/// A glyph placed on a line: its id in the font and its pen position from the start of the line, in em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineGlyph {
    /// Glyph id in the bundled font (0 is the font's "missing glyph" box).
    pub id: u16,
    /// The character it stands for (the PDF's ToUnicode map and text extraction use it).
    pub ch: char,
    /// Pen position of the glyph's origin, in em from the start of the line.
    pub x_em: f32,
}

impl Font {
    fn load(style: FontStyle, postscript_name: &'static str, bytes: &'static [u8]) -> Font {
        // The bytes are compiled in and checked by the tests: failing here is a broken build, not bad input.
        let face = ttf_parser::Face::parse(bytes, 0).expect("bundled font parses");
        let units_per_em = f32::from(face.units_per_em());
        let mut fast = vec![(0u16, 0u16); FAST_RANGE];
        for (code, slot) in fast.iter_mut().enumerate() {
            let Some(ch) = char::from_u32(code as u32) else {
                continue;
            };
            if let Some(gid) = face.glyph_index(ch) {
                *slot = (gid.0, face.glyph_hor_advance(gid).unwrap_or(0));
            }
        }
        Font {
            style,
            postscript_name,
            bytes,
            face,
            units_per_em,
            fast,
            raster: OnceLock::new(),
        }
    }

    /// The style this font implements.
    pub fn style(&self) -> FontStyle {
        self.style
    }

    /// PostScript name (`DejaVuSans`), used as the PDF BaseFont after the subset tag.
    pub fn postscript_name(&self) -> &'static str {
        self.postscript_name
    }

    /// The TrueType file.
    pub fn bytes(&self) -> &'static [u8] {
        self.bytes
    }

    /// The parsed tables.
    pub(crate) fn face(&self) -> &ttf_parser::Face<'static> {
        &self.face
    }

    /// Font design units per em.
    pub fn units_per_em(&self) -> f32 {
        self.units_per_em
    }

    /// Distance from the baseline up to the top of the tallest glyphs, in em.
    pub fn ascent_em(&self) -> f32 {
        f32::from(self.face.ascender()) / self.units_per_em
    }

    /// Distance from the baseline down to the lowest descender, in em (positive).
    pub fn descent_em(&self) -> f32 {
        -f32::from(self.face.descender()) / self.units_per_em
    }

    /// Baseline-to-baseline distance of wrapped lines, in em.
    pub fn line_height_em(&self) -> f32 {
        self.ascent_em() + self.descent_em() + f32::from(self.face.line_gap()) / self.units_per_em
    }

    /// Glyph id of `ch`, or `None` when the font has no glyph for it.
    pub fn glyph(&self, ch: char) -> Option<u16> {
        let (gid, _, found) = self.glyph_and_advance(ch);
        found.then_some(gid)
    }

    /// Advance width of a glyph in font units.
    pub fn advance(&self, gid: u16) -> u16 {
        self.face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0)
    }

    /// Glyph and advance (font units) of `ch`; a missing character maps to glyph 0, the font's visible
    /// "missing glyph" box, so that the gap shows on the label as well as in the warning.
    fn glyph_and_advance(&self, ch: char) -> (u16, u16, bool) {
        if let Some(&(gid, adv)) = self.fast.get(ch as usize) {
            if gid != 0 {
                return (gid, adv, true);
            }
            return (0, self.advance(0), false);
        }
        match self.face.glyph_index(ch) {
            Some(g) => (g.0, self.advance(g.0), true),
            None => (0, self.advance(0), false),
        }
    }

    /// Width of `text` in em.
    pub fn width_em(&self, text: &str) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| u32::from(self.glyph_and_advance(c).1))
            .sum();
        units as f32 / self.units_per_em
    }

    /// Lays `text` out on one line: glyph ids with their pen positions, the line width in em, and the
    /// characters the font has no glyph for (each drawn as the missing-glyph box).
    pub fn layout_line(&self, text: &str) -> LineLayout {
        let mut glyphs = Vec::with_capacity(text.len());
        let mut missing = Vec::new();
        let mut pen: u32 = 0;
        for ch in text.chars() {
            let (id, adv, found) = self.glyph_and_advance(ch);
            if !found {
                missing.push(ch);
            }
            glyphs.push(LineGlyph {
                id,
                ch,
                x_em: pen as f32 / self.units_per_em,
            });
            pen += u32::from(adv);
        }
        LineLayout {
            glyphs,
            width_em: pen as f32 / self.units_per_em,
            missing,
        }
    }

    /// The fontdue rasteriser for this font, parsed on first use (the PDF path never needs it).
    pub(crate) fn rasterizer(&self) -> &fontdue::Font {
        self.raster.get_or_init(|| {
            let settings = fontdue::FontSettings {
                collection_index: 0,
                scale: 40.0,
                load_substitutions: false,
            };
            fontdue::Font::from_bytes(self.bytes, settings).expect("bundled font rasterises")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_and_latin_have_glyphs_in_both_styles() {
        for style in FontStyle::ALL {
            let font = style.font();
            for ch in "Склад на Ленина ёЁЩЖЦЭЮЯ № 0123456789 ABC abc %-/".chars()
            {
                assert!(font.glyph(ch).is_some(), "{style:?} lacks {ch}");
            }
        }
    }

    #[test]
    fn missing_glyphs_are_reported_not_dropped() {
        let font = FontStyle::Regular.font();
        // U+1F4E6 PACKAGE is not in DejaVu Sans.
        let LineLayout {
            glyphs,
            width_em: width,
            missing,
        } = font.layout_line("a\u{1F4E6}b");
        assert_eq!(missing, vec!['\u{1F4E6}']);
        assert_eq!(glyphs.len(), 3);
        assert_eq!(glyphs[1].id, 0);
        assert!(width > font.width_em("ab"));
    }

    #[test]
    fn widths_come_from_the_font() {
        let font = FontStyle::Regular.font();
        // DejaVu Sans digits are all 1303/2048 em wide.
        assert!((font.width_em("0123456789") - 10.0 * 1303.0 / 2048.0).abs() < 1e-4);
        assert!(FontStyle::Bold.font().width_em("Склад") > font.width_em("Склад"));
    }
}
