//! One truth from posting to paper: the same labels on every path (library, `render`, `print FILE`,
//! `print --pending`, `render --db`), the library's gate, and never a wrong barcode. Pages are counted by
//! poppler, barcodes read by rxing and zbar, printer streams decoded by the tests' own decoder.

use std::path::Path;
use std::process::Command;

use crate::common::cli::{data, data_arg, shiplabel};
use crate::common::decode::{decode_all, Lang};
use crate::common::label::read_barcodes;
use crate::station::FakePrinter;
use shiplabel::label::{labels_of, LabelRuleError, Repeat};
use shiplabel::order::{load_file, Package, Posting};
use shiplabel::template::Template;
use shiplabel::{label_bitmaps, RenderError, RenderOptions};

const NOW: &str = "2026-11-22T12:00:00Z";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn pdf_pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils) is needed");
    assert!(out.status.success(), "pdfinfo: {}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

fn pdf_bytes_pages(pdf: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.pdf");
    std::fs::write(&path, pdf).unwrap();
    pdf_pages(&path)
}

fn ozon() -> Template {
    Template::builtin("ozon-fbs").unwrap()
}

/// A posting awaiting packaging with two product lines and real barcodes.
const TWO_LINES: &str = r#"{"result": {"postings": [
  {"posting_number": "0132112277-0102-1", "order_number": "0132112277-0102", "status": "awaiting_packaging",
   "in_process_at": "2026-11-22T10:00:00Z", "shipment_date": "2026-11-23T13:00:00Z",
   "barcodes": {"upper_barcode": "%101%806044519", "lower_barcode": "23024930500001"},
   "delivery_method": {"name": "Ozon Логистика", "warehouse": "Склад"},
   "products": [{"sku": 111, "offer_id": "CUP", "name": "Кружка", "quantity": 2, "price": "10.00", "currency_code": "RUB"},
                {"sku": 222, "offer_id": "LID", "name": "Крышка", "quantity": 1, "price": "5.00", "currency_code": "RUB"}]}
]}}"#;

fn two_lines() -> Posting {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    std::fs::write(&file, TWO_LINES).unwrap();
    load_file(&file).unwrap().remove(0)
}

/// The posting packed into two packages: cup + lid, and the second cup.
fn split(mut posting: Posting) -> Posting {
    posting
        .pack(&[Package::new([(111, 1), (222, 1)]), Package::new([(111, 1)])])
        .unwrap();
    posting
}

#[test]
fn render_pdf_on_the_sample_gives_the_clis_five_pages_and_says_what_it_left_out() {
    let postings = load_file(&data("ozon_v3_list.json")).unwrap();
    let options = RenderOptions {
        now: Some(NOW.parse().unwrap()),
        ..RenderOptions::default()
    };
    let shiplabel::RenderedPdf { pdf, report } =
        shiplabel::render_pdf_to(&postings, &ozon(), &options, Vec::new()).unwrap();
    assert_eq!(pdf_bytes_pages(&pdf), 5);
    assert_eq!(report.labels, 5);
    let skipped: Vec<String> = report.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    for (posting, why) in [
        ("0163799058-0084-1", "not packed"),
        ("0124861120-0199-1", "passport"),
        ("0187365412-0047-2", "cancelled"),
    ] {
        assert!(
            skipped
                .iter()
                .any(|s| s.contains(posting) && s.contains(why)),
            "{posting}: {skipped:?}"
        );
    }
    // The one-call form applies the same gate.
    let rendered = shiplabel::render_pdf(&postings, &ozon()).unwrap();
    assert_eq!(pdf_bytes_pages(&rendered.pdf), 5);

    // The command line makes the same five pages.
    let dir = tempfile::tempdir().unwrap();
    let out_pdf = dir.path().join("cli.pdf");
    let out = shiplabel(&[
        "render",
        "--now",
        NOW,
        &data_arg("ozon_v3_list.json"),
        "-o",
        out_pdf.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(pdf_pages(&out_pdf), 5);
}

#[test]
fn a_posting_that_may_not_be_labelled_is_refused_or_made_a_marked_sample_on_request() {
    let postings = load_file(&data("ozon_v3_list.json")).unwrap();
    let cancelled = postings
        .iter()
        .find(|p| p.posting_number == "0187365412-0047-2")
        .unwrap();
    let err = label_bitmaps(cancelled, &ozon(), 203).unwrap_err();
    assert!(
        matches!(err, RenderError::NotLabelable(_)) && err.to_string().contains("cancelled"),
        "{err}"
    );
    let options = RenderOptions {
        samples: true,
        now: Some(NOW.parse().unwrap()),
        ..RenderOptions::default()
    };
    let labels = shiplabel::named_bitmaps(cancelled, &ozon(), &options).unwrap();
    assert_eq!(labels.len(), 1);
    // Nothing on a sample scans.
    assert_eq!(read_barcodes(&labels[0].bitmap), Vec::<String>::new());

    let shiplabel::RenderedPdf { pdf, report } =
        shiplabel::render_pdf_to(&postings, &ozon(), &options, Vec::new()).unwrap();
    assert_eq!((report.labels, report.samples), (8, 3));
    assert!(report.skipped.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let words = Command::new("pdftotext")
        .args([path.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let words = text(&words.stdout);
    // Two barcode boxes and the band on each of the three samples (pdftotext may break the Russian
    // line where the band crosses other text).
    assert_eq!(words.matches("ОБРАЗЕЦ").count(), 3 * 3, "{words}");
    assert_eq!(
        words.matches("SAMPLE — DO NOT SHIP").count(),
        3 * 3,
        "{words}"
    );
}

#[test]
fn a_packed_posting_gives_one_label_per_package_in_the_library() {
    let posting = split(two_lines());
    let labels = labels_of(&posting, Repeat::Posting).unwrap();
    let names: Vec<String> = labels.iter().map(|l| l.name()).collect();
    assert_eq!(
        names,
        ["0132112277-0102-1 box 1/2", "0132112277-0102-1 box 2/2"]
    );
    // Each package's label shows its own products.
    assert_eq!(
        (labels[0].data.items, labels[1].data.items),
        (2, 1),
        "{labels:?}"
    );
    let rendered = shiplabel::render_pdf(std::slice::from_ref(&posting), &ozon()).unwrap();
    assert_eq!(pdf_bytes_pages(&rendered.pdf), 2);
    let bitmaps = label_bitmaps(&posting, &ozon(), 203).unwrap();
    assert_eq!(bitmaps.len(), 2);
    for b in &bitmaps {
        assert_eq!(
            read_barcodes(b),
            ["%101%806044519", "23024930500001"],
            "both barcodes read back"
        );
    }
    // Per product line of each package, for a per-product template: 2 + 1.
    let product = Template::builtin("product-58x40").unwrap();
    let labels = labels_of(&posting, product.repeat).unwrap();
    let names: Vec<String> = labels.iter().map(|l| l.name()).collect();
    assert_eq!(
        names,
        [
            "0132112277-0102-1 box 1/2 product 1/2",
            "0132112277-0102-1 box 1/2 product 2/2",
            "0132112277-0102-1 box 2/2",
        ]
    );
    assert_eq!(label_bitmaps(&posting, &product, 203).unwrap().len(), 3);
}

#[test]
fn a_multi_box_posting_gives_one_label_per_box_on_the_file_paths() {
    // ozon_v3_get.json: multi_box_qty 3.
    let posting = load_file(&data("ozon_v3_get.json")).unwrap().remove(0);
    assert_eq!(label_bitmaps(&posting, &ozon(), 203).unwrap().len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("r.pdf");
    let out = shiplabel(&[
        "render",
        "--now",
        NOW,
        &data_arg("ozon_v3_get.json"),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(pdf_pages(&pdf), 3);
    let zpl = dir.path().join("p.zpl");
    let out = shiplabel(&[
        "print",
        "--now",
        NOW,
        "--profile",
        "zebra-gk420d",
        &data_arg("ozon_v3_get.json"),
        "--output",
        zpl.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pages = decode_all(Lang::Zpl, &std::fs::read(&zpl).unwrap());
    assert_eq!(pages.len(), 3);
    for page in &pages {
        assert_eq!(read_barcodes(page), ["%101%77310455210", "751420599146000"]);
    }
}

#[test]
fn a_packed_posting_gives_one_label_per_package_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let input = dir.path().join("in.json");
    std::fs::write(&input, TWO_LINES).unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["--db", db.to_str().unwrap()];
        all.extend_from_slice(args);
        shiplabel(&all)
    };
    let out = run(&["import", input.to_str().unwrap(), "--now", NOW]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&[
        "pack",
        "0132112277-0102-1",
        "--split",
        "111:1,222:1/111:1",
        "--now",
        NOW,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // render --db: the stored postings as packed, to PDF and to one PNG per label.
    let pdf = dir.path().join("db.pdf");
    let out = run(&["render", "--now", NOW, "-o", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(pdf_pages(&pdf), 2);
    let pngs = dir.path().join("png/");
    let out = run(&[
        "render",
        "0132112277-0102-1",
        "--now",
        NOW,
        "-o",
        pngs.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_dir(&pngs).unwrap().count(), 2);

    // print --pending sends the same two labels.
    let printer = FakePrinter::start();
    let out = run(&[
        "print",
        "--pending",
        "--printer",
        &printer.uri(),
        "--profile",
        "zebra-gk420d",
        "--no-status",
        "--now",
        NOW,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pages: Vec<_> = printer
        .streams()
        .iter()
        .flat_map(|s| decode_all(Lang::Zpl, s))
        .collect();
    assert_eq!(pages.len(), 2);
    for page in &pages {
        assert_eq!(read_barcodes(page), ["%101%806044519", "23024930500001"]);
    }

    // A per-product template: the job of package 1 carries its two product labels, package 2 one.
    let printer = FakePrinter::start();
    let out = run(&[
        "reprint",
        "0132112277-0102-1",
        "--template",
        "product-58x40",
        "--printer",
        &printer.uri(),
        "--profile",
        "zebra-gk420d",
        "--no-status",
        "--now",
        NOW,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let codes: Vec<Vec<String>> = printer
        .streams()
        .iter()
        .flat_map(|s| decode_all(Lang::Zpl, s))
        .map(|page| read_barcodes(&page))
        .collect();
    assert_eq!(codes, [["111"], ["222"], ["111"]]);

    // Cancelling now names the labels that went out.
    let out = run(&[
        "cancel",
        "0132112277-0102-1",
        "--reason",
        "352",
        "--now",
        NOW,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    for name in ["0132112277-0102-1 box 1/2", "0132112277-0102-1 box 2/2"] {
        assert!(
            said.contains(&format!("{name}: label sent at "))
                && said.contains("take it off the parcel"),
            "{said}"
        );
    }
}

#[test]
fn cancel_takes_the_postings_labels_out_of_the_queue() {
    use shiplabel::label::LabelUnit;
    use shiplabel::store::{Actor, JobKind, JobState, Store};
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), Actor::new("test")).unwrap();
    let now = NOW.parse().unwrap();
    store.import(vec![split(two_lines())], now).unwrap();
    let posting = store.posting("0132112277-0102-1").unwrap();
    let units = LabelUnit::of(&posting).unwrap();
    store.add_jobs(&units, JobKind::Print, false, now).unwrap();
    let done = shiplabel::station::cancel(&mut store, "0132112277-0102-1", 352, None, now).unwrap();
    assert_eq!(done.dropped_jobs.len(), 2);
    assert!(done.sent.is_empty());
    assert!(store.jobs(Some(JobState::Queued), None).unwrap().is_empty());
}

/// A station database at `db` holding [`TWO_LINES`], and a runner of the binary on it.
fn two_lines_station(db: &Path) -> impl Fn(&[&str]) -> std::process::Output + '_ {
    let input = db.with_extension("json");
    std::fs::write(&input, TWO_LINES).unwrap();
    let run = move |args: &[&str]| {
        let mut all = vec!["--db", db.to_str().unwrap()];
        all.extend_from_slice(args);
        shiplabel(&all)
    };
    assert!(run(&["import", input.to_str().unwrap(), "--now", NOW])
        .status
        .success());
    run
}

#[test]
fn a_reprint_takes_the_posting_s_queued_labels_so_they_print_once() {
    use shiplabel::store::{Actor, JobState, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let run = two_lines_station(&db);
    // Two packages, two labels: the first fails at a printer that is not there, the second stays queued.
    assert!(run(&[
        "pack",
        "0132112277-0102-1",
        "--split",
        "111:2/222:1",
        "--now",
        NOW
    ])
    .status
    .success());
    let print = |uri: &str, what: &[&str]| {
        let mut args = what.to_vec();
        args.extend_from_slice(&[
            "--printer",
            uri,
            "--profile",
            "zebra-gk420d",
            "--no-status",
            "--now",
            NOW,
        ]);
        run(&args)
    };
    // A printer that is not there: the label stays in the queue.
    let gone = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone_uri = format!("tcp://{}", gone.local_addr().unwrap());
    drop(gone);
    assert!(!print(&gone_uri, &["print", "--pending"]).status.success());
    let printer = FakePrinter::start();
    let out = print(&printer.uri(), &["reprint", "0132112277-0102-1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = print(&printer.uri(), &["print", "--pending"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = Store::open(&db, Actor::new("test")).unwrap();
    let sent = store.jobs(Some(JobState::Sent), None).unwrap();
    assert_eq!(sent.len(), 2, "two labels, each sent once: {sent:?}");
}

#[test]
fn reprint_of_a_label_never_printed_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let run = two_lines_station(&db);
    assert!(run(&["pack", "0132112277-0102-1", "--now", NOW])
        .status
        .success());
    let printer = FakePrinter::start();
    let reprint = || {
        run(&[
            "reprint",
            "0132112277-0102-1",
            "--printer",
            &printer.uri(),
            "--profile",
            "zebra-gk420d",
            "--no-status",
            "--now",
            NOW,
        ])
    };
    let out = reprint();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("it had never been sent before"),
        "{}",
        text(&out.stdout)
    );
    let out = reprint();
    assert!(
        text(&out.stdout).contains("sent again"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn read_only_and_failed_look_ups_create_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nothing-here.db");
    for args in [
        vec!["jobs"],
        vec!["orders"],
        vec!["orders", "--due"],
        vec!["pack", "0132112277-0102-1"],
        vec!["ship", "0132112277-0102-1"],
        vec!["render", "-o", "x.pdf"],
    ] {
        let mut all = vec!["--db", db.to_str().unwrap()];
        all.extend_from_slice(&args);
        let out = shiplabel(&all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).contains("no station database at"),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!db.exists(), "{args:?} created the database");
    }
}

/// Ozon's published v4 example (placeholder barcodes "0"), and a labelable posting fetched without
/// `with.barcodes` (barcodes null): refused by the library and by `render`, strict or not.
#[test]
fn missing_or_placeholder_barcodes_are_refused_naming_the_posting_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(data("ozon_posting.json")).unwrap();
    let mut posting: serde_json::Value = serde_json::from_str(&source).unwrap();
    posting["barcodes"] = serde_json::Value::Null;
    let no_barcodes = dir.path().join("no-barcodes.json");
    std::fs::write(&no_barcodes, posting.to_string()).unwrap();
    let docs = data("ozon_v4_unfulfilled_docs_example.json");
    let now = "2026-05-04T12:00:00Z";
    for (file, number, said) in [
        (
            docs.as_path(),
            "41517061-0214-1",
            "upper_barcode is the placeholder \"0\"",
        ),
        (
            no_barcodes.as_path(),
            "0132112277-0101-1",
            "upper_barcode is missing",
        ),
    ] {
        let postings = load_file(file).unwrap();
        let options = RenderOptions {
            now: Some(now.parse().unwrap()),
            ..RenderOptions::default()
        };
        let err = shiplabel::render_pdf_to(&postings, &ozon(), &options, Vec::new()).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(&format!("posting {number}")) && message.contains(said),
            "{message}"
        );
        let err = shiplabel::named_bitmaps(&postings[0], &ozon(), &options).unwrap_err();
        assert!(err.to_string().contains(said), "{err}");
        for strict in [false, true] {
            let out_pdf = dir.path().join("out.pdf");
            let mut args = vec!["render", "--now", now, file.to_str().unwrap()];
            if strict {
                args.push("--strict");
            }
            args.extend(["-o", out_pdf.to_str().unwrap()]);
            let out = shiplabel(&args);
            assert_eq!(out.status.code(), Some(1), "strict {strict}");
            let stderr = text(&out.stderr);
            assert!(
                stderr.contains(&format!("posting {number}")) && stderr.contains(said),
                "strict {strict}: {stderr}"
            );
            assert!(!out_pdf.exists());
        }
        // print FILE refuses before a byte is written.
        let job = dir.path().join("job.zpl");
        let out = shiplabel(&[
            "print",
            "--now",
            now,
            "--profile",
            "zebra-gk420d",
            file.to_str().unwrap(),
            "--output",
            job.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains(said), "{}", text(&out.stderr));
        assert!(!job.exists());
    }
}

#[test]
fn a_box_count_over_the_limit_is_refused_naming_the_posting_and_the_limit() {
    let mut posting = load_file(&data("ozon_v3_get.json")).unwrap().remove(0);
    posting.multi_box_qty = 5000;
    let err = labels_of(&posting, Repeat::Posting).unwrap_err();
    assert!(matches!(
        err,
        LabelRuleError::TooManyBoxes { boxes: 5000, .. }
    ));
    let message = err.to_string();
    assert!(
        message.contains("0249917350-0012-1")
            && message.contains("5000")
            && message.contains("999"),
        "{message}"
    );
    let err = label_bitmaps(&posting, &ozon(), 203).unwrap_err();
    assert!(matches!(err, RenderError::Rule(_)), "{err}");
}

#[test]
fn the_station_refuses_a_placeholder_barcode_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let run = |args: &[&str]| {
        let mut all = vec!["--db", db.to_str().unwrap()];
        all.extend_from_slice(args);
        shiplabel(&all)
    };
    let docs = data_arg("ozon_v4_unfulfilled_docs_example.json");
    let now = "2026-05-04T12:00:00Z";
    assert!(run(&["import", &docs, "--now", now]).status.success());
    let printer = FakePrinter::start();
    let out = run(&[
        "print",
        "--pending",
        "--printer",
        &printer.uri(),
        "--profile",
        "zebra-gk420d",
        "--no-status",
        "--now",
        now,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(printer.bytes(), 0, "nothing reached the printer");
    let jobs = text(&run(&["jobs", "--state", "failed"]).stdout);
    assert!(
        jobs.contains("41517061-0214-1") && jobs.contains("upper_barcode is the placeholder"),
        "{jobs}"
    );
    // Nor is it handed over without a label, unless the operator says so.
    let out = run(&["ship", "41517061-0214-1", "--now", now]);
    assert_eq!(out.status.code(), Some(1));
}
