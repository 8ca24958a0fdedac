//! Renews the leases of the jobs this process holds while it prints them, on a connection of its own
//! (the main one is busy sending, and SQLite's is not shared between threads).
//!
//! Every quarter of the lease it extends `lease_until` of exactly the jobs it was handed, each checked
//! by owner and attempt number (a job taken over since is left alone). When the store's own
//! connection fails, the store hands it an empty list: renewals stop and the leases run out, so
//! another station settles those jobs as it would a dead process's. A renewal that fails (the server
//! unreachable) is retried with a new connection at the next beat. The thread ends with the store.

use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use chrono::Utc;

use super::db::{params, Db};
use super::{stamp, Location, StoreError};

/// The renewal thread and the jobs it renews.
#[derive(Debug)]
pub(crate) struct Heartbeat {
    held: Arc<Mutex<Vec<(i64, i64)>>>,
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Heartbeat {
    pub(crate) fn start(location: Location, owner: String, lease: chrono::Duration) -> Heartbeat {
        let held: Arc<Mutex<Vec<(i64, i64)>>> = Arc::default();
        let (stop, stopped) = channel::<()>();
        let every = (lease / 4)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(1))
            .max(std::time::Duration::from_millis(200));
        let jobs = Arc::clone(&held);
        let thread = std::thread::Builder::new()
            .name("shiplabel-lease".to_owned())
            .spawn(move || {
                let mut db: Option<Db> = None;
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    let now_held = jobs.lock().map(|j| j.clone()).unwrap_or_default();
                    if now_held.is_empty() {
                        continue;
                    }
                    if renew(&mut db, &location, &owner, lease, &now_held).is_err() {
                        db = None;
                    }
                }
            })
            .ok();
        Heartbeat {
            held,
            stop: Some(stop),
            thread,
        }
    }

    /// The jobs to renew from now on.
    pub(crate) fn hold(&self, jobs: Vec<(i64, i64)>) {
        if let Ok(mut held) = self.held.lock() {
            *held = jobs;
        }
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn connect(location: &Location) -> Result<Db, StoreError> {
    match location {
        Location::Sqlite(path) => Ok(Db::sqlite(super::sqlite_connection(path, false)?)),
        #[cfg(feature = "postgres")]
        Location::Postgres(url) => Ok(Db::postgres(
            super::postgres_client(url).map_err(StoreError::Sqlite)?,
        )),
        #[cfg(not(feature = "postgres"))]
        Location::Postgres(url) => Err(StoreError::NoPostgres(super::redact(url))),
    }
}

fn renew(
    db: &mut Option<Db>,
    location: &Location,
    owner: &str,
    lease: chrono::Duration,
    jobs: &[(i64, i64)],
) -> Result<(), StoreError> {
    if db.is_none() {
        *db = Some(connect(location)?);
    }
    let Some(db) = db.as_ref() else {
        return Ok(());
    };
    let until = stamp(Utc::now() + lease);
    for &(id, attempt) in jobs {
        db.exec(
            "UPDATE jobs SET lease_until = ?1
             WHERE id = ?2 AND owner = ?3 AND attempts = ?4 AND state IN ('claimed', 'sending')",
            params![until.as_str(), id, owner, attempt],
        )?;
    }
    Ok(())
}
