//! Printing through an OS print queue: CUPS (Linux, macOS) over IPP, the protocol its own tools use.
//!
//! `cups://QUEUE` talks to the local CUPS server (`CUPS_SERVER` when set: `host[:port]` or a socket
//! path; else the socket `/run/cups/cups.sock` or `/var/run/cups/cups.sock`; else `localhost:631`).
//! `ipp://HOST[:PORT]/printers/QUEUE` names a queue on a CUPS server over the network.
//!
//! Each job goes as one IPP Print-Job with `document-format = application/vnd.cups-raw`, so CUPS runs no
//! filter and the queue's backend (USB, socket, the vendor's driver's port) gets our TSPL, ZPL or ESC/POS
//! bytes unchanged. The job's state is then read back with Get-Job-Attributes until it is completed,
//! aborted or canceled, or the write timeout passes. "Completed" means the backend handed every byte to
//! the printer, which is what CUPS knows; it has no status byte from the printer itself.
//!
//! IPP (RFC 8010/8011) is a small binary encoding over an HTTP/1.1 POST: a version, an operation id, a
//! request id, attribute groups of (value tag, name, value), an end tag, then the document. The encoder
//! and decoder below do just the operations we use; no CUPS library is linked.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{Timeouts, Transport, TransportError};

/// Operation ids.
const PRINT_JOB: u16 = 0x0002;
const GET_JOB_ATTRIBUTES: u16 = 0x0009;
const CUPS_GET_PRINTERS: u16 = 0x4002;

/// Delimiter tags.
const OPERATION_GROUP: u8 = 0x01;
const END_OF_ATTRIBUTES: u8 = 0x03;

/// Value tags.
const TAG_INTEGER: u8 = 0x21;
const TAG_ENUM: u8 = 0x23;
#[cfg(test)]
const TAG_TEXT: u8 = 0x41;
const TAG_NAME: u8 = 0x42;
const TAG_KEYWORD: u8 = 0x44;
const TAG_URI: u8 = 0x45;
const TAG_CHARSET: u8 = 0x47;
const TAG_LANGUAGE: u8 = 0x48;
const TAG_MIME: u8 = 0x49;

/// Largest IPP response read (a printer list of a big server is a few hundred KB).
const MAX_RESPONSE: usize = 4 << 20;

/// Where the IPP server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Server {
    /// A TCP host and port.
    Tcp {
        /// Host name or address.
        host: String,
        /// Port (631 by default).
        port: u16,
    },
    /// A Unix domain socket (the local CUPS server).
    Socket(PathBuf),
}

impl std::fmt::Display for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Server::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            Server::Tcp { host, port } => write!(f, "{host}:{port}"),
            Server::Socket(path) => write!(f, "{}", path.display()),
        }
    }
}

impl Server {
    /// The local CUPS server: `CUPS_SERVER`, else its socket when present, else `localhost:631`.
    pub fn local() -> Server {
        if let Some(value) = std::env::var("CUPS_SERVER").ok().filter(|v| !v.is_empty()) {
            return Server::parse_host_port(&value);
        }
        if cfg!(unix) {
            for socket in ["/run/cups/cups.sock", "/var/run/cups/cups.sock"] {
                if std::path::Path::new(socket).exists() {
                    return Server::Socket(PathBuf::from(socket));
                }
            }
        }
        Server::Tcp {
            host: "localhost".into(),
            port: 631,
        }
    }

    /// `host`, `host:port`, `[v6]:port` or an absolute socket path.
    pub fn parse_host_port(value: &str) -> Server {
        if value.starts_with('/') {
            return Server::Socket(PathBuf::from(value));
        }
        let (host, port) = if let Some(v6) = value.strip_prefix('[') {
            match v6.split_once(']') {
                Some((h, rest)) => (h, rest.strip_prefix(':')),
                None => (v6, None),
            }
        } else {
            match value.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') => (h, Some(p)),
                _ => (value, None),
            }
        };
        Server::Tcp {
            host: host.to_string(),
            port: port.and_then(|p| p.parse().ok()).unwrap_or(631),
        }
    }

    /// The `Host:` header value.
    fn host_header(&self) -> String {
        match self {
            Server::Tcp { .. } => self.to_string(),
            Server::Socket(_) => "localhost".into(),
        }
    }
}

/// One connection's byte stream.
trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

fn connect(server: &Server, timeouts: &Timeouts, io: Duration) -> std::io::Result<Box<dyn Stream>> {
    match server {
        Server::Tcp { host, port } => {
            let mut last = None;
            for addr in (host.as_str(), *port).to_socket_addrs()? {
                match TcpStream::connect_timeout(&addr, timeouts.connect) {
                    Ok(s) => {
                        s.set_read_timeout(Some(io))?;
                        s.set_write_timeout(Some(io))?;
                        return Ok(Box::new(s));
                    }
                    Err(e) => last = Some(e),
                }
            }
            Err(last.unwrap_or_else(|| std::io::ErrorKind::NotFound.into()))
        }
        #[cfg(unix)]
        Server::Socket(path) => {
            let s = std::os::unix::net::UnixStream::connect(path)?;
            s.set_read_timeout(Some(io))?;
            s.set_write_timeout(Some(io))?;
            Ok(Box::new(s))
        }
        #[cfg(not(unix))]
        Server::Socket(path) => Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            format!("{}: sockets need a Unix system", path.display()),
        )),
    }
}

/// One attribute value as received: its tag and raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The value tag.
    pub tag: u8,
    /// The value's bytes.
    pub bytes: Vec<u8>,
}

impl Value {
    /// The value as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The value as an integer or enum.
    pub fn int(&self) -> Option<i32> {
        let b: [u8; 4] = self.bytes.as_slice().try_into().ok()?;
        matches!(self.tag, TAG_INTEGER | TAG_ENUM).then(|| i32::from_be_bytes(b))
    }
}

/// One attribute group of a response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    /// The group's delimiter tag (1 operation, 2 job, 4 printer…).
    pub tag: u8,
    /// The attributes in order, each with all its values.
    pub attributes: Vec<(String, Vec<Value>)>,
}

impl Group {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
    }

    /// Every value of `name` as text, joined with commas.
    pub fn texts(&self, name: &str) -> String {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.iter().map(Value::text).collect::<Vec<_>>().join(","))
            .unwrap_or_default()
    }
}

/// A decoded IPP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code (0x0000–0x00FF successful).
    pub status: u16,
    /// The request id echoed.
    pub request_id: u32,
    /// The attribute groups.
    pub groups: Vec<Group>,
}

impl Response {
    /// Whether the status code is one of the successful ones.
    pub fn ok(&self) -> bool {
        self.status <= 0x00ff
    }

    /// The first group with `tag`.
    pub fn group(&self, tag: u8) -> Option<&Group> {
        self.groups.iter().find(|g| g.tag == tag)
    }

    /// The server's `status-message`, or the status code's name.
    pub fn message(&self) -> String {
        let said = self
            .group(OPERATION_GROUP)
            .and_then(|g| g.get("status-message"))
            .map(Value::text);
        let name = status_name(self.status);
        match said {
            Some(m) if !m.is_empty() => format!("{name} (0x{:04x}): {m}", self.status),
            _ => format!("{name} (0x{:04x})", self.status),
        }
    }
}

fn status_name(status: u16) -> &'static str {
    match status {
        0x0000..=0x00ff => "successful",
        0x0400 => "bad request",
        0x0401 => "forbidden",
        0x0402 => "not authenticated",
        0x0403 => "not authorized",
        0x0406 => "not found (no such queue)",
        0x040a => "document format not supported",
        0x0506 => "not accepting jobs",
        0x0500..=0x05ff => "server error",
        _ => "client error",
    }
}

/// Builds IPP requests.
#[derive(Debug)]
pub struct Request {
    bytes: Vec<u8>,
}

impl Request {
    /// A request for `operation` with the charset and language attributes every request starts with.
    pub fn new(operation: u16, request_id: u32) -> Request {
        let mut bytes = vec![1, 1]; // IPP/1.1: what every CUPS and every IPP printer speaks.
        bytes.extend_from_slice(&operation.to_be_bytes());
        bytes.extend_from_slice(&request_id.to_be_bytes());
        bytes.push(OPERATION_GROUP);
        let mut r = Request { bytes };
        r.attr(TAG_CHARSET, "attributes-charset", b"utf-8");
        r.attr(TAG_LANGUAGE, "attributes-natural-language", b"en");
        r
    }

    /// Adds one attribute (a name of "" adds another value to the previous attribute).
    pub fn attr(&mut self, tag: u8, name: &str, value: &[u8]) -> &mut Request {
        self.bytes.push(tag);
        self.bytes
            .extend_from_slice(&(name.len().min(u16::MAX as usize) as u16).to_be_bytes());
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes
            .extend_from_slice(&(value.len().min(u16::MAX as usize) as u16).to_be_bytes());
        self.bytes
            .extend_from_slice(&value[..value.len().min(u16::MAX as usize)]);
        self
    }

    /// Ends the attributes; the document, if any, follows.
    pub fn finish(mut self) -> Vec<u8> {
        self.bytes.push(END_OF_ATTRIBUTES);
        self.bytes
    }
}

/// Decodes an IPP response body; a truncated or malformed one is an error naming the offset.
pub fn decode(body: &[u8]) -> Result<Response, String> {
    let bad = |at: usize, what: &str| format!("malformed IPP response at byte {at}: {what}");
    if body.len() < 9 {
        return Err(bad(body.len(), "shorter than the 9-byte header"));
    }
    let status = u16::from_be_bytes([body[2], body[3]]);
    let request_id = u32::from_be_bytes([body[4], body[5], body[6], body[7]]);
    let mut groups: Vec<Group> = Vec::new();
    let mut at = 8;
    loop {
        let tag = *body
            .get(at)
            .ok_or_else(|| bad(at, "no end-of-attributes tag"))?;
        at += 1;
        if tag == END_OF_ATTRIBUTES {
            break;
        }
        if tag <= 0x0f {
            groups.push(Group {
                tag,
                attributes: Vec::new(),
            });
            continue;
        }
        let take = |at: &mut usize, n: usize| -> Result<&[u8], String> {
            let end = at
                .checked_add(n)
                .filter(|&e| e <= body.len())
                .ok_or_else(|| bad(*at, "attribute runs past the end"))?;
            let s = &body[*at..end];
            *at = end;
            Ok(s)
        };
        let len = |b: &[u8]| usize::from(u16::from_be_bytes([b[0], b[1]]));
        let n = len(take(&mut at, 2)?);
        let name = String::from_utf8_lossy(take(&mut at, n)?).into_owned();
        let n = len(take(&mut at, 2)?);
        let value = Value {
            tag,
            bytes: take(&mut at, n)?.to_vec(),
        };
        let group = groups
            .last_mut()
            .ok_or_else(|| bad(at, "attribute before any group"))?;
        match (name.is_empty(), group.attributes.last_mut()) {
            (true, Some((_, values))) => values.push(value),
            (true, None) => return Err(bad(at, "additional value without an attribute")),
            (false, _) => group.attributes.push((name, vec![value])),
        }
    }
    Ok(Response {
        status,
        request_id,
        groups,
    })
}

/// Sends `body` as an HTTP/1.1 POST of `application/ipp` to `resource` and returns the IPP response.
fn post(
    server: &Server,
    resource: &str,
    body: &[u8],
    timeouts: &Timeouts,
    io: Duration,
) -> Result<Response, String> {
    let mut stream =
        connect(server, timeouts, io).map_err(|e| format!("cannot connect to {server}: {e}"))?;
    let head = format!(
        "POST {resource} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/ipp\r\n\
         Content-Length: {}\r\nConnection: close\r\nUser-Agent: shiplabel\r\n\r\n",
        server.host_header(),
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(body))
        .and_then(|_| stream.flush())
        .map_err(|e| format!("sending to {server}: {e}"))?;
    let mut reader = BufReader::new(stream.take(MAX_RESPONSE as u64 + 64 * 1024));
    let read_err = |e: std::io::Error| format!("reading the answer of {server}: {e}");
    let mut line = String::new();
    reader.read_line(&mut line).map_err(read_err)?;
    let code: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("{server} did not answer in HTTP: {:?}", line.trim_end()))?;
    let (mut length, mut chunked) = (None, false);
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(read_err)? == 0 {
            return Err(format!(
                "{server} closed the connection inside the HTTP header"
            ));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            if k == "content-length" {
                length = v.parse::<usize>().ok();
            } else if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
                chunked = true;
            }
        }
    }
    if code != 200 {
        return Err(format!(
            "{server} answered HTTP {code} for {resource}{}",
            if code == 401 || code == 403 {
                " (the server wants authentication: allow this user to print to the queue)"
            } else {
                ""
            }
        ));
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line).map_err(read_err)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| format!("{server}: bad chunk size {:?}", line.trim()))?;
            if size == 0 {
                break;
            }
            if body.len() + size > MAX_RESPONSE {
                return Err(format!(
                    "{server}: IPP answer larger than {MAX_RESPONSE} bytes"
                ));
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader.read_exact(&mut body[start..]).map_err(read_err)?;
            let mut crlf = [0u8; 2];
            reader.read_exact(&mut crlf).map_err(read_err)?;
        }
    } else if let Some(n) = length {
        if n > MAX_RESPONSE {
            return Err(format!(
                "{server}: IPP answer larger than {MAX_RESPONSE} bytes"
            ));
        }
        body.resize(n, 0);
        reader.read_exact(&mut body).map_err(read_err)?;
    } else {
        reader
            .take(MAX_RESPONSE as u64)
            .read_to_end(&mut body)
            .map_err(read_err)?;
    }
    decode(&body).map_err(|e| format!("{server}: {e}"))
}

/// Job states (RFC 8011 §5.3.7).
fn job_state_name(state: i32) -> &'static str {
    match state {
        3 => "pending",
        4 => "held",
        5 => "processing",
        6 => "stopped",
        7 => "canceled",
        8 => "aborted",
        9 => "completed",
        _ => "unknown",
    }
}

/// A print queue of a CUPS server, as a transport: every [`Transport::write_all`] is one print job.
#[derive(Debug)]
pub struct IppTransport {
    server: Server,
    /// The HTTP resource (`/printers/QUEUE`).
    resource: String,
    /// The `printer-uri` attribute.
    printer_uri: String,
    timeouts: Timeouts,
    request_id: u32,
    jobs: u32,
}

impl IppTransport {
    /// The queue `queue` of the local CUPS server.
    pub fn cups(queue: &str, timeouts: Timeouts) -> IppTransport {
        IppTransport::new(Server::local(), queue, timeouts)
    }

    /// The queue `queue` of the CUPS server at `server`.
    pub fn new(server: Server, queue: &str, timeouts: Timeouts) -> IppTransport {
        let resource = format!("/printers/{}", percent_encode(queue));
        let printer_uri = format!("ipp://{}{resource}", server.host_header());
        IppTransport {
            server,
            resource,
            printer_uri,
            timeouts,
            request_id: 0,
            jobs: 0,
        }
    }

    fn next_id(&mut self) -> u32 {
        self.request_id += 1;
        self.request_id
    }

    fn io_timeout(&self) -> Duration {
        self.timeouts.write.max(Duration::from_secs(1))
    }

    /// Reads the job's state until it is over or the write timeout passes.
    fn wait_for(&mut self, job_id: i32, accepted: Instant) -> Result<(), TransportError> {
        let deadline = accepted + self.timeouts.write;
        let mut pause = Duration::from_millis(20);
        loop {
            let mut req = Request::new(GET_JOB_ATTRIBUTES, self.next_id());
            req.attr(TAG_URI, "printer-uri", self.printer_uri.as_bytes())
                .attr(TAG_INTEGER, "job-id", &job_id.to_be_bytes())
                .attr(TAG_NAME, "requesting-user-name", user().as_bytes())
                .attr(TAG_KEYWORD, "requested-attributes", b"job-state")
                .attr(TAG_KEYWORD, "", b"job-state-reasons")
                .attr(TAG_KEYWORD, "", b"job-printer-state-message");
            let response = post(
                &self.server,
                &self.resource,
                &req.finish(),
                &self.timeouts,
                self.io_timeout(),
            )
            .map_err(|m| spooler(format!("CUPS job {job_id}: {m}"), true))?;
            if !response.ok() {
                return Err(spooler(
                    format!(
                        "CUPS job {job_id}: state not readable: {}",
                        response.message()
                    ),
                    true,
                ));
            }
            let job = response.group(0x02).cloned().unwrap_or_default();
            let state = job.get("job-state").and_then(Value::int).unwrap_or(0);
            let reasons = job.texts("job-state-reasons");
            let said = job.texts("job-printer-state-message");
            let detail = if said.is_empty() {
                format!("reasons {reasons}")
            } else {
                format!("reasons {reasons}; printer: {said}")
            };
            match state {
                9 => return Ok(()),
                7 | 8 => {
                    return Err(spooler(
                        format!(
                            "CUPS job {job_id} on queue {} was {} ({detail})",
                            self.resource,
                            job_state_name(state)
                        ),
                        true,
                    ))
                }
                _ if Instant::now() >= deadline => {
                    return Err(spooler(
                        format!(
                        "CUPS job {job_id} on queue {} is still {} after {} s ({detail}): it may \
                             print later; `cancel {job_id}` removes it",
                        self.resource,
                        job_state_name(state),
                        self.timeouts.write.as_secs()
                    ),
                        true,
                    ))
                }
                _ => {
                    std::thread::sleep(
                        pause.min(deadline.saturating_duration_since(Instant::now())),
                    );
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
            }
        }
    }
}

fn spooler(message: String, accepted: bool) -> TransportError {
    TransportError::Spooler { message, accepted }
}

/// The user name the job is submitted as.
fn user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.is_empty() && u.len() < 256)
        .unwrap_or_else(|| "shiplabel".into())
}

/// Percent-encodes a queue name for the resource path (CUPS queue names are usually plain ASCII).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Transport for IppTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.jobs += 1;
        let mut req = Request::new(PRINT_JOB, self.next_id());
        req.attr(TAG_URI, "printer-uri", self.printer_uri.as_bytes())
            .attr(TAG_NAME, "requesting-user-name", user().as_bytes())
            .attr(
                TAG_NAME,
                "job-name",
                format!("shiplabel {}", self.jobs).as_bytes(),
            )
            .attr(TAG_MIME, "document-format", b"application/vnd.cups-raw");
        let mut body = req.finish();
        body.extend_from_slice(bytes);
        let response = post(
            &self.server,
            &self.resource,
            &body,
            &self.timeouts,
            self.io_timeout(),
        )
        .map_err(|m| spooler(format!("CUPS queue {}: {m}", self.resource), false))?;
        if !response.ok() {
            return Err(spooler(
                format!(
                    "CUPS queue {} refused the job: {}",
                    self.resource,
                    response.message()
                ),
                false,
            ));
        }
        let accepted = Instant::now();
        let job_id = response
            .group(0x02)
            .and_then(|g| g.get("job-id"))
            .and_then(Value::int)
            .ok_or_else(|| {
                spooler(
                    format!(
                        "CUPS queue {} took the job but gave no job-id",
                        self.resource
                    ),
                    true,
                )
            })?;
        self.wait_for(job_id, accepted)
    }

    fn read_reply(
        &mut self,
        _timeout: Duration,
        _done: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TransportError> {
        Ok(Vec::new())
    }

    /// The queue's backend owns the link to the printer; status queries cannot go through a spooler.
    fn can_read(&self) -> bool {
        false
    }
}

/// One print queue of a CUPS server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueInfo {
    /// The queue name.
    pub name: String,
    /// idle, processing or stopped.
    pub state: String,
    /// The queue's make and model (its driver).
    pub model: String,
    /// Where the queue's backend sends jobs.
    pub device_uri: String,
    /// Whether the queue accepts jobs.
    pub accepting: bool,
}

/// The print queues of `server` (CUPS-Get-Printers).
pub fn list_queues(server: &Server, timeouts: Timeouts) -> Result<Vec<QueueInfo>, String> {
    let mut req = Request::new(CUPS_GET_PRINTERS, 1);
    req.attr(TAG_KEYWORD, "requested-attributes", b"printer-name")
        .attr(TAG_KEYWORD, "", b"printer-state")
        .attr(TAG_KEYWORD, "", b"printer-make-and-model")
        .attr(TAG_KEYWORD, "", b"device-uri")
        .attr(TAG_KEYWORD, "", b"printer-is-accepting-jobs");
    let response = post(
        server,
        "/",
        &req.finish(),
        &timeouts,
        timeouts.status.max(Duration::from_secs(2)),
    )?;
    // "not found" is how CUPS says it has no printers.
    if response.status == 0x0406 {
        return Ok(Vec::new());
    }
    if !response.ok() {
        return Err(format!("{server}: {}", response.message()));
    }
    Ok(response
        .groups
        .iter()
        .filter(|g| g.tag == 0x04)
        .map(|g| QueueInfo {
            name: g.texts("printer-name"),
            state: match g.get("printer-state").and_then(Value::int) {
                Some(3) => "idle",
                Some(4) => "processing",
                Some(5) => "stopped",
                _ => "unknown",
            }
            .to_string(),
            model: g.texts("printer-make-and-model"),
            device_uri: g.texts("device-uri"),
            accepting: g
                .get("printer-is-accepting-jobs")
                .is_some_and(|v| v.bytes == [1]),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_encodes_as_rfc_8010_says() {
        let mut r = Request::new(PRINT_JOB, 7);
        r.attr(TAG_URI, "printer-uri", b"ipp://localhost/printers/q")
            .attr(TAG_KEYWORD, "requested-attributes", b"a")
            .attr(TAG_KEYWORD, "", b"b");
        let bytes = r.finish();
        assert_eq!(&bytes[..9], &[1, 1, 0, 2, 0, 0, 0, 7, 1]);
        // attributes-charset: tag, name length 18, name, value length 5, "utf-8".
        assert_eq!(&bytes[9..12], &[0x47, 0, 18]);
        assert_eq!(&bytes[12..30], b"attributes-charset");
        assert_eq!(&bytes[30..37], b"\x00\x05utf-8");
        // An additional value has an empty name.
        assert!(bytes.ends_with(&[0x44, 0, 0, 0, 1, b'b', 0x03]));
    }

    fn push(body: &mut Vec<u8>, tag: u8, name: &str, value: &[u8]) {
        body.push(tag);
        body.extend_from_slice(&(name.len() as u16).to_be_bytes());
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(&(value.len() as u16).to_be_bytes());
        body.extend_from_slice(value);
    }

    #[test]
    fn a_response_decodes_with_additional_values_and_groups() {
        let mut body = vec![2, 0, 0, 0, 0, 0, 0, 9, 1];
        push(&mut body, TAG_CHARSET, "attributes-charset", b"utf-8");
        push(&mut body, TAG_TEXT, "status-message", b"successful-ok");
        body.push(2);
        push(&mut body, TAG_INTEGER, "job-id", &42i32.to_be_bytes());
        push(&mut body, TAG_ENUM, "job-state", &9i32.to_be_bytes());
        push(
            &mut body,
            TAG_KEYWORD,
            "job-state-reasons",
            b"job-completed-successfully",
        );
        push(&mut body, TAG_KEYWORD, "", b"other");
        body.push(3);
        let r = decode(&body).unwrap();
        assert!(r.ok());
        assert_eq!(r.request_id, 9);
        let job = r.group(2).unwrap();
        assert_eq!(job.get("job-id").and_then(Value::int), Some(42));
        assert_eq!(job.get("job-state").and_then(Value::int), Some(9));
        assert_eq!(
            job.texts("job-state-reasons"),
            "job-completed-successfully,other"
        );
        // Every truncation is an error, never a panic.
        for cut in 0..body.len() - 1 {
            assert!(decode(&body[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn servers_and_queue_names() {
        assert_eq!(
            Server::parse_host_port("printhost:8631"),
            Server::Tcp {
                host: "printhost".into(),
                port: 8631
            }
        );
        assert_eq!(
            Server::parse_host_port("[::1]:631"),
            Server::Tcp {
                host: "::1".into(),
                port: 631
            }
        );
        assert_eq!(
            Server::parse_host_port("/run/cups/cups.sock"),
            Server::Socket("/run/cups/cups.sock".into())
        );
        let t = IppTransport::new(
            Server::parse_host_port("h:1"),
            "XP 420B",
            Timeouts::default(),
        );
        assert_eq!(t.resource, "/printers/XP%20420B");
        assert_eq!(t.printer_uri, "ipp://h:1/printers/XP%20420B");
    }
}
