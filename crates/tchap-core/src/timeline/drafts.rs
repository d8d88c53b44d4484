//! The composer's unsent text, per room, kept across restarts in the SDK's
//! state store (`Room::save_composer_draft`), which is encrypted at rest with
//! the stores' key from the keyring: a draft is message text, never written
//! in clear.
//!
//! The SDK's draft has a plain text and an HTML one. The plain text is what
//! the field held; the HTML is the same text with the mentions the user
//! picked as links (as Element X keeps its pills), read back to give the
//! composer its pills again.

use std::time::Duration;

use matrix_sdk::{
    ComposerDraft, ComposerDraftType, Room,
    config::RequestConfig,
    deserialized_responses::TimelineEvent,
    ruma::{
        EventId, RoomId, UserId,
        events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent, room::message::SyncRoomMessageEvent},
    },
};
use serde::Serialize;

use super::{
    ComposedMessage, MessagePart, QuotedMessage, ReplyPreview, TimelineService,
    parse_event_id,
    actions::AT_ROOM,
    formatted::{self, AllowedTag, FormattedNode},
    msgtype_content, quoted, quoted_item,
};
use crate::{
    error::{AppError, AppResult},
    links::{self, Link},
};

/// The `@room` pill's link in a draft: not an address, a marker only this
/// module writes and reads (a user id cannot be `@room`).
const AT_ROOM_HREF: &str = "https://matrix.to/#/@room";

/// How long a reply draft's quoted message is waited for from the server.
const QUOTE_FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// A draft given back to the composer: its text, the mentions in it (each
/// one's name is its label in the text), and the message it answers.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub text: String,
    pub mentions: Vec<MessagePart>,
    /// The message this draft is a reply to, as the composer quotes it.
    pub reply_to: Option<ReplyPreview>,
}

impl TimelineService {
    /// Keeps what a composer holds: the room's (`thread_root` None) or a
    /// thread's answer field, each on its own. An empty one clears it.
    pub async fn save_draft(&self, room_id: &str, thread_root: Option<&str>, message: &ComposedMessage, reply_to: Option<&str>) -> AppResult<()> {
        let room = self.room(room_id)?;
        let thread_root = thread_root.map(parse_event_id).transpose()?;
        let draft_type = match reply_to {
            Some(id) => ComposerDraftType::Reply { event_id: parse_event_id(id)? },
            None => ComposerDraftType::NewMessage,
        };
        let saved = match composer_draft(message, draft_type) {
            Some(draft) => room.save_composer_draft(draft, thread_root.as_deref()).await,
            None => room.clear_composer_draft(thread_root.as_deref()).await,
        };
        saved.map_err(|e| AppError::storage("draft", e))
    }

    pub async fn load_draft(&self, room_id: &str, thread_root: Option<&str>) -> AppResult<Option<Draft>> {
        let room = self.room(room_id)?;
        let thread_root = thread_root.map(parse_event_id).transpose()?;
        let saved = room.load_composer_draft(thread_root.as_deref()).await.map_err(|e| AppError::storage("draft", e))?;
        let Some(saved) = saved else { return Ok(None) };
        let answered = match &saved.draft_type {
            ComposerDraftType::Reply { event_id } => Some(event_id.clone()),
            _ => None,
        };
        let Some(mut draft) = read_draft(saved) else { return Ok(None) };
        if let Some(event_id) = answered {
            draft.reply_to = Some(self.reply_preview(&room, room_id, &event_id).await);
        }
        Ok(Some(draft))
    }

    /// The quote of the message a draft answers: from the open timeline, else
    /// from the event cache or the server. Not found or not a message, the
    /// draft still comes back (its quote says so), not its reply lost.
    async fn reply_preview(&self, room: &Room, room_id: &str, event_id: &EventId) -> ReplyPreview {
        let in_timeline = match self.timeline(room_id) {
            Ok(timeline) => timeline.item_by_event_id(event_id).await,
            Err(_) => None,
        };
        let quoted = match in_timeline {
            Some(item) => quoted_item(&item),
            // Quickly, without retrying: the draft waits for it, and the user's
            // typing would win over a draft that comes back late.
            None => match room.load_or_fetch_event(event_id, Some(RequestConfig::short_retry().timeout(QUOTE_FETCH_TIMEOUT))).await {
                Ok(event) => quoted_event(room, &event).await.unwrap_or(QuotedMessage::Unavailable),
                Err(_) => QuotedMessage::Unavailable,
            },
        };
        ReplyPreview { event_id: event_id.to_string(), quoted }
    }
}

/// A message read outside the timeline (decrypted if it could be), quoted.
async fn quoted_event(room: &Room, event: &TimelineEvent) -> Option<QuotedMessage> {
    let AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(SyncRoomMessageEvent::Original(message))) = event.raw().deserialize().ok()? else {
        return None;
    };
    // The room's members may not be loaded yet (lazy loading): asked for if so.
    let member = room.get_member(&message.sender).await.ok().flatten();
    let display_name = member.as_ref().and_then(|m| m.display_name());
    Some(quoted(display_name, message.sender.as_str(), msgtype_content(&message.content.msgtype)))
}

fn composer_draft(message: &ComposedMessage, draft_type: ComposerDraftType) -> Option<ComposerDraft> {
    let mut plain = String::new();
    let mut html = String::new();
    for part in &message.parts {
        let (label, href) = match part {
            MessagePart::Text { text } => {
                plain.push_str(text);
                html.push_str(&escape(text));
                continue;
            }
            MessagePart::User { user_id, name } => (name.as_str(), UserId::parse(user_id).ok().map(|id| id.matrix_to_uri().to_string())),
            MessagePart::Room { room_id, name } => (name.as_str(), RoomId::parse(room_id).ok().map(|id| id.matrix_to_uri().to_string())),
            MessagePart::AtRoom => (AT_ROOM, Some(AT_ROOM_HREF.to_owned())),
        };
        plain.push_str(label);
        match href {
            Some(href) => html.push_str(&format!("<a href=\"{}\">{}</a>", escape(&href), escape(label))),
            None => html.push_str(&escape(label)),
        }
    }
    if plain.trim().is_empty() {
        return None;
    }
    Some(ComposerDraft { plain_text: plain, html_text: Some(html), draft_type, attachments: Vec::new() })
}

/// A saved draft's text and pills (its reply is looked up apart). An edit
/// another client saved comes back as its text: the composer here keeps
/// new messages and replies only.
fn read_draft(draft: ComposerDraft) -> Option<Draft> {
    if draft.plain_text.trim().is_empty() {
        return None;
    }
    let mut mentions = Vec::new();
    if let Some(nodes) = draft.html_text.as_deref().and_then(formatted::sanitize) {
        collect_mentions(&nodes, &mut mentions);
    }
    // A pill is only given back if its label is still in the text.
    mentions.retain(|m| label(m).is_some_and(|l| draft.plain_text.contains(l)));
    Some(Draft { text: draft.plain_text, mentions, reply_to: None })
}

fn label(part: &MessagePart) -> Option<&str> {
    match part {
        MessagePart::Text { .. } => None,
        MessagePart::User { name, .. } | MessagePart::Room { name, .. } => Some(name),
        MessagePart::AtRoom => Some(AT_ROOM),
    }
}

fn collect_mentions(nodes: &[FormattedNode], out: &mut Vec<MessagePart>) {
    for node in nodes {
        let FormattedNode::Element(element) = node else { continue };
        let href = element.href.as_deref().filter(|_| element.tag == AllowedTag::A);
        let Some(href) = href else {
            collect_mentions(&element.children, out);
            continue;
        };
        let name = text_of(&element.children);
        let part = if href == AT_ROOM_HREF {
            Some(MessagePart::AtRoom)
        } else {
            match links::parse(href) {
                Ok(Link::User { user_id }) => Some(MessagePart::User { user_id: user_id.to_string(), name }),
                Ok(Link::Room { id_or_alias, event_id: None, .. }) if id_or_alias.is_room_id() => {
                    Some(MessagePart::Room { room_id: id_or_alias.to_string(), name })
                }
                _ => None,
            }
        };
        out.extend(part.filter(|p| !out.contains(p)));
    }
}

fn text_of(nodes: &[FormattedNode]) -> String {
    nodes
        .iter()
        .map(|node| match node {
            FormattedNode::Text { text } => text.clone(),
            FormattedNode::Element(element) => text_of(&element.children),
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> MessagePart {
        MessagePart::Text { text: t.into() }
    }

    fn round_trip(parts: Vec<MessagePart>) -> Option<Draft> {
        composer_draft(&ComposedMessage { parts }, ComposerDraftType::NewMessage).and_then(read_draft)
    }

    #[test]
    fn text_and_pills_come_back_as_they_were() {
        let bruno = MessagePart::User { user_id: "@bruno.petit:agent.tchap.gouv.fr".into(), name: "Bruno <Petit> & Cie".into() };
        let room = MessagePart::Room { room_id: "!projet:agent.tchap.gouv.fr".into(), name: "#Projet \"X\"".into() };
        let draft = round_trip(vec![
            text("Merci "),
            bruno.clone(),
            text(",\n  voir "),
            room.clone(),
            text(" et "),
            MessagePart::AtRoom,
            text(" **vite** <b>"),
        ])
        .unwrap();
        assert_eq!(draft.text, "Merci Bruno <Petit> & Cie,\n  voir #Projet \"X\" et @room **vite** <b>");
        assert_eq!(draft.mentions, vec![bruno, room, MessagePart::AtRoom]);
    }

    #[test]
    fn an_empty_field_is_no_draft() {
        assert!(round_trip(vec![text("  \n ")]).is_none());
        assert!(round_trip(vec![]).is_none());
    }

    #[test]
    fn a_draft_from_elsewhere_gives_its_text_and_no_made_up_mention() {
        let foreign = ComposerDraft {
            plain_text: "Relis https://exemple.fr et Marie".into(),
            html_text: Some(
                "Relis <a href=\"https://exemple.fr\">https://exemple.fr</a> et <a href=\"https://matrix.to/#/@marie:a.fr\">Marie</a> <a href=\"https://matrix.to/#/@zoe:a.fr\">Zoé</a><img src=x onerror=alert(1)>"
                    .into(),
            ),
            draft_type: ComposerDraftType::Reply { event_id: "$e:a.fr".try_into().unwrap() },
            attachments: Vec::new(),
        };
        let draft = read_draft(foreign).unwrap();
        assert_eq!(draft.text, "Relis https://exemple.fr et Marie");
        // Zoé's label is not in the text: no pill for her.
        assert_eq!(draft.mentions, vec![MessagePart::User { user_id: "@marie:a.fr".into(), name: "Marie".into() }]);
    }
}
