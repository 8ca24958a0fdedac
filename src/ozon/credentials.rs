//! Who we are to Ozon: the seller's Client-Id and API key, and where the API lives.
//!
//! The key comes from the environment (`OZON_CLIENT_ID`, `OZON_API_KEY`) or from a config file that
//! only its owner may read (`$XDG_CONFIG_HOME/shiplabel/ozon.toml`, else `~/.config/shiplabel/ozon.toml`,
//! or the file `OZON_CONFIG` names). The key is held in a [`Secret`], whose `Debug` and `Display` print
//! `***`, so no error message, log line or panic can carry it by accident; the one place that reads it
//! is the request header.

use std::fmt;
use std::path::{Path, PathBuf};

/// The live Seller API. There is no sandbox: every write changes the seller's real postings.
pub const DEFAULT_API_URL: &str = "https://api-seller.ozon.ru";

/// The most a config file may hold: it is three short lines.
const MAX_CONFIG_BYTES: u64 = 64 * 1024;

/// A value that must never be shown: `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that must send it (the `Api-Key` header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the secret replaced by `***`: for anything that came back from
    /// the network (an error page may echo the request) before it is shown.
    pub fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_owned()
        } else {
            text.replace(&self.0, "***")
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The seller's credentials and the API's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The seller's numeric Client-Id (not secret: it is on every invoice).
    pub client_id: String,
    /// The API key.
    pub api_key: Secret,
    /// The base URL, without a trailing slash (`https://api-seller.ozon.ru`).
    pub api_url: String,
    /// Where the credentials came from, for messages (`environment`, or the config file's path).
    pub source: String,
}

/// Why the credentials could not be had.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// Neither the environment nor a config file gives them.
    #[error("no Ozon credentials: set OZON_CLIENT_ID and OZON_API_KEY, or write them to {path} (readable only by you: chmod 600); see docs/ozon.md")]
    Missing {
        /// The config file looked for.
        path: String,
    },
    /// Only one of the two variables is set.
    #[error(
        "{missing} is not set (but {present} is): set both, or neither and use the config file"
    )]
    Half {
        /// The variable that is missing.
        missing: &'static str,
        /// The one that is set.
        present: &'static str,
    },
    /// The config file can be read by others.
    #[error("{path}: the file holds the Ozon API key but others can read it (mode {mode:o}); run: chmod 600 {path}")]
    Exposed {
        /// The file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// The config file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The config file is not the expected TOML.
    #[error("{path}: {message}")]
    Config {
        /// The file.
        path: String,
        /// What is wrong (line and column when TOML says so).
        message: String,
    },
    /// A value is unusable.
    #[error("{what}: {message}")]
    Invalid {
        /// The variable or key.
        what: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    client_id: toml::Value,
    api_key: String,
    api_url: Option<String>,
}

impl Credentials {
    /// The credentials from the environment, else from the config file; `OZON_API_URL` overrides the
    /// base URL from either.
    pub fn load() -> Result<Credentials, CredentialsError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let id = var("OZON_CLIENT_ID");
        let key = var("OZON_API_KEY");
        let mut credentials = match (id, key) {
            (Some(id), Some(key)) => Credentials {
                client_id: id.trim().to_owned(),
                api_key: Secret::new(key.trim()),
                api_url: DEFAULT_API_URL.to_owned(),
                source: "environment".to_owned(),
            },
            (Some(_), None) => {
                return Err(CredentialsError::Half {
                    missing: "OZON_API_KEY",
                    present: "OZON_CLIENT_ID",
                })
            }
            (None, Some(_)) => {
                return Err(CredentialsError::Half {
                    missing: "OZON_CLIENT_ID",
                    present: "OZON_API_KEY",
                })
            }
            (None, None) => {
                let path = config_path();
                match &path {
                    Some(p) if p.exists() => Credentials::from_file(p)?,
                    _ => {
                        return Err(CredentialsError::Missing {
                            path: path
                                .map(|p| p.display().to_string())
                                .unwrap_or_else(|| "~/.config/shiplabel/ozon.toml".into()),
                        })
                    }
                }
            }
        };
        if let Some(url) = var("OZON_API_URL") {
            credentials.api_url = url;
        }
        credentials.api_url = check_url(&credentials.api_url)?;
        check_client_id(&credentials.client_id)?;
        if credentials.api_key.expose().chars().any(|c| c.is_control()) {
            return Err(CredentialsError::Invalid {
                what: "the API key".into(),
                message: "contains a control character".into(),
            });
        }
        Ok(credentials)
    }

    /// Reads a config file, refusing one that group or others may read.
    pub fn from_file(path: &Path) -> Result<Credentials, CredentialsError> {
        let shown = path.display().to_string();
        let io = |source| CredentialsError::Io {
            path: shown.clone(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(CredentialsError::Exposed { path: shown, mode });
            }
        }
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(CredentialsError::Config {
                path: shown,
                message: format!("larger than {MAX_CONFIG_BYTES} bytes: not a credentials file"),
            });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        // The TOML error quotes the offending line, which may be the key: say only where it is.
        let file: ConfigFile = toml::from_str(&text).map_err(|e| CredentialsError::Config {
            path: shown.clone(),
            message: match e.span() {
                Some(span) => {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    format!(
                        "line {line}: not the expected `client_id = …`, `api_key = \"…\"`, optional `api_url = \"…\"`"
                    )
                }
                None => "expected `client_id = …` and `api_key = \"…\"`".into(),
            },
        })?;
        let client_id = match file.client_id {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            _ => {
                return Err(CredentialsError::Config {
                    path: shown,
                    message: "client_id must be a number or a string of digits".into(),
                })
            }
        };
        Ok(Credentials {
            client_id: client_id.trim().to_owned(),
            api_key: Secret::new(file.api_key.trim()),
            api_url: file.api_url.unwrap_or_else(|| DEFAULT_API_URL.to_owned()),
            source: shown,
        })
    }
}

/// The config file: `OZON_CONFIG`, else `shiplabel/ozon.toml` in the configuration directory
/// (`$XDG_CONFIG_HOME`, else `$HOME/.config`; `%APPDATA%` on Windows).
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("OZON_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    crate::dirs::config_dir().map(|base| base.join("shiplabel").join("ozon.toml"))
}

fn check_client_id(id: &str) -> Result<(), CredentialsError> {
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CredentialsError::Invalid {
            what: "OZON_CLIENT_ID".into(),
            message: format!(
                "{:?} is not a Client-Id (the seller's number, digits only)",
                crate::ozon::error::printable(id, 40)
            ),
        });
    }
    Ok(())
}

/// The base URL without a trailing slash. Plain `http://` is allowed only to this machine (a test
/// server, a local proxy): anywhere else the key would cross the network readable.
pub fn check_url(url: &str) -> Result<String, CredentialsError> {
    let url = url.trim().trim_end_matches('/');
    let invalid = |message: &str| CredentialsError::Invalid {
        what: "OZON_API_URL".into(),
        message: format!("{:?}: {message}", crate::ozon::error::printable(url, 200)),
    };
    if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split(['/', '?']).next().unwrap_or("");
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            return Err(invalid(
                "plain http only to this machine (127.0.0.1, localhost); use https:// elsewhere",
            ));
        }
    } else if !url.starts_with("https://") {
        return Err(invalid("not an http(s) URL"));
    }
    if url.chars().any(|c| c.is_control() || c == ' ') {
        return Err(invalid("contains spaces or control characters"));
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("abc-123-key");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        let c = Credentials {
            client_id: "1".into(),
            api_key: s.clone(),
            api_url: DEFAULT_API_URL.into(),
            source: "test".into(),
        };
        assert!(!format!("{c:?}").contains("abc-123-key"));
        assert_eq!(s.redact("echo abc-123-key!"), "echo ***!");
    }

    #[test]
    fn urls() {
        assert_eq!(
            check_url("https://api-seller.ozon.ru/").unwrap(),
            "https://api-seller.ozon.ru"
        );
        assert!(check_url("http://127.0.0.1:8080").is_ok());
        assert!(check_url("http://localhost/x").is_ok());
        assert!(check_url("http://example.com").is_err());
        assert!(check_url("http://127.0.0.1.evil.com").is_err());
        assert!(check_url("ftp://x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn config_file_must_be_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ozon.toml");
        std::fs::write(&path, "client_id = 123456\napi_key = \"k-e-y\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = Credentials::from_file(&path).unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let c = Credentials::from_file(&path).unwrap();
        assert_eq!(c.client_id, "123456");
        assert_eq!(c.api_key.expose(), "k-e-y");
        std::fs::write(&path, "client_id = 1\napi_key = \"secret-value\nbroken\n").unwrap();
        let err = Credentials::from_file(&path).unwrap_err().to_string();
        assert!(!err.contains("secret-value"), "{err}");
    }
}
