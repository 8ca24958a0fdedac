//! Passport reminders: for every cross-border posting still waiting for the customer's passport
//! data, the time left before Ozon cancels it (`in_process_at` + 24 h) and a polite chat message
//! for the seller to send.
//!
//! The deadline is shown in the customer's time zone when it is known, else in Moscow time:
//! an explicit offset given by the caller wins; otherwise the customer's region
//! (`customer.address.region`, else `analytics_data.region`) is looked up in a table of Russian
//! regions whose clocks differ from Moscow's; anything else is Moscow time (UTC+3).
//!
//! Messages come from templates (`templates/remind.{ru,en,zh}.txt`, built in, replaceable) with
//! placeholders in braces. Only the placeholders listed in [`PLACEHOLDERS`] exist, and none of them
//! can reach passport data: the posting never holds any.

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use serde::Serialize;

use super::deadline::moscow;
use super::error::rfc3339;
use super::lifecycle::NO_PASSPORT_REASON;
use super::model::Posting;
use super::number::PostingNumber;
use super::status::Status;

/// The placeholders a reminder template may use.
pub const PLACEHOLDERS: [&str; 6] = [
    "posting_number",
    "order_number",
    "items",
    "deadline",
    "timezone",
    "time_left",
];

/// The language of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Russian.
    Ru,
    /// English.
    En,
    /// Chinese (simplified).
    Zh,
}

impl Lang {
    /// Parses `ru`, `en` or `zh`.
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The built-in template.
    pub fn builtin_template(self) -> &'static str {
        match self {
            Lang::Ru => include_str!("../../templates/remind.ru.txt"),
            Lang::En => include_str!("../../templates/remind.en.txt"),
            Lang::Zh => include_str!("../../templates/remind.zh.txt"),
        }
    }

    /// A local date and time as people of this language write it.
    fn datetime(self, t: DateTime<FixedOffset>) -> String {
        let (d, m, y, hh, mm) = (t.day(), t.month(), t.year(), t.hour(), t.minute());
        match self {
            Lang::Ru => format!("{d:02}.{m:02}.{y} {hh:02}:{mm:02}"),
            Lang::En => {
                let month = u8::try_from(m)
                    .ok()
                    .and_then(|m| chrono::Month::try_from(m).ok())
                    .map_or("?", |m| m.name());
                format!("{d} {month} {y}, {hh:02}:{mm:02}")
            }
            Lang::Zh => format!("{y}年{m}月{d}日 {hh:02}:{mm:02}"),
        }
    }

    fn time_left(self, minutes: i64) -> String {
        let (h, m) = (minutes / 60, minutes % 60);
        match self {
            Lang::Ru => format!("{h} ч {m:02} мин"),
            Lang::En => format!("{h} h {m:02} min"),
            Lang::Zh => format!("{h}小时{m:02}分钟"),
        }
    }

    fn zone(self, zone: &Zone) -> String {
        let utc = utc_label(zone.offset);
        match (self, zone.offset == moscow()) {
            (Lang::Ru, true) => format!("по московскому времени, {utc}"),
            (Lang::Ru, false) => format!("по вашему местному времени, {utc}"),
            (Lang::En, true) => format!("Moscow time, {utc}"),
            (Lang::En, false) => format!("your local time, {utc}"),
            (Lang::Zh, true) => format!("莫斯科时间，{utc}"),
            (Lang::Zh, false) => format!("您当地时间，{utc}"),
        }
    }
}

/// `UTC+3`, `UTC+5:30`, `UTC-2`.
fn utc_label(offset: FixedOffset) -> String {
    let secs = offset.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let (h, m) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
    if m == 0 {
        format!("UTC{sign}{h}")
    } else {
        format!("UTC{sign}{h}:{m:02}")
    }
}

/// Russian regions whose clocks differ from Moscow's, by a distinctive part of their name, and
/// their UTC offset in hours. Order matters where one key is inside another (Томская / Омская,
/// Сахалинская / Саха).
const REGION_OFFSETS: &[(&str, i32)] = &[
    ("калининград", 2),
    ("самар", 4),
    ("удмурт", 4),
    ("астрахан", 4),
    ("саратов", 4),
    ("ульянов", 4),
    ("башк", 5),
    ("челяб", 5),
    ("курган", 5),
    ("оренбург", 5),
    ("перм", 5),
    ("свердлов", 5),
    ("тюмен", 5),
    ("ханты", 5),
    ("югра", 5),
    ("ямал", 5),
    ("томск", 7),
    ("омск", 6),
    ("алтай", 7),
    ("кемеров", 7),
    ("кузбас", 7),
    ("красноярск", 7),
    ("новосибирск", 7),
    ("тыва", 7),
    ("тува", 7),
    ("хакас", 7),
    ("бурят", 8),
    ("иркутск", 8),
    ("забайкал", 9),
    ("амурск", 9),
    ("сахалин", 11),
    ("якут", 9),
    ("саха", 9),
    ("приморск", 10),
    ("хабаровск", 10),
    ("еврейск", 10),
    ("магадан", 11),
    ("камчат", 12),
    ("чукот", 12),
];

/// The UTC offset of a Russian region name, when it differs from Moscow's and is in the table.
pub fn region_offset(region: &str) -> Option<FixedOffset> {
    let lower = region.to_lowercase();
    REGION_OFFSETS
        .iter()
        .find(|(key, _)| lower.contains(key))
        .and_then(|&(_, hours)| FixedOffset::east_opt(hours * 3600))
}

/// Where a reminder's time zone came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneSource {
    /// Given by the caller (`--tz`).
    Explicit,
    /// From the customer's region.
    Region,
    /// Not known: Moscow time.
    Moscow,
}

/// The time zone a reminder shows its deadline in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    /// The offset.
    pub offset: FixedOffset,
    /// Where it came from.
    pub source: ZoneSource,
}

impl Zone {
    /// The customer's zone for `posting`: `explicit` if given, else from the region, else Moscow.
    pub fn of(posting: &Posting, explicit: Option<FixedOffset>) -> Zone {
        if let Some(offset) = explicit {
            return Zone {
                offset,
                source: ZoneSource::Explicit,
            };
        }
        match posting.customer_region.as_deref().and_then(region_offset) {
            Some(offset) => Zone {
                offset,
                source: ZoneSource::Region,
            },
            None => Zone {
                offset: moscow(),
                source: ZoneSource::Moscow,
            },
        }
    }
}

/// A bad reminder template: where and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// `{name}` with a name that is not a placeholder.
    #[error("{template}: line {line}, column {column}: unknown placeholder {{{name}}}; known: {}", PLACEHOLDERS.join(", "))]
    UnknownPlaceholder {
        /// The template's name (file or `built-in ru`).
        template: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// The name inside the braces.
        name: String,
    },
    /// The template has no text at all: every reminder would be blank.
    #[error("{template}: the template is empty")]
    Empty {
        /// The template's name.
        template: String,
    },
    /// A `{` without its `}` or a lone `}`.
    #[error("{template}: line {line}, column {column}: unbalanced brace (write {{{{ or }}}} for a literal one)")]
    Unbalanced {
        /// The template's name.
        template: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(usize),
}

/// A checked reminder template: text with placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    /// Parses `text`; `name` is used in errors. Every placeholder must be one of [`PLACEHOLDERS`].
    pub fn parse(name: &str, text: &str) -> Result<Template, TemplateError> {
        if text.trim().is_empty() {
            return Err(TemplateError::Empty {
                template: name.to_owned(),
            });
        }
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let (mut line, mut column) = (1usize, 0usize);
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            column += 1;
            match c {
                '\n' => {
                    literal.push(c);
                    line += 1;
                    column = 0;
                }
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    column += 1;
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    column += 1;
                    literal.push('}');
                }
                '{' => {
                    let start = column;
                    let mut field = String::new();
                    let mut closed = false;
                    for f in chars.by_ref() {
                        column += 1;
                        if f == '}' {
                            closed = true;
                            break;
                        }
                        if f == '\n' || f == '{' {
                            break;
                        }
                        field.push(f);
                    }
                    if !closed {
                        return Err(TemplateError::Unbalanced {
                            template: name.to_owned(),
                            line,
                            column: start,
                        });
                    }
                    let key = field.trim();
                    let Some(index) = PLACEHOLDERS.iter().position(|p| *p == key) else {
                        return Err(TemplateError::UnknownPlaceholder {
                            template: name.to_owned(),
                            line,
                            column: start,
                            name: key.to_owned(),
                        });
                    };
                    if !literal.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    }
                    pieces.push(Piece::Field(index));
                }
                '}' => {
                    return Err(TemplateError::Unbalanced {
                        template: name.to_owned(),
                        line,
                        column,
                    })
                }
                _ => literal.push(c),
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        Ok(Template { pieces })
    }

    /// The built-in template of a language.
    pub fn builtin(lang: Lang) -> Template {
        // The built-in templates are tested to parse; an empty template is the formal fallback.
        Template::parse("built-in", lang.builtin_template())
            .unwrap_or(Template { pieces: Vec::new() })
    }

    /// Fills the placeholders; `values` follows the order of [`PLACEHOLDERS`].
    fn fill(&self, values: &[String; 6]) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Field(i) => out.push_str(values.get(*i).map(String::as_str).unwrap_or("")),
            }
        }
        out
    }
}

/// Where a posting stands with its passport request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderState {
    /// Still time: send the message.
    Waiting,
    /// The deadline has passed: Ozon cancels it; no message.
    Expired,
    /// Already cancelled for missing passport data; no message.
    Cancelled,
    /// Waiting, but without `in_process_at` the deadline is unknown; no message.
    NoDeadline,
}

impl fmt::Display for ReminderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReminderState::Waiting => "waiting",
            ReminderState::Expired => "expired (cancelled automatically)",
            ReminderState::Cancelled => "cancelled (no passport data)",
            ReminderState::NoDeadline => "waiting, deadline unknown (no in_process_at)",
        })
    }
}

/// One posting's reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    /// The posting number.
    pub posting_number: PostingNumber,
    /// Where it stands.
    pub state: ReminderState,
    /// The deadline in UTC (RFC 3339).
    pub deadline: Option<String>,
    /// The deadline in the customer's zone (RFC 3339 with offset).
    pub deadline_local: Option<String>,
    /// The zone's offset, `+03:00`.
    pub timezone: String,
    /// Where the zone came from.
    pub timezone_source: ZoneSource,
    /// Whole minutes left (waiting only).
    pub minutes_left: Option<i64>,
    /// The message to send (waiting only).
    pub message: Option<String>,
}

/// Whether the posting belongs in the reminder list: waiting for passport data and not final, or
/// cancelled because the data never came.
fn relevant(posting: &Posting) -> bool {
    let cancelled_for_passport = posting.status == Status::Cancelled
        && posting
            .cancellation
            .as_ref()
            .is_some_and(|c| c.reason == NO_PASSPORT_REASON);
    cancelled_for_passport || (posting.awaiting_passport() && !posting.status.is_final())
}

/// The reminder for one posting at `now`, or `None` when it is not waiting for passport data.
pub fn reminder(
    posting: &Posting,
    now: DateTime<Utc>,
    lang: Lang,
    template: &Template,
    explicit_zone: Option<FixedOffset>,
) -> Option<Reminder> {
    if !relevant(posting) {
        return None;
    }
    let zone = Zone::of(posting, explicit_zone);
    // Not passport_deadline(): a posting cancelled for want of passport data no longer waits, yet
    // its reminder shows when the window closed.
    let deadline = posting.passport_window_end();
    let state = if posting.status == Status::Cancelled {
        ReminderState::Cancelled
    } else {
        match deadline {
            None => ReminderState::NoDeadline,
            Some(d) if now >= d => ReminderState::Expired,
            Some(_) => ReminderState::Waiting,
        }
    };
    let local = deadline.map(|d| d.with_timezone(&zone.offset));
    let (minutes_left, message) = match (state, deadline, local) {
        (ReminderState::Waiting, Some(d), Some(local)) => {
            let minutes = (d - now).num_minutes();
            let items: Vec<&str> = posting
                .products
                .iter()
                .map(|p| p.name.trim())
                .filter(|n| !n.is_empty())
                .collect();
            let values = [
                posting.posting_number.to_string(),
                posting.order_number.clone(),
                items.join("; "),
                lang.datetime(local),
                lang.zone(&zone),
                lang.time_left(minutes),
            ];
            (Some(minutes), Some(template.fill(&values)))
        }
        _ => (None, None),
    };
    Some(Reminder {
        posting_number: posting.posting_number.clone(),
        state,
        deadline: deadline.map(|d| rfc3339(&d)),
        deadline_local: local.map(|l| l.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)),
        timezone: zone.offset.to_string(),
        timezone_source: zone.source,
        minutes_left,
        message,
    })
}

/// Reminders for every relevant posting, waiting ones first by deadline.
pub fn reminders(
    postings: &[Posting],
    now: DateTime<Utc>,
    lang: Lang,
    template: &Template,
    explicit_zone: Option<FixedOffset>,
) -> Vec<Reminder> {
    let mut list: Vec<Reminder> = postings
        .iter()
        .filter_map(|p| reminder(p, now, lang, template, explicit_zone))
        .collect();
    list.sort_by(|a, b| {
        (
            a.state != ReminderState::Waiting,
            &a.deadline,
            &a.posting_number,
        )
            .cmp(&(
                b.state != ReminderState::Waiting,
                &b.deadline,
                &b.posting_number,
            ))
    });
    list
}

#[cfg(test)]
mod tests;
