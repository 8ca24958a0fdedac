//! Feeds arbitrary text to the JSON and CSV importers, then runs on whatever imported what a user's
//! `shiplabel orders` run and a packing station would: summary, labelability, cost, packing with a
//! split derived from the input, the passport deadline. Any panic is a bug.
#![no_main]

use chrono::{DateTime, Duration, Utc};
use libfuzzer_sys::fuzz_target;
use shiplabel::order::{self, Package, PostingSummary};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    for result in [
        order::parse_json("fuzz.json", text),
        order::parse_csv("fuzz.csv", text),
    ] {
        let Ok(postings) = result else { continue };
        for mut posting in postings {
            let _ = serde_json::to_string(&PostingSummary::new(&posting, now));
            let _ = posting.labelable(now);
            let _ = posting.cost();
            // Split one unit off into its own package, the rest into another.
            let packages: Vec<Package> = match posting.products.first() {
                Some(first) if posting.unit_count() > 1 => {
                    let mut rest: Vec<(i64, u32)> = posting
                        .products
                        .iter()
                        .map(|p| (p.sku, p.quantity))
                        .collect();
                    if let Some(head) = rest.first_mut() {
                        head.1 = head.1.saturating_sub(1);
                    }
                    rest.retain(|&(_, q)| q > 0);
                    vec![Package::new([(first.sku, 1)]), Package::new(rest)]
                }
                _ => Vec::new(),
            };
            let _ = posting.pack(&packages);
            for shipment in &posting.shipments {
                let _ = shipment.cost();
            }
            let _ = posting.apply_passport_deadline(now + Duration::days(1));
            let _ = posting.cancel(402, Some("fuzz"));
        }
    }
});
