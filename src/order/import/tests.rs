//! Importer tests: every shape, the documented traps, and the error positions.

use std::path::PathBuf;

use rust_decimal::Decimal;

use super::*;
use crate::order::{Scheme, Status, Substatus};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn v3_list_sample_imports_every_posting() {
    let postings = load_file(&data("ozon_v3_list.json")).unwrap();
    let numbers: Vec<&str> = postings.iter().map(|p| p.posting_number.as_str()).collect();
    assert_eq!(
        numbers,
        [
            "0132112277-0101-1",
            "0163799058-0084-1",
            "0124861120-0199-1",
            "0187365412-0047-2",
            "0249917350-0012-1",
            "0187365412-0047-3"
        ]
    );
    let p = &postings[0];
    assert_eq!(p.order_id, Some(35566798085));
    assert_eq!(p.order_number, "0132112277-0101");
    assert_eq!(p.status, Status::AwaitingDeliver);
    assert_eq!(p.substatus, Some(Substatus::PostingNotInCarriage));
    assert_eq!(p.upper_barcode.as_deref(), Some("%101%806044518"));
    assert_eq!(p.lower_barcode.as_deref(), Some("23024930500000"));
    assert_eq!(p.tracking_number, None);
    assert_eq!(p.parent_posting_number, None);
    assert_eq!(p.cancellation, None);
    assert_eq!(
        p.delivery_method.warehouse.as_deref(),
        Some("Склад Подольск Северный")
    );
    assert_eq!(p.delivery_method.warehouse_id, Some(1020001234567000));
    assert_eq!(p.tpl_integration_type.as_deref(), Some("ozon"));
    assert_eq!(p.mark_required_skus, [1745203311]);
    assert_eq!(p.products.len(), 2);
    assert_eq!(p.products[0].price.amount, dec("2490.0000"));
    assert_eq!(p.products[0].price.currency, "RUB");
    assert_eq!(
        p.products[0].marking_codes,
        ["0104601234567893215Ab3dE9fGhIjK"]
    );
    assert_eq!(p.products[1].quantity, 2);
    assert_eq!(
        p.in_process_at.unwrap().to_rfc3339(),
        "2026-11-21T08:15:42+00:00"
    );

    // Requirement ids written as strings are read like numbers.
    assert_eq!(postings[1].mark_required_skus, [2009876543]);
    let passport = &postings[2];
    assert!(passport.cross_border);
    assert!(passport.awaiting_passport());
    assert_eq!(passport.upper_barcode, None);
    assert_eq!(passport.products[0].sku, 3012345678901);
    let cancelled = &postings[3];
    let c = cancelled.cancellation.as_ref().unwrap();
    assert_eq!(c.reason_id, Some(352));
    assert_eq!(c.cancellation_type.as_deref(), Some("seller"));
    assert_eq!(
        cancelled.parent_posting_number.as_deref(),
        Some("0187365412-0047-1")
    );
    let multibox = &postings[4];
    assert!(multibox.is_multibox);
    assert_eq!(multibox.multi_box_qty, 3);
    assert_eq!(multibox.tracking_number.as_deref(), Some("ДЛ-5501237788"));
    assert!(postings[5].is_express);
}

#[test]
fn v4_list_reads_money_prices_and_delivery_schema() {
    let postings = load_file(&data("ozon_v4_list.json")).unwrap();
    assert_eq!(postings.len(), 3);
    assert_eq!(postings[0].posting_number, "0132112277-0101-1");
    assert_eq!(postings[0].products[0].price.amount, dec("2490.0000"));
    assert_eq!(postings[0].products[0].price.currency, "RUB");
    assert_eq!(postings[1].products[1].price.amount, dec("279.99"));
    assert_eq!(postings[0].delivery_schema.as_deref(), Some("FBS"));
    assert!(!postings[0].cross_border);
    // Cross-border by delivery_schema alone: the passport already arrived, so the gate is open.
    let global = &postings[2];
    assert!(global.cross_border);
    assert!(!global.awaiting_passport());
    assert_eq!(global.products[0].price.currency, "CNY");
    assert_eq!(global.products[0].price.amount, dec("35.50"));
}

#[test]
fn v3_get_bare_and_array_shapes() {
    let get = load_file(&data("ozon_v3_get.json")).unwrap();
    assert_eq!(get.len(), 1);
    assert_eq!(get[0].posting_number, "0249917350-0012-1");
    assert!(get[0].is_multibox);
    assert_eq!(get[0].multi_box_qty, 3);
    assert_eq!(
        get[0].products[0].marking_codes,
        ["010460123456789321XyZ9kLmNoPq"],
        "marks come from product_exemplars too"
    );
    assert_eq!(
        get[0].delivery_method.tpl_provider.as_deref(),
        Some("Деловые Линии")
    );

    let bare = load_file(&data("ozon_posting.json")).unwrap();
    assert_eq!(bare.len(), 1);
    assert_eq!(bare[0].upper_barcode.as_deref(), Some("%101%806044518"));

    let array = load_file(&data("ozon_postings_array.json")).unwrap();
    let numbers: Vec<&str> = array.iter().map(|p| p.posting_number.as_str()).collect();
    assert_eq!(numbers, ["0163799058-0084-1", "0187365412-0047-3"]);

    // The same posting reads the same in every shape.
    let list = load_file(&data("ozon_v3_list.json")).unwrap();
    assert_eq!(bare[0], list[0]);
    assert_eq!(array[1], list[5]);
    assert_eq!(parse_json("empty.json", "[]").unwrap(), vec![]);
    assert_eq!(
        parse_json(
            "empty.json",
            r#"{"result":{"postings":[],"has_next":false}}"#
        )
        .unwrap(),
        vec![]
    );
    assert_eq!(
        parse_json("v4.json", r#"{"postings":null}"#).unwrap(),
        vec![]
    );
    let older = parse_json(
        "older.json",
        r#"{"result":[{"posting_number":"1-2-3","status":"delivered","products":[]}]}"#,
    )
    .unwrap();
    assert_eq!(older[0].status, Status::Delivered);
}

#[test]
fn exemplar_marks_of_a_sku_on_two_lines_are_dealt_out_not_copied() {
    // product_exemplars lists marks per SKU; with the SKU on two lines (two prices), each unit's
    // mark must land on one line only, or a split would put one code on two parcels.
    let json = r#"{"posting_number": "1-2-3", "status": "awaiting_packaging",
        "products": [
            {"sku": 5, "quantity": 1, "price": "10", "currency_code": "RUB"},
            {"sku": 5, "quantity": 2, "price": "12", "currency_code": "RUB"},
            {"sku": 6, "quantity": 1, "price": "1", "currency_code": "RUB"}],
        "product_exemplars": {"products": [
            {"sku": 5, "exemplars": [{"mandatory_mark": "A"}, {"mandatory_mark": "B"},
                                     {"mandatory_mark": "C"}]},
            {"sku": 6, "exemplars": [{"mandatory_mark": "X"}, {"mandatory_mark": "Y"}]}]}}"#;
    let posting = parse_json("p.json", json).unwrap().remove(0);
    let marks: Vec<&[String]> = posting
        .products
        .iter()
        .map(|p| p.marking_codes.as_slice())
        .collect();
    // A SKU on one line keeps every mark it is given, as before.
    assert_eq!(marks, [&["A"][..], &["B", "C"][..], &["X", "Y"][..]]);
}

#[test]
fn documented_traps_are_tolerated() {
    let postings = load_file(&data("ozon_traps.json")).unwrap();
    assert_eq!(postings.len(), 3);
    let a = &postings[0];
    assert_eq!(
        a.order_id,
        Some(9007199254740993),
        "id beyond 2^53 as a string"
    );
    assert_eq!(a.products[0].sku, 1745203311, "sku as a string");
    assert_eq!(a.products[0].price.amount, dec("2490"), "price as a number");
    assert_eq!(
        a.products[1].price.amount,
        dec("390.5"),
        "money object, number amount"
    );
    assert_eq!(a.products[1].quantity, 2, "quantity as a string");
    assert_eq!(a.mark_required_skus, [1745203311, 1590348876]);
    assert_eq!(a.lower_barcode, None, "null barcode");
    assert_eq!(a.delivering_date, None, "empty date");
    assert_eq!(
        a.shipment_date.unwrap().timestamp_subsec_nanos(),
        123_456_789,
        "nine fractional digits"
    );
    assert_eq!(a.delivery_method.tpl_provider_id, Some(1020000000000123));

    let b = &postings[1];
    assert_eq!(b.products[0].price.currency, DEFAULT_CURRENCY);
    assert_eq!(
        b.order_number, "0311000002-0001",
        "derived from the posting number"
    );
    assert_eq!(b.order_id, None);
    assert_eq!(b.substatus, None);
    assert_eq!(b.multi_box_qty, 1);

    let c = &postings[2];
    assert_eq!(c.status, Status::Unknown("awaiting_teleport".into()));
    assert_eq!(
        c.substatus,
        Some(Substatus::Unknown("posting_in_hyperspace".into()))
    );
    assert_eq!(c.delivery_method, Default::default());
    assert_eq!(c.cancellation, None);
    assert!(c.available_actions.is_empty());
    assert!(c.products[0].marking_codes.is_empty());
}

#[test]
fn tariffication_in_either_shape_and_far_deadlines() {
    // tariffication and tariffication_steps are not used, so the old array and the new object both
    // import, and a year-9999 deadline with nine fractional digits is no problem.
    let v4 = load_file(&data("ozon_v4_list.json")).unwrap();
    let v3 = load_file(&data("ozon_v3_list.json")).unwrap();
    assert_eq!(v4[1].products.len(), v3[1].products.len());
    let far = parse_json(
        "far.json",
        r#"{"posting_number":"1-1-1","status":"awaiting_deliver","shipment_date":"9999-12-31T23:59:59.999999900Z","products":[]}"#,
    )
    .unwrap();
    assert_eq!(
        far[0].shipment_date.unwrap().timestamp_subsec_nanos(),
        999_999_900
    );
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let text =
        "{\n  \"result\": {\n    \"postings\": [\n      {\"posting_number\": \"1-1-1\",, }\n";
    let err = parse_json("broken.json", text).unwrap_err();
    match &err {
        ImportError::Json {
            file, line, column, ..
        } => {
            assert_eq!(file, "broken.json");
            assert_eq!(*line, 4);
            assert_eq!(*column, 34);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("broken.json:4:34: malformed JSON"),
        "{err}"
    );

    let err = parse_json("cut.json", "{\"postings\": [").unwrap_err();
    assert!(matches!(err, ImportError::Json { line: 1, .. }), "{err}");

    // A value of the wrong type is placed too, with its field's path.
    let text =
        "{\"posting_number\": \"1-1-1\",\n \"status\": \"awaiting_deliver\",\n \"multi_box_qty\": [1]}";
    let err = parse_json("typed.json", text).unwrap_err();
    let ImportError::Posting {
        line,
        path,
        message,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*line, Some(3u32));
    assert_eq!(path, "multi_box_qty");
    assert!(message.contains("expected a number"), "{message}");
    // Outside any posting: the path goes into the message.
    let err = parse_json("typed.json", "{\"result\": {\"postings\": 5}}").unwrap_err();
    assert!(
        err.to_string().contains("result.postings: invalid type"),
        "{err}"
    );
}

#[test]
fn postings_missing_required_fields_name_index_and_field() {
    let text = r#"{"result":{"postings":[
        {"posting_number":"1-1-1","status":"awaiting_deliver","products":[]},
        {"posting_number":"2-2-2","status":"awaiting_deliver","products":[{"sku":1,"quantity":1}]}
    ]}}"#;
    let err = parse_json("p.json", text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "p.json:3:75: result.postings[1].products[0].price (posting #1, 2-2-2): missing"
    );
    let err = parse_json("p.json", r#"[{"posting_number":"","status":"x"}]"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "p.json:1:20: [0].posting_number (posting #0): missing"
    );
    let err = parse_json("p.json", r#"{"posting_number":"1-1-1"}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "p.json:1:1: status (posting #0, 1-1-1): missing"
    );
    let err = parse_json(
        "p.json",
        r#"{"posting_number":"1-1-1","status":"awaiting_deliver","products":[{"sku":1,"quantity":0,"price":"1"}]}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("products[0].quantity (posting #0, 1-1-1): must be at least 1"),
        "{err}"
    );
    let err = parse_json(
        "p.json",
        r#"{"posting_number":"1-1-1","status":"awaiting_deliver","products":[{"sku":1,"quantity":1,"price":"12,5"}]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("products[0].price"), "{err}");
}

#[test]
fn unknown_shapes_are_refused_with_a_hint() {
    for text in [
        "42",
        "\"text\"",
        "{}",
        "{\"result\": 5}",
        "[1, 2]",
        "[{\"posting_number\":\"1-1-1\",\"status\":\"x\"},{\"shipment_id\":\"S\"}]",
    ] {
        let err = parse_json("odd.json", text).unwrap_err();
        assert!(matches!(err, ImportError::Shape { .. }), "{text}: {err:?}");
        assert!(err.to_string().starts_with("odd.json: "), "{err}");
    }
}

#[test]
fn neutral_records_in_json_and_csv_agree() {
    let from_json = load_file(&data("records.json")).unwrap();
    let from_csv = load_file(&data("records.csv")).unwrap();
    assert_eq!(from_json, from_csv);
    assert_eq!(from_json.len(), 3);
    let first = &from_json[0];
    assert_eq!(first.posting_number, "SHP-2026-1001");
    assert_eq!(first.order_number, "ORD-77120");
    assert_eq!(first.status, Status::AwaitingDeliver);
    assert_eq!(first.products.len(), 2, "two rows, one shipment");
    assert_eq!(first.tracking_number.as_deref(), Some("RA644000123RU"));
    assert_eq!(first.upper_barcode.as_deref(), Some("%101%806044518"));
    assert_eq!(first.lower_barcode.as_deref(), Some("23024930500000"));
    assert_eq!(
        first.delivery_method.warehouse.as_deref(),
        Some("Склад Екатеринбург Южный")
    );
    assert_eq!(first.products[1].marking_codes.len(), 2);
    assert_eq!(first.cost().unwrap().amount_string(), "2169.80");
    assert_eq!(from_json[1].status, Status::AwaitingPackaging);
    assert_eq!(from_json[1].upper_barcode, None);
    assert_eq!(from_json[1].cost().unwrap().amount_string(), "1140.999");
    assert_eq!(
        from_json[2].status,
        records::DEFAULT_STATUS,
        "status left empty"
    );
    assert_eq!(from_json[2].in_process_at, None);
}

#[test]
fn records_missing_fields_name_index_line_and_field() {
    let csv =
        "shipment_id,sku,name,quantity,price,currency\nS1,1,Кружка,1,10,RUB\nS2,2,,1,10,RUB\n";
    let err = parse_csv("r.csv", csv).unwrap_err();
    assert_eq!(
        err.to_string(),
        "r.csv: record #1 (line 3): name: missing (required)"
    );
    let ImportError::Record {
        index, line, field, ..
    } = err
    else {
        panic!()
    };
    assert_eq!((index, line, field.as_str()), (1, Some(3), "name"));

    let json = r#"[{"shipment_id":"S1","sku":1,"name":"a","quantity":1,"price":"1","currency":"RUB"},
                   {"shipment_id":"S1","sku":2,"name":"b","quantity":1,"currency":"RUB"}]"#;
    let err = parse_json("r.json", json).unwrap_err();
    assert_eq!(
        err.to_string(),
        "r.json: record #1: price: missing (required)"
    );

    let err = parse_csv("r.csv", "shipment_id,sku,name,quantity,price\nS1,1,a,1,1\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "r.csv:1: the header lacks the required column(s) currency; found 5 column(s) (comma separated): \
         \"shipment_id\", \"sku\", \"name\", \"quantity\", \"price\"; expected at least: shipment_id, sku, name, \
         quantity, price, currency (all known columns: docs/records.md)"
    );
    let err = parse_csv(
        "r.csv",
        "shipment_id,sku,name,quantity,price,currency\nS1,1,a,1,1,RUB,extra\n",
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Csv { line: 2, .. }), "{err}");
    for (row, field) in [
        ("S1,x,a,1,1,RUB", "sku"),
        ("S1,1,a,0,1,RUB", "quantity"),
        ("S1,1,a,-2,1,RUB", "quantity"),
        ("S1,1,a,1,abc,RUB", "price"),
        ("S1,1,a,1,-1,RUB", "price"),
        ("S1,1,a,1,1,RUBLES", "currency"),
        ("S1,1,a,1,1,RUB,not-a-date", "shipment_date"),
    ] {
        let header = if row.matches(',').count() == 6 {
            "shipment_id,sku,name,quantity,price,currency,shipment_date"
        } else {
            "shipment_id,sku,name,quantity,price,currency"
        };
        let err = parse_csv("r.csv", &format!("{header}\n{row}\n")).unwrap_err();
        assert!(
            matches!(&err, ImportError::Record { field: f, line: Some(2), index: 0, .. } if f == field),
            "{row}: {err}"
        );
    }
}

#[test]
fn records_of_one_shipment_must_agree() {
    let csv = "shipment_id,sku,name,quantity,price,currency,tracking_number\n\
               S1,1,a,1,1,RUB,TRACK-1\n\
               S1,2,b,1,1,RUB,\n\
               S1,3,c,1,1,RUB,TRACK-2\n";
    let err = parse_csv("r.csv", csv).unwrap_err();
    assert_eq!(
        err.to_string(),
        "r.csv: record #2 (line 4): tracking_number: TRACK-2 conflicts with TRACK-1 in an earlier record of the same shipment"
    );
    // Shipments keep their first-seen order even when their rows interleave.
    let csv = "shipment_id,sku,name,quantity,price,currency\nB,1,a,1,1,RUB\nA,2,b,1,1,RUB\nB,3,c,1,1,RUB\n";
    let postings = parse_csv("r.csv", csv).unwrap();
    let ids: Vec<&str> = postings.iter().map(|p| p.posting_number.as_str()).collect();
    assert_eq!(ids, ["B", "A"]);
    assert_eq!(postings[0].products.len(), 2);
}

#[test]
fn load_file_detects_format_and_reports_io_and_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let csv_text = std::fs::read_to_string(data("records.csv")).unwrap();
    let no_ext = dir.path().join("export");
    std::fs::write(&no_ext, &csv_text).unwrap();
    assert_eq!(load_file(&no_ext).unwrap().len(), 3);
    let json_no_ext = dir.path().join("export2");
    std::fs::copy(data("ozon_v3_get.json"), &json_no_ext).unwrap();
    assert_eq!(load_file(&json_no_ext).unwrap().len(), 1);
    let bom = dir.path().join("bom.csv");
    std::fs::write(&bom, format!("\u{feff}{csv_text}")).unwrap();
    assert_eq!(load_file(&bom).unwrap().len(), 3);

    let missing = dir.path().join("missing.json");
    let err = load_file(&missing).unwrap_err();
    assert!(matches!(err, ImportError::Io { .. }));
    assert!(err.to_string().contains("missing.json"), "{err}");
    let binary = dir.path().join("bin.json");
    std::fs::write(&binary, b"[\xff]").unwrap();
    assert!(matches!(
        load_file(&binary).unwrap_err(),
        ImportError::NotUtf8 { offset: 1, .. }
    ));
}

#[test]
fn postings_round_trip_through_serde_for_storage() {
    let mut postings = load_file(&data("ozon_v3_list.json")).unwrap();
    postings.extend(load_file(&data("ozon_traps.json")).unwrap());
    postings.extend(load_file(&data("records.csv")).unwrap());
    let json = serde_json::to_string(&postings).unwrap();
    let back: Vec<crate::order::Posting> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, postings);
    // Amounts stay strings, so no reader turns them into floats.
    assert!(json.contains(r#""amount":"2490.0000""#), "{json}");
    // The scheme is stored; a posting stored before it existed reads as FBS.
    let fbo = load_file(&data("ozon_fbo_get.json")).unwrap();
    let json = serde_json::to_string(&fbo).unwrap();
    assert!(json.contains(r#""scheme":"fbo""#), "{json}");
    let back: Vec<crate::order::Posting> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, fbo);
    let mut old: serde_json::Value = serde_json::to_value(&postings[0]).unwrap();
    old.as_object_mut().unwrap().remove("scheme");
    let old: crate::order::Posting = serde_json::from_value(old).unwrap();
    assert_eq!(old.scheme, Scheme::Fbs);
}

// ---- FBO, repeated postings, unread fields, Excel CSV, bounds (issues 12 and 20) ----

#[test]
fn fbo_list_and_get_are_fbo_postings_that_never_get_a_label() {
    let now = "2021-09-02T00:00:00Z".parse().unwrap();
    for file in ["ozon_fbo_list.json", "ozon_fbo_get.json"] {
        let postings = load_file(&data(file)).unwrap();
        assert_eq!(postings.len(), 1, "{file}");
        let p = &postings[0];
        assert_eq!(p.scheme, Scheme::Fbo, "{file}");
        let err = p.labelable(now).unwrap_err();
        assert_eq!(err.reason, crate::order::NotLabelableReason::Fbo);
        assert!(err.to_string().contains("Ozon ships it"), "{err}");
        assert_eq!(
            p.products[0].price.to_string(),
            if file.contains("list") {
                "81.00 RUB"
            } else {
                "137.00 RUB"
            }
        );
    }
    // Ozon packs, ships and cancels them: the seller's actions are refused, and they are never due.
    let mut p = load_file(&data("ozon_fbo_list.json")).unwrap().remove(0);
    p.status = Status::AwaitingPackaging;
    let due = crate::order::deadline::due_list(
        std::slice::from_ref(&p),
        now,
        chrono::Duration::hours(2),
        crate::order::deadline::moscow(),
    );
    assert!(due.is_empty());
    let err = p.pack(&[]).unwrap_err();
    assert!(
        matches!(err, crate::order::OrderError::OzonShips { .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "posting 16965409-0014-1: cannot pack: an FBO posting, Ozon ships it from its own warehouse"
    );
    assert!(p.cancel(402, Some("x")).is_err());
    assert!(p.hand_over(now).is_err());
    // Every FBS sample stays FBS, including a v3 get with `additional_data` (an FBO-only field elsewhere).
    for file in [
        "ozon_v3_list.json",
        "ozon_v4_list.json",
        "ozon_v3_get.json",
        "ozon_traps.json",
        "ozon_postings_array.json",
        "ozon_v3_get_barcodes_null.json",
        "ozon_v4_unfulfilled_docs_example.json",
        "records.csv",
    ] {
        for p in load_file(&data(file)).unwrap() {
            assert_eq!(p.scheme, Scheme::Fbs, "{file}: {}", p.posting_number);
        }
    }
    // `delivery_schema` says it outright, in Ozon JSON and in records.
    let p = &parse_json(
        "s.json",
        r#"{"posting_number":"1-1-1","status":"delivered","delivery_schema":"FBO","delivery_method":{"id":1}}"#,
    )
    .unwrap()[0];
    assert_eq!(p.scheme, Scheme::Fbo);
    let csv = "shipment_id,sku,name,quantity,price,currency,delivery_schema\nS1,1,a,1,1,RUB,fbo\n";
    assert_eq!(parse_csv("r.csv", csv).unwrap()[0].scheme, Scheme::Fbo);
}

#[test]
fn placeholder_barcodes_stay_visible_and_missing_ones_stay_absent() {
    let p = &load_file(&data("ozon_v4_unfulfilled_docs_example.json")).unwrap()[0];
    assert_eq!(p.posting_number, "41517061-0214-1");
    assert_eq!(p.status, Status::AwaitingDeliver);
    assert_eq!(p.upper_barcode.as_deref(), Some("0"));
    assert_eq!(p.lower_barcode.as_deref(), Some("0"));
    let p = &load_file(&data("ozon_v3_get_barcodes_null.json")).unwrap()[0];
    assert_eq!(p.status, Status::AwaitingDeliver);
    assert_eq!(
        (p.upper_barcode.as_deref(), p.lower_barcode.as_deref()),
        (None, None)
    );
}

#[test]
fn a_posting_in_two_inputs_is_one_record_by_the_status_rank() {
    // The v3 get is one of the v3 list's postings.
    let list = load_file(&data("ozon_v3_list.json")).unwrap();
    let both = read_files(&[data("ozon_v3_list.json"), data("ozon_v3_get.json")]).unwrap();
    assert_eq!(both.postings.len(), list.len());
    assert_eq!(both.merged, 1);
    assert!(both
        .merge_note()
        .unwrap()
        .contains("1 repeated posting(s) merged"));
    let twice = read_files(&[data("ozon_v3_list.json"), data("ozon_v3_list.json")]).unwrap();
    assert_eq!(twice.postings, list);
    assert_eq!(twice.merged, list.len());
    assert_eq!(
        read_files(&[data("ozon_v3_list.json")])
            .unwrap()
            .merge_note(),
        None
    );

    // The more advanced status wins whichever input comes first; on equal ranks the later input.
    let one = |status: &str, track: &str| Imported {
        postings: parse_json(
            "x.json",
            &format!(
                r#"{{"posting_number":"1-1-1","status":"{status}","tracking_number":"{track}"}}"#
            ),
        )
        .unwrap(),
        ..Imported::default()
    };
    for (first, second) in [
        (one("awaiting_packaging", "A"), one("awaiting_deliver", "B")),
        (one("awaiting_deliver", "B"), one("awaiting_packaging", "A")),
    ] {
        let mut all = first;
        all.merge(second);
        assert_eq!(all.postings.len(), 1);
        assert_eq!(all.postings[0].status, Status::AwaitingDeliver);
        assert_eq!(all.postings[0].tracking_number.as_deref(), Some("B"));
        assert_eq!(all.merged, 1);
    }
    let mut all = one("awaiting_deliver", "OLD");
    all.merge(one("awaiting_deliver", "NEW"));
    assert_eq!(all.postings[0].tracking_number.as_deref(), Some("NEW"));
}

#[test]
fn the_same_posting_twice_in_one_input_merges_when_alike_and_is_refused_when_not() {
    let alike = r#"[{"posting_number":"1-1-1","status":"awaiting_deliver"},
 {"posting_number":"2-2-2","status":"awaiting_deliver"},
 {"posting_number":"1-1-1","status":"awaiting_deliver"}]"#;
    let imported = read_json("a.json", alike).unwrap();
    assert_eq!(imported.postings.len(), 2);
    assert_eq!(imported.merged, 1);

    let conflict = r#"{"result": {"postings": [
  {"posting_number": "1-1-1", "status": "awaiting_deliver", "barcodes": {"upper_barcode": "%101%1", "lower_barcode": "111"}},
  {"posting_number": "1-1-1", "status": "awaiting_deliver", "barcodes": {"upper_barcode": "%101%2", "lower_barcode": "111"}}
]}}"#;
    let err = read_json("c.json", conflict).unwrap_err();
    assert!(matches!(err, ImportError::Conflict { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "c.json: posting 1-1-1 appears twice with different upper_barcode (\"%101%1\" vs \"%101%2\"): \
         result.postings[0] (line 2) and result.postings[1] (line 3); refusing to pick one"
    );
}

/// A v3 list whose fourth posting has a `fact_delivery_date` that is not a date.
fn list_with(field: &str, value: &str) -> String {
    let mut postings = Vec::new();
    for i in 0..4 {
        let extra = if i == 3 {
            format!(",\n      \"{field}\": {value}")
        } else {
            String::new()
        };
        postings.push(format!(
            "    {{\"posting_number\": \"100-{i}-1\", \"status\": \"awaiting_deliver\"{extra}}}"
        ));
    }
    format!(
        "{{\"result\": {{\"postings\": [\n{}\n]}}}}",
        postings.join(",\n")
    )
}

#[test]
fn a_field_nothing_depends_on_is_left_unread_with_a_warning_naming_its_place() {
    let text = list_with("fact_delivery_date", "\"string\"");
    let imported = read_json("l.json", &text).unwrap();
    assert_eq!(imported.postings.len(), 4);
    assert_eq!(imported.postings[3].delivered_at, None);
    assert_eq!(imported.warnings.len(), 1);
    let w = &imported.warnings[0];
    assert_eq!(w.path, "result.postings[3].fact_delivery_date");
    assert_eq!(w.posting_number, "100-3-1");
    assert_eq!((w.line, w.column), (6, 29));
    assert!(
        w.to_string().starts_with(
            "l.json:6:29: result.postings[3].fact_delivery_date (posting 100-3-1): \"string\" is not an RFC 3339 date"
        ),
        "{w}"
    );
    assert!(
        w.to_string()
            .ends_with("left unread (no label or rule depends on it)"),
        "{w}"
    );

    // The same file twice warns once.
    let mut twice = imported.clone();
    twice.merge(imported.clone());
    assert_eq!(twice.warnings.len(), 1);
    assert_eq!(twice.merged, 4);

    // analytics_data of the wrong type: a type error for that field, never "trailing characters".
    let imported = read_json("l.json", &list_with("analytics_data", "[1,2,3]")).unwrap();
    let w = &imported.warnings[0];
    assert_eq!(w.path, "result.postings[3].analytics_data");
    assert!(
        w.message.contains("expected an object, found an array"),
        "{w}"
    );
    assert_eq!(imported.postings[3].delivery_type, None);
}

#[test]
fn a_customer_in_the_wrong_shape_is_never_read_as_the_region() {
    let text = list_with("customer", "[[\"Иванов Иван +79161234567\"]]");
    let imported = read_json("p.json", &text).unwrap();
    let p = &imported.postings[3];
    assert_eq!(p.customer_region, None);
    let stored = serde_json::to_string(&imported.postings).unwrap();
    assert!(
        !stored.contains("Иванов") && !stored.contains("7916"),
        "{stored}"
    );
    let w = &imported.warnings[0];
    assert_eq!(w.path, "result.postings[3].customer");
    assert!(!w.to_string().contains("Иванов"), "{w}");
    // Nested: an address that is an array is not read either; a real one gives the region.
    let text = list_with(
        "customer",
        r#"{"name": "Иванов", "address": ["Москва", "Иванов"]}"#,
    );
    let imported = read_json("p.json", &text).unwrap();
    assert_eq!(imported.postings[3].customer_region, None);
    assert_eq!(
        imported.warnings[0].path,
        "result.postings[3].customer.address"
    );
    let text = list_with(
        "customer",
        r#"{"name": "Иванов", "phone": "+7916", "address": {"region": "Москва", "address_tail": "ул. Ленина"}}"#,
    );
    let imported = read_json("p.json", &text).unwrap();
    assert_eq!(
        imported.postings[3].customer_region.as_deref(),
        Some("Москва")
    );
    assert!(imported.warnings.is_empty());
}

#[test]
fn a_field_a_label_needs_is_an_error_naming_path_posting_and_place() {
    let err = read_json("l.json", &list_with("barcodes", "[\"%101%1\", \"222\"]")).unwrap_err();
    let ImportError::Posting {
        line,
        column,
        index,
        posting_number,
        path,
        message,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!((*line, *index), (Some(6), 3));
    assert!(column.is_some());
    assert_eq!(posting_number.as_deref(), Some("100-3-1"));
    assert_eq!(path, "result.postings[3].barcodes");
    assert!(message.contains("expected an object"), "{message}");
    assert!(err.to_string().starts_with("l.json:6:"), "{err}");
    assert!(
        err.to_string()
            .contains(": result.postings[3].barcodes (posting #3, 100-3-1): "),
        "{err}"
    );
    // A product of the wrong shape too.
    let err = read_json("l.json", &list_with("products", "[[1, 2, 3]]")).unwrap_err();
    assert!(
        err.to_string()
            .contains("result.postings[3].products[0] (posting #3, 100-3-1)"),
        "{err}"
    );
}

#[test]
fn counts_beyond_the_limits_are_refused_with_the_limit() {
    let err = read_json("l.json", &list_with("multi_box_qty", "1000")).unwrap_err();
    assert!(
        err.to_string().contains("result.postings[3].multi_box_qty (posting #3, 100-3-1): 1000 boxes is above the limit of 999 boxes per posting"),
        "{err}"
    );
    assert_eq!(
        read_json("l.json", &list_with("multi_box_qty", "999"))
            .unwrap()
            .postings[3]
            .multi_box_qty,
        999
    );
    let err = read_json(
        "l.json",
        &list_with(
            "products",
            r#"[{"sku": 1, "quantity": 4294967296, "price": "1"}]"#,
        ),
    )
    .unwrap_err();
    assert!(err.to_string().contains("products[0].quantity"), "{err}");
    let err = read_json(
        "l.json",
        &list_with("products", r#"[{"sku": 1, "quantity": 600000, "price": "1"}, {"sku": 2, "quantity": 400001, "price": "1"}]"#),
    )
    .unwrap_err();
    assert!(err.to_string().contains("products[1].quantity"), "{err}");
    assert!(
        err.to_string()
            .contains("1000001 units, above the limit of 1000000"),
        "{err}"
    );

    let csv = "shipment_id,sku,name,quantity,price,currency,multi_box_qty\nS1,1,a,1,1,RUB,1000\n";
    let err = parse_csv("r.csv", csv).unwrap_err();
    assert!(
        err.to_string()
            .contains("multi_box_qty: 1000 is above the limit of 999 boxes per posting"),
        "{err}"
    );
    let csv = "shipment_id,sku,name,quantity,price,currency\nS1,1,a,99999999999,1,RUB\n";
    let err = parse_csv("r.csv", csv).unwrap_err();
    assert!(
        err.to_string()
            .contains("quantity: 99999999999 is above the limit of 1000000 units"),
        "{err}"
    );
    let csv =
        "shipment_id,sku,name,quantity,price,currency\nS1,1,a,600000,1,RUB\nS1,2,b,600000,1,RUB\n";
    let err = parse_csv("r.csv", csv).unwrap_err();
    assert!(
        err.to_string().contains("record #1 (line 3): quantity"),
        "{err}"
    );
}

#[test]
fn csv_as_russian_excel_saves_it_reads_like_the_plain_one() {
    let plain = load_file(&data("records.csv")).unwrap();
    let excel = load_file(&data("records_excel_1251.csv")).unwrap();
    assert_eq!(excel, plain);
    assert_eq!(excel[0].products[0].price.to_string(), "459.90 RUB");
    assert!(excel[0].products[0].name.contains("«Молочный», 100 г"));

    // Tab separated, UTF-8 with a BOM, CRLF, decimal comma, a no-break space grouping thousands.
    let tab = "\u{feff}shipment_id\tsku\tname\tquantity\tprice\tcurrency\r\nS1\t1\tМёд\t2\t1\u{a0}459,90\tRUB\r\n";
    let p = &read_bytes("t.csv", tab.as_bytes(), Some("csv"))
        .unwrap()
        .postings[0];
    assert_eq!(p.products[0].price.to_string(), "1459.90 RUB");
    assert_eq!(p.products[0].name, "Мёд");
    // Both a point and a comma: refused, not guessed.
    let csv = "shipment_id;sku;name;quantity;price;currency\nS1;1;a;1;1.459,90;RUB\n";
    let err = parse_csv("r.csv", csv).unwrap_err();
    assert!(
        err.to_string().contains("record #0 (line 2): price"),
        "{err}"
    );
}

#[test]
fn a_header_it_cannot_match_lists_what_it_found_and_what_it_expects() {
    let csv = "Номер отправления;Артикул;Количество\n1;2;3\n";
    let err = parse_csv("r.csv", csv).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("r.csv:1: the header lacks the required column(s) shipment_id, sku, name, quantity, price, currency"), "{text}");
    assert!(text.contains("found 3 column(s) (semicolon separated): \"Номер отправления\", \"Артикул\", \"Количество\""), "{text}");
    assert!(
        text.contains("expected at least: shipment_id, sku, name, quantity, price, currency"),
        "{text}"
    );
}

#[test]
fn inputs_are_bounded() {
    let long = format!(
        "shipment_id,sku,name,quantity,price,currency\nS1,1,{},1,1,RUB\n",
        "a".repeat(MAX_CSV_LINE)
    );
    let err = parse_csv("r.csv", &long).unwrap_err();
    assert_eq!(
        err.to_string(),
        "r.csv:2: line longer than 1024 KiB, the limit for one CSV line"
    );
    #[cfg(unix)]
    {
        // The first byte of /dev/zero ends the read: it never reaches the size cap.
        let err = load_file(std::path::Path::new("/dev/zero")).unwrap_err();
        assert!(
            matches!(err, ImportError::Binary { offset: 0, .. }),
            "{err}"
        );
        assert!(
            err.to_string()
                .starts_with("/dev/zero: NUL byte at offset 0"),
            "{err}"
        );
    }
}

#[test]
fn a_posting_number_that_is_not_one_is_refused_by_field_and_character() {
    let err = parse_json(
        "p.json",
        "[{\"posting_number\":\"1-1\\u001b[2J\",\"status\":\"awaiting_deliver\"}]",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "p.json:1:20: [0].posting_number (posting #0, 1-1\\u{1b}[2J): posting number \"1-1\\u{1b}[2J\": \
         control character (U+001B) at character 4 is not allowed"
    );
    // Space around the number is trimmed, as in the neutral records; space inside is refused.
    let ok = parse_json(
        "p.json",
        r#"[{"posting_number":" 1-1-1 ","status":"awaiting_deliver"}]"#,
    )
    .unwrap();
    assert_eq!(ok[0].posting_number, "1-1-1");
    let err = parse_csv(
        "r.csv",
        "shipment_id,sku,name,quantity,price,currency\nSHP 1,1,a,1,1,RUB\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "r.csv: record #0 (line 2): shipment_id: posting number \"SHP 1\": white space (U+0020) at \
         character 4 is not allowed"
    );
    let long = "9".repeat(65);
    let err = parse_csv(
        "r.csv",
        &format!("shipment_id,sku,name,quantity,price,currency\n{long},1,a,1,1,RUB\n"),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("is 65 characters long; at most 64"),
        "{err}"
    );
    // A parent that is not a posting number is a field no label reads: left unread with a warning.
    let imported = read_json(
        "p.json",
        r#"[{"posting_number":"1-1-2","parent_posting_number":"1 1 1","status":"awaiting_deliver"}]"#,
    )
    .unwrap();
    assert_eq!(imported.postings[0].parent_posting_number, None);
    assert_eq!(imported.warnings.len(), 1);
    assert_eq!(imported.warnings[0].path, "[0].parent_posting_number");
}
