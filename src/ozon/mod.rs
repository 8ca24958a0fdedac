//! The Ozon Seller API client (Cargo feature `ozon`): pull postings into the station store, pack them on
//! Ozon (whole or split, with marking codes), and the seller's other actions — tracking numbers,
//! cancelling, Ozon's own label PDF.
//!
//! Everything else in shiplabel works from files; this module is the one way in from the network, and
//! it is built only with the feature (the library's minimal build has no HTTP client, no TLS).
//!
//! - Credentials: `OZON_CLIENT_ID` / `OZON_API_KEY` or an owner-only config file ([`Credentials`],
//!   [`config_path`]), the key as a [`Secret`] that never prints.
//! - The transport, [`Client`]: pacing, timeouts ([`Timing`]), retries for reads, no blind repeats
//!   for writes.
//! - The methods, typed: [`Client::posting`], [`Client::ship`], [`Client::labels`], … and what they
//!   return ([`Fetched`], [`Page`], [`CancelReason`], [`ExemplarInfo`], …).
//! - The two workflows that keep the store in step with Ozon: [`pull()`] ([`PullReport`]) and
//!   [`fetch`] then [`ship()`] ([`Shipped`]).
//!
//! See `docs/ozon.md` for the commands and the decisions behind them.

mod api;
mod credentials;
mod error;
mod http;
mod pull;
mod ship;

pub use api::{
    CancelReason, ExemplarId, ExemplarInfo, ExemplarProduct, ExemplarStatus, Fetched, Page,
    StatusExemplar, StatusMark, StatusProduct, LABEL_BATCH, PAGE_LIMIT,
};
pub use credentials::{config_path, Credentials, CredentialsError, Secret, DEFAULT_API_URL};
pub use error::{printable, ApiError, OzonError};
pub use http::{Client, Timing};
pub use pull::{
    pull, Progress, PullError, PullReport, CHANGED_WINDOW, CUTOFF_WINDOW, LAST_PULL_KEY,
};
pub use ship::{fetch, read_mark, ship, ExemplarData, ShipError, Shipped};

/// A client from the environment's (or the config file's) credentials and timing.
pub fn client_from_env() -> Result<Client, OzonError> {
    Ok(Client::new(Credentials::load()?, Timing::from_env()))
}
