//! An open room: its timeline over a channel, sending, read receipts.

use tauri::{State, ipc::Channel};
use tchap_core::{error::AppResult, state::AppState, timeline::TimelineBatch};

use super::{logged, logged_sync};

#[tauri::command]
#[specta::specta]
pub async fn open_timeline(state: State<'_, AppState>, room_id: String, on_update: Channel<TimelineBatch>) -> AppResult<()> {
    logged("open_timeline", async {
        state
            .session()?
            .timelines()
            .open(&room_id, move |batch| {
                let _ = on_update.send(batch);
            })
            .await
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn close_timeline(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    logged_sync("close_timeline", state.session().map(|s| s.timelines().close(&room_id)))
}

/// Loads older messages; `true` once the start of the room is reached.
#[tauri::command]
#[specta::specta]
pub async fn paginate_backwards(state: State<'_, AppState>, room_id: String) -> AppResult<bool> {
    logged("paginate_backwards", async { state.session()?.timelines().paginate_backwards(&room_id).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn send_message(state: State<'_, AppState>, room_id: String, body: String) -> AppResult<()> {
    logged("send_message", async { state.session()?.timelines().send_text(&room_id, &body).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn retry_send(state: State<'_, AppState>, room_id: String, item_id: String) -> AppResult<()> {
    logged("retry_send", async { state.session()?.timelines().retry_send(&room_id, &item_id).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn discard_send(state: State<'_, AppState>, room_id: String, item_id: String) -> AppResult<()> {
    logged("discard_send", async { state.session()?.timelines().discard_send(&room_id, &item_id).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn mark_read(state: State<'_, AppState>, room_id: String, event_id: String) -> AppResult<()> {
    logged("mark_read", async { state.session()?.timelines().mark_read(&room_id, &event_id).await }).await
}

/// Adds our `key` reaction to a message, or takes it back; `true` when added.
#[tauri::command]
#[specta::specta]
pub async fn toggle_reaction(state: State<'_, AppState>, room_id: String, item_id: String, key: String) -> AppResult<bool> {
    logged("toggle_reaction", async { state.session()?.timelines().toggle_reaction(&room_id, &item_id, &key).await }).await
}
