//! Timeline items as the UI shows them: the SDK's items mapped to small,
//! serialisable DTOs (never a raw SDK type across the IPC).

use std::sync::Arc;

use matrix_sdk_base::crypto::types::events::UtdCause;
use matrix_sdk_ui::timeline::{
    AnyOtherStateEventContentChange, EncryptedMessage, EventSendState, EventTimelineItem, MembershipChange as SdkMembershipChange,
    MsgLikeKind, TimelineDetails, TimelineItem as SdkItem, TimelineItemContent, TimelineItemKind, VirtualTimelineItem,
};
use matrix_sdk::ruma::events::room::message::MessageType;
use serde::Serialize;

use crate::{identity::person_name, list_diff::ListDiff};

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
    Text { body: String },
    Notice { body: String },
    Emote { body: String },
    File { name: String },
    Redacted,
    Undecryptable { reason: UndecryptableReason },
    #[serde(rename_all = "camelCase")]
    Membership { change: MembershipChange, target_name: String },
    RoomCreated,
    Unsupported,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum SendState {
    Sending,
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
    },
    DaySeparator {
        id: String,
        #[specta(type = specta_typescript::Number)]
        timestamp: u64,
    },
    ReadMarker { id: String },
    TimelineStart { id: String },
}

pub type TimelineBatch = Vec<ListDiff<TimelineItem>>;

pub fn content_of(item: &EventTimelineItem) -> MessageContent {
    message_content(item.content())
}

pub fn message_content(content: &TimelineItemContent) -> MessageContent {
    match content {
        TimelineItemContent::MsgLike(msg_like) => match &msg_like.kind {
            MsgLikeKind::Message(message) => match message.msgtype() {
                MessageType::Text(text) => MessageContent::Text { body: text.body.clone() },
                MessageType::Notice(notice) => MessageContent::Notice { body: notice.body.clone() },
                MessageType::Emote(emote) => MessageContent::Emote { body: emote.body.clone() },
                MessageType::File(file) => MessageContent::File { name: file.filename().to_owned() },
                MessageType::Image(image) => MessageContent::File { name: image.filename().to_owned() },
                MessageType::Video(video) => MessageContent::File { name: video.filename().to_owned() },
                MessageType::Audio(audio) => MessageContent::File { name: audio.filename().to_owned() },
                other => MessageContent::Text { body: other.body().to_owned() },
            },
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
        TimelineItemContent::OtherState(state) if matches!(state.content(), AnyOtherStateEventContentChange::RoomCreate(_)) => {
            MessageContent::RoomCreated
        }
        _ => MessageContent::Unsupported,
    }
}

/// `None` for others' messages. Our own messages show "sending", "failed" or
/// "sent"; once the server echoes one back it stays "sent".
fn send_state(item: &EventTimelineItem) -> Option<SendState> {
    let Some(state) = item.send_state() else {
        return item.is_own().then_some(SendState::Sent);
    };
    Some(match state {
        EventSendState::NotSentYet { .. } => SendState::Sending,
        EventSendState::Sent { .. } => SendState::Sent,
        EventSendState::SendingFailed { is_recoverable, .. } => SendState::Failed { recoverable: *is_recoverable },
    })
}

pub fn to_ui_item(item: &Arc<SdkItem>) -> TimelineItem {
    let id = item.unique_id().0.clone();
    match item.kind() {
        TimelineItemKind::Event(event) => {
            let display_name = match event.sender_profile() {
                TimelineDetails::Ready(profile) => profile.display_name.as_deref(),
                _ => None,
            };
            let sender = person_name(display_name, event.sender().as_str());
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
            }
        }
        TimelineItemKind::Virtual(VirtualTimelineItem::DateDivider(ts)) => TimelineItem::DaySeparator { id, timestamp: ts.0.into() },
        TimelineItemKind::Virtual(VirtualTimelineItem::ReadMarker) => TimelineItem::ReadMarker { id },
        TimelineItemKind::Virtual(VirtualTimelineItem::TimelineStart) => TimelineItem::TimelineStart { id },
    }
}
