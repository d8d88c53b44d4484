//! A room's members, and whether their identity is verified (cross-signing),
//! as Element shows with its shields.

use matrix_sdk::{RoomMemberships, ruma::RoomId};
use serde::Serialize;

use crate::{context::SessionContext, identity::person_name};
use crate::error::{AppError, AppResult, ErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MemberTrust {
    /// The user themself.
    Me,
    /// We compared emojis with them (or trust them through our identity).
    Verified,
    /// Their keys are known but nobody checked them.
    Unverified,
    /// Verified before, and their identity changed since: check again.
    Changed,
    /// No encryption identity known (old client, or keys not fetched yet).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub user_id: String,
    /// The name without Tchap's "[Domaine]" suffix.
    pub display_name: Option<String>,
    /// The member's ministry; none for externals.
    pub domain: Option<String>,
    pub is_external: bool,
    /// Invited, not joined yet.
    pub is_invited: bool,
    pub trust: MemberTrust,
}

/// The joined and invited members, the user first, then by name.
pub async fn room_members(session: &SessionContext, room_id: &str) -> AppResult<Vec<Member>> {
    let client = session.client();
    let room_id = RoomId::parse(room_id).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))?;
    let room = client.get_room(&room_id).ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "unknown room"))?;
    let members = room
        .members(RoomMemberships::JOIN | RoomMemberships::INVITE)
        .await
        .map_err(|e| AppError::from_sdk("listing members", &e))?;
    let own_id = client.user_id().map(ToOwned::to_owned);
    let encryption = client.encryption();
    let mut out = Vec::with_capacity(members.len());
    for member in members {
        let trust = if Some(member.user_id()) == own_id.as_deref() {
            MemberTrust::Me
        } else {
            match encryption.get_user_identity(member.user_id()).await {
                Ok(Some(identity)) if identity.is_verified() => MemberTrust::Verified,
                Ok(Some(identity)) if identity.has_verification_violation() => MemberTrust::Changed,
                Ok(Some(_)) => MemberTrust::Unverified,
                Ok(None) | Err(_) => MemberTrust::Unknown,
            }
        };
        let person = person_name(member.display_name(), member.user_id().as_str());
        out.push(Member {
            user_id: member.user_id().to_string(),
            display_name: member.display_name().map(|_| person.name),
            domain: person.domain,
            is_external: person.is_external,
            is_invited: member.membership() == &matrix_sdk::ruma::events::room::member::MembershipState::Invite,
            trust,
        });
    }
    out.sort_by_cached_key(|m| (m.trust != MemberTrust::Me, m.display_name.clone().unwrap_or_else(|| m.user_id.clone()).to_lowercase()));
    Ok(out)
}
