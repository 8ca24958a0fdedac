//! Every `/api/v1` endpoint, and the door, against the built binary.

use std::time::Duration;

use serde_json::json;

use super::{agent, request, spawn_serve, store_with_samples, Server, NOW};
use crate::common::fake_printer::Answer;
use crate::common::label::{png_to_luma, read_barcodes, read_luma};

/// The sample posting awaiting delivery with the barcodes the label tests read.
const READY: &str = "0132112277-0101-1";
/// The sample posting awaiting packaging: two products, 3 + 2 pieces.
const TO_PACK: &str = "0163799058-0084-1";

#[test]
fn scan_prints_once_and_a_second_scan_prints_nothing() {
    let server = Server::start();
    let first = server.post("/api/v1/scan", &json!({ "code": READY }).to_string());
    assert_eq!(first.status, 200, "{}", first.text());
    let r = first.json();
    assert_eq!(r["ok"], json!(true), "{r}");
    assert_eq!(r["posting"], json!(READY));
    assert_eq!(r["printed_before"], json!(false));
    assert_eq!(r["card"]["printed"], json!(true), "{r}");
    assert_eq!(r["card"]["previews"], json!(1));
    assert_eq!(server.pages_after(1), 1);
    // The one label the printer got carries the posting's two barcodes, read by rxing.
    let page = &server.printer.pages_now()[0];
    let codes = read_barcodes(page);
    assert!(
        codes.contains(&"%101%806044518".to_owned())
            && codes.contains(&"23024930500000".to_owned()),
        "{codes:?}"
    );
    // Scanned again: found, nothing sent, the page is told to ask for "print again".
    let second = server
        .post("/api/v1/scan", &json!({ "code": READY }).to_string())
        .json();
    assert_eq!(second["ok"], json!(true), "{second}");
    assert_eq!(second["printed_before"], json!(true));
    assert_eq!(second["jobs"], json!([]));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.printer.pages(), 1);
    // The explicit reprint sends one more.
    let again = server.post(&format!("/api/v1/postings/{READY}/reprint"), "{}");
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(server.pages_after(2), 2);
}

#[test]
fn a_product_code_packs_and_unknown_codes_are_named() {
    let server = Server::start();
    let r = server
        .post(
            "/api/v1/scan",
            &json!({ "code": "KRUZHKA-350-BEL" }).to_string(),
        )
        .json();
    assert_eq!(r["ok"], json!(true), "{r}");
    assert_eq!(r["posting"], json!(TO_PACK));
    assert_eq!(r["packed"], json!(true));
    let items = r["card"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["offer_id"], json!("KRUZHKA-350-BEL"));
    assert_eq!(items[0]["quantity"], json!(3));
    let unknown = server
        .post("/api/v1/scan", &json!({ "code": "XYZ" }).to_string())
        .json();
    assert_eq!(unknown["ok"], json!(false));
    assert_eq!(unknown["problem"], json!("unknown_code"));
    // Cancelled on import (no passport data within 24 hours): found, no label, nothing printed.
    let gated = server
        .post(
            "/api/v1/scan",
            &json!({ "code": "0124861120-0199-1" }).to_string(),
        )
        .json();
    assert_eq!(gated["problem"], json!("no_label"), "{gated}");
    assert_eq!(server.pages_after(1), 1);
    // Not JSON, and a body over the limit.
    let bad = server.post("/api/v1/scan", "code=1");
    assert_eq!(bad.status, 400, "{}", bad.text());
    let huge = format!("{{\"code\": \"{}\"}}", "9".repeat(100_000));
    assert_eq!(server.post("/api/v1/scan", &huge).status, 413);
}

#[test]
fn postings_pack_split_print_and_the_preview_is_the_printed_bitmap() {
    let server = Server::start();
    let list = server.get("/api/v1/postings").json();
    assert_eq!(list["postings"].as_array().unwrap().len(), 6, "{list}");
    let waiting = server
        .get("/api/v1/postings?status=awaiting_packaging")
        .json();
    assert_eq!(
        waiting["postings"].as_array().unwrap().len(),
        1,
        "{waiting}"
    );
    let one = server.get(&format!("/api/v1/postings/{TO_PACK}"));
    assert_eq!(one.status, 200);
    assert!(
        one.json()["no_label"].is_string(),
        "not packed yet: no label"
    );
    assert_eq!(server.get("/api/v1/postings/0000000000-0000-0").status, 404);
    // No customer data on the card: the model has none, and nothing like it is added.
    assert!(!one.text().contains("passport") && !one.text().contains("address"));

    let split = json!({ "packages": [
        [{ "product": "KRUZHKA-350-BEL", "quantity": 3 }],
        [{ "product": "2009876544", "quantity": 2 }],
    ]});
    let card = server
        .post(
            &format!("/api/v1/postings/{TO_PACK}/pack"),
            &split.to_string(),
        )
        .json();
    assert_eq!(card["packages"].as_array().unwrap().len(), 2, "{card}");
    assert_eq!(card["labels"].as_array().unwrap().len(), 2);
    assert_eq!(card["previews"], json!(2));
    let wrong = server.post(
        &format!("/api/v1/postings/{READY}/pack"),
        &json!({ "packages": [[{ "product": "NOPE", "quantity": 1 }]] }).to_string(),
    );
    assert_eq!(wrong.status, 400, "{}", wrong.text());

    let printed = server.post(&format!("/api/v1/postings/{TO_PACK}/print"), "");
    assert_eq!(printed.status, 200, "{}", printed.text());
    assert_eq!(server.pages_after(2), 2);
    // Printed: print again only through reprint.
    let twice = server.post(&format!("/api/v1/postings/{TO_PACK}/print"), "");
    assert_eq!(twice.status, 409, "{}", twice.text());
    assert_eq!(server.printer.pages(), 2);

    // The preview PNG is the bitmap that went to the printer: the same barcodes, and its pixels
    // are those of the page the printer decoded.
    let png = server.get(&format!("/api/v1/postings/{READY}/preview/1"));
    assert_eq!(png.status, 200);
    assert_eq!(png.content_type, "image/png");
    let (luma, w, h) = png_to_luma(&png.body);
    let codes = read_luma(luma, w, h);
    assert!(codes.contains(&"23024930500000".to_owned()), "{codes:?}");
    server.post("/api/v1/scan", &json!({ "code": READY }).to_string());
    assert_eq!(server.pages_after(3), 3);
    let page = &server.printer.pages_now()[2];
    // The printer's page is the preview placed on the head (832 dots wide): the same black pixels, at
    // the same places relative to each other.
    let preview = shiplabel::bitmap::Bitmap::from_png(&png.body).unwrap();
    assert_eq!(preview.count_black(), page.count_black());
    let (a, b) = (black_box(&preview), black_box(page));
    assert_eq!((a.2 - a.0, a.3 - a.1), (b.2 - b.0, b.3 - b.1));
    for y in 0..=(a.3 - a.1) {
        for x in 0..=(a.2 - a.0) {
            assert_eq!(
                preview.get(a.0 + x, a.1 + y),
                page.get(b.0 + x, b.1 + y),
                "pixel {x},{y} of the label"
            );
        }
    }
    assert_eq!(
        server
            .get(&format!("/api/v1/postings/{READY}/preview/2"))
            .status,
        404
    );
}

#[test]
fn jobs_printers_status_raw_print_and_events() {
    let server = Server::start();
    // The events stream starts with the printer's state.
    let mut events = agent().get(&server.url("/api/v1/events")).call().unwrap();
    assert!(events
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("text/event-stream")));
    let mut reader = events.body_mut().as_reader();
    let mut first = Vec::new();
    let mut byte = [0u8; 1];
    while !first.ends_with(b"\n\n") {
        std::io::Read::read_exact(&mut reader, &mut byte).unwrap();
        first.push(byte[0]);
    }
    let first = String::from_utf8(first).unwrap();
    assert!(
        first.starts_with("data: {") && first.contains("\"type\":\"printer\""),
        "{first}"
    );

    server.post("/api/v1/scan", &json!({ "code": READY }).to_string());
    let jobs = server.get("/api/v1/jobs").json();
    let list = jobs["jobs"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{jobs}");
    assert_eq!(list[0]["state"], json!("sent"));
    assert_eq!(list[0]["kind"], json!("scan"));
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(
        server.get(&format!("/api/v1/jobs/{id}")).json()["posting_number"],
        json!(READY)
    );
    assert_eq!(server.get("/api/v1/jobs/999").status, 404);
    assert_eq!(server.get("/api/v1/jobs?state=bogus").status, 400);
    assert_eq!(
        server
            .get(&format!("/api/v1/jobs?posting={TO_PACK}"))
            .json()["jobs"],
        json!([])
    );

    let printers = server.get("/api/v1/printers").json();
    assert_eq!(
        printers["printers"][0]["name"],
        json!("station"),
        "{printers}"
    );
    assert_eq!(printers["printers"][0]["uri"], json!(server.printer.uri()));
    let status = server.get("/api/v1/printers/status").json();
    assert_eq!(status["state"], json!("ready"), "{status}");
    *server.answer.lock().unwrap() = Answer::PaperOut;
    let status = server.get("/api/v1/printers/status").json();
    assert_eq!(status["state"], json!("paper_out"), "{status}");
    // A scan at a printer out of paper: refused before a byte goes, said so.
    let refused = server
        .post(
            "/api/v1/scan",
            &json!({ "code": "0187365412-0047-3" }).to_string(),
        )
        .json();
    assert_eq!(refused["problem"], json!("printer"), "{refused}");
    *server.answer.lock().unwrap() = Answer::Ready;

    // Raw print: a web tool's ZPL to the station printer, journaled as `raw`.
    let zpl = b"^XA^PW400^LL200^FO20,20^GB100,100,100^FS^XZ";
    let headers = [
        ("Origin", server.base.as_str()),
        ("X-CSRF-Token", server.csrf.as_str()),
        ("Content-Type", "application/octet-stream"),
    ];
    let raw = server.post_with("/api/v1/raw?printer=station&ref=wms-17", &headers, zpl);
    assert_eq!(raw.status, 200, "{}", raw.text());
    let raw_job = raw.json()["job"].as_i64().unwrap();
    let job = server.get(&format!("/api/v1/jobs/{raw_job}")).json();
    assert_eq!(job["kind"], json!("raw"));
    assert_eq!(job["posting_number"], json!("raw:wms-17"));
    assert_eq!(job["state"], json!("sent"));
    assert_eq!(job["bytes"], json!(zpl.len()));
    assert_eq!(server.pages_after(2), 2);
    // Only configured printers, by name: a URI or a path is not a name.
    let elsewhere = server.post_with("/api/v1/raw?printer=file:///etc/passwd", &headers, zpl);
    assert_eq!(elsewhere.status, 404, "{}", elsewhere.text());
    assert_eq!(server.post_with("/api/v1/raw", &headers, b"").status, 400);
}

#[test]
fn an_uncertain_label_is_a_question_and_both_answers_settle_it() {
    let server = Server::start();
    // Two labels left uncertain, as a process killed mid-job leaves them: through the library, on
    // the same database the server has open.
    let uncertain = |posting: &str| {
        let mut store = shiplabel::store::Store::open_existing(
            &server.db,
            shiplabel::store::Actor::new("test"),
        )
        .unwrap();
        let unit = shiplabel::label::LabelUnit {
            posting_number: posting.parse().unwrap(),
            package_number: 1,
            boxes: 1,
        };
        let now = chrono::Utc::now();
        let id = store
            .add_jobs(&[unit], shiplabel::store::JobKind::Print, true, now)
            .unwrap()[0];
        assert!(store.start_sending(id, "tcp://gone", now).unwrap());
        store.mark_uncertain(id, "link broke", now).unwrap();
        id
    };
    let first = uncertain(READY);
    let second = uncertain("0187365412-0047-3");
    let asked = server.get("/api/v1/jobs?state=uncertain").json();
    assert_eq!(asked["jobs"].as_array().unwrap().len(), 2, "{asked}");
    let card = server.get(&format!("/api/v1/postings/{READY}")).json();
    assert_eq!(card["labels"][0]["uncertain_job"], json!(first), "{card}");

    // "Yes, it came out": nothing printed, the question is settled, the label counts as sent.
    let yes = server.post(
        &format!("/api/v1/jobs/{first}/answer"),
        &json!({ "came_out": true }).to_string(),
    );
    assert_eq!(yes.status, 200, "{}", yes.text());
    let card = server.get(&format!("/api/v1/postings/{READY}")).json();
    assert_eq!(card["labels"][0]["uncertain_job"], json!(null), "{card}");
    assert_eq!(card["printed"], json!(true));
    // "No": printed again, once.
    let no = server.post(
        &format!("/api/v1/jobs/{second}/answer"),
        &json!({ "came_out": false }).to_string(),
    );
    assert_eq!(no.status, 200, "{}", no.text());
    assert_eq!(server.pages_after(1), 1);
    assert_eq!(
        server.get("/api/v1/jobs?state=uncertain").json()["jobs"],
        json!([])
    );
    // Answered already: refused, nothing printed.
    let again = server.post(
        &format!("/api/v1/jobs/{second}/answer"),
        &json!({ "came_out": false }).to_string(),
    );
    assert_eq!(again.status, 409, "{}", again.text());
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.printer.pages(), 1);
}

#[test]
fn writes_from_another_site_or_without_the_page_token_are_refused() {
    let server = Server::start();
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page
        .text()
        .contains(&format!("content=\"{}\"", server.csrf)));
    assert!(page
        .csp
        .as_deref()
        .is_some_and(|c| c.contains("default-src 'self'")));
    assert_eq!(server.get("/app.js").status, 200);
    assert_eq!(server.get("/style.css").status, 200);
    let scan = json!({ "code": READY }).to_string();
    let body = scan.as_bytes();
    // Another origin, with the right token even: 403.
    let cross = server.post_with(
        "/api/v1/scan",
        &[
            ("Origin", "http://evil.example"),
            ("X-CSRF-Token", &server.csrf),
        ],
        body,
    );
    assert_eq!(cross.status, 403, "{}", cross.text());
    assert_eq!(cross.json()["error"]["code"], json!("origin"));
    let fetch_site = server.post_with(
        "/api/v1/scan",
        &[
            ("Sec-Fetch-Site", "cross-site"),
            ("X-CSRF-Token", &server.csrf),
        ],
        body,
    );
    assert_eq!(fetch_site.status, 403);
    // Same origin without the page's token, or with a wrong one: 403.
    let origin = server.base.clone();
    let no_csrf = server.post_with("/api/v1/scan", &[("Origin", &origin)], body);
    assert_eq!(no_csrf.status, 403);
    assert_eq!(no_csrf.json()["error"]["code"], json!("csrf"));
    let wrong = server.post_with(
        "/api/v1/scan",
        &[("Origin", &origin), ("X-CSRF-Token", "0000")],
        body,
    );
    assert_eq!(wrong.status, 403);
    // A foreign host name pointing here (DNS rebinding): 403 even for reads.
    let rebound = request(
        &agent(),
        "GET",
        &server.url("/api/v1/postings"),
        &[("Host", "evil.example")],
        None,
    );
    assert_eq!(rebound.status, 403, "{}", rebound.text());
    // Nothing of it printed.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.printer.pages(), 0);
    assert_eq!(server.get("/nothing/here").status, 404);
}

#[test]
fn any_address_but_loopback_needs_a_token_and_every_request_carries_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_samples(dir.path());
    // 127.0.0.2 stands for the LAN address: any address but 127.0.0.1 / [::1].
    let (mut child, _) = spawn_serve(
        dir.path(),
        &db,
        &[
            "--printer",
            "tcp://127.0.0.1:9",
            "--listen",
            "127.0.0.2:0",
            "--now",
            NOW,
        ],
    );
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("--token"), "{stderr}");
    let (mut short, _) = spawn_serve(
        dir.path(),
        &db,
        &[
            "--printer",
            "tcp://127.0.0.1:9",
            "--listen",
            "127.0.0.2:0",
            "--token",
            "short",
        ],
    );
    assert_eq!(short.wait().unwrap().code(), Some(1));

    let token = "correct-horse-battery-staple";
    let (mut child, line) = spawn_serve(
        dir.path(),
        &db,
        &[
            "--printer",
            "tcp://127.0.0.1:9",
            "--listen",
            "127.0.0.2:0",
            "--token",
            token,
            "--status-every",
            "0",
            "--now",
            NOW,
        ],
    );
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("{line}"))
        .trim_end_matches('/')
        .to_owned();
    assert!(base.starts_with("http://127.0.0.2:"), "{base}");
    let agent = agent();
    let get = |path: &str, headers: &[(&str, &str)]| {
        request(&agent, "GET", &format!("{base}{path}"), headers, None)
    };
    assert_eq!(get("/api/v1/postings", &[]).status, 401);
    assert_eq!(get("/", &[]).status, 401);
    let bearer = format!("Bearer {token}");
    assert_eq!(
        get(
            "/api/v1/postings",
            &[("Authorization", "Bearer nope-nope-nope-nope")]
        )
        .status,
        401
    );
    let ok = get("/api/v1/postings", &[("Authorization", &bearer)]);
    assert_eq!(ok.status, 200, "{}", ok.text());
    // A browser opens /?token=… once: the token moves into an HttpOnly cookie.
    let no_redirects: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let opened = request(
        &no_redirects,
        "GET",
        &format!("{base}/?token={token}"),
        &[],
        None,
    );
    assert_eq!(opened.status, 303);
    let cookie = opened.set_cookie.expect("a cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    assert_eq!(get("/", &[("Cookie", &pair)]).status, 200);
    // The token does not replace the page's CSRF token for writes.
    let origin = base.clone();
    let write = request(
        &agent,
        "POST",
        &format!("{base}/api/v1/scan"),
        &[("Authorization", &bearer), ("Origin", &origin)],
        Some(br#"{"code":"XYZ"}"#),
    );
    assert_eq!(write.status, 403);
    let csrf = get("/api/v1/session", &[("Authorization", &bearer)]).json()["csrf"]
        .as_str()
        .unwrap()
        .to_owned();
    let write = request(
        &agent,
        "POST",
        &format!("{base}/api/v1/scan"),
        &[
            ("Authorization", &bearer),
            ("Origin", &origin),
            ("X-CSRF-Token", &csrf),
        ],
        Some(br#"{"code":"XYZ"}"#),
    );
    assert_eq!(write.status, 200, "{}", write.text());
    assert_eq!(write.json()["problem"], json!("unknown_code"));
    let _ = child.kill();
    let _ = child.wait();
}

/// The box around a bitmap's black pixels: (left, top, right, bottom), inclusive.
fn black_box(b: &shiplabel::bitmap::Bitmap) -> (u32, u32, u32, u32) {
    let mut out = (u32::MAX, u32::MAX, 0, 0);
    for y in 0..b.height() {
        for x in 0..b.width() {
            if b.get(x, y) {
                out = (out.0.min(x), out.1.min(y), out.2.max(x), out.3.max(y));
            }
        }
    }
    out
}

#[test]
fn a_web_tool_s_origin_given_by_allow_origin_may_print_raw_jobs() {
    let server = Server::start_with(&["--allow-origin", "http://wms.example"]);
    let agent = agent();
    // The browser's preflight for the tool's POST: allowed, with the private-network answer Chromium
    // asks for before a site talks to a loopback address.
    let preflight = agent
        .options(&server.url("/api/v1/raw"))
        .header("Origin", "http://wms.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "x-csrf-token")
        .header("Access-Control-Request-Private-Network", "true")
        .call()
        .unwrap();
    assert_eq!(preflight.status(), 204);
    let h = |name: &str| {
        preflight
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(
        h("access-control-allow-origin").as_deref(),
        Some("http://wms.example")
    );
    assert_eq!(
        h("access-control-allow-private-network").as_deref(),
        Some("true")
    );
    assert!(h("access-control-allow-headers")
        .unwrap()
        .contains("X-CSRF-Token"));
    // Another origin's preflight is refused.
    let other = agent
        .options(&server.url("/api/v1/raw"))
        .header("Origin", "http://evil.example")
        .call()
        .unwrap();
    assert_eq!(other.status(), 403);
    // The tool reads the CSRF token (its origin may read answers) and sends a job.
    let session = request(
        &agent,
        "GET",
        &server.url("/api/v1/session"),
        &[("Origin", "http://wms.example")],
        None,
    );
    let csrf = session.json()["csrf"].as_str().unwrap().to_owned();
    let zpl = b"^XA^PW400^LL200^FO20,20^GB100,100,100^FS^XZ";
    let sent = request(
        &agent,
        "POST",
        &server.url("/api/v1/raw?ref=wms-1"),
        &[("Origin", "http://wms.example"), ("X-CSRF-Token", &csrf)],
        Some(zpl),
    );
    assert_eq!(sent.status, 200, "{}", sent.text());
    assert_eq!(server.pages_after(1), 1);
    // Another origin still cannot, even with the token.
    let evil = request(
        &agent,
        "POST",
        &server.url("/api/v1/raw?ref=evil"),
        &[("Origin", "http://evil.example"), ("X-CSRF-Token", &csrf)],
        Some(zpl),
    );
    assert_eq!(evil.status, 403);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.printer.pages(), 1);
    // And a bad --allow-origin is refused at start.
    let dir = tempfile::tempdir().unwrap();
    let db = store_with_samples(dir.path());
    let (mut child, _) = spawn_serve(
        dir.path(),
        &db,
        &[
            "--printer",
            "tcp://127.0.0.1:9",
            "--listen",
            "127.0.0.1:0",
            "--allow-origin",
            "wms.example/path",
        ],
    );
    assert_eq!(child.wait().unwrap().code(), Some(1));
}
