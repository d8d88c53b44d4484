//! One signed-in account: the session context its features share, the
//! feature services, and the policies of its life (how it starts, what a
//! revoked or expired token does, what quitting and logout delete).

mod connection;
mod folders;
pub mod homeserver;
mod login;
mod register;
pub mod stored;
mod watchers;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use matrix_sdk::{Client, event_handler::EventHandlerHandle};
use matrix_sdk_ui::sync_service::SyncService;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tracing::{info, warn};

pub use connection::ConnectionState;
pub use folders::current as current_session_dir;
pub use login::{login, login_this_run_only, resolve_homeserver, restore};
pub use register::{POLL_EVERY, RegistrationControl, register};
use stored::StoredSession;

use crate::{
    account_validity::{RenewalMailSent, RenewalMails},
    context::SessionContext,
    error::{AppError, AppResult},
    files,
    media::{service::MediaService, upload::PendingAttachments},
    new_members,
    notifications::NotificationService,
    search::{CrawlPace, SearchService},
    security::SecurityService,
    timeline::TimelineService,
    verification::VerificationService,
};

pub const DEVICE_DISPLAY_NAME: &str = "Tchap desktop";

/// How long logout waits for the last room keys to reach the key backup.
const BACKUP_WAIT_AT_LOGOUT: Duration = Duration::from_secs(20);
/// How long stopping waits for the sync to save its position.
const SYNC_STOP_WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub user_id: String,
    pub device_id: String,
    pub homeserver: String,
    /// The name without Tchap's "[Domaine]" suffix; none when the account has none.
    pub display_name: Option<String>,
    /// The user's ministry ("Dinum"); none for externals.
    pub domain: Option<String>,
    pub is_external: bool,
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

/// Why a session stopped without the app quitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SessionEndReason {
    /// The user logged out here.
    LoggedOut,
    /// The server forgot this device (signed out from another session, account
    /// deactivated): its local data was deleted, a new sign-in is needed.
    TokenRevoked,
    /// The server wants the password again (expired token or refresh token):
    /// the keys and history are kept and the same device resumes.
    SoftLoggedOut,
    /// The account's validity period is over (Tchap's account expiry): the
    /// data is kept; the account owner renews it from the e-mail they received.
    AccountExpired,
}

/// Whether a session outlives the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// Kept for the next launches (secrets in the OS secret store).
    Remembered,
    /// Signed out and deleted when the app quits (no secret store).
    ThisRunOnly,
}

pub struct Session {
    context: Arc<SessionContext>,
    timelines: TimelineService,
    security: SecurityService,
    verification: VerificationService,
    attachments: PendingAttachments,
    media: MediaService,
    notifications: NotificationService,
    search: SearchService,
    data_dir: PathBuf,
    session_dir: PathBuf,
    store_key: [u8; 32],
    persistence: Persistence,
    sync_state: watch::Sender<SyncState>,
    connection: watch::Sender<ConnectionState>,
    ended: watch::Sender<Option<SessionEndReason>>,
    /// Event handlers registered for this session, removed when it stops.
    handlers: Vec<EventHandlerHandle>,
    renewal_mails: RenewalMails,
}

impl Session {
    async fn start(client: Client, data_dir: &Path, session_dir: PathBuf, store_key: [u8; 32], persistence: Persistence) -> AppResult<Arc<Self>> {
        let sync_service =
            SyncService::builder(client.clone()).build().await.map_err(|e| AppError::internal("sync service", e))?;
        let config = crate::config::AppConfig::load(data_dir);
        let context = Arc::new(SessionContext::new(client.clone(), sync_service, config.network));
        let handlers = vec![new_members::watch(&context)];
        let connection = watch::Sender::new(ConnectionState::Online);
        let link = connection.subscribe();
        let online = Arc::new(move || *link.borrow() == ConnectionState::Online);
        let session = Arc::new(Self {
            timelines: TimelineService::new(context.clone()),
            security: SecurityService::start(&context),
            verification: VerificationService::start(&context),
            attachments: PendingAttachments::new(&context),
            media: MediaService::start(&context, &session_dir, &store_key, &config.media).await,
            // Before the sync starts: what it first brings is never notified.
            notifications: NotificationService::start(&context).await?,
            search: SearchService::start(&context, &session_dir, &store_key, online, CrawlPace::default()),
            context,
            data_dir: data_dir.to_owned(),
            session_dir,
            store_key,
            persistence,
            sync_state: watch::Sender::new(SyncState::Starting),
            connection,
            ended: watch::Sender::new(None),
            handlers,
            renewal_mails: RenewalMails::default(),
        });
        session.context.sync_service().start().await;
        session.context.start_room_subscriptions();
        session.context.spawn("sync-state", watchers::follow_sync(Arc::downgrade(&session)));
        session.context.spawn("connection", connection::follow_connection(Arc::downgrade(&session)));
        session.context.spawn("session-changes", watchers::follow_session_changes(Arc::downgrade(&session)));
        Ok(session)
    }

    /// An expired account: the renewal link by mail, at most once a minute.
    pub async fn send_renewal_mail(&self) -> AppResult<RenewalMailSent> {
        self.renewal_mails.send(self.client(), self.context.network()).await
    }

    pub fn context(&self) -> &Arc<SessionContext> {
        &self.context
    }

    pub fn client(&self) -> &Client {
        self.context.client()
    }

    pub fn timelines(&self) -> &TimelineService {
        &self.timelines
    }

    pub fn security(&self) -> &SecurityService {
        &self.security
    }

    pub fn verification(&self) -> &VerificationService {
        &self.verification
    }

    /// Files prepared for sending, waiting for the user's confirmation.
    pub fn media(&self) -> &MediaService {
        &self.media
    }

    /// New messages to notify, and each room's notification mode.
    pub fn notifications(&self) -> &NotificationService {
        &self.notifications
    }

    /// Message search from the local index, and the crawl of older history.
    pub fn search(&self) -> &SearchService {
        &self.search
    }

    pub fn attachments(&self) -> &PendingAttachments {
        &self.attachments
    }

    pub fn sync_state(&self) -> watch::Receiver<SyncState> {
        self.sync_state.subscribe()
    }

    /// Online, offline with the messages waiting to leave, or reconnecting.
    pub fn connection(&self) -> watch::Receiver<ConnectionState> {
        self.connection.subscribe()
    }

    /// `Some(reason)` once the session stopped without the app quitting.
    pub fn ended(&self) -> watch::Receiver<Option<SessionEndReason>> {
        self.ended.subscribe()
    }

    /// The folder holding this session's stores.
    pub fn session_dir(&self) -> &Path {
        &self.session_dir
    }

    pub fn is_remembered(&self) -> bool {
        self.persistence == Persistence::Remembered
    }

    pub async fn info(&self) -> SessionInfo {
        let client = self.client();
        let display_name = match tokio::time::timeout(Duration::from_secs(3), client.account().get_display_name()).await {
            Ok(Ok(name)) => name,
            _ => None,
        };
        let user_id = client.user_id().map(ToString::to_string).unwrap_or_default();
        let person = crate::identity::person_name(display_name.as_deref(), &user_id);
        SessionInfo {
            display_name: display_name.is_some().then_some(person.name),
            domain: person.domain,
            is_external: person.is_external,
            user_id,
            device_id: client.device_id().map(ToString::to_string).unwrap_or_default(),
            homeserver: client.homeserver().to_string(),
            is_remembered: self.is_remembered(),
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

    /// Stops syncing and every task, keeping the stores (app shutdown). The
    /// sync gets a few seconds to save its position, never more.
    pub async fn stop(&self) {
        self.context.abort_all_tasks();
        self.timelines.close_all();
        self.verification.stop(self.client());
        for handler in &self.handlers {
            self.client().remove_event_handler(handler.clone());
        }
        self.stop_sync().await;
    }

    /// Stops the sync, waiting a few seconds at most for it to save its position.
    async fn stop_sync(&self) {
        if tokio::time::timeout(SYNC_STOP_WAIT, self.context.sync_service().stop()).await.is_err() {
            warn!("the sync did not stop within {} s", SYNC_STOP_WAIT.as_secs());
        }
    }

    /// Ends the session on the server, then deletes this session's local
    /// stores and secrets (the user asked for it). The local data goes even if
    /// the server can't be reached.
    pub async fn logout(&self) -> AppResult<()> {
        self.stop().await;
        // Room keys not yet in the key backup would go with this session's
        // stores: give them a moment to reach it (no-op without a backup).
        let backups = self.client().encryption().backups();
        match tokio::time::timeout(BACKUP_WAIT_AT_LOGOUT, backups.wait_for_steady_state()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => warn!(%error, "room keys could not all be backed up before logout"),
            Err(_) => warn!("room keys were still being backed up at logout"),
        }
        if let Err(error) = self.client().logout().await {
            warn!(%error, "server-side logout failed; deleting local data anyway");
        }
        self.delete_local_data().await?;
        self.ended.send_replace(Some(SessionEndReason::LoggedOut));
        info!("logged out, local stores deleted");
        Ok(())
    }

    /// Deletes this session's secrets and folder; only for a logout the user
    /// asked for or a device the server revoked.
    async fn delete_local_data(&self) -> AppResult<()> {
        if self.persistence == Persistence::Remembered
            && let Err(error) = StoredSession::forget(&self.session_dir).await
        {
            warn!(%error, "could not delete the session's secrets");
        }
        let (data_dir, session_dir, remembered) = (self.data_dir.clone(), self.session_dir.clone(), self.is_remembered());
        files::blocking(move || {
            if remembered {
                folders::forget_if_current(&data_dir, &session_dir)?;
            }
            folders::remove_dir_if_exists(&session_dir)
        })
        .await
    }

    /// Signs in again with the password after a soft logout, on the same
    /// device: the keys and history are kept. On a wrong password nothing
    /// changes and this session can still be resumed.
    pub async fn resume(&self, password: &str) -> AppResult<Arc<Session>> {
        login::resume(self, password).await
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.context.abort_all_tasks();
    }
}
