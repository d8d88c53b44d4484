//! Attachments: files the user picked, dropped or pasted, prepared (checked,
//! previewed) then sent to a room.
//!
//! A path from the UI is only read if the user offered it: chosen in the file
//! chooser (opened here) or dropped on the window. A script that got into the
//! page could otherwise name any file of the computer and send it away.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::Mutex,
};

use tauri::{AppHandle, State, ipc::InvokeBody};
use tauri_plugin_dialog::DialogExt;
use tchap_core::{
    error::{AppError, AppResult, ErrorCode},
    media::upload::{PreparedAttachment, upload_size_limit},
    state::AppState,
};

use super::logged;

/// The command whose argument is the file's bytes as the request body (no
/// JSON, no base64): tauri-specta cannot describe it, so it is registered
/// apart from the generated bindings.
pub const PREPARE_BYTES_COMMAND: &str = "prepare_attachment_bytes";
/// The pasted file's name, percent-encoded (headers are ASCII).
const NAME_HEADER: &str = "x-attachment-name";

/// The paths the user offered this run (chosen or dropped).
#[derive(Default)]
pub struct OfferedFiles(Mutex<HashSet<PathBuf>>);

impl OfferedFiles {
    pub fn offer(&self, paths: impl IntoIterator<Item = PathBuf>) {
        self.0.lock().unwrap().extend(paths);
    }

    fn check(&self, path: &Path) -> AppResult<()> {
        if self.0.lock().unwrap().contains(path) {
            Ok(())
        } else {
            Err(AppError::new(ErrorCode::Forbidden, "this file was neither chosen nor dropped by the user"))
        }
    }
}

/// The largest file the server accepts, in bytes (a JavaScript number).
#[tauri::command]
#[specta::specta]
pub async fn attachment_size_limit(state: State<'_, AppState>) -> AppResult<f64> {
    logged("attachment_size_limit", async { Ok(upload_size_limit(state.session()?.context()).await? as f64) }).await
}

/// Opens the system's file chooser (several files); the paths chosen, none if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn pick_attachment_files(app: AppHandle, offered: State<'_, OfferedFiles>) -> AppResult<Vec<String>> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog().file().pick_files(move |files| {
        let _ = sender.send(files.unwrap_or_default());
    });
    let chosen: Vec<PathBuf> = receiver.await.unwrap_or_default().into_iter().filter_map(|f| f.into_path().ok()).collect();
    offered.offer(chosen.iter().cloned());
    Ok(chosen.into_iter().map(|p| p.display().to_string()).collect())
}

/// Prepares a file the user chose or dropped (refused if too large, empty, a folder…).
#[tauri::command]
#[specta::specta]
pub async fn prepare_attachment_path(state: State<'_, AppState>, offered: State<'_, OfferedFiles>, path: String) -> AppResult<PreparedAttachment> {
    logged("prepare_attachment_path", async {
        let path = PathBuf::from(path);
        offered.check(&path)?;
        let session = state.session()?;
        session.attachments().prepare_path(session.context(), &path).await
    })
    .await
}

/// Prepares a pasted file: its bytes are the raw request body.
#[tauri::command]
pub async fn prepare_attachment_bytes(state: State<'_, AppState>, request: tauri::ipc::Request<'_>) -> AppResult<PreparedAttachment> {
    logged(PREPARE_BYTES_COMMAND, async {
        let InvokeBody::Raw(bytes) = request.body() else {
            return Err(AppError::new(ErrorCode::Internal, "a pasted file comes as raw bytes"));
        };
        let name = request
            .headers()
            .get(NAME_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(|value| percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned());
        let session = state.session()?;
        session.attachments().prepare_bytes(session.context(), name, bytes.clone()).await
    })
    .await
}

/// Sends a prepared file to the room; its progress shows in the timeline.
#[tauri::command]
#[specta::specta]
pub async fn send_attachment(state: State<'_, AppState>, room_id: String, id: String) -> AppResult<()> {
    logged("send_attachment", async {
        let session = state.session()?;
        session.attachments().send(session.context(), &room_id, &id).await
    })
    .await
}

/// Forgets a prepared file ("Annuler").
#[tauri::command]
#[specta::specta]
pub fn discard_attachment(state: State<'_, AppState>, id: String) -> AppResult<()> {
    super::logged_sync("discard_attachment", state.session().map(|s| s.attachments().discard(&id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_the_user_chose_or_dropped_may_be_read() {
        let offered = OfferedFiles::default();
        offered.offer([PathBuf::from("/home/marie/Bureau/plan.pdf")]);
        assert!(offered.check(Path::new("/home/marie/Bureau/plan.pdf")).is_ok());
        let refused = offered.check(Path::new("/home/marie/.ssh/id_ed25519")).unwrap_err();
        assert_eq!(refused.code, ErrorCode::Forbidden);
    }
}
