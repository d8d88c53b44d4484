//! The room list, invitations, new rooms and direct chats, members; a
//! room's kind, settings and membership.

use tauri::{State, ipc::Channel};
use tchap_core::{
    error::AppResult,
    members::{self, Member},
    room_list::{self, RoomListBatch},
    rooms::{self, InviteOutcome, NewRoomKind, RoomDetails},
    state::AppState,
};

use super::logged;

#[tauri::command]
#[specta::specta]
pub async fn subscribe_room_list(state: State<'_, AppState>, on_update: Channel<RoomListBatch>) -> AppResult<()> {
    logged("subscribe_room_list", async {
        let session = state.session()?;
        room_list::subscribe(session.context(), move |batch| {
            let _ = on_update.send(batch);
        })
        .await

    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn accept_invite(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    logged("accept_invite", async { rooms::accept_invite(state.session()?.context(), &room_id).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn decline_invite(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    logged("decline_invite", async { rooms::decline_invite(state.session()?.context(), &room_id).await }).await
}

/// The id of the (new or existing) direct chat with `user_id`.
#[tauri::command]
#[specta::specta]
pub async fn create_dm(state: State<'_, AppState>, user_id: String) -> AppResult<String> {
    logged("create_dm", async { rooms::create_dm(state.session()?.context(), &user_id).await }).await
}

/// The id of the new room.
#[tauri::command]
#[specta::specta]
pub async fn create_room(state: State<'_, AppState>, name: String, kind: NewRoomKind) -> AppResult<String> {
    logged("create_room", async { rooms::create_room_of_kind(state.session()?.context(), &name, kind).await }).await
}

/// The room's joined and invited members, with how far they are trusted.
#[tauri::command]
#[specta::specta]
pub async fn room_members(state: State<'_, AppState>, room_id: String) -> AppResult<Vec<Member>> {
    logged("room_members", async { members::room_members(state.session()?.context(), &room_id).await }).await
}

/// The room's kind, name, topic and what the user may change.
#[tauri::command]
#[specta::specta]
pub async fn room_details(state: State<'_, AppState>, room_id: String) -> AppResult<RoomDetails> {
    logged("room_details", async { rooms::room_details(state.session()?.context(), &room_id).await }).await
}

/// `confirmExternal`: the user was warned that the person is external.
#[tauri::command]
#[specta::specta]
pub async fn invite_to_room(state: State<'_, AppState>, room_id: String, user_id: String, confirm_external: bool) -> AppResult<InviteOutcome> {
    logged("invite_to_room", async { rooms::invite(state.session()?.context(), &room_id, &user_id, confirm_external).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn leave_room(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    logged("leave_room", async { rooms::leave(state.session()?.context(), &room_id).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_member(state: State<'_, AppState>, room_id: String, user_id: String) -> AppResult<()> {
    logged("remove_member", async { rooms::remove_member(state.session()?.context(), &room_id, &user_id).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn rename_room(state: State<'_, AppState>, room_id: String, name: String) -> AppResult<()> {
    logged("rename_room", async { rooms::rename(state.session()?.context(), &room_id, &name).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_room_topic(state: State<'_, AppState>, room_id: String, topic: String) -> AppResult<()> {
    logged("set_room_topic", async { rooms::set_topic(state.session()?.context(), &room_id, &topic).await }).await
}

/// A private room opened to externals, for good.
#[tauri::command]
#[specta::specta]
pub async fn open_room_to_externals(state: State<'_, AppState>, room_id: String) -> AppResult<()> {
    logged("open_room_to_externals", async { rooms::open_to_externals(state.session()?.context(), &room_id).await }).await
}
