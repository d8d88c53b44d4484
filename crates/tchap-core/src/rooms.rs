//! Joining, declining and creating rooms.

use matrix_sdk::ruma::{
    UserId,
    api::client::room::create_room::v3::{Request as CreateRoomRequest, RoomPreset},
    events::{InitialStateEvent, room::encryption::RoomEncryptionEventContent},
};

use std::time::Duration;

use crate::context::SessionContext;
use crate::error::{AppError, AppResult, ErrorCode};

fn invited_room(session: &SessionContext, room_id: &str) -> AppResult<matrix_sdk::Room> {
    let id = matrix_sdk::ruma::RoomId::parse(room_id).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))?;
    session.client().get_room(&id).ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "unknown room"))
}

/// "Not found" on a room's endpoint is the room that is gone.
fn room_error(context: &str, error: &matrix_sdk::Error) -> AppError {
    match AppError::from_sdk(context, error) {
        e if e.code == ErrorCode::NotFound => AppError::new(ErrorCode::RoomNotFound, e.message),
        e => e,
    }
}

const NEW_ROOM_SYNC_WAIT: Duration = Duration::from_secs(10);

pub async fn accept_invite(session: &SessionContext, room_id: &str) -> AppResult<()> {
    invited_room(session, room_id)?.join().await.map_err(|e| room_error("join", &e))
}

pub async fn decline_invite(session: &SessionContext, room_id: &str) -> AppResult<()> {
    invited_room(session, room_id)?.leave().await.map_err(|e| room_error("leave", &e))
}

/// Opens the direct chat with `user_id`, creating it (encrypted) if there is
/// none yet. Refuses unknown users rather than inviting nobody.
pub async fn create_dm(session: &SessionContext, user_id: &str) -> AppResult<String> {
    let user_id = UserId::parse(user_id.trim()).map_err(|_| AppError::new(ErrorCode::InvalidUserId, "not a Matrix user id"))?;
    let client = session.client();
    if client.user_id() == Some(&*user_id) {
        return Err(AppError::new(ErrorCode::InvalidUserId, "cannot start a chat with oneself"));
    }
    if let Some(room) = client.get_dm_room(&user_id) {
        return Ok(room.room_id().to_string());
    }
    if let Err(error) = client.account().fetch_user_profile_of(&user_id).await {
        // Synapse answers 404 for an unknown user, with M_NOT_FOUND or M_UNKNOWN.
        let is_unknown_user = error.as_client_api_error().is_some_and(|e| e.status_code.as_u16() == 404);
        return Err(if is_unknown_user {
            AppError::new(ErrorCode::UserNotFound, "no profile for this user")
        } else {
            AppError::from_sdk("profile", &error)
        });
    }
    let room = client.create_dm(&user_id).await.map_err(|e| AppError::from_sdk("create dm", &e))?;
    ensure_encrypted(&room).await?;
    // The list then shows a DM at once, and asking again for a chat with the
    // same person finds this one.
    let is_dm = |room: &matrix_sdk::Room| room.direct_targets().iter().any(|target| target.as_user_id() == Some(&*user_id));
    if !wait_for_sync_of_new_room(&room, is_dm).await {
        tracing::warn!(room_id = %room.room_id(), "new DM not yet marked direct by sync");
    }
    Ok(room.room_id().to_string())
}

/// Our copy of a new room learns from the next sync what its creation set
/// up (the encryption, the DM mark). Until then the send queue would take it
/// for an unencrypted room and send the first message in clear: wait (briefly)
/// until the room is known as `ready`. Returns false if it did not come.
async fn wait_for_sync_of_new_room(room: &matrix_sdk::Room, ready: impl Fn(&matrix_sdk::Room) -> bool) -> bool {
    let mut updates = room.subscribe_info();
    let wait = async {
        while !ready(room) {
            if updates.next().await.is_none() {
                break;
            }
        }
    };
    tokio::time::timeout(NEW_ROOM_SYNC_WAIT, wait).await.is_ok() && ready(room)
}

/// Waits until the new room is known as encrypted; if sync is too slow,
/// enables encryption explicitly (the SDK then fetches the state itself).
async fn ensure_encrypted(room: &matrix_sdk::Room) -> AppResult<()> {
    if wait_for_sync_of_new_room(room, |room| room.encryption_state().is_encrypted()).await {
        return Ok(());
    }
    tracing::warn!(room_id = %room.room_id(), "new room not yet known as encrypted by sync");
    room.enable_encryption().await.map_err(|e| AppError::from_sdk("enabling encryption", &e))
}

/// Creates a private, encrypted room, as Element does by default.
pub async fn create_room(session: &SessionContext, name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::new(ErrorCode::Internal, "empty room name"));
    }
    let mut request = CreateRoomRequest::new();
    request.name = Some(name.to_owned());
    request.preset = Some(RoomPreset::PrivateChat);
    request.initial_state =
        vec![InitialStateEvent::with_empty_state_key(RoomEncryptionEventContent::with_recommended_defaults()).to_raw_any()];
    let room = session.client().create_room(request).await.map_err(|e| AppError::from_sdk("create room", &e))?;
    ensure_encrypted(&room).await?;
    Ok(room.room_id().to_string())
}
