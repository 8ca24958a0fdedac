//! Where a user's files live: one answer for the settings file, the Ozon credentials and the station
//! database, so that the three never disagree about the platform's directories.
//!
//! A few lines instead of a `dirs` dependency: on Linux these are the variables that crate reads too, and
//! on Windows the roaming application data folder is where a station's settings and database belong.
//! A relative value in a variable is ignored (a file should not move with the working directory).

use std::path::PathBuf;

/// An environment variable's value as an absolute path.
fn absolute(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}

/// The configuration directory: `%APPDATA%` on Windows; `$XDG_CONFIG_HOME`, else `$HOME/.config`.
pub(crate) fn config_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        return absolute("APPDATA");
    }
    absolute("XDG_CONFIG_HOME").or_else(|| absolute("HOME").map(|h| h.join(".config")))
}

/// The data directory: `%APPDATA%` on Windows; `$XDG_DATA_HOME`, else `$HOME/.local/share`.
pub(crate) fn data_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        return absolute("APPDATA");
    }
    absolute("XDG_DATA_HOME").or_else(|| absolute("HOME").map(|h| h.join(".local").join("share")))
}
