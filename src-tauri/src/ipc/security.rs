//! This session's verification and the account's recovery key.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, State};
use tchap_core::{
    error::{AppError, AppResult},
    security::{self, SecurityStatus},
    state::AppState,
};

use super::{logged, logged_sync};

/// Whether this session is verified and the account's keys recoverable; its
/// changes then come as `SecurityStatusChanged` events.
#[tauri::command]
#[specta::specta]
pub fn security_status(state: State<'_, AppState>) -> AppResult<SecurityStatus> {
    logged_sync("security_status", state.session().map(|s| *s.security().status().borrow()))
}

/// Sets up the recovery key and returns it, to show once.
#[tauri::command]
#[specta::specta]
pub async fn enable_recovery(state: State<'_, AppState>) -> AppResult<String> {
    logged("enable_recovery", async { security::enable_recovery(state.session()?.context()).await }).await
}

/// Replaces the recovery key and returns the new one, to show once.
#[tauri::command]
#[specta::specta]
pub async fn reset_recovery_key(state: State<'_, AppState>) -> AppResult<String> {
    logged("reset_recovery_key", async { security::reset_recovery_key(state.session()?.context()).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn recover(state: State<'_, AppState>, recovery_key: String) -> AppResult<()> {
    logged("recover", async { security::recover(state.session()?.context(), &recovery_key).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn can_verify_with_another_session(state: State<'_, AppState>) -> AppResult<bool> {
    logged("can_verify_with_another_session", async { Ok(security::can_verify_with_another_session(state.session()?.context()).await) }).await
}

/// Saves the recovery key the user was just shown to a text file in their
/// Downloads folder (Documents, or home, if there is none); returns its path.
#[tauri::command]
#[specta::specta]
pub async fn save_recovery_key(app: AppHandle, state: State<'_, AppState>, recovery_key: String) -> AppResult<String> {
    logged("save_recovery_key", async {
        let session = state.session()?;
        let dir = user_files_dir(&app)?;
        let user_id = session.client().user_id().map(ToString::to_string).unwrap_or_default();
        tchap_core::files::blocking(move || security::write_recovery_key_file(&dir, &user_id, &recovery_key))
            .await
            .map(|path| path.display().to_string())
    })
    .await
}

/// Where files made for the user go: their Downloads folder (Documents, or
/// home, if there is none). The webview has no file system access of its own.
pub(super) fn user_files_dir(app: &AppHandle) -> AppResult<PathBuf> {
    let paths = app.path();
    paths.download_dir().or_else(|_| paths.document_dir()).or_else(|_| paths.home_dir()).map_err(|e| AppError::storage("finding the downloads folder", e))
}
