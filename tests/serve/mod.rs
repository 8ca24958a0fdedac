//! `shiplabel serve`: the JSON API (every endpoint, the door: Origin, CSRF, Host, token, body limit)
//! against the built binary, a real SQLite store and the fake printer; the packer's page in headless
//! Chromium (`browser.rs`).

mod api;
mod browser;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::common::decode::Lang;
use crate::common::fake_printer::{Answer, Behaviour, FakePrinter};

/// The time every run judges the passport gate against.
pub const NOW: &str = "2026-11-23T10:00:00Z";

/// A running `shiplabel serve` on a store with the sample postings, printing to a fake ZPL printer.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    _dir: tempfile::TempDir,
    pub db: PathBuf,
    pub printer: FakePrinter,
    pub answer: std::sync::Arc<std::sync::Mutex<Answer>>,
    pub csrf: String,
    agent: ureq::Agent,
}

/// The sample postings imported into a fresh store in `dir`.
pub fn store_with_samples(dir: &std::path::Path) -> PathBuf {
    let db = dir.join("station.db");
    let out = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("--db")
        .arg(&db)
        .args(["import", &crate::common::cli::data_arg("ozon_v3_list.json")])
        .args(["--now", NOW])
        .env("SHIPLABEL_CONFIG", dir.join("none.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// Runs `shiplabel serve` with `args` on `db`; returns the child and the first line it printed.
pub fn spawn_serve(dir: &std::path::Path, db: &std::path::Path, args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shiplabel"))
        .arg("--db")
        .arg(db)
        .arg("serve")
        .args(args)
        .env("SHIPLABEL_CONFIG", dir.join("none.toml"))
        .env_remove("SHIPLABEL_TOKEN")
        .env_remove("SHIPLABEL_PRINTER")
        .env_remove("SHIPLABEL_PROFILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    // The rest of its output is read and dropped, so the server never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (child, line)
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// An answer: status, headers we look at, body.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub set_cookie: Option<String>,
    pub csp: Option<String>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request with `headers`; `body` for POST.
pub fn request(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Reply {
    let result = if method == "GET" {
        let mut r = agent.get(url);
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.call()
    } else {
        let mut r = agent.post(url);
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.send(body.unwrap_or(b""))
    };
    let mut response = result.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header("content-type").unwrap_or_default();
    let set_cookie = header("set-cookie");
    let csp = header("content-security-policy");
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .unwrap();
    Reply {
        status: response.status().as_u16(),
        content_type,
        set_cookie,
        csp,
        body,
    }
}

impl Server {
    /// A server on 127.0.0.1 (no token), polling the printer every second.
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = store_with_samples(dir.path());
        let (printer, answer) = FakePrinter::start_switchable(Behaviour {
            lang: Lang::Zpl,
            answer: Answer::Ready,
            hang_up_after: None,
        });
        let uri = printer.uri();
        let mut args = vec![
            "--printer",
            &uri,
            "--profile",
            "zebra-gk420d",
            "--listen",
            "127.0.0.1:0",
            "--status-every",
            "1",
            "--now",
            NOW,
        ];
        args.extend_from_slice(extra);
        let (child, line) = spawn_serve(dir.path(), &db, &args);
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        let agent = agent();
        let session = request(&agent, "GET", &format!("{base}/api/v1/session"), &[], None);
        assert_eq!(session.status, 200, "{}", session.text());
        let csrf = session.json()["csrf"].as_str().unwrap().to_owned();
        Server {
            child,
            base,
            _dir: dir,
            db,
            printer,
            answer,
            csrf,
            agent,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> Reply {
        request(&self.agent, "GET", &self.url(path), &[], None)
    }

    /// A write as the page makes it: same origin, with the CSRF token.
    pub fn post(&self, path: &str, json: &str) -> Reply {
        let origin = self.base.clone();
        request(
            &self.agent,
            "POST",
            &self.url(path),
            &[
                ("Origin", &origin),
                ("X-CSRF-Token", &self.csrf),
                ("Content-Type", "application/json"),
            ],
            Some(json.as_bytes()),
        )
    }

    pub fn post_with(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        request(&self.agent, "POST", &self.url(path), headers, Some(body))
    }

    /// Waits until the fake printer has `n` pages (or 10 s), then returns how many it has.
    pub fn pages_after(&self, n: usize) -> usize {
        let start = std::time::Instant::now();
        while self.printer.pages() < n && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.printer.pages()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
