//! The user's settings file: default printer, profile, template and database, and per-printer
//! calibration, so a packing station types `shiplabel print postings.json` and nothing more.
//!
//! The file is `$SHIPLABEL_CONFIG` when set, else `$XDG_CONFIG_HOME/shiplabel/config.toml`
//! (`~/.config/shiplabel/config.toml`), or `%APPDATA%\shiplabel\config.toml` on Windows:
//!
//! ```toml
//! printer = "cups://Xprinter_XP_420B"
//! profile = "xprinter-xp420b"
//! template = "ozon-fbs"
//! db = "/srv/station/shiplabel.db"
//!
//! [printers."cups://Xprinter_XP_420B"]   # applied to every job sent to this printer
//! offset_x_dots = -8
//! offset_y_dots = 4
//! darkness = 10
//! speed = 4
//! media = "black-mark"
//! gap_mm = 3
//! ```
//!
//! Each value comes from the first of: the command-line flag, the environment (`SHIPLABEL_PRINTER`,
//! `SHIPLABEL_PROFILE`, `SHIPLABEL_TEMPLATE`, `SHIPLABEL_DB`), the file, the built-in default.
//! `shiplabel config` shows the outcome and where each value came from.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::printer::{Cut, Media, PrinterError, Profile};

/// The largest settings file read: a real one is a few hundred bytes.
pub const MAX_CONFIG_BYTES: u64 = 256 * 1024;

/// The built-in profile used when nothing names one.
pub const DEFAULT_PROFILE: &str = "xprinter-xp365b";

/// What went wrong with the settings file; every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but could not be read.
    #[error("settings file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The system error.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_CONFIG_BYTES`].
    #[error("settings file {path} is larger than {MAX_CONFIG_BYTES} bytes: not a settings file")]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// The file is not valid TOML or has unknown keys or wrong types.
    #[error("settings file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
}

/// Settings for one printer, applied over its profile for every job sent to it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterSettings {
    /// The profile this printer uses (over the file's `profile`).
    pub profile: Option<String>,
    /// Calibration: dots to move everything right (negative: left).
    pub offset_x_dots: Option<i32>,
    /// Calibration: dots to move everything down (negative: up).
    pub offset_y_dots: Option<i32>,
    /// TSPL `DENSITY` 0–15, ZPL `~SD` 0–30.
    pub darkness: Option<u8>,
    /// Inches a second.
    pub speed: Option<u8>,
    /// `"gap"`, `"black-mark"` or `"continuous"`.
    pub media: Option<Media>,
    /// Gap or black-mark height in millimetres.
    pub gap_mm: Option<f32>,
    /// TSPL `DIRECTION` 0 or 1.
    pub direction: Option<u8>,
    /// `"none"`, `"full"` or `"partial"`.
    pub cut: Option<Cut>,
}

impl PrinterSettings {
    /// `profile` with these settings over it, checked as a profile file would be.
    pub fn apply(&self, profile: &Profile, origin: &str) -> Result<Profile, PrinterError> {
        let mut p = profile.clone();
        if let Some(v) = self.offset_x_dots {
            p.offset_x_dots = v;
        }
        if let Some(v) = self.offset_y_dots {
            p.offset_y_dots = v;
        }
        if self.darkness.is_some() {
            p.darkness = self.darkness;
        }
        if self.speed.is_some() {
            p.speed = self.speed;
        }
        if let Some(v) = self.media {
            p.media = v;
        }
        if let Some(v) = self.gap_mm {
            p.gap_mm = v;
        }
        if let Some(v) = self.direction {
            p.direction = v;
        }
        if let Some(v) = self.cut {
            p.cut = v;
        }
        p.validate(origin)?;
        Ok(p)
    }

    /// The settings that are set, as `key = value` pairs for display.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut push = |key, value: Option<String>| {
            if let Some(v) = value {
                out.push((key, v));
            }
        };
        push("profile", self.profile.clone());
        push("offset_x_dots", self.offset_x_dots.map(|v| v.to_string()));
        push("offset_y_dots", self.offset_y_dots.map(|v| v.to_string()));
        push("darkness", self.darkness.map(|v| v.to_string()));
        push("speed", self.speed.map(|v| v.to_string()));
        push("media", self.media.map(|v| v.name().to_string()));
        push("gap_mm", self.gap_mm.map(|v| v.to_string()));
        push("direction", self.direction.map(|v| v.to_string()));
        push("cut", self.cut.map(|v| v.name().to_string()));
        out
    }
}

/// The settings file as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Default printer URI.
    pub printer: Option<String>,
    /// Default profile: a built-in name or a profile file.
    pub profile: Option<String>,
    /// Default label template.
    pub template: Option<String>,
    /// The station database.
    pub db: Option<PathBuf>,
    /// Per-printer settings, by printer URI exactly as given to `--printer`.
    #[serde(default)]
    pub printers: BTreeMap<String, PrinterSettings>,
    /// The access token `shiplabel serve` requires (needed to listen on any address but loopback).
    pub token: Option<String>,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// The settings file (the key, or the printer's table).
    File(String),
    /// The built-in default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(var) => write!(f, "environment {var}"),
            Source::File(key) => write!(f, "file ({key})"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Its source.
    pub source: Source,
}

/// The settings file, loaded (or absent), and where it is.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file looked for; `None` when no configuration directory is known.
    pub path: Option<PathBuf>,
    /// Whether that file exists.
    pub found: bool,
    /// Its contents (empty when absent).
    pub file: ConfigFile,
}

/// The default settings file path: `$SHIPLABEL_CONFIG`, else the platform's configuration directory.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SHIPLABEL_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    crate::dirs::config_dir().map(|d| d.join("shiplabel").join("config.toml"))
}

impl Config {
    /// Loads the settings file at [`default_path`]; an absent file is an empty configuration.
    pub fn load() -> Result<Config, ConfigError> {
        match default_path() {
            Some(path) => Config::load_from(&path),
            None => Ok(Config::default()),
        }
    }

    /// Loads the settings file at `path` (at most [`MAX_CONFIG_BYTES`]); absent means empty.
    pub fn load_from(path: &Path) -> Result<Config, ConfigError> {
        let read_err = |source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        };
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config {
                    path: Some(path.to_path_buf()),
                    found: false,
                    file: ConfigFile::default(),
                })
            }
            Err(e) => return Err(read_err(e)),
        };
        let mut text = String::new();
        file.take(MAX_CONFIG_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(read_err)?;
        if text.len() as u64 > MAX_CONFIG_BYTES {
            return Err(ConfigError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        let parsed = ConfigFile::parse(&text, path)?;
        Ok(Config {
            path: Some(path.to_path_buf()),
            found: true,
            file: parsed,
        })
    }

    fn shown(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "settings file".to_string(), |p| p.display().to_string())
    }

    /// The printer: `flag`, `SHIPLABEL_PRINTER`, the file; `None` when none names one.
    pub fn printer(&self, flag: Option<&str>) -> Option<Setting<String>> {
        pick(
            flag,
            "--printer",
            "SHIPLABEL_PRINTER",
            self.file.printer.as_deref(),
            "printer",
        )
    }

    /// The profile for `printer`: flag, `SHIPLABEL_PROFILE`, the printer's table, the file's `profile`,
    /// the default.
    pub fn profile(&self, flag: Option<&str>, printer: Option<&str>) -> Setting<String> {
        let per_printer = printer
            .and_then(|p| self.file.printers.get(p))
            .and_then(|s| s.profile.as_deref());
        if let Some(s) = pick(flag, "--profile", "SHIPLABEL_PROFILE", None, "") {
            return s;
        }
        if let (Some(value), Some(uri)) = (per_printer, printer) {
            return Setting {
                value: value.to_string(),
                source: Source::File(format!("printers.\"{uri}\".profile")),
            };
        }
        pick(None, "", "", self.file.profile.as_deref(), "profile").unwrap_or(Setting {
            value: DEFAULT_PROFILE.to_string(),
            source: Source::Default,
        })
    }

    /// The template: flag, `SHIPLABEL_TEMPLATE`, the file, the default.
    pub fn template(&self, flag: Option<&str>) -> Setting<String> {
        pick(
            flag,
            "--template",
            "SHIPLABEL_TEMPLATE",
            self.file.template.as_deref(),
            "template",
        )
        .unwrap_or(Setting {
            value: crate::template::DEFAULT_TEMPLATE.to_string(),
            source: Source::Default,
        })
    }

    /// The database: flag, `SHIPLABEL_DB`, the file; `None` leaves the store's default path.
    pub fn db(&self, flag: Option<&Path>) -> Option<Setting<PathBuf>> {
        let flag = flag.map(|p| p.to_string_lossy().into_owned());
        let file = self
            .file
            .db
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned());
        pick(
            flag.as_deref(),
            "--db",
            "SHIPLABEL_DB",
            file.as_deref(),
            "db",
        )
        .map(|s| Setting {
            value: PathBuf::from(s.value),
            source: s.source,
        })
    }

    /// The settings of `printer` in the file, if it has a table.
    pub fn printer_settings(&self, printer: &str) -> Option<&PrinterSettings> {
        self.file.printers.get(printer)
    }

    /// The profile named by `name` (built-in or file) with `printer`'s settings from the file over it.
    pub fn resolve_profile(&self, name: &str, printer: Option<&str>) -> Result<Profile, CliError> {
        let profile = Profile::resolve(name)?;
        match printer.and_then(|p| Some((p, self.printer_settings(p)?))) {
            Some((uri, settings)) => {
                let origin = format!(
                    "{} with the settings of [printers.\"{uri}\"] in {}",
                    profile.name,
                    self.shown()
                );
                Ok(settings.apply(&profile, &origin)?)
            }
            None => Ok(profile),
        }
    }
}

type CliError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl ConfigFile {
    /// Parses the file's text; `path` names it in errors (with the line and column).
    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })
    }
}

/// The first of the flag, the environment variable, the file's value.
fn pick(
    flag: Option<&str>,
    flag_name: &'static str,
    var: &'static str,
    file: Option<&str>,
    key: &str,
) -> Option<Setting<String>> {
    if let Some(v) = flag {
        return Some(Setting {
            value: v.to_string(),
            source: Source::Flag(flag_name),
        });
    }
    if !var.is_empty() {
        if let Some(v) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
            return Some(Setting {
                value: v,
                source: Source::Env(var),
            });
        }
    }
    file.map(|v| Setting {
        value: v.to_string(),
        source: Source::File(key.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        Config {
            path: Some(PathBuf::from("config.toml")),
            found: true,
            file: ConfigFile::parse(text, Path::new("config.toml")).unwrap(),
        }
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let c = config(
            "printer = \"tcp://printer:9100\"\ntemplate = \"mine.toml\"\n\
             [printers.\"tcp://printer:9100\"]\nprofile = \"zebra-gk420d\"\noffset_x_dots = 8\n",
        );
        let printer = c.printer(None).unwrap();
        assert_eq!(printer.value, "tcp://printer:9100");
        assert_eq!(printer.source, Source::File("printer".into()));
        assert_eq!(
            c.printer(Some("usb://1:2")).unwrap().source,
            Source::Flag("--printer")
        );
        let profile = c.profile(None, Some(&printer.value));
        assert_eq!(profile.value, "zebra-gk420d");
        assert_eq!(
            c.profile(Some("tsc-te200"), Some(&printer.value)).value,
            "tsc-te200"
        );
        assert_eq!(c.profile(None, Some("other")).source, Source::Default);
        assert_eq!(c.template(None).value, "mine.toml");
        let p = c
            .resolve_profile("zebra-gk420d", Some("tcp://printer:9100"))
            .unwrap();
        assert_eq!(p.offset_x_dots, 8);
        assert_eq!(
            c.resolve_profile("zebra-gk420d", None)
                .unwrap()
                .offset_x_dots,
            0
        );
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_key() {
        let err = ConfigFile::parse("printer = \"a\"\nprinterz = 1\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("c.toml") && err.contains("printerz") && err.contains("line 2"),
            "{err}"
        );
        let c = config("[printers.\"x\"]\ndarkness = 99\n");
        let err = c
            .resolve_profile("xprinter-xp420b", Some("x"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("darkness 99") && err.contains("printers.\"x\""),
            "{err}"
        );
    }

    #[test]
    fn an_absent_file_is_empty_and_a_huge_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let c = Config::load_from(&dir.path().join("none.toml")).unwrap();
        assert!(!c.found && c.file == ConfigFile::default());
        let big = dir.path().join("big.toml");
        std::fs::write(&big, "#".repeat(MAX_CONFIG_BYTES as usize + 1)).unwrap();
        assert!(matches!(
            Config::load_from(&big),
            Err(ConfigError::TooLarge { .. })
        ));
    }
}
