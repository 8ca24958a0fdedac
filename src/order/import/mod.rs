//! Importers: Ozon Seller API JSON in every shape and the neutral record format (JSON or CSV) into
//! [`Posting`]s.
//!
//! The JSON shape is detected from the top level:
//!
//! | top level | shape |
//! |---|---|
//! | `{"result": {"postings": [...]}}` | `/v3/posting/fbs/list` |
//! | `{"postings": [...], "cursor": ...}` | `/v4/posting/fbs/list` (and `unfulfilled/list`) |
//! | `{"result": {"posting_number": ...}}` | `/v3/posting/fbs/get`, `/v2/posting/fbo/get` |
//! | `{"result": [...]}` | `/v2/posting/fbo/list`, older FBS list envelopes |
//! | `{"posting_number": ...}` | a bare posting |
//! | `[{"posting_number": ...}, ...]` | an array of postings |
//! | `[{"shipment_id": ...}, ...]` | neutral records (see `docs/records.md`) |
//!
//! Each posting is FBS or FBO ([`Scheme`](crate::order::Scheme)), decided per posting.
//!
//! Nothing here panics on any input: every failure is an [`ImportError`] that names the file and the
//! place (line and column, the field's JSON path, posting index and number, record index and field).
//! Reads are bounded ([`MAX_INPUT_BYTES`]). A field that no label and no gate reads and that cannot be
//! read is left out with an [`ImportWarning`] instead. The same posting twice is one record
//! ([`Imported::merge`]); twice with different data in one input is refused
//! ([`ImportError::Conflict`]).
//!
//! ```
//! use shiplabel::order::read_files;
//! use shiplabel::order::Scheme;
//!
//! // A v3 list and a v3 get of one of its postings, and an FBO list.
//! let imported = read_files(&[
//!     "tests/data/ozon_v3_list.json",
//!     "tests/data/ozon_v3_get.json",
//!     "tests/data/ozon_fbo_list.json",
//! ])?;
//! assert_eq!(imported.postings.len(), 6 + 1);
//! assert_eq!(imported.merged, 1); // the get's posting is one record with the list's
//! assert!(imported.warnings.is_empty());
//! let fbo = imported.postings.iter().find(|p| p.scheme == Scheme::Fbo).unwrap();
//! assert_eq!(fbo.posting_number, "16965409-0014-1");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod lenient;
mod locate;
mod ozon;
mod probe;
mod records;
mod text;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde_json::Value;

use super::model::Posting;
use super::number::{printable, PostingNumber};
use super::rank::status_rank;
use locate::{line_column, path_text, span_of, Step};

pub use ozon::DEFAULT_CURRENCY;
pub use records::{DEFAULT_STATUS, MAX_CSV_LINE, RECORD_COLUMNS};
pub use text::MAX_INPUT_BYTES;

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
    /// The file is larger than the input limit (`/dev/zero`, an endless pipe, a wrong file).
    #[error("{file}: larger than {} MiB, the limit for one input file; not read further", limit / (1024 * 1024))]
    TooLarge {
        /// The file.
        file: String,
        /// The limit in bytes ([`MAX_INPUT_BYTES`]).
        limit: u64,
    },
    /// The file holds a NUL byte: it is binary (or UTF-16), not JSON or CSV text.
    #[error("{file}: NUL byte at offset {offset}: not a text file (binary, or UTF-16: save it as UTF-8)")]
    Binary {
        /// The file.
        file: String,
        /// Byte offset of the NUL.
        offset: usize,
    },
    /// The file is not UTF-8 text (JSON must be).
    #[error("{file}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The file.
        file: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A CSV file that is neither UTF-8 nor Windows-1251.
    #[error("{file}: neither UTF-8 nor Windows-1251 text (byte 0x98 at offset {offset} is undefined in Windows-1251)")]
    NotText {
        /// The file.
        file: String,
        /// Byte offset of the undefined byte.
        offset: usize,
    },
    /// The JSON is malformed, or a value outside any posting has a type that cannot be read.
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
    /// A field of a posting is missing, of the wrong type, or makes no sense.
    #[error("{file}{}: {path} (posting #{index}{}): {message}", position(*.line, *.column), number_suffix(.posting_number))]
    Posting {
        /// The file.
        file: String,
        /// 1-based line of the field (or of the nearest enclosing value when the field is missing);
        /// `u32` like the column: an input is at most 256 MiB.
        line: Option<u32>,
        /// 1-based column, likewise.
        column: Option<u32>,
        /// 0-based index of the posting in the file.
        index: usize,
        /// The posting number, when the posting has one.
        posting_number: Option<String>,
        /// The field as a JSON path from the top of the file (`result.postings[3].products[1].price`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The same posting twice in one input with different data: which one is right cannot be told.
    #[error("{file}: posting {posting_number} appears twice with different {field}: {first} and {second}; refusing to pick one")]
    Conflict {
        /// The file.
        file: String,
        /// The posting number.
        posting_number: String,
        /// The first differing field and its two values.
        field: String,
        /// The first place (JSON path and line).
        first: String,
        /// The second place.
        second: String,
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
        .map(|n| format!(", {}", printable(n)))
        .unwrap_or_default()
}

fn line_suffix(line: Option<u64>) -> String {
    line.map(|l| format!(" (line {l})")).unwrap_or_default()
}

fn position(line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

/// A field left unread because its value could not be read and nothing on a label or in a gate needs
/// it (see `docs/orders.md`): the import goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImportWarning {
    /// The file.
    pub file: String,
    /// 1-based line of the value.
    pub line: usize,
    /// 1-based column of the value.
    pub column: usize,
    /// The posting number.
    pub posting_number: PostingNumber,
    /// The field as a JSON path from the top of the file.
    pub path: String,
    /// Why it could not be read.
    pub message: String,
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {} (posting {}): {}; left unread (no label or rule depends on it)",
            printable(&self.file),
            self.line,
            self.column,
            self.path,
            printable(&self.posting_number),
            printable(&self.message)
        )
    }
}

/// What an import gives: the postings, one per posting number, and what the caller should be told.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// The postings, in the order they first appear.
    pub postings: Vec<Posting>,
    /// Fields left unread.
    pub warnings: Vec<ImportWarning>,
    /// Postings that appeared more than once (in several inputs, or twice alike in one) and were merged
    /// into one record.
    pub merged: usize,
}

impl Imported {
    /// Adds the postings of another input. A posting already here is merged by the store's rule
    /// ([`status_rank`]): the one whose status ranks higher is kept, and on equal ranks the later input,
    /// which is the newer export. Each merge is counted in [`Imported::merged`].
    pub fn merge(&mut self, other: Imported) {
        if self.postings.is_empty() {
            // The first input (usually the only one): its postings are already one per number, so
            // there is nothing to look up; indexing 10,000 numbers cost 6 % of a 10,000-label render.
            self.postings = other.postings;
            self.merge_warnings(other.warnings);
            self.merged += other.merged;
            return;
        }
        let mut at: HashMap<PostingNumber, usize> = self
            .postings
            .iter()
            .enumerate()
            .map(|(i, p)| (p.posting_number.clone(), i))
            .collect();
        for posting in other.postings {
            match at.get(&posting.posting_number) {
                Some(&i) => {
                    self.merged += 1;
                    if let Some(kept) = self.postings.get_mut(i) {
                        if status_rank(&posting.status) >= status_rank(&kept.status) {
                            *kept = posting;
                        }
                    }
                }
                None => {
                    at.insert(posting.posting_number.clone(), self.postings.len());
                    self.postings.push(posting);
                }
            }
        }
        self.merge_warnings(other.warnings);
        self.merged += other.merged;
    }

    /// Adds warnings not already here: the same file given twice warns once.
    fn merge_warnings(&mut self, warnings: Vec<ImportWarning>) {
        if warnings.is_empty() {
            return;
        }
        let mut known: std::collections::HashSet<ImportWarning> =
            self.warnings.iter().cloned().collect();
        for warning in warnings {
            if known.insert(warning.clone()) {
                self.warnings.push(warning);
            }
        }
    }

    /// The sentence the CLI prints on stderr about merged postings, when there were any.
    pub fn merge_note(&self) -> Option<String> {
        (self.merged > 0).then(|| {
            format!(
                "note: {} repeated posting(s) merged into one record each (the most advanced status kept)",
                self.merged
            )
        })
    }
}

/// Reads and imports every file, merging postings that appear in more than one (see
/// [`Imported::merge`]). The first file that cannot be imported ends the run with its error.
pub fn read_files<P: AsRef<Path>>(paths: &[P]) -> Result<Imported, ImportError> {
    let mut all = Imported::default();
    for path in paths {
        all.merge(read_file(path.as_ref())?);
    }
    Ok(all)
}

/// Reads and imports one file (at most [`MAX_INPUT_BYTES`]). JSON or CSV is decided by the extension
/// (`.json`, `.csv`), otherwise by the content: text starting with `{` or `[` is JSON, anything else
/// CSV. CSV may be UTF-8 or Windows-1251; JSON must be UTF-8.
pub fn read_file(path: &Path) -> Result<Imported, ImportError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    // The length sizes the buffer; the read itself is what is bounded.
    let size_hint = file.metadata().map_or(0, |m| m.len());
    let bytes = text::read_bounded(&name, file, size_hint)?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    import_bytes(&name, bytes, extension.as_deref())
}

/// Imports bytes named `name`; `extension` (`json`, `csv`) decides the format, else the content does.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    extension: Option<&str>,
) -> Result<Imported, ImportError> {
    import_bytes(name, bytes.to_vec(), extension)
}

/// [`read_bytes`] on bytes it may keep: UTF-8 becomes the text without a copy.
fn import_bytes(
    name: &str,
    bytes: Vec<u8>,
    extension: Option<&str>,
) -> Result<Imported, ImportError> {
    let looks_json = {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        matches!(first, Some(b'{' | b'['))
    };
    let json = match extension {
        Some("json") => true,
        Some("csv") => false,
        _ => looks_json,
    };
    let (text, _) = text::decode(name, bytes, !json)?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            file: name.to_owned(),
        });
    }
    if json {
        read_json(name, &text)
    } else {
        read_csv(name, &text)
    }
}

/// [`read_file`] for callers that need only the postings (warnings are dropped).
pub fn load_file(path: &Path) -> Result<Vec<Posting>, ImportError> {
    read_file(path).map(|i| i.postings)
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

/// [`read_json`] for callers that need only the postings.
pub fn parse_json(name: &str, text: &str) -> Result<Vec<Posting>, ImportError> {
    read_json(name, text).map(|i| i.postings)
}

/// Imports neutral records in CSV with a header row (see `docs/records.md`).
pub fn parse_csv(name: &str, text: &str) -> Result<Vec<Posting>, ImportError> {
    read_csv(name, text).map(|i| i.postings)
}

/// [`parse_csv`] with the [`Imported`] summary.
pub fn read_csv(name: &str, text: &str) -> Result<Imported, ImportError> {
    Ok(Imported {
        postings: records::from_csv(name, strip_bom(text))?,
        ..Imported::default()
    })
}

/// Imports JSON in any supported shape (see the module docs). `name` is used in error messages.
pub fn read_json(name: &str, text: &str) -> Result<Imported, ImportError> {
    let text = strip_bom(text);
    let shape = if probe::starts_as_v3_list(text) {
        Shape::V3List
    } else {
        let skeleton = probe::skeleton(text).map_err(|e| json_error(name, text, None, &e))?;
        detect(&skeleton)
    };
    let raw = match &shape {
        Shape::V3List => {
            let list: ozon::V3List = typed(name, text, &shape)?;
            list.result.0.postings.unwrap_or_default()
        }
        Shape::V4List => {
            let list: ozon::V4List = typed(name, text, &shape)?;
            list.postings.unwrap_or_default()
        }
        Shape::V3Get => {
            let get: ozon::V3Get = typed(name, text, &shape)?;
            vec![get.result]
        }
        Shape::ResultArray => {
            let list: ozon::ResultArray = typed(name, text, &shape)?;
            list.result
        }
        Shape::Bare => {
            let posting: ozon::ReadPosting = typed(name, text, &shape)?;
            vec![posting]
        }
        Shape::Array => typed::<Vec<ozon::ReadPosting>>(name, text, &shape)?,
        Shape::Records => {
            let value: Value =
                serde_json::from_str(text).map_err(|e| json_error(name, text, None, &e))?;
            return Ok(Imported {
                postings: records::from_json(name, value)?,
                ..Imported::default()
            });
        }
        Shape::Unknown(message) => {
            return Err(ImportError::Shape {
                file: name.to_owned(),
                message: message.clone(),
            })
        }
    };
    convert(name, text, &shape, raw)
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

fn typed<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
    shape: &Shape,
) -> Result<T, ImportError> {
    serde_json::from_str(text).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            return json_error(name, text, None, &e);
        }
        // A value of the wrong type: parse again with the path tracked, to name the field. Only on
        // this error path, so a good file is parsed once, by plain serde_json.
        let mut de = serde_json::Deserializer::from_str(text);
        let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(traced) => steps(traced.path()),
            Ok(_) => Vec::new(),
        };
        json_error(name, text, Some((shape, path)), &e)
    })
}

/// A tracked path as [`Step`]s.
fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.clone())),
            serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
            _ => None,
        })
        .collect()
}

impl Shape {
    /// The JSON path of the `index`-th posting in a document of this shape.
    fn posting_path(&self, index: usize) -> Vec<Step> {
        let key = |k: &str| Step::Key(k.to_owned());
        match self {
            Shape::V3List => vec![key("result"), key("postings"), Step::Index(index)],
            Shape::V4List => vec![key("postings"), Step::Index(index)],
            Shape::V3Get => vec![key("result")],
            Shape::ResultArray => vec![key("result"), Step::Index(index)],
            Shape::Array => vec![Step::Index(index)],
            Shape::Bare | Shape::Records | Shape::Unknown(_) => Vec::new(),
        }
    }

    /// Which posting a path lies in: its index and how many steps name the posting.
    fn posting_of(&self, path: &[Step]) -> Option<(usize, usize)> {
        let index = match self {
            Shape::V3List | Shape::V4List | Shape::ResultArray | Shape::Array => {
                let depth = self.posting_path(0).len();
                match path.get(depth - 1) {
                    Some(Step::Index(i))
                        if path.get(..depth - 1) == self.posting_path(0).get(..depth - 1) =>
                    {
                        *i
                    }
                    _ => return None,
                }
            }
            Shape::V3Get | Shape::Bare => 0,
            Shape::Records | Shape::Unknown(_) => return None,
        };
        let posting = self.posting_path(index);
        path.starts_with(&posting).then_some((index, posting.len()))
    }
}

/// The posting number written at `posting` (a path), read from the text.
fn number_at(text: &str, posting: &[Step]) -> Option<String> {
    let mut path = posting.to_vec();
    path.push(Step::Key("posting_number".into()));
    let span = span_of(text, &path)?;
    let value: Value = serde_json::from_str(text.get(span)?).ok()?;
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Line and column of the value at `path`, or of its nearest enclosing value when it is missing.
fn place(text: &str, path: &[Step]) -> Option<(usize, usize)> {
    (0..=path.len())
        .rev()
        .find_map(|n| span_of(text, path.get(..n)?))
        .map(|span| line_column(text, span.start))
}

/// A line or column as the errors hold it (an input is at most 256 MiB, so it always fits).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn convert(
    name: &str,
    text: &str,
    shape: &Shape,
    read: Vec<ozon::ReadPosting>,
) -> Result<Imported, ImportError> {
    let mut warnings = Vec::new();
    // The first posting that could not be converted; the ones after it are not looked at.
    let mut failed = None;
    // The postings take over the list's own buffer (collected in place), so that 10,000 postings are
    // not held twice while they are checked: the import's peak is the render's peak.
    let mut postings: Vec<Posting> = read
        .into_iter()
        .enumerate()
        .map_while(|(index, ozon::ReadPosting(converted))| {
            // Only an error or a note needs the posting's place in the document.
            let posting_path = || shape.posting_path(index);
            let (posting, notes) = match converted {
                Ok(converted) => converted,
                Err((number, (rel, message))) => {
                    let path = [posting_path(), rel].concat();
                    let (line, column) = place(text, &path)
                        .map(|(l, c)| (small(l), small(c)))
                        .unzip();
                    failed = Some(ImportError::Posting {
                        file: name.to_owned(),
                        line,
                        column,
                        index,
                        posting_number: number,
                        path: path_text(&path),
                        message,
                    });
                    return None;
                }
            };
            for (rel, message) in notes {
                let path = [posting_path(), rel].concat();
                let (line, column) = place(text, &path).unwrap_or((1, 1));
                warnings.push(ImportWarning {
                    file: name.to_owned(),
                    line,
                    column,
                    posting_number: posting.posting_number.clone(),
                    path: path_text(&path),
                    message,
                });
            }
            Some(posting)
        })
        .collect();
    // A posting number seen again: the same record is merged into the first, a different one is a
    // conflict. Postings before a failed one are checked first, as they come first in the file.
    let mut merged = 0;
    let mut repeated = vec![false; postings.len()];
    let mut first_seen: HashMap<&PostingNumber, usize> = HashMap::with_capacity(postings.len());
    for (index, posting) in postings.iter().enumerate() {
        let first_index = *first_seen.entry(&posting.posting_number).or_insert(index);
        if first_index == index {
            continue;
        }
        let Some(first) = postings.get(first_index) else {
            continue;
        };
        if first == posting {
            merged += 1;
            repeated[index] = true;
            continue;
        }
        let where_ = |i: usize| {
            let path = shape.posting_path(i);
            match place(text, &path) {
                Some((line, _)) => format!("{} (line {line})", path_text(&path)),
                None => path_text(&path),
            }
        };
        return Err(ImportError::Conflict {
            file: name.to_owned(),
            posting_number: printable(&posting.posting_number),
            field: first_difference(first, posting),
            first: where_(first_index),
            second: where_(index),
        });
    }
    drop(first_seen);
    if let Some(error) = failed {
        return Err(error);
    }
    if merged > 0 {
        let mut keep = repeated.iter().map(|r| !r);
        postings.retain(|_| keep.next().unwrap_or(true));
    }
    Ok(Imported {
        postings,
        warnings,
        merged,
    })
}

/// An optional value as a message shows it: the value in quotes, or `none`.
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    match value {
        Some(v) => format!("\"{v}\""),
        None => "none".into(),
    }
}

/// The first field, in the order a label shows them, where two postings differ, with both values.
fn first_difference(a: &Posting, b: &Posting) -> String {
    let fields: [(&str, String, String); 9] = [
        (
            "upper_barcode",
            shown(&a.upper_barcode),
            shown(&b.upper_barcode),
        ),
        (
            "lower_barcode",
            shown(&a.lower_barcode),
            shown(&b.lower_barcode),
        ),
        ("status", a.status.to_string(), b.status.to_string()),
        ("substatus", shown(&a.substatus), shown(&b.substatus)),
        (
            "tracking_number",
            shown(&a.tracking_number),
            shown(&b.tracking_number),
        ),
        (
            "multi_box_qty",
            a.multi_box_qty.to_string(),
            b.multi_box_qty.to_string(),
        ),
        (
            "products",
            format!("{} line(s)", a.products.len()),
            format!("{} line(s)", b.products.len()),
        ),
        (
            "shipment_date",
            shown(&a.shipment_date),
            shown(&b.shipment_date),
        ),
        (
            "warehouse",
            shown(&a.delivery_method.warehouse),
            shown(&b.delivery_method.warehouse),
        ),
    ];
    for (field, x, y) in fields {
        if x != y {
            return printable(&format!("{field} ({x} vs {y})"));
        }
    }
    if a.products != b.products {
        return "products (same count, different lines)".into();
    }
    "fields (other than barcodes, status, products and dates)".into()
}

/// A serde_json error as an [`ImportError`]. Malformed JSON gives only its place; a value of the wrong
/// type inside a posting names the posting and the field's JSON path, placed at the field.
fn json_error(
    name: &str,
    text: &str,
    field: Option<(&Shape, Vec<Step>)>,
    e: &serde_json::Error,
) -> ImportError {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(pos) => full.get(..pos).unwrap_or(&full).to_owned(),
        None => full,
    };
    // serde_json says column 0 at the end of a line (or of the input); columns here start at 1.
    let (line, column) = (e.line(), e.column().max(1));
    let Some((shape, path)) = field else {
        return ImportError::Json {
            file: name.to_owned(),
            line,
            column,
            message: format!("malformed JSON: {message}"),
        };
    };
    // serde_json places a type error where it noticed it, which can be the end of the enclosing object;
    // the field's own place is where its value starts.
    let (line, column) = place(text, &path).unwrap_or((line, column));
    if let Some((index, depth)) = shape.posting_of(&path) {
        return ImportError::Posting {
            file: name.to_owned(),
            line: Some(small(line)),
            column: Some(small(column)),
            index,
            posting_number: path.get(..depth).and_then(|p| number_at(text, p)),
            path: path_text(&path),
            message,
        };
    }
    let message = if path.is_empty() {
        message
    } else {
        format!("{}: {message}", path_text(&path))
    };
    ImportError::Json {
        file: name.to_owned(),
        line,
        column,
        message,
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests;
