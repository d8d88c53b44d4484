//! Turning what the user typed into a homeserver address, and checking that a
//! Matrix homeserver really answers there before asking for the password.

use std::path::Path;

use matrix_sdk::{
    Client, ClientBuildError, HttpError, SqliteStoreConfig, ThreadingSupport,
    encryption::{BackupDownloadStrategy, EncryptionSettings},
};
use url::Url;

use crate::{
    error::{AppError, AppResult, ErrorCode},
    http::check_transport,
    network::NetworkSettings,
};

/// What the user typed: a full URL, or a bare server name to discover through
/// `.well-known` (as `agent.tchap.gouv.fr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeserverInput {
    Url(Url),
    ServerName(String),
}

pub fn parse_homeserver(input: &str) -> AppResult<HomeserverInput> {
    let input = input.trim();
    let invalid = || AppError::new(ErrorCode::InvalidHomeserverUrl, "not an http(s) address or a server name");
    if input.is_empty() || input.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    if input.contains("://") {
        let url = Url::parse(input).map_err(|_| invalid())?;
        let has_host = url.host_str().is_some_and(|h| !h.is_empty());
        if !matches!(url.scheme(), "http" | "https") || !has_host {
            return Err(invalid());
        }
        check_transport(&url)?;
        return Ok(HomeserverInput::Url(url));
    }
    // A server name: host[:port], checked by parsing it as the host of a URL.
    match Url::parse(&format!("https://{input}")) {
        Ok(url) if url.path() == "/" && url.query().is_none() && url.host_str().is_some() => {
            Ok(HomeserverInput::ServerName(input.to_owned()))
        }
        _ => Err(invalid()),
    }
}

/// Builds a client on encrypted SQLite stores in `account_dir`, crossing `network`.
pub async fn build_client(input: &HomeserverInput, account_dir: &Path, store_key: &[u8; 32], network: &NetworkSettings) -> AppResult<Client> {
    let store = SqliteStoreConfig::new(account_dir.join("store")).key(Some(store_key));
    let builder = Client::builder()
        .sqlite_store_with_config_and_cache_path(store, Some(account_dir.join("cache")))
        .handle_refresh_tokens()
        .search_index_store(crate::search::store_kind(account_dir, store_key))
        .with_encryption_settings(EncryptionSettings {
            // A new account gets its cross-signing identity at first login
            // (the password authorises it), so its sessions can be verified.
            auto_enable_cross_signing: true,
            auto_enable_backups: true,
            // Once this session holds the backup key (recovery key or
            // verification), fetch all the history's keys at once.
            backup_download_strategy: BackupDownloadStrategy::OneShot,
        })
        // Threads as Element shows them: replies stay in their thread, which
        // has its own summary and read receipts (not the thread subscriptions
        // of MSC4306, which Synapse does not serve by default).
        .with_threading_support(ThreadingSupport::Enabled { with_subscriptions: false });
    let builder = network.apply_to_sdk(builder);
    let builder = match input {
        HomeserverInput::Url(url) => builder.homeserver_url(url.as_str()),
        HomeserverInput::ServerName(name) => builder.server_name_or_homeserver_url(name),
    };
    let client = builder.build().await.map_err(|error| match error {
        ClientBuildError::Http(http) => AppError::from_http("connecting", &http),
        ClientBuildError::AutoDiscovery(e) => AppError::new(ErrorCode::HomeserverUnreachable, format!("discovery: {e}")),
        ClientBuildError::InvalidServerName | ClientBuildError::Url(_) => {
            AppError::new(ErrorCode::InvalidHomeserverUrl, error.to_string())
        }
        other => AppError::storage("opening the stores", other),
    })?;
    // A server name's discovery may point anywhere: same rule as a typed URL.
    let homeserver = client.homeserver();
    check_transport(&homeserver)?;
    Ok(client)
}

/// One request to `/versions`: unreachable (or an untrusted certificate, a
/// proxy in the way), not Matrix, or fine.
pub async fn check_homeserver(client: &Client) -> AppResult<()> {
    match client.fetch_server_versions(None).await {
        Ok(_) => Ok(()),
        Err(error @ HttpError::Reqwest(_)) => Err(AppError::from_http("versions", &error)),
        Err(error) => Err(AppError::new(ErrorCode::NotAMatrixServer, format!("versions: {error}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_urls_and_server_names() {
        assert!(matches!(parse_homeserver("https://matrix.agent.tchap.gouv.fr"), Ok(HomeserverInput::Url(_))));
        assert!(matches!(parse_homeserver(" http://127.0.0.1:8008 "), Ok(HomeserverInput::Url(_))));
        assert_eq!(
            parse_homeserver("agent.tchap.gouv.fr").unwrap(),
            HomeserverInput::ServerName("agent.tchap.gouv.fr".into())
        );
    }

    #[test]
    fn plain_http_is_for_this_machine_only() {
        for local in ["http://127.0.0.1:8008", "http://localhost:8008", "http://[::1]:8008", "http://127.3.4.5"] {
            assert!(parse_homeserver(local).is_ok(), "{local} is on this machine");
        }
        for remote in ["http://matrix.agent.tchap.gouv.fr", "http://10.0.0.2:8008", "http://localhost.example.org"] {
            assert_eq!(parse_homeserver(remote).unwrap_err().code, ErrorCode::InsecureHomeserver, "{remote}");
        }
        assert!(parse_homeserver("https://matrix.agent.tchap.gouv.fr").is_ok());
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in ["", "   ", "ftp://example.org", "https://", "not a server", "exa mple.org", "example.org/path", "http//x"] {
            let err = parse_homeserver(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidHomeserverUrl, "{bad:?} should be refused");
        }
    }
}
