//! Settings → Security: the user's sessions and the room key files.

use tauri::{AppHandle, State};
use tchap_core::{
    devices::{self, OwnSession},
    error::AppResult,
    room_keys::{self, KeyImportResult},
    state::AppState,
};

use super::{logged, security::user_files_dir};

/// The user's sessions, this one first, then the most recently active.
#[tauri::command]
#[specta::specta]
pub async fn list_own_sessions(state: State<'_, AppState>) -> AppResult<Vec<OwnSession>> {
    logged("list_own_sessions", async { devices::list_own_sessions(state.session()?.context()).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn rename_session(state: State<'_, AppState>, device_id: String, name: String) -> AppResult<()> {
    logged("rename_session", async { devices::rename_session(state.session()?.context(), &device_id, &name).await }).await
}

/// Signs out every other session (the account password confirms it); returns how many.
#[tauri::command]
#[specta::specta]
pub async fn sign_out_other_sessions(state: State<'_, AppState>, password: String) -> AppResult<u32> {
    logged("sign_out_other_sessions", async { devices::sign_out_other_sessions(state.session()?.context(), &password).await }).await
}

/// Signs out one other session; this one ends with `logout`.
#[tauri::command]
#[specta::specta]
pub async fn sign_out_session(state: State<'_, AppState>, device_id: String, password: String) -> AppResult<()> {
    logged("sign_out_session", async { devices::sign_out_session(state.session()?.context(), &device_id, &password).await }).await
}

/// Writes this session's room keys, encrypted with `passphrase`, to a new
/// file "Tchap - clés de chiffrement (AAAA-MM-JJ).txt" in the Downloads
/// folder (Documents, or home, if there is none); returns its path.
#[tauri::command]
#[specta::specta]
pub async fn export_room_keys_to_file(app: AppHandle, state: State<'_, AppState>, passphrase: String) -> AppResult<String> {
    logged("export_room_keys_to_file", async {
        let session = state.session()?;
        let dir = user_files_dir(&app)?;
        room_keys::export_room_keys_to_new_file(session.context(), &dir, &passphrase).await.map(|path| path.display().to_string())
    })
    .await
}

/// Adds the room keys of an export file, as read by the user's file chooser, to this session's.
#[tauri::command]
#[specta::specta]
pub async fn import_room_keys_text(state: State<'_, AppState>, content: String, passphrase: String) -> AppResult<KeyImportResult> {
    logged("import_room_keys_text", async {
        let session = state.session()?;
        // The app's data folder: private to the user, whatever the session's persistence.
        room_keys::import_room_keys_text(session.context(), &state.paths.data_dir, &content, &passphrase).await
    })
    .await
}
