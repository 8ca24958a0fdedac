//! Documents a seller needs around the labels: the sales summary and the handover sheet.

mod handover;
mod sales;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::order::{Money, MoneyError, OrderError};

pub use handover::{HandoverError, HandoverRow, HandoverSheet, PageLayout, Skipped};
pub use sales::{report_date, sales_report, Amount, Day, SalesReport};

/// Exact sums of money, one per currency (roubles and tenge are never added together), in currency
/// order: the totals of both reports.
#[derive(Debug, Default)]
struct CurrencySums(BTreeMap<String, Decimal>);

impl CurrencySums {
    /// Adds `money`; an overflow is an error naming the posting the amount came from.
    fn add(&mut self, money: &Money, posting: &str) -> Result<(), OrderError> {
        let sum = self.0.entry(money.currency.clone()).or_default();
        *sum = sum
            .checked_add(money.amount)
            .ok_or_else(|| OrderError::Cost {
                posting: posting.to_owned(),
                source: MoneyError::Overflow,
            })?;
        Ok(())
    }

    /// The sums, in currency order.
    fn to_money(&self) -> Vec<Money> {
        self.0
            .iter()
            .map(|(currency, &amount)| Money {
                amount,
                currency: currency.clone(),
            })
            .collect()
    }
}
