//! New rooms of Tchap's kinds, set up as Tchap's web client does: the access
//! rule is part of the creation, so the room never exists without it.

use matrix_sdk::ruma::{
    api::client::room::{
        Visibility,
        create_room::v3::{CreationContent, Request as CreateRoomRequest, RoomPreset},
    },
    events::{
        AnyInitialStateEvent, InitialStateEvent,
        room::{
            encryption::RoomEncryptionEventContent,
            history_visibility::{HistoryVisibility, RoomHistoryVisibilityEventContent},
        },
    },
    serde::Raw,
};
use serde::Deserialize;

use super::ensure_encrypted;
use crate::{
    context::SessionContext,
    error::{AppError, AppResult, ErrorCode},
    room_kind::{AccessRule, AccessRulesEventContent, fetch_rule},
};

/// The kinds a user can create (direct chats are `create_dm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum NewRoomKind {
    /// Invite only, encrypted, agents only.
    Private,
    /// The same, and externals may be invited.
    PrivateOpenToExternals,
    /// Public, unencrypted, listed in the server's room directory, agents only.
    Forum,
}

/// Creates a private room ("Salon privé").
pub async fn create_room(session: &SessionContext, name: &str) -> AppResult<String> {
    create_room_of_kind(session, name, NewRoomKind::Private).await
}

pub async fn create_room_of_kind(session: &SessionContext, name: &str, kind: NewRoomKind) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::new(ErrorCode::Internal, "empty room name"));
    }
    let room = session.client().create_room(request(name, kind)).await.map_err(|e| AppError::from_sdk("create room", &e))?;
    if kind != NewRoomKind::Forum {
        ensure_encrypted(&room).await?;
    }
    // The kind shown at once (the room list's sync does not bring the rule).
    if let Err(error) = fetch_rule(&room).await {
        tracing::warn!(code = ?error.code, "access rule of a new room not fetched");
    }
    Ok(room.room_id().to_string())
}

fn request(name: &str, kind: NewRoomKind) -> CreateRoomRequest {
    let (preset, encrypted, history, rule) = match kind {
        NewRoomKind::Private => (RoomPreset::PrivateChat, true, HistoryVisibility::Invited, AccessRule::Restricted),
        NewRoomKind::PrivateOpenToExternals => (RoomPreset::PrivateChat, true, HistoryVisibility::Invited, AccessRule::Unrestricted),
        NewRoomKind::Forum => (RoomPreset::PublicChat, false, HistoryVisibility::Shared, AccessRule::Restricted),
    };
    let mut initial_state: Vec<Raw<AnyInitialStateEvent>> = vec![
        InitialStateEvent::with_empty_state_key(AccessRulesEventContent { rule }).to_raw_any(),
        InitialStateEvent::with_empty_state_key(RoomHistoryVisibilityEventContent::new(history)).to_raw_any(),
    ];
    if encrypted {
        initial_state.push(InitialStateEvent::with_empty_state_key(RoomEncryptionEventContent::with_recommended_defaults()).to_raw_any());
    }
    let mut request = CreateRoomRequest::new();
    request.name = Some(name.to_owned());
    request.preset = Some(preset);
    request.initial_state = initial_state;
    // A forum is found in the server's room directory.
    request.visibility = if kind == NewRoomKind::Forum { Visibility::Public } else { Visibility::Private };
    request.creation_content = Some(federated());
    request
}

/// `{"m.federate": true}`, written out as Tchap's clients do (ruma leaves
/// out a `true` it takes for the default).
fn federated() -> Raw<CreationContent> {
    Raw::from_json(serde_json::value::to_raw_value(&serde_json::json!({ "m.federate": true })).expect("static JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_of(request: &CreateRoomRequest) -> serde_json::Value {
        request.initial_state.iter().map(|e| serde_json::from_str::<serde_json::Value>(e.json().get()).unwrap()).collect()
    }

    #[test]
    fn each_kind_is_created_with_its_rule() {
        let private = request("Cellule", NewRoomKind::Private);
        let state = state_of(&private);
        assert!(state.as_array().unwrap().iter().any(|e| e["type"] == "im.vector.room.access_rules" && e["content"]["rule"] == "restricted" && e["state_key"] == ""));
        assert!(state.as_array().unwrap().iter().any(|e| e["type"] == "m.room.encryption"));
        assert_eq!(private.creation_content.as_ref().unwrap().json().get(), r#"{"m.federate":true}"#);

        let open = state_of(&request("Partenaires", NewRoomKind::PrivateOpenToExternals));
        assert!(open.as_array().unwrap().iter().any(|e| e["content"]["rule"] == "unrestricted"));

        let forum = request("Forum", NewRoomKind::Forum);
        assert_eq!(forum.visibility, Visibility::Public);
        assert!(!state_of(&forum).as_array().unwrap().iter().any(|e| e["type"] == "m.room.encryption"));
    }
}
