//! A thread beside its room: its replies over a channel, answering in it;
//! and the list of a room's threads.

use tauri::{State, ipc::Channel};
use tchap_core::{
    error::AppResult,
    state::AppState,
    timeline::{ThreadListBatch, TimelineBatch},
};

use super::{logged, logged_sync};

#[tauri::command]
#[specta::specta]
pub async fn open_thread(state: State<'_, AppState>, room_id: String, root_event_id: String, on_update: Channel<TimelineBatch>) -> AppResult<()> {
    logged("open_thread", async {
        let sink = move |batch| {
            let _ = on_update.send(batch);
        };
        state.session()?.timelines().open_thread(&room_id, &root_event_id, sink).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn close_thread(state: State<'_, AppState>, room_id: String, root_event_id: String) -> AppResult<()> {
    logged_sync("close_thread", state.session().map(|s| s.timelines().close_thread(&room_id, &root_event_id)))
}

/// Loads older replies; `true` once the thread's first message is reached.
#[tauri::command]
#[specta::specta]
pub async fn paginate_thread(state: State<'_, AppState>, room_id: String, root_event_id: String) -> AppResult<bool> {
    logged("paginate_thread", async { state.session()?.timelines().paginate_thread(&room_id, &root_event_id).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn send_in_thread(state: State<'_, AppState>, room_id: String, root_event_id: String, body: String) -> AppResult<()> {
    logged("send_in_thread", async { state.session()?.timelines().send_in_thread(&room_id, &root_event_id, &body).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn mark_thread_read(state: State<'_, AppState>, room_id: String, root_event_id: String) -> AppResult<()> {
    logged("mark_thread_read", async { state.session()?.timelines().mark_thread_read(&room_id, &root_event_id).await }).await
}

/// Lists the room's threads over `on_update` and loads the first page.
#[tauri::command]
#[specta::specta]
pub async fn open_thread_list(state: State<'_, AppState>, room_id: String, on_update: Channel<ThreadListBatch>) -> AppResult<()> {
    logged("open_thread_list", async {
        let sink = move |batch| {
            let _ = on_update.send(batch);
        };
        state.session()?.timelines().open_thread_list(&room_id, sink).await
    })
    .await
}

/// Loads older threads; `true` once every thread is listed.
#[tauri::command]
#[specta::specta]
pub async fn paginate_thread_list(state: State<'_, AppState>, room_id: String) -> AppResult<bool> {
    logged("paginate_thread_list", async { state.session()?.timelines().paginate_thread_list(&room_id).await }).await
}

#[tauri::command]
#[specta::specta]
pub fn close_thread_list(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    logged_sync("close_thread_list", state.session().map(|s| s.timelines().close_thread_list(&room_id)))
}
