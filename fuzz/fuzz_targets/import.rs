//! Feeds arbitrary text to the JSON and CSV importers, then runs the read-only checks a user's
//! `shiplabel orders` run would make on whatever imported. Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for result in [
        shiplabel::order::parse_json("fuzz.json", text),
        shiplabel::order::parse_csv("fuzz.csv", text),
    ] {
        if let Ok(postings) = result {
            for posting in &postings {
                let _ = serde_json::to_string(posting);
            }
        }
    }
});
