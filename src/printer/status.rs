//! What a printer says about itself: the USB port status byte and each language's status reply, read into
//! one list of conditions.
//!
//! Every parser takes the bytes as received and never fails: a reply it cannot read yields `None`, and a
//! printer that does not answer is simply a printer whose state is unknown (many clones ignore queries).

use super::profile::Language;

/// One condition a printer reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Out of paper or labels.
    PaperOut,
    /// Paper is running low (still prints).
    PaperLow,
    /// Print head (or lid) open.
    HeadOpen,
    /// Cover open.
    CoverOpen,
    /// Paper jam.
    PaperJam,
    /// Out of ribbon (thermal transfer mode).
    RibbonOut,
    /// Paused: the printer buffers the job and prints after it is resumed.
    Paused,
    /// Busy printing.
    Printing,
    /// Off line.
    Offline,
    /// A general or unrecoverable error.
    Error,
    /// Head too hot.
    OverTemperature,
    /// Head too cold.
    UnderTemperature,
}

impl Condition {
    /// Whether a job sent now would not print: the printer is refused while this holds.
    pub fn blocks_printing(self) -> bool {
        !matches!(
            self,
            Condition::PaperLow | Condition::Paused | Condition::Printing
        )
    }

    fn text(self) -> &'static str {
        match self {
            Condition::PaperOut => "paper out",
            Condition::PaperLow => "paper low",
            Condition::HeadOpen => "head open",
            Condition::CoverOpen => "cover open",
            Condition::PaperJam => "paper jam",
            Condition::RibbonOut => "ribbon out",
            Condition::Paused => "paused",
            Condition::Printing => "printing",
            Condition::Offline => "off line",
            Condition::Error => "error",
            Condition::OverTemperature => "head over temperature",
            Condition::UnderTemperature => "head under temperature",
        }
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

/// What the printer said, from one or more sources (USB port status, a language's status reply).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrinterStatus {
    /// Conditions reported, without duplicates, in the order first seen.
    pub conditions: Vec<Condition>,
    /// Where each part came from and the raw value, e.g. `USB port status 0x18`.
    pub sources: Vec<String>,
}

impl PrinterStatus {
    fn from_source(source: String) -> PrinterStatus {
        PrinterStatus {
            conditions: Vec::new(),
            sources: vec![source],
        }
    }

    fn add(&mut self, condition: Condition) {
        if !self.conditions.contains(&condition) {
            self.conditions.push(condition);
        }
    }

    /// Adds another source's conditions to this status.
    pub fn merge(&mut self, other: PrinterStatus) {
        for c in other.conditions {
            self.add(c);
        }
        self.sources.extend(other.sources);
    }

    /// The conditions that stop a job from printing (paper out, head open, error…).
    pub fn blocking(&self) -> Vec<Condition> {
        self.conditions
            .iter()
            .copied()
            .filter(|c| c.blocks_printing())
            .collect()
    }

    /// Whether the printer reported nothing that stops printing.
    pub fn is_ready(&self) -> bool {
        self.blocking().is_empty()
    }
}

impl std::fmt::Display for PrinterStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.conditions.is_empty() {
            f.write_str("ready")?;
        } else {
            let names: Vec<&str> = self.conditions.iter().map(|c| c.text()).collect();
            f.write_str(&names.join(", "))?;
        }
        if !self.sources.is_empty() {
            write!(f, " ({})", self.sources.join("; "))?;
        }
        Ok(())
    }
}

/// Bits of the USB printer class GET_PORT_STATUS byte.
pub mod port_bits {
    /// Out of paper.
    pub const PAPER_EMPTY: u8 = 0x20;
    /// On line.
    pub const SELECTED: u8 = 0x10;
    /// No error (the bit is set when all is well).
    pub const NOT_ERROR: u8 = 0x08;
}

/// Reads the USB printer class port status byte (GET_PORT_STATUS).
pub fn from_port_status(byte: u8) -> PrinterStatus {
    let mut status = PrinterStatus::from_source(format!("USB port status 0x{byte:02x}"));
    if byte & port_bits::PAPER_EMPTY != 0 {
        status.add(Condition::PaperOut);
    }
    if byte & port_bits::NOT_ERROR == 0 {
        status.add(Condition::Error);
    }
    if byte & port_bits::SELECTED == 0 {
        status.add(Condition::Offline);
    }
    status
}

/// The bytes that ask a printer of `language` for its status.
pub fn query(language: Language) -> &'static [u8] {
    match language {
        // DLE EOT 1 (printer), 2 (off-line cause), 4 (paper sensor).
        Language::Escpos => b"\x10\x04\x01\x10\x04\x02\x10\x04\x04",
        Language::Tspl => b"\x1b!?",
        Language::Zpl => b"~HS",
    }
}

/// Whether `reply` holds the whole answer to [`query`], so the reader can stop waiting.
pub fn reply_complete(language: Language, reply: &[u8]) -> bool {
    match language {
        Language::Escpos => reply.len() >= 3,
        Language::Tspl => !reply.is_empty(),
        Language::Zpl => reply.iter().filter(|&&b| b == 0x03).count() >= 3,
    }
}

/// Reads a reply to [`query`]; `None` when there was no reply or it is not one.
pub fn parse_reply(language: Language, reply: &[u8]) -> Option<PrinterStatus> {
    match language {
        Language::Escpos => parse_escpos(reply),
        Language::Tspl => parse_tspl(reply),
        Language::Zpl => parse_zpl_host_status(reply),
    }
}

/// TSPL `<ESC>!?`: one byte, 0 = ready. More than one byte is not a reply to the query: unknown.
pub fn parse_tspl(reply: &[u8]) -> Option<PrinterStatus> {
    let &[byte] = reply else {
        return None;
    };
    let mut status = PrinterStatus::from_source(format!("TSPL status 0x{byte:02x}"));
    let bits = [
        (0x01, Condition::HeadOpen),
        (0x02, Condition::PaperJam),
        (0x04, Condition::PaperOut),
        (0x08, Condition::RibbonOut),
        (0x10, Condition::Paused),
        (0x20, Condition::Printing),
        (0x40, Condition::CoverOpen),
        (0x80, Condition::OverTemperature),
    ];
    for (bit, condition) in bits {
        if byte & bit != 0 {
            status.add(condition);
        }
    }
    Some(status)
}

/// ESC/POS `DLE EOT 1`, `2`, `4` replies, one byte each, in that order. Every byte must have the
/// fixed bits of a status reply (`0xx1xx10`): a reply with any other byte is not one, and the status is
/// unknown rather than read from the bytes that happen to fit.
pub fn parse_escpos(reply: &[u8]) -> Option<PrinterStatus> {
    if reply.is_empty() || reply.len() > 3 || reply.iter().any(|b| b & 0x93 != 0x12) {
        return None;
    }
    let valid = reply.to_vec();
    let hex: Vec<String> = valid.iter().map(|b| format!("0x{b:02x}")).collect();
    let mut status = PrinterStatus::from_source(format!("ESC/POS DLE EOT {}", hex.join(" ")));
    if let Some(&printer) = valid.first() {
        if printer & 0x08 != 0 {
            status.add(Condition::Offline);
        }
    }
    if let Some(&cause) = valid.get(1) {
        if cause & 0x04 != 0 {
            status.add(Condition::CoverOpen);
        }
        if cause & 0x20 != 0 {
            status.add(Condition::PaperOut);
        }
        if cause & 0x40 != 0 {
            status.add(Condition::Error);
        }
    }
    if let Some(&paper) = valid.get(2) {
        if paper & 0x60 != 0 {
            status.add(Condition::PaperOut);
        } else if paper & 0x0c != 0 {
            status.add(Condition::PaperLow);
        }
    }
    Some(status)
}

/// ZPL `~HS`: up to three `<STX>fields<ETX><CR><LF>` strings. The first gives paper out, pause and the
/// temperatures; the second head up and ribbon out. `None` (unknown) unless at least the first string is
/// whole and every whole string has the fields of a host status string: all digits, the flags `0` or
/// `1`. Anything else is garbage, never "ready".
pub fn parse_zpl_host_status(reply: &[u8]) -> Option<PrinterStatus> {
    let text = String::from_utf8_lossy(reply);
    let mut lines = Vec::new();
    let mut rest: &str = &text;
    while let Some(start) = rest.find('\x02') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('\x03') else { break };
        lines.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    let first: Vec<&str> = lines.first()?.split(',').map(str::trim).collect();
    // String 1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l (flags b c f g h j k l); string 2:
    // mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www (flags n o p q t v).
    let digits = |f: &&str| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit());
    let well_formed = |fields: &[&str], count: usize, flags: &[usize]| {
        fields.len() == count
            && fields.iter().all(digits)
            && flags.iter().all(|&i| matches!(fields[i], "0" | "1"))
    };
    if !well_formed(&first, 12, &[1, 2, 5, 6, 7, 9, 10, 11]) {
        return None;
    }
    if let Some(second) = lines.get(1) {
        let second: Vec<&str> = second.split(',').map(str::trim).collect();
        if !well_formed(&second, 11, &[1, 2, 3, 4, 7, 9]) {
            return None;
        }
    }
    let flag = |fields: &[&str], i: usize| fields.get(i).is_some_and(|f| *f == "1");
    let mut status = PrinterStatus::from_source(format!("ZPL ~HS \"{}\"", lines.join("\" \"")));
    if flag(&first, 1) {
        status.add(Condition::PaperOut);
    }
    if flag(&first, 2) {
        status.add(Condition::Paused);
    }
    if flag(&first, 10) {
        status.add(Condition::UnderTemperature);
    }
    if flag(&first, 11) {
        status.add(Condition::OverTemperature);
    }
    if let Some(second) = lines.get(1) {
        let second: Vec<&str> = second.split(',').map(str::trim).collect();
        if flag(&second, 2) {
            status.add(Condition::HeadOpen);
        }
        // Ribbon out only matters in thermal-transfer mode (q = 1).
        if flag(&second, 3) && flag(&second, 4) {
            status.add(Condition::RibbonOut);
        }
    }
    Some(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_status_bits() {
        assert!(from_port_status(0x18).is_ready());
        assert_eq!(
            from_port_status(0x18).to_string(),
            "ready (USB port status 0x18)"
        );
        let s = from_port_status(0x38);
        assert_eq!(s.conditions, vec![Condition::PaperOut]);
        assert!(!s.is_ready());
        assert_eq!(from_port_status(0x10).conditions, vec![Condition::Error]);
        assert_eq!(from_port_status(0x08).conditions, vec![Condition::Offline]);
    }

    #[test]
    fn tspl_byte() {
        assert!(parse_tspl(&[0]).unwrap().is_ready());
        let s = parse_tspl(&[0x05]).unwrap();
        assert_eq!(s.conditions, vec![Condition::HeadOpen, Condition::PaperOut]);
        assert!(
            parse_tspl(&[0x20]).unwrap().is_ready(),
            "printing is not a fault"
        );
        assert!(parse_tspl(&[]).is_none());
        assert!(parse_tspl(b"0\r\n").is_none(), "text is not a status byte");
    }

    #[test]
    fn escpos_bytes() {
        // 0x12 = fixed bits only: all well.
        assert!(parse_escpos(&[0x12, 0x12, 0x12]).unwrap().is_ready());
        let s = parse_escpos(&[0x1a, 0x32, 0x72]).unwrap();
        assert!(s.conditions.contains(&Condition::Offline));
        assert!(s.conditions.contains(&Condition::PaperOut));
        let low = parse_escpos(&[0x12, 0x12, 0x1e]).unwrap();
        assert_eq!(low.conditions, vec![Condition::PaperLow]);
        assert!(low.is_ready());
        assert!(parse_escpos(&[0xff]).is_none(), "not a status byte");
        assert!(
            parse_escpos(&[0x12, 0xff, 0x12]).is_none(),
            "one wrong byte makes the whole reply unknown"
        );
        assert!(parse_escpos(&[]).is_none());
    }

    #[test]
    fn zpl_host_status() {
        let ready = b"\x02030,0,0,0960,000,0,0,0,000,0,0,0\x03\r\n\x02000,0,0,0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n";
        assert!(reply_complete(Language::Zpl, ready));
        assert!(parse_zpl_host_status(ready).unwrap().is_ready());
        let out = b"\x02030,1,1,0960,000,0,0,0,000,0,0,0\x03\r\n\x02000,0,1,0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n";
        let s = parse_zpl_host_status(out).unwrap();
        assert_eq!(
            s.conditions,
            vec![Condition::PaperOut, Condition::Paused, Condition::HeadOpen]
        );
        let partial = b"\x02030,1,0,0960,000,0,0,0,000,0,0,0\x03\r\n\x02000,0";
        assert!(!reply_complete(Language::Zpl, partial));
        assert_eq!(
            parse_zpl_host_status(partial).unwrap().conditions,
            vec![Condition::PaperOut]
        );
        assert!(parse_zpl_host_status(b"\x02030").is_none());
        assert!(parse_zpl_host_status(b"garbage").is_none());
        for garbage in [
            &b"\x02a,b,c\x03"[..],
            b"\x02030,0,0\x03\r\n",
            b"\x02030,0,0,0960,000,0,0,0,000,0,0,X\x03\r\n",
            b"\x02030,2,0,0960,000,0,0,0,000,0,0,0\x03\r\n",
            b"\x02030,0,0,0960,000,0,0,0,000,0,0,0\x03\r\n\x02\x1b[31m\x03\r\n",
        ] {
            assert!(
                parse_zpl_host_status(garbage).is_none(),
                "{:?} is not a host status reply",
                String::from_utf8_lossy(garbage)
            );
        }
    }

    #[test]
    fn merged_status_reads_as_one_line() {
        let mut s = from_port_status(0x18);
        s.merge(parse_tspl(&[0x04]).unwrap());
        assert_eq!(
            s.to_string(),
            "paper out (USB port status 0x18; TSPL status 0x04)"
        );
    }
}
