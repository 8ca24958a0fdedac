//! The two database backends behind one small interface: SQLite (a file, one station) and PostgreSQL
//! (a server, many stations). The store's SQL is written once with `?1`-style parameters and the
//! column types both engines share (TEXT and 64-bit integers); it is sent to PostgreSQL with `$1`
//! placeholders. Where the dialects differ (schema, row locks, `IMMEDIATE`), the caller asks
//! [`Db::backend`] and writes both.
//!
//! Values cross this layer as [`Value`]s (NULL, integer, text), so no driver type reaches the store's
//! public API. Transactions nest: an inner [`Db::begin`] joins the outer one, and the outermost commit
//! writes (a scan packs and queues in one transaction built from the store's own methods).

use std::cell::{Cell, RefCell};
#[cfg(feature = "postgres")]
use std::collections::HashMap;

use super::{DatabaseError, StoreError};

/// Which engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    #[cfg(feature = "postgres")]
    Postgres,
}

/// A value in a row or a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Value {
        Value::Int(i64::from(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(i64::from(v))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}
impl From<&crate::order::PostingNumber> for Value {
    fn from(v: &crate::order::PostingNumber) -> Value {
        Value::Text(v.as_str().to_owned())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// Parameters for [`Db::exec`] and the queries: `params![a, b]`.
macro_rules! params {
    ($($v:expr),* $(,)?) => { &[$($crate::store::db::Value::from($v)),*] as &[$crate::store::db::Value] };
}
pub(crate) use params;

/// A result row.
#[derive(Debug, Clone)]
pub(crate) struct Row(pub(crate) Vec<Value>);

fn column_error(i: usize, want: &str, got: &Value) -> StoreError {
    StoreError::Sqlite(DatabaseError::message(format!(
        "column {i}: expected {want}, found {got:?}"
    )))
}

impl Row {
    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(Some(*v)),
            Some(Value::Null) => Ok(None),
            other => Err(column_error(i, "an integer", other.unwrap_or(&Value::Null))),
        }
    }
    pub(crate) fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.opt_int(i)?
            .ok_or_else(|| column_error(i, "an integer", &Value::Null))
    }
    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.0.get(i) {
            Some(Value::Text(v)) => Ok(Some(v.clone())),
            Some(Value::Null) => Ok(None),
            other => Err(column_error(i, "text", other.unwrap_or(&Value::Null))),
        }
    }
    pub(crate) fn text(&self, i: usize) -> Result<String, StoreError> {
        self.opt_text(i)?
            .ok_or_else(|| column_error(i, "text", &Value::Null))
    }
}

/// The connection.
enum Conn {
    Sqlite(rusqlite::Connection),
    #[cfg(feature = "postgres")]
    Postgres(Box<Pg>),
}

#[cfg(feature = "postgres")]
struct Pg {
    client: postgres::Client,
    /// Prepared statements by their `?N` text: a scan's queries are parsed once per process.
    statements: HashMap<String, postgres::Statement>,
}

/// An open connection of either backend, with nested transactions.
pub(crate) struct Db {
    conn: RefCell<Conn>,
    depth: Cell<u32>,
    /// An inner transaction was dropped without committing: the outermost one rolls back.
    doomed: Cell<bool>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

impl Db {
    pub(crate) fn sqlite(conn: rusqlite::Connection) -> Db {
        conn.set_prepared_statement_cache_capacity(64);
        Db::new(Conn::Sqlite(conn))
    }

    #[cfg(feature = "postgres")]
    pub(crate) fn postgres(client: postgres::Client) -> Db {
        Db::new(Conn::Postgres(Box::new(Pg {
            client,
            statements: HashMap::new(),
        })))
    }

    fn new(conn: Conn) -> Db {
        Db {
            conn: RefCell::new(conn),
            depth: Cell::new(0),
            doomed: Cell::new(false),
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        match &*self.conn.borrow() {
            Conn::Sqlite(_) => Backend::Sqlite,
            #[cfg(feature = "postgres")]
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs one statement; returns the rows it changed.
    pub(crate) fn exec(&self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        match &mut *self.conn.borrow_mut() {
            Conn::Sqlite(c) => {
                let n = c
                    .prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(params.iter()))?;
                Ok(n as u64)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(pg) => pg.exec(sql, params),
        }
    }

    /// Runs a query and reads every row.
    pub(crate) fn rows(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        match &mut *self.conn.borrow_mut() {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let columns = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let mut row = Vec::with_capacity(columns);
                    for i in 0..columns {
                        row.push(sqlite_value(r.get_ref(i)?));
                    }
                    out.push(Row(row));
                }
                Ok(out)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(pg) => pg.rows(sql, params),
        }
    }

    /// The first row of a query, if any.
    pub(crate) fn row(&self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }

    /// Several statements without parameters (schema scripts).
    pub(crate) fn batch(&self, sql: &str) -> Result<(), StoreError> {
        match &mut *self.conn.borrow_mut() {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            #[cfg(feature = "postgres")]
            Conn::Postgres(pg) => pg.client.batch_execute(sql).map_err(pg_error),
        }
    }

    /// Begins a transaction, or joins the one already open. SQLite's is `IMMEDIATE` (it takes the
    /// write lock at once: one writer at a time, the others wait for the busy timeout); PostgreSQL's
    /// is `READ COMMITTED`, with the row and advisory locks the callers take.
    pub(crate) fn begin(&self) -> Result<Tx<'_>, StoreError> {
        self.enter()?;
        Ok(Tx {
            db: self,
            done: false,
        })
    }

    /// Begins a transaction or joins the open one (see [`Db::begin`]); [`Db::leave`] ends it.
    pub(crate) fn enter(&self) -> Result<(), StoreError> {
        if self.depth.get() == 0 {
            self.doomed.set(false);
            match self.backend() {
                Backend::Sqlite => self.batch("BEGIN IMMEDIATE")?,
                #[cfg(feature = "postgres")]
                Backend::Postgres => self.batch("BEGIN")?,
            }
        }
        self.depth.set(self.depth.get() + 1);
        Ok(())
    }

    /// Ends what [`Db::enter`] began: the outermost level commits when `commit` and no inner level
    /// failed, else rolls back (an error when a commit was asked for).
    pub(crate) fn leave(&self, commit: bool) -> Result<(), StoreError> {
        let depth = self.depth.get().saturating_sub(1);
        self.depth.set(depth);
        if depth > 0 {
            if !commit {
                self.doomed.set(true);
            }
            return Ok(());
        }
        if !commit {
            return self.batch("ROLLBACK");
        }
        if self.doomed.get() {
            let _ = self.batch("ROLLBACK");
            return Err(StoreError::Sqlite(DatabaseError::message(
                "the transaction was rolled back: a step of it failed".to_owned(),
            )));
        }
        if let Err(e) = self.batch("COMMIT") {
            let _ = self.batch("ROLLBACK");
            return Err(e);
        }
        Ok(())
    }

    /// Serialises writers of one posting across connections: PostgreSQL takes a transaction-scoped
    /// advisory lock on the posting number (also for a posting not stored yet, which has no row to
    /// lock); SQLite's `IMMEDIATE` transaction already holds the only write lock.
    pub(crate) fn lock_posting(&self, number: &str) -> Result<(), StoreError> {
        let _ = number;
        match self.backend() {
            Backend::Sqlite => Ok(()),
            #[cfg(feature = "postgres")]
            Backend::Postgres => self
                .exec(
                    "SELECT pg_advisory_xact_lock(1681, hashtext(?1))",
                    params![number],
                )
                .map(drop),
        }
    }
}

/// An open transaction: rolled back when dropped without [`Tx::commit`].
pub(crate) struct Tx<'a> {
    db: &'a Db,
    done: bool,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Tx<'_> {
    pub(crate) fn commit(mut self) -> Result<(), StoreError> {
        self.done = true;
        self.db.leave(true)
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.db.leave(false);
        }
    }
}

fn sqlite_value(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Int(f as i64),
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            Value::Text(String::from_utf8_lossy(t).into_owned())
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

/// `?N` placeholders as PostgreSQL's `$N` (the store's SQL has no `?` inside literals).
#[cfg(feature = "postgres")]
fn dollar_placeholders(sql: &str) -> String {
    sql.replace('?', "$")
}

#[cfg(feature = "postgres")]
pub(crate) fn pg_error(e: postgres::Error) -> StoreError {
    StoreError::Sqlite(DatabaseError::postgres(e))
}

#[cfg(feature = "postgres")]
impl Pg {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self
            .client
            .prepare(&dollar_placeholders(sql))
            .map_err(pg_error)?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let stmt = self.statement(sql)?;
        let args = pg_params(&stmt, params)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            args.iter().map(|a| a.as_ref()).collect();
        self.client.execute(&stmt, &refs).map_err(pg_error)
    }

    fn rows(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let stmt = self.statement(sql)?;
        let args = pg_params(&stmt, params)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            args.iter().map(|a| a.as_ref()).collect();
        let rows = self.client.query(&stmt, &refs).map_err(pg_error)?;
        rows.iter().map(pg_row).collect()
    }
}

/// Each parameter as the Rust type of the SQL type PostgreSQL inferred for it.
#[cfg(feature = "postgres")]
fn pg_params(
    stmt: &postgres::Statement,
    params: &[Value],
) -> Result<Vec<Box<dyn postgres::types::ToSql + Sync>>, StoreError> {
    use postgres::types::Type;
    let types = stmt.params();
    if types.len() != params.len() {
        return Err(StoreError::Sqlite(DatabaseError::message(format!(
            "statement takes {} parameter(s), given {}",
            types.len(),
            params.len()
        ))));
    }
    let mut out: Vec<Box<dyn postgres::types::ToSql + Sync>> = Vec::with_capacity(params.len());
    for (ty, v) in types.iter().zip(params) {
        let int = match v {
            Value::Int(i) => Some(*i),
            Value::Null => None,
            Value::Text(t) => t.parse().ok(),
        };
        let bad = || {
            StoreError::Sqlite(DatabaseError::message(format!(
                "parameter {v:?} does not fit the column type {ty}"
            )))
        };
        let null = matches!(v, Value::Null);
        let boxed: Box<dyn postgres::types::ToSql + Sync> = if *ty == Type::INT8 {
            Box::new(if null {
                None
            } else {
                Some(int.ok_or_else(bad)?)
            })
        } else if *ty == Type::INT4 {
            Box::new(if null {
                None
            } else {
                Some(i32::try_from(int.ok_or_else(bad)?).map_err(|_| bad())?)
            })
        } else if *ty == Type::INT2 {
            Box::new(if null {
                None
            } else {
                Some(i16::try_from(int.ok_or_else(bad)?).map_err(|_| bad())?)
            })
        } else if *ty == Type::BOOL {
            Box::new(if null {
                None
            } else {
                Some(int.ok_or_else(bad)? != 0)
            })
        } else {
            Box::new(match v {
                Value::Null => None,
                Value::Int(i) => Some(i.to_string()),
                Value::Text(t) => Some(t.clone()),
            })
        };
        out.push(boxed);
    }
    Ok(out)
}

#[cfg(feature = "postgres")]
fn pg_row(row: &postgres::Row) -> Result<Row, StoreError> {
    use postgres::types::Type;
    let mut out = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let v = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i).map(|v| v.map(Value::Int))
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)
                .map(|v| v.map(|v| Value::Int(v.into())))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)
                .map(|v| v.map(|v| Value::Int(v.into())))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)
                .map(|v| v.map(|v| Value::Int(v.into())))
        } else {
            row.try_get::<_, Option<String>>(i)
                .map(|v| v.map(Value::Text))
        };
        out.push(v.map_err(pg_error)?.unwrap_or(Value::Null));
    }
    Ok(Row(out))
}

/// A connection string with its password replaced by `***` (in `user:password@` and in a
/// `password=` parameter), for every message, log line and error that names the database.
pub fn redact(url: &str) -> String {
    let mut text = url.to_owned();
    if let Some(scheme_end) = text.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = text[rest_start..]
            .find(['/', '?'])
            .map_or(text.len(), |i| rest_start + i);
        if let Some(at) = text[rest_start..authority_end].rfind('@') {
            let userinfo = &text[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                let start = rest_start + colon + 1;
                text.replace_range(start..rest_start + at, "***");
            }
        }
    }
    if let Some(q) = text.find('?') {
        let (head, query) = text.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_owned(),
            })
            .collect();
        text = format!("{head}{}", query.join("&"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://ops:s3cr@t@db.lan:5432/wh"),
            "postgres://ops:***@db.lan:5432/wh"
        );
        assert_eq!(
            redact("postgres://ops@db.lan/wh?password=x&sslmode=disable"),
            "postgres://ops@db.lan/wh?password=***&sslmode=disable"
        );
        assert_eq!(redact("postgres://db.lan/wh"), "postgres://db.lan/wh");
    }
}
