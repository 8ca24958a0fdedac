//! Forgiving field readers for API JSON: the documented traps (numbers as strings and back, `null`
//! for absent objects, `""` for absent dates) become `None` or the intended value, and anything else is
//! a serde error that `serde_json` places at its line and column.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::value::MapAccessDeserializer;
use serde::de::{Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A JSON object and nothing else in its place. serde's derived structs also accept an array (read
/// field by field in order), which would put `"customer": [["name phone"]]` into the region field;
/// every object of a posting is read through this.
pub struct Obj<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ObjVisitor(PhantomData)).map(Obj)
    }
}

struct ObjVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
}

/// A value that nothing on a label and no gate reads: when it cannot be read it is left out and noted
/// (a warning), instead of refusing the whole file.
#[derive(Debug, Clone, PartialEq)]
pub enum Soft<T> {
    /// Read (possibly absent).
    Read(T),
    /// Could not be read: why. The value itself is not kept.
    Unreadable(String),
}

impl<T: Default> Default for Soft<T> {
    fn default() -> Self {
        Soft::Read(T::default())
    }
}

/// Reads a small value whole, then applies a strict reader to it; its failure becomes
/// [`Soft::Unreadable`]. Only for scalar fields: an object field uses [`soft_object`].
fn soften<'de, D: Deserializer<'de>, T>(
    d: D,
    read: fn(Value) -> Result<T, serde_json::Error>,
) -> Result<Soft<T>, D::Error> {
    let value = Option::<Value>::deserialize(d)?.unwrap_or(Value::Null);
    Ok(match read(value) {
        Ok(v) => Soft::Read(v),
        Err(e) => Soft::Unreadable(e.to_string()),
    })
}

/// [`opt_datetime`], soft.
pub fn soft_datetime<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Soft<Option<DateTime<Utc>>>, D::Error> {
    soften(d, opt_datetime)
}

/// [`opt_i64`], soft.
pub fn soft_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Soft<Option<i64>>, D::Error> {
    soften(d, opt_i64)
}

/// [`opt_bool`], soft.
pub fn soft_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Soft<Option<bool>>, D::Error> {
    soften(d, opt_bool)
}

/// [`opt_string`], soft.
pub fn soft_string<'de, D: Deserializer<'de>>(d: D) -> Result<Soft<Option<String>>, D::Error> {
    soften(d, opt_string)
}

/// [`string_list`], soft.
pub fn soft_string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Soft<Vec<String>>, D::Error> {
    soften(d, string_list)
}

/// An object read as `T`, `null` as absent; anything else in its place (an array, a string) is skipped
/// unread, not even kept in memory, and becomes [`Soft::Unreadable`] ("expected an object, found an
/// array"). What is inside a real object is read by `T`'s own rules.
pub fn soft_object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Soft<Option<T>>, D::Error> {
    d.deserialize_any(SoftObjectVisitor(PhantomData))
}

struct SoftObjectVisitor<T>(PhantomData<T>);

fn not_an_object<T>(found: &str) -> Result<Soft<Option<T>>, String> {
    Ok(Soft::Unreadable(format!(
        "expected an object, found {found}"
    )))
}

macro_rules! soft_scalar {
    ($($name:ident: $ty:ty => $found:expr),*) => {
        $(fn $name<E: serde::de::Error>(self, _: $ty) -> Result<Self::Value, E> {
            not_an_object($found).map_err(E::custom)
        })*
    };
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for SoftObjectVisitor<T> {
    type Value = Soft<Option<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    soft_scalar!(
        visit_bool: bool => "a boolean",
        visit_i64: i64 => "a number",
        visit_u64: u64 => "a number",
        visit_f64: f64 => "a number",
        visit_str: &str => "a string"
    );

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Soft::Read(None))
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Soft::Read(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Skipped without keeping a byte of it: it may be personal data in the wrong shape.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        not_an_object("an array").map_err(A::Error::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|t| Soft::Read(Some(t)))
    }
}

/// `null` and an absent value are `None`; a present one is read by the same visitor.
macro_rules! null_is_none {
    ($de:lifetime) => {
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<$de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    };
}

/// An array or an object where a scalar belongs: "expected `what`, found an array".
macro_rules! no_containers {
    ($de:lifetime, $what:literal) => {
        fn visit_seq<A: SeqAccess<$de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(A::Error::custom(concat!(
                "expected ",
                $what,
                ", found an array"
            )))
        }

        fn visit_map<A: MapAccess<$de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(A::Error::custom(concat!(
                "expected ",
                $what,
                ", found an object"
            )))
        }
    };
}

/// Reads any JSON value, `null` or absent as `None`.
fn any<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.filter(|v| !v.is_null()))
}

/// An integer that may arrive as a number or a string of digits; `""` counts as absent.
///
/// This and [`opt_string`] read the value straight from the parser, without a [`Value`] in between:
/// they are most of a posting's fields, ten thousand postings a batch. Their errors are those of
/// [`value_to_i64`] and [`kind`].
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(I64Visitor)
}

struct I64Visitor;

impl<'de> Visitor<'de> for I64Visitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number")
    }

    null_is_none!('de);

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom(format!("{v} is not a whole number within 64 bits")))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        value_to_i64(&Value::from(v)).map_err(E::custom)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let trimmed = v.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        trimmed
            .parse::<i64>()
            .map(Some)
            .map_err(|_| E::custom(format!("{v:?} is not a whole number within 64 bits")))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(E::custom("expected a number, found a boolean"))
    }

    no_containers!('de, "a number");
}

/// A count (quantity, boxes) as [`opt_i64`], but never negative and within `u32`.
pub fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match opt_i64(d)? {
        None => Ok(None),
        Some(n) => u32::try_from(n)
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{n} is not a count between 0 and 4294967295"))),
    }
}

/// A string; numbers are accepted and written out (tracking numbers sometimes come as numbers).
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(StringVisitor)
}

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    null_is_none!('de);

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(number_text(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(number_text(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(number_text(v)))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    no_containers!('de, "a string");
}

/// A number where text was expected, written as serde_json writes it (`1.0` stays `1.0`).
fn number_text(v: impl Into<Value>) -> String {
    v.into().to_string()
}

/// A boolean; `null` is absent, `"true"`/`"false"` are accepted.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(BoolVisitor)
}

struct BoolVisitor;

impl BoolVisitor {
    fn not_a_bool<T, E: serde::de::Error>(found: &str) -> Result<T, E> {
        Err(E::custom(format!("expected true or false, found {found}")))
    }
}

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("true or false")
    }

    null_is_none!('de);

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.eq_ignore_ascii_case("true") {
            Ok(Some(true))
        } else if v.eq_ignore_ascii_case("false") {
            Ok(Some(false))
        } else {
            Self::not_a_bool("a string")
        }
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Self::not_a_bool("a number")
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Self::not_a_bool("a number")
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Self::not_a_bool("a number")
    }

    no_containers!('de, "true or false");
}

/// An RFC 3339 timestamp with any number of fractional digits (the API writes up to nine);
/// `null` and `""` are absent. Read as [`opt_string`] reads text, parsed without a copy.
pub fn opt_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    d.deserialize_any(DateTimeVisitor)
}

struct DateTimeVisitor;

impl DateTimeVisitor {
    fn parse<E: serde::de::Error>(text: &str) -> Result<Option<DateTime<Utc>>, E> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        parse_datetime(text).map(Some).map_err(E::custom)
    }
}

impl<'de> Visitor<'de> for DateTimeVisitor {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date and time")
    }

    null_is_none!('de);

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::parse(v)
    }

    // Anything else as opt_string writes it, then refused by the parser with that text.
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::parse(&number_text(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::parse(&number_text(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Self::parse(&number_text(v))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Self::parse(&v.to_string())
    }

    no_containers!('de, "a string");
}

/// A list of ids that the spec calls strings and the official examples write as numbers.
pub fn id_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    match any(d)? {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| value_to_i64(v).and_then(|id| id.ok_or_else(|| "empty id in list".to_owned())))
            .collect::<Result<_, _>>()
            .map_err(D::Error::custom),
        Some(other) => Err(D::Error::custom(format!(
            "expected a list of ids, found {}",
            kind(&other)
        ))),
    }
}

/// A list of strings; `null` entries and empty strings are dropped, numbers written out.
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    match any(d)? {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    Value::String(s) => out.push(s),
                    Value::Number(n) => out.push(n.to_string()),
                    other => {
                        return Err(D::Error::custom(format!(
                            "expected a list of strings, found {} in it",
                            kind(&other)
                        )))
                    }
                }
            }
            Ok(out)
        }
        Some(other) => Err(D::Error::custom(format!(
            "expected a list of strings, found {}",
            kind(&other)
        ))),
    }
}

/// A price as the API writes it: `"1390.000000"` (v3), a bare number, or a money object
/// `{"amount": "300", "currency": "RUB"}` (v4). Returns the amount text and the currency if given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPrice {
    /// The amount as text, exactly as given (numbers are written out).
    pub amount: Option<String>,
    /// The currency from a money object.
    pub currency: Option<String>,
}

/// Reads a [`RawPrice`].
pub fn opt_price<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RawPrice>, D::Error> {
    match any(d)? {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(RawPrice {
            amount: Some(s),
            currency: None,
        })),
        Some(Value::Number(n)) => Ok(Some(RawPrice {
            amount: Some(n.to_string()),
            currency: None,
        })),
        Some(Value::Object(map)) => {
            let amount = match map.get("amount").or_else(|| map.get("value")) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(other) => {
                    return Err(D::Error::custom(format!(
                        "price amount must be a string or number, found {}",
                        kind(other)
                    )))
                }
            };
            let currency = match map.get("currency").or_else(|| map.get("currency_code")) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => {
                    return Err(D::Error::custom(format!(
                        "price currency must be a string, found {}",
                        kind(other)
                    )))
                }
            };
            Ok(Some(RawPrice { amount, currency }))
        }
        Some(other) => Err(D::Error::custom(format!(
            "expected a price (string, number or money object), found {}",
            kind(&other)
        ))),
    }
}

/// Parses an RFC 3339 timestamp into UTC.
pub fn parse_datetime(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{text:?} is not an RFC 3339 date and time ({e})"))
}

fn value_to_i64(v: &Value) -> Result<Option<i64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("{n} is not a whole number within 64 bits")),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("{s:?} is not a whole number within 64 bits")),
        other => Err(format!("expected a number, found {}", kind(other))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
