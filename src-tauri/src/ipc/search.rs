//! Message search from the local index: one room, or every joined room;
//! and whether older history is still being indexed.

use tauri::{State, ipc::Channel};
use tchap_core::{error::AppResult, search::SearchHit, state::AppState};

use super::{logged, logged_sync};

/// Messages of `room_id` with every word of `query`, newest first.
#[tauri::command]
#[specta::specta]
pub async fn search_room_messages(state: State<'_, AppState>, room_id: String, query: String) -> AppResult<Vec<SearchHit>> {
    logged("search_room_messages", async { state.session()?.search().search_room(&room_id, &query).await }).await
}

/// Messages of every joined room with every word of `query`, newest first.
#[tauri::command]
#[specta::specta]
pub async fn search_all_messages(state: State<'_, AppState>, query: String) -> AppResult<Vec<SearchHit>> {
    logged("search_all_messages", async { state.session()?.search().search_all(&query).await }).await
}

/// Sends how many joined rooms still have older history to index, then each
/// change, for as long as the session lives.
#[tauri::command]
#[specta::specta]
pub async fn watch_search_indexing(state: State<'_, AppState>, on_change: Channel<u32>) -> AppResult<()> {
    logged_sync("watch_search_indexing", state.session().map(|session| {
        let mut pending = session.search().indexing();
        session.context().spawn("ipc-search-indexing", async move {
            loop {
                let current = *pending.borrow_and_update();
                // The window went away (reloaded): its channel is gone.
                if on_change.send(current).is_err() || pending.changed().await.is_err() {
                    break;
                }
            }
        });
    }))
}
