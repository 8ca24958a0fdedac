//! The importer through the CLI: FBO postings, repeated postings, fields left unread, the CSV a Russian
//! Excel saves, and bounded reads (issues 12 and 20).

use std::process::Output;

use serde_json::Value;

use crate::common::cli::{data_arg, ok, shiplabel};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn orders_json(files: &[&str]) -> (Vec<Value>, String) {
    let mut args = vec!["orders".to_owned(), "--json".to_owned()];
    args.extend(files.iter().map(|f| data_arg(f)));
    args.extend(["--now".to_owned(), "2026-11-22T12:00:00Z".to_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = shiplabel(&args);
    let list = serde_json::from_str::<Value>(&ok(&out)).expect("JSON");
    (list.as_array().expect("an array").clone(), stderr(&out))
}

#[test]
fn fbo_postings_are_listed_as_not_labelable_because_ozon_ships_them() {
    let (list, _) = orders_json(&["ozon_fbo_list.json", "ozon_fbo_get.json"]);
    assert_eq!(list.len(), 2);
    for p in &list {
        assert_eq!(p["labelable"], false, "{p}");
        assert!(
            p["reason"]
                .as_str()
                .unwrap()
                .contains("FBO posting: Ozon ships it"),
            "{p}"
        );
    }
    let out = shiplabel(&["orders", &data_arg("ozon_fbo_list.json"), "--labelable"]);
    assert!(ok(&out).ends_with("0 posting(s)\n"));
}

#[test]
fn report_keeps_fbo_apart_from_fbs_revenue() {
    let fbo = data_arg("ozon_fbo_list.json");
    let v: Value = serde_json::from_str(&ok(&shiplabel(&["report", &fbo, "--json"]))).unwrap();
    assert_eq!(v["delivered"], 0);
    assert_eq!(v["revenue"], Value::Array(vec![]));
    assert_eq!(v["fbo"]["delivered"], 1);
    assert_eq!(v["fbo"]["revenue"][0]["amount"], "81.00");
    let table = ok(&shiplabel(&["report", &fbo]));
    assert!(table.contains("FBO (Ozon ships; not in TOTAL)"), "{table}");
    let csv = ok(&shiplabel(&["report", &fbo, "--csv"]));
    assert!(
        csv.ends_with("total,,0,0,0,0,0\nfbo,RUB,81.00,1,1,0,0\n"),
        "{csv}"
    );
}

#[test]
fn a_posting_in_two_inputs_is_listed_and_rendered_once_with_a_note() {
    let (once, _) = orders_json(&["ozon_v3_list.json"]);
    let (both, err) = orders_json(&["ozon_v3_list.json", "ozon_v3_get.json"]);
    assert_eq!(both.len(), once.len());
    assert!(
        err.contains("note: 1 repeated posting(s) merged into one record each"),
        "{err}"
    );
    let (twice, err) = orders_json(&["ozon_v3_list.json", "ozon_v3_list.json"]);
    assert_eq!(twice, once);
    assert!(
        err.contains(&format!("note: {} repeated", once.len())),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("labels.pdf");
    let list = data_arg("ozon_v3_list.json");
    let out = shiplabel(&[
        "render",
        &list,
        &list,
        "-o",
        pdf.to_str().unwrap(),
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    let summary = stderr(&out);
    assert!(out.status.success(), "{summary}");
    let single = shiplabel(&[
        "render",
        &list,
        "-o",
        pdf.to_str().unwrap(),
        "--now",
        "2026-11-22T12:00:00Z",
    ]);
    let single_summary = stderr(&single);
    let last = |s: &str| s.lines().last().unwrap_or("").to_owned();
    assert_eq!(last(&summary), last(&single_summary), "{summary}");
}

#[test]
fn conflicting_duplicates_in_one_file_are_refused_naming_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twice.json");
    std::fs::write(
        &file,
        r#"[
{"posting_number": "1-1-1", "status": "awaiting_deliver", "barcodes": {"upper_barcode": "%101%1", "lower_barcode": "1"}},
{"posting_number": "1-1-1", "status": "awaiting_deliver", "barcodes": {"upper_barcode": "%101%1", "lower_barcode": "2"}}
]"#,
    )
    .unwrap();
    let out = shiplabel(&["orders", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("posting 1-1-1 appears twice with different lower_barcode")
            && err.contains("[0] (line 2) and [1] (line 3)"),
        "{err}"
    );
}

#[test]
fn an_unreadable_field_nothing_needs_is_a_warning_not_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("list.json");
    std::fs::write(
        &file,
        "{\"result\": {\"postings\": [\n\
         {\"posting_number\": \"1-1-1\", \"status\": \"delivered\", \"fact_delivery_date\": \"string\",\n\
          \"analytics_data\": [1, 2, 3], \"customer\": [[\"Иванов Иван +79161234567\"]]}\n]}}",
    )
    .unwrap();
    let out = shiplabel(&["orders", file.to_str().unwrap()]);
    let table = ok(&out);
    assert!(table.contains("1-1-1"), "{table}");
    let err = stderr(&out);
    let path = file.display().to_string();
    assert!(
        err.contains(&format!(
            "warning: {path}:2:74: result.postings[0].fact_delivery_date (posting 1-1-1): \"string\" is not an RFC 3339"
        )),
        "{err}"
    );
    assert!(
        err.contains(
            "result.postings[0].analytics_data (posting 1-1-1): expected an object, found an array"
        ),
        "{err}"
    );
    assert!(
        err.contains("result.postings[0].customer (posting 1-1-1): expected an object"),
        "{err}"
    );
    assert!(
        !err.contains("Иванов") && !table.contains("Иванов"),
        "{err}"
    );
}

#[test]
fn many_warnings_are_counted_after_the_first_twenty() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("list.json");
    let postings: Vec<String> = (0..50)
        .map(|i| format!(r#"{{"posting_number": "{i}-1-1", "status": "delivered", "fact_delivery_date": "x"}}"#))
        .collect();
    std::fs::write(&file, format!("[{}]", postings.join(",\n"))).unwrap();
    let path = file.display().to_string();
    let out = shiplabel(&["orders", &path, &path]);
    ok(&out);
    let err = stderr(&out);
    assert_eq!(
        err.lines()
            .filter(|l| l.contains("fact_delivery_date"))
            .count(),
        20,
        "{err}"
    );
    assert!(
        err.contains("warning: … and 30 more field(s) left unread"),
        "{err}"
    );
    assert!(err.contains("note: 50 repeated posting(s) merged"), "{err}");
}

#[test]
fn csv_as_russian_excel_saves_it_lists_like_the_plain_one() {
    let (plain, _) = orders_json(&["records.csv"]);
    let (excel, err) = orders_json(&["records_excel_1251.csv"]);
    assert_eq!(excel, plain, "{err}");
}

#[cfg(unix)]
#[test]
fn an_endless_input_fails_at_once_with_a_clear_error() {
    let out = shiplabel(&["orders", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("/dev/zero: NUL byte at offset 0: not a text file"),
        "{err}"
    );
}
