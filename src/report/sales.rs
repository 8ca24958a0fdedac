//! The sales summary: delivered postings and their cost (price × quantity) per day and in total,
//! in exact decimals, with the cancelled and disputed postings counted beside.
//!
//! A posting's day is its delivery date (`fact_delivery_date` / `delivered_at`), else the date it
//! was handed to delivery (`delivering_date`), else the order date (`in_process_at`), taken in Moscow
//! time (Ozon's calendar). Postings without any date are counted only when no range is given.
//! Amounts are summed per currency: a day with roubles and tenge shows both, never a mixed sum.
//!
//! FBO postings (Ozon ships them from its own warehouse, see [`Scheme`]) are kept apart: they are not
//! in the days or the totals, which are the seller's own (FBS) shipments, and are summed on their own
//! in [`SalesReport::fbo`] over the same range.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::order::moscow;
use crate::order::{Money, OrderError, Posting, Scheme, Status};

/// A sum in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// The currency code.
    pub currency: String,
    /// The exact amount as a decimal string (`"12345.67"`).
    pub amount: String,
}

/// One day of sales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    /// The day (`YYYY-MM-DD`, Moscow time); `null` for postings without a date.
    pub date: Option<NaiveDate>,
    /// Delivered postings.
    pub delivered: u64,
    /// Units in them.
    pub items: u64,
    /// Their cost per currency.
    pub revenue: Vec<Amount>,
    /// Cancelled postings on that day.
    pub cancelled: u64,
    /// Disputed postings (seller or customer arbitration) on that day.
    pub disputed: u64,
}

/// The whole summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SalesReport {
    /// First day included, when limited.
    pub from: Option<NaiveDate>,
    /// Last day included, when limited.
    pub to: Option<NaiveDate>,
    /// Days with any delivered, cancelled or disputed posting, in order (undated last).
    pub days: Vec<Day>,
    /// Delivered postings in total.
    pub delivered: u64,
    /// Units delivered in total.
    pub items: u64,
    /// Total cost per currency.
    pub revenue: Vec<Amount>,
    /// Cancelled postings in total.
    pub cancelled: u64,
    /// Disputed postings in total.
    pub disputed: u64,
    /// FBO postings over the same range, apart from everything above.
    pub fbo: SchemeTotal,
}

/// The totals of postings kept apart from the seller's own (FBO postings).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SchemeTotal {
    /// Delivered postings.
    pub delivered: u64,
    /// Units in them.
    pub items: u64,
    /// Their cost per currency.
    pub revenue: Vec<Amount>,
    /// Cancelled postings.
    pub cancelled: u64,
    /// Disputed postings.
    pub disputed: u64,
}

impl SchemeTotal {
    /// Whether no posting counted here.
    pub fn is_empty(&self) -> bool {
        self.delivered == 0 && self.cancelled == 0 && self.disputed == 0
    }
}

#[derive(Default)]
struct Tally {
    delivered: u64,
    items: u64,
    revenue: super::CurrencySums,
    cancelled: u64,
    disputed: u64,
}

impl Tally {
    fn add(
        &mut self,
        kind: Kind,
        posting: &Posting,
        cost: Option<&Money>,
    ) -> Result<(), OrderError> {
        match kind {
            Kind::Delivered => {
                self.delivered += 1;
                self.items += posting.unit_count();
                if let Some(cost) = cost {
                    self.revenue.add(cost, &posting.posting_number)?;
                }
            }
            Kind::Cancelled => self.cancelled += 1,
            Kind::Disputed => self.disputed += 1,
        }
        Ok(())
    }

    fn amounts(&self) -> Vec<Amount> {
        self.revenue
            .to_money()
            .into_iter()
            .map(|money| Amount {
                amount: money.amount_string(),
                currency: money.currency,
            })
            .collect()
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Delivered,
    Cancelled,
    Disputed,
}

fn kind(posting: &Posting) -> Option<Kind> {
    match posting.status {
        Status::Delivered => Some(Kind::Delivered),
        Status::Cancelled | Status::CancelledFromSplitPending => Some(Kind::Cancelled),
        Status::Arbitration | Status::ClientArbitration => Some(Kind::Disputed),
        _ => None,
    }
}

/// The date a posting counts on (see the module docs).
pub fn report_date(posting: &Posting) -> Option<NaiveDate> {
    let t: Option<DateTime<Utc>> = posting
        .delivered_at
        .or(posting.delivering_date)
        .or(posting.in_process_at);
    t.map(|t| t.with_timezone(&moscow()).date_naive())
}

/// Builds the summary over `postings`, limited to `from..=to` when given. A delivered posting whose
/// cost cannot be computed (no products, mixed currencies) is an error naming it: a report that
/// silently leaves out a sale would be wrong.
pub fn sales_report(
    postings: &[Posting],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<SalesReport, OrderError> {
    let limited = from.is_some() || to.is_some();
    let mut days: BTreeMap<(bool, Option<NaiveDate>), Tally> = BTreeMap::new();
    let mut total = Tally::default();
    let mut fbo = Tally::default();
    for posting in postings {
        let Some(kind) = kind(posting) else { continue };
        let date = report_date(posting);
        let in_range = match date {
            Some(d) => from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t),
            None => !limited,
        };
        if !in_range {
            continue;
        }
        let cost = match kind {
            Kind::Delivered => Some(posting.cost()?),
            _ => None,
        };
        if posting.scheme == Scheme::Fbo {
            fbo.add(kind, posting, cost.as_ref())?;
            continue;
        }
        // Undated postings sort after every dated day.
        let key = (date.is_none(), date);
        days.entry(key)
            .or_default()
            .add(kind, posting, cost.as_ref())?;
        total.add(kind, posting, cost.as_ref())?;
    }
    Ok(SalesReport {
        from,
        to,
        days: days
            .into_iter()
            .map(|((_, date), t)| Day {
                date,
                delivered: t.delivered,
                items: t.items,
                revenue: t.amounts(),
                cancelled: t.cancelled,
                disputed: t.disputed,
            })
            .collect(),
        delivered: total.delivered,
        items: total.items,
        revenue: total.amounts(),
        cancelled: total.cancelled,
        disputed: total.disputed,
        fbo: SchemeTotal {
            delivered: fbo.delivered,
            items: fbo.items,
            revenue: fbo.amounts(),
            cancelled: fbo.cancelled,
            disputed: fbo.disputed,
        },
    })
}

impl SalesReport {
    /// CSV: one row per day and currency (a day without sales has one row with an empty currency),
    /// then `total` rows, then `fbo` rows when any FBO posting counted. Columns:
    /// `date,currency,revenue,delivered,items,cancelled,disputed`.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("date,currency,revenue,delivered,items,cancelled,disputed\n");
        let mut rows = |label: &str, revenue: &[Amount], delivered, items, cancelled, disputed| {
            if revenue.is_empty() {
                out.push_str(&format!(
                    "{label},,0,{delivered},{items},{cancelled},{disputed}\n"
                ));
            }
            for a in revenue {
                out.push_str(&format!(
                    "{label},{},{},{delivered},{items},{cancelled},{disputed}\n",
                    a.currency, a.amount
                ));
            }
        };
        for d in &self.days {
            let label = d
                .date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "undated".into());
            rows(
                &label,
                &d.revenue,
                d.delivered,
                d.items,
                d.cancelled,
                d.disputed,
            );
        }
        rows(
            "total",
            &self.revenue,
            self.delivered,
            self.items,
            self.cancelled,
            self.disputed,
        );
        if !self.fbo.is_empty() {
            rows(
                "fbo",
                &self.fbo.revenue,
                self.fbo.delivered,
                self.fbo.items,
                self.fbo.cancelled,
                self.fbo.disputed,
            );
        }
        out
    }
}

#[cfg(test)]
mod tests;
