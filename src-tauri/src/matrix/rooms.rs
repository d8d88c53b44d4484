//! Joining, declining and creating rooms.

use matrix_sdk::ruma::{
    UserId,
    api::client::room::create_room::v3::{Request as CreateRoomRequest, RoomPreset},
    events::{InitialStateEvent, room::encryption::RoomEncryptionEventContent},
};

use std::time::Duration;

use super::session::Session;
use crate::error::{AppError, AppResult, ErrorCode};

fn invited_room(session: &Session, room_id: &str) -> AppResult<matrix_sdk::Room> {
    let id = matrix_sdk::ruma::RoomId::parse(room_id).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))?;
    session.client().get_room(&id).ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "unknown room"))
}

const DM_SYNC_WAIT: Duration = Duration::from_secs(10);

pub async fn accept_invite(session: &Session, room_id: &str) -> AppResult<()> {
    invited_room(session, room_id)?.join().await.map_err(|e| AppError::from_sdk("join", &e))
}

pub async fn decline_invite(session: &Session, room_id: &str) -> AppResult<()> {
    invited_room(session, room_id)?.leave().await.map_err(|e| AppError::from_sdk("leave", &e))
}

/// Opens the direct chat with `user_id`, creating it (encrypted) if there is
/// none yet. Refuses unknown users rather than inviting nobody.
pub async fn create_dm(session: &Session, user_id: &str) -> AppResult<String> {
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
    wait_until_known_as_dm(&room, &user_id).await;
    Ok(room.room_id().to_string())
}

/// The SDK marks the new room as direct on the server; our copy learns it from
/// the next sync. Waiting for it (briefly) means the list shows a DM at once
/// and asking again for a chat with the same person finds this one.
async fn wait_until_known_as_dm(room: &matrix_sdk::Room, user_id: &UserId) {
    let is_dm = || room.direct_targets().iter().any(|target| target.as_user_id() == Some(user_id));
    let mut updates = room.subscribe_info();
    let wait = async {
        while !is_dm() {
            if updates.next().await.is_none() {
                break;
            }
        }
    };
    if tokio::time::timeout(DM_SYNC_WAIT, wait).await.is_err() {
        tracing::warn!(room_id = %room.room_id(), "new DM not yet marked direct by sync");
    }
}

/// Creates a private, encrypted room, as Element does by default.
pub async fn create_room(session: &Session, name: &str) -> AppResult<String> {
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
    Ok(room.room_id().to_string())
}
