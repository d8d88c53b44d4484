//! An open room: its timeline over a channel, sending, read receipts.

use tauri::{State, ipc::Channel};
use tchap_core::{
    error::AppResult,
    state::AppState,
    timeline::{ComposedMessage, Draft, TimelineBatch},
};

use super::logged;

#[tauri::command]
#[specta::specta]
pub async fn open_timeline(
    state: State<'_, AppState>,
    room_id: String,
    at_event: Option<String>,
    on_update: Channel<TimelineBatch>,
) -> AppResult<()> {
    logged("open_timeline", async {
        let sink = move |batch| {
            let _ = on_update.send(batch);
        };
        let session = state.session()?;
        let timelines = session.timelines();
        match at_event {
            Some(event_id) => timelines.open_at(&room_id, &event_id, sink).await,
            None => timelines.open(&room_id, sink).await,
        }
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn close_timeline(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    logged("close_timeline", async {
        state.session()?.timelines().close(&room_id).await;
        Ok(())
    })
    .await
}

/// The reader is back at the latest messages of a room read far back: the
/// live timeline starts afresh on its channel so older messages are let go
/// of (they load again when needed); `true` when it did.
#[tauri::command]
#[specta::specta]
pub async fn lighten_timeline(state: State<'_, AppState>, room_id: String) -> AppResult<bool> {
    logged("lighten_timeline", async { state.session()?.timelines().lighten(&room_id).await }).await
}

/// The reader reads on far from where the timeline started: it is replaced,
/// on its channel, by the history around `event_id` (the message the reader
/// is at), so that only a window of the room is held; unchanged on failure.
#[tauri::command]
#[specta::specta]
pub async fn recentre_timeline(state: State<'_, AppState>, room_id: String, event_id: String) -> AppResult<()> {
    logged("recentre_timeline", async { state.session()?.timelines().recentre(&room_id, &event_id).await }).await
}

/// Loads older messages; `true` once the start of the room is reached.
#[tauri::command]
#[specta::specta]
pub async fn paginate_backwards(state: State<'_, AppState>, room_id: String) -> AppResult<bool> {
    logged("paginate_backwards", async { state.session()?.timelines().paginate_backwards(&room_id).await }).await
}

/// Loads newer messages of a timeline opened at an event; `true` once the
/// latest are reached.
#[tauri::command]
#[specta::specta]
pub async fn paginate_forwards(state: State<'_, AppState>, room_id: String) -> AppResult<bool> {
    logged("paginate_forwards", async { state.session()?.timelines().paginate_forwards(&room_id).await }).await
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

/// Sends a message with its mentions; a reply when `in_reply_to` (an event id) is given.
#[tauri::command]
#[specta::specta]
pub async fn send_composed(state: State<'_, AppState>, room_id: String, message: ComposedMessage, in_reply_to: Option<String>) -> AppResult<()> {
    logged("send_composed", async { state.session()?.timelines().send_composed(&room_id, &message, in_reply_to.as_deref()).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn edit_message(state: State<'_, AppState>, room_id: String, item_id: String, message: ComposedMessage) -> AppResult<()> {
    logged("edit_message", async { state.session()?.timelines().edit(&room_id, &item_id, &message).await }).await
}

/// Keeps a composer's unsent text across restarts: the room's, or a thread's
/// answer (`thread_root`), with the message it replies to; an empty message clears it.
#[tauri::command]
#[specta::specta]
pub async fn save_draft(
    state: State<'_, AppState>,
    room_id: String,
    thread_root: Option<String>,
    message: ComposedMessage,
    reply_to: Option<String>,
) -> AppResult<()> {
    logged("save_draft", async {
        state.session()?.timelines().save_draft(&room_id, thread_root.as_deref(), &message, reply_to.as_deref()).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn load_draft(state: State<'_, AppState>, room_id: String, thread_root: Option<String>) -> AppResult<Option<Draft>> {
    logged("load_draft", async { state.session()?.timelines().load_draft(&room_id, thread_root.as_deref()).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn redact_message(state: State<'_, AppState>, room_id: String, item_id: String) -> AppResult<()> {
    logged("redact_message", async { state.session()?.timelines().redact(&room_id, &item_id).await }).await
}

/// Fetches the message a reply quotes; the quote updates through the timeline channel.
#[tauri::command]
#[specta::specta]
pub async fn load_reply_details(state: State<'_, AppState>, room_id: String, event_id: String) -> AppResult<()> {
    logged("load_reply_details", async { state.session()?.timelines().load_reply_details(&room_id, &event_id).await }).await
}

/// Whether the user may notify the whole room with `@room`.
#[tauri::command]
#[specta::specta]
pub async fn can_mention_room(state: State<'_, AppState>, room_id: String) -> AppResult<bool> {
    logged("can_mention_room", async { state.session()?.timelines().can_mention_room(&room_id).await }).await
}

/// Adds our `key` reaction to a message, or takes it back; `true` when added.
#[tauri::command]
#[specta::specta]
pub async fn toggle_reaction(state: State<'_, AppState>, room_id: String, item_id: String, key: String) -> AppResult<bool> {
    logged("toggle_reaction", async { state.session()?.timelines().toggle_reaction(&room_id, &item_id, &key).await }).await
}
