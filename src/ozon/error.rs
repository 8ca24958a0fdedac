//! What can go wrong talking to Ozon, and how Ozon's error bodies are read.
//!
//! Ozon answers errors as `{"code": 3, "message": "POSTING_ALREADY_SHIPPED", "details": []}` (the
//! business reason is the `message` string); older methods still use
//! `{"error": {"code": "NOT_FOUND_ERROR", "message": "POSTING_NOT_FOUND", "data": []}}`; a gateway in
//! front may answer an HTML page (nginx's `502 Bad Gateway`). All three become an [`ApiError`] whose
//! message is printable (control characters removed, bounded length) and never holds the API key.

use std::fmt;

use super::credentials::CredentialsError;

/// The longest message kept from a response body.
const MAX_MESSAGE: usize = 300;

/// An error answer from the Seller API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The method (`/v4/posting/fbs/ship`).
    pub method: String,
    /// The posting the call was about, when there is one.
    pub posting: Option<String>,
    /// The HTTP status.
    pub http_status: u16,
    /// Ozon's `code` (a gRPC status number, or the legacy shape's string code).
    pub code: Option<String>,
    /// Ozon's `message` (`POSTING_ALREADY_SHIPPED`, `Invalid Api-Key, …`), or the page's gist.
    pub message: String,
}

impl ApiError {
    /// Reads an error body of any of the three shapes.
    pub fn from_body(
        method: &str,
        posting: Option<&str>,
        http_status: u16,
        body: &[u8],
    ) -> ApiError {
        let (code, message) = parse_body(body);
        ApiError {
            method: method.to_owned(),
            posting: posting.map(str::to_owned),
            http_status,
            code,
            message,
        }
    }

    /// Whether `message` says `reason` (Ozon's reason strings, compared without case).
    pub fn says(&self, reason: &str) -> bool {
        self.message
            .to_ascii_lowercase()
            .contains(&reason.to_ascii_lowercase())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ozon {}", self.method)?;
        if let Some(p) = &self.posting {
            write!(f, " for posting {p}")?;
        }
        write!(f, ": {} (HTTP {}", self.message, self.http_status)?;
        if let Some(code) = &self.code {
            write!(f, ", code {code}")?;
        }
        f.write_str(")")
    }
}

/// Everything the client can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OzonError {
    /// No usable credentials.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// Ozon refused the key (401/403).
    #[error("{0}\n  {hint}", hint = rejected_hint(.0))]
    Rejected(ApiError),
    /// Ozon answered with an error.
    #[error("{0}")]
    Api(ApiError),
    /// Ozon's per-method circuit breaker is open: the method is off for a few minutes.
    #[error("{0}\n  Ozon has switched this method off for a few minutes (too many requests): try again later")]
    CircleOpen(ApiError),
    /// No answer could be had (connection refused, DNS, TLS, timeouts), after the retries a read gets.
    #[error("Ozon {method}: no answer after {attempts} attempt(s): {reason}")]
    Unreachable {
        /// The method.
        method: String,
        /// How many requests were sent.
        attempts: u32,
        /// The last failure.
        reason: String,
    },
    /// A write was sent but its answer was lost (timeout, broken connection, 5xx): Ozon may or may not
    /// have done it. Never repeated blindly; the caller re-reads the state.
    #[error("Ozon {method}{}: the request was sent but no answer came ({reason}); whether Ozon did it is unknown", posting_suffix(.posting))]
    Uncertain {
        /// The method.
        method: String,
        /// The posting.
        posting: Option<String>,
        /// What happened.
        reason: String,
    },
    /// The answer was not what the method returns.
    #[error("Ozon {method}: unexpected answer: {message}")]
    Unexpected {
        /// The method.
        method: String,
        /// What was wrong.
        message: String,
    },
}

/// What to do about a 401/403, by Ozon's message.
fn rejected_hint(error: &ApiError) -> &'static str {
    if error.says("Offer not signed") {
        "Ozon says the seller's offer (contract) is not accepted: accept it in the seller's account"
    } else if error.says("missing a required role") {
        "the key lacks a role for this method: make a key with a role that covers FBS postings (Settings → API keys → Seller API)"
    } else if error.says("restricted to specific IP") {
        "the key is limited to other IP addresses: allow this machine's address for the key, or make another key"
    } else {
        "Ozon did not accept the credentials: check OZON_CLIENT_ID and OZON_API_KEY (a key expires after some months; make a new one in the seller's account: Settings → API keys → Seller API)"
    }
}

fn posting_suffix(p: &Option<String>) -> String {
    p.as_ref()
        .map(|p| format!(" for posting {p}"))
        .unwrap_or_default()
}

fn parse_body(body: &[u8]) -> (Option<String>, String) {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let pick = |v: &serde_json::Value| -> Option<(Option<String>, String)> {
            let message = v.get("message")?.as_str()?.to_owned();
            let code = match v.get("code") {
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                _ => None,
            };
            Some((code, message))
        };
        if let Some((code, message)) = pick(&value).or_else(|| value.get("error").and_then(pick)) {
            return (
                code.map(|c| printable(&c, 40)),
                printable(&message, MAX_MESSAGE),
            );
        }
    }
    let text = String::from_utf8_lossy(body);
    let gist = match (text.find("<title>"), text.find("</title>")) {
        (Some(a), Some(b)) if a + 7 <= b => text[a + 7..b].to_owned(),
        _ => text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_owned(),
    };
    let gist = printable(gist.trim(), MAX_MESSAGE);
    if gist.is_empty() {
        (None, "(empty body)".to_owned())
    } else if text.trim_start().starts_with('<') {
        (None, format!("{gist} (an HTML page, not Ozon's JSON)"))
    } else {
        (None, gist)
    }
}

/// `text` fit for a terminal: control characters dropped, at most `max` characters (an ellipsis marks a
/// cut).
pub fn printable(text: &str, max: usize) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(max).collect();
    if text.chars().filter(|c| !c.is_control()).count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_shapes() {
        let e = ApiError::from_body(
            "/m",
            Some("1-2-3"),
            400,
            br#"{"code":3,"message":"POSTING_ALREADY_SHIPPED","details":[]}"#,
        );
        assert_eq!(e.code.as_deref(), Some("3"));
        assert_eq!(e.message, "POSTING_ALREADY_SHIPPED");
        assert_eq!(
            e.to_string(),
            "Ozon /m for posting 1-2-3: POSTING_ALREADY_SHIPPED (HTTP 400, code 3)"
        );
        let e = ApiError::from_body(
            "/m",
            None,
            404,
            br#"{"error":{"code":"NOT_FOUND_ERROR","message":"POSTING_NOT_FOUND","data":[]}}"#,
        );
        assert_eq!(e.code.as_deref(), Some("NOT_FOUND_ERROR"));
        assert!(e.says("posting_not_found"));
        let e = ApiError::from_body(
            "/m",
            None,
            502,
            b"<html>\r\n<head><title>502 Bad Gateway</title></head>\x1b[31m</html>",
        );
        assert_eq!(e.message, "502 Bad Gateway (an HTML page, not Ozon's JSON)");
        let e = ApiError::from_body("/m", None, 500, b"");
        assert_eq!(e.message, "(empty body)");
        let long = "x".repeat(1000);
        assert_eq!(
            ApiError::from_body("/m", None, 500, long.as_bytes())
                .message
                .chars()
                .count(),
            MAX_MESSAGE + 1
        );
    }
}
