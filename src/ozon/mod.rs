//! The Ozon Seller API client (Cargo feature `ozon`): pull postings into the station store, pack them on
//! Ozon (whole or split, with marking codes), and the seller's other actions — tracking numbers,
//! cancelling, Ozon's own label PDF.
//!
//! Everything else in shiplabel works from files; this module is the one way in from the network, and
//! it is built only with the feature (the library's minimal build has no HTTP client, no TLS).
//!
//! - [`credentials`]: `OZON_CLIENT_ID` / `OZON_API_KEY` or an owner-only config file, the key as a
//!   [`Secret`] that never prints.
//! - [`http`]: the transport — pacing, timeouts, retries for reads, no blind repeats for writes.
//! - [`api`]: the methods, typed.
//! - [`pull`] and [`ship`]: the two workflows that keep the store in step with Ozon.
//!
//! See `docs/ozon.md` for the commands and the decisions behind them.

pub mod api;
pub mod credentials;
pub mod error;
pub mod http;
pub mod pull;
pub mod ship;

pub use credentials::{Credentials, CredentialsError, Secret};
pub use error::{ApiError, OzonError};
pub use http::{Client, Kind, Timing};

/// A client from the environment's (or the config file's) credentials and timing.
pub fn client_from_env() -> Result<Client, OzonError> {
    Ok(Client::new(Credentials::load()?, Timing::from_env()))
}
