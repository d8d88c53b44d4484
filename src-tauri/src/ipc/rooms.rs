//! The room list, invitations, new rooms and direct chats, members.

use tauri::{State, ipc::Channel};
use tchap_core::{
    error::AppResult,
    members::{self, Member},
    room_list::{self, RoomListBatch},
    rooms,
    state::AppState,
};

use super::logged;

#[tauri::command]
#[specta::specta]
pub async fn subscribe_room_list(state: State<'_, AppState>, on_update: Channel<RoomListBatch>) -> AppResult<()> {
    logged("subscribe_room_list", async {
        room_list::subscribe(state.session()?.context(), move |batch| {
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
pub async fn create_room(state: State<'_, AppState>, name: String) -> AppResult<String> {
    logged("create_room", async { rooms::create_room(state.session()?.context(), &name).await }).await
}

/// The room's joined and invited members, with how far they are trusted.
#[tauri::command]
#[specta::specta]
pub async fn room_members(state: State<'_, AppState>, room_id: String) -> AppResult<Vec<Member>> {
    logged("room_members", async { members::room_members(state.session()?.context(), &room_id).await }).await
}
