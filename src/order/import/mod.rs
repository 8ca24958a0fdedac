//! Importers: Ozon Seller API JSON in every shape and the neutral record format (JSON or CSV) into
//! [`Posting`]s.
//!
//! The JSON shape is detected from the top level:
//!
//! | top level | shape |
//! |---|---|
//! | `{"result": {"postings": [...]}}` | `/v3/posting/fbs/list` |
//! | `{"postings": [...], "cursor": ...}` | `/v4/posting/fbs/list` (and `unfulfilled/list`) |
//! | `{"result": {"posting_number": ...}}` | `/v3/posting/fbs/get` |
//! | `{"result": [...]}` | older list envelopes |
//! | `{"posting_number": ...}` | a bare posting |
//! | `[{"posting_number": ...}, ...]` | an array of postings |
//! | `[{"shipment_id": ...}, ...]` | neutral records (see `docs/records.md`) |
//!
//! Nothing here panics on any input: every failure is an [`ImportError`] that names the file and the
//! place (line and column, posting index and number, record index and field).

mod lenient;
mod ozon;
mod probe;
mod records;

use std::path::Path;

use serde_json::Value;

use super::model::Posting;

pub use ozon::DEFAULT_CURRENCY;
pub use records::{DEFAULT_STATUS, RECORD_COLUMNS};

/// Why a file could not be imported. Every variant names the file it is about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The file could not be read.
    #[error("{file}: cannot read")]
    Io {
        /// The file.
        file: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error("{file}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The file.
        file: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The JSON is malformed, or a value has a type that cannot be read.
    #[error("{file}:{line}:{column}: {message}")]
    Json {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// The file holds nothing but white space.
    #[error("{file}: the file is empty")]
    Empty {
        /// The file.
        file: String,
    },
    /// The JSON is well-formed but none of the known shapes.
    #[error("{file}: {message}")]
    Shape {
        /// The file.
        file: String,
        /// What was found and what was expected.
        message: String,
    },
    /// A posting lacks a required field or has a value that makes no sense.
    #[error("{file}: posting #{index}{}: {field}: {message}", number_suffix(.posting_number))]
    Posting {
        /// The file.
        file: String,
        /// 0-based index of the posting in the file.
        index: usize,
        /// The posting number, when the posting has one.
        posting_number: Option<String>,
        /// The field, as a path (`products[1].price`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A neutral record lacks a required field or has a bad value.
    #[error("{file}: record #{index}{}: {field}: {message}", line_suffix(*.line))]
    Record {
        /// The file.
        file: String,
        /// 0-based index of the record (data row for CSV).
        index: usize,
        /// 1-based line in a CSV file.
        line: Option<u64>,
        /// The field (column) name.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The CSV itself is malformed (unbalanced quotes, wrong number of fields, missing header).
    #[error("{file}:{line}: {message}")]
    Csv {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

fn number_suffix(number: &Option<String>) -> String {
    number
        .as_ref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default()
}

fn line_suffix(line: Option<u64>) -> String {
    line.map(|l| format!(" (line {l})")).unwrap_or_default()
}

/// Reads and imports one file. JSON or CSV is decided by the extension (`.json`, `.csv`), otherwise
/// by the content: text starting with `{` or `[` is JSON, anything else CSV.
pub fn load_file(path: &Path) -> Result<Vec<Posting>, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| ImportError::NotUtf8 {
        file: name.clone(),
        offset: e.valid_up_to(),
    })?;
    if strip_bom(text).trim().is_empty() {
        return Err(ImportError::Empty { file: name });
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("json") => parse_json(&name, text),
        Some("csv") => parse_csv(&name, text),
        _ => parse_auto(&name, text),
    }
}

/// Imports text whose format is unknown: JSON when it starts with `{` or `[`, CSV otherwise.
pub fn parse_auto(name: &str, text: &str) -> Result<Vec<Posting>, ImportError> {
    let body = strip_bom(text).trim_start();
    if body.starts_with('{') || body.starts_with('[') {
        parse_json(name, text)
    } else {
        parse_csv(name, text)
    }
}

/// Imports JSON in any supported shape (see the module docs). `name` is used in error messages.
pub fn parse_json(name: &str, text: &str) -> Result<Vec<Posting>, ImportError> {
    let text = strip_bom(text);
    let skeleton = probe::skeleton(text).map_err(|e| json_error(name, &e))?;
    match detect(&skeleton) {
        Shape::V3List => {
            let list: ozon::V3List = typed(name, text)?;
            convert(name, list.result.postings.unwrap_or_default())
        }
        Shape::V4List => {
            let list: ozon::V4List = typed(name, text)?;
            convert(name, list.postings.unwrap_or_default())
        }
        Shape::V3Get => {
            let get: ozon::V3Get = typed(name, text)?;
            convert(name, vec![get.result])
        }
        Shape::ResultArray => {
            let list: ozon::ResultArray = typed(name, text)?;
            convert(name, list.result)
        }
        Shape::Bare => {
            let posting: ozon::RawPosting = typed(name, text)?;
            convert(name, vec![posting])
        }
        Shape::Array => {
            let list: Vec<ozon::RawPosting> = typed(name, text)?;
            convert(name, list)
        }
        Shape::Records => {
            let value: Value = serde_json::from_str(text).map_err(|e| json_error(name, &e))?;
            records::from_json(name, value)
        }
        Shape::Unknown(message) => Err(ImportError::Shape {
            file: name.to_owned(),
            message,
        }),
    }
}

/// Imports neutral records in CSV with a header row (see `docs/records.md`).
pub fn parse_csv(name: &str, text: &str) -> Result<Vec<Posting>, ImportError> {
    records::from_csv(name, strip_bom(text))
}

enum Shape {
    V3List,
    V4List,
    V3Get,
    ResultArray,
    Bare,
    Array,
    Records,
    Unknown(String),
}

fn detect(value: &Value) -> Shape {
    match value {
        Value::Object(map) => {
            if let Some(result) = map.get("result") {
                return match result {
                    Value::Object(inner) if inner.contains_key("postings") => Shape::V3List,
                    Value::Object(inner) if inner.contains_key("posting_number") => Shape::V3Get,
                    Value::Array(_) => Shape::ResultArray,
                    _ => Shape::Unknown(
                        "\"result\" holds neither \"postings\" (v3 list) nor a posting (v3 get)"
                            .into(),
                    ),
                };
            }
            if map.contains_key("postings") {
                Shape::V4List
            } else if map.contains_key("posting_number") {
                Shape::Bare
            } else {
                Shape::Unknown(
                    "not an Ozon response: expected \"result\", \"postings\" or \"posting_number\" at the top level"
                        .into(),
                )
            }
        }
        Value::Array(items) => {
            let is = |key: &str| {
                items
                    .iter()
                    .all(|i| i.as_object().is_some_and(|o| o.contains_key(key)))
            };
            if items.is_empty() || is("posting_number") {
                Shape::Array
            } else if is("shipment_id") {
                Shape::Records
            } else {
                let index = items
                    .iter()
                    .position(|i| {
                        !i.as_object().is_some_and(|o| {
                            o.contains_key("posting_number") || o.contains_key("shipment_id")
                        })
                    })
                    .unwrap_or(0);
                Shape::Unknown(format!(
                    "array element #{index} is neither a posting (\"posting_number\") nor a record (\"shipment_id\"), or the array mixes both"
                ))
            }
        }
        _ => Shape::Unknown("expected a JSON object or array at the top level".into()),
    }
}

fn typed<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T, ImportError> {
    serde_json::from_str(text).map_err(|e| json_error(name, &e))
}

fn convert(name: &str, raw: Vec<ozon::RawPosting>) -> Result<Vec<Posting>, ImportError> {
    raw.into_iter()
        .enumerate()
        .map(|(i, p)| p.into_posting(name, i))
        .collect()
}

/// serde_json appends " at line L column C" to its messages; the position is reported separately.
fn json_error(name: &str, e: &serde_json::Error) -> ImportError {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(pos) => full.get(..pos).unwrap_or(&full).to_owned(),
        None => full,
    };
    let message = if e.is_syntax() || e.is_eof() {
        format!("malformed JSON: {message}")
    } else {
        message
    };
    ImportError::Json {
        file: name.to_owned(),
        line: e.line(),
        // serde_json says column 0 at the end of a line (or of the input); columns here start at 1.
        column: e.column().max(1),
        message,
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests;
