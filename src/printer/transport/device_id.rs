//! The IEEE-1284 device ID a USB printer returns for GET_DEVICE_ID, read leniently.
//!
//! The reply is a 2-byte length and a string of `KEY:value;` pairs. The standard length is big-endian and
//! counts itself; firmware in the wild sends it little-endian, or as the string length alone, or cuts the
//! string short (the Linux printer gadget drops its last 2 characters). The length is therefore only a
//! hint, clamped to the bytes actually received, and the pairs are parsed up to wherever the text ends.

use crate::printer::profile::Language;

/// The fields of an IEEE-1284 device ID that matter for picking a printer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceId {
    /// `MFG` / `MANUFACTURER`.
    pub manufacturer: Option<String>,
    /// `MDL` / `MODEL`.
    pub model: Option<String>,
    /// `CMD` / `COMMAND SET`, split on commas.
    pub command_set: Vec<String>,
    /// `CLS` / `CLASS`.
    pub class: Option<String>,
    /// `DES` / `DESCRIPTION`.
    pub description: Option<String>,
    /// `SN` / `SERN` / `SERIALNUMBER`.
    pub serial: Option<String>,
    /// The string as received.
    pub raw: String,
}

impl DeviceId {
    /// Parses the `KEY:value;` string: keys are matched without regard to case or surrounding blanks; a
    /// last pair without its `;` still counts, a key without `:` is ignored.
    pub fn parse(text: &str) -> DeviceId {
        let mut id = DeviceId {
            raw: text.to_string(),
            ..DeviceId::default()
        };
        for pair in text.split(';') {
            let Some((key, value)) = pair.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let slot = match key.trim().to_ascii_uppercase().as_str() {
                "MFG" | "MANUFACTURER" => &mut id.manufacturer,
                "MDL" | "MODEL" => &mut id.model,
                "CLS" | "CLASS" => &mut id.class,
                "DES" | "DESCRIPTION" => &mut id.description,
                "SN" | "SERN" | "SERIALNUMBER" | "SERIAL NUMBER" => &mut id.serial,
                "CMD" | "COMMAND SET" | "COMMANDSET" => {
                    id.command_set = value
                        .split(',')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_string)
                        .collect();
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.to_string());
            }
        }
        id
    }

    /// The command languages this crate can send that the `CMD` list names (a hint: some firmware
    /// reports odd or empty lists, so a profile always has the last word).
    pub fn languages(&self) -> Vec<Language> {
        let mut out = Vec::new();
        for command in &self.command_set {
            let upper = command.to_ascii_uppercase();
            let language = if upper.starts_with("TSPL") {
                Some(Language::Tspl)
            } else if upper.starts_with("ZPL") {
                Some(Language::Zpl)
            } else if upper.replace(['/', '-', ' '], "") == "ESCPOS" {
                Some(Language::Escpos)
            } else {
                None
            };
            if let Some(l) = language.filter(|l| !out.contains(l)) {
                out.push(l);
            }
        }
        out
    }
}

/// Extracts the device ID string from a raw GET_DEVICE_ID reply (`received` = the bytes the transfer
/// returned), accepting both length byte orders, a length with or without its own 2 bytes, and a reply
/// shorter or longer than its length says.
pub fn parse_reply(received: &[u8]) -> Option<DeviceId> {
    if received.len() < 2 {
        return None;
    }
    let body = &received[2..];
    let be = usize::from(u16::from_be_bytes([received[0], received[1]]));
    let le = usize::from(u16::from_le_bytes([received[0], received[1]]));
    // A plausible length is at most what could have arrived (body plus the 2 length bytes).
    let plausible = |n: usize| (2..=received.len() + 2).contains(&n);
    let length = match (plausible(be), plausible(le)) {
        (true, _) => be,
        (false, true) => le,
        (false, false) => be.min(le),
    };
    // The standard length counts its 2 bytes; if exactly the body follows a length that does not, the
    // sender used the string length instead.
    let end = if length == body.len() {
        body.len()
    } else {
        length.saturating_sub(2).min(body.len())
    };
    let text = String::from_utf8_lossy(&body[..end]);
    let text = text.trim_end_matches(['\0', ' ', '\r', '\n']);
    if text.is_empty() {
        return None;
    }
    Some(DeviceId::parse(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_length(length: [u8; 2], text: &str) -> Vec<u8> {
        let mut v = length.to_vec();
        v.extend_from_slice(text.as_bytes());
        v
    }

    const XP: &str = "MFG:Xprinter;CMD:TSPL,ESC/POS;MDL:XP-365B;CLS:PRINTER;";

    #[test]
    fn standard_big_endian_length_counting_itself() {
        let n = (XP.len() + 2) as u16;
        let id = parse_reply(&with_length(n.to_be_bytes(), XP)).unwrap();
        assert_eq!(id.manufacturer.as_deref(), Some("Xprinter"));
        assert_eq!(id.model.as_deref(), Some("XP-365B"));
        assert_eq!(id.command_set, vec!["TSPL", "ESC/POS"]);
        assert_eq!(id.class.as_deref(), Some("PRINTER"));
        assert_eq!(id.languages(), vec![Language::Tspl, Language::Escpos]);
        assert_eq!(id.raw, XP);
    }

    #[test]
    fn little_endian_length() {
        let n = (XP.len() + 2) as u16;
        let id = parse_reply(&with_length(n.to_le_bytes(), XP)).unwrap();
        assert_eq!(id.model.as_deref(), Some("XP-365B"));
        assert_eq!(id.raw, XP);
    }

    #[test]
    fn length_without_its_own_two_bytes() {
        let n = XP.len() as u16;
        let id = parse_reply(&with_length(n.to_be_bytes(), XP)).unwrap();
        assert_eq!(id.raw, XP, "nothing dropped");
        let id = parse_reply(&with_length(n.to_le_bytes(), XP)).unwrap();
        assert_eq!(id.raw, XP);
    }

    #[test]
    fn gadget_reply_cut_by_two_characters() {
        // The Linux printer gadget: length = bytes sent, and the string lost its last 2 characters.
        let cut = &XP[..XP.len() - 2];
        let id = parse_reply(&with_length((cut.len() as u16 + 2).to_be_bytes(), cut)).unwrap();
        assert_eq!(
            id.raw,
            "MFG:Xprinter;CMD:TSPL,ESC/POS;MDL:XP-365B;CLS:PRINTE"
        );
        assert_eq!(id.class.as_deref(), Some("PRINTE"));
        assert_eq!(id.model.as_deref(), Some("XP-365B"));
    }

    #[test]
    fn length_longer_than_what_arrived_is_clamped() {
        let id = parse_reply(&with_length(
            [0x03, 0xff],
            "MFG:Zebra Technologies;MODEL:ZTC GK420d;COMMAND SET:ZPL",
        ))
        .unwrap();
        assert_eq!(id.manufacturer.as_deref(), Some("Zebra Technologies"));
        assert_eq!(id.model.as_deref(), Some("ZTC GK420d"));
        assert_eq!(id.languages(), vec![Language::Zpl]);
    }

    #[test]
    fn truncated_in_the_middle_of_a_key_or_value() {
        let id = DeviceId::parse("MANUFACTURER:Zebra Technologies;COMMAND SET:ZPL,EPL;MOD");
        assert_eq!(id.manufacturer.as_deref(), Some("Zebra Technologies"));
        assert_eq!(id.command_set, vec!["ZPL", "EPL"]);
        assert_eq!(id.model, None);
        let id = DeviceId::parse("MFG:Xprinter;MDL:XP-4");
        assert_eq!(id.model.as_deref(), Some("XP-4"));
    }

    #[test]
    fn keys_ignore_case_and_blanks_and_unknown_commands_are_kept() {
        let id = DeviceId::parse(" mfg : 4BARCODE ; cmd: TSPL2 ;mdl:3B-363B;CLS:PRINTER;");
        assert_eq!(id.manufacturer.as_deref(), Some("4BARCODE"));
        assert_eq!(id.languages(), vec![Language::Tspl]);
        let odd = DeviceId::parse("MFG:Rollo;CMD:XPP,XL;MDL:X1038;");
        assert_eq!(odd.command_set, vec!["XPP", "XL"]);
        assert!(odd.languages().is_empty());
    }

    #[test]
    fn too_short_or_empty_replies() {
        assert!(parse_reply(&[]).is_none());
        assert!(parse_reply(&[0x00]).is_none());
        assert!(parse_reply(&[0x00, 0x02]).is_none());
        assert!(parse_reply(&[0x00, 0x06, 0, 0, 0, 0]).is_none());
    }
}
