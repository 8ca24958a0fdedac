//! `shiplabel orders FILE...` (or `orders --db`, the stored postings): lists postings with their status,
//! cost and whether a label can be made.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Args;

use super::text_table;
use super::{parse_now, CliError};
use shiplabel::order::{self, Posting, PostingSummary, Status};

/// List postings from Ozon API JSON or neutral record files (JSON or CSV), or with --db the postings in
/// the station store.
#[derive(Debug, Args)]
pub struct OrdersArgs {
    /// Files to read: Ozon Seller API responses (v3/v4 list, v3 get, a posting, an array) or neutral
    /// records (JSON array or CSV). None with --db: the stored postings.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Set when `--db` is given: read the station store instead of files.
    #[arg(skip)]
    pub from_store: bool,
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only postings in this status (API spelling, e.g. awaiting_deliver); repeat for several.
    #[arg(long = "status", value_name = "STATUS")]
    pub statuses: Vec<String>,
    /// Only postings a label can be made for now.
    #[arg(long)]
    pub labelable: bool,
    /// Judge deadlines at this time instead of the current one (RFC 3339, e.g. 2026-11-23T10:00:00Z).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// List what must be packed: late, due within --warn, due today, later (by shipment_date).
    #[arg(long, conflicts_with = "labelable")]
    pub due: bool,
    /// With --due: how long before its deadline a posting counts as due soon (e.g. 2h, 90m, 1h30m).
    #[arg(long, value_name = "DURATION", default_value = "2h", value_parser = order::parse_duration, requires = "due")]
    pub warn: chrono::Duration,
    /// With --due: the seller's UTC offset that decides what "today" is (default Moscow, +03:00).
    #[arg(long, value_name = "OFFSET", value_parser = order::parse_offset, requires = "due")]
    pub tz: Option<chrono::FixedOffset>,
}

impl OrdersArgs {
    /// Whether `posting` passes the `--status` filter; no `--status` lets every posting through.
    pub(crate) fn status_wanted(&self, posting: &Posting) -> bool {
        self.statuses.is_empty() || self.statuses.iter().any(|s| s == posting.status.as_str())
    }
}

impl OrdersArgs {
    /// The postings to list: the stored ones with `--db`, else those of the files.
    pub(crate) fn postings(&self, db: Option<&Path>) -> Result<Vec<Posting>, CliError> {
        match (self.from_store, self.files.is_empty()) {
            (true, true) => {
                // `orders --db list.json` reads as "the file, from the store"; clap has taken the file
                // for the database path.
                if let Some(ext) = db.and_then(Path::extension).and_then(|e| e.to_str()) {
                    if ["json", "csv"].contains(&ext.to_ascii_lowercase().as_str()) {
                        return Err(format!(
                            "--db {}: that is the database path; to list a file, give it without --db",
                            db.unwrap_or(Path::new("")).display()
                        )
                        .into());
                    }
                }
                Ok(super::station::open_existing_store(db, "orders")?.all_postings()?)
            }
            (true, false) => Err("give FILEs or --db (the stored postings), not both".into()),
            (false, true) => {
                Err("no postings to list: give FILEs, or --db for the stored postings".into())
            }
            (false, false) => load_postings(&self.files),
        }
    }
}

/// Every posting of `files`, in order, one record per posting number; the first file that cannot be
/// imported ends the run. Fields left unread and postings merged are told on stderr.
pub(crate) fn load_postings(files: &[PathBuf]) -> Result<Vec<Posting>, CliError> {
    let imported = order::read_files(files)?;
    tell_import(&imported);
    Ok(imported.postings)
}

/// How many warnings are written one by one; the rest are counted, so that a file with a bad date in
/// every posting does not bury the output.
const WARNINGS_SHOWN: usize = 20;

/// Writes an import's warnings and its merge note to stderr.
pub(crate) fn tell_import(imported: &order::Imported) {
    for warning in imported.warnings.iter().take(WARNINGS_SHOWN) {
        eprintln!("warning: {warning}");
    }
    if let Some(more) = imported.warnings.len().checked_sub(WARNINGS_SHOWN) {
        if more > 0 {
            eprintln!("warning: … and {more} more field(s) left unread");
        }
    }
    if let Some(note) = imported.merge_note() {
        eprintln!("{note}");
    }
}

/// Runs the command.
pub fn run(args: OrdersArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    // A usage error like clap's own (clap cannot require FILE "unless --db" when --db, a global option,
    // comes before the command).
    if args.files.is_empty() && !args.from_store {
        eprintln!("error: give FILE..., or --db for the stored postings\n\nUsage: shiplabel orders <FILE>...\n       shiplabel orders --db [PATH]");
        return Ok(ExitCode::from(2));
    }
    for status in &args.statuses {
        if !Status::parse(status).is_known() {
            let known: Vec<&str> = Status::KNOWN.iter().map(Status::as_str).collect();
            return Err(format!(
                "unknown status {status:?} for --status; known: {}",
                known.join(", ")
            )
            .into());
        }
    }
    let now = args.now.unwrap_or_else(Utc::now);
    if args.due {
        return super::due::run(&args, db, now);
    }
    let summaries: Vec<PostingSummary> = args
        .postings(db)?
        .iter()
        .filter(|p| args.status_wanted(p))
        .map(|p| PostingSummary::new(p, now))
        .filter(|s| !args.labelable || s.labelable)
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summaries)?);
    } else {
        print!("{}", table(&summaries));
    }
    Ok(ExitCode::SUCCESS)
}

/// The posting table: one row per summary, then the count.
fn table(summaries: &[PostingSummary]) -> String {
    let rows: Vec<Vec<String>> = summaries
        .iter()
        .map(|s| {
            let cost = match (&s.cost, &s.currency) {
                (Some(c), Some(cur)) => format!("{c} {cur}"),
                _ => format!("- ({})", s.cost_error.as_deref().unwrap_or("unknown")),
            };
            let label = match &s.reason {
                None => "yes".to_owned(),
                Some(r) => format!("no: {r}"),
            };
            vec![
                s.posting_number.to_string(),
                s.status.clone(),
                s.items.to_string(),
                cost,
                label,
                s.passport_deadline.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut out = text_table::render(
        &[
            "POSTING",
            "STATUS",
            "ITEMS",
            "COST",
            "LABEL",
            "PASSPORT DEADLINE",
        ],
        &rows,
    );
    out.push_str(&format!("{} posting(s)\n", summaries.len()));
    out
}
