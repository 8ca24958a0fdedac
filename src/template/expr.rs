//! Field expressions: the `value` of a template element.
//!
//! Literal text with fields in braces: `Отгрузка {shipment_date:%d.%m.%Y}`, `Коробка {box} из {boxes}`.
//! A field may name alternatives, the first present one wins: `{lower_barcode|posting_number}`. A date
//! field takes a `strftime` pattern after a colon. `{{` and `}}` are literal braces.

use std::fmt::Write as _;

use crate::label::{Field, FieldKind, LabelData, Value};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Literal(String),
    Field {
        alternatives: Vec<Field>,
        date_format: Option<String>,
    },
}

/// Why an expression does not parse; `position` is the character offset in the expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExprError {
    /// A name in braces that is not a label field.
    #[error("unknown field `{name}` at character {position} (known fields: {known})")]
    UnknownField {
        /// The name as written.
        name: String,
        /// Character offset of the opening brace.
        position: usize,
        /// The known field names, comma separated.
        known: String,
    },
    /// `{` without its `}`.
    #[error("`{{` at character {position} is not closed")]
    Unclosed {
        /// Character offset of the opening brace.
        position: usize,
    },
    /// A `}` that closes nothing.
    #[error("`}}` at character {position} closes nothing (write `}}}}` for a literal brace)")]
    StrayClose {
        /// Character offset of the brace.
        position: usize,
    },
    /// `{}` or `{a|}`.
    #[error("empty field name at character {position}")]
    EmptyField {
        /// Character offset of the opening brace.
        position: usize,
    },
    /// A format on a field that takes none, or a bad date pattern.
    #[error("format `{format}` at character {position}: {reason}")]
    BadFormat {
        /// The format as written.
        format: String,
        /// Character offset of the opening brace.
        position: usize,
        /// What is wrong with it.
        reason: String,
    },
}

impl Expr {
    /// Parses an expression.
    pub fn parse(source: &str) -> Result<Expr, ExprError> {
        let chars: Vec<char> = source.chars().collect();
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            match c {
                '{' if chars.get(i + 1) == Some(&'{') => {
                    literal.push('{');
                    i += 2;
                }
                '}' if chars.get(i + 1) == Some(&'}') => {
                    literal.push('}');
                    i += 2;
                }
                '}' => return Err(ExprError::StrayClose { position: i }),
                '{' => {
                    let close = chars[i + 1..]
                        .iter()
                        .position(|&c| c == '}')
                        .map(|p| p + i + 1)
                        .ok_or(ExprError::Unclosed { position: i })?;
                    let inner: String = chars[i + 1..close].iter().collect();
                    if !literal.is_empty() {
                        pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                    }
                    pieces.push(parse_field(&inner, i)?);
                    i = close + 1;
                }
                _ => {
                    literal.push(c);
                    i += 1;
                }
            }
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        Ok(Expr { pieces })
    }

    /// An expression that is this text, with no fields.
    pub fn literal(text: &str) -> Expr {
        Expr {
            pieces: vec![Piece::Literal(text.to_string())],
        }
    }

    /// The fields the expression reads (each alternative counts).
    pub fn fields(&self) -> impl Iterator<Item = Field> + '_ {
        self.pieces
            .iter()
            .flat_map(|p| match p {
                Piece::Literal(_) => &[][..],
                Piece::Field { alternatives, .. } => &alternatives[..],
            })
            .copied()
    }

    /// Whether the expression has no fields at all.
    pub fn is_literal(&self) -> bool {
        self.fields().next().is_none()
    }

    /// The expression's text for one label, appended to `out`.
    pub fn render_into(&self, data: &LabelData, out: &mut String) {
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Field {
                    alternatives,
                    date_format,
                } => {
                    let value = alternatives
                        .iter()
                        .map(|&f| data.value(f))
                        .find(Value::is_present);
                    if let Some(value) = value {
                        write_value(value, date_format.as_deref(), out);
                    }
                }
            }
        }
    }

    /// The alternatives of the first field reference none of whose fields has a value for this label
    /// (`{upper_barcode}` with no warehouse barcode, `{a|b}` with neither): the reason a barcode made
    /// from the expression would be wrong.
    pub fn absent_field(&self, data: &LabelData) -> Option<&[Field]> {
        self.pieces.iter().find_map(|p| match p {
            Piece::Field { alternatives, .. }
                if !alternatives.iter().any(|&f| data.value(f).is_present()) =>
            {
                Some(&alternatives[..])
            }
            _ => None,
        })
    }

    /// The expression's text for one label.
    pub fn render(&self, data: &LabelData) -> String {
        let mut out = String::new();
        self.render_into(data, &mut out);
        out
    }
}

fn write_value(value: Value<'_>, date_format: Option<&str>, out: &mut String) {
    match value {
        Value::Text(s) => out.push_str(s),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Date(Some(d)) => {
            // The pattern was checked when the template was loaded, so formatting cannot fail.
            let _ = write!(out, "{}", d.format(date_format.unwrap_or("%d.%m.%Y")));
        }
        Value::Date(None) => {}
        Value::Flag(f) => out.push_str(if f { "да" } else { "нет" }),
    }
}

fn parse_field(inner: &str, position: usize) -> Result<Piece, ExprError> {
    let (names, format) = match inner.split_once(':') {
        Some((names, format)) => (names, Some(format)),
        None => (inner, None),
    };
    let mut alternatives = Vec::new();
    for name in names.split('|') {
        let name = name.trim();
        if name.is_empty() {
            return Err(ExprError::EmptyField { position });
        }
        let field = Field::from_name(name).ok_or_else(|| ExprError::UnknownField {
            name: name.to_string(),
            position,
            known: Field::ALL.map(Field::name).join(", "),
        })?;
        alternatives.push(field);
    }
    let date_format = match format {
        None => None,
        Some(format) => {
            let bad = |reason: &str| ExprError::BadFormat {
                format: format.to_string(),
                position,
                reason: reason.to_string(),
            };
            if alternatives.iter().any(|f| f.kind() != FieldKind::Date) {
                return Err(bad("only date fields take a format"));
            }
            let invalid = chrono::format::StrftimeItems::new(format)
                .any(|item| matches!(item, chrono::format::Item::Error));
            if invalid || format.is_empty() {
                return Err(bad("not a valid strftime pattern"));
            }
            Some(format.to_string())
        }
    };
    Ok(Piece::Field {
        alternatives,
        date_format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_fields_and_dates() {
        let data = LabelData::sample();
        let e = Expr::parse("Отгрузка: {shipment_date:%d.%m.%Y}, {items} шт. {{x}}").unwrap();
        assert_eq!(e.render(&data), "Отгрузка: 24.11.2026, 3 шт. {x}");
        assert_eq!(
            Expr::parse("{shipment_date}").unwrap().render(&data),
            "24.11.2026"
        );
    }

    #[test]
    fn fallback_takes_the_first_present_value() {
        let mut data = LabelData::sample();
        let e = Expr::parse("{lower_barcode|posting_number}").unwrap();
        assert_eq!(e.render(&data), "751420599146000");
        data.lower_barcode.clear();
        assert_eq!(e.render(&data), "12345678-0001-1");
    }

    #[test]
    fn errors_say_what_and_where() {
        let err = Expr::parse("ab {posting_numbr}").unwrap_err();
        assert!(
            matches!(&err, ExprError::UnknownField { name, position: 3, .. } if name == "posting_numbr")
        );
        assert!(err.to_string().contains("posting_number"));
        assert_eq!(
            Expr::parse("{items").unwrap_err(),
            ExprError::Unclosed { position: 0 }
        );
        assert_eq!(
            Expr::parse("a}").unwrap_err(),
            ExprError::StrayClose { position: 1 }
        );
        assert!(matches!(
            Expr::parse("{items:%d}").unwrap_err(),
            ExprError::BadFormat { .. }
        ));
        assert!(matches!(
            Expr::parse("{shipment_date:%Q}").unwrap_err(),
            ExprError::BadFormat { .. }
        ));
        assert_eq!(
            Expr::parse("{items||box}").unwrap_err(),
            ExprError::EmptyField { position: 0 }
        );
    }
}
