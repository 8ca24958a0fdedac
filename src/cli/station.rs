//! What the station commands share: opening the store named by `--db`, `--now`, the printer options.

use std::path::{Path, PathBuf};

use super::CliError;
use shiplabel::printer::{PrintOptions, Profile, Timeouts};
use shiplabel::station::Station;
use shiplabel::store::{self, Actor, Store};
use shiplabel::template::Template;

/// Opens the store at `--db` or the default path, creating it: only `import` and the `ozon` commands do.
pub fn open_store(db: Option<&Path>, command: &str) -> Result<Store, CliError> {
    let path = store_path(db)?;
    if db.is_none() {
        // The default location is ours: its directory is made on first use.
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| store::StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
    }
    Ok(Store::open(&path, Actor::new(command))?)
}

/// Opens the store at `--db` or the default path only if it exists: every command but `import`, so
/// that a look-up at a wrong path leaves no empty database behind.
pub fn open_existing_store(db: Option<&Path>, command: &str) -> Result<Store, CliError> {
    Ok(Store::open_existing(&store_path(db)?, Actor::new(command))?)
}

fn store_path(db: Option<&Path>) -> Result<PathBuf, CliError> {
    Ok(match db {
        Some(p) => p.to_path_buf(),
        None => default_db()?,
    })
}

/// The database path when neither `--db` nor the settings name one: the store's default.
pub fn default_db() -> Result<PathBuf, CliError> {
    Ok(store::default_path()?)
}

/// The printer options of the printing station commands.
#[derive(Debug, Clone, clap::Args)]
pub struct PrinterOpts {
    /// Where the printer is: usb://VID:PID[?serial=…&interface=N], tcp://HOST[:PORT], cups://QUEUE,
    /// file:///dev/usb/lp0 or a path [default: SHIPLABEL_PRINTER, else the settings file's printer].
    #[arg(long, default_value = "", hide_default_value = true)]
    pub printer: String,
    /// Printer profile: a built-in name (see `shiplabel printers --profiles`) or a TOML file [default:
    /// SHIPLABEL_PROFILE, else the settings file's, else xprinter-xp365b].
    #[arg(long, default_value = "", hide_default_value = true)]
    pub profile: String,
    /// Label template: a built-in name or a TOML file [default: the settings file's, else ozon-fbs].
    #[arg(
        short,
        long,
        value_name = "NAME|FILE",
        default_value = "",
        hide_default_value = true
    )]
    pub template: String,
    /// Do not ask the printer for its status (for firmware that reports nonsense or nothing).
    #[arg(long)]
    pub no_status: bool,
    /// Seconds to wait for the printer to take more data before giving up on a label.
    /// (0 is refused: every USB transfer would time out at once.)
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

impl PrinterOpts {
    /// The profile, template and print options these arguments name.
    pub fn resolve(&self) -> Result<(Profile, Template, PrintOptions), CliError> {
        // The printer's settings from the settings file (calibration offsets, darkness…) go over the
        // profile.
        let config = shiplabel::config::Config::load()?;
        let profile = config.resolve_profile(&self.profile, Some(&self.printer))?;
        let template = Template::load(&self.template)?;
        Ok((profile, template, self.print_options(1)))
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

    /// The station these arguments describe, printing from `store` (`reprint`, `scan`). A printer,
    /// profile or template no flag gave comes from the environment or the settings file, as for `print`.
    pub fn station<'s>(&mut self, store: &'s mut Store) -> Result<Station<'s>, CliError> {
        let (uri, profile, template, options) = self.resolved()?;
        Ok(Station::new(store, template, &uri, profile, options))
    }

    /// The printer URI, profile, template and options a station of these arguments uses; a printer,
    /// profile or template no flag gave comes from the environment or the settings file.
    pub fn resolved(&mut self) -> Result<(String, Profile, Template, PrintOptions), CliError> {
        let config = shiplabel::config::Config::load()?;
        let flag = |value: &str| Some(value.to_owned()).filter(|v| !v.is_empty());
        let printer = config.printer(flag(&self.printer).as_deref()).ok_or(
            "no printer: give --printer URI, set SHIPLABEL_PRINTER, or put printer = \"URI\" in the \
             settings file (see `shiplabel config`)",
        )?;
        self.printer = printer.value;
        self.profile = config
            .profile(flag(&self.profile).as_deref(), Some(&self.printer))
            .value;
        self.template = config.template(flag(&self.template).as_deref()).value;
        let (profile, template, options) = self.resolve()?;
        Ok((self.printer.clone(), profile, template, options))
    }
}

/// "sent N label(s) to URI (C confirmed by the printer, U not confirmed)": what is known about the
/// labels a station run sent, for `print --pending` and the like.
pub fn sent_text(summary: &shiplabel::station::PrintSummary, printer: &str) -> String {
    let sent = summary.sent.len();
    let unconfirmed = summary.unconfirmed.len();
    format!(
        "sent {sent} label(s) to {printer} ({} confirmed by the printer, {unconfirmed} not confirmed)",
        sent - unconfirmed
    )
}
