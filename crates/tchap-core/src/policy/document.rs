//! The policy file's content: every key an administrator may set, typed,
//! with unknown keys refused (a typo is an invalid file, never a key
//! silently ignored). `docs/policy.schema.json` describes the same keys;
//! a test keeps the two in step.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::{identity::ServerEntry, network};

/// A server of the email discovery list, as the policy names it: the
/// fields of `ServerEntry`, but strict (`config.json` tolerates unknown
/// fields, a policy does not).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyServer {
    pub server_name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub client_url: Option<String>,
    #[serde(default)]
    pub identity_url: Option<String>,
}

impl From<&PolicyServer> for ServerEntry {
    fn from(server: &PolicyServer) -> Self {
        Self { server_name: server.server_name.clone(), label: server.label.clone(), client_url: server.client_url.clone(), identity_url: server.identity_url.clone() }
    }
}

/// Where updates come from, for the updater (built elsewhere): the
/// organisation's mirror, or no updates at all. Its public key is compiled
/// into the app, never read from here.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdaterPolicy {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub endpoints: Vec<String>,
}

fn yes() -> bool {
    true
}

/// Features an organisation may switch off: a closed list of what the app
/// can really do without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// Telling others "… est en train d'écrire…".
    TypingNotices,
}

/// The policy's keys, as the file and the UI name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKey {
    Servers,
    AllowCustomHomeserver,
    Updater,
    ProxyUrl,
    ExtraCaFile,
    NotificationPrivacy,
    MediaCacheMaxMib,
    DisabledFeatures,
}

/// A policy as read: `None` is a key the administrator left to the user
/// (or to `config.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub servers: Option<Vec<PolicyServer>>,
    pub allow_custom_homeserver: Option<bool>,
    pub updater: Option<UpdaterPolicy>,
    pub proxy_url: Option<String>,
    /// An absolute path (a policy has no folder of its own to be relative to).
    pub extra_ca_file: Option<PathBuf>,
    pub notification_privacy: Option<bool>,
    pub media_cache_max_mib: Option<u64>,
    pub disabled_features: Option<Vec<Feature>>,
}

impl Policy {
    /// What an unreadable policy gives: every security-relevant key on its
    /// closed side, so that a broken file never opens more than the
    /// administrator meant: no typed server (Tchap's list only), no updates
    /// (the policy may have named a mirror: never fall back to another
    /// source), private notifications, no typing notices. The other keys
    /// (servers, proxy, CA, cache) cannot be guessed: `config.json`'s or the
    /// built-in values hold.
    pub fn safe_defaults() -> Self {
        Self {
            allow_custom_homeserver: Some(false),
            updater: Some(UpdaterPolicy { enabled: false, endpoints: Vec::new() }),
            notification_privacy: Some(true),
            disabled_features: Some(vec![Feature::TypingNotices]),
            ..Self::default()
        }
    }

    /// Parses and checks a policy; the error is a reason fit for logs and
    /// the UI (values the file holds are left out: a proxy address may
    /// carry a password).
    pub fn parse(json: &[u8]) -> Result<Self, String> {
        let policy: Self = serde_json::from_slice(json).map_err(|e| without_values(&e.to_string()))?;
        policy.check()?;
        Ok(policy)
    }

    fn check(&self) -> Result<(), String> {
        if let Some(servers) = &self.servers {
            if servers.is_empty() || servers.iter().any(|s| s.server_name.trim().is_empty()) {
                return Err("servers: an empty list, or a server without server_name".into());
            }
        }
        if let Some(proxy) = &self.proxy_url {
            if !is_web_address(proxy) {
                return Err("proxy_url: not an http(s) address".into());
            }
        }
        if let Some(ca) = &self.extra_ca_file {
            if !ca.is_absolute() {
                return Err("extra_ca_file: not an absolute path".into());
            }
            network::read_ca_file(ca).map_err(|e| format!("extra_ca_file: {}", e.message))?;
        }
        if self.media_cache_max_mib == Some(0) {
            return Err("media_cache_max_mib: must be at least 1".into());
        }
        if let Some(updater) = &self.updater {
            match (updater.enabled, updater.endpoints.is_empty()) {
                (false, false) => return Err("updater: endpoints given while updates are off".into()),
                (true, true) => return Err("updater: no endpoint (set enabled to false to turn updates off)".into()),
                _ => {}
            }
            if !updater.endpoints.iter().all(|e| is_web_address(e)) {
                return Err("updater: an endpoint is not an http(s) address".into());
            }
        }
        Ok(())
    }

    /// The keys this policy sets.
    pub fn keys(&self) -> Vec<PolicyKey> {
        let set = [
            (self.servers.is_some(), PolicyKey::Servers),
            (self.allow_custom_homeserver.is_some(), PolicyKey::AllowCustomHomeserver),
            (self.updater.is_some(), PolicyKey::Updater),
            (self.proxy_url.is_some(), PolicyKey::ProxyUrl),
            (self.extra_ca_file.is_some(), PolicyKey::ExtraCaFile),
            (self.notification_privacy.is_some(), PolicyKey::NotificationPrivacy),
            (self.media_cache_max_mib.is_some(), PolicyKey::MediaCacheMaxMib),
            (self.disabled_features.is_some(), PolicyKey::DisabledFeatures),
        ];
        set.into_iter().filter_map(|(is_set, key)| is_set.then_some(key)).collect()
    }

    pub fn disables(&self, feature: Feature) -> bool {
        self.disabled_features.as_ref().is_some_and(|off| off.contains(&feature))
    }
}

fn is_web_address(text: &str) -> bool {
    Url::parse(text.trim()).is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some())
}

/// serde's message with the file's string values blanked (serde quotes
/// values with `"`, and names keys and variants with backquotes).
fn without_values(message: &str) -> String {
    let mut parts = message.split('"');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for (index, part) in parts.enumerate() {
        out.push_str(if index % 2 == 0 { "\"…\"" } else { part });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_never_reach_the_reason() {
        let reason = Policy::parse(br#"{"allow_custom_homeserver": "http://agent:motdepasse@proxy:3128"}"#).unwrap_err();
        assert!(reason.contains("invalid type") && !reason.contains("motdepasse"), "{reason}");
        let reason = Policy::parse(br#"{"proxy_url": "ftp://agent:motdepasse@proxy"}"#).unwrap_err();
        assert!(!reason.contains("motdepasse"), "{reason}");
    }

    #[test]
    fn a_typo_or_a_nonsense_value_makes_the_file_invalid() {
        for (json, says) in [
            (r#"{"allow_custom_homeservers": false}"#, "unknown field `allow_custom_homeservers`"),
            (r#"{"disabled_features": ["typing"]}"#, "unknown variant `typing`"),
            (r#"{"servers": [{"server_name": "a.fr", "lable": "A"}]}"#, "unknown field `lable`"),
            (r#"{"servers": []}"#, "servers"),
            (r#"{"extra_ca_file": "ca.pem"}"#, "absolute"),
            (r#"{"extra_ca_file": "/nonexistent/ca.pem"}"#, "extra_ca_file"),
            (r#"{"media_cache_max_mib": 0}"#, "at least 1"),
            (r#"{"media_cache_max_mib": -5}"#, "invalid value"),
            (r#"{"updater": {"enabled": false, "endpoints": ["https://miroir.gouv.fr/latest.json"]}}"#, "updates are off"),
            (r#"{"updater": {}}"#, "no endpoint"),
            (r#"{"updater": {"endpoints": ["miroir"]}}"#, "not an http(s) address"),
            ("{not json", "key must be a string"),
        ] {
            let reason = Policy::parse(json.as_bytes()).expect_err(json);
            assert!(reason.contains(says), "{json}: {reason}");
        }
    }

    #[test]
    fn safe_defaults_close_what_matters() {
        let safe = Policy::safe_defaults();
        assert_eq!(safe.allow_custom_homeserver, Some(false));
        assert_eq!(safe.notification_privacy, Some(true));
        assert!(safe.disables(Feature::TypingNotices));
        assert!(!safe.updater.unwrap().enabled);
        assert_eq!(safe.proxy_url, None, "a proxy cannot be guessed");
    }
}
