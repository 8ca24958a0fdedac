//! `shiplabel import FILE...`: postings into the station store.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::parse_now;
use super::station::open_store;
use super::CliError;
use shiplabel::order;

/// Import postings (Ozon API JSON, neutral JSON/CSV records) into the station store.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files to import.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The time to judge passport deadlines against (RFC 3339); default: now.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
}

/// Imports every file, one transaction per file, and prints what changed.
pub fn run(args: ImportArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_store(db, "import")?;
    let now = args.now.unwrap_or_else(Utc::now);
    for file in &args.files {
        // One file, one transaction: the store merges a posting seen before by the same rank rule.
        let imported = order::read_file(file)?;
        super::orders::tell_import(&imported);
        let name = file.display().to_string();
        let report = store.import_noted(imported.postings, now, Some(&name))?;
        println!(
            "{name}: {} new, {} updated, {} unchanged, {} older (kept the stored status)",
            report.inserted, report.updated, report.unchanged, report.older
        );
        for number in &report.cancelled_by_deadline {
            println!("{number}: cancelled: {}", order::NO_PASSPORT_REASON);
        }
    }
    Ok(ExitCode::SUCCESS)
}
