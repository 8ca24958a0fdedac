//! What a product line, a shipment and a posting cost: price × quantity, summed in one currency,
//! with exact decimal arithmetic.

use super::error::OrderError;
use super::model::{Posting, Product, Shipment};
use super::money::{Money, MoneyError};

impl Product {
    /// Price × quantity.
    pub fn cost(&self) -> Result<Money, MoneyError> {
        self.price.times(self.quantity)
    }
}

/// The sum over product lines; `None` for no lines. Lines in different currencies are an error.
fn total(products: &[Product]) -> Result<Option<Money>, MoneyError> {
    let mut sum: Option<Money> = None;
    for product in products {
        let line = product.cost()?;
        sum = Some(match sum {
            None => line,
            Some(s) => s.plus(&line)?,
        });
    }
    Ok(sum)
}

impl Shipment {
    /// The sum of its product lines; `None` for an empty shipment.
    pub fn cost(&self) -> Result<Option<Money>, MoneyError> {
        total(&self.products)
    }
}

impl Posting {
    /// The sum of its product lines in the posting's currency.
    pub fn cost(&self) -> Result<Money, OrderError> {
        match total(&self.products) {
            Ok(Some(sum)) => Ok(sum),
            Ok(None) => Err(OrderError::NoProducts {
                posting: self.posting_number.to_string(),
            }),
            Err(source) => Err(OrderError::Cost {
                posting: self.posting_number.to_string(),
                source,
            }),
        }
    }

    /// The currency of its products, when they agree.
    pub fn currency(&self) -> Option<&str> {
        let first = self.products.first()?.price.currency.as_str();
        self.products
            .iter()
            .all(|p| p.price.currency == first)
            .then_some(first)
    }
}
