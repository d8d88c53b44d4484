//! The room list: RoomListService's sorted entries (most recent activity
//! first), turned into UI summaries and streamed as batches of diffs.


use futures_util::{StreamExt, pin_mut};
use matrix_sdk::{Room, RoomState};
use matrix_sdk_ui::{
    room_list_service::{RoomListItem, filters::new_filter_non_left},
    timeline::{LatestEventValue, RoomExt, TimelineDetails},
};
use serde::Serialize;
use tracing::warn;

use crate::{
    list_diff::{ListDiff, diff_values, map_diff},
    context::SessionContext,
    timeline::{MessageContent, message_content},
};
use crate::error::{AppError, AppResult};

/// No paging in the UI yet: every joined room and invite is listed.
const PAGE_SIZE: usize = 100_000;
/// Room summaries computed at the same time (they mostly wait on the store).
const SUMMARIES_IN_FLIGHT: usize = 32;
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

pub type RoomListBatch = Vec<ListDiff<RoomSummary>>;

/// Streams the room list to `sink`: first a reset, then diffs. Replaces a
/// previous subscription of the same session.
pub async fn subscribe(session: &SessionContext, sink: impl Fn(RoomListBatch) + Send + Sync + 'static) -> AppResult<()> {
    let service = session.sync_service().room_list_service();
    let all_rooms = service.all_rooms().await.map_err(|e| AppError::internal("room list", e))?;
    let client = session.client().clone();
    session.spawn("room-list", async move {
        let (entries, controller) = all_rooms.entries_with_dynamic_adapters(PAGE_SIZE);
        controller.set_filter(Box::new(new_filter_non_left()));
        // Batches that arrive together are merged into one message to the UI.
        let entries = entries.ready_chunks(32);
        pin_mut!(entries);
        let latest_events = client.latest_events().await.clone();
        while let Some(batches) = entries.next().await {
            let mut out = Vec::new();
            for diff in batches.into_iter().flatten() {
                // Each summary waits on a few store reads: run them side by
                // side (order kept), or a 1,000-room reset takes half a second.
                let rooms: Vec<Room> = diff_values(&diff).into_iter().map(|item| Room::clone(item)).collect();
                let summaries: Vec<RoomSummary> = futures_util::stream::iter(rooms)
                    .map(|room| {
                        let latest_events = latest_events.clone();
                        async move {
                            if let Err(error) = latest_events.listen_to_room(room.room_id()).await {
                                warn!(%error, "latest event unavailable");
                            }
                            summarize(&room).await
                        }
                    })
                    .buffered(SUMMARIES_IN_FLIGHT)
                    .collect()
                    .await;
                let mut summaries = summaries.into_iter();
                out.push(map_diff(diff, |_: &RoomListItem| summaries.next().expect("one summary per value")));
            }
            sink(out);
        }
    });
    Ok(())
}

pub async fn summarize(room: &Room) -> RoomSummary {
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
        last_message: last_message(room).await,
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

async fn last_message(room: &Room) -> Option<LastMessage> {
    match room.latest_event().await {
        LatestEventValue::Remote { timestamp, sender, profile, content, .. } => Some(LastMessage {
            sender_name: profile_name(&profile, sender.as_str()),
            content: preview(message_content(&content)),
            timestamp: timestamp.0.into(),
        }),
        LatestEventValue::Local { timestamp, sender, profile, content, .. } => Some(LastMessage {
            sender_name: profile_name(&profile, sender.as_str()),
            content: preview(message_content(&content)),
            timestamp: timestamp.0.into(),
        }),
        _ => None,
    }
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
