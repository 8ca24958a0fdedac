//! What comes from outside into the printer side: a printer's status reply in each language, and a label
//! PNG given to `print`. A reply must be read or be unknown, never panic, and what it says reaches the
//! terminal without control characters; a PNG must decode or be refused, and one whose header claims
//! more than a label's size must be refused before its pixels are allocated (libFuzzer's -rss_limit_mb
//! catches a bomb that gets through).
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use shiplabel::printer::{
    bitmap_from_png, builtin, PrintOptions, Printer, Transport, TransportError,
};

/// A link that answers every status query with the fuzz input.
struct Replies(Vec<u8>);

impl Transport for Replies {
    fn write_all(&mut self, _: &[u8]) -> Result<(), TransportError> {
        Ok(())
    }
    fn read_reply(
        &mut self,
        _: Duration,
        _: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TransportError> {
        Ok(self.0.clone())
    }
    fn can_read(&self) -> bool {
        true
    }
}

fuzz_target!(|data: &[u8]| {
    for profile in ["escpos-80mm", "xprinter-xp420b", "zebra-gk420d"] {
        let Some(profile) = builtin(profile) else {
            return;
        };
        let link = Box::new(Replies(data.to_vec()));
        let mut printer =
            Printer::from_transport("fuzz", link, profile, PrintOptions::default());
        if let Ok(Some(status)) = printer.status() {
            let text = status.to_string();
            assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
            let _ = status.is_ready();
        }
    }
    // Bitmap::from_png refuses an image over 64 MiB decoded, from its header, before allocating.
    let _ = bitmap_from_png(data, "fuzz.png");
});
