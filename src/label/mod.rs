//! Label data: what a label shows and which labels a posting gets, below templates.
//!
//! Templates never see a posting: they bind to the fields of a [`LabelData`] by name. This module
//! makes those values from a posting ([`LabelData::from_posting`]) and holds the label rule
//! ([`labels_of`]): the one function every path asks which labels a posting gets. It knows nothing of templates, layout or output, so `template` and
//! `compose` both build on it and neither needs the other's internals.

mod data;
mod rule;

pub use data::{is_placeholder, Field, FieldKind, LabelData, ProductData, Value};
pub use rule::{labels_of, LabelRuleError, LabelUnit, NamedBitmap, PostingLabel, Repeat};
