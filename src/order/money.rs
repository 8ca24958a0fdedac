//! Exact money: a decimal amount with its currency code. Never `f64`: `0.1 + 0.2` must be `0.3`.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An amount of money in one currency (ISO 4217 code as the API gives it: `RUB`, `BYN`, `KZT`, `CNY`, …).
///
/// Serialised as `{"amount": "1390.50", "currency": "RUB"}`, the amount as a string so that no JSON
/// reader turns it into a float.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The exact amount, with the scale it was given in.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// The currency code, upper case.
    pub currency: String,
}

/// Why an amount could not be read or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The text is not a decimal number.
    #[error("{0:?} is not a decimal amount")]
    NotADecimal(String),
    /// The amount is below zero; prices never are.
    #[error("amount {0} is negative")]
    Negative(Decimal),
    /// The currency code is empty or not three ASCII letters.
    #[error("{0:?} is not a currency code (three letters, like RUB)")]
    BadCurrency(String),
    /// The result does not fit in 28 significant digits.
    #[error("amount overflows")]
    Overflow,
    /// Two amounts in different currencies were to be added.
    #[error("cannot add {0} to {1}: different currencies")]
    MixedCurrencies(String, String),
}

impl Money {
    /// Builds a non-negative amount with a checked currency code.
    pub fn new(amount: Decimal, currency: &str) -> Result<Self, MoneyError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative(amount));
        }
        Ok(Money {
            amount,
            currency: parse_currency(currency)?,
        })
    }

    /// Parses a decimal amount (`"1390.000000"`, `"1259"`, `"1.5e3"`) and a currency code.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, MoneyError> {
        Money::new(parse_decimal(amount)?, currency)
    }

    /// Zero in `currency`.
    pub fn zero(currency: &str) -> Result<Self, MoneyError> {
        Money::new(Decimal::ZERO, currency)
    }

    /// This amount times a whole quantity, exactly.
    pub fn times(&self, quantity: u32) -> Result<Money, MoneyError> {
        let amount = self
            .amount
            .checked_mul(Decimal::from(quantity))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money {
            amount,
            currency: self.currency.clone(),
        })
    }

    /// The sum of two amounts in the same currency.
    pub fn plus(&self, other: &Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::MixedCurrencies(
                other.currency.clone(),
                self.currency.clone(),
            ));
        }
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money {
            amount,
            currency: self.currency.clone(),
        })
    }

    /// The amount as a plain decimal string for people and scripts: trailing zeros dropped, but at
    /// least two decimals (`2780.00`, `10.50`, `0.123456789`). No rounding ever happens.
    pub fn amount_string(&self) -> String {
        let mut amount = self.amount.normalize();
        if amount.scale() < 2 {
            amount.rescale(2);
        }
        amount.to_string()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_string(), self.currency)
    }
}

/// Parses a decimal written as the API writes prices. Plain notation first, scientific as a fallback.
/// A value that needs more than 28 significant digits is refused rather than rounded.
pub fn parse_decimal(text: &str) -> Result<Decimal, MoneyError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(MoneyError::NotADecimal(text.to_owned()));
    }
    Decimal::from_str_exact(trimmed)
        .or_else(|_| Decimal::from_scientific(trimmed))
        .map_err(|_| MoneyError::NotADecimal(text.to_owned()))
}

/// Checks and upper-cases a currency code.
pub fn parse_currency(code: &str) -> Result<String, MoneyError> {
    let code = code.trim();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(code.to_ascii_uppercase())
    } else {
        Err(MoneyError::BadCurrency(code.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_exact() {
        let a = Money::parse("0.1", "RUB").unwrap();
        let b = Money::parse("0.2", "rub").unwrap();
        assert_eq!(a.plus(&b).unwrap(), Money::parse("0.3", "RUB").unwrap());
        let p = Money::parse("1390.000000", "RUB").unwrap();
        assert_eq!(p.times(3).unwrap().amount_string(), "4170.00");
        let tiny = Money::parse("0.000000001", "EUR").unwrap();
        assert_eq!(tiny.times(7).unwrap().amount_string(), "0.000000007");
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(
            Money::parse("abc", "RUB"),
            Err(MoneyError::NotADecimal(_))
        ));
        assert!(matches!(
            Money::parse("0.00000000000000000000000000001", "RUB"),
            Err(MoneyError::NotADecimal(_))
        ));
        assert_eq!(
            Money::parse("1.5e3", "RUB").unwrap().amount_string(),
            "1500.00"
        );
        assert!(matches!(
            Money::parse("", "RUB"),
            Err(MoneyError::NotADecimal(_))
        ));
        assert!(matches!(
            Money::parse("-1", "RUB"),
            Err(MoneyError::Negative(_))
        ));
        assert!(matches!(
            Money::parse("1", "RU"),
            Err(MoneyError::BadCurrency(_))
        ));
        let rub = Money::parse("1", "RUB").unwrap();
        let byn = Money::parse("1", "BYN").unwrap();
        assert!(matches!(
            rub.plus(&byn),
            Err(MoneyError::MixedCurrencies(_, _))
        ));
        let huge = Money::new(Decimal::MAX, "RUB").unwrap();
        assert_eq!(huge.times(2), Err(MoneyError::Overflow));
        assert_eq!(huge.plus(&huge), Err(MoneyError::Overflow));
    }

    #[test]
    fn serialises_amount_as_string() {
        let m = Money::parse("279.9900", "RUB").unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"279.9900","currency":"RUB"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
    }
}
