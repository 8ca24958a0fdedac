//! A fake Ozon Seller API on 127.0.0.1, built from the reference's schemas and its list of what a fake
//! must reproduce (§11 of `ozon-seller-api-endpoints.md`): cursor pages with both kinds of last page,
//! 429 with `Retry-After`, 401/403 bodies, 5xx and HTML 502 pages, the legacy error shape, a ship that
//! completes after a delay or fails, splits that make new posting numbers with new barcodes, and the
//! exemplar checks. It keeps every request it was sent, so a test can count ships.
//!
//! HTTP/1.1 by hand over `std::net` (one thread per connection, `Connection: close`): small enough to
//! read, strict enough to fail a client that sends the wrong thing.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const CLIENT_ID: &str = "1234567";
/// The key the tests grep for everywhere afterwards.
pub const API_KEY: &str = "0f1e2d3c-SECRET-KEY-4b5a-69788796a5b4";

/// A fault served instead of the next answer on one method.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 with the rate-limit body; `Retry-After` when given.
    RateLimited(Option<u32>),
    /// 500 `Internal error`.
    Internal,
    /// nginx's HTML 502 page.
    BadGateway,
    /// The legacy `{"error": {...}}` shape with this HTTP status and message.
    Legacy(u16, &'static str),
    /// Do the work, then hold the connection without answering for this long (a lost answer).
    DoThenHang(Duration),
    /// Hold the connection without doing anything (the request never reached the back end).
    Hang(Duration),
}

/// How a cursor walk ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The last page holds postings and says `has_next: false`.
    HasNextFalse,
    /// The last full page says `has_next: true`; the page after it is empty.
    EmptyPage,
}

#[derive(Debug, Clone)]
pub struct Posting {
    pub json: Value,
    /// When its status last changed (for the v4 list's `last_changed_status_date`).
    pub changed_at: chrono::DateTime<chrono::Utc>,
    /// A ship under way: when it completes and what it makes.
    pub ship: Option<PendingShip>,
    /// Marking codes set per SKU, and when Ozon's check ends.
    pub marks: BTreeMap<i64, Vec<String>>,
    pub marks_checked_at: Option<Instant>,
    pub related: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PendingShip {
    pub done_at: Instant,
    pub packages: Vec<Vec<(i64, u32)>>,
    pub numbers: Vec<String>,
}

pub struct State {
    pub postings: BTreeMap<String, Posting>,
    /// Every request: method path and body.
    pub requests: Vec<(String, Value)>,
    pub faults: HashMap<String, VecDeque<Fault>>,
    /// Faults served on the n-th call (1-based) of a method.
    pub faults_at: HashMap<(String, usize), Fault>,
    pub calls: HashMap<String, usize>,
    pub ending: Ending,
    pub ship_delay: Duration,
    pub ship_fails: bool,
    /// A split gives every package a fresh number and cancels the original
    /// (`cancelled_from_split_pending`); otherwise package 1 keeps the original number.
    pub split_fresh_numbers: bool,
    pub exemplar_delay: Duration,
    /// Wrap list answers in `{"result": …}`.
    pub wrap_lists: bool,
    /// After this many unfulfilled pages, insert this posting (it sorts first: later pages shift).
    pub insert_after_page: Option<(usize, Value)>,
    pub next_barcode: u64,
    /// Token bucket: 50 requests a second.
    tokens: f64,
    refilled: Instant,
}

#[derive(Clone)]
pub struct Fake {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl Fake {
    pub fn start() -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            postings: BTreeMap::new(),
            requests: Vec::new(),
            faults: HashMap::new(),
            faults_at: HashMap::new(),
            calls: HashMap::new(),
            ending: Ending::HasNextFalse,
            ship_delay: Duration::from_millis(150),
            ship_fails: false,
            split_fresh_numbers: false,
            exemplar_delay: Duration::from_millis(100),
            wrap_lists: false,
            insert_after_page: None,
            next_barcode: 62_488_130_000,
            tokens: 50.0,
            refilled: Instant::now(),
        }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &state);
                });
            }
        });
        Fake { url, state }
    }

    pub fn add(&self, posting: Value) {
        let number = posting["posting_number"].as_str().unwrap().to_owned();
        self.state.lock().unwrap().postings.insert(
            number,
            Posting {
                json: posting,
                changed_at: chrono::Utc::now(),
                ship: None,
                marks: BTreeMap::new(),
                marks_checked_at: None,
                related: Vec::new(),
            },
        );
    }

    pub fn fault(&self, method: &str, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .entry(method.to_owned())
            .or_default()
            .push_back(fault);
    }

    pub fn fault_at(&self, method: &str, call: usize, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults_at
            .insert((method.to_owned(), call), fault);
    }

    /// Requests sent to `method`.
    pub fn calls(&self, method: &str) -> Vec<Value> {
        let s = self.state.lock().unwrap();
        s.requests
            .iter()
            .filter(|(m, _)| m == method)
            .map(|(_, b)| b.clone())
            .collect()
    }

    pub fn posting(&self, number: &str) -> Value {
        let mut s = self.state.lock().unwrap();
        settle(&mut s);
        s.postings[number].json.clone()
    }

    /// Changes a posting's status now (as Ozon would when the courier takes it).
    pub fn set_status(&self, number: &str, status: &str, substatus: &str) {
        let mut s = self.state.lock().unwrap();
        let p = s.postings.get_mut(number).unwrap();
        p.json["status"] = json!(status);
        p.json["substatus"] = json!(substatus);
        p.changed_at = chrono::Utc::now();
    }
}

/// An FBS posting in the v3/v4 list shape.
pub fn posting(
    number: &str,
    status: &str,
    products: &[(i64, &str, u32, &str)],
    barcodes: (&str, &str),
) -> Value {
    let order = number.rsplit_once('-').map(|(o, _)| o).unwrap_or(number);
    json!({
        "posting_number": number,
        "order_id": 36011874523i64,
        "order_number": order,
        "parent_posting_number": "",
        "status": status,
        "substatus": if status == "awaiting_packaging" { "posting_created" } else { "posting_in_carriage" },
        "delivery_method": {"id": 1020001234567000i64, "name": "Доставка Ozon самостоятельно, Подольск",
            "warehouse_id": 1020001234567000i64, "warehouse": "Склад Подольск Северный",
            "tpl_provider_id": 24, "tpl_provider": "Доставка Ozon"},
        "tracking_number": "",
        "tpl_integration_type": "ozon",
        "in_process_at": "2026-11-22T09:12:31Z",
        "shipment_date": "2026-11-23T13:00:00Z",
        "delivering_date": null,
        "cancellation": {"cancel_reason_id": 0, "cancel_reason": "", "cancellation_type": "",
            "cancelled_after_ship": false, "affect_cancellation_rating": false, "cancellation_initiator": ""},
        "customer": null,
        "addressee": null,
        "products": products.iter().map(|(sku, offer, qty, name)| json!({
            "sku": sku, "offer_id": offer, "name": name, "quantity": qty,
            "price": {"amount": "1390.50", "currency": "RUB"}})).collect::<Vec<_>>(),
        "barcodes": {"upper_barcode": barcodes.0, "lower_barcode": barcodes.1},
        "analytics_data": {"region": "Московская область", "city": "Химки", "delivery_type": "PVZ",
            "is_premium": false, "warehouse_id": 1020001234567000i64},
        "financial_data": {"products": [], "cluster_from": "Москва", "cluster_to": "Москва"},
        "requirements": {"products_requiring_gtd": [], "products_requiring_country": [],
            "products_requiring_mandatory_mark": [], "products_requiring_rnpt": []},
        "is_express": false,
        "is_multibox": false,
        "multi_box_qty": 1,
        "available_actions": if status == "awaiting_packaging" {
            json!(["cancel", "ship", "ship_async", "product_cancel"]) } else { json!(["cancel", "label_download"]) },
    })
}

const UNFULFILLED: &[&str] = &[
    "awaiting_registration",
    "acceptance_in_progress",
    "awaiting_approve",
    "awaiting_packaging",
    "awaiting_deliver",
    "arbitration",
    "client_arbitration",
    "delivering",
    "driver_pickup",
    "not_accepted",
];

struct Request {
    verb: String,
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

fn read_request(stream: &TcpStream) -> std::io::Result<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let verb = parts.next().unwrap_or("").to_owned();
    let path = parts.next().unwrap_or("").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len.min(1 << 20)];
    reader.read_exact(&mut body)?;
    Ok(Request {
        verb,
        path,
        headers,
        body,
    })
}

struct Answer {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn answer_json(status: u16, body: Value) -> Answer {
    Answer {
        status,
        content_type: "application/json",
        headers: Vec::new(),
        body: body.to_string().into_bytes(),
    }
}

fn error(status: u16, code: i64, message: &str) -> Answer {
    answer_json(
        status,
        json!({"code": code, "message": message, "details": []}),
    )
}

fn serve(mut stream: TcpStream, state: &Arc<Mutex<State>>) -> std::io::Result<()> {
    let request = read_request(&stream)?;
    let (answer, hang) = handle(&request, state);
    if let Some(wait) = hang {
        std::thread::sleep(wait);
        return Ok(());
    }
    let reason = match answer.status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Status",
    };
    let mut head =
        format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.status, answer.content_type, answer.body.len()
    );
    for (k, v) in &answer.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&answer.body)?;
    stream.flush()
}

fn handle(request: &Request, state: &Arc<Mutex<State>>) -> (Answer, Option<Duration>) {
    let mut s = state.lock().unwrap();
    settle(&mut s);
    let method = request.path.clone();
    if request.verb != "POST" {
        return (error(405, 12, "method is not allowed"), None);
    }
    let id = request.headers.get("client-id");
    let key = request.headers.get("api-key");
    let (Some(id), Some(key)) = (id, key) else {
        return (
            error(401, 16, "Client-Id and Api-Key headers are required"),
            None,
        );
    };
    if id != CLIENT_ID || key != API_KEY {
        return (
            error(403, 7, "Invalid Api-Key, please contact support"),
            None,
        );
    }
    if !request
        .headers
        .get("content-type")
        .is_some_and(|c| c.starts_with("application/json"))
    {
        return (error(400, 3, "Content-Type must be application/json"), None);
    }
    // 50 requests a second per Client-Id.
    let now = Instant::now();
    s.tokens = (s.tokens + now.duration_since(s.refilled).as_secs_f64() * 50.0).min(50.0);
    s.refilled = now;
    if s.tokens < 1.0 {
        return (rate_limited(Some(1)), None);
    }
    s.tokens -= 1.0;
    let body: Value = if request.body.is_empty() && method == "/v2/posting/fbs/cancel-reason/list" {
        json!({})
    } else {
        match serde_json::from_slice(&request.body) {
            Ok(v) => v,
            Err(_) => {
                return (
                    error(400, 3, "proto: syntax error (line 1:1): unexpected token"),
                    None,
                )
            }
        }
    };
    s.requests.push((method.clone(), body.clone()));
    let call = {
        let c = s.calls.entry(method.clone()).or_default();
        *c += 1;
        *c
    };
    let fault = s
        .faults_at
        .remove(&(method.clone(), call))
        .or_else(|| s.faults.get_mut(&method).and_then(VecDeque::pop_front));
    match fault {
        Some(Fault::RateLimited(after)) => return (rate_limited(after), None),
        Some(Fault::Internal) => return (error(500, 13, "Internal error"), None),
        Some(Fault::BadGateway) => {
            return (Answer { status: 502, content_type: "text/html", headers: Vec::new(),
                body: b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>".to_vec() }, None)
        }
        Some(Fault::Legacy(status, message)) => {
            return (answer_json(status, json!({"error": {"code": "NOT_FOUND_ERROR", "message": message, "data": []}})), None)
        }
        Some(Fault::Hang(d)) => return (error(500, 13, "never sent"), Some(d)),
        Some(Fault::DoThenHang(d)) => {
            let _ = route(&mut s, &method, &body);
            return (error(500, 13, "never sent"), Some(d));
        }
        None => {}
    }
    (route(&mut s, &method, &body), None)
}

fn rate_limited(after: Option<u32>) -> Answer {
    let mut a = error(429, 8, "You have reached request rate limit per second");
    if let Some(after) = after {
        a.headers.push(("Retry-After", after.to_string()));
        a.headers.push(("RateLimit-Remaining", "0".into()));
    }
    a
}

/// Applies ships and exemplar checks whose time has come.
fn settle(s: &mut State) {
    let now = Instant::now();
    let due: Vec<String> = s
        .postings
        .iter()
        .filter(|(_, p)| p.ship.as_ref().is_some_and(|x| x.done_at <= now))
        .map(|(n, _)| n.clone())
        .collect();
    for number in due {
        let ship = s.postings.get_mut(&number).unwrap().ship.take().unwrap();
        if s.ship_fails {
            let p = s.postings.get_mut(&number).unwrap();
            p.json["substatus"] = json!("ship_failed");
            p.json["available_actions"] = json!(["cancel", "ship", "ship_async_retry"]);
            continue;
        }
        let parent = s.postings[&number].json.clone();
        let reused = ship.numbers.first() == Some(&number);
        for (i, (n, items)) in ship.numbers.iter().zip(&ship.packages).enumerate() {
            let mut child = parent.clone();
            child["posting_number"] = json!(n);
            child["parent_posting_number"] =
                json!(if ship.numbers.len() > 1 && !(reused && i == 0) {
                    number.as_str()
                } else {
                    ""
                });
            child["status"] = json!("awaiting_deliver");
            child["substatus"] = json!("posting_in_carriage");
            child["available_actions"] = json!(["cancel", "label_download"]);
            let products: Vec<Value> = items
                .iter()
                .map(|(sku, qty)| {
                    let mut p = parent["products"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|x| x["sku"].as_i64() == Some(*sku))
                        .unwrap()
                        .clone();
                    p["quantity"] = json!(qty);
                    p
                })
                .collect();
            child["products"] = json!(products);
            if ship.numbers.len() > 1 && !(reused && i == 0) {
                s.next_barcode += 1;
                child["barcodes"] = json!({"upper_barcode": format!("%101%{}", s.next_barcode),
                                           "lower_barcode": format!("{}0000", s.next_barcode * 10 + 7)});
            }
            let entry = Posting {
                json: child,
                changed_at: chrono::Utc::now(),
                ship: None,
                marks: BTreeMap::new(),
                marks_checked_at: None,
                related: Vec::new(),
            };
            s.postings.insert(n.clone(), entry);
        }
        let p = s.postings.get_mut(&number).unwrap();
        if ship.numbers.len() > 1 {
            p.related = ship.numbers.clone();
            if !reused {
                p.json["status"] = json!("cancelled_from_split_pending");
                p.json["substatus"] = json!("posting_split_pending");
                p.json["available_actions"] = json!([]);
            }
        }
        p.changed_at = chrono::Utc::now();
    }
}

fn with_blocks(posting: &Value, with: &Value) -> Value {
    let mut p = posting.clone();
    for (block, key) in [
        ("barcodes", "barcodes"),
        ("analytics_data", "analytics_data"),
        ("financial_data", "financial_data"),
    ] {
        if with[key].as_bool() != Some(true) {
            p[block] = Value::Null;
        }
    }
    p
}

fn lists(s: &State, body: Value) -> Answer {
    if s.wrap_lists {
        answer_json(200, json!({"result": body}))
    } else {
        answer_json(200, body)
    }
}

fn encode_cursor(offset: usize, key: &str) -> String {
    let text = json!({"offset": offset, "filter": key}).to_string();
    // Opaque to the client; hex keeps the fake free of a base64 dependency.
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(cursor: &str) -> Option<(usize, String)> {
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| {
            cursor
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    let v: Value = serde_json::from_slice(&bytes?).ok()?;
    Some((
        v["offset"].as_u64()? as usize,
        v["filter"].as_str()?.to_owned(),
    ))
}

fn route(s: &mut State, method: &str, body: &Value) -> Answer {
    match method {
        "/v4/posting/fbs/unfulfilled/list" | "/v4/posting/fbs/list" => list(s, method, body),
        "/v3/posting/fbs/get" => {
            let number = body["posting_number"].as_str().unwrap_or("");
            let Some(p) = s.postings.get(number) else {
                return error(404, 5, "POSTING_NOT_FOUND");
            };
            let mut json = with_blocks(&p.json, &body["with"]);
            if p.ship.is_some() {
                json["available_actions"] = json!(["ship_async_in_process"]);
            }
            json["related_postings"] = if body["with"]["related_postings"].as_bool() == Some(true) {
                json!({"related_posting_numbers": p.related})
            } else {
                Value::Null
            };
            answer_json(200, json!({"result": json}))
        }
        "/v4/posting/fbs/ship" => ship(s, body),
        "/v6/fbs/posting/product/exemplar/create-or-get" => {
            let number = body["posting_number"].as_str().unwrap_or("");
            let Some(p) = s.postings.get(number) else {
                return error(404, 5, "POSTING_NOT_FOUND");
            };
            let marked = marked_skus(&p.json);
            let products: Vec<Value> = p.json["products"].as_array().unwrap().iter().map(|x| {
                let sku = x["sku"].as_i64().unwrap();
                let qty = x["quantity"].as_u64().unwrap();
                json!({"product_id": sku, "quantity": qty, "is_mandatory_mark_needed": marked.contains(&sku),
                       "is_mandatory_mark_possible": marked.contains(&sku), "is_gtd_needed": false,
                       "is_rnpt_needed": false, "is_jw_uin_needed": false, "has_imei": false,
                       "is_weight_needed": false, "weight_min": 0, "weight_max": 0,
                       "exemplars": (0..qty).map(|i| json!({"exemplar_id": exemplar_id(sku, i), "marks": [],
                           "gtd": "", "is_gtd_absent": false, "rnpt": "", "is_rnpt_absent": false, "weight": 0}))
                           .collect::<Vec<_>>()})
            }).collect();
            answer_json(
                200,
                json!({"posting_number": number, "multi_box_qty": 1, "products": products}),
            )
        }
        "/v6/fbs/posting/product/exemplar/set" => {
            let number = body["posting_number"].as_str().unwrap_or("").to_owned();
            let delay = s.exemplar_delay;
            let Some(p) = s.postings.get_mut(&number) else {
                return error(404, 5, "POSTING_NOT_FOUND");
            };
            if p.json["status"] != "awaiting_packaging" {
                return error(400, 3, "Posting must have 'awaiting_packaging' status");
            }
            let mut marks = BTreeMap::new();
            for product in body["products"].as_array().cloned().unwrap_or_default() {
                let sku = product["product_id"].as_i64().unwrap_or(0);
                let qty = p.json["products"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["sku"].as_i64() == Some(sku))
                    .and_then(|x| x["quantity"].as_u64())
                    .unwrap_or(0);
                for e in product["exemplars"].as_array().cloned().unwrap_or_default() {
                    let id = e["exemplar_id"].as_i64().unwrap_or(0);
                    if !(0..qty).any(|i| exemplar_id(sku, i) == id) {
                        return error(
                            400,
                            3,
                            &format!("EXEMPLAR_ID {id} does not belong to product {sku}"),
                        );
                    }
                    for m in e["marks"].as_array().cloned().unwrap_or_default() {
                        marks
                            .entry(sku)
                            .or_insert_with(Vec::new)
                            .push(m["mark"].as_str().unwrap_or("").to_owned());
                    }
                }
            }
            p.marks = marks;
            p.marks_checked_at = Some(Instant::now() + delay);
            Answer {
                status: 200,
                content_type: "application/json",
                headers: Vec::new(),
                body: Vec::new(),
            }
        }
        "/v5/fbs/posting/product/exemplar/status" => {
            let number = body["posting_number"].as_str().unwrap_or("");
            let Some(p) = s.postings.get(number) else {
                return error(404, 5, "POSTING_NOT_FOUND");
            };
            let (status, products) = exemplar_status(p);
            answer_json(
                200,
                json!({"posting_number": number, "status": status, "products": products}),
            )
        }
        "/v2/fbs/posting/tracking-number/set" => {
            let items = body["tracking_numbers"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if items.len() > 20 {
                return error(400, 3, "tracking_numbers: at most 20");
            }
            let result: Vec<Value> = items.iter().map(|i| {
                let n = i["posting_number"].as_str().unwrap_or("");
                match s.postings.get_mut(n) {
                    Some(p) => {
                        p.json["tracking_number"] = i["tracking_number"].clone();
                        json!({"posting_number": n, "result": true, "error": ""})
                    }
                    None => json!({"posting_number": n, "result": false, "error": "POSTING_NOT_FOUND"}),
                }
            }).collect();
            answer_json(200, json!({"result": result}))
        }
        "/v1/posting/fbs/cancel-reason" => {
            let result: Vec<Value> = body["related_posting_numbers"].as_array().cloned().unwrap_or_default().iter().map(|n| json!({
                "posting_number": n, "reasons": [
                    {"id": 352, "title": "Товар закончился на складе продавца", "type_id": "seller"},
                    {"id": 400, "title": "Остался только бракованный товар", "type_id": "seller"},
                    {"id": 402, "title": "Другое (вина продавца)", "type_id": "seller"}]})).collect();
            answer_json(200, json!({"result": result}))
        }
        "/v2/posting/fbs/cancel" => {
            let number = body["posting_number"].as_str().unwrap_or("");
            let reason = body["cancel_reason_id"].as_i64().unwrap_or(0);
            let Some(p) = s.postings.get_mut(number) else {
                return error(404, 5, "POSTING_NOT_FOUND");
            };
            if ![352, 400, 402].contains(&reason) {
                return error(400, 3, "HAS_INCORRECT_CANCEL_REASON");
            }
            if reason == 402
                && body["cancel_reason_message"]
                    .as_str()
                    .unwrap_or("")
                    .is_empty()
            {
                return error(400, 3, "cancel_reason_message is required for reason 402");
            }
            if p.json["status"] == "cancelled" {
                return error(400, 3, "POSTING_ALREADY_CANCELLED");
            }
            p.json["status"] = json!("cancelled");
            p.json["substatus"] = json!("posting_canceled");
            p.json["cancellation"]["cancel_reason_id"] = json!(reason);
            p.json["cancellation"]["cancel_reason"] = json!("Товар закончился на складе продавца");
            p.json["cancellation"]["cancellation_type"] = json!("seller");
            p.changed_at = chrono::Utc::now();
            answer_json(200, json!({"result": true}))
        }
        "/v2/posting/fbs/package-label" => {
            let numbers: Vec<String> = body["posting_number"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            if numbers.is_empty() || numbers.len() > 20 {
                return error(400, 3, "INVALID_ARGUMENT");
            }
            let mut postings = Vec::new();
            for n in &numbers {
                match s.postings.get(n) {
                    Some(p) if p.json["status"] == "awaiting_deliver" => {
                        postings.push(p.json.clone())
                    }
                    _ => return error(400, 3, "INVALID_ARGUMENT"),
                }
            }
            // Ozon's own label, one page per posting: drawn here with shiplabel's renderer.
            let text = json!({"postings": postings}).to_string();
            let parsed = shiplabel::order::parse_json("fake label", &text).unwrap();
            let template = shiplabel::template::Template::builtin("ozon-fbs").unwrap();
            let pdf = shiplabel::render_pdf(&parsed, &template).unwrap();
            Answer {
                status: 200,
                content_type: "application/pdf",
                headers: Vec::new(),
                body: pdf.pdf,
            }
        }
        _ => error(404, 5, "method not found"),
    }
}

fn exemplar_id(sku: i64, unit: u64) -> i64 {
    7_730_000_000_000 + (sku % 1_000_000) * 100 + unit as i64
}

fn marked_skus(posting: &Value) -> Vec<i64> {
    posting["requirements"]["products_requiring_mandatory_mark"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .collect()
}

/// The check: every needed mark given, none double-escaped, and the check's time passed.
fn exemplar_status(p: &Posting) -> (&'static str, Vec<Value>) {
    let marked = marked_skus(&p.json);
    if marked.is_empty() {
        return ("ship_available", Vec::new());
    }
    let Some(at) = p.marks_checked_at else {
        return ("ship_not_available", Vec::new());
    };
    if Instant::now() < at {
        return ("validation_in_process", Vec::new());
    }
    let mut ok = true;
    let mut products = Vec::new();
    for product in p.json["products"].as_array().unwrap() {
        let sku = product["sku"].as_i64().unwrap();
        if !marked.contains(&sku) {
            continue;
        }
        let qty = product["quantity"].as_u64().unwrap() as usize;
        let given = p.marks.get(&sku).cloned().unwrap_or_default();
        if given.len() != qty {
            ok = false;
        }
        let exemplars: Vec<Value> = given
            .iter()
            .map(|m| {
                let good = !m.contains("\\u001d") && m.starts_with("01") && m.len() >= 18;
                ok &= good;
                json!({"marks": [{"mark": m, "mark_type": "mandatory_mark",
                "check_status": if good { "passed" } else { "failed" },
                "error_codes": if good { json!([]) } else { json!(["INVALID_MARK"]) }}]})
            })
            .collect();
        products.push(json!({"product_id": sku, "exemplars": exemplars}));
    }
    (
        if ok {
            "ship_available"
        } else {
            "ship_not_available"
        },
        products,
    )
}

fn ship(s: &mut State, body: &Value) -> Answer {
    let number = body["posting_number"].as_str().unwrap_or("").to_owned();
    let delay = s.ship_delay;
    let fresh = s.split_fresh_numbers;
    let Some(p) = s.postings.get(&number) else {
        return error(404, 5, "POSTING_NOT_FOUND");
    };
    match p.json["status"].as_str() {
        Some("awaiting_packaging") => {}
        Some("cancelled") => return error(400, 3, "POSTING_ALREADY_CANCELLED"),
        _ => return error(400, 3, "POSTING_ALREADY_SHIPPED"),
    }
    if p.ship.is_some() {
        return error(400, 3, "POSTING_ALREADY_SHIPPED");
    }
    let mut packages = Vec::new();
    let mut totals: BTreeMap<i64, u64> = BTreeMap::new();
    for package in body["packages"].as_array().cloned().unwrap_or_default() {
        let mut items = Vec::new();
        for item in package["products"].as_array().cloned().unwrap_or_default() {
            let sku = item["product_id"].as_i64().unwrap_or(0);
            let qty = item["quantity"].as_u64().unwrap_or(0);
            if !p.json["products"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["sku"].as_i64() == Some(sku))
            {
                return error(400, 3, "UNKNOWN_PRODUCT_DEFINED");
            }
            *totals.entry(sku).or_default() += qty;
            items.push((sku, qty as u32));
        }
        packages.push(items);
    }
    for x in p.json["products"].as_array().unwrap() {
        if totals.get(&x["sku"].as_i64().unwrap()).copied() != x["quantity"].as_u64() {
            return error(400, 3, "HAS_INCORRECT_PRODUCT_QUANTITY");
        }
    }
    if totals.len() != p.json["products"].as_array().unwrap().len() {
        return error(400, 3, "HAS_INCORRECT_PRODUCT_QUANTITY");
    }
    if exemplar_status(p).0 != "ship_available" {
        return error(400, 3, "EXEMPLAR_INFO_NOT_FILLED_COMPLETELY");
    }
    let order = p.json["order_number"].as_str().unwrap().to_owned();
    let numbers: Vec<String> = if packages.len() == 1 {
        vec![number.clone()]
    } else {
        let mut highest = s
            .postings
            .keys()
            .filter(|k| k.starts_with(&format!("{order}-")))
            .filter_map(|k| k.rsplit('-').next().and_then(|n| n.parse::<u32>().ok()))
            .max()
            .unwrap_or(1);
        let mut out = Vec::new();
        for i in 0..packages.len() {
            if i == 0 && !fresh {
                out.push(number.clone());
            } else {
                highest += 1;
                out.push(format!("{order}-{highest}"));
            }
        }
        out
    };
    let p = s.postings.get_mut(&number).unwrap();
    p.ship = Some(PendingShip {
        done_at: Instant::now() + delay,
        packages,
        numbers: numbers.clone(),
    });
    answer_json(200, json!({"result": numbers}))
}

fn list(s: &mut State, method: &str, body: &Value) -> Answer {
    let limit = body["limit"].as_u64().unwrap_or(0);
    if !(1..=100).contains(&limit) {
        return error(400, 3, "invalid request: limit must be between 1 and 100");
    }
    let filter = body["filter"].clone();
    let unfulfilled = method.contains("unfulfilled");
    if unfulfilled {
        let cutoff = filter.get("cutoff_from").is_some() || filter.get("cutoff_to").is_some();
        let delivering = filter.get("delivering_date_from").is_some()
            || filter.get("delivering_date_to").is_some();
        if cutoff == delivering {
            return error(
                400,
                3,
                "either filter.cutoff or filter.delivering_date must be specified",
            );
        }
    } else if filter.get("since").is_none() || filter.get("to").is_none() {
        return error(400, 3, "filter.since and filter.to are required");
    }
    let cursor = body["cursor"].as_str().unwrap_or("");
    let key = format!("{method}{filter}");
    let offset = if cursor.is_empty() {
        0
    } else {
        match decode_cursor(cursor) {
            Some((offset, f)) if f == key => offset,
            _ => return error(400, 3, "invalid cursor"),
        }
    };
    let page_no = offset / limit as usize + 1;
    if unfulfilled {
        if let Some((after, _)) = &s.insert_after_page {
            if page_no > *after {
                let (_, p) = s.insert_after_page.take().unwrap();
                let number = p["posting_number"].as_str().unwrap().to_owned();
                s.postings.insert(
                    number,
                    Posting {
                        json: p,
                        changed_at: chrono::Utc::now(),
                        ship: None,
                        marks: BTreeMap::new(),
                        marks_checked_at: None,
                        related: Vec::new(),
                    },
                );
            }
        }
    }
    let from = filter["last_changed_status_date"]["from"]
        .as_str()
        .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok());
    let matching: Vec<&Posting> = s
        .postings
        .values()
        .filter(|p| {
            if unfulfilled {
                UNFULFILLED.contains(&p.json["status"].as_str().unwrap_or(""))
            } else {
                from.is_none_or(|f| p.changed_at >= f)
            }
        })
        .collect();
    let total = matching.len();
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit as usize)
        .map(|p| with_blocks(&p.json, &body["with"]))
        .collect();
    let end = offset + page.len();
    let has_next = match s.ending {
        Ending::HasNextFalse => end < total,
        Ending::EmptyPage => !page.is_empty(),
    };
    let mut answer =
        json!({"cursor": encode_cursor(end, &key), "has_next": has_next, "postings": page});
    if unfulfilled {
        answer["count"] = json!(total);
    }
    lists(s, answer)
}
