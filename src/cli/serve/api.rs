//! The routes of `shiplabel serve`: the page, its script and style, and `/api/v1/…` (docs/serve.md).
//! Each handler takes the desk's lock on a blocking thread, calls the library's station, and answers
//! JSON; what changed is told to every open page.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::Stream;
use serde::Deserialize;
use serde_json::{json, Value};
use shiplabel::station::{
    error_line, package_of, posting_card, print_raw, Reprinted, Rescan, StationError,
};
use shiplabel::store::{JobState, StoreError};

use super::{printer_state, security, App, Desk};

const PAGE: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/style.css");

/// The largest JSON body (a scan, a split): a scanned code is at most a few hundred bytes.
const MAX_JSON: usize = 64 * 1024;

/// An error answer: `{"error": {"code": …, "message": …}}`.
pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// A station error as an HTTP answer: what was asked for does not exist (404), cannot be done now
/// (409), the printer failed (502), or the store did (500).
fn station_error(e: &StationError) -> Response {
    let message = error_line(e);
    let (status, code) = match e {
        StationError::Store(StoreError::UnknownPosting(_)) => (StatusCode::NOT_FOUND, "not_found"),
        StationError::Store(StoreError::Order(_)) => (StatusCode::CONFLICT, "refused"),
        StationError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "store"),
        StationError::Printer { sent: true, .. } => (StatusCode::BAD_GATEWAY, "uncertain"),
        StationError::Printer { .. } => (StatusCode::BAD_GATEWAY, "printer"),
        StationError::NoSuchPackage { .. } => (StatusCode::NOT_FOUND, "not_found"),
        StationError::BadSplit(_) => (StatusCode::BAD_REQUEST, "bad_split"),
        StationError::JobState { .. } => (StatusCode::CONFLICT, "job_state"),
        _ => (StatusCode::CONFLICT, "no_label"),
    };
    error(status, code, &message)
}

/// Runs `work` on the desk on a blocking thread (SQLite and the printer link block).
async fn on_desk<T: Send + 'static>(
    app: &Arc<App>,
    work: impl FnOnce(&mut Desk, &App) -> T + Send + 'static,
) -> Result<T, Response> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        let mut desk = app.desk.lock().unwrap_or_else(|p| p.into_inner());
        work(&mut desk, &app)
    })
    .await
    .map_err(|e| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            &e.to_string(),
        )
    })
}

fn flatten(r: Result<Response, Response>) -> Response {
    r.unwrap_or_else(|e| e)
}

/// The routes, behind the door (`security::guard`).
pub fn router(app: Arc<App>) -> Router {
    let raw_limit = usize::try_from(shiplabel::limits::MAX_JOB_BYTES).unwrap_or(usize::MAX);
    let api = Router::new()
        .route("/api/v1/session", get(session))
        .route("/api/v1/postings", get(postings))
        .route("/api/v1/postings/{number}", get(posting))
        .route("/api/v1/postings/{number}/preview/{index}", get(preview))
        .route("/api/v1/postings/{number}/pack", post(pack))
        .route("/api/v1/postings/{number}/print", post(print))
        .route("/api/v1/postings/{number}/reprint", post(reprint))
        .route("/api/v1/scan", post(scan))
        .route("/api/v1/jobs", get(jobs))
        .route("/api/v1/jobs/{id}", get(job))
        .route("/api/v1/jobs/{id}/answer", post(answer))
        .route("/api/v1/printers", get(printers))
        .route("/api/v1/printers/status", get(printer_status))
        .route("/api/v1/events", get(events))
        .layer(DefaultBodyLimit::max(MAX_JSON));
    let raw = Router::new()
        .route("/api/v1/raw", post(raw))
        .layer(DefaultBodyLimit::max(raw_limit));
    Router::new()
        .route("/", get(page))
        .route("/app.js", get(script))
        .route("/style.css", get(style))
        .merge(api)
        .merge(raw)
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "no such page") })
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            security::guard,
        ))
        .with_state(app)
}

async fn page(State(app): State<Arc<App>>) -> Response {
    // The CSRF token goes into the page; the attribute value is hex, nothing to escape.
    let html = PAGE.replace("{{CSRF}}", &app.csrf);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ],
        html,
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

async fn session(State(app): State<Arc<App>>) -> Response {
    Json(json!({
        "csrf": app.csrf,
        "version": env!("CARGO_PKG_VERSION"),
        "printer": app.printers.first().map(|p| p.uri.clone()),
    }))
    .into_response()
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    limit: Option<usize>,
}

async fn postings(State(app): State<Arc<App>>, Query(q): Query<ListQuery>) -> Response {
    flatten(
        on_desk(&app, move |desk, _| {
            let all = match desk.store.all_postings() {
                Ok(all) => all,
                Err(e) => return station_error(&e.into()),
            };
            let limit = q.limit.unwrap_or(500).min(5000);
            let list: Vec<Value> = all
                .iter()
                .filter(|p| {
                    q.status
                        .as_deref()
                        .is_none_or(|s| p.status.to_string() == s)
                })
                .take(limit)
                .map(|p| {
                    json!({
                        "posting_number": p.posting_number,
                        "order_number": p.order_number,
                        "status": p.status.to_string(),
                        "shipment_date": p.shipment_date.map(|t| t.to_rfc3339()),
                        "items": p.products.iter().map(|x| x.quantity).sum::<u32>(),
                    })
                })
                .collect();
            Json(json!({ "postings": list })).into_response()
        })
        .await,
    )
}

/// The card of a posting with how many label previews it has.
fn card_json(desk: &mut Desk, app: &App, number: &str) -> Result<Value, StationError> {
    let now = app.now();
    let card = posting_card(&desk.store, number, now)?;
    let previews = if card.no_label.is_none() {
        desk.station().previews(number, now).map_or(0, |p| p.len())
    } else {
        0
    };
    let mut value = serde_json::to_value(&card).unwrap_or(Value::Null);
    value["previews"] = json!(previews);
    Ok(value)
}

async fn posting(State(app): State<Arc<App>>, Path(number): Path<String>) -> Response {
    flatten(
        on_desk(&app, move |desk, app| match card_json(desk, app, &number) {
            Ok(card) => Json(card).into_response(),
            Err(e) => station_error(&e),
        })
        .await,
    )
}

async fn preview(
    State(app): State<Arc<App>>,
    Path((number, index)): Path<(String, usize)>,
) -> Response {
    flatten(
        on_desk(&app, move |desk, app| {
            let now = app.now();
            let dpi = desk.profile.dpi;
            match desk.station().previews(&number, now) {
                Ok(mut bitmaps) => {
                    if index == 0 || index > bitmaps.len() {
                        return error(
                            StatusCode::NOT_FOUND,
                            "not_found",
                            &format!("posting {number} has {} label(s)", bitmaps.len()),
                        );
                    }
                    let bitmap = bitmaps.swap_remove(index - 1).bitmap;
                    (
                        [(header::CONTENT_TYPE, "image/png")],
                        bitmap.to_png(Some(dpi)),
                    )
                        .into_response()
                }
                Err(e) => station_error(&e),
            }
        })
        .await,
    )
}

#[derive(Deserialize)]
struct ScanBody {
    code: String,
}

/// Refreshes the printer's state after a job, so the page shows what the job found.
fn after_job(desk: &mut Desk, app: &App) {
    if app.polls {
        let status = desk.station().printer_status().map_err(|e| error_line(&e));
        publish_printer(app, printer_state(&status));
    }
}

fn publish_printer(app: &App, state: Value) {
    let mut last = app.printer_state.lock().unwrap_or_else(|p| p.into_inner());
    if *last != state {
        *last = state.clone();
        app.tell(state);
    }
}

/// A JSON body, whatever its `Content-Type` says (scripts and scanners' helpers often send none).
fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("the JSON body: {e}"),
        ))
    })
}

/// [`json_body`] for a request whose body may be left out: an empty (or blank) body is the default.
fn optional_json_body<T: serde::de::DeserializeOwned + Default>(
    body: &[u8],
) -> Result<T, Box<Response>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        json_body(body)
    }
}

async fn scan(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let body: ScanBody = match json_body(&body) {
        Ok(body) => body,
        Err(e) => return *e,
    };
    let code = body.code;
    if code.len() > shiplabel::limits::MAX_SCAN_LINE {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "a scanned code longer than a scanner types",
        );
    }
    flatten(
        on_desk(&app, move |desk, app| {
            let code = code.trim_matches(|c: char| c.is_whitespace() || c.is_control());
            let outcome = desk.station().scan_with(code, app.now(), Rescan::Ask);
            let card = outcome
                .posting
                .as_deref()
                .and_then(|n| card_json(desk, app, n).ok());
            let seq = app.scans.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            let result = json!({
                "type": "scan",
                "seq": seq,
                "code": code,
                "ok": outcome.ok,
                "posting": outcome.posting,
                "packed": outcome.packed,
                "printed_before": outcome.printed_before,
                "problem": outcome.problem.map(|p| p.as_str()),
                "message": outcome.line,
                "jobs": outcome.jobs,
                "card": card,
            });
            *app.last_scan.lock().unwrap_or_else(|p| p.into_inner()) = Some(result.to_string());
            app.tell(result.clone());
            if !outcome.jobs.is_empty() {
                after_job(desk, app);
            }
            Json(result).into_response()
        })
        .await,
    )
}

#[derive(Deserialize)]
struct SplitItem {
    product: String,
    quantity: u32,
}

#[derive(Deserialize, Default)]
struct PackBody {
    #[serde(default)]
    packages: Vec<Vec<SplitItem>>,
}

async fn pack(State(app): State<Arc<App>>, Path(number): Path<String>, body: Bytes) -> Response {
    let body: PackBody = match optional_json_body(&body) {
        Ok(b) => b,
        Err(e) => return *e,
    };
    flatten(
        on_desk(&app, move |desk, app| {
            let now = app.now();
            let posting = match desk.store.posting(&number) {
                Ok(p) => p,
                Err(e) => return station_error(&e.into()),
            };
            let mut packages = Vec::new();
            for (n, items) in body.packages.iter().enumerate() {
                let items: Vec<(String, u32)> = items
                    .iter()
                    .map(|i| (i.product.clone(), i.quantity))
                    .collect();
                match package_of(&posting, n + 1, &items) {
                    Ok(p) => packages.push(p),
                    Err(e) => return station_error(&e),
                }
            }
            if let Err(e) = desk.store.pack(&number, &packages, now) {
                return station_error(&e.into());
            }
            app.tell(json!({ "type": "posting", "posting": number }));
            match card_json(desk, app, &number) {
                Ok(card) => Json(card).into_response(),
                Err(e) => station_error(&e),
            }
        })
        .await,
    )
}

async fn print(State(app): State<Arc<App>>, Path(number): Path<String>) -> Response {
    flatten(
        on_desk(&app, move |desk, app| {
            if let Err(e) = desk.store.posting(&number) {
                return station_error(&e.into());
            }
            // The scan's path for this very posting: pack if needed, print once, never twice.
            let outcome = desk.station().scan_with(&number, app.now(), Rescan::Ask);
            app.tell(json!({ "type": "posting", "posting": number }));
            if !outcome.jobs.is_empty() {
                after_job(desk, app);
            }
            let body = json!({
                "ok": outcome.ok,
                "posting": number,
                "printed_before": outcome.printed_before,
                "problem": outcome.problem.map(|p| p.as_str()),
                "message": outcome.line,
                "jobs": outcome.jobs,
            });
            let status = match (outcome.ok, outcome.printed_before) {
                (true, false) => StatusCode::OK,
                (true, true) => StatusCode::CONFLICT,
                (false, _) => match outcome.problem.map(|p| p.as_str()) {
                    Some("printer" | "uncertain") => StatusCode::BAD_GATEWAY,
                    _ => StatusCode::CONFLICT,
                },
            };
            (status, Json(body)).into_response()
        })
        .await,
    )
}

#[derive(Deserialize, Default)]
struct ReprintBody {
    package: Option<u32>,
}

async fn reprint(State(app): State<Arc<App>>, Path(number): Path<String>, body: Bytes) -> Response {
    let body: ReprintBody = match optional_json_body(&body) {
        Ok(b) => b,
        Err(e) => return *e,
    };
    flatten(
        on_desk(&app, move |desk, app| {
            let result = desk
                .station()
                .reprint_package(&number, body.package, app.now());
            app.tell(json!({ "type": "posting", "posting": number }));
            after_job(desk, app);
            match result {
                Ok(Reprinted {
                    summary,
                    never_sent,
                }) => {
                    let failed: Vec<Value> = summary
                        .failed
                        .iter()
                        .map(|i| json!({ "label": i.label, "reason": i.reason }))
                        .collect();
                    let status = if failed.is_empty() {
                        StatusCode::OK
                    } else {
                        StatusCode::CONFLICT
                    };
                    (
                        status,
                        Json(json!({
                            "ok": failed.is_empty(),
                            "sent": summary.sent,
                            "unconfirmed": summary.unconfirmed,
                            "never_sent_before": never_sent,
                            "failed": failed,
                        })),
                    )
                        .into_response()
                }
                Err(e) => station_error(&e),
            }
        })
        .await,
    )
}

fn job_json(job: &shiplabel::store::Job) -> Value {
    json!({
        "id": job.id,
        "posting_number": job.posting_number,
        "package_number": job.package_number,
        "kind": job.kind.as_str(),
        "state": job.state.as_str(),
        "printer": job.printer,
        "error": job.error,
        "attempts": job.attempts,
        "bytes": job.bytes,
        "confirmed": job.confirmed,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
    })
}

#[derive(Deserialize)]
struct JobsQuery {
    state: Option<String>,
    posting: Option<String>,
}

async fn jobs(State(app): State<Arc<App>>, Query(q): Query<JobsQuery>) -> Response {
    let state = match q.state.as_deref().map(|s| (s, JobState::parse(s))) {
        None => None,
        Some((_, Some(state))) => Some(state),
        Some((s, None)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("no job state {s:?} (queued, claimed, sending, sent, failed, uncertain)"),
            )
        }
    };
    flatten(
        on_desk(&app, move |desk, _| {
            let listed = if state == Some(JobState::Uncertain) {
                // The uncertain jobs still waiting for an answer: those a later job has not settled.
                desk.store.unsettled_uncertain().map(|jobs| {
                    jobs.into_iter()
                        .filter(|j| q.posting.as_deref().is_none_or(|p| j.posting_number == p))
                        .collect()
                })
            } else {
                desk.store.jobs(state, q.posting.as_deref())
            };
            match listed {
                Ok(jobs) => {
                    let list: Vec<Value> = jobs.iter().map(job_json).collect();
                    Json(json!({ "jobs": list })).into_response()
                }
                Err(e) => station_error(&e.into()),
            }
        })
        .await,
    )
}

async fn job(State(app): State<Arc<App>>, Path(id): Path<i64>) -> Response {
    flatten(
        on_desk(&app, move |desk, _| match desk.store.job(id) {
            Ok(job) => Json(job_json(&job)).into_response(),
            Err(e) => error(
                StatusCode::NOT_FOUND,
                "not_found",
                &format!("job #{id}: {e}"),
            ),
        })
        .await,
    )
}

#[derive(Deserialize)]
struct AnswerBody {
    came_out: bool,
}

async fn answer(State(app): State<Arc<App>>, Path(id): Path<i64>, body: Bytes) -> Response {
    let body: AnswerBody = match json_body(&body) {
        Ok(body) => body,
        Err(e) => return *e,
    };
    flatten(
        on_desk(&app, move |desk, app| {
            let posting = desk.store.job(id).ok().map(|j| j.posting_number);
            let result = desk
                .station()
                .answer_uncertain(id, body.came_out, app.now());
            if let Some(posting) = &posting {
                app.tell(json!({ "type": "posting", "posting": posting }));
            }
            if !body.came_out {
                after_job(desk, app);
            }
            match result {
                Ok(jobs) => Json(json!({ "ok": true, "jobs": jobs })).into_response(),
                Err(e) => station_error(&e),
            }
        })
        .await,
    )
}

async fn printers(State(app): State<Arc<App>>) -> Response {
    let state = app
        .printer_state
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let list: Vec<Value> = app
        .printers
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            if i == 0 {
                v["status"] = state.clone();
            }
            v
        })
        .collect();
    Json(json!({ "printers": list })).into_response()
}

/// Asks the station printer now (the page's state otherwise comes from polling and jobs).
async fn printer_status(State(app): State<Arc<App>>) -> Response {
    flatten(
        on_desk(&app, |desk, app| {
            let status = desk.station().printer_status().map_err(|e| error_line(&e));
            let state = printer_state(&status);
            publish_printer(app, state.clone());
            Json(state).into_response()
        })
        .await,
    )
}

/// One status poll, from the background task.
pub async fn poll_printer(app: Arc<App>) {
    let _ = on_desk(&app, |desk, app| {
        let status = desk.station().printer_status().map_err(|e| error_line(&e));
        publish_printer(app, printer_state(&status));
    })
    .await;
}

#[derive(Deserialize)]
struct RawQuery {
    printer: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
}

/// A web tool's job, already in the printer's language, to a configured printer by name.
async fn raw(State(app): State<Arc<App>>, Query(q): Query<RawQuery>, body: Bytes) -> Response {
    let name = q.printer.unwrap_or_else(|| "station".to_owned());
    let Some(target) = app.printers.iter().find(|p| p.name == name).cloned() else {
        let names: Vec<&str> = app.printers.iter().map(|p| p.name.as_str()).collect();
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!(
                "no configured printer {name:?} (configured: {})",
                names.join(", ")
            ),
        );
    };
    if body.is_empty() {
        return error(StatusCode::BAD_REQUEST, "bad_request", "an empty job");
    }
    let reference: String = q
        .reference
        .unwrap_or_else(|| "web".to_owned())
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    flatten(
        on_desk(&app, move |desk, app| {
            let result = print_raw(
                &mut desk.store,
                &target.uri,
                target.resolved.clone(),
                desk.options,
                &reference,
                &body,
            );
            app.tell(json!({ "type": "jobs" }));
            match result {
                Ok(done) => Json(json!({
                    "ok": true,
                    "job": done.job,
                    "bytes": done.bytes,
                    "confirmed": done.confirmed,
                    "printer": target.name,
                }))
                .into_response(),
                Err(e) => station_error(&e),
            }
        })
        .await,
    )
}

async fn events(
    State(app): State<Arc<App>>,
    _headers: HeaderMap,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // A page that connects starts from the printer's state and the latest scan, as the others show.
    let mut first = std::collections::VecDeque::new();
    first.push_back(
        app.printer_state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .to_string(),
    );
    if let Some(scan) = app
        .last_scan
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
    {
        first.push_back(scan);
    }
    let receiver = app.events.subscribe();
    let stream =
        futures_util::stream::unfold((first, receiver), |(mut first, mut receiver)| async move {
            if let Some(data) = first.pop_front() {
                return Some((Ok(Event::default().data(data)), (first, receiver)));
            }
            let data = match receiver.recv().await {
                Ok(data) => data,
                // A slow page missed some: tell it to reload what it shows.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    json!({ "type": "resync" }).to_string()
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            };
            Some((Ok(Event::default().data(data)), (first, receiver)))
        });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
