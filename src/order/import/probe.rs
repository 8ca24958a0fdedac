//! The shape of a JSON document without building its whole tree.
//!
//! Shape detection only needs the top-level keys, the keys of `result`, and whether each array element
//! has `posting_number` or `shipment_id`. Parsing a 16 MB posting list into a `serde_json::Value` first
//! took as much memory as everything else in a 10,000-label render together; this skeleton keeps just
//! those keys (values as `null`) and validates the rest of the JSON without storing it.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Parses `text` into the skeleton the shape detection reads.
pub(super) fn skeleton(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<Top>(text).map(|t| t.0)
}

/// Whether `text` starts like a v3 posting list, `{"result": {"postings": …` (any white space
/// between the tokens): then its shape is known without the skeleton, whatever follows (`postings` in
/// `result` decides it). The skeleton is a second full parse of the document, 5 % of a 10,000-label
/// render; the typed parse that follows checks the rest anyway.
pub(super) fn starts_as_v3_list(text: &str) -> bool {
    let mut rest = text.as_bytes();
    for token in [&b"{"[..], b"\"result\"", b":", b"{", b"\"postings\"", b":"] {
        let start = rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
        match rest[start..].strip_prefix(token) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    true
}

/// Which keys of an object are kept, and how the value under each is read.
#[derive(Clone, Copy)]
enum Level {
    /// The document itself: every key kept, `result` read one level deeper.
    Top,
    /// `result`: its keys kept (an array is kept as an empty array).
    Result,
    /// An element of a top-level array: only the two keys that name its kind.
    Element,
}

struct Top(Value);
struct ResultLevel(Value);
struct ElementLevel(Value);

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Skeleton(Level::Top)).map(Top)
    }
}

impl<'de> Deserialize<'de> for ResultLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Skeleton(Level::Result)).map(ResultLevel)
    }
}

impl<'de> Deserialize<'de> for ElementLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Skeleton(Level::Element))
            .map(ElementLevel)
    }
}

struct Skeleton(Level);

macro_rules! scalar_is_null {
    ($($name:ident: $ty:ty),*) => {
        $(fn $name<E>(self, _: $ty) -> Result<Value, E> { Ok(Value::Null) })*
    };
}

impl<'de> Visitor<'de> for Skeleton {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    scalar_is_null!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut kept = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match self.0 {
                Level::Top if key == "result" => {
                    let ResultLevel(inner) = map.next_value()?;
                    kept.insert(key, inner);
                }
                Level::Top | Level::Result => {
                    map.next_value::<IgnoredAny>()?;
                    kept.insert(key, Value::Null);
                }
                Level::Element => {
                    map.next_value::<IgnoredAny>()?;
                    if key == "posting_number" || key == "shipment_id" {
                        kept.insert(key, Value::Null);
                    }
                }
            }
        }
        Ok(Value::Object(kept))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        match self.0 {
            Level::Top => {
                while let Some(ElementLevel(item)) = seq.next_element()? {
                    items.push(item);
                }
            }
            Level::Result | Level::Element => while seq.next_element::<IgnoredAny>()?.is_some() {},
        }
        Ok(Value::Array(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_shape_detection_reads() {
        let v = skeleton(r#"{"result": {"postings": [{"a": 1}], "has_next": false}, "x": [1]}"#)
            .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"result": {"postings": null, "has_next": null}, "x": null})
        );
        let v = skeleton(r#"[{"posting_number": "1", "products": []}, {"shipment_id": 2}, 3]"#)
            .unwrap();
        assert_eq!(
            v,
            serde_json::json!([{"posting_number": null}, {"shipment_id": null}, null])
        );
        let v = skeleton(r#"{"result": [1, 2]}"#).unwrap();
        assert_eq!(v, serde_json::json!({"result": []}));
    }

    #[test]
    fn a_v3_list_is_known_by_its_first_tokens() {
        assert!(starts_as_v3_list(r#"{"result":{"postings":[]}}"#));
        assert!(starts_as_v3_list(
            " {\n  \"result\" : {\r\n\t\"postings\": [1"
        ));
        for other in [
            "",
            "[]",
            r#"{"postings":[]}"#,
            r#"{"result":[]}"#,
            r#"{"result":{"posting_number":"1"}}"#,
            r#"{"result":{"has_next":false,"postings":[]}}"#,
            r#"{"\u0072esult":{"postings":[]}}"#,
        ] {
            assert!(!starts_as_v3_list(other), "{other}");
        }
    }

    #[test]
    fn malformed_json_is_still_an_error_with_its_position() {
        let e = skeleton("{\"result\": {\"postings\": [1,]}}").unwrap_err();
        assert_eq!(e.line(), 1);
        assert!(e.is_syntax());
    }
}
