//! The homeservers the app knows: Tchap's list (one or more per ministry,
//! one for externals), from the configuration.

use serde::{Deserialize, Serialize};

use super::names::is_external;

/// Tchap's convention for a server's client API.
pub const DEFAULT_CLIENT_URL_TEMPLATE: &str = "https://matrix.{server_name}";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ServerEntry {
    /// The Matrix server name (`agent.dinum.tchap.gouv.fr`), as `/info` answers it.
    pub server_name: String,
    /// What users call it ("DINUM", "Externes").
    #[serde(default)]
    pub label: String,
    /// The client API's address, when it does not follow the template.
    #[serde(default)]
    pub client_url: Option<String>,
    /// Where this server answers `/info`, when not the list's nor its own.
    #[serde(default)]
    pub identity_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerList {
    pub entries: Vec<ServerEntry>,
    /// `{server_name}` is replaced; default `https://matrix.{server_name}`.
    pub client_url_template: Option<String>,
    /// Where `/info` is asked; by default each server's own client API, as
    /// Tchap serves it.
    pub identity_url: Option<String>,
    /// The identity server as the homeservers call it (`id_server` of an
    /// email invite), when it is not the host of `identity_url`.
    pub identity_server_name: Option<String>,
}

impl ServerList {
    pub fn find(&self, server_name: &str) -> Option<&ServerEntry> {
        self.entries.iter().find(|entry| entry.server_name.eq_ignore_ascii_case(server_name))
    }

    pub fn client_url(&self, entry: &ServerEntry) -> String {
        match &entry.client_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let template = self.client_url_template.as_deref().unwrap_or(DEFAULT_CLIENT_URL_TEMPLATE);
                template.replace("{server_name}", &entry.server_name)
            }
        }
    }

    pub fn identity_url(&self, entry: &ServerEntry) -> String {
        match entry.identity_url.as_ref().or(self.identity_url.as_ref()) {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => self.client_url(entry),
        }
    }

    /// The `id_server` a homeserver is told to use for `entry`'s email
    /// invites: "host[:port]" of its identity URL unless configured.
    pub fn identity_server_name(&self, entry: &ServerEntry) -> String {
        if let Some(name) = &self.identity_server_name {
            return name.clone();
        }
        let url = self.identity_url(entry);
        match url::Url::parse(&url) {
            Ok(parsed) => match (parsed.host_str(), parsed.port()) {
                (Some(host), Some(port)) => format!("{host}:{port}"),
                (Some(host), None) => host.to_owned(),
                _ => url,
            },
            Err(_) => url,
        }
    }

    /// The externals' server, where an email of an unknown domain belongs.
    pub fn externals(&self) -> Option<&ServerEntry> {
        self.entries.iter().find(|entry| is_external(&entry.server_name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, url: Option<&str>) -> ServerEntry {
        ServerEntry { server_name: name.into(), label: String::new(), client_url: url.map(Into::into), identity_url: None }
    }

    #[test]
    fn client_urls_follow_tchaps_convention_unless_given() {
        let list = ServerList {
            entries: vec![entry("agent.dinum.tchap.gouv.fr", None), entry("agent.externe.tchap.gouv.fr", Some("http://127.0.0.1:8008/"))],
            ..ServerList::default()
        };
        assert_eq!(list.client_url(&list.entries[0]), "https://matrix.agent.dinum.tchap.gouv.fr");
        assert_eq!(list.client_url(&list.entries[1]), "http://127.0.0.1:8008");
        assert_eq!(list.identity_url(&list.entries[0]), "https://matrix.agent.dinum.tchap.gouv.fr");
        assert_eq!(list.externals().unwrap().server_name, "agent.externe.tchap.gouv.fr");
        let templated = ServerList { client_url_template: Some("https://{server_name}:8448".into()), ..list.clone() };
        assert_eq!(templated.client_url(&templated.entries[0]), "https://agent.dinum.tchap.gouv.fr:8448");
        assert!(list.find("AGENT.DINUM.TCHAP.GOUV.FR").is_some());
    }

    #[test]
    fn the_identity_server_is_named_by_its_host_unless_configured() {
        let list = ServerList { entries: vec![entry("agent.dinum.tchap.gouv.fr", None), entry("x", Some("http://127.0.0.1:8008"))], ..ServerList::default() };
        assert_eq!(list.identity_server_name(&list.entries[0]), "matrix.agent.dinum.tchap.gouv.fr");
        assert_eq!(list.identity_server_name(&list.entries[1]), "127.0.0.1:8008");
        let named = ServerList { identity_server_name: Some("id.tchap.localhost".into()), ..list.clone() };
        assert_eq!(named.identity_server_name(&named.entries[1]), "id.tchap.localhost");
    }
}
