//! Joining, declining and creating rooms.

use matrix_sdk::ruma::{
    UserId,
    api::client::room::create_room::v3::{Request as CreateRoomRequest, RoomPreset},
    events::{InitialStateEvent, room::encryption::RoomEncryptionEventContent},
};

use super::session::Session;
use crate::error::{AppError, AppResult, ErrorCode};

fn invited_room(session: &Session, room_id: &str) -> AppResult<matrix_sdk::Room> {
    let id = matrix_sdk::ruma::RoomId::parse(room_id).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))?;
    session.client().get_room(&id).ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "unknown room"))
}

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
        let error = AppError::from_sdk("profile", &error);
        return Err(match error.code {
            ErrorCode::RoomNotFound => AppError::new(ErrorCode::UserNotFound, error.message),
            _ => error,
        });
    }
    let room = client.create_dm(&user_id).await.map_err(|e| AppError::from_sdk("create dm", &e))?;
    Ok(room.room_id().to_string())
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
