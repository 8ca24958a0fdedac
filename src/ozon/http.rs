//! The transport: one JSON `POST` per call with the seller's headers, paced below Ozon's rate limit,
//! reads retried, writes never repeated blindly.
//!
//! | answer | read (`list`, `get`, `status`, labels) | write (`ship`, `cancel`, tracking) |
//! |---|---|---|
//! | 200 | the body | the body |
//! | 401, 403 | [`OzonError::Rejected`] | the same |
//! | 429 | wait `Retry-After` (else back off), again | the same: a 429 means Ozon did not run it |
//! | 5xx, timeout, broken connection | back off (doubling, capped), again, at most `attempts` times | [`OzonError::Uncertain`]: the caller re-reads the state |
//! | connection refused, DNS failure | back off, again | back off, again (nothing was sent) |
//! | other 4xx | [`OzonError::Api`] with Ozon's `code` and `message` | the same |

use std::cell::Cell;
use std::time::{Duration, Instant};

use super::credentials::Credentials;
use super::error::{printable, ApiError, OzonError};

/// Waits, retries and polling intervals. [`Timing::from_env`] reads overrides (milliseconds) from
/// `OZON_TIMEOUT_MS`, `OZON_INTERVAL_MS`, `OZON_BACKOFF_MS`, `OZON_POLL_MS` and `OZON_POLL_FOR_MS`;
/// the tests shorten them, a seller never needs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// The whole of one request, connect to last byte.
    pub timeout: Duration,
    /// The least time between the starts of two requests: 100 ms is 10 requests a second, a fifth of
    /// Ozon's 50 per second per Client-Id, leaving room for the seller's other tools.
    pub interval: Duration,
    /// The first wait before a retry; it doubles each time, up to `backoff_max`.
    pub backoff: Duration,
    /// The longest wait between two retries (and the most a `Retry-After` is obeyed for).
    pub backoff_max: Duration,
    /// How many times a read is sent at most.
    pub attempts: u32,
    /// The pause between two looks at an asynchronous operation (a ship, a marking-code check).
    pub poll: Duration,
    /// How long an asynchronous operation is followed before giving up on waiting.
    pub poll_for: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            timeout: Duration::from_secs(30),
            interval: Duration::from_millis(100),
            backoff: Duration::from_secs(1),
            backoff_max: Duration::from_secs(16),
            attempts: 5,
            poll: Duration::from_secs(2),
            poll_for: Duration::from_secs(120),
        }
    }
}

impl Timing {
    /// The defaults with the environment's overrides.
    pub fn from_env() -> Timing {
        let ms = |name: &str, default: Duration| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map_or(default, Duration::from_millis)
        };
        let d = Timing::default();
        Timing {
            timeout: ms("OZON_TIMEOUT_MS", d.timeout),
            interval: ms("OZON_INTERVAL_MS", d.interval),
            backoff: ms("OZON_BACKOFF_MS", d.backoff),
            backoff_max: d.backoff_max.max(ms("OZON_BACKOFF_MS", d.backoff)),
            attempts: d.attempts,
            poll: ms("OZON_POLL_MS", d.poll),
            poll_for: ms("OZON_POLL_FOR_MS", d.poll_for),
        }
    }

    /// The wait before retry number `n` (1 for the first retry).
    fn backoff(&self, n: u32) -> Duration {
        self.backoff
            .saturating_mul(1u32 << n.saturating_sub(1).min(16))
            .min(self.backoff_max)
    }
}

/// Whether a call may be sent again when its answer is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Reading, or a write that replaces state whole (exemplar set): repeating it changes nothing.
    Read,
    /// A write that acts (ship, cancel, tracking): never repeated after it may have reached Ozon.
    Write,
}

/// A 200 answer.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    /// The `Content-Type` header, lower case (`""` when absent).
    pub(crate) content_type: String,
    /// The body.
    pub(crate) body: Vec<u8>,
}

/// A Seller API client. One request at a time, paced by [`Timing::interval`].
pub struct Client {
    agent: ureq::Agent,
    credentials: Credentials,
    timing: Timing,
    last_request: Cell<Option<Instant>>,
    /// Called with one line before each wait (a 429, a retry), for a progress display.
    notice: Box<dyn Fn(&str)>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("credentials", &self.credentials)
            .field("timing", &self.timing)
            .finish_non_exhaustive()
    }
}

/// The largest JSON answer read (a page of 100 postings with every block is well under 1 MiB).
pub(crate) const MAX_JSON: u64 = 32 * 1024 * 1024;

impl Client {
    /// A client for these credentials.
    pub fn new(credentials: Credentials, timing: Timing) -> Client {
        let local = credentials.api_url.starts_with("http://");
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timing.timeout))
            // A redirect would send the key on to wherever it points.
            .max_redirects(0)
            .user_agent(concat!("shiplabel/", env!("CARGO_PKG_VERSION")));
        if local {
            config = config.proxy(None);
        }
        Client {
            agent: config.build().into(),
            credentials,
            timing,
            last_request: Cell::new(None),
            notice: Box::new(|_| {}),
        }
    }

    /// Sets what is told of waits and retries (default: nothing).
    pub fn on_notice(&mut self, notice: impl Fn(&str) + 'static) {
        self.notice = Box::new(notice);
    }

    /// The timing in use.
    pub fn timing(&self) -> &Timing {
        &self.timing
    }

    /// The credentials in use.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Waits until the next request may start.
    fn pace(&self) {
        if let Some(last) = self.last_request.get() {
            let next = last + self.timing.interval;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
        self.last_request.set(Some(Instant::now()));
    }

    /// Sends `body` to `method` (a path like `/v4/posting/fbs/ship`) and returns the 200 answer; see
    /// the module docs for what is retried. `posting` names the posting in error messages.
    pub(crate) fn post(
        &self,
        method: &str,
        posting: Option<&str>,
        kind: Kind,
        body: &serde_json::Value,
        limit: u64,
    ) -> Result<Reply, OzonError> {
        let url = format!("{}{method}", self.credentials.api_url);
        let payload = serde_json::to_vec(body).map_err(|e| OzonError::Unexpected {
            method: method.to_owned(),
            message: e.to_string(),
        })?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.pace();
            let sent = self
                .agent
                .post(&url)
                .header("Client-Id", &self.credentials.client_id)
                .header("Api-Key", self.credentials.api_key.expose())
                .header("Content-Type", "application/json")
                .send(&payload[..]);
            let retry_wait = match sent {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let header = |name: &str| {
                        response
                            .headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned)
                    };
                    let content_type = header("content-type")
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    let retry_after = header("retry-after");
                    let body = response.body_mut().with_config().limit(limit).read_to_vec();
                    let body = match body {
                        Ok(body) => body,
                        Err(e) => {
                            let reason = self.redact(&e.to_string());
                            if kind == Kind::Write && status == 200 {
                                return Err(OzonError::Uncertain {
                                    method: method.to_owned(),
                                    posting: posting.map(str::to_owned),
                                    reason,
                                });
                            }
                            if attempt < self.timing.attempts
                                && !matches!(e, ureq::Error::BodyExceedsLimit(_))
                            {
                                self.wait(method, attempt, None, &reason);
                                continue;
                            }
                            return Err(OzonError::Unreachable {
                                method: method.to_owned(),
                                attempts: attempt,
                                reason,
                            });
                        }
                    };
                    if (200..300).contains(&status) {
                        return Ok(Reply { content_type, body });
                    }
                    let mut error = ApiError::from_body(method, posting, status, &body);
                    error.message = self.redact(&error.message);
                    if error.says("Circle is open") {
                        return Err(OzonError::CircleOpen(error));
                    }
                    match status {
                        401 | 403 => return Err(OzonError::Rejected(error)),
                        429 => {
                            if attempt >= self.timing.attempts * 2 {
                                return Err(OzonError::Api(error));
                            }
                            let wait = retry_after
                                .as_deref()
                                .and_then(parse_retry_after)
                                .map(|w| w.min(self.timing.backoff_max));
                            self.wait(method, attempt, wait, &error.message);
                            continue;
                        }
                        500..=599 => {
                            if kind == Kind::Write {
                                return Err(OzonError::Uncertain {
                                    method: method.to_owned(),
                                    posting: posting.map(str::to_owned),
                                    reason: error.to_string(),
                                });
                            }
                            if attempt >= self.timing.attempts {
                                return Err(OzonError::Api(error));
                            }
                            error.to_string()
                        }
                        _ => return Err(OzonError::Api(error)),
                    }
                }
                Err(e) => {
                    let reason = self.redact(&e.to_string());
                    let never_sent = matches!(
                        e,
                        ureq::Error::HostNotFound
                            | ureq::Error::ConnectionFailed
                            | ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect)
                    ) || matches!(&e, ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused);
                    if kind == Kind::Write && !never_sent {
                        return Err(OzonError::Uncertain {
                            method: method.to_owned(),
                            posting: posting.map(str::to_owned),
                            reason,
                        });
                    }
                    if attempt >= self.timing.attempts {
                        return Err(OzonError::Unreachable {
                            method: method.to_owned(),
                            attempts: attempt,
                            reason,
                        });
                    }
                    reason
                }
            };
            self.wait(method, attempt, None, &retry_wait);
        }
    }

    /// Sleeps before a retry: `wait` when the server named one, else the backoff for `attempt`.
    fn wait(&self, method: &str, attempt: u32, wait: Option<Duration>, why: &str) {
        let wait = wait.unwrap_or_else(|| self.timing.backoff(attempt));
        (self.notice)(&format!(
            "Ozon {method}: {}; again in {:.1} s",
            printable(why, 120),
            wait.as_secs_f64()
        ));
        std::thread::sleep(wait);
    }

    fn redact(&self, text: &str) -> String {
        self.credentials.api_key.redact(text)
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not used by Ozon; it falls back to the backoff).
fn parse_retry_after(text: &str) -> Option<Duration> {
    let secs: f64 = text.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let t = Timing::default();
        assert_eq!(t.backoff(1), Duration::from_secs(1));
        assert_eq!(t.backoff(3), Duration::from_secs(4));
        assert_eq!(t.backoff(30), Duration::from_secs(16));
        assert_eq!(parse_retry_after(" 1 "), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
