//! Signing in and out, restoring at start, resuming after a soft logout, the sync indicator.

use tauri::{AppHandle, State};
use tchap_core::{
    account_validity::RenewalMailSent,
    config::AppConfig,
    error::{AppError, AppResult},
    session::{self, SessionInfo, SyncState},
    state::AppState,
};

use super::{events, logged};

#[tauri::command]
#[specta::specta]
pub fn app_config(state: State<'_, AppState>) -> AppConfig {
    state.config.clone()
}

/// The stored session, reopened without the password; `null` when there is
/// none. `session_locked` when one is stored but the keyring is closed.
#[tauri::command]
#[specta::specta]
pub async fn restore_session(app: AppHandle, state: State<'_, AppState>) -> AppResult<Option<SessionInfo>> {
    logged("restore_session", async {
        if let Some(session) = state.current() {
            if session.ended().borrow().is_none() {
                return Ok(Some(session.info().await));
            }
            // Stopped for a reason a retry may have fixed (an account renewed
            // meanwhile): reopen it from disk, as the next start would.
            state.set_session(None);
            session.stop().await;
        }
        let session = match session::restore(&state.paths.data_dir).await? {
            Some(session) => session,
            None => match &state.demo_login {
                Some(demo) => {
                    let typed = (!state.config.email_sign_in).then_some(state.config.default_homeserver.as_str());
                    let homeserver = session::resolve_homeserver(&state.config.servers, &state.config.network, typed, &demo.username).await?;
                    session::login(&state.paths.data_dir, &homeserver, &demo.username, &demo.password).await?
                }
                None => return Ok(None),
            },
        };
        events::attach(&app, &session);
        state.set_session(Some(session.clone()));
        Ok(Some(session.info().await))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn login(
    app: AppHandle,
    state: State<'_, AppState>,
    homeserver: Option<String>,
    username: String,
    password: String,
    remember: bool,
) -> AppResult<SessionInfo> {
    logged("login", async {
        let data_dir = &state.paths.data_dir;
        let typed = homeserver.as_deref().is_some_and(|typed| !typed.trim().is_empty());
        if typed && !state.config.allow_custom_homeserver {
            return Err(AppError::managed_by_policy("typed homeserver"));
        }
        let homeserver = session::resolve_homeserver(&state.config.servers, &state.config.network, homeserver.as_deref(), &username).await?;
        let session = if remember {
            session::login(data_dir, &homeserver, &username, &password).await?
        } else {
            session::login_this_run_only(data_dir, &homeserver, &username, &password).await?
        };
        // Only once the new session works: the one it replaces stops (its data stays).
        if let Some(previous) = state.set_session(Some(session.clone())) {
            previous.close().await;
        }
        events::attach(&app, &session);
        Ok(session.info().await)
    })
    .await
}

/// An expired account: the server mails the renewal link (at most once a minute).
#[tauri::command]
#[specta::specta]
pub async fn send_renewal_mail(state: State<'_, AppState>) -> AppResult<RenewalMailSent> {
    logged("send_renewal_mail", async { state.session()?.send_renewal_mail().await }).await
}

/// After a soft logout: the password again, for the same device (keys kept).
#[tauri::command]
#[specta::specta]
pub async fn resume_session(app: AppHandle, state: State<'_, AppState>, password: String) -> AppResult<SessionInfo> {
    logged("resume_session", async {
        let previous = state.session()?;
        let session = previous.resume(&password).await?;
        state.set_session(Some(session.clone()));
        events::attach(&app, &session);
        Ok(session.info().await)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn logout(state: State<'_, AppState>) -> AppResult<()> {
    logged("logout", async {
        let session = state.session()?;
        state.set_session(None);
        session.logout().await
    })
    .await
}

/// The sync's current state; its changes then come as `SyncStateChanged` events.
#[tauri::command]
#[specta::specta]
pub fn sync_state(state: State<'_, AppState>) -> AppResult<SyncState> {
    logged_sync("sync_state", state.session().map(|s| *s.sync_state().borrow()))
}

use super::logged_sync;
