//! Inviting, leaving, removing a member, under Tchap's rules: externals only
//! in rooms open to them, and only moderators remove people.

use matrix_sdk::ruma::UserId;
use serde::Serialize;

use super::{ensure_user_exists, joined_room, parse_user_id, power_levels, room_error};
use crate::{
    context::SessionContext,
    error::{AppError, AppResult, ErrorCode},
    identity::is_external,
    room_kind::{RoomAccess, current_access},
};

/// What `synapse-room-access-rules` answers when it refuses an event (403).
const ROOM_RULES_REFUSAL: &str = "This event is not allowed in this context";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum InviteOutcome {
    Invited,
    /// The person is outside the administration: ask the user to confirm,
    /// then invite again with `confirm_external`. Nothing was sent.
    ConfirmExternal,
}

/// Invites `user_id`. An external is refused in rooms closed to externals
/// before asking the server, and needs `confirm_external` in rooms open to them.
pub async fn invite(session: &SessionContext, room_id: &str, user_id: &str, confirm_external: bool) -> AppResult<InviteOutcome> {
    let room = joined_room(session, room_id)?;
    let user_id = parse_user_id(user_id)?;
    let own_id = room.own_user_id();
    let power_levels = power_levels(&room).await?;
    if !power_levels.user_can_invite(own_id) {
        return Err(AppError::new(ErrorCode::Forbidden, "not allowed to invite here"));
    }
    let external = is_external(user_id.server_name().as_str());
    match current_access(&room).await? {
        RoomAccess::Direct => return Err(AppError::new(ErrorCode::RoomRulesRefused, "a direct chat has two members")),
        RoomAccess::Private | RoomAccess::Forum if external => {
            return Err(AppError::new(ErrorCode::ExternalsNotAllowed, "externals are refused in this room"));
        }
        RoomAccess::PrivateOpenToExternals if external && !confirm_external => return Ok(InviteOutcome::ConfirmExternal),
        _ => {}
    }
    ensure_user_exists(session, &user_id).await?;
    room.invite_user_by_id(&user_id).await.map_err(|e| explain_refusal("invite", &e, Some(&user_id)))?;
    Ok(InviteOutcome::Invited)
}

/// Leaves a joined room (an invitation is declined with `decline_invite`).
pub async fn leave(session: &SessionContext, room_id: &str) -> AppResult<()> {
    joined_room(session, room_id)?.leave().await.map_err(|e| room_error("leave", &e))
}

/// Removes a member (a kick): moderators only, and never someone of the
/// same level or above.
pub async fn remove_member(session: &SessionContext, room_id: &str, user_id: &str) -> AppResult<()> {
    let room = joined_room(session, room_id)?;
    let user_id = parse_user_id(user_id)?;
    let power_levels = power_levels(&room).await?;
    if !power_levels.user_can_kick_user(room.own_user_id(), &user_id) {
        return Err(AppError::new(ErrorCode::Forbidden, "not allowed to remove this member"));
    }
    room.kick_user(&user_id, None).await.map_err(|e| explain_refusal("kick", &e, None))
}

/// A server's refusal in the user's terms: the access rules module's 403
/// becomes `externals_not_allowed` when `member` (the person joining or
/// invited) is external, else `room_rules_refused`.
pub fn explain_refusal(context: &str, error: &matrix_sdk::Error, member: Option<&UserId>) -> AppError {
    let refused_by_rules = error.as_client_api_error().is_some_and(|e| {
        e.status_code.as_u16() == 403
            && matches!(&e.body, matrix_sdk::ruma::api::error::ErrorBody::Standard(body) if body.message.contains(ROOM_RULES_REFUSAL))
    });
    if !refused_by_rules {
        return room_error(context, error);
    }
    let code = if member.is_some_and(|m| is_external(m.server_name().as_str())) { ErrorCode::ExternalsNotAllowed } else { ErrorCode::RoomRulesRefused };
    AppError::new(code, format!("{context}: refused by the room's access rules"))
}
