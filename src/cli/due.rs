//! `shiplabel orders --due`: what must be packed, most urgent first.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::orders::OrdersArgs;
use super::text_table;
use super::CliError;
use shiplabel::order;

/// Prints the packing deadlines of the postings in `args.files` (or the store) at `now`.
pub fn run(args: &OrdersArgs, db: Option<&Path>, now: DateTime<Utc>) -> Result<ExitCode, CliError> {
    let mut postings = args.postings(db)?;
    postings.retain(|p| args.status_wanted(p));
    let tz = args.tz.unwrap_or_else(order::moscow);
    let list = order::due_list(&postings, now, args.warn, tz);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|d| {
            vec![
                d.urgency.to_string(),
                d.posting_number.to_string(),
                d.shipment_date.clone().unwrap_or_else(|| "-".into()),
                match d.minutes_left {
                    Some(m) if m < 0 => format!("{} late", text_table::minutes(-m)),
                    Some(m) => format!("{} left", text_table::minutes(m)),
                    None => "-".into(),
                },
                d.items.to_string(),
                d.warehouse.clone().unwrap_or_default(),
                d.blocked
                    .clone()
                    .map(|b| format!("blocked: {b}"))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    print!(
        "{}",
        text_table::render(
            &[
                "DUE",
                "POSTING",
                "PACK BY",
                "TIME",
                "ITEMS",
                "WAREHOUSE",
                "NOTE"
            ],
            &rows
        )
    );
    let count = |u| list.iter().filter(|d| d.urgency == u).count();
    println!(
        "{} to pack: {} late, {} due within {}, {} later today, {} on later days",
        list.len(),
        count(order::Urgency::Late),
        count(order::Urgency::DueSoon),
        text_table::minutes(args.warn.num_minutes()),
        count(order::Urgency::Today),
        count(order::Urgency::Later),
    );
    Ok(ExitCode::SUCCESS)
}
