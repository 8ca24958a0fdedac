//! `shiplabel remind FILE...`: passport reminders for cross-border postings.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset, Utc};
use clap::Args;

use super::orders::load_postings;
use super::parse_now;
use super::text_table;
use super::CliError;
use shiplabel::order::{self, ReminderLang as Lang, ReminderState, ReminderTemplate as Template};

/// List postings waiting for the customer's passport data, with the time left and a chat message.
#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Files to read (Ozon API JSON or neutral records).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Language of the messages: ru, en or zh.
    #[arg(long, default_value = "ru", value_parser = parse_lang)]
    pub lang: Lang,
    /// Judge the deadlines at this time instead of now (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// A message template replacing the built-in one of --lang (placeholders in braces).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Show every deadline at this UTC offset (e.g. +05:00) instead of the customer's region or
    /// Moscow time.
    #[arg(long, value_name = "OFFSET", value_parser = order::parse_offset)]
    pub tz: Option<FixedOffset>,
    /// Print JSON (one object per posting, with the message) instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("unknown language {text:?}; use ru, en or zh"))
}

/// Runs the command.
pub fn run(args: RemindArgs) -> Result<ExitCode, CliError> {
    let template = match &args.template {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read template {}: {e}", path.display()))?;
            Template::parse(&path.display().to_string(), &text)?
        }
        None => Template::builtin(args.lang),
    };
    let now = args.now.unwrap_or_else(Utc::now);
    let postings = load_postings(&args.files)?;
    let list = order::reminders(&postings, now, args.lang, &template, args.tz);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|r| {
            vec![
                r.posting_number.to_string(),
                r.state.to_string(),
                r.deadline_local.clone().unwrap_or_else(|| "-".into()),
                r.minutes_left
                    .map(text_table::minutes)
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    print!(
        "{}",
        text_table::render(&["POSTING", "STATE", "DEADLINE", "LEFT"], &rows)
    );
    // A posting without in_process_at still waits: its deadline is unknown, not past.
    let waiting = list
        .iter()
        .filter(|r| matches!(r.state, ReminderState::Waiting | ReminderState::NoDeadline))
        .count();
    println!(
        "{} posting(s) waiting for passport data, {} past the deadline",
        waiting,
        list.len() - waiting
    );
    for r in &list {
        if let Some(message) = &r.message {
            println!("\n===== {} =====\n{}", r.posting_number, message.trim_end());
        }
    }
    Ok(ExitCode::SUCCESS)
}
