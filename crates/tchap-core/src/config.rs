//! Where the app keeps its files, and which Tchap servers it knows.
//!
//! The configuration is a JSON file: `TCHAP_CONFIG` names it (tests, the
//! demo), else `config.json` in the data folder (deployed by IT teams), else
//! Tchap's production servers. `TCHAP_DEFAULT_HOMESERVER` pre-fills the
//! advanced sign-in's server field. `proxy_url` and `extra_ca_file` set how
//! every request crosses the network (`network`). An administrator's
//! policy (`policy`) wins over this file for the keys it sets.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tracing::warn;

use crate::{
    identity::{ServerEntry, ServerList},
    media::{cache::CacheLimits, service::MediaSettings},
    network::NetworkSettings,
    policy::{Policy, PolicyInForce},
};

/// The server proposed in the advanced sign-in when nothing else is configured.
pub const FALLBACK_HOMESERVER: &str = "https://matrix.agent.dinum.tchap.gouv.fr";

/// Tchap's production homeservers (server name, label as Tchap's web app shows it).
const TCHAP_SERVERS: &[(&str, &str)] = &[
    ("agent.tchap.gouv.fr", "Agents"),
    ("agent.agriculture.tchap.gouv.fr", "Agriculture"),
    ("agent.collectivites.tchap.gouv.fr", "Collectivités"),
    ("agent.culture.tchap.gouv.fr", "Culture"),
    ("agent.dev-durable.tchap.gouv.fr", "Développement durable"),
    ("agent.diplomatie.tchap.gouv.fr", "Diplomatie"),
    ("agent.dinum.tchap.gouv.fr", "DINUM"),
    ("agent.education.tchap.gouv.fr", "Éducation"),
    ("agent.elysee.tchap.gouv.fr", "Élysée"),
    ("agent.externe.tchap.gouv.fr", "Externes"),
    ("agent.finances.tchap.gouv.fr", "Finances"),
    ("agent.interieur.tchap.gouv.fr", "Intérieur"),
    ("agent.intradef.tchap.gouv.fr", "Intradef"),
    ("agent.justice.tchap.gouv.fr", "Justice"),
    ("agent.pm.tchap.gouv.fr", "Premier ministre"),
    ("agent.social.tchap.gouv.fr", "Social"),
    ("agent.ssi.tchap.gouv.fr", "SSI"),
];

/// The configuration file's content (unknown fields are ignored, so one
/// file can serve other tools too).
#[derive(Debug, Clone, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    servers: Option<Vec<ServerEntry>>,
    #[serde(default)]
    client_url_template: Option<String>,
    #[serde(default)]
    identity_url: Option<String>,
    /// `id_server` of email invites, when not the identity URL's host.
    #[serde(default)]
    identity_server_name: Option<String>,
    /// Whether the sign-in offers a server field ("advanced"); default yes.
    #[serde(default)]
    allow_custom_homeserver: Option<bool>,
    #[serde(default)]
    default_homeserver: Option<String>,
    /// The content scanner's address; default: the homeserver's.
    #[serde(default)]
    content_scanner_url: Option<String>,
    /// The media cache's size cap, in MiB (default 500).
    #[serde(default)]
    media_cache_max_mib: Option<u64>,
    /// How long an antivirus verdict holds before it is asked again, in hours (default 168).
    #[serde(default)]
    media_verdict_ttl_hours: Option<u64>,
    /// A proxy for every request (`http://host:port`); default: the system's.
    #[serde(default)]
    proxy_url: Option<String>,
    /// A PEM file of certificate authorities trusted besides the OS store
    /// (a relative path is from the configuration file's folder).
    #[serde(default)]
    extra_ca_file: Option<PathBuf>,
}

/// What the sign-in screens need to know.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    /// Pre-fills the advanced sign-in's server field.
    pub default_homeserver: String,
    /// Sign-in by email needs a list of servers to ask; without one, the
    /// sign-in asks for the server.
    pub email_sign_in: bool,
    pub allow_custom_homeserver: bool,
    #[serde(skip)]
    pub servers: ServerList,
    #[serde(skip)]
    pub media: MediaSettings,
    /// Proxy and extra certificate authorities, for every request.
    #[serde(skip)]
    pub network: NetworkSettings,
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

/// The attachments' settings; `TCHAP_CONTENT_SCANNER` (tests) names the
/// scanner when the file does not. A malformed address is ignored, with a
/// warning: the homeserver's own scanner is then asked (fail safe).
fn media_settings(file: &ConfigFile, scanner_from_env: Option<String>) -> MediaSettings {
    let scanner_url = file.content_scanner_url.clone().or(scanner_from_env).and_then(|text| match url::Url::parse(text.trim()) {
        Ok(url) => Some(url),
        Err(error) => {
            warn!(%error, "content scanner address unreadable; using the homeserver's");
            None
        }
    });
    let mut cache_limits = CacheLimits::default();
    if let Some(mib) = file.media_cache_max_mib {
        cache_limits.max_bytes = mib.saturating_mul(1024 * 1024);
    }
    if let Some(hours) = file.media_verdict_ttl_hours {
        cache_limits.verdict_ttl = std::time::Duration::from_secs(hours.saturating_mul(3600));
    }
    MediaSettings { scanner_url, cache_limits }
}

impl ConfigFile {
    /// The administrator's policy over this file: each key it sets replaces
    /// the file's (its CA file is an absolute path).
    fn under(mut self, policy: &Policy) -> Self {
        if let Some(servers) = &policy.servers {
            self.servers = Some(servers.iter().map(ServerEntry::from).collect());
        }
        self.allow_custom_homeserver = policy.allow_custom_homeserver.or(self.allow_custom_homeserver);
        self.proxy_url = policy.proxy_url.clone().or(self.proxy_url);
        self.extra_ca_file = policy.extra_ca_file.clone().or(self.extra_ca_file);
        self.media_cache_max_mib = policy.media_cache_max_mib.or(self.media_cache_max_mib);
        self
    }
}

impl AppConfig {
    /// `config.json` under the policy of this run.
    pub fn load(data_dir: &Path) -> Self {
        Self::load_under(data_dir, crate::policy::in_force())
    }

    pub fn load_under(data_dir: &Path, policy: &PolicyInForce) -> Self {
        let path = std::env::var_os("TCHAP_CONFIG").map(PathBuf::from).unwrap_or_else(|| data_dir.join("config.json"));
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str::<ConfigFile>(&text).unwrap_or_else(|error| {
                // Fail safe: Tchap's own servers, never a half-read list.
                warn!(path = %path.display(), %error, "configuration unreadable; using the defaults");
                ConfigFile::default()
            }),
            Err(_) => ConfigFile::default(),
        }
        .under(policy.policy());
        let from_env = std::env::var("TCHAP_DEFAULT_HOMESERVER").ok().map(|url| url.trim().to_owned()).filter(|url| !url.is_empty());
        let mut config = Self::from_parts(file.clone(), from_env);
        config.media = media_settings(&file, std::env::var("TCHAP_CONTENT_SCANNER").ok());
        let ca_file = file.extra_ca_file.as_ref().map(|ca| path.parent().unwrap_or(Path::new("")).join(ca));
        config.network = NetworkSettings::from_config(file.proxy_url.as_deref(), ca_file.as_deref());
        config
    }

    fn from_parts(file: ConfigFile, default_from_env: Option<String>) -> Self {
        let entries = file.servers.unwrap_or_else(|| {
            // A server named in the environment alone (tests, a developer's
            // server) replaces Tchap's list instead of joining it.
            if default_from_env.is_some() {
                return Vec::new();
            }
            TCHAP_SERVERS
                .iter()
                .map(|(name, label)| ServerEntry { server_name: (*name).to_owned(), label: (*label).to_owned(), client_url: None, identity_url: None })
                .collect()
        });
        let servers = ServerList {
            entries,
            client_url_template: file.client_url_template,
            identity_url: file.identity_url,
            identity_server_name: file.identity_server_name,
        };
        let default_homeserver = default_from_env.or(file.default_homeserver).unwrap_or_else(|| FALLBACK_HOMESERVER.to_owned());
        let email_sign_in = !servers.entries.is_empty();
        // Without a list the server field is the only way in.
        let allow_custom_homeserver = file.allow_custom_homeserver.unwrap_or(true) || !email_sign_in;
        Self { default_homeserver, email_sign_in, allow_custom_homeserver, servers, media: MediaSettings::default(), network: NetworkSettings::default() }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(json: &str) -> ConfigFile {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn tchaps_servers_by_default() {
        let config = AppConfig::from_parts(ConfigFile::default(), None);
        assert!(config.email_sign_in && config.allow_custom_homeserver);
        assert_eq!(config.servers.entries.len(), TCHAP_SERVERS.len());
        assert_eq!(config.servers.externals().unwrap().server_name, "agent.externe.tchap.gouv.fr");
        assert_eq!(config.default_homeserver, FALLBACK_HOMESERVER);
    }

    #[test]
    fn a_deployed_list_replaces_tchaps_and_can_close_the_server_field() {
        let file = parsed(
            r#"{"servers": [{"server_name": "agent.dinum.tchap.localhost", "label": "DINUM", "client_url": "http://127.0.0.1:1"}],
                "identity_url": "http://127.0.0.1:2", "allow_custom_homeserver": false, "mail_dir": "/tmp/ignored"}"#,
        );
        let config = AppConfig::from_parts(file, None);
        assert_eq!(config.servers.entries.len(), 1);
        assert!(!config.allow_custom_homeserver);
        assert_eq!(config.servers.identity_url(&config.servers.entries[0]), "http://127.0.0.1:2");
    }

    #[test]
    fn a_server_from_the_environment_alone_means_signing_in_on_it() {
        let config = AppConfig::from_parts(ConfigFile::default(), Some("http://127.0.0.1:8008".into()));
        assert!(!config.email_sign_in);
        assert!(config.allow_custom_homeserver);
        assert_eq!(config.default_homeserver, "http://127.0.0.1:8008");
    }

    #[test]
    fn the_policy_wins_over_config_json_key_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("autorite.pem");
        std::fs::write(&ca, include_str!("policy/test-ca.pem")).unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"servers": [{"server_name": "agent.config.fr"}], "allow_custom_homeserver": true, "proxy_url": "http://config-proxy:1",
                "media_cache_max_mib": 900, "identity_url": "http://127.0.0.1:2"}"#,
        )
        .unwrap();
        let policy = serde_json::json!({
            "servers": [{"server_name": "agent.politique.fr", "label": "Politique"}],
            "allow_custom_homeserver": false,
            "proxy_url": "http://politique-proxy:3128",
            "extra_ca_file": ca,
            "media_cache_max_mib": 64,
        });
        let in_force = PolicyInForce::from_document(policy.to_string().as_bytes(), "test");
        let config = AppConfig::load_under(dir.path(), &in_force);
        assert_eq!(config.servers.entries.iter().map(|s| s.server_name.as_str()).collect::<Vec<_>>(), ["agent.politique.fr"]);
        assert_eq!(config.servers.identity_url.as_deref(), Some("http://127.0.0.1:2"), "what the policy leaves out stays config.json's");
        assert!(config.email_sign_in && !config.allow_custom_homeserver);
        assert_eq!(config.network.proxy().unwrap().host_str(), Some("politique-proxy"));
        assert_eq!(config.network.extra_roots(), 1);
        assert_eq!(config.media.cache_limits.max_bytes, 64 * 1024 * 1024);

        let without = AppConfig::load_under(dir.path(), &PolicyInForce::none());
        assert_eq!(without.servers.entries[0].server_name, "agent.config.fr");
        assert!(without.allow_custom_homeserver);
        assert_eq!(without.network.proxy().unwrap().host_str(), Some("config-proxy"));
        assert_eq!(without.media.cache_limits.max_bytes, 900 * 1024 * 1024);
    }

    #[test]
    fn an_invalid_policy_closes_the_server_field_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), r#"{"proxy_url": "http://config-proxy:1"}"#).unwrap();
        let config = AppConfig::load_under(dir.path(), &PolicyInForce::from_document(b"{\"servers\": 12}", "test"));
        assert!(!config.allow_custom_homeserver, "no typed server");
        assert_eq!(config.servers.entries.len(), TCHAP_SERVERS.len(), "Tchap's own servers");
        assert_eq!(config.network.proxy().unwrap().host_str(), Some("config-proxy"), "the proxy cannot be guessed: config.json's");
    }
}
