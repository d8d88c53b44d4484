//! Typing notices: ours while the user writes (if allowed, the settings
//! dialog's switch), and who else writes in the room on screen, over a channel.

use tauri::{State, ipc::Channel};
use tchap_core::{
    error::AppResult,
    state::AppState,
    timeline::{NamedUser, typing::{self, TypingNotices}},
};

use super::{logged, logged_sync};

/// The user is writing in `room_id` (`true`, repeated while they write), or
/// stopped: sent, cleared, left the room.
#[tauri::command]
#[specta::specta]
pub async fn set_typing(state: State<'_, AppState>, notices: State<'_, TypingNotices>, room_id: String, typing: bool) -> AppResult<()> {
    logged("set_typing", async { notices.notify(state.session()?.context(), &room_id, typing).await }).await
}

/// Sends the others writing in `room_id` on `on_change` until `unwatch_typing`
/// or the window goes away. (async: the task needs the async runtime's thread.)
#[tauri::command]
#[specta::specta]
pub async fn watch_typing(state: State<'_, AppState>, room_id: String, on_change: Channel<Vec<NamedUser>>) -> AppResult<()> {
    logged_sync("watch_typing", state.session().and_then(|s| typing::watch(s.context(), &room_id, move |names| on_change.send(names).is_ok())))
}

#[tauri::command]
#[specta::specta]
pub fn unwatch_typing(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    logged_sync("unwatch_typing", state.session().map(|s| typing::unwatch(s.context(), &room_id)))
}

/// "Envoyer les indicateurs de saisie" (on by default).
#[tauri::command]
#[specta::specta]
pub fn typing_notices_enabled(notices: State<'_, TypingNotices>) -> bool {
    notices.enabled()
}

#[tauri::command]
#[specta::specta]
pub async fn set_typing_notices_enabled(notices: State<'_, TypingNotices>, enabled: bool) -> AppResult<()> {
    logged("set_typing_notices_enabled", notices.set_enabled(enabled)).await
}
