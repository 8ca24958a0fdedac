//! `shiplabel serve`: the packer's page and a JSON print service over the station store.
//!
//! A thin layer, like the other commands: every step (scan → find → pack → journal → print, reprint,
//! the uncertain question, raw jobs) is the library's `station`; this file turns HTTP requests into
//! those calls and their results into JSON, pushes changes to every open page (server-sent events),
//! and guards the door (`security.rs`). The station's work is blocking (SQLite, the printer link), so it
//! runs on tokio's blocking threads, one at a time behind the desk's lock, as one station would.

mod api;
mod security;

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use shiplabel::printer::{Condition, PrintOptions, PrinterStatus, Profile};
use shiplabel::station::Station;
use shiplabel::store::Store;
use shiplabel::template::Template;
use tokio::sync::broadcast;

use super::parse_now;
use super::station::{open_existing_store, PrinterOpts};
use super::CliError;

/// Serve the packing station in the browser (the packer's page) and a JSON print API.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    printer: PrinterOpts,
    /// Address and port to listen on. Any address but 127.0.0.1 or [::1] (the packing table's own
    /// browser) needs a token.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    listen: String,
    /// The access token every request must carry (`Authorization: Bearer TOKEN`, or open
    /// `/?token=TOKEN` once in a browser) [default: SHIPLABEL_TOKEN, else the settings file's token].
    /// At least 16 characters.
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// A web tool's origin (`https://wms.example.com`) whose pages may call the API from the browser
    /// (CORS): writes from it are accepted like the page's own, still with the CSRF token (which it
    /// reads from /api/v1/session) and the access token when one is set. Repeatable.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    /// Seconds between printer status queries shown on the page (0: never ask; the state is then
    /// known only from print jobs).
    #[arg(long, value_name = "SECONDS", default_value_t = 3)]
    status_every: u64,
    /// The time to judge the passport gate against (RFC 3339); default: the clock at each request.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
}

/// The station behind the page: the store and how to make and print labels.
pub(crate) struct Desk {
    pub store: Store,
    pub template: Template,
    pub uri: String,
    pub profile: Profile,
    pub options: PrintOptions,
}

impl Desk {
    /// The library's station over this desk's store, for one request.
    pub fn station(&mut self) -> Station<'_> {
        Station::new(
            &mut self.store,
            self.template.clone(),
            &self.uri,
            self.profile.clone(),
            self.options,
        )
    }
}

/// A printer a web tool may send raw jobs to: the station's own, and each printer of the settings
/// file. Only these: no URI (and so no device path) from a request is ever opened.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct NamedPrinter {
    pub name: String,
    pub uri: String,
    pub profile: String,
    #[serde(skip)]
    pub resolved: Profile,
}

/// What every request handler shares.
pub(crate) struct App {
    pub desk: Mutex<Desk>,
    pub events: broadcast::Sender<String>,
    /// The page's CSRF token: in the page, required on every state-changing request.
    pub csrf: String,
    /// The access token, when one is set.
    pub token: Option<String>,
    /// Web tools' origins allowed to call the API from their pages (`--allow-origin`).
    pub origins: Vec<String>,
    /// The Host header values accepted without a token (DNS rebinding: a foreign name pointing at
    /// 127.0.0.1 must not reach the station).
    pub hosts: Vec<String>,
    pub printers: Vec<NamedPrinter>,
    /// The station printer's last known state, as the JSON the page shows.
    pub printer_state: Mutex<serde_json::Value>,
    pub now: Option<DateTime<Utc>>,
    /// Status polling is on (`--status-every` > 0 and status checks not turned off).
    pub polls: bool,
    /// Scans so far: each scan event carries its number, so a page that made the scan and hears of
    /// it again over the events shows it once.
    pub scans: std::sync::atomic::AtomicU64,
    /// The latest scan's result: a page opened later starts from it, as the others show it.
    pub last_scan: Mutex<Option<String>>,
}

impl App {
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }

    /// Tells every open page.
    pub fn tell(&self, event: serde_json::Value) {
        // No receiver is not an error: no page is open.
        let _ = self.events.send(event.to_string());
    }
}

/// The printer's state as the page shows it: one word (`ready`, `paper_out`, `head_open`, `offline`,
/// `error`, `unknown`), the conditions and the message.
pub(crate) fn printer_state(result: &Result<Option<PrinterStatus>, String>) -> serde_json::Value {
    let (state, conditions, message) = match result {
        Err(message) => ("offline", Vec::new(), message.clone()),
        Ok(None) => ("unknown", Vec::new(), "no status reply".to_owned()),
        Ok(Some(status)) => {
            let has = |c: Condition| status.conditions.contains(&c);
            let state = if has(Condition::PaperOut) {
                "paper_out"
            } else if has(Condition::HeadOpen) || has(Condition::CoverOpen) {
                "head_open"
            } else if has(Condition::Offline) {
                "offline"
            } else if !status.is_ready() {
                "error"
            } else {
                "ready"
            };
            let conditions = status.conditions.iter().map(|c| c.to_string()).collect();
            (state, conditions, status.to_string())
        }
    };
    serde_json::json!({
        "type": "printer",
        "state": state,
        "conditions": conditions,
        "message": message,
    })
}

/// A random token from the operating system's hasher keys (std's `RandomState` is seeded from the
/// OS random source): 128 bits as hex, without a random-number crate.
pub(crate) fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    for i in 0..2u8 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u8(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// Whether listening here needs no token: the loopback addresses, reached only from this machine.
fn is_loopback_default(addr: &SocketAddr) -> bool {
    match addr.ip() {
        std::net::IpAddr::V4(ip) => ip == std::net::Ipv4Addr::LOCALHOST,
        std::net::IpAddr::V6(ip) => ip == std::net::Ipv6Addr::LOCALHOST,
    }
}

fn parse_listen(text: &str) -> Result<SocketAddr, CliError> {
    let text = text.trim();
    let mapped = text
        .strip_prefix("localhost:")
        .map(|port| format!("127.0.0.1:{port}"));
    mapped.as_deref().unwrap_or(text).parse().map_err(|e| {
        format!("--listen {text:?}: not ADDRESS:PORT (like 127.0.0.1:8080): {e}").into()
    })
}

/// Starts the server and runs until the process is stopped (Ctrl-C).
pub fn run(mut args: ServeArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    let config = shiplabel::config::Config::load()?;
    let addr = parse_listen(&args.listen)?;
    let token = args
        .token
        .clone()
        .or_else(|| std::env::var("SHIPLABEL_TOKEN").ok())
        .or_else(|| config.file.token.clone())
        .filter(|t| !t.is_empty());
    if let Some(token) = &token {
        if token.chars().count() < 16 || token.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err("the token must be at least 16 characters, without spaces".into());
        }
    }
    if token.is_none() && !is_loopback_default(&addr) {
        return Err(format!(
            "listening on {addr} lets other machines reach the station and its printer: give \
             --token TOKEN (or SHIPLABEL_TOKEN, or token = \"…\" in the settings file), or listen \
             on 127.0.0.1"
        )
        .into());
    }
    for origin in &args.allow_origin {
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        if !rest.is_some_and(|r| !r.is_empty() && !r.contains(['/', '?', '#', ' '])) {
            return Err(format!(
                "--allow-origin {origin:?}: not an origin (scheme and host, like https://wms.example.com)"
            )
            .into());
        }
    }
    let store = open_existing_store(db, "serve")?;
    let (uri, profile, template, options) = args.printer.resolved()?;
    let mut printers = vec![NamedPrinter {
        name: "station".to_owned(),
        uri: uri.clone(),
        profile: profile.name.clone(),
        resolved: profile.clone(),
    }];
    for other in config.file.printers.keys() {
        if *other == uri {
            continue;
        }
        let resolved = config.resolve_profile("", Some(other))?;
        printers.push(NamedPrinter {
            name: other.clone(),
            uri: other.clone(),
            profile: resolved.name.clone(),
            resolved,
        });
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind(addr))?;
    let bound = listener.local_addr()?;
    let port = bound.port();
    let hosts = if token.is_some() {
        Vec::new()
    } else {
        let ip = match bound.ip() {
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            std::net::IpAddr::V4(ip) => ip.to_string(),
        };
        vec![
            format!("{ip}:{port}"),
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
        ]
    };
    let (events, _) = broadcast::channel(256);
    let polls = args.status_every > 0 && options.check_status;
    let app = Arc::new(App {
        desk: Mutex::new(Desk {
            store,
            template,
            uri: uri.clone(),
            profile,
            options,
        }),
        events,
        csrf: random_token(),
        token,
        origins: args.allow_origin.clone(),
        hosts,
        printers,
        printer_state: Mutex::new(printer_state(&Ok(None))),
        now: args.now,
        polls,
        scans: std::sync::atomic::AtomicU64::new(0),
        last_scan: Mutex::new(None),
    });
    let shown = if bound.ip().is_unspecified() {
        format!("http://THIS-COMPUTER:{port}/")
    } else {
        format!("http://{bound}/")
    };
    // Whoever started us may stop reading our output (a closed pipe): the station goes on serving.
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "shiplabel serve: the packing station at {shown} (printer {uri})"
    );
    if app.token.is_some() {
        let _ = writeln!(
            out,
            "open {shown}?token=YOUR_TOKEN once in each browser; API clients send \
             Authorization: Bearer YOUR_TOKEN"
        );
    }
    let _ = out.flush();
    drop(out);
    let every = Duration::from_secs(args.status_every);
    let router = api::router(app.clone());
    runtime.block_on(async move {
        if polls {
            let app = app.clone();
            tokio::spawn(async move {
                loop {
                    api::poll_printer(app.clone()).await;
                    tokio::time::sleep(every).await;
                }
            });
        }
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    })?;
    Ok(ExitCode::SUCCESS)
}
