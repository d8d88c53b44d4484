//! The commands the UI calls: thin adapters from IPC to the `matrix` module.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, State, ipc::Channel};

use super::events;
use crate::{
    config::AppConfig,
    error::{AppError, AppResult},
    matrix::{
        devices::{self, OwnSession},
        members::{self, Member},
        room_keys::{self, KeyImportResult},
        room_list::{self, RoomListBatch},
        rooms,
        security::{self, SecurityStatus},
        session::{Session, SessionInfo, SyncState},
        timeline::{self, TimelineBatch},
        verification::{self, VerificationStep},
    },
    state::AppState,
};

#[tauri::command]
#[specta::specta]
pub fn app_config(state: State<'_, AppState>) -> AppConfig {
    state.config.clone()
}

/// The stored session, reopened without the password; `null` when there is none.
#[tauri::command]
#[specta::specta]
pub async fn restore_session(app: AppHandle, state: State<'_, AppState>) -> AppResult<Option<SessionInfo>> {
    if let Some(session) = state.current() {
        return Ok(Some(session.info().await));
    }
    let session = match Session::restore(&state.paths.data_dir).await? {
        Some(session) => session,
        None => match &state.demo_login {
            Some(demo) => Session::login(&state.paths.data_dir, &state.config.default_homeserver, &demo.username, &demo.password).await?,
            None => return Ok(None),
        },
    };
    events::attach(&app, &session);
    state.set_session(Some(session.clone()));
    Ok(Some(session.info().await))
}

#[tauri::command]
#[specta::specta]
pub async fn login(
    app: AppHandle,
    state: State<'_, AppState>,
    homeserver: String,
    username: String,
    password: String,
    remember: bool,
) -> AppResult<SessionInfo> {
    if let Some(previous) = state.set_session(None) {
        previous.close().await;
    }
    let data_dir = &state.paths.data_dir;
    let session = if remember {
        Session::login(data_dir, &homeserver, &username, &password).await?
    } else {
        Session::login_this_run_only(data_dir, &homeserver, &username, &password).await?
    };
    events::attach(&app, &session);
    state.set_session(Some(session.clone()));
    Ok(session.info().await)
}

#[tauri::command]
#[specta::specta]
pub async fn logout(state: State<'_, AppState>) -> AppResult<()> {
    let session = state.session()?;
    state.set_session(None);
    session.logout().await
}

/// The sync's current state; its changes then come as `SyncStateChanged` events.
#[tauri::command]
#[specta::specta]
pub fn sync_state(state: State<'_, AppState>) -> AppResult<SyncState> {
    Ok(*state.session()?.sync_state().borrow())
}

#[tauri::command]
#[specta::specta]
pub async fn subscribe_room_list(state: State<'_, AppState>, on_update: Channel<RoomListBatch>) -> AppResult<()> {
    room_list::subscribe(&*state.session()?, move |batch| {
        let _ = on_update.send(batch);
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn open_timeline(state: State<'_, AppState>, room_id: String, on_update: Channel<TimelineBatch>) -> AppResult<()> {
    timeline::open(&*state.session()?, &room_id, move |batch| {
        let _ = on_update.send(batch);
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn close_timeline(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    timeline::close(&*state.session()?, &room_id);
    Ok(())
}

/// Loads older messages; `true` once the start of the room is reached.
#[tauri::command]
#[specta::specta]
pub async fn paginate_backwards(state: State<'_, AppState>, room_id: String) -> AppResult<bool> {
    timeline::paginate_backwards(&*state.session()?, &room_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn send_message(state: State<'_, AppState>, room_id: String, body: String) -> AppResult<()> {
    timeline::send_text(&*state.session()?, &room_id, &body).await
}

#[tauri::command]
#[specta::specta]
pub async fn retry_send(state: State<'_, AppState>, room_id: String, item_id: String) -> AppResult<()> {
    timeline::retry_send(&*state.session()?, &room_id, &item_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn discard_send(state: State<'_, AppState>, room_id: String, item_id: String) -> AppResult<()> {
    timeline::discard_send(&*state.session()?, &room_id, &item_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn mark_read(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    timeline::mark_read(&*state.session()?, &room_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn accept_invite(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    rooms::accept_invite(&*state.session()?, &room_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn decline_invite(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    rooms::decline_invite(&*state.session()?, &room_id).await
}

/// The id of the (new or existing) direct chat with `user_id`.
#[tauri::command]
#[specta::specta]
pub async fn create_dm(state: State<'_, AppState>, user_id: String) -> AppResult<String> {
    rooms::create_dm(&*state.session()?, &user_id).await
}

/// The id of the new room.
#[tauri::command]
#[specta::specta]
pub async fn create_room(state: State<'_, AppState>, name: String) -> AppResult<String> {
    rooms::create_room(&*state.session()?, &name).await
}

/// Whether this session is verified and the account's keys recoverable; its
/// changes then come as `SecurityStatusChanged` events.
#[tauri::command]
#[specta::specta]
pub fn security_status(state: State<'_, AppState>) -> AppResult<SecurityStatus> {
    Ok(*state.session()?.security().borrow())
}

/// Sets up the recovery key and returns it, to show once.
#[tauri::command]
#[specta::specta]
pub async fn enable_recovery(state: State<'_, AppState>) -> AppResult<String> {
    security::enable_recovery(&*state.session()?).await
}

/// Replaces the recovery key and returns the new one, to show once.
#[tauri::command]
#[specta::specta]
pub async fn reset_recovery_key(state: State<'_, AppState>) -> AppResult<String> {
    security::reset_recovery_key(&*state.session()?).await
}

#[tauri::command]
#[specta::specta]
pub async fn recover(state: State<'_, AppState>, recovery_key: String) -> AppResult<()> {
    security::recover(&*state.session()?, &recovery_key).await
}

#[tauri::command]
#[specta::specta]
pub async fn can_verify_with_another_session(state: State<'_, AppState>) -> AppResult<bool> {
    Ok(security::can_verify_with_another_session(&*state.session()?).await)
}

/// Sends a verification's steps through the channel the UI opened for it.
fn steps_to(channel: Channel<VerificationStep>) -> impl Fn(VerificationStep) + Send + Sync + 'static {
    move |step| {
        let _ = channel.send(step);
    }
}

/// Asks the user's other sessions to verify this one; returns the flow id.
#[tauri::command]
#[specta::specta]
pub async fn verify_this_session(state: State<'_, AppState>, on_step: Channel<VerificationStep>) -> AppResult<String> {
    verification::verify_this_session(&*state.session()?, steps_to(on_step)).await
}

/// Asks another user to verify each other by emojis (in the direct chat,
/// created if needed); returns the flow id.
#[tauri::command]
#[specta::specta]
pub async fn verify_user(state: State<'_, AppState>, user_id: String, on_step: Channel<VerificationStep>) -> AppResult<String> {
    verification::verify_user(&*state.session()?, &user_id, steps_to(on_step)).await
}

/// The room's joined and invited members, with how far they are trusted.
#[tauri::command]
#[specta::specta]
pub async fn room_members(state: State<'_, AppState>, room_id: String) -> AppResult<Vec<Member>> {
    members::room_members(&*state.session()?, &room_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn accept_verification(state: State<'_, AppState>, user_id: String, flow_id: String, on_step: Channel<VerificationStep>) -> AppResult<()> {
    verification::accept(&*state.session()?, &user_id, &flow_id, steps_to(on_step)).await
}

#[tauri::command]
#[specta::specta]
pub async fn confirm_verification(state: State<'_, AppState>, user_id: String, flow_id: String) -> AppResult<()> {
    verification::confirm(&*state.session()?, &user_id, &flow_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn refuse_verification(state: State<'_, AppState>, user_id: String, flow_id: String) -> AppResult<()> {
    verification::mismatch(&*state.session()?, &user_id, &flow_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_verification(state: State<'_, AppState>, user_id: String, flow_id: String) -> AppResult<()> {
    verification::cancel(&*state.session()?, &user_id, &flow_id).await
}

/// Saves the recovery key the user was just shown to a text file in their
/// Downloads folder (Documents, or home, if there is none); returns its path.
#[tauri::command]
#[specta::specta]
pub fn save_recovery_key(app: AppHandle, state: State<'_, AppState>, recovery_key: String) -> AppResult<String> {
    let session = state.session()?;
    let dir = user_files_dir(&app)?;
    let user_id = session.client().user_id().map(ToString::to_string).unwrap_or_default();
    security::write_recovery_key_file(&dir, &user_id, &recovery_key).map(|path| path.display().to_string())
}

/// Where files made for the user go: their Downloads folder (Documents, or
/// home, if there is none). The webview has no file system access of its own.
fn user_files_dir(app: &AppHandle) -> AppResult<PathBuf> {
    let paths = app.path();
    paths.download_dir().or_else(|_| paths.document_dir()).or_else(|_| paths.home_dir()).map_err(|e| AppError::storage("finding the downloads folder", e))
}

/// The user's sessions, this one first, then the most recently active.
#[tauri::command]
#[specta::specta]
pub async fn list_own_sessions(state: State<'_, AppState>) -> AppResult<Vec<OwnSession>> {
    devices::list_own_sessions(&*state.session()?).await
}

#[tauri::command]
#[specta::specta]
pub async fn rename_session(state: State<'_, AppState>, device_id: String, name: String) -> AppResult<()> {
    devices::rename_session(&*state.session()?, &device_id, &name).await
}

/// Signs out every other session (the account password confirms it); returns how many.
#[tauri::command]
#[specta::specta]
pub async fn sign_out_other_sessions(state: State<'_, AppState>, password: String) -> AppResult<u32> {
    devices::sign_out_other_sessions(&*state.session()?, &password).await
}

/// Signs out one other session; this one ends with `logout`.
#[tauri::command]
#[specta::specta]
pub async fn sign_out_session(state: State<'_, AppState>, device_id: String, password: String) -> AppResult<()> {
    devices::sign_out_session(&*state.session()?, &device_id, &password).await
}

/// Writes this session's room keys, encrypted with `passphrase`, to a new
/// file "Tchap - clés de chiffrement (AAAA-MM-JJ).txt" in the Downloads
/// folder (Documents, or home, if there is none); returns its path.
#[tauri::command]
#[specta::specta]
pub async fn export_room_keys_to_file(app: AppHandle, state: State<'_, AppState>, passphrase: String) -> AppResult<String> {
    let session = state.session()?;
    let dir = user_files_dir(&app)?;
    room_keys::export_room_keys_to_new_file(&session, &dir, &passphrase).await.map(|path| path.display().to_string())
}

/// Adds the room keys of an export file, as read by the user's file chooser, to this session's.
#[tauri::command]
#[specta::specta]
pub async fn import_room_keys_text(state: State<'_, AppState>, content: String, passphrase: String) -> AppResult<KeyImportResult> {
    let session = state.session()?;
    // The app's data folder: private to the user, whatever the session's persistence.
    room_keys::import_room_keys_text(&session, &state.paths.data_dir, &content, &passphrase).await
}
