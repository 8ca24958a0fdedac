//! The packer's page in real headless Chromium (Debian's `chromium` and `chromium-driver`), driven over
//! WebDriver: scanning types into the focused field as a keyboard-wedge scanner does.
//!
//! With `SHIPLABEL_SCREENSHOTS=DIR` set, the tests also save the README's screenshots there
//! (`scripts/screenshots.sh` regenerates docs/img/ this way).

use serde_json::json;

use super::Server;
use crate::common::fake_printer::Answer;
use crate::common::label::read_barcodes;
use crate::common::webdriver::{available, Driver, Session, ENTER};

const READY: &str = "0132112277-0101-1";

fn save_screenshot(session: &Session<'_>, name: &str) {
    if let Some(dir) = std::env::var_os("SHIPLABEL_SCREENSHOTS") {
        let path = std::path::Path::new(&dir).join(name);
        std::fs::write(&path, session.screenshot()).unwrap();
    }
}

fn message_key(session: &Session<'_>) -> String {
    session.attr("#message", "data-key").unwrap_or_default()
}

#[test]
fn the_page_scans_prints_once_shows_the_items_and_the_printer_state() {
    if !available() {
        return;
    }
    let server = Server::start();
    let driver = Driver::start();
    let session = driver.session("ru", 1366, 768);
    session.go(&server.url("/"));
    session.wait_for("the page in Russian", |s| {
        s.text("#scan-label")
            .is_some_and(|t| t.contains("Сканируйте"))
    });
    session.wait_for("the printer state", |s| {
        s.attr("#printer", "data-state").as_deref() == Some("ready")
    });
    assert!(session
        .text("#printer-text")
        .unwrap()
        .contains("Принтер готов"));
    // The scan field has the focus: the scanner types the code and Enter.
    assert_eq!(
        session.eval("return document.activeElement.id", json!([])),
        json!("scan")
    );
    save_screenshot(&session, "station-ready.png");
    session.type_keys(&format!("{READY}{ENTER}"));
    session.wait_for("the label printed", |s| message_key(s) == "printed");
    session.wait_for("the card", |s| {
        s.text("#card-number").as_deref() == Some(READY)
    });
    // The status in the packer's language, not the API's name for it.
    assert_eq!(
        session.text("#card-status").as_deref(),
        Some("ожидает отгрузки")
    );
    // What goes into the box is on the page.
    let items = session.text("#items").unwrap();
    assert!(
        items.contains("KED-BLK-42") && items.contains("NOSKI-3P-4143"),
        "{items}"
    );
    assert!(items.contains("×2"), "{items}");
    session.wait_for("the preview", |s| {
        s.eval(
            "const i = document.querySelector('#card-preview img'); return !!(i && i.complete && i.naturalWidth > 0);",
            json!([]),
        ) == json!(true)
    });
    // Exactly one label reached the printer, and its barcodes read right.
    assert_eq!(server.pages_after(1), 1);
    let codes = read_barcodes(&server.printer.pages_now()[0]);
    assert!(
        codes.contains(&"%101%806044518".to_owned())
            && codes.contains(&"23024930500000".to_owned()),
        "{codes:?}"
    );
    save_screenshot(&session, "station-printed.png");
    // The focus went back to the scan field; a second scan prints nothing and says so.
    session.type_keys(&format!("{READY}{ENTER}"));
    session.wait_for("already printed", |s| message_key(s) == "printed_before");
    assert!(session
        .text("#message-text")
        .unwrap()
        .contains("Уже напечатано"));
    assert_eq!(
        session.attr("#print-again", "hidden"),
        None,
        "the print-again button shows"
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(server.printer.pages(), 1);
    // "Print again" is the explicit way.
    session.click("#print-again");
    session.wait_for("printed again", |s| message_key(s) == "printed_again");
    assert_eq!(server.pages_after(2), 2);
    // Paper runs out: the page shows it without a scan (the server polls the printer).
    *server.answer.lock().unwrap() = Answer::PaperOut;
    session.wait_for("paper out on the page", |s| {
        s.attr("#printer", "data-state").as_deref() == Some("paper_out")
    });
    assert!(session
        .text("#printer-text")
        .unwrap()
        .contains("нет бумаги"));
    // A scan now is refused, in big red Russian text.
    session.type_keys(&format!("0187365412-0047-3{ENTER}"));
    session.wait_for("the printer error", |s| message_key(s) == "printer");
    assert!(session.attr("#message", "class").unwrap().contains("error"));
    save_screenshot(&session, "station-paper-out.png");
    assert_eq!(server.printer.pages(), 2);
}

#[test]
fn two_tabs_stay_in_step_and_english_follows_the_browser() {
    if !available() {
        return;
    }
    let server = Server::start();
    let driver = Driver::start();
    let session = driver.session("en-US", 1366, 768);
    session.go(&server.url("/"));
    session.wait_for("the page in English", |s| {
        s.text("#scan-label")
            .is_some_and(|t| t.contains("Scan a posting"))
    });
    let first = session.window();
    session.new_tab();
    session.go(&server.url("/"));
    session.wait_for("the second tab", |s| {
        s.attr("#printer", "data-state").as_deref() == Some("ready")
    });
    let second = session.window();
    // Scan in the first tab (a product code: the posting is packed and printed)…
    session.switch_to(&first);
    session.type_keys(&format!("KRUZHKA-350-BEL{ENTER}"));
    session.wait_for("packed and printed", |s| message_key(s) == "printed_packed");
    assert!(session
        .text("#message-text")
        .unwrap()
        .contains("Packed, label printed"));
    // …the second shows the same posting and result, told by the server.
    session.switch_to(&second);
    session.wait_for("the same card in the second tab", |s| {
        s.text("#card-number").as_deref() == Some("0163799058-0084-1")
    });
    assert_eq!(message_key(&session), "printed_packed");
    assert!(session.text("#items").unwrap().contains("LOZHKA-CHAI-6"));
    // Paper out shows in both.
    *server.answer.lock().unwrap() = Answer::PaperOut;
    session.wait_for("paper out in the second tab", |s| {
        s.text("#printer-text").as_deref() == Some("Printer: paper out")
    });
    session.switch_to(&first);
    session.wait_for("paper out in the first tab", |s| {
        s.attr("#printer", "data-state").as_deref() == Some("paper_out")
    });
    assert_eq!(server.pages_after(1), 1);
    // The language buttons switch the page: Chinese.
    session.click("#langs button[data-lang=zh]");
    session.wait_for("Chinese", |s| {
        s.text("#scan-label").is_some_and(|t| t.contains("扫描"))
    });
    // A tablet in portrait, opened later: it starts from the latest scan, and fits its width.
    *server.answer.lock().unwrap() = Answer::Ready;
    let tablet = driver.session("ru", 800, 1280);
    tablet.go(&server.url("/"));
    tablet.wait_for("the latest scan on the tablet", |s| {
        s.text("#card-number").as_deref() == Some("0163799058-0084-1")
            && s.attr("#printer", "data-state").as_deref() == Some("ready")
    });
    tablet.wait_for("the preview", |s| {
        s.eval(
            "const i = document.querySelector('#card-preview img'); return !!(i && i.complete && i.naturalWidth > 0);",
            json!([]),
        ) == json!(true)
    });
    let overflow = tablet.eval(
        "return document.documentElement.scrollWidth > window.innerWidth",
        json!([]),
    );
    assert_eq!(overflow, json!(false));
    save_screenshot(&tablet, "station-tablet.png");
}
