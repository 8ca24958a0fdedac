//! The door of `shiplabel serve`: who may talk to the station, and which writes are the page's own.
//!
//! - **Host** (no token set, so loopback only): the `Host` header must name this machine's loopback
//!   address or `localhost`. A web page on another name that resolves to 127.0.0.1 (DNS rebinding)
//!   gets 403 before anything runs.
//! - **Token** (set for any address but loopback): every request carries it, as
//!   `Authorization: Bearer TOKEN` or the cookie the page gets from opening `/?token=TOKEN` once;
//!   otherwise 401.
//! - **Writes** (every method but GET and HEAD): a browser's `Origin` (or `Sec-Fetch-Site`) must be this
//!   server itself, else 403; and the request carries the page's CSRF token in `X-CSRF-Token` (the
//!   page has it; a program gets it from `GET /api/v1/session`, which another origin's script cannot
//!   read), else 403.
//! - **Web tools** (`--allow-origin ORIGIN`): a page of a listed origin gets CORS answers (the preflight,
//!   `Access-Control-Allow-Origin`) and its writes pass the origin check; the CSRF token (and the access
//!   token) are still needed. No other origin ever gets a CORS header.
//! - Every answer says `nosniff`, no framing, no referrer; the page's own content security policy
//!   allows nothing from elsewhere.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::api::error;
use super::App;

/// The cookie that carries the access token in a browser.
pub const TOKEN_COOKIE: &str = "shiplabel_token";

/// Equal without stopping at the first difference, so the time taken says nothing about the token.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn query_token(request: &Request) -> Option<String> {
    request.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "token")
            .map(|(_, v)| v.to_owned())
    })
}

/// The CORS preflight of an allowed web tool's request: what it may send. Answered before the token
/// check, since a browser sends no credentials with it; it changes nothing.
fn preflight(origin: &str, headers: &HeaderMap) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin)
        .header(header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
        .header(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            "Content-Type, X-CSRF-Token, Authorization",
        )
        .header(header::ACCESS_CONTROL_MAX_AGE, "600")
        .header(header::VARY, "Origin");
    // Chromium asks before a public site's page talks to a loopback or private address.
    if headers
        .get("access-control-request-private-network")
        .is_some_and(|v| v == "true")
    {
        builder = builder.header("Access-Control-Allow-Private-Network", "true");
    }
    builder
        .body(Body::empty())
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The checks above, then the answer. A request refused here was answered before its body was read,
/// so hyper closes its connection after the answer: the answer says `Connection: close`, or a client
/// that keeps connections (ureq, a WMS's HTTP library) would send its next request on a closing one.
pub async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut response = check(app, request, next).await;
    if response.extensions_mut().remove::<Handled>().is_none() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Marks an answer that came from the handler (which took the request's body), not from a refusal.
#[derive(Clone, Copy)]
struct Handled;

/// The checks above, in that order, then the security headers on the answer.
async fn check(app: Arc<App>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = header_str(headers, header::HOST).unwrap_or("");
    // An allowed web tool's page (`--allow-origin`): CORS for it, and only for it.
    let tool = header_str(headers, header::ORIGIN)
        .filter(|o| app.origins.iter().any(|a| a.eq_ignore_ascii_case(o)))
        .map(str::to_owned);
    if request.method() == Method::OPTIONS {
        return match &tool {
            Some(origin) => preflight(origin, headers),
            None => error(
                StatusCode::FORBIDDEN,
                "origin",
                "cross-origin requests are refused (shiplabel serve --allow-origin ORIGIN allows a web tool)",
            ),
        };
    }
    if app.token.is_none() && !app.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return error(
            StatusCode::FORBIDDEN,
            "host",
            &format!("Host {host:?} is not this station: open it at http://127.0.0.1:PORT/"),
        );
    }
    if let Some(token) = &app.token {
        let bearer = header_str(headers, header::AUTHORIZATION)
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let given = bearer.or_else(|| cookie(headers, TOKEN_COOKIE));
        if !given.is_some_and(|g| same(g, token)) {
            // Opening `/?token=…` in a browser once: the token goes into a cookie and out of the
            // address bar (and out of the history and any screenshot of it).
            if request.method() == Method::GET && request.uri().path() == "/" {
                if let Some(t) = query_token(&request).filter(|t| same(t, token)) {
                    let cookie = format!(
                        "{TOKEN_COOKIE}={t}; HttpOnly; SameSite=Strict; Path=/; Max-Age=31536000"
                    );
                    return Response::builder()
                        .status(StatusCode::SEE_OTHER)
                        .header(header::LOCATION, "/")
                        .header(header::SET_COOKIE, cookie)
                        .body(Body::empty())
                        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
                }
            }
            return error(
                StatusCode::UNAUTHORIZED,
                "token",
                "this station needs its access token: open /?token=TOKEN once, or send Authorization: Bearer TOKEN",
            );
        }
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let own = |origin: &str| {
            origin
                .strip_prefix("http://")
                .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
        };
        if let Some(origin) = header_str(headers, header::ORIGIN) {
            if !own(origin) && tool.is_none() {
                return error(
                    StatusCode::FORBIDDEN,
                    "origin",
                    &format!("a write from another site ({origin}) is refused"),
                );
            }
        } else if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            if site != "same-origin" && site != "none" {
                return error(
                    StatusCode::FORBIDDEN,
                    "origin",
                    &format!("a write from another site (Sec-Fetch-Site: {site}) is refused"),
                );
            }
        }
        let csrf = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        if !csrf.is_some_and(|c| same(c, &app.csrf)) {
            return error(
                StatusCode::FORBIDDEN,
                "csrf",
                "missing or wrong X-CSRF-Token: reload the page (programs: GET /api/v1/session)",
            );
        }
    }
    let mut response = next.run(request).await;
    response.extensions_mut().insert(Handled);
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(origin) = tool.and_then(|o| HeaderValue::from_str(&o).ok()) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}
