//! What a link leads to for the signed-in user: a room they are in (open it),
//! invited to (the invitation), may join (a public room, a forum: offer to
//! join) or cannot see; a person (their direct chat, or the offer to start one).

use matrix_sdk::{
    RoomState,
    ruma::{OwnedServerName, RoomId, RoomOrAliasId, ServerName, UserId, room::JoinRuleSummary},
};
use serde::Serialize;

use super::Link;
use crate::context::SessionContext;
use crate::error::{AppError, AppResult, ErrorCode};

/// An alias's answer names servers; a hostile one could name thousands.
const MAX_VIA: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum LinkTarget {
    #[serde(rename_all = "camelCase")]
    Room {
        room_id: String,
        /// The message the link names, if any.
        event_id: Option<String>,
        membership: LinkedRoomMembership,
        /// Known only for rooms the user is in or may join.
        name: Option<String>,
        /// Servers to join through (`join_linked_room`).
        via: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    User {
        user_id: String,
        /// Their direct chat with the user, if there is one already.
        dm_room_id: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum LinkedRoomMembership {
    Joined,
    Invited,
    /// Not in it, and anyone may join (a public room, a forum).
    Joinable,
    /// Not in it and not open, or unknown to the user's server: "Vous n'êtes pas membre de ce salon".
    NotMember,
}

pub async fn resolve(session: &SessionContext, link: &Link) -> AppResult<LinkTarget> {
    match link {
        Link::Room { id_or_alias, via, event_id } => {
            let (room_id, via) = room_id_of(session, id_or_alias, via).await?;
            let (membership, name) = membership_of(session, &room_id, &via).await;
            let via = via.iter().map(ToString::to_string).collect();
            Ok(LinkTarget::Room { room_id: room_id.to_string(), event_id: event_id.as_ref().map(ToString::to_string), membership, name, via })
        }
        Link::User { user_id } => {
            let dm_room_id = session.client().get_dm_room(user_id).map(|room| room.room_id().to_string());
            if dm_room_id.is_none() {
                // Offering a chat with nobody would only fail later.
                crate::rooms::ensure_user_exists(session, user_id).await?;
            }
            Ok(LinkTarget::User { user_id: user_id.to_string(), dm_room_id })
        }
    }
}

/// An alias is resolved by the user's server; its servers route the join when the link named none.
async fn room_id_of(session: &SessionContext, id_or_alias: &RoomOrAliasId, via: &[OwnedServerName]) -> AppResult<(matrix_sdk::ruma::OwnedRoomId, Vec<OwnedServerName>)> {
    let mut via = via.to_vec();
    let room_id = match <&RoomId>::try_from(id_or_alias) {
        Ok(room_id) => room_id.to_owned(),
        Err(alias) => {
            let answer = session.client().resolve_room_alias(alias).await.map_err(|e| match AppError::from_http("resolving an alias", &e) {
                error if error.code == ErrorCode::NotFound => AppError::new(ErrorCode::RoomNotFound, error.message),
                error => error,
            })?;
            if via.is_empty() {
                via = answer.servers;
            }
            answer.room_id
        }
    };
    via.truncate(MAX_VIA);
    Ok((room_id, via))
}

async fn membership_of(session: &SessionContext, room_id: &RoomId, via: &[OwnedServerName]) -> (LinkedRoomMembership, Option<String>) {
    let client = session.client();
    if let Some(room) = client.get_room(room_id) {
        let name = room.cached_display_name().map(|name| name.to_string());
        match room.state() {
            RoomState::Joined => return (LinkedRoomMembership::Joined, name),
            RoomState::Invited => return (LinkedRoomMembership::Invited, name),
            // Left, banned, knocked: whether it is open now is the server's to say.
            _ => {}
        }
    }
    match client.get_room_preview(<&RoomOrAliasId>::from(room_id), via.to_vec()).await {
        // Only an explicit "public": a missing rule is not an open door.
        Ok(preview) if matches!(preview.join_rule, Some(JoinRuleSummary::Public)) => (LinkedRoomMembership::Joinable, preview.name),
        Ok(_) => (LinkedRoomMembership::NotMember, None),
        // A private room's server answers 403 to outsiders, an unknown one 404:
        // either way the user cannot see it.
        Err(error) => {
            tracing::info!(%error, "no preview of a linked room");
            (LinkedRoomMembership::NotMember, None)
        }
    }
}

/// Joins a room offered by a link (`Joinable`), through the link's servers.
pub async fn join_linked_room(session: &SessionContext, room_id: &str, via: &[String]) -> AppResult<String> {
    let room_id = RoomId::parse(room_id.trim()).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))?;
    let via: Vec<OwnedServerName> = via.iter().take(MAX_VIA).filter_map(|server| ServerName::parse(server).ok()).collect();
    let client = session.client();
    if client.get_room(&room_id).is_some_and(|room| room.state() == RoomState::Joined) {
        return Ok(room_id.to_string());
    }
    let own_user: Option<&UserId> = client.user_id();
    let room = client
        .join_room_by_id_or_alias(<&RoomOrAliasId>::from(&*room_id), &via)
        .await
        .map_err(|e| crate::rooms::explain_refusal("joining a linked room", &e, own_user))?;
    Ok(room.room_id().to_string())
}
