//! Joining, declining and creating rooms; Tchap's room kinds (`create`),
//! membership (`membership`) and a room's settings (`settings`).

mod create;
mod membership;
mod settings;

use matrix_sdk::ruma::{UserId, events::room::power_levels::RoomPowerLevels};

use std::time::Duration;

pub use create::{NewRoomKind, create_room, create_room_of_kind};
pub use membership::{InviteOutcome, explain_refusal, invite, leave, remove_member};
pub use settings::{RoomDetails, open_to_externals, rename, room_details, set_topic};

use crate::context::SessionContext;
use crate::error::{AppError, AppResult, ErrorCode};

/// A room the user is in: the only ones whose settings and members they act on.
fn joined_room(session: &SessionContext, room_id: &str) -> AppResult<matrix_sdk::Room> {
    let room = session.known_room(room_id)?;
    if room.state() != matrix_sdk::RoomState::Joined {
        return Err(AppError::new(ErrorCode::RoomNotFound, "not a member of this room"));
    }
    Ok(room)
}

fn parse_user_id(user_id: &str) -> AppResult<matrix_sdk::ruma::OwnedUserId> {
    UserId::parse(user_id.trim()).map_err(|_| AppError::new(ErrorCode::InvalidUserId, "not a Matrix user id"))
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
    let room = session.known_room(room_id)?;
    room.join().await.map_err(|e| explain_refusal("join", &e, Some(room.own_user_id())))?;
    // The kind shown at once (the room list's sync does not bring the rule).
    if let Err(error) = crate::room_kind::fetch_rule(&room).await {
        tracing::warn!(code = ?error.code, "access rule of a joined room not fetched");
    }
    Ok(())
}

pub async fn decline_invite(session: &SessionContext, room_id: &str) -> AppResult<()> {
    session.known_room(room_id)?.leave().await.map_err(|e| room_error("leave", &e))
}

/// Opens the direct chat with `user_id`, creating it (encrypted) if there is
/// none yet. Refuses unknown users rather than inviting nobody.
pub async fn create_dm(session: &SessionContext, user_id: &str) -> AppResult<String> {
    let user_id = parse_user_id(user_id)?;
    let client = session.client();
    if client.user_id() == Some(&*user_id) {
        return Err(AppError::new(ErrorCode::InvalidUserId, "cannot start a chat with oneself"));
    }
    if let Some(room) = client.get_dm_room(&user_id) {
        return Ok(room.room_id().to_string());
    }
    ensure_user_exists(session, &user_id).await?;
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

/// Refuses unknown users rather than inviting nobody.
pub(crate) async fn ensure_user_exists(session: &SessionContext, user_id: &UserId) -> AppResult<()> {
    match session.client().account().fetch_user_profile_of(user_id).await {
        Ok(_) => Ok(()),
        // Synapse answers 404 for an unknown user, with M_NOT_FOUND or M_UNKNOWN.
        Err(error) if error.as_client_api_error().is_some_and(|e| e.status_code.as_u16() == 404) => {
            Err(AppError::new(ErrorCode::UserNotFound, "no profile for this user"))
        }
        Err(error) => Err(AppError::from_sdk("profile", &error)),
    }
}

/// The room's power levels. Right after a creation or a join the sync may
/// not have brought them yet: waits for it a little.
async fn power_levels(room: &matrix_sdk::Room) -> AppResult<RoomPowerLevels> {
    let deadline = tokio::time::Instant::now() + NEW_ROOM_SYNC_WAIT;
    let mut updates = room.subscribe_info();
    loop {
        match room.power_levels().await {
            Ok(levels) => return Ok(levels),
            Err(matrix_sdk_base::Error::InsufficientData) if tokio::time::Instant::now() < deadline => {
                // The next update of the room, or a moment if none comes.
                let next = tokio::time::timeout_at(deadline.min(tokio::time::Instant::now() + Duration::from_millis(500)), updates.next());
                let _ = next.await;
            }
            Err(error) => return Err(AppError::internal("power levels", error)),
        }
    }
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
