//! `ozon pull`: the unfulfilled postings and the status changes of stored ones, into the store with
//! the import's rules.
//!
//! Two walks, each over cursor pages of at most 100 with one fixed filter:
//! 1. `/v4/posting/fbs/unfulfilled/list`, pack-by time within [`CUTOFF_WINDOW`] either side of now:
//!    the work queue, with barcodes, analytics and financial data.
//! 2. `/v4/posting/fbs/list`, postings created in the last [`CHANGED_WINDOW`] whose status changed since
//!    the last pull (a minute of overlap): only those the store already holds are imported, so the
//!    store learns that a posting was handed over, delivered or cancelled without filling up with
//!    history nobody asked for. The first pull looks back over the whole window.
//!
//! A walk ends on `has_next: false` or on an empty page (both kinds of last page occur), and fails on
//! a cursor that repeats. Postings seen twice (a status changed between pages) count once, the later
//! copy winning. Everything goes through [`Store::import`]: idempotent, never backwards, the passport
//! gate applied. The pull's start time is stored as `ozon.last_pull` only when both walks succeed.

use chrono::{DateTime, Duration, Utc};

use super::api::Page;
use super::error::OzonError;
use super::http::Client;
use crate::order::Posting;
use crate::store::{ImportReport, Store, StoreError};

/// How far the unfulfilled walk looks either side of now by pack-by time.
pub const CUTOFF_WINDOW: Duration = Duration::days(30);
/// How far back (by creation) the status-change walk looks.
pub const CHANGED_WINDOW: Duration = Duration::days(30);
/// The overlap with the last pull, so a change stamped while the last pull ran is not missed.
const OVERLAP: Duration = Duration::minutes(1);
/// The store key of the last successful pull's start.
pub const LAST_PULL_KEY: &str = "ozon.last_pull";
/// No walk is longer than this many pages (a million postings): a server that never ends is an error.
const MAX_PAGES: usize = 10_000;

/// What a pull did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Unfulfilled postings Ozon listed (after de-duplication).
    pub unfulfilled: usize,
    /// Stored postings whose status changed on Ozon since the last pull.
    pub changed: usize,
    /// What the import did with both.
    pub import: ImportReport,
    /// Pages read.
    pub pages: usize,
    /// When the previous pull ran, if one did.
    pub since: Option<DateTime<Utc>>,
}

/// What went wrong in a pull.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PullError {
    /// Ozon failed.
    #[error(transparent)]
    Ozon(#[from] OzonError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One progress step: the walk, the page number, postings so far, Ozon's total when it gives one.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// `unfulfilled` or `changed`.
    pub walk: &'a str,
    /// Pages read in this walk.
    pub page: usize,
    /// Postings read in this walk.
    pub postings: usize,
    /// Ozon's `count`, when the list gives one.
    pub total: Option<u64>,
}

/// Pulls into `store`; `now` is the pull's time. `progress` is called after every page.
pub fn pull(
    client: &Client,
    store: &mut Store,
    now: DateTime<Utc>,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<PullReport, PullError> {
    let mut report = PullReport::default();
    let unfulfilled = walk(
        "unfulfilled",
        |cursor, n| client.unfulfilled_page(now - CUTOFF_WINDOW, now + CUTOFF_WINDOW, cursor, n),
        &mut report.pages,
        &mut progress,
    )?;
    report.unfulfilled = unfulfilled.len();

    report.since = store
        .sync_value(LAST_PULL_KEY)?
        .and_then(|v| v.parse::<DateTime<Utc>>().ok());
    let changed_from = report
        .since
        .map_or(now - CHANGED_WINDOW, |t| t - OVERLAP)
        .max(now - CHANGED_WINDOW);
    let changed = walk(
        "changed",
        |cursor, n| client.changed_page(now - CHANGED_WINDOW, changed_from, now, cursor, n),
        &mut report.pages,
        &mut progress,
    )?;
    let mut wanted = Vec::new();
    for posting in changed {
        if unfulfilled
            .iter()
            .all(|p| p.posting_number != posting.posting_number)
            && store.contains(&posting.posting_number)?
        {
            wanted.push(posting);
        }
    }
    report.changed = wanted.len();

    let mut all = unfulfilled;
    all.extend(wanted);
    report.import = store.import_noted(all, now, Some("ozon pull"))?;
    store.set_sync_value(LAST_PULL_KEY, &crate::ozon::api::api_time(now), now)?;
    Ok(report)
}

/// Reads every page of one list; the later copy of a posting seen twice wins, in first-seen order.
fn walk(
    name: &str,
    mut page: impl FnMut(&str, usize) -> Result<Page, OzonError>,
    pages: &mut usize,
    progress: &mut impl FnMut(Progress<'_>),
) -> Result<Vec<Posting>, OzonError> {
    let mut postings: Vec<Posting> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut cursor = String::new();
    let mut seen_cursors = std::collections::HashSet::new();
    for n in 1..=MAX_PAGES {
        let p = page(&cursor, n)?;
        *pages += 1;
        let empty = p.postings.is_empty();
        for posting in p.postings {
            match index.get(&posting.posting_number) {
                Some(&i) => postings[i] = posting,
                None => {
                    index.insert(posting.posting_number.clone(), postings.len());
                    postings.push(posting);
                }
            }
        }
        progress(Progress {
            walk: name,
            page: n,
            postings: postings.len(),
            total: p.count,
        });
        if !p.has_next || empty {
            return Ok(postings);
        }
        if p.cursor.is_empty() || !seen_cursors.insert(p.cursor.clone()) {
            return Err(OzonError::Unexpected {
                method: format!("{name} list"),
                message: format!(
                    "page {n} says more pages follow but gives {} cursor",
                    if p.cursor.is_empty() {
                        "no"
                    } else {
                        "an already used"
                    }
                ),
            });
        }
        cursor = p.cursor;
    }
    Err(OzonError::Unexpected {
        method: format!("{name} list"),
        message: format!("more than {MAX_PAGES} pages"),
    })
}
