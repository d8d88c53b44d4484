//! One logged-in account: its `Client`, its `SyncService`, and every task it
//! spawned (aborted when the session stops or is logged out).

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use matrix_sdk::{Client, SessionChange, event_handler::EventHandlerHandle};
use matrix_sdk_ui::sync_service::{self, SyncService};
use serde::{Deserialize, Serialize};
use tokio::{
    sync::{broadcast, watch},
    task::JoinHandle,
};
use tracing::{info, warn};

use super::{
    homeserver::{HomeserverInput, build_client, check_homeserver, parse_homeserver},
    new_members,
    room_subscriptions::{RoomSubscription, RoomSubscriptions},
    security::{self, SecurityStatus},
    stored_session::{Loaded, StoredSession, check_secret_store},
    timeline::OpenTimeline,
    verification::{self, IncomingVerification, RequestSignals},
};
use crate::error::{AppError, AppResult, ErrorCode};

pub const DEVICE_DISPLAY_NAME: &str = "Tchap desktop";

/// The matrix-sdk-sqlite file holding the session's encryption keys.
const CRYPTO_STORE_FILE: &str = "matrix-sdk-crypto.sqlite3";

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub user_id: String,
    pub device_id: String,
    pub homeserver: String,
    pub display_name: Option<String>,
    /// Kept for the next launches; false when signed in for this run only.
    pub is_remembered: bool,
}

/// The background sync as the user should see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum SyncState {
    Starting,
    Running,
    Offline,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SessionEndReason {
    LoggedOut,
    TokenRevoked,
}

pub struct Session {
    client: Client,
    sync_service: Arc<SyncService>,
    account_dir: PathBuf,
    sync_state: watch::Sender<SyncState>,
    ended: watch::Sender<Option<SessionEndReason>>,
    /// Named background tasks; starting one under a name aborts the previous.
    tasks: Mutex<HashMap<String, JoinHandle<()>>>,
    pub(super) timelines: Mutex<HashMap<String, OpenTimeline>>,
    security: watch::Sender<SecurityStatus>,
    verification_requests: RequestSignals,
    room_subscriptions: RoomSubscriptions,
    persistence: Persistence,
    /// Event handlers registered for this session, removed when it stops.
    handlers: Vec<EventHandlerHandle>,
}

/// Whether a session outlives the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// Kept for the next launches (secrets in the OS secret store).
    Remembered,
    /// Signed out and deleted when the app quits (no secret store).
    ThisRunOnly,
}

/// The stores of a this-run-only session, deleted when it ends.
fn this_run_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("account-this-run")
}

/// The folder of the (single, for now) account inside the data folder.
pub fn account_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("account")
}

impl Session {
    /// Logs in with a password and starts syncing; the session is kept for
    /// the next launches. Nothing is left on disk if it fails.
    pub async fn login(data_dir: &Path, homeserver: &str, username: &str, password: &str) -> AppResult<Arc<Self>> {
        Self::login_with(data_dir, homeserver, username, password, Persistence::Remembered).await
    }

    /// Logs in for this run only, when the user accepted it because the OS
    /// has no secret store: the store key stays in memory, nothing secret is
    /// written, and quitting signs out and deletes the stores.
    pub async fn login_this_run_only(data_dir: &Path, homeserver: &str, username: &str, password: &str) -> AppResult<Arc<Self>> {
        Self::login_with(data_dir, homeserver, username, password, Persistence::ThisRunOnly).await
    }

    async fn login_with(data_dir: &Path, homeserver: &str, username: &str, password: &str, persistence: Persistence) -> AppResult<Arc<Self>> {
        let input = parse_homeserver(homeserver)?;
        let username = username.trim();
        if username.is_empty() || password.is_empty() {
            return Err(AppError::new(ErrorCode::InvalidCredentials, "empty identifier or password"));
        }
        let dir = match persistence {
            Persistence::Remembered => account_dir(data_dir),
            Persistence::ThisRunOnly => this_run_dir(data_dir),
        };
        remove_dir_if_exists(&dir)?;
        std::fs::create_dir_all(&dir).map_err(|e| AppError::storage("account folder", e))?;
        let result = Self::login_in(&dir, &input, username, password, persistence).await;
        if result.is_err() {
            let _ = remove_dir_if_exists(&dir);
        }
        result
    }

    async fn login_in(dir: &Path, input: &HomeserverInput, username: &str, password: &str, persistence: Persistence) -> AppResult<Arc<Self>> {
        // Before sending the password: no secret store, no session to keep.
        if persistence == Persistence::Remembered {
            check_secret_store().await?;
        }
        let store_key: [u8; 32] = rand::random();
        let client = build_client(input, dir, &store_key).await?;
        check_homeserver(&client).await?;
        client
            .matrix_auth()
            .login_username(username, password)
            .initial_device_display_name(DEVICE_DISPLAY_NAME)
            .await
            .map_err(|e| match AppError::from_sdk("login", &e) {
                // On /login, M_FORBIDDEN means a wrong identifier or password.
                err if err.code == ErrorCode::Forbidden => AppError::new(ErrorCode::InvalidCredentials, err.message),
                err => err,
            })?;
        let matrix_session = client.matrix_auth().session().ok_or_else(|| AppError::internal("login", "no session"))?;
        if persistence == Persistence::Remembered
            && let Err(error) = StoredSession::new(client.homeserver().to_string(), &matrix_session, &store_key).save(dir).await
        {
            // Nowhere safe to keep the session: end the new device on the
            // server rather than leave it orphaned.
            let _ = client.logout().await;
            return Err(error);
        }
        info!(user_id = %matrix_session.meta.user_id, device_id = %matrix_session.meta.device_id, ?persistence, "logged in");
        Self::start(client, dir.to_owned(), persistence).await
    }

    /// Reopens the stored session, if any, without network: the sync reconnects by itself.
    pub async fn restore(data_dir: &Path) -> AppResult<Option<Arc<Self>>> {
        // Left by a this-run-only session the app could not close (a crash).
        remove_dir_if_exists(&this_run_dir(data_dir))?;
        let dir = account_dir(data_dir);
        let stored = match StoredSession::load(&dir).await? {
            Loaded::None => return Ok(None),
            Loaded::Session(stored) => stored,
            Loaded::SecretsLost => {
                // Without its key the encrypted store is unreadable: start over.
                warn!("the secret store no longer has this session's secrets; signing in again");
                remove_dir_if_exists(&dir)?;
                return Ok(None);
            }
        };
        if !dir.join("store").join(CRYPTO_STORE_FILE).exists() {
            // The SDK would make new identity keys for the old device id: the
            // session would look alive but read nothing and alarm the others.
            warn!("this session's encryption store is gone; signing in again");
            StoredSession::forget(&dir).await?;
            remove_dir_if_exists(&dir)?;
            return Ok(None);
        }
        let url = url::Url::parse(stored.homeserver()).map_err(|e| AppError::storage("session file", e))?;
        let client = build_client(&HomeserverInput::Url(url), &dir, &stored.store_key()?).await?;
        client.restore_session(stored.matrix_session()).await.map_err(|e| AppError::from_sdk("restoring the session", &e))?;
        info!(user_id = %stored.user_id(), "session restored");
        Self::start(client, dir, Persistence::Remembered).await.map(Some)
    }

    async fn start(client: Client, account_dir: PathBuf, persistence: Persistence) -> AppResult<Arc<Self>> {
        let sync_service = SyncService::builder(client.clone())
            .with_offline_mode()
            .build()
            .await
            .map_err(|e| AppError::internal("sync service", e))?;
        let verification_requests = RequestSignals::new();
        let handlers = vec![
            new_members::watch(&client),
            verification::watch_requests(&client, verification_requests.clone()),
            verification::watch_room_requests(&client, verification_requests.clone()),
        ];
        let session = Arc::new(Self {
            client,
            sync_service: Arc::new(sync_service),
            account_dir,
            sync_state: watch::Sender::new(SyncState::Starting),
            ended: watch::Sender::new(None),
            tasks: Mutex::default(),
            timelines: Mutex::default(),
            security: watch::Sender::new(SecurityStatus::default()),
            verification_requests,
            room_subscriptions: RoomSubscriptions::default(),
            handlers,
            persistence,
        });
        session.sync_service.start().await;
        session.spawn("sync-state", watch_sync_state(session.client.clone(), session.sync_service.clone(), session.sync_state.clone()));
        session.spawn("room-subscriptions", session.room_subscriptions.clone().apply(session.sync_service.room_list_service()));
        session.spawn("security", security::watch_status(session.client.clone(), session.security.clone()));
        session.spawn("session-changes", watch_session_changes(session.client.clone(), session.account_dir.clone(), session.ended.clone()));
        Ok(session)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn sync_service(&self) -> &Arc<SyncService> {
        &self.sync_service
    }

    pub fn sync_state(&self) -> watch::Receiver<SyncState> {
        self.sync_state.subscribe()
    }

    /// Whether this session is verified and the account's keys recoverable.
    pub fn security(&self) -> watch::Receiver<SecurityStatus> {
        self.security.subscribe()
    }

    /// Verification requests from other sessions, as they arrive.
    pub fn verification_requests(&self) -> broadcast::Receiver<IncomingVerification> {
        self.verification_requests.requested.subscribe()
    }

    /// Flow ids of requests that ended before this session answered them.
    pub fn withdrawn_verification_requests(&self) -> broadcast::Receiver<String> {
        self.verification_requests.withdrawn.subscribe()
    }

    /// Receives every event of `room_id` (not only its latest) while the
    /// returned value lives.
    pub fn subscribe_room(&self, room_id: &matrix_sdk::ruma::RoomId) -> RoomSubscription {
        self.room_subscriptions.hold(room_id)
    }

    /// `Some(reason)` once the server ended the session (token revoked) or the user logged out.
    pub fn ended(&self) -> watch::Receiver<Option<SessionEndReason>> {
        self.ended.subscribe()
    }

    pub async fn info(&self) -> SessionInfo {
        let display_name = match tokio::time::timeout(std::time::Duration::from_secs(3), self.client.account().get_display_name()).await {
            Ok(Ok(name)) => name,
            _ => None,
        };
        SessionInfo {
            user_id: self.client.user_id().map(ToString::to_string).unwrap_or_default(),
            device_id: self.client.device_id().map(ToString::to_string).unwrap_or_default(),
            homeserver: self.client.homeserver().to_string(),
            display_name,
            is_remembered: self.persistence == Persistence::Remembered,
        }
    }

    /// Runs `task` until the session stops; a task already running under `name` is aborted.
    pub fn spawn(&self, name: &str, task: impl Future<Output = ()> + Send + 'static) {
        let handle = tokio::spawn(task);
        if let Some(previous) = self.tasks.lock().unwrap().insert(name.to_owned(), handle) {
            previous.abort();
        }
    }

    pub fn abort_task(&self, name: &str) {
        if let Some(task) = self.tasks.lock().unwrap().remove(name) {
            task.abort();
        }
    }

    /// What quitting the app does: a remembered session stops and keeps its
    /// stores; a this-run-only one signs out and deletes them.
    pub async fn close(&self) {
        match self.persistence {
            Persistence::Remembered => self.stop().await,
            Persistence::ThisRunOnly => {
                if let Err(error) = self.logout().await {
                    warn!(%error, "could not end the this-run-only session");
                }
            }
        }
    }

    /// Stops syncing and every task, keeping the stores (app shutdown).
    pub async fn stop(&self) {
        for (_, task) in self.tasks.lock().unwrap().drain() {
            task.abort();
        }
        self.timelines.lock().unwrap().clear();
        self.verification_requests.stop();
        for handler in &self.handlers {
            self.client.remove_event_handler(handler.clone());
        }
        self.sync_service.stop().await;
    }

    /// Ends the session on the server, then deletes this account's local stores.
    /// The local data goes even if the server can't be reached.
    pub async fn logout(&self) -> AppResult<()> {
        self.stop().await;
        // Room keys not yet in the key backup would go with this session's
        // stores: give them a moment to reach it (no-op without a backup).
        let backups = self.client.encryption().backups();
        match tokio::time::timeout(std::time::Duration::from_secs(20), backups.wait_for_steady_state()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => warn!(%error, "room keys could not all be backed up before logout"),
            Err(_) => warn!("room keys were still being backed up at logout"),
        }
        if let Err(error) = self.client.logout().await {
            warn!(%error, "server-side logout failed; deleting local data anyway");
        }
        self.ended.send_replace(Some(SessionEndReason::LoggedOut));
        if let Err(error) = StoredSession::forget(&self.account_dir).await {
            warn!(%error, "could not delete the session's secrets");
        }
        remove_dir_if_exists(&self.account_dir)?;
        info!("logged out, local stores deleted");
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        for (_, task) in self.tasks.get_mut().unwrap().drain() {
            task.abort();
        }
    }
}

fn remove_dir_if_exists(dir: &Path) -> AppResult<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(AppError::storage("deleting local data", e)),
        _ => Ok(()),
    }
}

async fn watch_sync_state(client: Client, service: Arc<SyncService>, out: watch::Sender<SyncState>) {
    let mut states = service.state();
    // The service was started before we subscribed: begin with where it is now.
    let mut next = Some(states.get());
    while let Some(state) = next {
        let shown = match state {
            sync_service::State::Idle => SyncState::Starting,
            sync_service::State::Running => SyncState::Running,
            sync_service::State::Offline => SyncState::Offline,
            sync_service::State::Terminated | sync_service::State::Error(_) => SyncState::Error,
        };
        let previous = out.send_replace(shown);
        if shown == SyncState::Running && matches!(previous, SyncState::Offline | SyncState::Error) {
            // A network failure paused the send queue: the server is back, so
            // messages written meanwhile go out without the user retrying.
            client.send_queue().set_enabled(true).await;
        }
        if let sync_service::State::Error(error) = state {
            // The SDK expects the app to restart the sync after an error.
            warn!(%error, "sync stopped with an error; restarting in 2 s");
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            service.start().await;
        }
        next = states.next().await;
    }
}

/// Keeps `session.json` current when tokens are refreshed, and reports a
/// revoked token (logged out from another device, account deactivated).
async fn watch_session_changes(client: Client, account_dir: PathBuf, ended: watch::Sender<Option<SessionEndReason>>) {
    use tokio::sync::broadcast::error::RecvError;
    let mut changes = client.subscribe_to_session_changes();
    loop {
        let change = match changes.recv().await {
            Ok(change) => change,
            // The SDK keeps one change only: two at once (the sync and another
            // request both refused) make us lag; the kept one still counts.
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => break,
        };
        match change {
            SessionChange::TokensRefreshed => {
                let (Some(session), Ok(Loaded::Session(stored))) = (client.matrix_auth().session(), StoredSession::load(&account_dir).await) else {
                    continue;
                };
                if let Err(error) = stored.with_tokens(&session.tokens).save(&account_dir).await {
                    warn!(%error, "could not save refreshed tokens");
                }
            }
            SessionChange::UnknownToken(_) => {
                warn!("the server no longer accepts this session's token");
                ended.send_replace(Some(SessionEndReason::TokenRevoked));
            }
        }
    }
}
