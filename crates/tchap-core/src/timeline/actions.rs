//! What a user does to messages besides writing new ones: reply, edit,
//! delete, and mention people or rooms. Everything goes through the SDK's
//! `Timeline` (relations, fallbacks and local echoes are its business).

use matrix_sdk::ruma::{
    OwnedUserId, RoomId, UserId,
    events::{
        Mentions,
        room::message::{RoomMessageEventContent, RoomMessageEventContentWithoutRelation},
    },
};
use matrix_sdk::room::edit::EditedContent;
use serde::{Deserialize, Serialize};

use super::{TimelineService, parse_event_id};
use crate::error::{AppError, AppResult, ErrorCode};

/// A message as the composer made it: text (Markdown allowed), and the
/// people and rooms the user picked in the autocomplete.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct ComposedMessage {
    pub parts: Vec<MessagePart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum MessagePart {
    Text { text: String },
    #[serde(rename_all = "camelCase")]
    User { user_id: String, name: String },
    #[serde(rename_all = "camelCase")]
    Room { room_id: String, name: String },
    /// `@room`: notifies everyone, if the sender's power level allows it.
    AtRoom,
}

/// The text shown for an `@room` mention (the word other clients look for).
pub(super) const AT_ROOM: &str = "@room";

/// Markdown with every ASCII punctuation escaped: a name shown as a link's
/// text, never read as markup (a name like `[x](javascript:…)` stays text).
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Builds the event content: the plain body carries the names, the HTML body
/// links them to `https://matrix.to/#/…`, and `m.mentions` lists the people
/// (and `@room`) so that their clients notify them.
fn message_content(message: &ComposedMessage) -> AppResult<RoomMessageEventContentWithoutRelation> {
    let mut markdown = String::new();
    let mut plain = String::new();
    let mut mentions = Mentions::new();
    let mut has_links = false;
    for part in &message.parts {
        match part {
            MessagePart::Text { text } => {
                markdown.push_str(text);
                plain.push_str(text);
            }
            MessagePart::User { user_id, name } => {
                let user_id = UserId::parse(user_id).map_err(|_| AppError::new(ErrorCode::InvalidUserId, "mention of a malformed user id"))?;
                markdown.push_str(&format!("[{}]({})", escape_markdown(name), user_id.matrix_to_uri()));
                plain.push_str(name);
                mentions.user_ids.insert(user_id);
                has_links = true;
            }
            MessagePart::Room { room_id, name } => {
                let room_id = RoomId::parse(room_id).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "link to a malformed room id"))?;
                markdown.push_str(&format!("[{}]({})", escape_markdown(name), room_id.matrix_to_uri()));
                plain.push_str(name);
                has_links = true;
            }
            MessagePart::AtRoom => {
                markdown.push_str(AT_ROOM);
                plain.push_str(AT_ROOM);
                mentions.room = true;
            }
        }
    }
    if plain.trim().is_empty() {
        return Err(AppError::new(ErrorCode::Internal, "empty message"));
    }
    let mut content = RoomMessageEventContent::text_markdown(&markdown);
    if has_links {
        // The plain body reads as the user saw it: names, not Markdown links.
        let html = match content.msgtype {
            matrix_sdk::ruma::events::room::message::MessageType::Text(ref text) => text.formatted.as_ref().map(|f| f.body.clone()),
            _ => None,
        };
        content = match html {
            Some(html) => RoomMessageEventContent::text_html(plain, html),
            None => RoomMessageEventContent::text_plain(plain),
        };
    }
    // Always set, even empty: it tells other clients not to guess mentions from the body.
    Ok(RoomMessageEventContentWithoutRelation::from(content).add_mentions(mentions))
}

impl TimelineService {
    /// Refuses `@room` to a sender whose power level does not allow it, rather
    /// than sending a message that says it notifies everyone and does not.
    async fn check_room_mention(&self, room_id: &str, message: &ComposedMessage) -> AppResult<()> {
        if message.parts.iter().any(|p| matches!(p, MessagePart::AtRoom)) && !self.can_mention_room(room_id).await? {
            return Err(AppError::new(ErrorCode::Forbidden, "not allowed to mention @room"));
        }
        Ok(())
    }

    /// Whether the user may notify the whole room with `@room`.
    pub async fn can_mention_room(&self, room_id: &str) -> AppResult<bool> {
        let room = self.room(room_id)?;
        let own: OwnedUserId = self.context.client().user_id().ok_or_else(|| AppError::new(ErrorCode::NotLoggedIn, "no user"))?.to_owned();
        let member = room.get_member(&own).await.map_err(|e| AppError::from_sdk("own membership", &e))?;
        Ok(member.is_some_and(|m| m.can_trigger_room_notification()))
    }

    /// Sends a new message, with its mentions; a reply to `in_reply_to` (an
    /// event id) when given.
    pub async fn send_composed(&self, room_id: &str, message: &ComposedMessage, in_reply_to: Option<&str>) -> AppResult<()> {
        let content = message_content(message)?;
        self.check_room_mention(room_id, message).await?;
        let timeline = self.timeline(room_id)?;
        match in_reply_to {
            Some(event_id) => {
                let event_id = parse_event_id(event_id)?;
                timeline.send_reply(content, event_id).await.map_err(|e| AppError::internal("reply", e))
            }
            None => timeline.send(RoomMessageEventContent::from(content).into()).await.map(|_| ()).map_err(|e| AppError::internal("send", e)),
        }
    }

    /// Replaces the text of one of our messages (an `m.replace` edit; a
    /// message not sent yet is changed in the send queue instead).
    pub async fn edit(&self, room_id: &str, item_id: &str, message: &ComposedMessage) -> AppResult<()> {
        let content = message_content(message)?;
        self.check_room_mention(room_id, message).await?;
        let item = self.event_item(room_id, item_id).await?;
        if !can_edit(&item) {
            return Err(AppError::new(ErrorCode::Forbidden, "this message cannot be edited"));
        }
        let timeline = self.timeline(room_id)?;
        timeline.edit(&item.identifier(), EditedContent::RoomMessage(content)).await.map_err(|e| AppError::internal("edit", e))
    }

    /// Deletes (redacts) one of our messages for everyone; a message not
    /// sent yet is simply dropped from the send queue.
    pub async fn redact(&self, room_id: &str, item_id: &str) -> AppResult<()> {
        let item = self.event_item(room_id, item_id).await?;
        if !can_redact(&item) {
            return Err(AppError::new(ErrorCode::Forbidden, "this message cannot be deleted"));
        }
        let timeline = self.timeline(room_id)?;
        timeline.redact(&item.identifier(), None).await.map_err(|e| match e {
            matrix_sdk_ui::timeline::Error::RedactError(matrix_sdk_ui::timeline::RedactError::HttpError(http)) => {
                AppError::from_http("redact", &http)
            }
            other => AppError::internal("redact", other),
        })
    }

    /// Asks the server for the message a reply quotes when the timeline does
    /// not hold it; the quote updates through the timeline's diffs.
    pub async fn load_reply_details(&self, room_id: &str, event_id: &str) -> AppResult<()> {
        let timeline = self.timeline(room_id)?;
        let event_id = parse_event_id(event_id)?;
        timeline.fetch_details_for_event(&event_id).await.map_err(|e| AppError::internal("reply details", e))
    }
}

/// Only text we can put back in the composer is edited here (a caption or a
/// poll is not).
pub fn can_edit(item: &matrix_sdk_ui::timeline::EventTimelineItem) -> bool {
    use matrix_sdk::ruma::events::room::message::MessageType;
    item.is_editable() && item.content().as_message().is_some_and(|m| matches!(m.msgtype(), MessageType::Text(_) | MessageType::Emote(_)))
}

/// One's own messages, not already deleted.
pub fn can_redact(item: &matrix_sdk_ui::timeline::EventTimelineItem) -> bool {
    item.is_own() && item.content().as_msglike().is_some_and(|m| !matches!(m.kind, matrix_sdk_ui::timeline::MsgLikeKind::Redacted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> MessagePart {
        MessagePart::Text { text: t.into() }
    }

    fn json(message: &ComposedMessage) -> serde_json::Value {
        serde_json::to_value(RoomMessageEventContent::from(message_content(message).unwrap())).unwrap()
    }

    #[test]
    fn a_mention_links_the_person_and_lists_them() {
        let message = ComposedMessage {
            parts: vec![text("Bonjour "), MessagePart::User { user_id: "@bob:example.org".into(), name: "Bruno [Dupont]".into() }, text(" !")],
        };
        let content = json(&message);
        assert_eq!(content["body"], "Bonjour Bruno [Dupont] !");
        assert_eq!(content["formatted_body"], "Bonjour <a href=\"https://matrix.to/#/@bob:example.org\">Bruno [Dupont]</a> !");
        assert_eq!(content["m.mentions"]["user_ids"], serde_json::json!(["@bob:example.org"]));
    }

    #[test]
    fn a_name_is_never_markup() {
        let message = ComposedMessage { parts: vec![MessagePart::User { user_id: "@x:example.org".into(), name: "<b>x</b>](javascript:alert(1))".into() }] };
        let html = json(&message)["formatted_body"].as_str().unwrap().to_owned();
        assert!(!html.contains("<b>") && !html.contains("href=\"javascript"), "{html}");
    }

    #[test]
    fn plain_text_has_no_mentions() {
        let content = json(&ComposedMessage { parts: vec![text("**gras**")] });
        assert_eq!(content["body"], "**gras**");
        assert_eq!(content["m.mentions"], serde_json::json!({}));
    }

    #[test]
    fn malformed_ids_and_empty_messages_are_refused() {
        let bad = ComposedMessage { parts: vec![MessagePart::User { user_id: "bob".into(), name: "Bob".into() }] };
        assert_eq!(message_content(&bad).unwrap_err().code, ErrorCode::InvalidUserId);
        assert!(message_content(&ComposedMessage { parts: vec![text("  ")] }).is_err());
    }
}
