//! A room's settings: its kind, name and topic, and what the user may change
//! (the room's power levels, and Tchap's rules: a direct chat keeps its name
//! and topic, only a private room opens to externals, and never closes again).

use matrix_sdk::{Room, ruma::events::StateEventType};
use serde::Serialize;

use super::{explain_refusal, joined_room, power_levels};
use crate::{
    context::SessionContext,
    error::{AppError, AppResult, ErrorCode},
    room_kind::{ACCESS_RULES_EVENT_TYPE, AccessRule, AccessRulesEventContent, RoomAccess, current_access, fetch_rule},
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RoomDetails {
    pub id: String,
    /// The room's own name, if it has one.
    pub name: Option<String>,
    pub topic: Option<String>,
    pub access: RoomAccess,
    #[specta(type = specta_typescript::Number)]
    pub joined_members: u64,
    pub can_rename: bool,
    pub can_change_topic: bool,
    pub can_invite: bool,
    /// Moderators remove members (of a lower level than theirs).
    pub can_remove_members: bool,
    /// A private room, and the user may change its rule.
    pub can_open_to_externals: bool,
}

/// What the user may do in the room, and its kind (the rule fetched from the
/// server if the store lacks it).
pub async fn room_details(session: &SessionContext, room_id: &str) -> AppResult<RoomDetails> {
    let room = joined_room(session, room_id)?;
    let access = current_access(&room).await?;
    let power_levels = power_levels(&room).await?;
    let me = room.own_user_id();
    let can_send = |event_type: StateEventType| power_levels.user_can_send_state(me, event_type);
    let not_direct = access != RoomAccess::Direct;
    Ok(RoomDetails {
        id: room.room_id().to_string(),
        name: room.name().filter(|n| !n.trim().is_empty()),
        topic: room.topic().filter(|t| !t.trim().is_empty()),
        access,
        joined_members: room.joined_members_count(),
        can_rename: not_direct && can_send(StateEventType::RoomName),
        can_change_topic: not_direct && can_send(StateEventType::RoomTopic),
        can_invite: not_direct && power_levels.user_can_invite(me),
        can_remove_members: power_levels.user_can_kick(me),
        can_open_to_externals: access == RoomAccess::Private && can_send(StateEventType::from(ACCESS_RULES_EVENT_TYPE)),
    })
}

pub async fn rename(session: &SessionContext, room_id: &str, name: &str) -> AppResult<()> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::new(ErrorCode::Internal, "empty room name"));
    }
    let room = changeable(session, room_id, StateEventType::RoomName).await?;
    room.set_name(name.to_owned()).await.map_err(|e| explain_refusal("rename", &e, None))?;
    Ok(())
}

/// An empty topic removes it.
pub async fn set_topic(session: &SessionContext, room_id: &str, topic: &str) -> AppResult<()> {
    let room = changeable(session, room_id, StateEventType::RoomTopic).await?;
    room.set_room_topic(topic.trim()).await.map_err(|e| explain_refusal("topic", &e, None))?;
    Ok(())
}

/// Restricted → unrestricted: externals may then be invited. There is no way
/// back (the servers refuse it).
pub async fn open_to_externals(session: &SessionContext, room_id: &str) -> AppResult<()> {
    let room = joined_room(session, room_id)?;
    if current_access(&room).await? != RoomAccess::Private {
        return Err(AppError::new(ErrorCode::RoomRulesRefused, "only a private room opens to externals"));
    }
    let power_levels = power_levels(&room).await?;
    if !power_levels.user_can_send_state(room.own_user_id(), StateEventType::from(ACCESS_RULES_EVENT_TYPE)) {
        return Err(AppError::new(ErrorCode::Forbidden, "not allowed to change the access rule"));
    }
    room.send_state_event(AccessRulesEventContent { rule: AccessRule::Unrestricted })
        .await
        .map_err(|e| explain_refusal("access rule", &e, None))?;
    // Shown at once, without waiting for the sync to bring it.
    fetch_rule(&room).await?;
    Ok(())
}

/// The room, if its kind and the user's level allow sending `event_type`.
async fn changeable(session: &SessionContext, room_id: &str, event_type: StateEventType) -> AppResult<Room> {
    let room = joined_room(session, room_id)?;
    if current_access(&room).await? == RoomAccess::Direct {
        return Err(AppError::new(ErrorCode::RoomRulesRefused, "a direct chat keeps its name and topic"));
    }
    if !power_levels(&room).await?.user_can_send_state(room.own_user_id(), event_type) {
        return Err(AppError::new(ErrorCode::Forbidden, "not allowed to change this"));
    }
    Ok(room)
}
