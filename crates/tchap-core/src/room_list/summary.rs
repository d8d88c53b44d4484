//! One room as the list shows it.

use matrix_sdk::{Room, RoomState, ruma::UserId};
use matrix_sdk_ui::timeline::{LatestEventValue, RoomExt, TimelineDetails};
use serde::Serialize;

use crate::{
    identity::{PersonName, person_name},
    timeline::{MessageContent, message_content},
};

/// Previews are one line in the list: no need to ship a huge hostile body.
const PREVIEW_MAX_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RoomKind {
    Dm,
    Room,
    Invite,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LastMessage {
    pub sender_name: String,
    pub content: MessageContent,
    /// Milliseconds since the Unix epoch.
    #[specta(type = specta_typescript::Number)]
    pub timestamp: u64,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RoomSummary {
    pub id: String,
    pub name: String,
    pub kind: RoomKind,
    pub initials: String,
    pub last_message: Option<LastMessage>,
    pub unread_count: u32,
    pub mention_count: u32,
    pub is_encrypted: bool,
    /// Tchap's kind: private, open to externals, forum, direct chat.
    pub room_access: crate::room_kind::RoomAccess,
    /// Without Tchap's "[Domaine]" suffix (see `inviter_domain`).
    pub inviter_name: Option<String>,
    /// The inviter's ministry; none for externals (`inviter_is_external`).
    pub inviter_domain: Option<String>,
    pub inviter_is_external: bool,
    /// A DM's other person: their ministry; none for externals (`dm_is_external`).
    pub dm_domain: Option<String>,
    pub dm_is_external: bool,
}

/// The room with its preview computed now.
pub async fn summarize(room: &Room) -> RoomSummary {
    summarize_with(room, last_message(room).await.0).await
}

/// The room with a preview computed earlier.
pub async fn summarize_with(room: &Room, last_message: Option<LastMessage>) -> RoomSummary {
    // The room's own name first, as Element shows it: the computed display
    // name of an invite can still be the inviter's while its state arrives.
    let explicit = room.name().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let has_own_name = explicit.is_some();
    let name = match (explicit, room.cached_display_name()) {
        (Some(name), _) => name,
        (None, Some(name)) => name.to_string(),
        (None, None) => room.display_name().await.map(|n| n.to_string()).unwrap_or_else(|_| room.room_id().to_string()),
    };
    let is_invite = room.state() == RoomState::Invited;
    // For an invite, read from our own member event (the invite's `is_direct`).
    let is_direct = room.is_direct().await.unwrap_or(false);
    let kind = if is_invite {
        RoomKind::Invite
    } else if is_direct {
        RoomKind::Dm
    } else {
        RoomKind::Room
    };
    let inviter = if is_invite { inviter(room).await } else { None };
    let dm_person = if kind == RoomKind::Dm { dm_person(room).await } else { None };
    // A chat with one person is named after them, as Tchap writes names:
    // "Prénom Nom", the "[Domaine]" shown apart.
    let person_shown = if is_invite && is_direct { inviter.as_ref() } else { dm_person.as_ref() };
    let name = match person_shown {
        Some(known) if known.named && !has_own_name => known.person.name.clone(),
        _ => name,
    };
    RoomSummary {
        id: room.room_id().to_string(),
        initials: initials(&name),
        name,
        kind,
        last_message,
        unread_count: u32::try_from(room.num_unread_messages()).unwrap_or(u32::MAX),
        mention_count: u32::try_from(room.num_unread_mentions()).unwrap_or(u32::MAX),
        is_encrypted: room.encryption_state().is_encrypted(),
        room_access: crate::room_kind::room_access(room).await,
        inviter_name: inviter.as_ref().map(|known| known.shown_name()),
        inviter_domain: inviter.as_ref().and_then(|known| known.person.domain.clone()),
        inviter_is_external: inviter.as_ref().is_some_and(|known| known.person.is_external),
        dm_domain: dm_person.as_ref().and_then(|known| known.person.domain.clone()),
        dm_is_external: dm_person.is_some_and(|known| known.person.is_external),
    }
}

/// A person, and whether their display name was known (else their ID stands in).
struct KnownPerson {
    person: PersonName,
    user_id: String,
    named: bool,
}

impl KnownPerson {
    fn new(display_name: Option<&str>, user_id: &UserId) -> Self {
        Self { person: person_name(display_name, user_id.as_str()), user_id: user_id.to_string(), named: display_name.is_some() }
    }

    fn shown_name(&self) -> String {
        if self.named { self.person.name.clone() } else { self.user_id.clone() }
    }
}

async fn inviter(room: &Room) -> Option<KnownPerson> {
    let details = room.invite_details().await.ok()?;
    let display_name = details.inviter.as_ref().and_then(|m| m.display_name().map(ToOwned::to_owned));
    Some(KnownPerson::new(display_name.as_deref(), &details.inviter_id))
}

/// The other person of a one-to-one DM: their name from the room's heroes
/// (in memory), else from their member event in the store.
async fn dm_person(room: &Room) -> Option<KnownPerson> {
    let own_id = room.own_user_id();
    let targets = room.direct_targets();
    let mut others = targets.iter().filter_map(|target| target.as_user_id()).filter(|id| *id != own_id);
    // A DM with several people has no one person to show.
    let (Some(target), None) = (others.next(), others.next()) else { return None };
    let hero_name = room.heroes().into_iter().find(|hero| hero.user_id == target).and_then(|hero| hero.display_name);
    let display_name = match hero_name {
        Some(name) => Some(name),
        None => room.get_member_no_sync(target).await.ok().flatten().and_then(|m| m.display_name().map(ToOwned::to_owned)),
    };
    Some(KnownPerson::new(display_name.as_deref(), target))
}

/// The room's last message, and whether its sender's profile was known.
pub(super) async fn last_message(room: &Room) -> (Option<LastMessage>, bool) {
    let (timestamp, sender, profile, content) = match RoomExt::latest_event(room).await {
        LatestEventValue::Remote { timestamp, sender, profile, content, .. }
        | LatestEventValue::Local { timestamp, sender, profile, content, .. } => (timestamp, sender, profile, content),
        _ => return (None, true),
    };
    let message = LastMessage {
        sender_name: profile_name(&profile, sender.as_str()),
        content: preview(message_content(&content)),
        timestamp: timestamp.0.into(),
    };
    (Some(message), matches!(profile, TimelineDetails::Ready(_)))
}

fn profile_name(profile: &TimelineDetails<matrix_sdk_ui::timeline::Profile>, fallback: &str) -> String {
    match profile {
        // The name as in the timeline, without the "[Domaine]" suffix.
        TimelineDetails::Ready(p) => p.display_name.as_deref().map_or_else(|| fallback.to_owned(), |name| person_name(Some(name), fallback).name),
        _ => fallback.to_owned(),
    }
}

fn preview(content: MessageContent) -> MessageContent {
    let cut = |body: String| match body.lines().next() {
        Some(first) => first.chars().take(PREVIEW_MAX_CHARS).collect(),
        None => String::new(),
    };
    match content {
        MessageContent::Text { body, .. } => MessageContent::Text { body: cut(body), formatted: None },
        MessageContent::Notice { body, .. } => MessageContent::Notice { body: cut(body), formatted: None },
        MessageContent::Emote { body, .. } => MessageContent::Emote { body: cut(body), formatted: None },
        other => other,
    }
}

/// Up to two letters for the avatar: "Cellule de crise" → "CC", "@alice:x" → "A".
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Cellule de crise"), "CD");
        assert_eq!(initials("@alice:tchap.local"), "A");
        assert_eq!(initials("élise martin"), "ÉM");
        assert_eq!(initials("   "), "");
    }

    #[test]
    fn previews_keep_the_first_line_only() {
        let long = format!("{}\nsecond line", "x".repeat(5000));
        let MessageContent::Text { body, .. } = preview(MessageContent::Text { body: long, formatted: None }) else { panic!() };
        assert_eq!(body.chars().count(), PREVIEW_MAX_CHARS);
    }
}
