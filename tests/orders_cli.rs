//! `shiplabel orders` end to end: the built binary on the sample files.

use std::process::Output;

use crate::common::cli::{data_arg, shiplabel};
use serde_json::Value;

fn orders(files: &[&str], extra: &[&str]) -> Output {
    let paths: Vec<String> = files.iter().map(|f| data_arg(f)).collect();
    let mut args = vec!["orders"];
    args.extend(paths.iter().map(String::as_str));
    args.extend_from_slice(extra);
    shiplabel(&args)
}

fn json(files: &[&str], extra: &[&str]) -> Vec<Value> {
    let mut all = vec!["--json"];
    all.extend_from_slice(extra);
    let out = orders(files, &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .expect("stdout is JSON")
        .as_array()
        .expect("an array")
        .clone()
}

fn by_number<'a>(items: &'a [Value], number: &str) -> &'a Value {
    items
        .iter()
        .find(|v| v["posting_number"] == number)
        .unwrap_or_else(|| panic!("{number} missing"))
}

#[test]
fn table_lists_every_sample_posting() {
    let out = orders(&["ozon_v3_list.json"], &["--now", "2026-11-22T12:00:00Z"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("POSTING"), "{text}");
    assert!(lines[0].contains("LABEL") && lines[0].contains("PASSPORT DEADLINE"));
    assert_eq!(lines.len(), 8, "{text}");
    let row = |number: &str| {
        *lines
            .iter()
            .find(|l| l.starts_with(number))
            .unwrap_or_else(|| panic!("{number} missing in\n{text}"))
    };
    let ready = row("0132112277-0101-1");
    assert!(
        ready.contains("awaiting_deliver")
            && ready.contains("3270.00 RUB")
            && ready.contains("yes")
    );
    let passport = row("0124861120-0199-1");
    assert!(passport.contains("passport"), "{passport}");
    assert!(passport.ends_with("2026-11-23T10:00:00Z"), "{passport}");
    assert!(row("0187365412-0047-2").contains("no: cancelled: Товар закончился"));
    assert!(row("0163799058-0084-1").contains("no: not packed yet"));
    assert!(text.ends_with("6 posting(s)\n"));
}

#[test]
fn json_has_the_documented_fields() {
    let items = json(&["ozon_v3_list.json"], &["--now", "2026-11-22T12:00:00Z"]);
    assert_eq!(items.len(), 6);
    for item in &items {
        for key in [
            "posting_number",
            "status",
            "substatus",
            "labelable",
            "reason",
            "cost",
            "currency",
            "passport_deadline",
        ] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
        assert!(item["labelable"].is_boolean());
        assert_eq!(item["labelable"].as_bool(), Some(item["reason"].is_null()));
    }
    let ready = by_number(&items, "0132112277-0101-1");
    assert_eq!(ready["status"], "awaiting_deliver");
    assert_eq!(ready["substatus"], "posting_not_in_carriage");
    assert_eq!(ready["cost"], "3270.00");
    assert_eq!(ready["currency"], "RUB");
    assert_eq!(ready["labelable"], true);
    assert_eq!(ready["passport_deadline"], Value::Null);
    let passport = by_number(&items, "0124861120-0199-1");
    assert_eq!(passport["labelable"], false);
    assert_eq!(passport["passport_deadline"], "2026-11-23T10:00:00Z");
    assert_eq!(passport["cost"], "35.50");
    assert_eq!(passport["currency"], "CNY");
    assert!(passport["reason"].as_str().unwrap().contains("passport"));
    assert_eq!(by_number(&items, "0163799058-0084-1")["cost"], "4729.98");
}

#[test]
fn passport_deadline_is_judged_at_now() {
    let reason = |now: &str| {
        let items = json(&["ozon_v3_list.json"], &["--now", now]);
        by_number(&items, "0124861120-0199-1")["reason"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(reason("2026-11-23T09:59:59Z").contains("until 2026-11-23T10:00:00Z"));
    assert!(reason("2026-11-23T10:00:00Z").contains("not provided by the deadline"));
    assert!(reason("2026-11-23T10:00:01+00:00").contains("not provided by the deadline"));
}

#[test]
fn filters_by_status_and_labelable() {
    let numbers = |items: Vec<Value>| -> Vec<String> {
        items
            .iter()
            .map(|v| v["posting_number"].as_str().unwrap().to_owned())
            .collect()
    };
    let now = ["--now", "2026-11-22T12:00:00Z"];
    let packaging = json(
        &["ozon_v3_list.json"],
        &[now[0], now[1], "--status", "awaiting_packaging"],
    );
    assert_eq!(
        numbers(packaging),
        ["0163799058-0084-1", "0124861120-0199-1"]
    );
    let two = json(
        &["ozon_v3_list.json"],
        &[
            now[0],
            now[1],
            "--status",
            "cancelled",
            "--status",
            "awaiting_packaging",
        ],
    );
    assert_eq!(two.len(), 3);
    let labelable = json(&["ozon_v3_list.json"], &[now[0], now[1], "--labelable"]);
    assert_eq!(
        numbers(labelable),
        [
            "0132112277-0101-1",
            "0249917350-0012-1",
            "0187365412-0047-3"
        ]
    );
}

#[test]
fn reads_several_files_of_every_kind() {
    let items = json(
        &[
            "ozon_v3_list.json",
            "ozon_v4_list.json",
            "ozon_v3_get.json",
            "ozon_posting.json",
            "ozon_postings_array.json",
            "ozon_traps.json",
            "records.json",
            "records.csv",
        ],
        &["--now", "2026-11-22T12:00:00Z"],
    );
    // One record per posting: the v4 list, the get, the bare posting and the array repeat postings of the
    // v3 list (2 + 1 + 1 + 2), and the two record files are the same three shipments.
    assert_eq!(
        items.len(),
        6 + 3 + 1 + 1 + 2 + 3 + 3 + 3 - (2 + 1 + 1 + 2) - 3
    );
    let record = by_number(&items, "SHP-2026-1002");
    assert_eq!(record["cost"], "1140.999");
}

#[test]
fn bad_input_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\n  \"postings\": [\n    {\"posting_number\": }\n",
    )
    .unwrap();
    let out = shiplabel(&["orders", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.json:3:24: malformed JSON"), "{err}");
    assert!(out.stdout.is_empty(), "nothing printed on failure");

    let records = dir.path().join("r.csv");
    std::fs::write(
        &records,
        "shipment_id,sku,name,quantity,price,currency\nS1,1,Кружка,,10,RUB\n",
    )
    .unwrap();
    let out = shiplabel(&["orders", records.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("record #0 (line 2): quantity: missing"),
        "{err}"
    );

    let out = shiplabel(&["orders", "/nonexistent/postings.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("/nonexistent/postings.json: cannot read")
    );

    let out = orders(&["ozon_v3_list.json"], &["--status", "shipped"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown status \"shipped\""));

    let out = orders(&["ozon_v3_list.json"], &["--now", "tomorrow"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));

    let out = shiplabel(&["orders"]);
    assert_eq!(out.status.code(), Some(2), "a file is required");
}
