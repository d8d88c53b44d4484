//! Tchap's room kinds, as its clients show them: private (agents only),
//! private open to externals, forum, direct chat. The server module
//! `synapse-room-access-rules` enforces them with the state event
//! `im.vector.room.access_rules`; the kind is read from that rule and the
//! room's encryption.
//!
//! The room list's sliding sync does not ask for this custom state event (its
//! `required_state` is fixed by the SDK), so it reaches the state store only
//! when it shows up in a timeline. What is missing is fetched once from the
//! server and saved in the state store (`watch_missing_rules`).

use std::collections::HashSet;

use matrix_sdk::{
    Room, RoomState, StateChanges,
    ruma::{
        OwnedRoomId,
        api::client::state::get_state_event_for_key::v3::{Request as StateRequest, StateEventFormat},
        events::{AnySyncStateEvent, EmptyStateKey, StateEventType, macros::EventContent},
        serde::Raw,
    },
};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;

use crate::{
    context::SessionContext,
    error::{AppError, AppResult},
};

pub const ACCESS_RULES_EVENT_TYPE: &str = "im.vector.room.access_rules";

/// `im.vector.room.access_rules`, state key `""`.
#[derive(Clone, Debug, Deserialize, Serialize, EventContent)]
#[ruma_event(type = "im.vector.room.access_rules", kind = State, state_key_type = EmptyStateKey)]
pub struct AccessRulesEventContent {
    pub rule: AccessRule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessRule {
    /// Agents only: the servers refuse externals.
    Restricted,
    /// Externals may be invited.
    Unrestricted,
    /// A direct chat: two members at most, name and topic fixed.
    Direct,
    /// A rule this app does not know; the module treats it as restricted.
    #[serde(other)]
    Unknown,
}

/// A room's kind as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RoomAccess {
    /// "Salon privé": invite only, encrypted, agents only.
    Private,
    /// "Salon privé ouvert aux externes".
    PrivateOpenToExternals,
    /// "Forum": public, unencrypted, agents only.
    Forum,
    /// A direct chat.
    Direct,
}

/// Tchap's clients' classification (unencrypted → forum), except that a
/// room whose rule admits externals is said so even unencrypted (made by
/// another client): the module never lets such a room be public, and calling
/// it a forum "for agents only" would hide the externals in it. Without a
/// rule the module applies `restricted`, so an encrypted room without one is
/// private.
pub fn classify(is_direct: bool, is_encrypted: bool, rule: Option<AccessRule>) -> RoomAccess {
    match rule {
        _ if is_direct => RoomAccess::Direct,
        Some(AccessRule::Direct) => RoomAccess::Direct,
        Some(AccessRule::Unrestricted) => RoomAccess::PrivateOpenToExternals,
        _ if !is_encrypted => RoomAccess::Forum,
        _ => RoomAccess::Private,
    }
}

/// The rule as the state store knows it (no request).
pub async fn stored_rule(room: &Room) -> Option<AccessRule> {
    let raw = room.get_state_event_static::<AccessRulesEventContent>().await.ok()??;
    match raw.deserialize().ok()? {
        matrix_sdk::deserialized_responses::SyncOrStrippedState::Sync(event) => Some(event.as_original()?.content.rule),
        matrix_sdk::deserialized_responses::SyncOrStrippedState::Stripped(event) => event.content.rule,
    }
}

/// Whether the kind depends on the rule: not for DMs.
async fn depends_on_rule(room: &Room) -> bool {
    !room.is_direct().await.unwrap_or(false)
}

/// The kind from what the store knows (the room list: no request).
pub async fn room_access(room: &Room) -> RoomAccess {
    let rule = if depends_on_rule(room).await { stored_rule(room).await } else { None };
    classify(room.is_direct().await.unwrap_or(false), room.encryption_state().is_encrypted(), rule)
}

/// The kind, asking the server for the rule if the store lacks it.
pub async fn current_access(room: &Room) -> AppResult<RoomAccess> {
    let rule = match stored_rule(room).await {
        Some(rule) => Some(rule),
        None if room.state() == RoomState::Joined => fetch_rule(room).await?,
        None => None,
    };
    Ok(classify(room.is_direct().await.unwrap_or(false), room.encryption_state().is_encrypted(), rule))
}

/// Fetches the room's current rule from the server and saves it in the
/// state store, where the room list reads it; then has the list summarize
/// the room again. None if the room has no rule.
pub async fn fetch_rule(room: &Room) -> AppResult<Option<AccessRule>> {
    let mut request = StateRequest::new(room.room_id().to_owned(), StateEventType::from(ACCESS_RULES_EVENT_TYPE), String::new());
    request.format = StateEventFormat::Event;
    let response = match room.client().send(request).await {
        Ok(response) => response,
        Err(error) if error.as_client_api_error().is_some_and(|e| e.status_code.as_u16() == 404) => return Ok(None),
        Err(error) => return Err(AppError::from_http("access rule", &error)),
    };
    let event: Raw<AnySyncStateEvent> = response.into_event().cast_unchecked();
    let rule = event.get_field::<AccessRulesEventContent>("content").ok().flatten().map(|c| c.rule);
    // The server's current state: at least as new as anything the sync
    // brought so far (the rule only ever goes one way, restricted → unrestricted).
    let mut changes = StateChanges::default();
    changes
        .state
        .entry(room.room_id().to_owned())
        .or_default()
        .entry(StateEventType::from(ACCESS_RULES_EVENT_TYPE))
        .or_default()
        .insert(String::new(), event);
    room.client().state_store().save_changes(&changes).await.map_err(|e| AppError::storage("saving the access rule", e))?;
    // An unchanged room info, saved: the room list hears of the room again.
    room.update_and_save_room_info(|info| (info, matrix_sdk_base::RoomInfoNotableUpdateReasons::NONE))
        .await
        .map_err(|e| AppError::storage("room info", e))?;
    Ok(rule)
}

/// Fetches, in the background and one room at a time, the rules the state
/// store lacks for joined rooms whose kind depends on it; rooms are looked at
/// again whenever the sync updates them (a new room's encryption comes later
/// than the room). Replaces a previous watcher of the session.
pub fn watch_missing_rules(session: &SessionContext) {
    let client = session.client().clone();
    session.spawn("room-access-rules", async move {
        let mut updates = client.room_info_notable_update_receiver();
        let mut done: HashSet<OwnedRoomId> = HashSet::new();
        let mut pending: Vec<Room> = client.joined_rooms();
        loop {
            for room in pending.drain(..) {
                if done.contains(room.room_id()) || room.state() != RoomState::Joined || !depends_on_rule(&room).await {
                    continue;
                }
                done.insert(room.room_id().to_owned());
                if stored_rule(&room).await.is_none()
                    && let Err(error) = fetch_rule(&room).await
                {
                    tracing::warn!(room_id = %room.room_id(), code = ?error.code, "access rule not fetched");
                    // Tried again at the room's next update.
                    done.remove(room.room_id());
                }
            }
            match updates.recv().await {
                Ok(update) => pending.extend(client.get_room(&update.room_id)),
                Err(RecvError::Lagged(_)) => pending = client.joined_rooms(),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_are_classified_as_tchap_clients_do() {
        use AccessRule::*;
        assert_eq!(classify(false, true, Some(Restricted)), RoomAccess::Private);
        assert_eq!(classify(false, true, Some(Unrestricted)), RoomAccess::PrivateOpenToExternals);
        assert_eq!(classify(false, false, Some(Restricted)), RoomAccess::Forum);
        assert_eq!(classify(false, false, None), RoomAccess::Forum);
        // Another client's unencrypted room open to externals is no forum.
        assert_eq!(classify(false, false, Some(Unrestricted)), RoomAccess::PrivateOpenToExternals);
        assert_eq!(classify(true, true, Some(Direct)), RoomAccess::Direct);
        assert_eq!(classify(false, true, Some(Direct)), RoomAccess::Direct);
        assert_eq!(classify(true, true, None), RoomAccess::Direct);
        // The module's default rule is restricted.
        assert_eq!(classify(false, true, None), RoomAccess::Private);
        assert_eq!(classify(false, true, Some(Unknown)), RoomAccess::Private);
    }

    #[test]
    fn unknown_rules_are_read_as_unknown() {
        let content: AccessRulesEventContent = serde_json::from_str(r#"{"rule": "something_new"}"#).unwrap();
        assert_eq!(content.rule, AccessRule::Unknown);
        let content: AccessRulesEventContent = serde_json::from_str(r#"{"rule": "unrestricted"}"#).unwrap();
        assert_eq!(content.rule, AccessRule::Unrestricted);
    }
}
