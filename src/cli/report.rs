//! `shiplabel report FILE...`: the sales summary.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;

use super::orders::load_postings;
use super::text_table;
use super::CliError;
use shiplabel::report::{sales_report, Amount};

/// Sum delivered postings (price × quantity) per day and in total; count cancelled and disputed.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files to read (Ozon API JSON or neutral records).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// First day to include (YYYY-MM-DD, Moscow time).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last day to include (YYYY-MM-DD, Moscow time).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// Print JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV.
    #[arg(long)]
    pub csv: bool,
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|e| format!("{text:?} is not a date like 2026-11-23: {e}"))
}

fn amounts(list: &[Amount]) -> String {
    if list.is_empty() {
        return "0".into();
    }
    list.iter()
        .map(|a| format!("{} {}", a.amount, a.currency))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Runs the command.
pub fn run(args: ReportArgs) -> Result<ExitCode, CliError> {
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            return Err(format!("--from {from} is after --to {to}").into());
        }
    }
    let postings = load_postings(&args.files)?;
    let report = sales_report(&postings, args.from, args.to)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if args.csv {
        print!("{}", report.to_csv());
    } else {
        let mut rows: Vec<Vec<String>> = report
            .days
            .iter()
            .map(|d| {
                vec![
                    d.date
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "undated".into()),
                    d.delivered.to_string(),
                    d.items.to_string(),
                    amounts(&d.revenue),
                    d.cancelled.to_string(),
                    d.disputed.to_string(),
                ]
            })
            .collect();
        rows.push(vec![
            "TOTAL".into(),
            report.delivered.to_string(),
            report.items.to_string(),
            amounts(&report.revenue),
            report.cancelled.to_string(),
            report.disputed.to_string(),
        ]);
        if !report.fbo.is_empty() {
            // Apart from the total: Ozon ships these, they are not the seller's FBS sales.
            rows.push(vec![
                "FBO (Ozon ships; not in TOTAL)".into(),
                report.fbo.delivered.to_string(),
                report.fbo.items.to_string(),
                amounts(&report.fbo.revenue),
                report.fbo.cancelled.to_string(),
                report.fbo.disputed.to_string(),
            ]);
        }
        print!(
            "{}",
            text_table::render(
                &[
                    "DAY",
                    "DELIVERED",
                    "ITEMS",
                    "REVENUE",
                    "CANCELLED",
                    "DISPUTED"
                ],
                &rows
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}
