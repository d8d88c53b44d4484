//! One room as the list shows it.

use matrix_sdk::{Room, RoomState};
use matrix_sdk_ui::timeline::{LatestEventValue, RoomExt, TimelineDetails};
use serde::Serialize;

use crate::timeline::{MessageContent, message_content};

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
    pub inviter_name: Option<String>,
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
    let name = match (explicit, room.cached_display_name()) {
        (Some(name), _) => name,
        (None, Some(name)) => name.to_string(),
        (None, None) => room.display_name().await.map(|n| n.to_string()).unwrap_or_else(|_| room.room_id().to_string()),
    };
    let is_invite = room.state() == RoomState::Invited;
    let kind = if is_invite {
        RoomKind::Invite
    } else if room.is_direct().await.unwrap_or(false) {
        RoomKind::Dm
    } else {
        RoomKind::Room
    };
    let inviter_name = if is_invite { inviter_name(room).await } else { None };
    RoomSummary {
        id: room.room_id().to_string(),
        initials: initials(&name),
        name,
        kind,
        last_message,
        unread_count: u32::try_from(room.num_unread_messages()).unwrap_or(u32::MAX),
        mention_count: u32::try_from(room.num_unread_mentions()).unwrap_or(u32::MAX),
        is_encrypted: room.encryption_state().is_encrypted(),
        inviter_name,
    }
}

async fn inviter_name(room: &Room) -> Option<String> {
    let details = room.invite_details().await.ok()?;
    let name = details.inviter.as_ref().and_then(|m| m.display_name().map(ToOwned::to_owned));
    Some(name.unwrap_or_else(|| details.inviter_id.to_string()))
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
        TimelineDetails::Ready(p) => p.display_name.clone().unwrap_or_else(|| fallback.to_owned()),
        _ => fallback.to_owned(),
    }
}

fn preview(content: MessageContent) -> MessageContent {
    let cut = |body: String| match body.lines().next() {
        Some(first) => first.chars().take(PREVIEW_MAX_CHARS).collect(),
        None => String::new(),
    };
    match content {
        MessageContent::Text { body } => MessageContent::Text { body: cut(body) },
        MessageContent::Notice { body } => MessageContent::Notice { body: cut(body) },
        MessageContent::Emote { body } => MessageContent::Emote { body: cut(body) },
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
        let MessageContent::Text { body } = preview(MessageContent::Text { body: long }) else { panic!() };
        assert_eq!(body.chars().count(), PREVIEW_MAX_CHARS);
    }
}
