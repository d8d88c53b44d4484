//! Signing in, reopening a stored session, and resuming after a soft logout.
//!
//! The rule: nothing that existed before an attempt is touched until the
//! attempt has succeeded. A new sign-in is built in a folder of its own
//! (`folders`), and a session that cannot be reopened is set aside, never
//! deleted (only a logout or a revoked device deletes, see `Session`).

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use matrix_sdk::ruma::{
    api::client::uiaa::{MatrixUserIdentifier, UserIdentifier},
    thirdparty::Medium,
};
use tracing::{info, warn};

use super::{
    DEVICE_DISPLAY_NAME, Persistence, Session, folders,
    homeserver::{HomeserverInput, build_client, check_homeserver, parse_homeserver},
    stored::{Loaded, StoredSession, check_secret_store},
};
use crate::{
    error::{AppError, AppResult, ErrorCode},
    config::AppConfig,
    files,
    identity::{ServerList, discovery::looks_like_email, find_homeserver},
    network::NetworkSettings,
};

/// The matrix-sdk-sqlite file holding the session's encryption keys.
const CRYPTO_STORE_FILE: &str = "matrix-sdk-crypto.sqlite3";

/// Where to sign in: the server typed in the advanced form, else the one
/// that Tchap's servers say holds the email.
pub async fn resolve_homeserver(servers: &ServerList, network: &NetworkSettings, typed: Option<&str>, identifier: &str) -> AppResult<String> {
    match typed.map(str::trim).filter(|typed| !typed.is_empty()) {
        Some(typed) => Ok(typed.to_owned()),
        None => Ok(find_homeserver(servers, network, identifier).await?.client_url),
    }
}

/// Logs in with a password and starts syncing; the session is kept for the
/// next launches. A failed attempt leaves every earlier session as it was.
pub async fn login(data_dir: &Path, homeserver: &str, username: &str, password: &str) -> AppResult<Arc<Session>> {
    login_with(data_dir, homeserver, username, password, Persistence::Remembered).await
}

/// Logs in for this run only, when the user accepted it because the OS has
/// no secret store: the store key stays in memory, nothing secret is
/// written, and quitting signs out and deletes the stores.
pub async fn login_this_run_only(data_dir: &Path, homeserver: &str, username: &str, password: &str) -> AppResult<Arc<Session>> {
    login_with(data_dir, homeserver, username, password, Persistence::ThisRunOnly).await
}

async fn login_with(data_dir: &Path, homeserver: &str, username: &str, password: &str, persistence: Persistence) -> AppResult<Arc<Session>> {
    let input = parse_homeserver(homeserver)?;
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidCredentials, "empty identifier or password"));
    }
    // Before creating anything or sending the password: no secret store, no session to keep.
    if persistence == Persistence::Remembered {
        check_secret_store().await?;
    }
    let dir = new_attempt_dir(data_dir, persistence).await?;
    let result = login_in(data_dir, &dir, &input, username, password, persistence).await;
    if result.is_err() {
        discard_attempt_dir(&dir).await;
    }
    result
}

/// The folder of a new sign-in (or registration) attempt.
pub(super) async fn new_attempt_dir(data_dir: &Path, persistence: Persistence) -> AppResult<PathBuf> {
    let data = data_dir.to_owned();
    files::blocking(move || match persistence {
        Persistence::Remembered => folders::new_session_dir(&data),
        Persistence::ThisRunOnly => folders::fresh_this_run_dir(&data),
    })
    .await
}

/// After a failed attempt: its own, new folder goes, and only it (nothing of
/// an earlier session is in it).
pub(super) async fn discard_attempt_dir(dir: &Path) {
    let attempt = dir.to_owned();
    let _ = files::blocking(move || folders::remove_dir_if_exists(&attempt)).await;
}

/// A client for a new session on fresh encrypted stores in `dir`, once the
/// server has answered as a Matrix server; with the stores' new key.
pub(super) async fn new_checked_client(input: &HomeserverInput, dir: &Path, network: &NetworkSettings) -> AppResult<(matrix_sdk::Client, [u8; 32])> {
    let store_key: [u8; 32] = rand::random();
    let client = build_client(input, dir, &store_key, network).await?;
    check_homeserver(&client).await?;
    Ok((client, store_key))
}

async fn login_in(
    data_dir: &Path,
    dir: &Path,
    input: &HomeserverInput,
    username: &str,
    password: &str,
    persistence: Persistence,
) -> AppResult<Arc<Session>> {
    let (client, store_key) = new_checked_client(input, dir, &AppConfig::load(data_dir).network).await?;
    client
        .matrix_auth()
        .login_identifier(login_identifier(username), password)
        .initial_device_display_name(DEVICE_DISPLAY_NAME)
        .request_refresh_token()
        .await
        .map_err(login_error)?;
    let matrix_session = client.matrix_auth().session().ok_or_else(|| AppError::internal("login", "no session"))?;
    if persistence == Persistence::Remembered {
        keep_new_session(&client, &matrix_session, data_dir, dir, &store_key).await?;
    }
    info!(user_id = %matrix_session.meta.user_id, device_id = %matrix_session.meta.device_id, ?persistence, "logged in");
    Session::start(client, data_dir, dir.to_owned(), store_key, persistence).await
}

/// Saves a new session's secrets and makes its folder the current one. When
/// that fails there is nowhere safe to keep it: the new device is ended on
/// the server rather than left orphaned, and its secrets with it (the
/// account stays; its owner can sign in again).
pub(super) async fn keep_new_session(
    client: &matrix_sdk::Client,
    matrix_session: &matrix_sdk::authentication::matrix::MatrixSession,
    data_dir: &Path,
    dir: &Path,
    store_key: &[u8; 32],
) -> AppResult<()> {
    let stored = StoredSession::new(client.homeserver().to_string(), matrix_session, store_key);
    let kept = async {
        stored.save(dir).await?;
        let (data, dir) = (data_dir.to_owned(), dir.to_owned());
        files::blocking(move || folders::make_current(&data, &dir)).await
    };
    if let Err(error) = kept.await {
        let _ = client.logout().await;
        let _ = StoredSession::forget(dir).await;
        return Err(error);
    }
    Ok(())
}

/// Tchap's users sign in with their professional email (a third-party
/// identifier); a Matrix user name or ID is still accepted.
fn login_identifier(username: &str) -> UserIdentifier {
    if looks_like_email(username) {
        UserIdentifier::third_party_id(Medium::Email, username.trim().to_lowercase())
    } else {
        UserIdentifier::Matrix(MatrixUserIdentifier::new(username.to_owned()))
    }
}

fn login_error(error: matrix_sdk::Error) -> AppError {
    match AppError::from_sdk("login", &error) {
        // On /login, M_FORBIDDEN means a wrong identifier or password.
        err if err.code == ErrorCode::Forbidden => AppError::new(ErrorCode::InvalidCredentials, err.message),
        err => err,
    }
}

/// Reopens the stored session, if any, without network: the sync reconnects
/// by itself. A session whose secret store is locked or not started yet is
/// not lost: the error says so and everything stays for a later try.
pub async fn restore(data_dir: &Path) -> AppResult<Option<Arc<Session>>> {
    let data = data_dir.to_owned();
    let Some(dir) = files::blocking(move || {
        // Left by a this-run-only session the app could not close (a crash).
        folders::remove_this_run_leftovers(&data)?;
        folders::current(&data)
    })
    .await?
    else {
        return Ok(None);
    };
    let stored = match StoredSession::load(&dir).await {
        Ok(Loaded::Session(stored)) => stored,
        Ok(Loaded::None) => return Ok(None),
        Ok(Loaded::SecretsLost) => {
            // A keyring that answers "no such entry" while locked would make
            // a kept session look lost: only an open keyring is believed.
            check_secret_store().await.map_err(session_locked)?;
            warn!("the secret store no longer has this session's secrets; its folder is kept aside and a new sign-in is needed");
            set_aside(data_dir).await?;
            return Ok(None);
        }
        Err(error) if error.code == ErrorCode::SecretStoreUnavailable => return Err(session_locked(error)),
        Err(error) => return Err(error),
    };
    if !dir.join("store").join(CRYPTO_STORE_FILE).exists() {
        // The SDK would make new identity keys for the old device id: the
        // session would look alive but read nothing and alarm the others.
        warn!("this session's encryption store is gone; its folder is kept aside and a new sign-in is needed");
        set_aside(data_dir).await?;
        return Ok(None);
    }
    let url = url::Url::parse(stored.homeserver()).map_err(|e| AppError::storage("session file", e))?;
    let store_key = stored.store_key()?;
    let client = build_client(&HomeserverInput::Url(url), &dir, &store_key, &AppConfig::load(data_dir).network).await?;
    client.restore_session(stored.matrix_session()).await.map_err(|e| AppError::from_sdk("restoring the session", &e))?;
    info!(user_id = %stored.user_id(), "session restored");
    Session::start(client, data_dir, dir, store_key, Persistence::Remembered).await.map(Some)
}

/// The stored session exists but its secrets cannot be read now.
fn session_locked(error: AppError) -> AppError {
    AppError::new(ErrorCode::SessionLocked, error.message)
}

async fn set_aside(data_dir: &Path) -> AppResult<()> {
    let data = data_dir.to_owned();
    files::blocking(move || folders::clear_current(&data)).await
}

/// Signs in again on the same device after a soft logout (see `Session::resume`).
pub(super) async fn resume(previous: &Session, password: &str) -> AppResult<Arc<Session>> {
    if password.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidCredentials, "empty password"));
    }
    let old = previous.client();
    let (user_id, device_id) = match (old.user_id(), old.device_id()) {
        (Some(user), Some(device)) => (user.to_owned(), device.to_owned()),
        _ => return Err(AppError::not_logged_in()),
    };
    let url = url::Url::parse(old.homeserver().as_str()).map_err(|e| AppError::internal("homeserver", e))?;
    previous.stop().await;
    // The SDK cannot log in twice on one client: a new one on the same
    // stores (and so the same keys) takes over.
    let network = previous.context().network();
    let client = build_client(&HomeserverInput::Url(url), &previous.session_dir, &previous.store_key, network).await?;
    client
        .matrix_auth()
        .login_username(user_id.as_str(), password)
        .device_id(device_id.as_str())
        .request_refresh_token()
        .await
        .map_err(login_error)?;
    let matrix_session = client.matrix_auth().session().ok_or_else(|| AppError::internal("login", "no session"))?;
    if matrix_session.meta.device_id != device_id {
        return Err(AppError::internal("resuming", "the server gave another device"));
    }
    if previous.persistence == Persistence::Remembered {
        StoredSession::new(client.homeserver().to_string(), &matrix_session, &previous.store_key).save(&previous.session_dir).await?;
    }
    info!(%user_id, %device_id, "session resumed after a soft logout");
    Session::start(client, &previous.data_dir, previous.session_dir.clone(), previous.store_key, previous.persistence).await
}
