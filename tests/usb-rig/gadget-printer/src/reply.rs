//! What the fake printer answers: the USB port status byte and each language's status reply.

use crate::stream::Query;

/// `linux/usb/g_printer.h` port status bits (the same byte GET_PORT_STATUS returns to the host).
pub const PRINTER_NOT_ERROR: u8 = 0x08;
pub const PRINTER_SELECTED: u8 = 0x10;
pub const PRINTER_PAPER_EMPTY: u8 = 0x20;

/// The faults the fake printer reports, set by command-line flags.
#[derive(Clone, Copy, Debug, Default)]
pub struct Faults {
    pub paper_empty: bool,
    pub head_open: bool,
    /// Any other error (ESC/POS: unrecoverable error; TSPL: paper jam; ZPL: pause flag).
    pub error: bool,
}

impl Faults {
    /// The IEEE-1284 port status. Paper empty has its own bit (0x38, as the reference rig measured);
    /// head open and other errors clear NOT_ERROR.
    pub fn port_status(self) -> u8 {
        let mut status = PRINTER_SELECTED;
        if self.paper_empty {
            status |= PRINTER_PAPER_EMPTY;
        }
        if !(self.head_open || self.error) {
            status |= PRINTER_NOT_ERROR;
        }
        status
    }

    /// The bytes a printer in this state answers to `query`.
    pub fn reply(self, query: Query) -> Vec<u8> {
        match query {
            Query::EscPosDleEot(n) => vec![self.escpos(n)],
            Query::TsplStatus => vec![self.tspl()],
            Query::ZplHostStatus => self.zpl(),
        }
    }

    /// ESC/POS real-time status: fixed bits 1 and 4 set, bit 7 clear (pattern 0xx1xx10).
    fn escpos(self, n: u8) -> u8 {
        let mut byte = 0x12;
        let offline = self.paper_empty || self.head_open || self.error;
        match n {
            1 if offline => byte |= 0x08,
            2 => {
                if self.head_open {
                    byte |= 0x04;
                }
                if self.paper_empty {
                    byte |= 0x20;
                }
                if self.error {
                    byte |= 0x40;
                }
            }
            3 if self.error => byte |= 0x20,
            4 if self.paper_empty => byte |= 0x6C,
            _ => {}
        }
        byte
    }

    /// TSPL `<ESC>!?`: bit 0 head open, bit 1 paper jam, bit 2 out of paper; 0 = ready.
    fn tspl(self) -> u8 {
        let mut byte = 0;
        if self.head_open {
            byte |= 0x01;
        }
        if self.error {
            byte |= 0x02;
        }
        if self.paper_empty {
            byte |= 0x04;
        }
        byte
    }

    /// ZPL `~HS`: three `<STX>…<ETX><CR><LF>` lines; line 1 field 2 = paper out, field 3 = pause,
    /// line 2 field 3 = head up. A 960-dot label length, nothing queued.
    fn zpl(self) -> Vec<u8> {
        let flag = |on: bool| if on { '1' } else { '0' };
        let line1 = format!(
            "030,{},{},0960,000,0,0,0,000,0,0,0",
            flag(self.paper_empty),
            flag(self.error)
        );
        let line2 = format!("000,0,{},0,0,2,6,0,00000000,1,000", flag(self.head_open));
        let line3 = "1234,0";
        let mut out = Vec::new();
        for line in [line1.as_str(), line2.as_str(), line3] {
            out.push(0x02);
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\x03\r\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_printer() {
        let ok = Faults::default();
        assert_eq!(ok.port_status(), 0x18);
        assert_eq!(ok.reply(Query::TsplStatus), vec![0x00]);
        assert_eq!(ok.reply(Query::EscPosDleEot(1)), vec![0x12]);
        let zpl = String::from_utf8(ok.reply(Query::ZplHostStatus)).unwrap();
        assert_eq!(zpl.matches('\x02').count(), 3);
        assert!(zpl.starts_with("\x02030,0,0,0960,"));
    }

    #[test]
    fn paper_empty_everywhere() {
        let out = Faults {
            paper_empty: true,
            ..Faults::default()
        };
        assert_eq!(out.port_status(), 0x38);
        assert_eq!(out.reply(Query::TsplStatus), vec![0x04]);
        assert_eq!(out.reply(Query::EscPosDleEot(2)), vec![0x32]);
        assert_eq!(out.reply(Query::EscPosDleEot(4)), vec![0x7E]);
        assert!(String::from_utf8(out.reply(Query::ZplHostStatus))
            .unwrap()
            .starts_with("\x02030,1,"));
    }
}
