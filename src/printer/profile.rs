//! Printer profiles: what a model needs to know to turn a label bitmap into a job it prints right.
//!
//! A profile names the command language, the resolution, the printable width of the head, the media
//! (die-cut labels with gaps, black-mark or continuous), the label size and the ESC/POS band limits.
//! Built-in profiles cover the printers sellers actually buy; anything else is a TOML file:
//!
//! ```toml
//! name = "my-xp-420b"
//! language = "tspl"          # "escpos", "tspl" or "zpl"
//! dpi = 203
//! head_width_mm = 108
//! label_width_mm = 75
//! label_length_mm = 120
//! media = "gap"               # "gap", "black-mark" or "continuous"
//! gap_mm = 2
//! ```

use std::path::Path;

use serde::Deserialize;

use super::error::PrinterError;

/// The command language a printer speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Epson ESC/POS (receipt printers and label printers in receipt mode): raster `GS v 0`.
    #[serde(alias = "esc/pos", alias = "esc-pos")]
    Escpos,
    /// TSC TSPL/TSPL2 (Xprinter, TSC, Gprinter, iDPRT…): `BITMAP`.
    Tspl,
    /// Zebra ZPL II (Zebra, and the ZPL emulation of many clones): `^GFA`.
    Zpl,
}

impl Language {
    /// The language's usual name.
    pub fn name(self) -> &'static str {
        match self {
            Language::Escpos => "ESC/POS",
            Language::Tspl => "TSPL",
            Language::Zpl => "ZPL",
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How the printer finds the start of the next label.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Media {
    /// Die-cut labels separated by a gap the sensor sees through.
    Gap,
    /// A black mark printed on the back of the liner.
    BlackMark,
    /// Continuous paper: a label is as long as its bitmap.
    Continuous,
}

impl Media {
    /// The name used in profiles.
    pub fn name(self) -> &'static str {
        match self {
            Media::Gap => "gap",
            Media::BlackMark => "black-mark",
            Media::Continuous => "continuous",
        }
    }
}

/// What the printer does with its cutter after each label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cut {
    /// No cut command (a printer without a cutter, or one left to its own setting).
    #[default]
    None,
    /// Cut through the paper: ESC/POS `GS V 65 0`, TSPL `SET CUTTER 1`, ZPL `^MMC`.
    Full,
    /// Leave a hinge so the label hangs on: ESC/POS `GS V 66 0`, TSPL `SET PARTIAL_CUTTER 1`.
    Partial,
}

impl Cut {
    /// The name used in profiles.
    pub fn name(self) -> &'static str {
        match self {
            Cut::None => "none",
            Cut::Full => "full",
            Cut::Partial => "partial",
        }
    }
}

impl<'de> Deserialize<'de> for Cut {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            Flag(bool),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Word(w) if w == "none" => Ok(Cut::None),
            Raw::Word(w) if w == "full" => Ok(Cut::Full),
            Raw::Word(w) if w == "partial" => Ok(Cut::Partial),
            // `cut = true` is what profiles said before the cut had a kind: it sent the partial cut.
            Raw::Flag(true) => Ok(Cut::Partial),
            Raw::Flag(false) => Ok(Cut::None),
            _ => Err(serde::de::Error::custom(
                "cut must be \"none\", \"full\" or \"partial\"",
            )),
        }
    }
}

/// How the label bitmap is turned before it goes to the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rotation {
    /// Keep it upright when its content fits the head, else turn it a quarter clockwise.
    #[default]
    Auto,
    /// Turn it clockwise by this many degrees (0, 90, 180 or 270).
    Degrees(u16),
}

impl<'de> Deserialize<'de> for Rotation {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            Number(u16),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Word(word) if word == "auto" => Ok(Rotation::Auto),
            Raw::Number(n) if matches!(n, 0 | 90 | 180 | 270) => Ok(Rotation::Degrees(n)),
            _ => Err(serde::de::Error::custom(
                "rotate must be \"auto\", 0, 90, 180 or 270",
            )),
        }
    }
}

/// Everything the encoders need to know about one printer model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Short name used on the command line (`--profile xprinter-xp365b`).
    pub name: String,
    /// Human description, e.g. the model name.
    #[serde(default)]
    pub description: String,
    /// Command language.
    pub language: Language,
    /// Resolution in dots per inch (203, 300 or 600).
    pub dpi: u32,
    /// Width of the print head's printable area in millimetres.
    pub head_width_mm: f32,
    /// Width of the label across the head, in millimetres.
    pub label_width_mm: f32,
    /// Length of one label along the feed, in millimetres (ignored on continuous media).
    pub label_length_mm: f32,
    /// Gap, black mark or continuous.
    pub media: Media,
    /// Gap between labels (or height of the black mark) in millimetres.
    #[serde(default = "default_gap_mm")]
    pub gap_mm: f32,
    /// Quarter turns of the label before printing.
    #[serde(default, rename = "rotate")]
    pub rotation: Rotation,
    /// ESC/POS only: most rows in one `GS v 0` band (also capped at 2303 rows and 64 KiB a band).
    #[serde(default = "default_band_rows")]
    pub band_rows: u32,
    /// ESC/POS only: dots to feed after the label (`ESC J`). TSPL and ZPL printers feed to their tear
    /// bar or cutter by their own post-print setting, so a feed there is refused.
    #[serde(default)]
    pub feed_dots: u32,
    /// Cut after each label: `"none"`, `"full"` or `"partial"` (ZPL has only the full cut).
    #[serde(default)]
    pub cut: Cut,
    /// TSPL `DIRECTION`: 1 (TSC's own driver, the default) or 0; the two print the label turned half a
    /// turn from each other as it leaves the printer.
    #[serde(default = "default_direction")]
    pub direction: u8,
    /// TSPL `DIRECTION d,1`: print mirrored.
    #[serde(default)]
    pub mirror: bool,
    /// Calibration: move everything printed this many dots right (negative: left).
    #[serde(default)]
    pub offset_x_dots: i32,
    /// Calibration: move everything printed this many dots down the label (negative: up).
    #[serde(default)]
    pub offset_y_dots: i32,
    /// TSPL `DENSITY` (0–15) or ZPL `~SD` darkness (0–30); `None` keeps the printer's setting.
    #[serde(default)]
    pub darkness: Option<u8>,
    /// Print speed in inches a second (TSPL `SPEED`, ZPL `^PR`); `None` keeps the printer's setting.
    #[serde(default)]
    pub speed: Option<u8>,
    /// Whether the figures were inferred rather than confirmed on the hardware.
    #[serde(default)]
    pub inferred: bool,
}

fn default_gap_mm() -> f32 {
    2.0
}

fn default_band_rows() -> u32 {
    256
}

fn default_direction() -> u8 {
    1
}

/// Rows a single `GS v 0` may carry on Epson-class printers (`yH ≤ 8`).
pub const ESCPOS_MAX_BAND_ROWS: u32 = 2303;
/// Bytes a single `GS v 0` band may carry. No field of the command limits this (its x and y are separate
/// 16-bit counts); it is a conservative cap for clone firmware buffers, inferred rather than measured.
pub const ESCPOS_MAX_BAND_BYTES: usize = 65535;

impl Profile {
    /// Printer dots per millimetre, the way the firmware counts them (203 dpi = 8 dots/mm, 300 = 12).
    pub fn dots_per_mm(&self) -> u32 {
        ((self.dpi as f32 / 25.4).round() as u32).max(1)
    }

    /// Converts millimetres to whole printer dots.
    pub fn mm_to_dots(&self, mm: f32) -> u32 {
        (mm * self.dots_per_mm() as f32).round().max(0.0) as u32
    }

    /// Printable width of the head in dots.
    pub fn head_width_dots(&self) -> u32 {
        self.mm_to_dots(self.head_width_mm)
    }

    /// Label width in dots.
    pub fn label_width_dots(&self) -> u32 {
        self.mm_to_dots(self.label_width_mm)
    }

    /// Label length in dots.
    pub fn label_length_dots(&self) -> u32 {
        self.mm_to_dots(self.label_length_mm)
    }

    /// Rows per ESC/POS band for rows of `stride` bytes: the profile's limit, capped by what any
    /// printer accepts (2303 rows, 64 KiB).
    pub fn band_rows_for(&self, stride: usize) -> u32 {
        let by_bytes = (ESCPOS_MAX_BAND_BYTES / stride.max(1)).max(1) as u32;
        self.band_rows.clamp(1, ESCPOS_MAX_BAND_ROWS).min(by_bytes)
    }

    /// Parses a profile from TOML text; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Profile, PrinterError> {
        let profile: Profile = toml::from_str(text).map_err(|e| PrinterError::Profile {
            origin: origin.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        profile.validate(origin)?;
        Ok(profile)
    }

    /// Reads a profile from a TOML file.
    pub fn from_file(path: &Path) -> Result<Profile, PrinterError> {
        let origin = path.display().to_string();
        let text = crate::limits::read_text_capped(path, crate::limits::MAX_PROFILE_BYTES)
            .map_err(|e| PrinterError::Profile {
                origin: origin.clone(),
                message: e.to_string(),
            })?;
        Profile::from_toml(&text, &origin)
    }

    /// A built-in profile by name (case-insensitive), or a TOML file when `name_or_path` names one.
    pub fn resolve(name_or_path: &str) -> Result<Profile, PrinterError> {
        if let Some(profile) = builtin(name_or_path) {
            return Ok(profile);
        }
        let path = Path::new(name_or_path);
        if path.extension().is_some_and(|e| e == "toml") || path.exists() {
            return Profile::from_file(path);
        }
        Err(PrinterError::UnknownProfile {
            name: name_or_path.to_string(),
            known: builtins().into_iter().map(|p| p.name).collect(),
        })
    }

    /// Checks the ranges the encoders rely on; `origin` names the file or setting in errors.
    pub fn validate(&self, origin: &str) -> Result<(), PrinterError> {
        let fail = |message: String| {
            Err(PrinterError::Profile {
                origin: origin.to_string(),
                message,
            })
        };
        // The range labels are laid out for: a printer outside it could not print them.
        if !crate::scene::DPI_RANGE.contains(&self.dpi) {
            return fail(format!(
                "dpi {} is not a printer resolution ({}–{})",
                self.dpi,
                crate::scene::DPI_RANGE.start(),
                crate::scene::DPI_RANGE.end()
            ));
        }
        for (field, value) in [
            ("head_width_mm", self.head_width_mm),
            ("label_width_mm", self.label_width_mm),
            ("label_length_mm", self.label_length_mm),
        ] {
            if !(value.is_finite() && value > 0.0 && value <= 1000.0) {
                return fail(format!("{field} = {value} must be between 0 and 1000 mm"));
            }
            // The encoders work in whole dots: a width that rounds to no dot leaves nothing to print.
            if self.mm_to_dots(value) == 0 {
                return fail(format!(
                    "{field} = {value} is less than one dot at {} dpi",
                    self.dpi
                ));
            }
        }
        if !(self.gap_mm.is_finite() && (0.0..=50.0).contains(&self.gap_mm)) {
            return fail(format!(
                "gap_mm = {} must be between 0 and 50 mm",
                self.gap_mm
            ));
        }
        if self.band_rows == 0 {
            return fail("band_rows must be at least 1".to_string());
        }
        if self.direction > 1 {
            return fail(format!("direction {} must be 0 or 1", self.direction));
        }
        if self.language != Language::Escpos && self.feed_dots != 0 {
            return fail(format!(
                "feed_dots works for ESC/POS only: a {} printer feeds to its tear bar or cutter by its \
                 own post-print setting",
                self.language
            ));
        }
        if self.language == Language::Zpl && self.cut == Cut::Partial {
            return fail(
                "ZPL has no partial cut (^MMC cuts through): use cut = \"full\"".to_string(),
            );
        }
        let limit = self.label_width_dots().max(self.label_length_dots()) as i32;
        for (field, value) in [
            ("offset_x_dots", self.offset_x_dots),
            ("offset_y_dots", self.offset_y_dots),
        ] {
            if value.abs() > limit {
                return fail(format!(
                    "{field} = {value} moves the label further than its own size ({limit} dots)"
                ));
            }
        }
        if let Some(d) = self.darkness {
            let max = if self.language == Language::Zpl {
                30
            } else {
                15
            };
            if d > max {
                return fail(format!("darkness {d} is above {max} for {}", self.language));
            }
        }
        Ok(())
    }
}

/// A 203-dpi profile for the 75 × 120 mm Ozon label on gap media with the printer's own settings; the
/// built-ins differ from it only in the fields they name.
fn ozon_label(name: &str, description: &str, language: Language, head_width_mm: f32) -> Profile {
    Profile {
        name: name.to_string(),
        description: description.to_string(),
        language,
        dpi: 203,
        head_width_mm,
        label_width_mm: 75.0,
        label_length_mm: 120.0,
        media: Media::Gap,
        gap_mm: default_gap_mm(),
        rotation: Rotation::Auto,
        band_rows: default_band_rows(),
        feed_dots: 0,
        cut: Cut::None,
        direction: default_direction(),
        mirror: false,
        offset_x_dots: 0,
        offset_y_dots: 0,
        darkness: None,
        speed: None,
        inferred: false,
    }
}

/// The built-in profiles, all at 203 dpi for the 75 × 120 mm Ozon label. `inferred` marks figures that
/// come from spec sheets and common knowledge rather than a printer on the bench.
pub fn builtins() -> Vec<Profile> {
    vec![
        Profile {
            inferred: true,
            ..ozon_label(
                "xprinter-xp365b",
                "Xprinter XP-365B, TSPL, 3-inch (head width 72 mm inferred)",
                Language::Tspl,
                72.0,
            )
        },
        ozon_label(
            "xprinter-xp420b",
            "Xprinter XP-420B, TSPL, 4-inch head 108 mm",
            Language::Tspl,
            108.0,
        ),
        ozon_label(
            "tsc-te200",
            "TSC TE200, TSPL2, 4-inch head 108 mm",
            Language::Tspl,
            108.0,
        ),
        Profile {
            inferred: true,
            ..ozon_label(
                "zebra-gk420d",
                "Zebra GK420d, ZPL II, 4-inch head (104 mm inferred)",
                Language::Zpl,
                104.0,
            )
        },
        Profile {
            inferred: true,
            ..ozon_label(
                "zebra-zd420",
                "Zebra ZD420 (203 dpi model), ZPL II, 4-inch head (104 mm inferred)",
                Language::Zpl,
                104.0,
            )
        },
        Profile {
            label_width_mm: 80.0,
            media: Media::Continuous,
            feed_dots: 24,
            cut: Cut::Partial,
            inferred: true,
            ..ozon_label(
                "escpos-80mm",
                "Generic 80 mm ESC/POS receipt printer (72 mm head), continuous paper",
                Language::Escpos,
                72.0,
            )
        },
    ]
}

/// A built-in profile by name, ignoring case and `_`/`-`.
pub fn builtin(name: &str) -> Option<Profile> {
    let wanted = normalise(name);
    builtins()
        .into_iter()
        .find(|p| normalise(&p.name) == wanted)
}

fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_valid_and_findable() {
        for p in builtins() {
            p.validate("builtin").unwrap();
            assert_eq!(builtin(&p.name.to_uppercase()).unwrap(), p);
        }
        let xp = builtin("XPrinter_XP365B").unwrap();
        assert_eq!(xp.head_width_dots(), 576);
        assert_eq!(xp.label_width_dots(), 600);
        assert_eq!(xp.label_length_dots(), 960);
    }

    #[test]
    fn toml_profile_parses_with_defaults() {
        let p = Profile::from_toml(
            "name = \"mine\"\nlanguage = \"zpl\"\ndpi = 300\nhead_width_mm = 104\nlabel_width_mm = 75\n\
             label_length_mm = 120\nmedia = \"black-mark\"\nrotate = 90\n",
            "mine.toml",
        )
        .unwrap();
        assert_eq!(p.language, Language::Zpl);
        assert_eq!(p.dots_per_mm(), 12);
        assert_eq!(p.media, Media::BlackMark);
        assert_eq!(p.rotation, Rotation::Degrees(90));
        assert_eq!(p.band_rows, 256);
    }

    #[test]
    fn toml_errors_name_the_file_and_the_problem() {
        let err = Profile::from_toml("name = \"x\"\nlanguage = \"pcl\"\n", "bad.toml").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("bad.toml") && text.contains("pcl"), "{text}");
        let err = Profile::from_toml(
            "name = \"x\"\nlanguage = \"tspl\"\ndpi = 203\nhead_width_mm = 0\nlabel_width_mm = 75\n\
             label_length_mm = 120\nmedia = \"gap\"\n",
            "zero.toml",
        )
        .unwrap_err();
        assert!(err.to_string().contains("head_width_mm"), "{err}");
        let err = Profile::from_toml(
            "name = \"x\"\nlanguage = \"tspl\"\ndpi = 203\nhead_width_mm = 72\nlabel_width_mm = 75\n\
             label_length_mm = 120\nmedia = \"gap\"\nrotate = 45\n",
            "rot.toml",
        )
        .unwrap_err();
        assert!(err.to_string().contains("rotate"), "{err}");
    }

    #[test]
    fn sizes_under_one_dot_are_refused() {
        let err = Profile::from_toml(
            "name = \"x\"\nlanguage = \"escpos\"\ndpi = 203\nhead_width_mm = 0.05\n\
             label_width_mm = 75\nlabel_length_mm = 120\nmedia = \"continuous\"\n",
            "tiny.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("tiny.toml") && err.contains("head_width_mm") && err.contains("one dot"),
            "{err}"
        );
    }

    #[test]
    fn band_rows_respect_the_hard_limits() {
        let mut p = builtin("escpos-80mm").unwrap();
        p.band_rows = 100_000;
        assert_eq!(p.band_rows_for(1), ESCPOS_MAX_BAND_ROWS);
        assert_eq!(p.band_rows_for(72), (65535 / 72) as u32);
        p.band_rows = 100;
        assert_eq!(p.band_rows_for(72), 100);
    }

    #[test]
    fn unknown_profile_lists_the_known_ones() {
        let err = Profile::resolve("no-such-printer").unwrap_err().to_string();
        assert!(
            err.contains("no-such-printer") && err.contains("zebra-gk420d"),
            "{err}"
        );
    }
}
