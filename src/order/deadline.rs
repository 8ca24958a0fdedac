//! Packing deadlines: what must be packed today, what is late, what is due soon.
//!
//! The deadline is the posting's `shipment_date` (pack by / recommended ship time). Only postings
//! still to be packed count (`awaiting_packaging`, `awaiting_approve`, `awaiting_registration`,
//! `awaiting_verification`). At `now`:
//! - **late**: `now ≥ shipment_date` (the moment itself is already late: the parcel should be packed
//!   by then);
//! - **due soon**: due within the warning window (`shipment_date − now ≤ warn`);
//! - **today**: due later on the same calendar day as `now`, in the seller's time zone (Moscow,
//!   UTC+3, unless told otherwise);
//! - **later**: any other day; **unknown**: no `shipment_date`.
//!
//! A cross-border posting still waiting for passport data is listed with the reason it cannot be
//! packed yet (`blocked`); one whose passport deadline has passed is cancelled and not listed.

use std::fmt;

use chrono::{DateTime, Duration, FixedOffset, Offset, Utc};
use serde::Serialize;

use super::error::rfc3339;
use super::model::{Posting, Scheme};
use super::number::PostingNumber;
use super::status::Status;

/// Moscow time, UTC+3 all year: Ozon's clock and the default seller and customer time zone.
pub fn moscow() -> FixedOffset {
    // 3 h is inside the ±24 h range, so this never falls back; UTC is only the formal alternative.
    FixedOffset::east_opt(3 * 3600).unwrap_or(Utc.fix())
}

/// How urgent packing a posting is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// The pack-by time has passed.
    Late,
    /// Due within the warning window.
    DueSoon,
    /// Due later today.
    Today,
    /// Due on a later day.
    Later,
    /// No `shipment_date`.
    Unknown,
}

impl fmt::Display for Urgency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Urgency::Late => "LATE",
            Urgency::DueSoon => "due soon",
            Urgency::Today => "today",
            Urgency::Later => "later",
            Urgency::Unknown => "no date",
        })
    }
}

/// One posting to pack, with its deadline judged at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    /// The posting number.
    pub posting_number: PostingNumber,
    /// The status (API spelling).
    pub status: String,
    /// The pack-by time (RFC 3339, UTC), `null` when unknown.
    pub shipment_date: Option<String>,
    /// How urgent it is.
    pub urgency: Urgency,
    /// Minutes until the deadline; negative when late; `null` when unknown.
    pub minutes_left: Option<i64>,
    /// Units to pack.
    pub items: u64,
    /// The warehouse.
    pub warehouse: Option<String>,
    /// Why it cannot be packed yet, when it cannot (the passport gate), else `null`.
    pub blocked: Option<String>,
}

/// Whether a posting still has to be packed: the statuses before packing, the one list the due
/// list, the label reasons and the lifecycle rules (removing units, cancel reasons) all share.
pub fn to_be_packed(status: &Status) -> bool {
    matches!(
        status,
        Status::AwaitingPackaging
            | Status::AwaitingApprove
            | Status::AwaitingRegistration
            | Status::AwaitingVerification
    )
}

/// Classifies a deadline at `now` with a warning window `warn`, calendar days taken in `tz`.
pub fn urgency(
    deadline: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    warn: Duration,
    tz: FixedOffset,
) -> Urgency {
    let Some(deadline) = deadline else {
        return Urgency::Unknown;
    };
    if now >= deadline {
        Urgency::Late
    } else if deadline - now <= warn {
        Urgency::DueSoon
    } else if deadline.with_timezone(&tz).date_naive() == now.with_timezone(&tz).date_naive() {
        Urgency::Today
    } else {
        Urgency::Later
    }
}

/// The postings still to be packed, most urgent first (then by deadline, then posting number).
pub fn due_list(
    postings: &[Posting],
    now: DateTime<Utc>,
    warn: Duration,
    tz: FixedOffset,
) -> Vec<Due> {
    let mut list: Vec<(Option<DateTime<Utc>>, Due)> = postings
        .iter()
        // A posting whose passport deadline has passed is cancelled, not waiting to be packed.
        // FBO postings are Ozon's to pack.
        .filter(|p| p.scheme == Scheme::Fbs && to_be_packed(&p.status) && !p.passport_lapsed(now))
        .map(|p| {
            let deadline = p.shipment_date;
            (
                deadline,
                Due {
                    posting_number: p.posting_number.clone(),
                    status: p.status.to_string(),
                    shipment_date: deadline.map(|d| rfc3339(&d)),
                    urgency: urgency(deadline, now, warn, tz),
                    minutes_left: deadline.map(|d| (d - now).num_minutes()),
                    items: p.unit_count(),
                    warehouse: p.delivery_method.warehouse.clone(),
                    blocked: p.awaiting_passport().then(|| match p.passport_deadline() {
                        Some(d) => format!("awaiting passport data until {}", rfc3339(&d)),
                        None => "awaiting passport data".to_owned(),
                    }),
                },
            )
        })
        .collect();
    // The deadline is compared as a time, not as its RFC 3339 text. No `is_none` key is needed:
    // only `Unknown` has no deadline, and urgency already sorts it last.
    list.sort_by(|(da, a), (db, b)| {
        (a.urgency, da, &a.posting_number).cmp(&(b.urgency, db, &b.posting_number))
    });
    list.into_iter().map(|(_, d)| d).collect()
}

/// Parses a duration like `2h`, `90m`, `1h30m`, `45s`, `1d`: whole numbers with a unit each.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration; write e.g. 2h, 90m or 1h30m".into());
    }
    let mut total = Duration::zero();
    let mut digits = String::new();
    for (i, c) in text.char_indices() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if digits.is_empty() {
            return Err(format!(
                "{text:?}: a number must come before {c:?} at position {}",
                i + 1
            ));
        }
        // Only ASCII digits were collected, so the one way to fail is a number beyond 64 bits.
        let n: i64 = digits.parse().map_err(|_| format!("{text:?}: too long"))?;
        digits.clear();
        let part = match c {
            'd' => Duration::try_days(n),
            'h' => Duration::try_hours(n),
            'm' => Duration::try_minutes(n),
            's' => Duration::try_seconds(n),
            other => {
                return Err(format!(
                    "{text:?}: unknown unit {other:?} at position {}; use d, h, m or s",
                    i + 1
                ))
            }
        };
        total = part
            .and_then(|p| total.checked_add(&p))
            .ok_or_else(|| format!("{text:?}: too long"))?;
    }
    if !digits.is_empty() {
        return Err(format!(
            "{text:?}: the last number has no unit (d, h, m or s)"
        ));
    }
    Ok(total)
}

/// Parses a UTC offset like `+05:00`, `-03:30`, `+7`, `UTC+3` or `MSK`.
pub fn parse_offset(text: &str) -> Result<FixedOffset, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("msk") {
        return Ok(moscow());
    }
    let t = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("utc"))
        .unwrap_or(t);
    if t.is_empty() || t == "Z" {
        return Ok(Utc.fix());
    }
    let bad = || format!("{text:?} is not a UTC offset like +05:00, -03:30, +7 or MSK");
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn posting(n: &str, status: Status, date: Option<&str>) -> Posting {
        let mut p = Posting::new(n.parse().unwrap(), status);
        p.shipment_date = date.map(t);
        p
    }

    #[test]
    fn deadline_boundaries() {
        let now = t("2026-11-23T10:00:00Z"); // 13:00 in Moscow
        let warn = Duration::hours(2);
        let msk = moscow();
        assert_eq!(urgency(Some(now), now, warn, msk), Urgency::Late);
        assert_eq!(
            urgency(Some(now + Duration::seconds(1)), now, warn, msk),
            Urgency::DueSoon
        );
        assert_eq!(urgency(Some(now + warn), now, warn, msk), Urgency::DueSoon);
        assert_eq!(
            urgency(Some(now + warn + Duration::seconds(1)), now, warn, msk),
            Urgency::Today
        );
        // 20:59:59Z is 23:59:59 in Moscow: today; 21:00Z is tomorrow in Moscow (but still today in UTC).
        assert_eq!(
            urgency(Some(t("2026-11-23T20:59:59Z")), now, warn, msk),
            Urgency::Today
        );
        assert_eq!(
            urgency(Some(t("2026-11-23T21:00:00Z")), now, warn, msk),
            Urgency::Later
        );
        let utc = parse_offset("+00:00").unwrap();
        assert_eq!(
            urgency(Some(t("2026-11-23T21:00:00Z")), now, warn, utc),
            Urgency::Today
        );
        assert_eq!(urgency(None, now, warn, msk), Urgency::Unknown);
    }

    #[test]
    fn list_keeps_only_unpacked_postings_most_urgent_first() {
        let postings = vec![
            posting(
                "A-1-1",
                Status::AwaitingPackaging,
                Some("2026-11-24T09:00:00Z"),
            ),
            posting(
                "B-1-1",
                Status::AwaitingPackaging,
                Some("2026-11-23T09:00:00Z"),
            ),
            posting(
                "C-1-1",
                Status::AwaitingDeliver,
                Some("2026-11-23T08:00:00Z"),
            ),
            posting(
                "D-1-1",
                Status::AwaitingPackaging,
                Some("2026-11-23T11:00:00Z"),
            ),
            posting("E-1-1", Status::AwaitingPackaging, None),
            posting(
                "F-1-1",
                Status::AwaitingPackaging,
                Some("2026-11-23T15:00:00Z"),
            ),
        ];
        let list = due_list(
            &postings,
            t("2026-11-23T10:00:00Z"),
            Duration::hours(2),
            moscow(),
        );
        let got: Vec<(&str, Urgency, Option<i64>)> = list
            .iter()
            .map(|d| (d.posting_number.as_str(), d.urgency, d.minutes_left))
            .collect();
        assert_eq!(
            got,
            [
                ("B-1-1", Urgency::Late, Some(-60)),
                ("D-1-1", Urgency::DueSoon, Some(60)),
                ("F-1-1", Urgency::Today, Some(300)),
                ("A-1-1", Urgency::Later, Some(1380)),
                ("E-1-1", Urgency::Unknown, None),
            ]
        );
    }

    #[test]
    fn passport_postings_are_blocked_until_their_deadline_then_gone() {
        let mut p = posting(
            "P-1-1",
            Status::AwaitingPackaging,
            Some("2026-11-23T15:00:00Z"),
        );
        p.substatus = Some(crate::order::Substatus::PostingAwaitingPassportData);
        p.in_process_at = Some(t("2026-11-22T12:00:00Z"));
        let list = due_list(
            &[p.clone()],
            t("2026-11-23T11:59:59Z"),
            Duration::hours(2),
            moscow(),
        );
        assert_eq!(
            list[0].blocked.as_deref(),
            Some("awaiting passport data until 2026-11-23T12:00:00Z")
        );
        assert!(due_list(
            &[p],
            t("2026-11-23T12:00:00Z"),
            Duration::hours(2),
            moscow()
        )
        .is_empty());
    }

    #[test]
    fn durations_and_offsets_parse_or_say_why() {
        assert_eq!(parse_duration("2h").unwrap(), Duration::hours(2));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::minutes(90));
        assert_eq!(parse_duration("1d").unwrap(), Duration::hours(24));
        assert!(parse_duration("2").unwrap_err().contains("no unit"));
        assert!(parse_duration("2x")
            .unwrap_err()
            .contains("unknown unit 'x'"));
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("99999999999999999d").is_err());
        // A number beyond 64 bits is too long, not a missing number.
        let e = parse_duration("99999999999999999999h").unwrap_err();
        assert!(e.contains("too long"), "{e}");
        assert!(parse_duration("h")
            .unwrap_err()
            .contains("a number must come before 'h'"));
        assert_eq!(parse_offset("+05:00").unwrap().local_minus_utc(), 5 * 3600);
        assert_eq!(parse_offset("UTC+7").unwrap().local_minus_utc(), 7 * 3600);
        assert_eq!(
            parse_offset("-03:30").unwrap().local_minus_utc(),
            -(3 * 3600 + 1800)
        );
        assert_eq!(parse_offset("MSK").unwrap().local_minus_utc(), 3 * 3600);
        assert!(parse_offset("+15").is_err());
        assert!(parse_offset("Europe/Moscow").is_err());
    }
}
