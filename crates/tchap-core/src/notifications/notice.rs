//! A notify-worthy event made into what a desktop notification shows.

use matrix_sdk::{
    Room,
    deserialized_responses::RawAnySyncOrStrippedTimelineEvent,
    ruma::{
        events::{
            AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
            room::message::{MessageType, Relation},
        },
        push::Action,
    },
    sync::Notification,
};

use super::policy::Incoming;

/// The longest preview, in characters: a notification is a glance, and a
/// hostile message may be megabytes long.
const PREVIEW_CHARS: usize = 120;

/// A new message worth a desktop notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub room_id: String,
    pub event_id: String,
    /// Without Tchap's "[Domaine]" suffix.
    pub sender_name: String,
    pub room_name: String,
    /// One line, shortened; a French word for what is not text ("Image").
    pub preview: String,
    /// The push rules ask for a highlight: the user is mentioned.
    pub is_mention: bool,
    pub is_direct: bool,
    /// An invitation to the room (the sender invites the user), not a message.
    pub is_invite: bool,
}

/// What the message carries, as far as a notification says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Content {
    Text(String),
    /// Not decrypted yet (its key may come later): no content to show.
    Encrypted,
    /// A French word for an attachment, a sticker, a poll…
    Kind(&'static str),
}

/// The event behind an SDK notification, if it is a message (invites are
/// read by `invites`, other events are left to the room list).
pub(super) fn read(room: &Room, notification: &Notification) -> Option<(Incoming, Content)> {
    let RawAnySyncOrStrippedTimelineEvent::Sync(raw) = &notification.event else {
        return None;
    };
    let event = raw.deserialize().ok()?;
    let AnySyncTimelineEvent::MessageLike(message) = &event else {
        return None;
    };
    let mut is_edit = false;
    let content = match message {
        AnySyncMessageLikeEvent::RoomMessage(SyncMessageLikeEvent::Original(message)) => {
            is_edit = matches!(message.content.relates_to, Some(Relation::Replacement(_)));
            content_of(&message.content.msgtype)
        }
        AnySyncMessageLikeEvent::RoomEncrypted(SyncMessageLikeEvent::Original(_)) => Content::Encrypted,
        AnySyncMessageLikeEvent::Sticker(SyncMessageLikeEvent::Original(_)) => Content::Kind("Autocollant"),
        AnySyncMessageLikeEvent::PollStart(SyncMessageLikeEvent::Original(_))
        | AnySyncMessageLikeEvent::UnstablePollStart(SyncMessageLikeEvent::Original(_)) => Content::Kind("Sondage"),
        _ => return None,
    };
    let incoming = Incoming {
        room_id: room.room_id().to_owned(),
        event_id: event.event_id().to_owned(),
        sender: event.sender().to_owned(),
        sent_at_ms: event.origin_server_ts().0.into(),
        is_mention: notification.actions.iter().any(Action::is_highlight),
        is_edit,
    };
    Some((incoming, content))
}

/// The notice for an admitted event, with the names the store knows.
pub(super) async fn describe(room: &Room, incoming: &Incoming, content: &Content) -> Notice {
    let sender = incoming.sender.as_str();
    let display_name = match room.get_member_no_sync(&incoming.sender).await {
        Ok(Some(member)) => member.display_name().map(str::to_owned),
        _ => None,
    };
    Notice {
        room_id: incoming.room_id.to_string(),
        event_id: incoming.event_id.to_string(),
        sender_name: crate::identity::person_name(display_name.as_deref(), sender).name,
        room_name: room_name(room).await,
        preview: preview(content),
        is_mention: incoming.is_mention,
        is_direct: room.is_direct().await.unwrap_or(false),
        is_invite: false,
    }
}

/// The room's own name, else the one computed from its members.
pub(super) async fn room_name(room: &Room) -> String {
    if let Some(name) = room.name().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) {
        return name;
    }
    match room.cached_display_name() {
        Some(name) => name.to_string(),
        None => room.display_name().await.map(|n| n.to_string()).unwrap_or_else(|_| room.room_id().to_string()),
    }
}

fn content_of(message: &MessageType) -> Content {
    match message {
        MessageType::Text(text) => Content::Text(text.body.clone()),
        MessageType::Notice(notice) => Content::Text(notice.body.clone()),
        MessageType::Emote(emote) => Content::Text(emote.body.clone()),
        MessageType::Image(_) => Content::Kind("Image"),
        MessageType::Video(_) => Content::Kind("Vidéo"),
        MessageType::Audio(_) => Content::Kind("Message audio"),
        MessageType::File(_) => Content::Kind("Fichier"),
        MessageType::Location(_) => Content::Kind("Position"),
        _ => Content::Kind("Message"),
    }
}

/// One line of at most `PREVIEW_CHARS` characters.
pub(super) fn preview(content: &Content) -> String {
    match content {
        Content::Text(body) => one_line(body, PREVIEW_CHARS),
        Content::Encrypted => "Message chiffré".to_owned(),
        Content::Kind(word) => (*word).to_owned(),
    }
}

fn one_line(text: &str, max_chars: usize) -> String {
    let mut line = String::new();
    let mut words = text.split_whitespace();
    let mut count = 0;
    while let Some(word) = words.next() {
        let needed = word.chars().count() + usize::from(!line.is_empty());
        if count + needed > max_chars {
            let room = max_chars.saturating_sub(count + usize::from(!line.is_empty()) + 1);
            if room > 0 {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.extend(word.chars().take(room));
            }
            line.push('…');
            return line;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        count += needed;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_is_one_short_line() {
        assert_eq!(preview(&Content::Text("Bonjour,\n\nle dossier   est prêt.".into())), "Bonjour, le dossier est prêt.");
        let long = "mot ".repeat(10_000);
        let shown = preview(&Content::Text(long));
        assert!(shown.chars().count() <= PREVIEW_CHARS, "{}", shown.chars().count());
        assert!(shown.ends_with('…'));
        let one_word = "é".repeat(1_000);
        let shown = preview(&Content::Text(one_word));
        assert_eq!(shown.chars().count(), PREVIEW_CHARS);
    }

    #[test]
    fn what_is_not_text_is_named() {
        assert_eq!(preview(&Content::Encrypted), "Message chiffré");
        assert_eq!(preview(&Content::Kind("Image")), "Image");
    }
}
