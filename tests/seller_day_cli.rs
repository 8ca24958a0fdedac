//! The seller's day end to end: `orders --due`, `remind`, `report`, `handover`, run as the built
//! binary; the handover PDF checked with poppler (`pdfinfo`, `pdftotext`, `pdftoppm`) and `zbarimg`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::cli::{data_arg, ok, shiplabel};
use serde_json::Value;

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).expect("JSON output")
}

const NOW: &str = "2026-11-23T10:00:00Z";

#[test]
fn orders_due_lists_late_soon_today_and_later() {
    let day = data_arg("seller_day.json");
    let text = ok(&shiplabel(&["orders", &day, "--due", "--now", NOW]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("DUE"), "{text}");
    assert!(
        lines[1].starts_with("LATE      0201000001-0001-1"),
        "{text}"
    );
    assert!(lines[1].contains("1 h 00 min late"), "{text}");
    assert!(
        lines[2].starts_with("due soon  0201000002-0001-1"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("today     0201000003-0001-1"),
        "{text}"
    );
    assert!(text.contains("blocked: awaiting passport data until 2026-11-23T20:00:00Z"));
    assert!(
        !text.contains("0201000007-0001-1"),
        "expired passport posting is not to pack: {text}"
    );
    assert!(text
        .ends_with("6 to pack: 1 late, 1 due within 2 h 00 min, 1 later today, 3 on later days\n"));

    // A wider window moves "today" into "due soon"; JSON gives the same list.
    let v = json(&shiplabel(&[
        "orders", &day, "--due", "--warn", "6h", "--now", NOW, "--json",
    ]));
    let urgencies: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["posting_number"].as_str().unwrap(),
                d["urgency"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        &urgencies[..3],
        &[
            ("0201000001-0001-1", "late"),
            ("0201000002-0001-1", "due_soon"),
            ("0201000003-0001-1", "due_soon"),
        ]
    );
    let bad = shiplabel(&["orders", &day, "--due", "--warn", "2 hours"]);
    assert_eq!(bad.status.code(), Some(2));
    let warn_without_due = shiplabel(&["orders", &day, "--warn", "2h"]);
    assert_eq!(warn_without_due.status.code(), Some(2));
}

#[test]
fn orders_due_honours_the_status_filter() {
    let day = data_arg("seller_day.json");
    let due = |status: &str| {
        json(&shiplabel(&[
            "orders", &day, "--due", "--status", status, "--now", NOW, "--json",
        ]))
        .as_array()
        .unwrap()
        .len()
    };
    assert_eq!(due("awaiting_packaging"), 6);
    assert_eq!(
        due("awaiting_deliver"),
        0,
        "packed postings are not to pack"
    );
    let bad = shiplabel(&["orders", &day, "--due", "--status", "packed"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown status \"packed\""));
}

#[test]
fn remind_before_at_and_after_the_deadline() {
    let day = data_arg("seller_day.json");
    let v = json(&shiplabel(&[
        "remind", &day, "--now", NOW, "--json", "--lang", "en",
    ]));
    let list = v.as_array().unwrap();
    let by: Vec<(&str, &str, Option<i64>)> = list
        .iter()
        .map(|r| {
            (
                r["posting_number"].as_str().unwrap(),
                r["state"].as_str().unwrap(),
                r["minutes_left"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            ("0201000006-0001-1", "waiting", Some(390)),
            ("0201000005-0001-1", "waiting", Some(600)),
            ("0201000007-0001-1", "expired", None),
        ]
    );
    // Moscow time when the region is unknown; the customer's zone (Novosibirsk, UTC+7) when known.
    let msg6 = list[0]["message"].as_str().unwrap();
    assert!(
        msg6.contains("before 23 November 2026, 19:30 (Moscow time, UTC+3)"),
        "{msg6}"
    );
    let msg5 = list[1]["message"].as_str().unwrap();
    assert!(
        msg5.contains("before 24 November 2026, 03:00 (your local time, UTC+7)"),
        "{msg5}"
    );
    assert!(list[2]["message"].is_null());
    for m in [msg5, msg6] {
        assert!(m.contains("customs"), "why: {m}");
        assert!(m.contains("cancelled automatically"), "consequence: {m}");
        assert!(m.contains("order the item again"), "{m}");
    }

    // Exactly at the first deadline: that one is expired too; after all deadlines nothing is waiting.
    let at = json(&shiplabel(&[
        "remind",
        &day,
        "--now",
        "2026-11-23T16:30:00Z",
        "--json",
    ]));
    assert_eq!(at[0]["posting_number"], "0201000005-0001-1");
    let states: Vec<&str> = at
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["waiting", "expired", "expired"]);
    let after = ok(&shiplabel(&[
        "remind",
        &day,
        "--now",
        "2026-11-24T00:00:00Z",
    ]));
    assert!(
        after.contains("0 posting(s) waiting for passport data, 3 past the deadline"),
        "{after}"
    );
    assert!(
        !after.contains("====="),
        "no message after the deadline: {after}"
    );

    // Text output in Russian by default, with the message under the table.
    let ru = ok(&shiplabel(&["remind", &day, "--now", NOW]));
    assert!(ru.contains("===== 0201000006-0001-1 ====="));
    assert!(ru.contains("до 23.11.2026 19:30 (по московскому времени, UTC+3)"));
    let zh = ok(&shiplabel(&[
        "remind", &day, "--now", NOW, "--lang", "zh", "--tz", "+08:00",
    ]));
    assert!(
        zh.contains("2026年11月24日 00:30（您当地时间，UTC+8）"),
        "{zh}"
    );
}

#[test]
fn remind_counts_an_unknown_deadline_as_waiting_not_past() {
    // Without in_process_at the deadline is unknown: the posting still waits for passport data and
    // has not passed any deadline.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no_deadline.json");
    std::fs::write(
        &file,
        r#"[{"posting_number": "0201000099-0001-1", "status": "awaiting_packaging",
             "substatus": "posting_awaiting_passport_data",
             "products": [{"sku": 1, "quantity": 1, "price": "10", "currency_code": "RUB"}]}]"#,
    )
    .unwrap();
    let out = ok(&shiplabel(&[
        "remind",
        file.to_str().unwrap(),
        "--now",
        NOW,
    ]));
    assert!(out.contains("waiting, deadline unknown"), "{out}");
    assert!(
        out.contains("1 posting(s) waiting for passport data, 0 past the deadline"),
        "{out}"
    );
}

#[test]
fn remind_with_a_user_template_and_bad_templates() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("mine.txt");
    std::fs::write(
        &good,
        "Заказ {order_number}: до {deadline} ({timezone}), осталось {time_left}.",
    )
    .unwrap();
    let day = data_arg("seller_day.json");
    let out = ok(&shiplabel(&[
        "remind",
        &day,
        "--now",
        NOW,
        "--template",
        good.to_str().unwrap(),
    ]));
    assert!(out.contains("Заказ 0201000006-0001: до 23.11.2026 19:30 (по московскому времени, UTC+3), осталось 6 ч 30 мин."), "{out}");
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "Hello,\nplease send {passport_series} here").unwrap();
    let out = shiplabel(&["remind", &day, "--template", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.txt: line 2, column 13: unknown placeholder {passport_series}"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn report_totals_in_table_json_and_csv() {
    let day = data_arg("seller_day.json");
    let table = ok(&shiplabel(&["report", &day]));
    assert!(
        table.contains("TOTAL       3          14     3662.2999 RUB  1          1"),
        "{table}"
    );
    let v = json(&shiplabel(&["report", &day, "--json"]));
    assert_eq!(v["delivered"], 3);
    assert_eq!(v["revenue"][0]["amount"], "3662.2999");
    assert_eq!(v["revenue"][0]["currency"], "RUB");
    // 22:30Z on the 20th is the 21st in Moscow: 7 × 0.1 + 3 × 0.2 = 1.30 exactly.
    assert_eq!(v["days"][1]["date"], "2026-11-21");
    assert_eq!(v["days"][1]["revenue"][0]["amount"], "1.30");
    let csv = ok(&shiplabel(&[
        "report",
        &day,
        "--csv",
        "--from",
        "2026-11-21",
        "--to",
        "2026-11-21",
    ]));
    assert_eq!(
        csv,
        "date,currency,revenue,delivered,items,cancelled,disputed\n\
         2026-11-21,RUB,1.30,2,10,0,1\n\
         total,RUB,1.30,2,10,0,1\n"
    );
    let out = shiplabel(&["report", &day, "--from", "2026-11-22", "--to", "2026-11-21"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--from 2026-11-22 is after --to 2026-11-21")
    );
    assert_eq!(
        shiplabel(&["report", &day, "--json", "--csv"])
            .status
            .code(),
        Some(2)
    );
}

/// Writes `n` packed postings as an Ozon v3 list.
fn packed_postings(dir: &Path, n: usize) -> (PathBuf, Vec<String>) {
    let numbers: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "{:010}-{:04}-{}",
                132112277 + i * 7919,
                i % 10000,
                1 + i % 3
            )
        })
        .collect();
    let postings: Vec<Value> = numbers
        .iter()
        .enumerate()
        .map(|(i, number)| {
            serde_json::json!({
                "posting_number": number,
                "status": "awaiting_deliver",
                "substatus": "posting_not_in_carriage",
                "tpl_integration_type": "ozon",
                "delivery_method": {"warehouse": "Склад Подольск Северный", "tpl_provider": "Доставка Ozon"},
                "products": [{"sku": 1745203311, "quantity": 1 + i % 3,
                              "price": format!("{}.{:02}", 100 + i, i % 100), "currency_code": "RUB",
                              "name": "Кеды"}]
            })
        })
        .collect();
    let path = dir.join("packed.json");
    std::fs::write(
        &path,
        serde_json::to_string(&serde_json::json!({"result": {"postings": postings}})).unwrap(),
    )
    .unwrap();
    (path, numbers)
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} must be installed (see .ci/run): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn handover_of_250_postings_paginates_and_every_number_and_barcode_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let (input, numbers) = packed_postings(dir.path(), 250);
    let pdf = dir.path().join("act.pdf");
    let pdf_s = pdf.to_str().unwrap();
    let out = ok(&shiplabel(&[
        "handover",
        input.to_str().unwrap(),
        "-o",
        pdf_s,
        "--seller",
        "ООО «Ромашка»",
        "--date",
        "2026-11-23",
    ]));
    assert!(out.contains("250 posting(s), 17 page(s)"), "{out}");

    let info = tool("pdfinfo", &[pdf_s]);
    assert!(info.contains("Pages:           17"), "{info}");
    assert!(info.contains("(A4)"), "{info}");

    let text = tool("pdftotext", &["-layout", pdf_s, "-"]);
    for n in &numbers {
        assert!(text.contains(n.as_str()), "pdftotext misses {n}");
    }
    for cyrillic in [
        "Акт приёма-передачи отправлений",
        "ООО «Ромашка»",
        "Склад Подольск Северный",
        "Доставка Ozon",
        "23.11.2026",
        "Всего отправлений: 250",
        "Сдал (продавец)",
        "Принял (перевозчик)",
    ] {
        assert!(text.contains(cyrillic), "missing {cyrillic}");
    }
    // The table header is repeated on every page.
    assert_eq!(text.matches("Номер отправления").count(), 17);

    // Every barcode on the first page, rendered at 300 dpi in black and white, decodes.
    let page1 = tool("pdftotext", &["-f", "1", "-l", "1", pdf_s, "-"]);
    let on_page1: BTreeSet<&str> = numbers
        .iter()
        .map(String::as_str)
        .filter(|n| page1.contains(n))
        .collect();
    assert_eq!(on_page1.len(), 15, "{page1}");
    let prefix = dir.path().join("p");
    tool(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-mono",
            "-f",
            "1",
            "-l",
            "1",
            pdf_s,
            prefix.to_str().unwrap(),
        ],
    );
    let image = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pbm"))
        .expect("pdftoppm wrote a PBM");
    let decoded = tool(
        "zbarimg",
        &[
            "-q",
            "--raw",
            "-Sdisable",
            "-Scode128.enable",
            image.to_str().unwrap(),
        ],
    );
    let read: BTreeSet<&str> = decoded
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(read, on_page1);
}

#[test]
fn handover_skips_what_cannot_be_handed_over_and_fails_on_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let day = data_arg("seller_day.json");
    let pdf = dir.path().join("act.pdf");
    let out = shiplabel(&["handover", &day, "-o", pdf.to_str().unwrap(), "--now", NOW]);
    let stdout = ok(&out);
    assert!(
        stdout.contains("2 posting(s), 1 page(s), 12 skipped"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "skipped: posting 0201000005-0001-1: cannot hand over in status awaiting_packaging"
        ),
        "{stderr}"
    );

    let none = dir.path().join("none.pdf");
    let out = shiplabel(&[
        "handover",
        &data_arg("seller_day.json"),
        "-o",
        none.to_str().unwrap(),
        "--now",
        "2030-01-01T00:00:00Z",
    ]);
    // The two packed postings are still packed in 2030: the rules do not expire them.
    assert!(out.status.success());
    // An unwritable target fails cleanly and leaves nothing behind.
    let missing_dir = dir.path().join("no-such-dir").join("act.pdf");
    let out = shiplabel(&[
        "handover",
        &day,
        "-o",
        missing_dir.to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot write"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!missing_dir.exists());

    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "[]").unwrap();
    let out = shiplabel(&[
        "handover",
        empty.to_str().unwrap(),
        "-o",
        none.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no posting can be handed over"));
}
