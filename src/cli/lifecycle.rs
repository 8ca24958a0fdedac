//! `shiplabel pack`, `cancel` and `ship`: the order model's actions on a stored posting.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::parse_now;
use super::station::open_existing_store;
use super::CliError;
use shiplabel::order::{self, Package, Posting};
use shiplabel::station;

/// Pack a stored posting, whole or split into packages.
#[derive(Debug, clap::Args)]
pub struct PackArgs {
    /// The posting number.
    posting: String,
    /// Packages: `SKU:QTY,SKU:QTY/SKU:QTY` — packages separated by `/`, items by `,`; a SKU may also be
    /// the product's offer id.
    #[arg(long, value_name = "SKU:QTY,…/SKU:QTY,…")]
    split: Option<String>,
    /// The time recorded (RFC 3339); default: now.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
}

/// Cancel a stored posting.
#[derive(Debug, clap::Args)]
pub struct CancelArgs {
    /// The posting number.
    posting: String,
    /// The cancel reason id (352 out of stock, 400 only defective, 401 arbitration, 402 other — needs
    /// --message, …).
    #[arg(long)]
    reason: i64,
    /// The seller's message (required for reason 402).
    #[arg(long)]
    message: Option<String>,
    /// The time recorded (RFC 3339); default: now.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
}

/// Hand a stored posting over to delivery.
#[derive(Debug, clap::Args)]
pub struct ShipArgs {
    /// The posting number.
    posting: String,
    /// The hand-over time (RFC 3339); default: now.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
    /// Hand over even though a label of the posting was never sent to a printer (it was printed
    /// some other way). Without it, `ship` refuses such a posting.
    #[arg(long)]
    without_label: bool,
}

/// The SKU a command-line product names: a number is the SKU itself, anything else the offer id of one
/// of the posting's products (`--split` and `ozon ship --mark` read products the same way).
pub(crate) fn sku_of(posting: &Posting, code: &str) -> Option<i64> {
    shiplabel::station::product_sku(posting, code)
}

/// Parses `--split` against the posting's products (an offer id resolves to its SKU).
pub(crate) fn parse_split(text: &str, posting: &Posting) -> Result<Vec<Package>, CliError> {
    let mut packages = Vec::new();
    for (n, group) in text.split('/').enumerate() {
        let mut items = Vec::new();
        for item in group.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (code, qty) = item
                .rsplit_once(':')
                .ok_or_else(|| format!("--split package {}: {item:?} is not SKU:QTY", n + 1))?;
            let qty: u32 = qty.trim().parse().map_err(|_| {
                format!(
                    "--split package {}: {item:?}: quantity {qty:?} is not a whole number",
                    n + 1
                )
            })?;
            let code = code.trim();
            let sku = sku_of(posting, code).ok_or_else(|| {
                format!(
                    "--split package {}: {code:?} is neither a SKU nor an offer id of posting {}",
                    n + 1,
                    posting.posting_number
                )
            })?;
            items.push((sku, qty));
        }
        if items.is_empty() {
            return Err(format!("--split package {} is empty", n + 1).into());
        }
        packages.push(Package::new(items));
    }
    Ok(packages)
}

/// Packs and prints the shipments made.
pub fn run_pack(args: PackArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_existing_store(db, "pack")?;
    let now = args.now.unwrap_or_else(Utc::now);
    let packages = match &args.split {
        Some(text) => parse_split(text, &store.posting(&args.posting)?)?,
        None => Vec::new(),
    };
    let posting = store.pack(&args.posting, &packages, now)?;
    println!(
        "{}: packed in {} package(s), now {}",
        posting.posting_number,
        posting.shipments.len().max(1),
        posting.status
    );
    for s in &posting.shipments {
        let items: Vec<String> = s
            .products
            .iter()
            .map(|p| format!("{}×{}", p.sku, p.quantity))
            .collect();
        println!("  {}: {}", s.id, items.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

/// Cancels and prints the result.
pub fn run_cancel(args: CancelArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_existing_store(db, "cancel")?;
    let now = args.now.unwrap_or_else(Utc::now);
    let done = station::cancel(
        &mut store,
        &args.posting,
        args.reason,
        args.message.as_deref(),
        now,
    )?;
    let posting = &done.posting;
    let reason = posting
        .cancellation
        .as_ref()
        .map(|c| c.reason.clone())
        .unwrap_or_default();
    println!("{}: cancelled ({reason})", posting.posting_number);
    if !done.dropped_jobs.is_empty() {
        println!(
            "{}: {} queued label(s) taken out of the print queue",
            posting.posting_number,
            done.dropped_jobs.len()
        );
    }
    for shiplabel::station::SentLabel { name, at } in &done.sent {
        // The shop reads Ozon's clock: Moscow time.
        let at = at.with_timezone(&order::moscow()).format("%H:%M");
        println!("{name}: label sent at {at} (Moscow time): take it off the parcel");
    }
    Ok(ExitCode::SUCCESS)
}

/// Hands over and prints the result.
pub fn run_ship(args: ShipArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let mut store = open_existing_store(db, "ship")?;
    let now = args.now.unwrap_or_else(Utc::now);
    let posting = station::ship(&mut store, &args.posting, now, args.without_label)?;
    println!(
        "{}: handed over, now {}",
        posting.posting_number, posting.status
    );
    Ok(ExitCode::SUCCESS)
}
