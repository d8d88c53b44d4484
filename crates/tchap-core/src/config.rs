//! Where the app keeps its files and which homeserver it proposes.
//!
//! IT teams deploy a `config.json` next to the user data (or set
//! `TCHAP_DEFAULT_HOMESERVER`) to pre-fill the login form.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The agents' homeserver proposed when nothing else is configured.
pub const FALLBACK_HOMESERVER: &str = "https://matrix.agent.dinum.tchap.gouv.fr";

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    pub default_homeserver: String,
}

/// Credentials of the seeded demo account (`make demo` only): when set and no
/// session is stored, the app logs in by itself so the demo opens logged in.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone)]
pub struct Paths {
    /// Matrix stores and the session file, one folder per account.
    pub data_dir: PathBuf,
    /// Rotating log files.
    pub log_dir: PathBuf,
}

impl Paths {
    /// `TCHAP_DATA_DIR` overrides the platform folders (tests, portable installs).
    pub fn resolve(platform_data_dir: PathBuf, platform_log_dir: PathBuf) -> Self {
        match std::env::var_os("TCHAP_DATA_DIR") {
            Some(dir) => {
                let dir = PathBuf::from(dir);
                Self { log_dir: dir.join("logs"), data_dir: dir }
            }
            None => Self { data_dir: platform_data_dir, log_dir: platform_log_dir },
        }
    }
}

impl AppConfig {
    /// Environment first, then `config.json` in the data folder, then the fallback.
    pub fn load(data_dir: &Path) -> Self {
        if let Ok(url) = std::env::var("TCHAP_DEFAULT_HOMESERVER")
            && !url.trim().is_empty()
        {
            return Self { default_homeserver: url.trim().to_owned() };
        }
        let from_file = std::fs::read_to_string(data_dir.join("config.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<AppConfig>(&text).ok());
        from_file.unwrap_or_else(|| Self { default_homeserver: FALLBACK_HOMESERVER.to_owned() })
    }
}

impl DemoLogin {
    /// Debug builds only (`make demo`): a release build never signs in by itself.
    #[cfg(debug_assertions)]
    pub fn from_env() -> Option<Self> {
        let username = std::env::var("TCHAP_DEMO_USER").ok()?;
        let password = std::env::var("TCHAP_DEMO_PASSWORD").ok()?;
        Some(Self { username, password })
    }

    #[cfg(not(debug_assertions))]
    pub fn from_env() -> Option<Self> {
        None
    }
}
