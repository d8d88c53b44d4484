//! Timeline items as the UI shows them: the SDK's items mapped to small,
//! serialisable DTOs (never a raw SDK type across the IPC).

use std::sync::Arc;

use matrix_sdk_base::crypto::types::events::UtdCause;
use matrix_sdk_ui::timeline::{
    AnyOtherStateEventContentChange, EncryptedMessage, EventSendState, EventTimelineItem, MembershipChange as SdkMembershipChange,
    MsgLikeKind, TimelineDetails, TimelineEventItemId, TimelineItem as SdkItem, TimelineItemContent, TimelineItemKind, VirtualTimelineItem,
};
use matrix_sdk::ruma::events::{MessageLikeEventType, StateEventContentChange, room::message::MessageType};
use serde::Serialize;

use super::formatted::{FormattedNode, formatted_nodes};
use super::reactions::{NamedUser, People, ReactionGroup, reaction_groups, readers};
use crate::{
    identity::person_name,
    list_diff::ListDiff,
    room_kind::{ACCESS_RULES_EVENT_TYPE, AccessRule, AccessRulesEventContent},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MembershipChange {
    Joined,
    Left,
    Invited,
    Kicked,
    Banned,
    Other,
}

/// Why a message can't be read (yet), so that the UI can say what to do.
/// Such a message unlocks by itself when its key arrives: the SDK's timeline
/// retries the decryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum UndecryptableReason {
    /// The key has not arrived (yet).
    KeyMissing,
    /// Sent before we joined: the room's history was not shared with us.
    SentBeforeJoined,
    /// Sent before this device existed; verifying it gives access.
    SentBeforeThisDeviceUnverified,
    /// Sent before this device existed, and there is no key backup.
    SentBeforeThisDeviceNoBackup,
    /// The sender's device chose not to share the key with this device.
    Withheld,
    /// The sender's device is not trusted; hidden for safety.
    UntrustedSender,
}

fn undecryptable_reason(message: &EncryptedMessage) -> UndecryptableReason {
    let EncryptedMessage::MegolmV1AesSha2 { cause, .. } = message else { return UndecryptableReason::KeyMissing };
    match cause {
        UtdCause::SentBeforeWeJoined => UndecryptableReason::SentBeforeJoined,
        UtdCause::HistoricalMessageAndDeviceIsUnverified => UndecryptableReason::SentBeforeThisDeviceUnverified,
        UtdCause::HistoricalMessageAndBackupIsDisabled => UndecryptableReason::SentBeforeThisDeviceNoBackup,
        UtdCause::WithheldBySender | UtdCause::WithheldForUnverifiedOrInsecureDevice => UndecryptableReason::Withheld,
        UtdCause::VerificationViolation | UtdCause::UnsignedDevice | UtdCause::UnknownDevice => UndecryptableReason::UntrustedSender,
        UtdCause::Unknown => UndecryptableReason::KeyMissing,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum MessageContent {
    /// `formatted`: the sender's HTML through the allow-list, when there is
    /// some and it is within bounds; else the UI shows `body`.
    Text { body: String, formatted: Option<Vec<FormattedNode>> },
    Notice { body: String, formatted: Option<Vec<FormattedNode>> },
    Emote { body: String, formatted: Option<Vec<FormattedNode>> },
    /// An attachment. Its bytes are never here: the UI asks for them by the
    /// item's id (`media::MediaService`), through the antivirus.
    Media(MediaInfo),
    Redacted,
    Undecryptable { reason: UndecryptableReason },
    #[serde(rename_all = "camelCase")]
    Membership { change: MembershipChange, target_name: String },
    RoomCreated,
    /// The room's name was set; none when it was removed.
    RoomRenamed { name: Option<String> },
    /// The room's topic was set; none when it was removed.
    TopicChanged { topic: Option<String> },
    EncryptionEnabled,
    /// Tchap's access rule: `restricted` (agents only) at creation, or
    /// `unrestricted` (externals may join) when the room was opened.
    #[serde(rename_all = "camelCase")]
    AccessRuleSet { open_to_externals: bool },
    Unsupported,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MediaKind {
    Image,
    Video,
    Audio,
    File,
}

/// What the event says of its attachment (the sender's claims: the UI shows
/// them, the backend checks the bytes themselves before serving them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MediaInfo {
    pub kind: MediaKind,
    /// The sender's file name, shown only (never used as a path).
    pub name: String,
    /// A caption sent with the file, if any.
    pub caption: Option<String>,
    #[specta(type = Option<specta_typescript::Number>)]
    pub size: Option<u64>,
    pub mime: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// A blurhash placeholder can be shown while the image is scanned.
    pub has_placeholder: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum SendState {
    /// `progress`: the share of an attachment uploaded so far (0 to 1).
    Sending { progress: Option<f32> },
    Sent,
    Failed { recoverable: bool },
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum TimelineItem {
    #[serde(rename_all = "camelCase")]
    Event {
        id: String,
        event_id: Option<String>,
        sender_id: String,
        /// The name without Tchap's "[Domaine]" suffix (see `sender_domain`).
        sender_name: String,
        /// The sender's ministry; none for externals (`sender_is_external`).
        sender_domain: Option<String>,
        sender_is_external: bool,
        is_own: bool,
        #[specta(type = specta_typescript::Number)]
        timestamp: u64,
        content: MessageContent,
        send_state: Option<SendState>,
        /// The thread this message starts, if it has replies.
        thread: Option<ThreadInfo>,
        /// The message this one answers, quoted above it.
        in_reply_to: Option<ReplyPreview>,
        /// Changed by its sender since it was sent ("(modifié)").
        edited: bool,
        can_reply: bool,
        can_edit: bool,
        can_redact: bool,
        /// Reactions by emoji, the first `MAX_REACTION_GROUPS`.
        reactions: Vec<ReactionGroup>,
        /// Distinct reactions left out of `reactions`.
        more_reactions: u32,
        /// The others (never ourselves) whose last read message this is.
        read_by: Vec<NamedUser>,
        /// Readers left out of `read_by`.
        more_readers: u32,
    },
    DaySeparator {
        id: String,
        #[specta(type = specta_typescript::Number)]
        timestamp: u64,
    },
    ReadMarker { id: String },
    TimelineStart { id: String },
}

/// The quoted message of a reply, as far as it is known.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReplyPreview {
    pub event_id: String,
    pub quoted: QuotedMessage,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum QuotedMessage {
    /// Not in the timeline; the UI asks for it (`load_reply_details`).
    Unknown,
    Loading,
    /// The server does not have it, or will not give it to us.
    Unavailable,
    #[serde(rename_all = "camelCase")]
    Ready { sender_id: String, sender_name: String, sender_domain: Option<String>, sender_is_external: bool, content: MessageContent },
}

fn reply_preview(event: &EventTimelineItem) -> Option<ReplyPreview> {
    let reply = event.content().in_reply_to()?;
    let quoted = match &reply.event {
        TimelineDetails::Unavailable => QuotedMessage::Unknown,
        TimelineDetails::Pending => QuotedMessage::Loading,
        TimelineDetails::Error(_) => QuotedMessage::Unavailable,
        TimelineDetails::Ready(embedded) => {
            let display_name = match &embedded.sender_profile {
                TimelineDetails::Ready(profile) => profile.display_name.as_deref(),
                _ => None,
            };
            quoted(display_name, embedded.sender.as_str(), message_content(&embedded.content))
        }
    };
    Some(ReplyPreview { event_id: reply.event_id.to_string(), quoted })
}

/// A message of the timeline as a reply quotes it.
pub fn quoted_item(item: &EventTimelineItem) -> QuotedMessage {
    let display_name = match item.sender_profile() {
        TimelineDetails::Ready(profile) => profile.display_name.as_deref(),
        _ => None,
    };
    quoted(display_name, item.sender().as_str(), content_of(item))
}

pub fn quoted(display_name: Option<&str>, sender_id: &str, content: MessageContent) -> QuotedMessage {
    let sender = person_name(display_name, sender_id);
    QuotedMessage::Ready {
        sender_id: sender_id.to_owned(),
        sender_name: sender.name,
        sender_domain: sender.domain,
        sender_is_external: sender.is_external,
        content,
    }
}

pub type TimelineBatch = Vec<ListDiff<TimelineItem>>;

/// Under a thread's first message: "N réponses", who answered last, and
/// whether there is something new in it for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ThreadInfo {
    pub replies: u32,
    pub latest_sender_name: Option<String>,
    /// The user's read receipt in the thread is not on its latest reply.
    pub unread: bool,
}

fn thread_info(event: &EventTimelineItem) -> Option<ThreadInfo> {
    let summary = event.content().thread_summary()?;
    let latest = match &summary.latest_event {
        TimelineDetails::Ready(latest) => Some(latest),
        _ => None,
    };
    // The latest reply's profile may still be on its way: shown once known,
    // at once when the thread's first message has the same sender.
    let latest_sender_name = latest.and_then(|latest| {
        let profile = match (&latest.sender_profile, event.sender_profile()) {
            (TimelineDetails::Ready(profile), _) => profile,
            (_, TimelineDetails::Ready(profile)) if latest.sender == event.sender() => profile,
            _ => return None,
        };
        Some(person_name(profile.display_name.as_deref(), latest.sender.as_str()).name)
    });
    let latest_id = latest.and_then(|latest| match &latest.identifier {
        TimelineEventItemId::EventId(id) => Some(id.clone()),
        TimelineEventItemId::TransactionId(_) => None,
    });
    let read = latest_id.is_some()
        && (summary.public_read_receipt_event_id == latest_id || summary.private_read_receipt_event_id == latest_id);
    Some(ThreadInfo { replies: summary.num_replies, latest_sender_name, unread: summary.num_replies > 0 && !read })
}

pub fn content_of(item: &EventTimelineItem) -> MessageContent {
    access_rule_change(item).or_else(|| unparsed_attachment(item)).unwrap_or_else(|| message_content(item.content()))
}

pub fn message_content(content: &TimelineItemContent) -> MessageContent {
    match content {
        TimelineItemContent::MsgLike(msg_like) => match &msg_like.kind {
            MsgLikeKind::Message(message) => msgtype_content(message.msgtype()),
            MsgLikeKind::Redacted => MessageContent::Redacted,
            MsgLikeKind::UnableToDecrypt(message) => MessageContent::Undecryptable { reason: undecryptable_reason(message) },
            _ => MessageContent::Unsupported,
        },
        TimelineItemContent::MembershipChange(change) => MessageContent::Membership {
            change: match change.change() {
                Some(SdkMembershipChange::Joined | SdkMembershipChange::InvitationAccepted) => MembershipChange::Joined,
                Some(SdkMembershipChange::Left | SdkMembershipChange::InvitationRejected) => MembershipChange::Left,
                Some(SdkMembershipChange::Invited) => MembershipChange::Invited,
                Some(SdkMembershipChange::Kicked) => MembershipChange::Kicked,
                Some(SdkMembershipChange::Banned | SdkMembershipChange::KickedAndBanned) => MembershipChange::Banned,
                _ => MembershipChange::Other,
            },
            target_name: person_name(change.display_name().as_deref(), change.user_id().as_str()).name,
        },
        TimelineItemContent::OtherState(state) => other_state(state.content()),
        _ => MessageContent::Unsupported,
    }
}

/// A message's content by its `msgtype` (an event read outside a timeline too).
pub fn msgtype_content(msgtype: &MessageType) -> MessageContent {
    if let Some(media) = media_info(msgtype) {
        return MessageContent::Media(media);
    }
    match msgtype {
        MessageType::Text(text) => MessageContent::Text { body: text.body.clone(), formatted: formatted_nodes(&text.body, text.formatted.as_ref()) },
        MessageType::Notice(notice) => MessageContent::Notice { body: notice.body.clone(), formatted: formatted_nodes(&notice.body, notice.formatted.as_ref()) },
        MessageType::Emote(emote) => MessageContent::Emote { body: emote.body.clone(), formatted: formatted_nodes(&emote.body, emote.formatted.as_ref()) },
        other => MessageContent::Text { body: other.body().to_owned(), formatted: None },
    }
}

/// The message of an item that carries an attachment (image, video, sound
/// or file); None for any other item.
pub fn media_message(content: &TimelineItemContent) -> Option<&MessageType> {
    let TimelineItemContent::MsgLike(msg_like) = content else { return None };
    let MsgLikeKind::Message(message) = &msg_like.kind else { return None };
    let msgtype = message.msgtype();
    matches!(msgtype, MessageType::Image(_) | MessageType::Video(_) | MessageType::Audio(_) | MessageType::File(_)).then_some(msgtype)
}

/// The attachment an event carries; None for other messages.
pub fn media_info(msgtype: &MessageType) -> Option<MediaInfo> {
    let caption = |c: Option<&str>| c.map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
    let (kind, name, caption, size, mime, width, height, placeholder) = match msgtype {
        MessageType::Image(m) => {
            let info = m.info.as_deref();
            let (w, h) = (info.and_then(|i| i.width), info.and_then(|i| i.height));
            let blurhash = info.and_then(|i| i.blurhash.as_ref()).is_some();
            (MediaKind::Image, m.filename(), caption(m.caption()), info.and_then(|i| i.size), info.and_then(|i| i.mimetype.clone()), w, h, blurhash)
        }
        MessageType::Video(m) => {
            let info = m.info.as_deref();
            let (w, h) = (info.and_then(|i| i.width), info.and_then(|i| i.height));
            (MediaKind::Video, m.filename(), caption(m.caption()), info.and_then(|i| i.size), info.and_then(|i| i.mimetype.clone()), w, h, false)
        }
        MessageType::Audio(m) => {
            let info = m.info.as_deref();
            (MediaKind::Audio, m.filename(), caption(m.caption()), info.and_then(|i| i.size), info.and_then(|i| i.mimetype.clone()), None, None, false)
        }
        MessageType::File(m) => {
            let info = m.info.as_deref();
            (MediaKind::File, m.filename(), caption(m.caption()), info.and_then(|i| i.size), info.and_then(|i| i.mimetype.clone()), None, None, false)
        }
        _ => return None,
    };
    let small = |v: Option<matrix_sdk::ruma::UInt>| v.and_then(|v| u32::try_from(u64::from(v)).ok());
    Some(MediaInfo {
        kind,
        name: shown_name(name),
        caption,
        size: size.map(u64::from),
        mime,
        width: small(width),
        height: small(height),
        has_placeholder: placeholder,
    })
}

/// The sender's file name as it may be shown: without control characters
/// (a line break, a terminal escape) nor bidirectional overrides, which make
/// "facture" + U+202E + "fdp.exe" read "facture" + "exe.pdf".
fn shown_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_control() && !crate::media::save::is_bidi_control(*c)).collect::<String>().trim().to_owned()
}

/// An attachment event the SDK could not read (no address, a malformed
/// one, a wrong type in its `info`): still a tile, from what can be read of
/// it, whose check then says it is unreadable.
fn unparsed_attachment(item: &EventTimelineItem) -> Option<MessageContent> {
    let TimelineItemContent::FailedToParseMessageLike { event_type, .. } = item.content() else { return None };
    if *event_type != MessageLikeEventType::RoomMessage {
        return None;
    }
    let content: serde_json::Value = item.original_json()?.get_field("content").ok()??;
    let kind = match content.get("msgtype")?.as_str()? {
        "m.image" => MediaKind::Image,
        "m.video" => MediaKind::Video,
        "m.audio" => MediaKind::Audio,
        "m.file" => MediaKind::File,
        _ => return None,
    };
    let text = |value: Option<&serde_json::Value>| value.and_then(|v| v.as_str()).map(shown_name).filter(|t| !t.is_empty());
    let info = content.get("info");
    Some(MessageContent::Media(MediaInfo {
        kind,
        name: text(content.get("filename")).or_else(|| text(content.get("body"))).unwrap_or_default(),
        caption: None,
        size: info.and_then(|i| i.get("size")).and_then(|s| s.as_u64()),
        mime: text(info.and_then(|i| i.get("mimetype"))),
        width: None,
        height: None,
        has_placeholder: false,
    }))
}

fn other_state(change: &AnyOtherStateEventContentChange) -> MessageContent {
    use AnyOtherStateEventContentChange as Change;
    use StateEventContentChange::Original;
    let non_empty = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    match change {
        Change::RoomCreate(_) => MessageContent::RoomCreated,
        Change::RoomName(Original { content, .. }) => MessageContent::RoomRenamed { name: non_empty(&content.name) },
        Change::RoomTopic(Original { content, .. }) => MessageContent::TopicChanged { topic: non_empty(&content.topic) },
        Change::RoomEncryption(Original { .. }) => MessageContent::EncryptionEnabled,
        _ => MessageContent::Unsupported,
    }
}

/// Tchap's access rule event is not an event the SDK knows: its content is
/// read from the event itself.
fn access_rule_change(item: &EventTimelineItem) -> Option<MessageContent> {
    let TimelineItemContent::OtherState(state) = item.content() else { return None };
    let AnyOtherStateEventContentChange::_Custom { event_type } = state.content() else { return None };
    if event_type != ACCESS_RULES_EVENT_TYPE || !state.state_key().is_empty() {
        return None;
    }
    let content = item.original_json()?.get_field::<AccessRulesEventContent>("content").ok()??;
    match content.rule {
        AccessRule::Restricted => Some(MessageContent::AccessRuleSet { open_to_externals: false }),
        AccessRule::Unrestricted => Some(MessageContent::AccessRuleSet { open_to_externals: true }),
        // The server's own rule for direct chats says nothing to the user.
        AccessRule::Direct | AccessRule::Unknown => None,
    }
}

/// `None` for others' messages. Our own messages show "sending", "failed" or
/// "sent"; once the server echoes one back it stays "sent".
fn send_state(item: &EventTimelineItem) -> Option<SendState> {
    let Some(state) = item.send_state() else {
        return item.is_own().then_some(SendState::Sent);
    };
    Some(match state {
        EventSendState::NotSentYet { progress } => SendState::Sending {
            progress: progress.as_ref().map(|p| p.progress.current as f32 / p.progress.total.max(1) as f32),
        },
        EventSendState::Sent { .. } => SendState::Sent,
        EventSendState::SendingFailed { is_recoverable, .. } => SendState::Failed { recoverable: *is_recoverable },
    })
}

pub fn to_ui_item(item: &Arc<SdkItem>, people: &People) -> TimelineItem {
    let id = item.unique_id().0.clone();
    match item.kind() {
        TimelineItemKind::Event(event) => {
            let display_name = match event.sender_profile() {
                TimelineDetails::Ready(profile) => profile.display_name.as_deref(),
                _ => None,
            };
            let sender = person_name(display_name, event.sender().as_str());
            let (reactions, more_reactions) = reaction_groups(event, people);
            let (read_by, more_readers) = readers(event, people);
            TimelineItem::Event {
                id,
                event_id: event.event_id().map(ToString::to_string),
                sender_id: event.sender().to_string(),
                sender_name: sender.name,
                sender_domain: sender.domain,
                sender_is_external: sender.is_external,
                is_own: event.is_own(),
                timestamp: event.timestamp().0.into(),
                content: content_of(event),
                send_state: send_state(event),
                thread: thread_info(event),
                in_reply_to: reply_preview(event),
                edited: event.content().as_message().is_some_and(|m| m.is_edited()),
                can_reply: event.can_be_replied_to(),
                can_edit: super::actions::can_edit(event),
                can_redact: super::actions::can_redact(event),
                reactions,
                more_reactions,
                read_by,
                more_readers,
            }
        }
        TimelineItemKind::Virtual(VirtualTimelineItem::DateDivider(ts)) => TimelineItem::DaySeparator { id, timestamp: ts.0.into() },
        TimelineItemKind::Virtual(VirtualTimelineItem::ReadMarker) => TimelineItem::ReadMarker { id },
        TimelineItemKind::Virtual(VirtualTimelineItem::TimelineStart) => TimelineItem::TimelineStart { id },
    }
}
