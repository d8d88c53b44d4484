//! A room's timeline (matrix-sdk-ui `Timeline`), streamed to the UI as
//! batches of diffs of UI-shaped items; sending goes through the send queue.

use std::sync::Arc;

use futures_util::StreamExt;
use matrix_sdk::ruma::{
    OwnedRoomId, RoomId,
    api::client::receipt::create_receipt::v3::ReceiptType,
    events::room::message::{MessageType, RoomMessageEventContent},
};
use matrix_sdk_base::crypto::types::events::UtdCause;
use matrix_sdk_ui::timeline::{
    AnyOtherStateEventContentChange, EncryptedMessage, EventSendState, EventTimelineItem, MembershipChange as SdkMembershipChange,
    MsgLikeKind, RoomExt, Timeline, TimelineDetails, TimelineItem as SdkItem, TimelineItemContent, TimelineItemKind,
    VirtualTimelineItem,
};
use serde::Serialize;

use super::{
    list_diff::{ListDiff, map_diff},
    room_subscriptions::RoomSubscription,
    session::Session,
};
use crate::error::{AppError, AppResult, ErrorCode};

/// Events asked from the server per back-pagination.
const PAGINATION_BATCH: u16 = 30;

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
        sender_name: String,
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

/// A timeline the UI is showing, and the task forwarding its changes.
pub struct OpenTimeline {
    timeline: Arc<Timeline>,
    forwarder: tokio::task::JoinHandle<()>,
    /// Every event of the room while it is on screen, not only the latest.
    _subscription: RoomSubscription,
}

impl Drop for OpenTimeline {
    fn drop(&mut self) {
        self.forwarder.abort();
    }
}

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
            target_name: change.display_name().unwrap_or_else(|| change.user_id().to_string()),
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
        TimelineItemKind::Event(event) => TimelineItem::Event {
            id,
            event_id: event.event_id().map(ToString::to_string),
            sender_id: event.sender().to_string(),
            sender_name: match event.sender_profile() {
                TimelineDetails::Ready(profile) => profile.display_name.clone().unwrap_or_else(|| event.sender().to_string()),
                _ => event.sender().to_string(),
            },
            is_own: event.is_own(),
            timestamp: event.timestamp().0.into(),
            content: content_of(event),
            send_state: send_state(event),
        },
        TimelineItemKind::Virtual(VirtualTimelineItem::DateDivider(ts)) => TimelineItem::DaySeparator { id, timestamp: ts.0.into() },
        TimelineItemKind::Virtual(VirtualTimelineItem::ReadMarker) => TimelineItem::ReadMarker { id },
        TimelineItemKind::Virtual(VirtualTimelineItem::TimelineStart) => TimelineItem::TimelineStart { id },
    }
}

fn parse_room_id(room_id: &str) -> AppResult<OwnedRoomId> {
    RoomId::parse(room_id).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))
}

fn room(session: &Session, room_id: &str) -> AppResult<matrix_sdk::Room> {
    let room_id = parse_room_id(room_id)?;
    session.client().get_room(&room_id).ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "unknown room"))
}

fn open_timeline(session: &Session, room_id: &str) -> AppResult<Arc<Timeline>> {
    let timelines = session.timelines.lock().unwrap();
    timelines.get(room_id).map(|t| t.timeline.clone()).ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "timeline not open"))
}

/// Opens `room_id`'s timeline and streams it to `sink`: a reset, then diffs.
pub async fn open(session: &Session, room_id: &str, sink: impl Fn(TimelineBatch) + Send + Sync + 'static) -> AppResult<()> {
    let room = room(session, room_id)?;
    let timeline = Arc::new(room.timeline().await.map_err(|e| AppError::internal("timeline", e))?);
    let (items, stream) = timeline.subscribe().await;
    sink(vec![ListDiff::Reset { values: items.iter().map(to_ui_item).collect() }]);
    let forwarder = tokio::spawn(async move {
        // Batches that arrive together are merged into one message to the UI.
        let mut stream = Box::pin(stream.ready_chunks(32));
        while let Some(batches) = stream.next().await {
            sink(batches.into_iter().flatten().map(|diff| map_diff(diff, to_ui_item)).collect());
        }
    });
    let _subscription = session.subscribe_room(room.room_id());
    session.timelines.lock().unwrap().insert(room_id.to_owned(), OpenTimeline { timeline, forwarder, _subscription });
    Ok(())
}

pub fn close(session: &Session, room_id: &str) {
    session.timelines.lock().unwrap().remove(room_id);
}

/// Loads older events; `true` once the start of the room is reached.
pub async fn paginate_backwards(session: &Session, room_id: &str) -> AppResult<bool> {
    let timeline = open_timeline(session, room_id)?;
    timeline.paginate_backwards(PAGINATION_BATCH).await.map_err(|e| AppError::new(ErrorCode::Network, format!("pagination: {e}")))
}

/// Queues a text message (Markdown allowed, as in Element); the timeline shows
/// its local echo at once, then its sent or failed state.
pub async fn send_text(session: &Session, room_id: &str, body: &str) -> AppResult<()> {
    let room = room(session, room_id)?;
    room.send_queue()
        .send(RoomMessageEventContent::text_markdown(body).into())
        .await
        .map(|_| ())
        .map_err(|e| AppError::internal("send queue", e))
}

/// The send handle of one of our messages in an open timeline; `None` once
/// the server has it.
async fn local_echo(session: &Session, room_id: &str, item_id: &str) -> AppResult<Option<matrix_sdk::send_queue::SendHandle>> {
    let timeline = open_timeline(session, room_id)?;
    let items = timeline.items().await;
    let item = items
        .iter()
        .find(|item| item.unique_id().0 == item_id)
        .and_then(|item| item.as_event())
        .ok_or_else(|| AppError::new(ErrorCode::Internal, "no such message"))?;
    Ok(item.local_echo_send_handle())
}

/// Sends a failed message again. A message the automatic resend already
/// delivered needs nothing more: the click simply came late.
pub async fn retry_send(session: &Session, room_id: &str, item_id: &str) -> AppResult<()> {
    let Some(handle) = local_echo(session, room_id, item_id).await? else { return Ok(()) };
    // A network failure disables the queue; a server refusal wedges the event.
    session.client().send_queue().set_enabled(true).await;
    handle.unwedge().await.map_err(|e| AppError::internal("retry", e))
}

/// Gives up a message that could not be sent.
pub async fn discard_send(session: &Session, room_id: &str, item_id: &str) -> AppResult<()> {
    let handle =
        local_echo(session, room_id, item_id).await?.ok_or_else(|| AppError::new(ErrorCode::Internal, "message already sent"))?;
    handle.abort().await.map(|_| ()).map_err(|e| AppError::storage("discard", e))
}

pub async fn mark_read(session: &Session, room_id: &str) -> AppResult<()> {
    let timeline = open_timeline(session, room_id)?;
    timeline.mark_as_read(ReceiptType::Read).await.map(|_| ()).map_err(|e| AppError::from_sdk("read receipt", &e))
}
