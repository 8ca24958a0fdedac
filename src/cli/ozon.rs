//! `shiplabel ozon …`: the Seller API client's commands (pull, ship, tracking, cancel, label).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Subcommand};

use super::lifecycle::{parse_split, sku_of};
use super::station::open_store;
use super::CliError;
use shiplabel::ozon::{
    self, client_from_env, printable, Client, ExemplarData, OzonError, LABEL_BATCH,
};

/// Work with Ozon directly (Seller API): credentials from OZON_CLIENT_ID and OZON_API_KEY, or
/// ~/.config/shiplabel/ozon.toml (chmod 600).
#[derive(Debug, Args)]
pub struct OzonArgs {
    #[command(subcommand)]
    command: OzonCommand,
}

#[derive(Debug, Subcommand)]
enum OzonCommand {
    /// Pull the unfulfilled postings, and the status changes of stored ones, into the station store.
    Pull(PullArgs),
    /// Pack a posting on Ozon, whole or split into packages, and store the postings it makes.
    Ship(ShipArgs),
    /// Set the tracking number of a posting the seller delivers (rFBS).
    Tracking(TrackingArgs),
    /// Cancel a posting on Ozon (without --reason: list the reasons Ozon allows for it).
    Cancel(CancelArgs),
    /// Download Ozon's own label PDF for postings awaiting delivery (20 a request).
    Label(LabelArgs),
}

#[derive(Debug, Args)]
struct PullArgs {}

#[derive(Debug, Args)]
struct ShipArgs {
    /// The posting number.
    posting: String,
    /// Packages: `SKU:QTY,SKU:QTY/SKU:QTY` — packages separated by `/`, items by `,`; a SKU may also be
    /// the product's offer id. Each package becomes its own posting on Ozon.
    #[arg(long, value_name = "SKU:QTY,…/SKU:QTY,…")]
    split: Option<String>,
    /// A unit's Честный ЗНАК marking code, as scanned (`<GS>` may stand for the GS character); repeat
    /// once per unit. SKU may be the offer id.
    #[arg(long = "mark", value_name = "SKU=CODE")]
    marks: Vec<String>,
    /// The goods that need a customs declaration number have none.
    #[arg(long)]
    gtd_absent: bool,
    /// The goods that need a batch registration number (RNPT) have none.
    #[arg(long)]
    rnpt_absent: bool,
}

#[derive(Debug, Args)]
struct TrackingArgs {
    /// The posting number.
    posting: String,
    /// The carrier's tracking number.
    number: String,
}

#[derive(Debug, Args)]
struct CancelArgs {
    /// The posting number.
    posting: String,
    /// The reason id (one Ozon allows for this posting; run without --reason to list them).
    #[arg(long)]
    reason: Option<i64>,
    /// The seller's message (required for reason 402).
    #[arg(long)]
    message: Option<String>,
}

#[derive(Debug, Args)]
struct LabelArgs {
    /// Posting numbers (awaiting delivery).
    #[arg(required = true, value_name = "POSTING")]
    postings: Vec<String>,
    /// The PDF to write; with more than 20 postings, one file per 20: NAME-1.pdf, NAME-2.pdf, …
    #[arg(short, long, value_name = "FILE.pdf")]
    output: PathBuf,
}

/// Runs an `ozon` subcommand.
pub fn run(args: OzonArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut client = client_from_env()?;
    client.on_notice(|line| eprintln!("{line}"));
    match args.command {
        OzonCommand::Pull(_) => run_pull(&client, db),
        OzonCommand::Ship(a) => run_ship(&client, a, db),
        OzonCommand::Tracking(a) => run_tracking(&client, a, db),
        OzonCommand::Cancel(a) => run_cancel(&client, a, db),
        OzonCommand::Label(a) => run_label(&client, a),
    }
}

fn run_pull(client: &Client, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_store(db, "ozon pull")?;
    let now = Utc::now();
    let spinner = if std::io::stderr().is_terminal() {
        let s = indicatif::ProgressBar::new_spinner();
        s.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        s
    } else {
        indicatif::ProgressBar::hidden()
    };
    let report = ozon::pull(client, &mut store, now, |p| {
        let total = p.total.map(|t| format!(" of {t}")).unwrap_or_default();
        spinner.set_message(format!(
            "{}: page {}, {} posting(s){total}",
            p.walk, p.page, p.postings
        ));
        spinner.tick();
    });
    spinner.finish_and_clear();
    let report = report?;
    println!(
        "ozon pull: {} unfulfilled, {} changed since {}; {} new, {} updated, {} unchanged, {} older (kept the stored status); {} page(s)",
        report.unfulfilled,
        report.changed,
        report
            .since
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| "the last 30 days".into()),
        report.import.inserted,
        report.import.updated,
        report.import.unchanged,
        report.import.older,
        report.pages
    );
    for number in &report.import.cancelled_by_deadline {
        println!(
            "{number}: cancelled: {}",
            shiplabel::order::NO_PASSPORT_REASON
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_ship(client: &Client, args: ShipArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_store(db, "ozon ship")?;
    let now = Utc::now();
    let fetched = ozon::fetch(client, &mut store, &args.posting, now)?;
    let packages = match &args.split {
        Some(text) => parse_split(text, &fetched.posting)?,
        None => Vec::new(),
    };
    let mut data = ExemplarData {
        gtd_absent: args.gtd_absent,
        rnpt_absent: args.rnpt_absent,
        ..ExemplarData::default()
    };
    for item in &args.marks {
        let (sku, code) = item
            .split_once('=')
            .ok_or_else(|| format!("--mark {:?}: expected SKU=CODE", printable(item, 80)))?;
        let sku = sku.trim();
        let sku = sku_of(&fetched.posting, sku).ok_or_else(|| {
            format!(
                "--mark {}: neither a SKU nor an offer id of posting {}",
                printable(sku, 60),
                args.posting
            )
        })?;
        let code = ozon::read_mark(code).map_err(|e| {
            format!(
                "--mark {sku}={}: not a marking code: {e}",
                printable(code, 80)
            )
        })?;
        data.marks.entry(sku).or_default().push(code);
    }
    let shipped = ozon::ship(client, &mut store, fetched, &packages, &data, now, |line| {
        eprintln!("{line}")
    })?;
    if shipped.already {
        println!(
            "{}: already packed on Ozon ({}); nothing sent",
            show(&shipped.parent.posting_number),
            show(shipped.parent.status.as_str())
        );
    } else {
        println!(
            "{}: packed on Ozon, now {}",
            show(&shipped.parent.posting_number),
            show(shipped.parent.status.as_str())
        );
    }
    for p in &shipped.postings {
        let items: Vec<String> = p
            .products
            .iter()
            .map(|x| format!("{}×{}", x.sku, x.quantity))
            .collect();
        println!(
            "  {}: {}; {}; barcodes {} / {}",
            show(&p.posting_number),
            show(p.status.as_str()),
            items.join(", "),
            show(p.upper_barcode.as_deref().unwrap_or("-")),
            show(p.lower_barcode.as_deref().unwrap_or("-"))
        );
    }
    println!("stored; `shiplabel print --pending` prints their labels");
    Ok(ExitCode::SUCCESS)
}

fn run_tracking(
    client: &Client,
    args: TrackingArgs,
    db: Option<&Path>,
) -> Result<ExitCode, CliError> {
    let mut store = open_store(db, "ozon tracking")?;
    let now = Utc::now();
    let mut posting = client.posting(&args.posting)?.posting;
    // The carrier's format, checked before anything is sent.
    let mut trial = posting.clone();
    trial.tracking_number = None;
    trial.set_tracking_number(&args.number)?;
    client.set_tracking(&args.posting, &args.number)?;
    posting.tracking_number = Some(args.number.clone());
    store.import_noted(vec![posting], now, Some("ozon tracking"))?;
    println!(
        "{}: tracking number {} set on Ozon",
        args.posting, args.number
    );
    Ok(ExitCode::SUCCESS)
}

fn run_cancel(client: &Client, args: CancelArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let reasons = client.cancel_reasons(&args.posting)?;
    let list = || {
        reasons
            .iter()
            .map(|r| format!("  {}  {} ({})", r.id, printable(&r.title, 100), r.type_id))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let Some(reason) = args.reason else {
        println!(
            "reasons Ozon allows for cancelling {}:\n{}",
            args.posting,
            list()
        );
        println!(
            "cancel with: shiplabel ozon cancel {} --reason ID [--message TEXT]",
            args.posting
        );
        return Ok(ExitCode::SUCCESS);
    };
    if !reasons.iter().any(|r| r.id == reason) {
        return Err(format!(
            "posting {}: Ozon does not allow reason {reason} for it; allowed:\n{}",
            args.posting,
            list()
        )
        .into());
    }
    let message = args
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    if reason == 402 && message.is_none() {
        return Err("reason 402 (other) needs --message TEXT saying why".into());
    }
    let mut store = open_store(db, "ozon cancel")?;
    let now = Utc::now();
    match client.cancel(&args.posting, reason, message) {
        Ok(()) => {}
        Err(OzonError::Uncertain { reason: why, .. }) => {
            let again = client.posting(&args.posting)?.posting;
            if again.status != shiplabel::order::Status::Cancelled {
                return Err(format!(
                    "posting {}: the cancel request got no answer ({why}) and Ozon shows it {}; nothing was sent again: check it, then run the command again",
                    args.posting, show(again.status.as_str())
                )
                .into());
            }
        }
        Err(e) => return Err(e.into()),
    }
    let posting = client.posting(&args.posting)?.posting;
    store.import_noted(
        vec![posting.clone()],
        now,
        Some(&format!("ozon cancel: reason {reason}")),
    )?;
    println!(
        "{}: cancel sent (reason {reason}); Ozon shows it {}",
        args.posting,
        show(posting.status.as_str())
    );
    Ok(ExitCode::SUCCESS)
}

fn run_label(client: &Client, args: LabelArgs) -> Result<ExitCode, CliError> {
    let batches: Vec<&[String]> = args.postings.chunks(LABEL_BATCH).collect();
    let mut files = Vec::new();
    for (i, batch) in batches.iter().enumerate() {
        let pdf = match client.labels(batch) {
            Ok(pdf) => pdf,
            // Ozon refuses the whole batch for one bad posting without naming it: ask for each alone
            // to find it.
            Err(OzonError::Api(e)) if batch.len() > 1 => {
                for number in batch.iter() {
                    client.labels(std::slice::from_ref(number))?;
                }
                return Err(OzonError::Api(e).into());
            }
            Err(e) => return Err(e.into()),
        };
        let path = if batches.len() == 1 {
            args.output.clone()
        } else {
            numbered(&args.output, i + 1)
        };
        files.push((path, pdf));
    }
    shiplabel::output::write_all_atomic(&files)
        .map_err(|(path, e)| format!("{}: cannot write: {e}", path.display()))?;
    for (path, pdf) in &files {
        println!("{}: {} bytes", path.display(), pdf.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// Text from Ozon made fit for a terminal (no control characters, bounded).
fn show(text: &str) -> String {
    printable(text, 200)
}

/// `ozon.pdf` → `ozon-2.pdf`.
fn numbered(path: &Path, n: usize) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}
