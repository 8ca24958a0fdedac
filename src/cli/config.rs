//! `shiplabel config`: the effective settings and where each came from (flag, environment, file,
//! default), and the calibration of each printer named in the settings file.

use std::path::PathBuf;
use std::process::ExitCode;

use super::CliError;
use shiplabel::config::{Config, Setting, Source};

/// Show the effective settings and where each came from.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// Show the settings as they would be with this printer.
    #[arg(long)]
    printer: Option<String>,
    /// Show the settings as they would be with this profile.
    #[arg(long)]
    profile: Option<String>,
    /// Show the settings as they would be with this template.
    #[arg(short, long)]
    template: Option<String>,
}

/// Prints one `key = value  (source)` line per setting, then the printer's calibrated profile.
pub fn run(args: ConfigArgs, db_flag: Option<&std::path::Path>) -> Result<ExitCode, CliError> {
    let config = Config::load()?;
    match &config.path {
        Some(path) => println!(
            "settings file: {} ({})",
            visible(&path.display().to_string()),
            if config.found { "read" } else { "not present" }
        ),
        None => println!("settings file: none (set SHIPLABEL_CONFIG, XDG_CONFIG_HOME or HOME)"),
    }
    let printer = config.printer(args.printer.as_deref());
    match &printer {
        Some(s) => line("printer", s),
        None => println!("printer  = (none: give --printer or set printer in the settings file)"),
    }
    let uri = printer.as_ref().map(|s| s.value.as_str());
    let profile = config.profile(args.profile.as_deref(), uri);
    line("profile", &profile);
    line("template", &config.template(args.template.as_deref()));
    let db = config.db(db_flag).unwrap_or_else(|| Setting {
        value: super::station::default_db()
            .unwrap_or_else(|_| PathBuf::from("(no data directory)")),
        source: Source::Default,
    });
    line(
        "db",
        &Setting {
            // A postgres:// URL is shown without its password.
            value: shiplabel::store::redact(&db.value.display().to_string()),
            source: db.source,
        },
    );
    let resolved = config.resolve_profile(&profile.value, uri)?;
    println!(
        "effective profile: {} {} {} dpi, label {}x{} mm, media {} gap {} mm, direction {}, cut {}, \
         feed {} dots, offset x {} y {} dots, darkness {}, speed {}",
        visible(&resolved.name),
        resolved.language,
        resolved.dpi,
        resolved.label_width_mm,
        resolved.label_length_mm,
        resolved.media.name(),
        resolved.gap_mm,
        resolved.direction,
        resolved.cut.name(),
        resolved.feed_dots,
        resolved.offset_x_dots,
        resolved.offset_y_dots,
        resolved.darkness.map_or("printer's".to_string(), |d| d.to_string()),
        resolved.speed.map_or("printer's".to_string(), |s| s.to_string()),
    );
    for (uri, settings) in &config.file.printers {
        println!("[printers.\"{}\"]", visible(uri));
        for (key, value) in settings.pairs() {
            println!("  {key} = {}", visible(&value));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn line(key: &str, setting: &Setting<String>) {
    println!(
        "{key:<8} = {}  ({})",
        visible(&setting.value),
        setting.source
    );
}

/// Text from a file or the environment with control characters shown as escapes, not sent to the
/// terminal.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
