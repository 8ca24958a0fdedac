//! What comes from outside into the printer side: a printer's status reply in each language, a label PNG
//! given to `print`, and scanner input lines. A reply must parse or be unknown, never panic; a PNG must
//! decode or be refused, and one whose header claims more than a label's size must be refused before
//! its pixels are allocated (libFuzzer's -rss_limit_mb catches a bomb that gets through).
#![no_main]

use libfuzzer_sys::fuzz_target;
use shiplabel::printer::{bitmap_from_png, status, Language};

fuzz_target!(|data: &[u8]| {
    for language in [Language::Escpos, Language::Tspl, Language::Zpl] {
        let _ = status::reply_complete(language, data);
        if let Some(status) = status::parse_reply(language, data) {
            // What reaches the terminal holds no control character from the reply.
            let text = status.to_string();
            assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
            let _ = status.is_ready();
        }
    }
    if let Ok(bitmap) = bitmap_from_png(data, "fuzz.png") {
        assert!(bitmap.width() <= shiplabel::limits::MAX_LABEL_PNG_SIDE);
        assert!(bitmap.height() <= shiplabel::limits::MAX_LABEL_PNG_SIDE);
    }
});
