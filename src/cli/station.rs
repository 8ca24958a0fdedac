//! What the station commands share: opening the store named by `--db`, `--now`, the printer options.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::CliError;
use crate::printer::{PrintOptions, Profile, Timeouts};
use crate::station::Station;
use crate::store::{self, Actor, Store};
use crate::template::Template;

/// Opens the store at `--db` or the default path, recording `command` as the actor.
pub fn open_store(db: Option<&Path>, command: &str) -> Result<Store, CliError> {
    let path: PathBuf = match db {
        Some(p) => p.to_path_buf(),
        None => default_db()?,
    };
    Ok(Store::open(&path, Actor::new(command))?)
}

/// The database path when neither `--db` nor the settings name one: `%APPDATA%\shiplabel\shiplabel.db`
/// on Windows, the store's XDG default elsewhere.
pub fn default_db() -> Result<PathBuf, CliError> {
    match crate::config::windows_data_dir() {
        Some(dir) => Ok(dir.join("shiplabel.db")),
        None => Ok(store::default_path()?),
    }
}

/// Parses `--now`.
pub fn parse_now(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{text:?} is not an RFC 3339 time (like 2026-11-22T12:00:00Z): {e}"))
}

/// The printer options of the printing station commands.
#[derive(Debug, Clone, clap::Args)]
pub struct PrinterOpts {
    /// Where the printer is: usb://VID:PID[?serial=…&interface=N], tcp://HOST[:PORT], cups://QUEUE,
    /// winspool://NAME, file:///dev/usb/lp0 or a path [default: SHIPLABEL_PRINTER, else the settings
    /// file's printer].
    #[arg(long)]
    pub printer: Option<String>,
    /// Printer profile: a built-in name (see `shiplabel printers --profiles`) or a TOML file [default:
    /// SHIPLABEL_PROFILE, else the settings file's, else xprinter-xp365b].
    #[arg(long)]
    pub profile: Option<String>,
    /// Label template: a built-in name or a TOML file [default: the settings file's, else ozon-fbs].
    #[arg(short, long, value_name = "NAME|FILE")]
    pub template: Option<String>,
    /// Do not ask the printer for its status (for firmware that reports nonsense or nothing).
    #[arg(long)]
    pub no_status: bool,
    /// Seconds to wait for the printer to take more data before giving up on a label.
    /// (0 is refused: libusb would read it as "wait forever".)
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

impl PrinterOpts {
    /// The printer URI, profile, template and print options these arguments name, each from the flag,
    /// the environment or the settings file; the printer's settings from the file (calibration offsets,
    /// darkness…) are applied over the profile.
    pub fn resolve(&self) -> Result<(String, Profile, Template, PrintOptions), CliError> {
        let config = crate::config::Config::load()?;
        let printer = config
            .printer(self.printer.as_deref())
            .ok_or("no printer: give --printer URI, set SHIPLABEL_PRINTER, or put printer = \"URI\" in the settings file (see `shiplabel config`)")?
            .value;
        let profile_name = config
            .profile(self.profile.as_deref(), Some(&printer))
            .value;
        let profile = config.resolve_profile(&profile_name, Some(&printer))?;
        let template = Template::load(&config.template(self.template.as_deref()).value)?;
        Ok((printer, profile, template, self.print_options(1)))
    }

    /// The print options these arguments name, for `copies` copies of each label.
    pub fn print_options(&self, copies: u32) -> PrintOptions {
        PrintOptions {
            copies,
            check_status: !self.no_status,
            timeouts: Timeouts {
                write: std::time::Duration::from_secs(self.timeout),
                ..Timeouts::default()
            },
        }
    }

    /// The station these arguments describe, printing from `store` (`reprint`, `scan`), and the
    /// printer's URI.
    pub fn station<'s>(&self, store: &'s mut Store) -> Result<(Station<'s>, String), CliError> {
        let (printer, profile, template, options) = self.resolve()?;
        let station = Station::new(store, template, &printer, profile, options);
        Ok((station, printer))
    }
}
