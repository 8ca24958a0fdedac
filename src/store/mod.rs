//! The packing station's memory: a database of postings, their shipments, the status history and the
//! print journal. One station keeps it in an embedded SQLite file; many stations share one
//! PostgreSQL server (feature `postgres`, a `postgres://` or `postgresql://` URL where a path would
//! go). Both backends run the same SQL where they can and keep the same guarantees.
//!
//! The SQLite database lives at `$XDG_DATA_HOME/shiplabel/shiplabel.db` (or `~/.local/share/shiplabel/…`)
//! unless a path is given. Opening applies the schema migrations in one transaction, switches to WAL
//! (readers never wait for the writer) and sets a busy timeout so that two stations on one PC wait for
//! each other instead of failing.
//!
//! ```
//! use shiplabel::order::{Posting, Status};
//! use shiplabel::store::{Actor, Store};
//!
//! let dir = tempfile::tempdir()?;
//! let mut store = Store::open(&dir.path().join("station.db"), Actor::new("example"))?;
//! let now = "2026-11-22T12:00:00Z".parse()?;
//! let report = store.import(vec![Posting::new("0132112277-0101-1".parse()?, Status::AwaitingPackaging)], now)?;
//! assert_eq!(report.inserted, 1);
//! let again = store.import(vec![Posting::new("0132112277-0101-1".parse()?, Status::AwaitingPackaging)], now)?;
//! assert_eq!(again.unchanged, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod copy;
pub(crate) mod db;
mod heartbeat;
mod journal;
mod owner;
mod postings;
mod schema;
mod sync;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;

use db::Db;

pub use db::redact;
pub use journal::{Enqueued, Job, JobKind, JobState, LEASE};
pub use postings::{Found, HistoryEntry, ImportReport};
pub use schema::{SCHEMA_VERSION, V1 as SCHEMA_V1};

use crate::order::OrderError;

/// How long a process waits for another one's write transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database failed (SQLite locked past the busy timeout, disk full, corrupt file; the
    /// PostgreSQL server unreachable or the connection lost, …).
    #[error("database: {0}")]
    Sqlite(#[source] DatabaseError),
    /// The database file or its directory could not be created.
    #[error("database {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The database was written by a newer shiplabel.
    #[error("the database has schema version {found}; this shiplabel understands up to {supported}: update shiplabel")]
    NewerSchema {
        /// The file's version.
        found: i64,
        /// This build's version.
        supported: i64,
    },
    /// A stored posting's JSON does not read back (written by a different model version or edited).
    #[error("stored posting {posting}: {source}")]
    Corrupt {
        /// The posting number.
        posting: String,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No database at this path (commands other than `import` do not create one).
    #[error("no station database at {} (`shiplabel import` creates it)", .0.display())]
    Missing(PathBuf),
    /// No posting with this number in the store.
    #[error("posting {0} is not in the store (import it first)")]
    UnknownPosting(String),
    /// The order module refused the action.
    #[error(transparent)]
    Order(#[from] OrderError),
    /// SQLite failed while opening the database at `path` (not a database, corrupt, locked, …).
    #[error("database {}: {source}", path.display())]
    Database {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: DatabaseError,
    },
    /// The database's directory does not exist.
    #[error(
        "the directory of the database, {}, does not exist: create it first (a --db path makes no \
         directories, so a mistyped path does not leave a database nobody finds)", .0.display()
    )]
    NoDirectory(PathBuf),
    /// The database cannot be written by this process.
    #[error("database {} is read-only for this user (file or directory permissions, or a read-only mount)", .0.display())]
    ReadOnly(PathBuf),
    /// The database file or its write-ahead log was deleted or replaced while open.
    #[error(
        "{} was deleted or replaced while shiplabel had the database open: stopped before sending \
         anything more, since the print journal could be lost; check the station (no other program \
         should touch the database files) and run again", .0.display()
    )]
    FilesGone(PathBuf),
    /// A label another live process is printing right now (a scan of it waits until that is done).
    #[error(
        "{label}: its label is being printed by {owner} right now; scan it again once that is done"
    )]
    Busy {
        /// The label.
        label: String,
        /// The process printing it.
        owner: String,
    },
    /// A `postgres://` database was named, but this shiplabel was built without the `postgres` feature.
    #[error("{0}: this shiplabel was built without PostgreSQL support (Cargo feature `postgres`)")]
    NoPostgres(String),
    /// No data directory could be found for the default database path.
    #[error("cannot find a data directory for the database: set XDG_DATA_HOME or HOME, or pass --db PATH")]
    NoDataDir,
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> StoreError {
        StoreError::Sqlite(DatabaseError(Engine::Sqlite(error)))
    }
}

/// An error the database reported, in its own words. Its own type keeps the SQL libraries out of the
/// API.
#[derive(Debug)]
pub struct DatabaseError(Engine);

#[derive(Debug)]
enum Engine {
    Sqlite(rusqlite::Error),
    #[cfg(feature = "postgres")]
    Postgres(postgres::Error),
    Message(String),
}

impl DatabaseError {
    pub(crate) fn message(text: String) -> DatabaseError {
        DatabaseError(Engine::Message(text))
    }

    #[cfg(feature = "postgres")]
    pub(crate) fn postgres(e: postgres::Error) -> DatabaseError {
        DatabaseError(Engine::Postgres(e))
    }

    /// Whether the connection to the database server is gone (PostgreSQL: closed or reset).
    pub fn is_connection_lost(&self) -> bool {
        match &self.0 {
            #[cfg(feature = "postgres")]
            Engine::Postgres(e) => e.is_closed() || e.as_db_error().is_none(),
            _ => false,
        }
    }
}

impl std::fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Engine::Sqlite(e) => e.fmt(f),
            // The server's own message (`ERROR: …`) when it sent one, else the client's.
            #[cfg(feature = "postgres")]
            Engine::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "{}: {}", db.severity(), db.message()),
                None => e.fmt(f),
            },
            Engine::Message(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for DatabaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            Engine::Sqlite(e) => e.source(),
            #[cfg(feature = "postgres")]
            Engine::Postgres(e) => std::error::Error::source(e),
            Engine::Message(_) => None,
        }
    }
}

/// Who changes the store: recorded with every status change and print job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The command (`import`, `pack`, `scan`, …).
    pub command: String,
    /// The station: `user@host`.
    pub station: String,
    /// This process, for the journal's owner column.
    pub pid: u32,
}

impl Actor {
    /// The current user on this host running `command`.
    pub fn new(command: &str) -> Actor {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        Actor {
            command: command.to_owned(),
            station: format!("{user}@{}", hostname()),
            pid: std::process::id(),
        }
    }
}

/// This machine's host name (`/proc/sys/kernel/hostname`, `HOSTNAME`, or `localhost`).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// The default database path: `shiplabel/shiplabel.db` in the data directory (`$XDG_DATA_HOME`, else
/// `$HOME/.local/share`; `%APPDATA%` on Windows).
pub fn default_path() -> Result<PathBuf, StoreError> {
    let base = crate::dirs::data_dir().ok_or(StoreError::NoDataDir)?;
    Ok(base.join("shiplabel").join("shiplabel.db"))
}

/// Timestamps are stored as fixed-width RFC 3339 UTC text, so text order is time order.
pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An open station database.
#[derive(Debug)]
pub struct Store {
    pub(crate) db: Db,
    pub(crate) actor: Actor,
    /// This machine's host name, read once: every job claim and state change names its owner.
    pub(crate) host: String,
    /// The files under the connection, to notice them deleted or replaced.
    files: Option<DatabaseFiles>,
    /// Where the database is (the heartbeat opens its own connection there).
    location: Location,
    /// How long a claim holds without renewal.
    pub(crate) lease: chrono::Duration,
    /// The jobs this process claimed and has not finished, with the attempt number it claimed them
    /// at: the fencing token every state change checks.
    pub(crate) held: std::collections::HashMap<i64, i64>,
    /// Renews the leases of `held` while they are printed.
    heartbeat: Option<heartbeat::Heartbeat>,
}

/// Where a store's database is: a SQLite file or a PostgreSQL server.
#[derive(Clone)]
pub(crate) enum Location {
    Sqlite(PathBuf),
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Postgres(String),
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "Sqlite({})", p.display()),
            Location::Postgres(url) => write!(f, "Postgres({})", redact(url)),
        }
    }
}

impl Location {
    /// A `postgres://` or `postgresql://` URL is a server; `sqlite://PATH` or any other text a file.
    fn of(path: &Path) -> Location {
        let text = path.to_string_lossy();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Location::Postgres(text.into_owned());
        }
        match text.strip_prefix("sqlite://") {
            Some(rest) => Location::Sqlite(PathBuf::from(rest)),
            None => Location::Sqlite(path.to_path_buf()),
        }
    }
}

/// Whether `--db` text names a PostgreSQL server rather than a SQLite file.
pub fn is_server_url(db: &Path) -> bool {
    matches!(Location::of(db), Location::Postgres(_))
}

/// The database file and its `-wal` file as opened: path and (device, inode).
#[derive(Debug, Clone)]
struct DatabaseFiles {
    files: Vec<(PathBuf, (u64, u64))>,
}

impl DatabaseFiles {
    #[cfg(unix)]
    fn identity(path: &Path) -> Option<(u64, u64)> {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }

    #[cfg(not(unix))]
    fn identity(_: &Path) -> Option<(u64, u64)> {
        None
    }

    /// The files of the database at `path`, right after opening (the `-wal` exists while any
    /// connection is open in WAL mode); `None` where identities cannot be read.
    fn of(path: &Path) -> Option<DatabaseFiles> {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let mut files = Vec::new();
        for file in [path.to_path_buf(), PathBuf::from(wal)] {
            let id = DatabaseFiles::identity(&file)?;
            files.push((file, id));
        }
        Some(DatabaseFiles { files })
    }

    fn check(&self) -> Result<(), StoreError> {
        for (file, id) in &self.files {
            if DatabaseFiles::identity(file) != Some(*id) {
                return Err(StoreError::FilesGone(file.clone()));
            }
        }
        Ok(())
    }
}

impl Store {
    /// Opens the database at `path` only if it exists: for commands that read or change stored
    /// postings, which must not leave an empty database behind when pointed at the wrong path. On
    /// PostgreSQL (`path` a `postgres://` URL) the schema must exist (`shiplabel db init` or
    /// `import` creates it).
    pub fn open_existing(path: &Path, actor: Actor) -> Result<Store, StoreError> {
        match Location::of(path) {
            Location::Postgres(url) => Store::open_server(&url, actor, false),
            Location::Sqlite(file) => {
                if !file.exists() {
                    return Err(StoreError::Missing(file));
                }
                Store::open_file(&file, actor)
            }
        }
    }

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    ///
    /// `path` is a SQLite file (also written `sqlite://PATH`) or, with the `postgres` feature, a
    /// PostgreSQL URL (`postgres://user@host/db`), whose schema is then created or migrated.
    /// The database's directory must exist: a mistyped `--db` path makes no directories (and no
    /// database nobody finds); the default location's directory is created by the command line when it is used.
    /// Every failure names the database's path, and a database this process cannot write (file
    /// permissions, a read-only mount) is refused here rather than at the first job.
    pub fn open(path: &Path, actor: Actor) -> Result<Store, StoreError> {
        match Location::of(path) {
            Location::Postgres(url) => Store::open_server(&url, actor, true),
            Location::Sqlite(file) => Store::open_file(&file, actor),
        }
    }

    fn open_file(path: &Path, actor: Actor) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(StoreError::NoDirectory(dir.to_path_buf()));
            }
        }
        Store::open_in(path, actor).map_err(|e| match e {
            StoreError::Sqlite(source) => StoreError::Database {
                path: path.to_path_buf(),
                source,
            },
            other => other,
        })
    }

    fn open_in(path: &Path, actor: Actor) -> Result<Store, StoreError> {
        let conn = sqlite_connection(path, true)?;
        let db = Db::sqlite(conn);
        let tx = db.begin()?;
        schema::migrate(&tx)?;
        tx.commit()?;
        let files = DatabaseFiles::of(path);
        Ok(Store::with(
            db,
            actor,
            files,
            Location::Sqlite(path.to_path_buf()),
        ))
    }

    fn with(db: Db, actor: Actor, files: Option<DatabaseFiles>, location: Location) -> Store {
        Store {
            db,
            actor,
            host: hostname(),
            files,
            location,
            lease: journal::LEASE,
            held: std::collections::HashMap::new(),
            heartbeat: None,
        }
    }

    #[cfg(feature = "postgres")]
    fn open_server(url: &str, actor: Actor, create: bool) -> Result<Store, StoreError> {
        let named = |source: DatabaseError| StoreError::Database {
            path: PathBuf::from(redact(url)),
            source,
        };
        let db = Db::postgres(postgres_client(url).map_err(named)?);
        let run = || -> Result<(), StoreError> {
            if !create && schema::postgres_version(&db)? == 0 {
                return Err(StoreError::Missing(PathBuf::from(redact(url))));
            }
            let tx = db.begin()?;
            schema::migrate(&tx)?;
            tx.commit()
        };
        run().map_err(|e| match e {
            StoreError::Sqlite(source) => named(source),
            other => other,
        })?;
        Ok(Store::with(
            db,
            actor,
            None,
            Location::Postgres(url.to_owned()),
        ))
    }

    #[cfg(not(feature = "postgres"))]
    fn open_server(url: &str, _: Actor, _: bool) -> Result<Store, StoreError> {
        Err(StoreError::NoPostgres(redact(url)))
    }

    /// Checks that the database file and its write-ahead log are still the files this connection
    /// opened. Deleted or replaced under a running process, SQLite would go on writing into the
    /// unlinked files, and a journal row written there (`sending`) would be lost with the process:
    /// the next run would print those labels again. Called before a job's bytes go out. (A
    /// PostgreSQL store has no files here: the server keeps its own.)
    pub fn check_files(&self) -> Result<(), StoreError> {
        match &self.files {
            Some(files) => files.check(),
            None => Ok(()),
        }
    }

    /// Who this store records as the author of changes.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The database this store is open on, as it may be shown: a file's path, or a server's URL
    /// without its password.
    pub fn location(&self) -> String {
        match &self.location {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres(url) => redact(url),
        }
    }

    /// How long this process's claims hold without renewal ([`LEASE`] unless set). While a job is
    /// printed, a background connection renews its lease every quarter of this.
    pub fn set_lease(&mut self, lease: chrono::Duration) {
        self.lease = lease.max(chrono::Duration::seconds(1));
    }

    /// Runs `f` as one transaction: every change it makes through the store is written together or
    /// not at all (a scan packs a posting and queues its label this way).
    pub fn atomically<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, E> {
        let held = self.held.clone();
        self.db.enter()?;
        let result = f(self);
        let end = self.db.leave(result.is_ok());
        match (result, end) {
            (Ok(v), Ok(())) => Ok(v),
            (Err(e), _) => {
                // Claims made inside are gone with the rollback.
                self.held = held;
                self.heartbeat_sync();
                Err(e)
            }
            (Ok(_), Err(e)) => {
                self.held = held;
                self.heartbeat_sync();
                Err(e.into())
            }
        }
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        schema::version(&self.db)
    }
}

/// A SQLite connection set up for the station: WAL, `synchronous = FULL`, the busy timeout.
pub(crate) fn sqlite_connection(path: &Path, create: bool) -> Result<Connection, StoreError> {
    use rusqlite::OpenFlags;
    let flags = if create {
        OpenFlags::default()
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI
    };
    let conn = Connection::open_with_flags(path, flags)?;
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        return Err(StoreError::ReadOnly(path.to_path_buf()));
    }
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL: reads (a second station's look-ups) never block the writer or wait for it.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a journal row that says `sending` must survive a power cut, or the label would print
    // again after it.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// A PostgreSQL connection for the station: a 10-second connect timeout and TCP keepalives (a
/// server gone silent mid-batch is noticed) unless the URL says otherwise.
#[cfg(feature = "postgres")]
pub(crate) fn postgres_client(url: &str) -> Result<postgres::Client, DatabaseError> {
    let (url, tls) = tls_options(url)?;
    let mut config: postgres::Config = url.parse().map_err(DatabaseError::postgres)?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_application_name().is_none() {
        config.application_name("shiplabel");
    }
    config.keepalives(true);
    config.keepalives_idle(Duration::from_secs(30));
    match tls {
        None => config
            .connect(postgres::NoTls)
            .map_err(DatabaseError::postgres),
        Some(tls) => {
            config.ssl_mode(tls.mode);
            config
                .connect(tls_connector(&tls)?)
                .map_err(DatabaseError::postgres)
        }
    }
}

/// The TLS part of a connection URL: `sslmode` and `sslrootcert`, which the client library does
/// not know in full, taken out of the query.
#[cfg(feature = "postgres")]
#[derive(Debug)]
struct TlsOptions {
    mode: postgres::config::SslMode,
    /// The `sslmode` as written, for messages.
    #[cfg_attr(not(feature = "postgres-tls"), allow(dead_code))]
    name: String,
    #[cfg_attr(not(feature = "postgres-tls"), allow(dead_code))]
    root_cert: Option<PathBuf>,
}

/// Splits `sslmode` and `sslrootcert` off a `postgres://` URL. `None`: plain TCP (no `sslmode`,
/// or `sslmode=disable`). Every mode that uses TLS verifies the server's certificate against the CA
/// file `sslrootcert` (required) and the host name: `require` and `verify-ca` are as strict as
/// `verify-full` (docs/station.md).
#[cfg(feature = "postgres")]
fn tls_options(url: &str) -> Result<(String, Option<TlsOptions>), DatabaseError> {
    use postgres::config::SslMode;
    let Some((head, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), None));
    };
    let mut mode = None;
    let mut root_cert = None;
    let mut kept = Vec::new();
    for kv in query.split('&') {
        match kv.split_once('=') {
            Some(("sslmode", value)) => mode = Some(value.to_owned()),
            Some(("sslrootcert", value)) => root_cert = Some(PathBuf::from(percent_decode(value))),
            _ => kept.push(kv),
        }
    }
    let rest = if kept.is_empty() {
        head.to_owned()
    } else {
        format!("{head}?{}", kept.join("&"))
    };
    let name = mode.clone().unwrap_or_default();
    let mode = match mode.as_deref() {
        None | Some("disable") => return Ok((rest, None)),
        Some("prefer") => SslMode::Prefer,
        Some("require" | "verify-ca" | "verify-full") => SslMode::Require,
        Some(other) => {
            return Err(DatabaseError::message(format!(
                "sslmode={other}: expected disable, prefer, require, verify-ca or verify-full"
            )))
        }
    };
    if !cfg!(feature = "postgres-tls") && mode == SslMode::Require {
        return Err(DatabaseError::message(format!(
            "sslmode={name}: this shiplabel was built without TLS for PostgreSQL (Cargo feature `postgres-tls`)"
        )));
    }
    Ok((
        rest,
        Some(TlsOptions {
            mode,
            name,
            root_cert,
        }),
    ))
}

/// A URL query value with its `%XX` escapes decoded (as the client library does for its own
/// parameters); an invalid escape stays as written.
#[cfg(feature = "postgres")]
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(all(test, feature = "postgres"))]
mod tls_options_tests {
    use super::tls_options;

    #[test]
    fn ssl_parameters_are_taken_out_of_the_url() {
        let (rest, tls) = tls_options(
            "postgres://u:p@h/db?connect_timeout=3&sslmode=verify-full&sslrootcert=/ca.pem",
        )
        .unwrap();
        assert_eq!(rest, "postgres://u:p@h/db?connect_timeout=3");
        let tls = tls.unwrap();
        assert_eq!(tls.name, "verify-full");
        assert_eq!(tls.root_cert.unwrap().to_str(), Some("/ca.pem"));
        let (_, tls) =
            tls_options("postgres://h/db?sslmode=require&sslrootcert=/my%20ca.pem").unwrap();
        assert_eq!(tls.unwrap().root_cert.unwrap().to_str(), Some("/my ca.pem"));
        let (rest, tls) = tls_options("postgres://h/db?sslmode=disable").unwrap();
        assert_eq!(rest, "postgres://h/db");
        assert!(tls.is_none());
        assert!(tls_options("postgres://h/db").unwrap().1.is_none());
        let err = tls_options("postgres://h/db?sslmode=allow").unwrap_err();
        assert!(err.to_string().contains("sslmode=allow: expected"), "{err}");
    }
}

/// Without TLS compiled in, `sslmode=prefer` connects in plain TCP.
#[cfg(all(feature = "postgres", not(feature = "postgres-tls")))]
fn tls_connector(_: &TlsOptions) -> Result<postgres::NoTls, DatabaseError> {
    Ok(postgres::NoTls)
}

/// rustls on ring, trusting only the CA file `sslrootcert`.
#[cfg(feature = "postgres-tls")]
fn tls_connector(
    tls: &TlsOptions,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, DatabaseError> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let Some(path) = &tls.root_cert else {
        return Err(DatabaseError::message(format!(
            "sslmode={} needs sslrootcert=PATH, the CA file (PEM) that signed the server's certificate",
            tls.name
        )));
    };
    let shown = path.display();
    let mut roots = rustls::RootCertStore::empty();
    let mut count = 0;
    for cert in CertificateDer::pem_file_iter(path)
        .map_err(|e| DatabaseError::message(format!("sslrootcert {shown}: {e}")))?
    {
        let cert = cert.map_err(|e| DatabaseError::message(format!("sslrootcert {shown}: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| DatabaseError::message(format!("sslrootcert {shown}: {e}")))?;
        count += 1;
    }
    if count == 0 {
        return Err(DatabaseError::message(format!(
            "sslrootcert {shown}: no PEM certificate in the file"
        )));
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DatabaseError::message(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}
