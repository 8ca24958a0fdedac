//! Feeds arbitrary bytes to the importers (JSON, CSV in UTF-8 or Windows-1251, format by content), merges
//! the results as a multi-file run does, then runs on whatever imported what a user's `shiplabel orders`
//! run and a packing station would: summary, labelability, cost, packing with a split derived from the
//! input, the passport deadline. Any panic is a bug.
#![no_main]

use chrono::{DateTime, Duration, Utc};
use libfuzzer_sys::fuzz_target;
use shiplabel::order::{read_bytes, Imported};
use shiplabel::order::{Package, PostingSummary};

fuzz_target!(|data: &[u8]| {
    let now = DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let mut all = Imported::default();
    for extension in [Some("json"), Some("csv"), None] {
        let Ok(imported) = read_bytes("fuzz", data, extension) else {
            continue;
        };
        for warning in &imported.warnings {
            let _ = warning.to_string();
        }
        all.merge(imported);
    }
    let _ = all.merge_note();
    {
        for mut posting in all.postings {
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
