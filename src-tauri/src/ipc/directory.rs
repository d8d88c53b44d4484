//! Finding people and rooms: the directory search, forums of every server,
//! email invitations, hiding one's profile from the directory.

use tauri::State;
use tchap_core::{
    directory::{self, ForumPage, ForumServer, PendingEmailInvite, PersonSearch},
    error::AppResult,
    state::AppState,
};

use super::{logged, logged_sync};

/// People whose name or Matrix ID matches `term` (2 characters at least).
#[tauri::command]
#[specta::specta]
pub async fn search_people(state: State<'_, AppState>, term: String) -> AppResult<PersonSearch> {
    logged("search_people", async { directory::search_people(state.session()?.context(), &term).await }).await
}

/// The servers whose forums can be browsed, the user's own first.
#[tauri::command]
#[specta::specta]
pub fn forum_servers(state: State<'_, AppState>) -> AppResult<Vec<ForumServer>> {
    logged_sync("forum_servers", state.session().and_then(|session| directory::forum_servers(session.context(), &state.config.servers)))
}

/// A page of `server_name`'s forums; `since` is the previous page's `nextBatch`.
#[tauri::command]
#[specta::specta]
pub async fn list_forums(state: State<'_, AppState>, server_name: String, term: Option<String>, since: Option<String>) -> AppResult<ForumPage> {
    logged("list_forums", async {
        directory::list_forums(state.session()?.context(), &state.config.servers, &server_name, term.as_deref(), since).await
    })
    .await
}

/// Joins a forum through the server that lists it; returns the room id.
#[tauri::command]
#[specta::specta]
pub async fn join_forum(state: State<'_, AppState>, room_id: String, server_name: String) -> AppResult<String> {
    logged("join_forum", async { directory::join_forum(state.session()?.context(), &room_id, &server_name).await }).await
}

/// Invites by email someone who may have no account yet.
#[tauri::command]
#[specta::specta]
pub async fn invite_by_email(state: State<'_, AppState>, room_id: String, email: String) -> AppResult<()> {
    logged("invite_by_email", async {
        directory::invite_by_email(state.session()?.context(), &state.config.servers, &room_id, &email).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn pending_email_invites(state: State<'_, AppState>, room_id: String) -> AppResult<Vec<PendingEmailInvite>> {
    logged("pending_email_invites", async { directory::pending_email_invites(state.session()?.context(), &room_id).await }).await
}

/// Whether the user's profile is hidden from the directory ("liste rouge").
#[tauri::command]
#[specta::specta]
pub async fn profile_hidden(state: State<'_, AppState>) -> AppResult<bool> {
    logged("profile_hidden", async { directory::is_profile_hidden(state.session()?.context()).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_profile_hidden(state: State<'_, AppState>, hidden: bool) -> AppResult<()> {
    logged("set_profile_hidden", async { directory::set_profile_hidden(state.session()?.context(), hidden).await }).await
}
