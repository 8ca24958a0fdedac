//! Tracking numbers for postings the seller delivers (integrated carrier, aggregator or own courier),
//! and cancelling a posting that is already in transit.
//!
//! Whose delivery it is comes from `tpl_integration_type`: `ozon` is Ozon's own logistics, which
//! assigns its own tracking and refuses manual numbers; `aggregator`, `3pl_tracking`,
//! `non_integrated` and `hybryd` (sic; Russian Post) are the seller's. A posting with no
//! `tpl_integration_type` (neutral records) is treated as the seller's: nothing says Ozon carries it.
//!
//! Formats are checked where the carrier is known from the delivery method or provider name:
//! Russian Post takes a 14-digit domestic number or a UPU S10 number (`RA123456789RU`, with its check
//! digit); CDEK takes a numeric number of 6 to 14 digits; any other carrier takes free text
//! (printable, no spaces inside, at most 64 characters).

use std::fmt;

use chrono::{DateTime, Utc};

use super::model::{Posting, TrackingChange};
use super::status::Status;

/// The longest free-text tracking number accepted.
pub const MAX_TRACKING_LEN: usize = 64;

/// A carrier whose number format is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// Почта России: 14 digits, or UPU S10.
    RussianPost,
    /// СДЭК: digits only.
    Cdek,
    /// Anything else: free text.
    Other,
}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Carrier::RussianPost => "Russian Post",
            Carrier::Cdek => "CDEK",
            Carrier::Other => "the carrier",
        })
    }
}

impl Carrier {
    /// The carrier of a posting: `hybryd` integration is Russian Post; otherwise the provider or
    /// delivery method name decides (`Почта России` / `Russian Post`, `СДЭК` / `CDEK`).
    pub fn of(posting: &Posting) -> Carrier {
        let integration = posting.tpl_integration_type.as_deref().unwrap_or("");
        if integration.eq_ignore_ascii_case("hybryd") || integration.eq_ignore_ascii_case("hybrid")
        {
            return Carrier::RussianPost;
        }
        let names = [
            posting.delivery_method.tpl_provider.as_deref(),
            posting.delivery_method.name.as_deref(),
        ];
        for name in names.into_iter().flatten() {
            let lower = name.to_lowercase();
            if lower.contains("почта росси") || lower.contains("russian post") {
                return Carrier::RussianPost;
            }
            if lower.contains("сдэк") || lower.contains("cdek") {
                return Carrier::Cdek;
            }
        }
        Carrier::Other
    }

    /// Checks `number` against this carrier's format; the error says what was expected.
    pub fn validate(self, number: &str) -> Result<(), String> {
        match self {
            Carrier::RussianPost => {
                if number.len() == 14 && number.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(())
                } else if number.len() == 13 {
                    validate_s10(number)
                } else {
                    Err("Russian Post numbers are 14 digits or UPU S10 like RA123456789RU".into())
                }
            }
            Carrier::Cdek => {
                if (6..=14).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(())
                } else {
                    Err("CDEK numbers are 6 to 14 digits".into())
                }
            }
            Carrier::Other => {
                if let Some((i, c)) = number
                    .chars()
                    .enumerate()
                    .find(|(_, c)| c.is_whitespace() || c.is_control())
                {
                    Err(format!(
                        "character {c:?} at position {} is not allowed",
                        i + 1
                    ))
                } else if number.chars().count() > MAX_TRACKING_LEN {
                    Err(format!("longer than {MAX_TRACKING_LEN} characters"))
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// The UPU S10 check digit of the 8-digit serial: weights 8 6 4 2 3 5 9 7, then 11 − sum mod 11,
/// with 10 → 0 and 11 → 5.
pub fn s10_check_digit(serial: &[u8; 8]) -> u8 {
    const WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];
    let sum: u32 = serial
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d.wrapping_sub(b'0')) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        c => c as u8,
    }
}

fn validate_s10(number: &str) -> Result<(), String> {
    let b = number.as_bytes();
    let shape = b.len() == 13
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..11].iter().all(u8::is_ascii_digit)
        && b[11..].iter().all(u8::is_ascii_uppercase);
    if !shape {
        return Err(
            "a UPU S10 number is 2 capital letters, 9 digits, 2 capital letters (RA123456789RU)"
                .into(),
        );
    }
    let mut serial = [0u8; 8];
    serial.copy_from_slice(&b[2..10]);
    let expected = s10_check_digit(&serial);
    let given = b[10] - b'0';
    if given != expected {
        return Err(format!(
            "S10 check digit is {given}, the serial {} needs {expected}",
            &number[2..10]
        ));
    }
    Ok(())
}

/// A refused tracking-number or in-transit action. Every variant names the posting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackingError {
    /// Ozon's own logistics sets its tracking itself.
    #[error("posting {posting}: delivered by Ozon (tpl_integration_type ozon): Ozon assigns the tracking number, a manual one is refused")]
    OzonDelivered {
        /// The posting number.
        posting: String,
    },
    /// The number does not match the carrier's format.
    #[error("posting {posting}: tracking number {number:?} is not valid for {carrier}: {reason}")]
    InvalidFormat {
        /// The posting number.
        posting: String,
        /// The number given.
        number: String,
        /// The carrier.
        carrier: Carrier,
        /// What is expected.
        reason: String,
    },
    /// An empty number.
    #[error("posting {posting}: the tracking number is empty")]
    Empty {
        /// The posting number.
        posting: String,
    },
    /// `set` on a posting that already has one: a change needs a reason.
    #[error("posting {posting}: already has tracking number {current}; change it with a reason")]
    AlreadySet {
        /// The posting number.
        posting: String,
        /// The current number.
        current: String,
    },
    /// `change` on a posting without a number.
    #[error("posting {posting}: has no tracking number to change; set one first")]
    NotSet {
        /// The posting number.
        posting: String,
    },
    /// A change to the same number.
    #[error("posting {posting}: tracking number is already {number}")]
    Unchanged {
        /// The posting number.
        posting: String,
        /// The number.
        number: String,
    },
    /// A change without a reason.
    #[error("posting {posting}: a reason is required to change the tracking number")]
    ReasonRequired {
        /// The posting number.
        posting: String,
    },
    /// The posting is delivered, cancelled or otherwise past tracking.
    #[error("posting {posting}: cannot set a tracking number in status {status}")]
    WrongStatus {
        /// The posting number.
        posting: String,
        /// The status.
        status: Status,
    },
}

impl Posting {
    /// Whether Ozon's own logistics delivers the posting (`tpl_integration_type` = `ozon`).
    pub fn delivered_by_ozon(&self) -> bool {
        self.tpl_integration_type
            .as_deref()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("ozon"))
    }

    fn check_tracking(&self, number: &str) -> Result<String, TrackingError> {
        let posting = || self.posting_number.to_string();
        if self.delivered_by_ozon() {
            return Err(TrackingError::OzonDelivered { posting: posting() });
        }
        if self.status.is_final()
            || matches!(
                self.status,
                Status::ClientArbitration | Status::NotAccepted | Status::Arbitration
            )
        {
            return Err(TrackingError::WrongStatus {
                posting: posting(),
                status: self.status.clone(),
            });
        }
        let number = number.trim();
        if number.is_empty() {
            return Err(TrackingError::Empty { posting: posting() });
        }
        let carrier = Carrier::of(self);
        carrier
            .validate(number)
            .map_err(|reason| TrackingError::InvalidFormat {
                posting: posting(),
                number: number.to_owned(),
                carrier,
                reason,
            })?;
        Ok(number.to_owned())
    }

    /// Sets the first tracking number of a posting the seller delivers, checked against the
    /// carrier's format. A posting that already has one needs [`Posting::change_tracking_number`].
    pub fn set_tracking_number(&mut self, number: &str) -> Result<(), TrackingError> {
        let number = self.check_tracking(number)?;
        if let Some(current) = &self.tracking_number {
            return Err(TrackingError::AlreadySet {
                posting: self.posting_number.to_string(),
                current: current.clone(),
            });
        }
        self.tracking_number = Some(number);
        Ok(())
    }

    /// Replaces the tracking number, keeping the old one with the reason in `tracking_history`.
    pub fn change_tracking_number(
        &mut self,
        number: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<(), TrackingError> {
        let number = self.check_tracking(number)?;
        let Some(old) = self.tracking_number.clone() else {
            return Err(TrackingError::NotSet {
                posting: self.posting_number.to_string(),
            });
        };
        if old == number {
            return Err(TrackingError::Unchanged {
                posting: self.posting_number.to_string(),
                number,
            });
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(TrackingError::ReasonRequired {
                posting: self.posting_number.to_string(),
            });
        }
        self.tracking_history.push(TrackingChange {
            old,
            new: number.clone(),
            reason: reason.to_owned(),
            at,
        });
        self.tracking_number = Some(number);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
