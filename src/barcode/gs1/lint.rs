//! The content checks ("linters") that GS1's Barcode Syntax Dictionary names for AI components.
//!
//! Each takes one component's characters (already checked against the component's character set and length)
//! and says what is wrong and where, counted in characters from the start of the component. The behaviour
//! follows GS1's reference linters (gs1/gs1-syntax-dictionary, `src/lint_*.c`); the code lists come from
//! `data/gs1/lists/` through the generated table.

use super::table::{ISO3166, ISO3166_ALPHA2, ISO4217, MEDIA_TYPES, PACKAGE_TYPES};

/// A linter of the dictionary (the generated table names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lint {
    /// GS1 mod-10 check digit in the last position.
    Csum,
    /// The alphanumeric check-character pair (GMN, MUDI).
    CsumAlpha,
    /// A GS1 Company Prefix (at least 4 digits) at the start.
    GcpPos1,
    /// A GS1 Company Prefix from the second character.
    GcpPos2,
    /// YYMMDD, day 00 allowed (end of month).
    YyMmD0,
    /// YYMMDD.
    YyMmDd,
    /// YYYYMMDD, day 00 allowed (a linter of GS1's set that the 2026-01-27 dictionary names for no AI; kept so
    /// that a later edition naming it only needs the table regenerated).
    #[allow(dead_code)]
    YyyyMmD0,
    /// YYYYMMDD.
    YyyyMmDd,
    /// Hour 00-23.
    Hh,
    /// Minute 00-59.
    Mi,
    /// Second 00-59.
    Ss,
    /// HHMI.
    HhMi,
    /// ISO 3166-1 numeric country code.
    Iso3166,
    /// ISO 3166-1 numeric country code or 999.
    Iso3166Or999,
    /// ISO 3166-1 alpha-2 country code.
    Iso3166Alpha2,
    /// ISO 4217 numeric currency code.
    Iso4217,
    /// ISO/IEC 5218 sex code: 0, 1, 2 or 9.
    Iso5218,
    /// IBAN with its mod-97 check.
    Iban,
    /// Latitude, 10 digits, 0 to 1800000000.
    Latitude,
    /// Longitude, 10 digits, 0 to 3600000000.
    Longitude,
    /// AIDC media type code.
    MediaType,
    /// Digits, not all zero.
    NonZero,
    /// Digits not starting with 0.
    NoZeroPrefix,
    /// All zeros.
    Zero,
    /// UN/ECE recommendation 21 package type code.
    PackageType,
    /// Percent-encoding: `%` followed by two hex digits.
    PercentEncoded,
    /// Piece number and total, halves of equal length, 1 ≤ piece ≤ total.
    PieceOfTotal,
    /// `position/end`, no leading zeros, position ≤ end.
    PositionInSequence,
    /// Winding direction 0, 1 or 9.
    Winding,
    /// 0 or 1.
    YesNo,
    /// Hyphens only.
    Hyphen,
    /// Importer index: one of `-`, 0-9, A-Z, `_`, a-z.
    ImporterIndex,
    /// At least one non-digit.
    HasNonDigit,
    /// North American coupon code (AI 8110).
    CouponCode,
    /// Positive offer file coupon code (AI 8112).
    CouponPositiveOffer,
}

/// What a linter found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A check digit that does not match.
    CheckDigit {
        /// Offset of the check digit in the component.
        offset: usize,
        /// The digit found.
        found: char,
        /// The digit the data calls for.
        expected: char,
    },
    /// Anything else.
    Invalid {
        /// Offset in the component where the problem starts.
        offset: usize,
        /// What is wrong, in words.
        message: String,
    },
}

fn invalid(offset: usize, message: impl Into<String>) -> Result<(), Finding> {
    Err(Finding::Invalid {
        offset,
        message: message.into(),
    })
}

fn digits_at(s: &[u8], from: usize, n: usize) -> Option<u32> {
    let slice = s.get(from..from + n)?;
    slice.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn first_non_digit(s: &[u8]) -> Option<usize> {
    s.iter().position(|b| !b.is_ascii_digit())
}

impl Lint {
    /// Runs the linter on one component's characters.
    pub fn check(self, data: &str) -> Result<(), Finding> {
        let s = data.as_bytes();
        match self {
            Lint::Csum => csum(s),
            Lint::CsumAlpha => csum_alpha(s),
            Lint::GcpPos1 => gcp(s, 0),
            Lint::GcpPos2 => {
                if s.is_empty() {
                    return invalid(0, "too short to hold a GS1 Company Prefix");
                }
                gcp(&s[1..], 1)
            }
            Lint::YyMmD0 => yymmdd(s, true),
            Lint::YyMmDd => yymmdd(s, false),
            Lint::YyyyMmD0 => yyyymmdd(s, true),
            Lint::YyyyMmDd => yyyymmdd(s, false),
            Lint::Hh => two_digits(s, 23, "hour"),
            Lint::Mi => two_digits(s, 59, "minute"),
            Lint::Ss => two_digits(s, 59, "second"),
            Lint::HhMi => {
                if s.len() != 4 {
                    return invalid(0, "a time HHMI takes 4 digits");
                }
                two_digits(&s[..2], 23, "hour")?;
                two_digits(&s[2..], 59, "minute").map_err(|f| shift(f, 2))
            }
            Lint::Iso3166 => numeric_code(s, ISO3166, false, "an ISO 3166 country code"),
            Lint::Iso3166Or999 => numeric_code(s, ISO3166, true, "an ISO 3166 country code or 999"),
            Lint::Iso3166Alpha2 => {
                if ISO3166_ALPHA2.binary_search(&data).is_ok() {
                    Ok(())
                } else {
                    invalid(0, format!("{data} is not an ISO 3166 alpha-2 country code"))
                }
            }
            Lint::Iso4217 => numeric_code(s, ISO4217, false, "an ISO 4217 currency code"),
            Lint::Iso5218 => one_of(s, b"0129", "a sex code of ISO/IEC 5218 (0, 1, 2 or 9)"),
            Lint::Iban => iban(s),
            Lint::Latitude => bounded(s, 10, 1_800_000_000, "latitude"),
            Lint::Longitude => bounded(s, 10, 3_600_000_000, "longitude"),
            Lint::MediaType => numeric_code(s, MEDIA_TYPES, false, "an AIDC media type"),
            Lint::NonZero => {
                if s.iter().all(|&b| b == b'0') {
                    invalid(0, "must not be zero")
                } else {
                    Ok(())
                }
            }
            Lint::NoZeroPrefix => {
                if s.first() == Some(&b'0') {
                    invalid(0, "must not start with 0")
                } else {
                    Ok(())
                }
            }
            Lint::Zero => {
                if !s.is_empty() && s.iter().all(|&b| b == b'0') {
                    Ok(())
                } else {
                    invalid(0, "must be 0")
                }
            }
            Lint::PackageType => {
                if PACKAGE_TYPES.binary_search(&data).is_ok() {
                    Ok(())
                } else {
                    invalid(0, format!("{data} is not a package type code"))
                }
            }
            Lint::PercentEncoded => percent(s),
            Lint::PieceOfTotal => piece_of_total(s),
            Lint::PositionInSequence => position_in_sequence(s),
            Lint::Winding => one_of(s, b"019", "a winding direction (0, 1 or 9)"),
            Lint::YesNo => one_of(s, b"01", "0 (no) or 1 (yes)"),
            Lint::Hyphen => {
                if !s.is_empty() && s.iter().all(|&b| b == b'-') {
                    Ok(())
                } else {
                    invalid(0, "must be '-'")
                }
            }
            Lint::ImporterIndex => {
                if s.len() == 1 && (s[0].is_ascii_alphanumeric() || s[0] == b'-' || s[0] == b'_') {
                    Ok(())
                } else {
                    invalid(0, "an importer index is one of - 0-9 A-Z _ a-z")
                }
            }
            Lint::HasNonDigit => {
                if first_non_digit(s).is_some() {
                    Ok(())
                } else {
                    invalid(0, "must contain a character other than a digit")
                }
            }
            Lint::CouponCode => coupon_code(s),
            Lint::CouponPositiveOffer => coupon_positive_offer(s),
        }
    }
}

fn shift(f: Finding, by: usize) -> Finding {
    match f {
        Finding::CheckDigit {
            offset,
            found,
            expected,
        } => Finding::CheckDigit {
            offset: offset + by,
            found,
            expected,
        },
        Finding::Invalid { offset, message } => Finding::Invalid {
            offset: offset + by,
            message,
        },
    }
}

fn csum(s: &[u8]) -> Result<(), Finding> {
    if let Some(p) = first_non_digit(s) {
        return invalid(p, "a check digit needs digits only");
    }
    let Some((&last, body)) = s.split_last() else {
        return invalid(0, "a check digit needs at least one digit");
    };
    let body: Vec<u32> = body.iter().map(|&b| u32::from(b - b'0')).collect();
    let expected = super::check_digit(&body);
    if u32::from(last - b'0') == expected {
        Ok(())
    } else {
        Err(Finding::CheckDigit {
            offset: s.len() - 1,
            found: char::from(last),
            expected: char::from_digit(expected, 10).unwrap_or('?'),
        })
    }
}

fn csum_alpha(s: &[u8]) -> Result<(), Finding> {
    const CSET32: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    const CSET82: &[u8] =
        b"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    if s.len() < 2 {
        return invalid(0, "too short for a check character pair");
    }
    // The first primes, weights from the right of the data before the pair.
    let primes: Vec<u32> = (2u32..)
        .filter(|n| (2..*n).take_while(|d| d * d <= *n).all(|d| n % d != 0))
        .take(s.len() - 2)
        .collect();
    let body = &s[..s.len() - 2];
    let mut sum = 0u32;
    for (i, &b) in body.iter().enumerate() {
        let Some(w) = CSET82.iter().position(|&c| c == b) else {
            return invalid(i, "not in GS1 character set 82");
        };
        sum += w as u32 * primes[body.len() - 1 - i];
    }
    sum %= 1021;
    let pair = [CSET32[(sum >> 5) as usize], CSET32[(sum & 31) as usize]];
    if s[s.len() - 2..] == pair {
        Ok(())
    } else {
        invalid(
            s.len() - 2,
            format!(
                "check character pair {} is wrong, expected {}",
                String::from_utf8_lossy(&s[s.len() - 2..]),
                String::from_utf8_lossy(&pair)
            ),
        )
    }
}

fn gcp(s: &[u8], base: usize) -> Result<(), Finding> {
    const GCP_MIN: usize = 4;
    if s.len() < GCP_MIN {
        return invalid(
            base,
            "too short to hold a GS1 Company Prefix (at least 4 digits)",
        );
    }
    if let Some(p) = first_non_digit(&s[..GCP_MIN]) {
        return invalid(
            base + p,
            "a GS1 Company Prefix (at least 4 digits) must start here",
        );
    }
    Ok(())
}

/// The century of a two-digit year, by GS1's sliding window around the current year (General Specifications
/// 7.12): up to 49 years ahead and 50 years back.
fn century(yy: u32) -> u32 {
    use chrono::Datelike;
    let now = chrono::Utc::now().year() as u32;
    let (century, current) = (now / 100, now % 100);
    let diff = yy as i64 - current as i64;
    if diff >= 51 {
        century - 1
    } else if diff > -50 {
        century
    } else {
        century + 1
    }
}

fn yymmdd(s: &[u8], day_zero: bool) -> Result<(), Finding> {
    let Some(yy) = digits_at(s, 0, 2).filter(|_| s.len() == 6) else {
        return invalid(0, "a date YYMMDD takes 6 digits");
    };
    date(century(yy) * 100 + yy, s, 2, day_zero)
}

fn yyyymmdd(s: &[u8], day_zero: bool) -> Result<(), Finding> {
    let Some(year) = digits_at(s, 0, 4).filter(|_| s.len() == 8) else {
        return invalid(0, "a date YYYYMMDD takes 8 digits");
    };
    date(year, s, 4, day_zero)
}

/// The English name of a month 1–12 (the caller has checked the range).
fn month_name(month: u32) -> &'static str {
    u8::try_from(month)
        .ok()
        .and_then(|m| chrono::Month::try_from(m).ok())
        .map_or("?", |m| m.name())
}

fn date(year: u32, s: &[u8], month_at: usize, day_zero: bool) -> Result<(), Finding> {
    let (Some(month), Some(day)) = (digits_at(s, month_at, 2), digits_at(s, month_at + 2, 2))
    else {
        return invalid(0, "a date takes digits only");
    };
    if !(1..=12).contains(&month) {
        return invalid(month_at, format!("month {month:02} does not exist"));
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let name = month_name(month);
    if day == 0 && !day_zero {
        return invalid(
            month_at + 2,
            "day 00 is not allowed here (it means 'end of month' only in AIs that allow it)",
        );
    }
    if day > days {
        return invalid(
            month_at + 2,
            format!("day {day} does not exist: {name} {year} has {days} days"),
        );
    }
    Ok(())
}

fn two_digits(s: &[u8], max: u32, what: &str) -> Result<(), Finding> {
    match digits_at(s, 0, 2).filter(|_| s.len() == 2) {
        None => invalid(0, format!("the {what} takes 2 digits")),
        Some(v) if v > max => invalid(0, format!("{what} {v:02} does not exist (00 to {max})")),
        Some(_) => Ok(()),
    }
}

fn numeric_code(s: &[u8], list: &[u16], allow_999: bool, what: &str) -> Result<(), Finding> {
    let text = String::from_utf8_lossy(s);
    let code = text
        .parse::<u16>()
        .ok()
        .filter(|_| s.len() == 3 || s.len() == 2);
    match code {
        Some(999) if allow_999 && s.len() == 3 => Ok(()),
        Some(c) if list.binary_search(&c).is_ok() => Ok(()),
        _ => invalid(0, format!("{text} is not {what}")),
    }
}

fn one_of(s: &[u8], allowed: &[u8], what: &str) -> Result<(), Finding> {
    if s.len() == 1 && allowed.contains(&s[0]) {
        Ok(())
    } else {
        invalid(0, format!("must be {what}"))
    }
}

fn bounded(s: &[u8], len: usize, max: u64, what: &str) -> Result<(), Finding> {
    let value = String::from_utf8_lossy(s).parse::<u64>().ok();
    match value.filter(|_| s.len() == len) {
        Some(v) if v <= max => Ok(()),
        _ => invalid(0, format!("the {what} is {len} digits from 0 to {max}")),
    }
}

fn iban(s: &[u8]) -> Result<(), Finding> {
    if s.len() < 5 {
        return invalid(0, "an IBAN has at least 5 characters");
    }
    let country = String::from_utf8_lossy(&s[..2]);
    if ISO3166_ALPHA2.binary_search(&country.as_ref()).is_err() {
        return invalid(
            0,
            format!("an IBAN starts with an ISO 3166 country code, not {country}"),
        );
    }
    if s.len() > 34 {
        return invalid(0, "an IBAN has at most 34 characters");
    }
    let mut rem = 0u32;
    for i in (4..s.len()).chain(0..4) {
        let b = s[i];
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return invalid(i, "an IBAN takes digits and upper-case letters only"),
        };
        rem = (rem * if v < 10 { 10 } else { 100 } + v) % 97;
    }
    if rem == 1 {
        Ok(())
    } else {
        invalid(2, "the IBAN's check digits are wrong")
    }
}

fn percent(s: &[u8]) -> Result<(), Finding> {
    for (i, &b) in s.iter().enumerate() {
        if b == b'%' {
            let ok = s
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !ok {
                return invalid(i, "'%' must be followed by two hexadecimal digits");
            }
        }
    }
    Ok(())
}

fn piece_of_total(s: &[u8]) -> Result<(), Finding> {
    if s.is_empty() || s.len() % 2 != 0 {
        return invalid(0, "piece and total must have the same number of digits");
    }
    let (piece, total) = s.split_at(s.len() / 2);
    if piece.iter().all(|&b| b == b'0') {
        return invalid(0, "the piece number must not be zero");
    }
    if total.iter().all(|&b| b == b'0') {
        return invalid(piece.len(), "the total number of pieces must not be zero");
    }
    if piece > total {
        return invalid(0, "the piece number exceeds the total");
    }
    Ok(())
}

fn position_in_sequence(s: &[u8]) -> Result<(), Finding> {
    let malformed = || invalid(0, "expected position/end, e.g. 1/2");
    let Some(slash) = s.iter().position(|&b| b == b'/') else {
        return malformed();
    };
    let (pos, end) = (&s[..slash], &s[slash + 1..]);
    if pos.is_empty()
        || end.is_empty()
        || first_non_digit(pos).is_some()
        || first_non_digit(end).is_some()
    {
        return malformed();
    }
    if pos[0] == b'0' {
        return invalid(0, "the position must not start with 0");
    }
    if end[0] == b'0' {
        return invalid(slash + 1, "the end must not start with 0");
    }
    if (pos.len(), pos) > (end.len(), end) {
        return invalid(0, "the position exceeds the end");
    }
    Ok(())
}

/// A cursor over a coupon code's digits, for the variable-length-indicator fields.
struct Coupon<'a> {
    s: &'a [u8],
    p: usize,
}

impl Coupon<'_> {
    fn digit(&mut self, what: &str) -> Result<u32, Finding> {
        match self.s.get(self.p) {
            Some(&b) => {
                self.p += 1;
                Ok(u32::from(b - b'0'))
            }
            None => Err(Finding::Invalid {
                offset: self.p,
                message: format!("coupon: {what} is missing"),
            }),
        }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&[u8], Finding> {
        if self.s.len() - self.p < n {
            return Err(Finding::Invalid {
                offset: self.p,
                message: format!("coupon: {what} is cut short ({n} digits expected)"),
            });
        }
        self.p += n;
        Ok(&self.s[self.p - n..self.p])
    }

    fn bad<T>(&self, what: &str) -> Result<T, Finding> {
        Err(Finding::Invalid {
            offset: self.p.saturating_sub(1),
            message: format!("coupon: {what}"),
        })
    }

    fn gcp(&mut self, n: usize, what: &str) -> Result<(), Finding> {
        let at = self.p;
        let field = self.take(n, what)?;
        gcp(field, 0).map_err(|f| shift(f, at))
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.p).copied()
    }
}

fn coupon_digits(s: &[u8]) -> Result<(), Finding> {
    match first_non_digit(s) {
        Some(p) => invalid(p, "a coupon code takes digits only"),
        None => Ok(()),
    }
}

/// A purchase requirement: length indicator 1-5, the value, a code 0-4 or 9, a 3-digit family code.
fn purchase_requirement(c: &mut Coupon, which: &str) -> Result<(), Finding> {
    let vli = c.digit(&format!("the {which} purchase requirement length"))?;
    if !(1..=5).contains(&vli) {
        return c.bad(&format!(
            "the {which} purchase requirement length must be 1 to 5"
        ));
    }
    c.take(vli as usize, &format!("the {which} purchase requirement"))?;
    let code = c.digit(&format!("the {which} purchase requirement code"))?;
    if code > 4 && code != 9 {
        return c.bad(&format!(
            "the {which} purchase requirement code must be 0-4 or 9"
        ));
    }
    c.take(3, &format!("the {which} purchase family code"))?;
    Ok(())
}

/// An optional company prefix for a later purchase requirement: length indicator 0-6 (+6 digits) or 9 (none).
fn purchase_gcp(c: &mut Coupon, which: &str) -> Result<(), Finding> {
    let vli = c.digit(&format!("the {which} purchase company prefix length"))?;
    if vli > 6 && vli != 9 {
        return c.bad(&format!(
            "the {which} purchase company prefix length must be 0-6 or 9"
        ));
    }
    if vli != 9 {
        c.gcp(
            vli as usize + 6,
            &format!("the {which} purchase company prefix"),
        )?;
    }
    Ok(())
}

fn coupon_code(s: &[u8]) -> Result<(), Finding> {
    coupon_digits(s)?;
    let mut c = Coupon { s, p: 0 };
    let vli = c.digit("the company prefix length")?;
    if vli > 6 {
        return c.bad("the company prefix length must be 0 to 6");
    }
    c.gcp(vli as usize + 6, "the company prefix")?;
    c.take(6, "the offer code")?;
    let vli = c.digit("the save value length")?;
    if !(1..=5).contains(&vli) {
        return c.bad("the save value length must be 1 to 5");
    }
    c.take(vli as usize, "the save value")?;
    purchase_requirement(&mut c, "first")?;
    if c.peek() == Some(b'1') {
        c.p += 1;
        let rules = c.digit("the additional purchase rules code")?;
        if rules > 3 {
            return c.bad("the additional purchase rules code must be 0 to 3");
        }
        purchase_requirement(&mut c, "second")?;
        purchase_gcp(&mut c, "second")?;
    }
    if c.peek() == Some(b'2') {
        c.p += 1;
        purchase_requirement(&mut c, "third")?;
        purchase_gcp(&mut c, "third")?;
    }
    let mut expiry: Option<Vec<u8>> = None;
    if c.peek() == Some(b'3') {
        c.p += 1;
        let at = c.p;
        let d = c.take(6, "the expiration date")?.to_vec();
        yymmdd(&d, false).map_err(|_| Finding::Invalid {
            offset: at,
            message: "coupon: the expiration date is not a date YYMMDD".into(),
        })?;
        expiry = Some(d);
    }
    if c.peek() == Some(b'4') {
        c.p += 1;
        let at = c.p;
        let d = c.take(6, "the start date")?.to_vec();
        yymmdd(&d, false).map_err(|_| Finding::Invalid {
            offset: at,
            message: "coupon: the start date is not a date YYMMDD".into(),
        })?;
        if expiry.as_ref().is_some_and(|e| d > *e) {
            return invalid(at, "coupon: the start date is after the expiration date");
        }
    }
    if c.peek() == Some(b'5') {
        c.p += 1;
        let vli = c.digit("the serial number length")?;
        c.take(vli as usize + 6, "the serial number")?;
    }
    if c.peek() == Some(b'6') {
        c.p += 1;
        let vli = c.digit("the retailer company prefix or GLN length")?;
        if !(1..=7).contains(&vli) {
            return c.bad("the retailer company prefix or GLN length must be 1 to 7");
        }
        c.gcp(vli as usize + 6, "the retailer company prefix or GLN")?;
    }
    if c.peek() == Some(b'9') {
        c.p += 1;
        let code = c.digit("the save value code")?;
        if ![0, 1, 2, 5, 6].contains(&code) {
            return c.bad("the save value code must be 0, 1, 2, 5 or 6");
        }
        if c.digit("the save value applies-to-item code")? > 2 {
            return c.bad("the save value applies-to-item code must be 0 to 2");
        }
        c.digit("the store coupon flag")?;
        if c.digit("the don't-multiply flag")? > 1 {
            return c.bad("the don't-multiply flag must be 0 or 1");
        }
    }
    if c.p != s.len() {
        return invalid(c.p, "coupon: unexpected data after the last field");
    }
    Ok(())
}

fn coupon_positive_offer(s: &[u8]) -> Result<(), Finding> {
    coupon_digits(s)?;
    let mut c = Coupon { s, p: 0 };
    if c.digit("the format code")? > 1 {
        return c.bad("the format code must be 0 or 1");
    }
    let vli = c.digit("the funder ID length")?;
    if vli > 6 {
        return c.bad("the funder ID length must be 0 to 6");
    }
    c.take(vli as usize + 6, "the funder ID")?;
    c.take(6, "the offer code")?;
    let vli = c.digit("the serial number length")?;
    c.take(vli as usize + 6, "the serial number")?;
    if c.p != s.len() {
        return invalid(c.p, "coupon: unexpected data after the serial number");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(l: Lint, s: &str) -> bool {
        l.check(s).is_ok()
    }

    #[test]
    fn dates_know_leap_years_and_day_zero() {
        assert!(ok(Lint::YyMmD0, "240229"));
        assert!(!ok(Lint::YyMmD0, "230229"));
        assert!(ok(Lint::YyMmD0, "230200"));
        assert!(!ok(Lint::YyMmDd, "230200"));
        assert!(ok(Lint::YyyyMmDd, "20000229"));
        assert!(!ok(Lint::YyyyMmDd, "19000229"));
        assert!(!ok(Lint::YyMmDd, "231301"));
        assert!(!ok(Lint::YyMmDd, "230431"));
    }

    #[test]
    fn code_lists_and_checks() {
        assert!(ok(Lint::Iso3166, "643"));
        assert!(!ok(Lint::Iso3166, "999"));
        assert!(ok(Lint::Iso3166Or999, "999"));
        assert!(ok(Lint::Iso3166Alpha2, "RU"));
        assert!(!ok(Lint::Iso3166Alpha2, "XX"));
        assert!(ok(Lint::Iso4217, "643"));
        assert!(ok(Lint::Iban, "GB82WEST12345698765432"));
        assert!(!ok(Lint::Iban, "GB83WEST12345698765432"));
        assert!(ok(Lint::PieceOfTotal, "0102"));
        assert!(!ok(Lint::PieceOfTotal, "0301"));
        assert!(ok(Lint::PositionInSequence, "1/2"));
        assert!(!ok(Lint::PositionInSequence, "3/2"));
        // GMN example from the GS1 General Specifications.
        assert!(ok(Lint::CsumAlpha, "1987654Ad4X4bL5ttr2310c2K"));
        assert!(!ok(Lint::CsumAlpha, "1987654Ad4X4bL5ttr2310c3K"));
        assert!(ok(Lint::PackageType, "BX"));
        assert!(!ok(Lint::PackageType, "ZZZ"));
        assert_eq!(
            Lint::Csum.check("04601234567894"),
            Err(Finding::CheckDigit {
                offset: 13,
                found: '4',
                expected: '3'
            })
        );
    }
}
