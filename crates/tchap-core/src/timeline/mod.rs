//! Room timelines (matrix-sdk-ui `Timeline`), streamed to the UI as batches
//! of diffs of UI-shaped items; sending goes through the send queue. The
//! service owns the timelines the UI has open.

mod focus;
pub mod formatted;
mod actions;
mod drafts;
mod items;
mod threads;
mod thread_list;
mod reactions;
pub mod typing;
mod unload;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use futures_util::StreamExt;
use matrix_sdk::{
    room::Receipts,
    ruma::{EventId, OwnedEventId, OwnedRoomId, RoomId, events::room::message::RoomMessageEventContent},
};
use matrix_sdk_ui::timeline::{EventTimelineItem, Timeline};

pub use actions::{ComposedMessage, MessagePart};
pub use drafts::Draft;
pub use items::*;
pub use thread_list::{ThreadListBatch, ThreadMessage, ThreadSummary};
pub use reactions::{MAX_REACTION_GROUPS, NamedUser, ReactionGroup};
use reactions::People;

use self::focus::{Focus, Showing};
use crate::{
    context::{RoomSubscription, SessionContext},
    error::{AppError, AppResult, ErrorCode},
    list_diff::{ListDiff, map_diff},
};

/// Events asked from the server per back-pagination.
const PAGINATION_BATCH: u16 = 30;

/// Where a timeline's batches go (the UI's channel).
type Sink = Arc<dyn Fn(TimelineBatch) + Send + Sync>;

/// A timeline the UI is showing, and the task forwarding its changes.
struct OpenTimeline {
    timeline: Arc<Timeline>,
    forwarder: tokio::task::JoinHandle<()>,
    /// Kept to start the live timeline afresh on the same channel.
    sink: Sink,
    /// For a history around a message, the SDK's cache of it is forgotten
    /// once the timeline is gone (see `retire`).
    showing: Showing,
    /// Every event of the room while it is on screen, not only the latest.
    _subscription: RoomSubscription,
}

impl OpenTimeline {
    /// Stops forwarding and waits until the forwarder is done, so that none
    /// of this timeline's changes reaches the channel after what replaces it.
    async fn stop(mut self) {
        self.forwarder.abort();
        let _ = (&mut self.forwarder).await;
    }
}

impl Drop for OpenTimeline {
    fn drop(&mut self) {
        self.forwarder.abort();
    }
}

pub struct TimelineService {
    context: Arc<SessionContext>,
    open: Mutex<HashMap<String, OpenTimeline>>,
    /// The thread lists the UI shows, by room.
    thread_lists: Mutex<HashMap<String, thread_list::OpenThreadList>>,
}

fn parse_room_id(room_id: &str) -> AppResult<OwnedRoomId> {
    RoomId::parse(room_id).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))
}

fn parse_event_id(event_id: &str) -> AppResult<OwnedEventId> {
    EventId::parse(event_id).map_err(|_| AppError::new(ErrorCode::NotFound, "malformed event id"))
}

impl TimelineService {
    pub fn new(context: Arc<SessionContext>) -> Self {
        Self { context, open: Mutex::default(), thread_lists: Mutex::default() }
    }

    fn room(&self, room_id: &str) -> AppResult<matrix_sdk::Room> {
        let room_id = parse_room_id(room_id)?;
        self.context.client().get_room(&room_id).ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "unknown room"))
    }

    fn timeline(&self, room_id: &str) -> AppResult<Arc<Timeline>> {
        let open = self.open.lock().unwrap();
        open.get(room_id).map(|t| t.timeline.clone()).ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "timeline not open"))
    }

    /// Opens `room_id`'s timeline at its latest messages and streams it to
    /// `sink`: a reset, then diffs.
    pub async fn open(&self, room_id: &str, sink: impl Fn(TimelineBatch) + Send + Sync + 'static) -> AppResult<()> {
        self.open_focused(room_id, Focus::Live, sink).await
    }

    /// Opens the history around `event_id` (a link to a message, a reply's
    /// original) in place of the room's live timeline, until the UI opens
    /// that again.
    pub async fn open_at(&self, room_id: &str, event_id: &str, sink: impl Fn(TimelineBatch) + Send + Sync + 'static) -> AppResult<()> {
        self.open_focused(room_id, Focus::Event(event_id), sink).await
    }

    async fn open_focused(&self, room_id: &str, focus: Focus<'_>, sink: impl Fn(TimelineBatch) + Send + Sync + 'static) -> AppResult<()> {
        let room = self.room(room_id)?;
        // Boxed: the timeline builder's future is too deep to nest inline.
        Box::pin(self.start(&room, focus, Arc::new(sink))).await
    }

    /// Builds the timeline, sends the UI its items (a reset), then its
    /// changes, and keeps it in place of the previous one of the same key.
    async fn start(&self, room: &matrix_sdk::Room, focus: Focus<'_>, sink: Sink) -> AppResult<()> {
        let key = focus.key(room.room_id().as_str());
        let (timeline, showing) = focus::build(room, focus).await?;
        self.show(room, key, showing, timeline, sink).await;
        Ok(())
    }

    /// Sends the UI `timeline`'s items (a reset), then its changes, and keeps
    /// it in place of the previous one of the same key.
    async fn show(&self, room: &matrix_sdk::Room, key: String, showing: Showing, timeline: Timeline, sink: Sink) {
        let timeline = Arc::new(timeline);
        let (items, stream) = timeline.subscribe().await;
        let mut people = People::of_room(room).await;
        let mut to_ui = move |item: &Arc<matrix_sdk_ui::timeline::TimelineItem>| {
            if let Some(event) = item.as_event() {
                people.learn_sender(event);
            }
            to_ui_item(item, &people)
        };
        sink(vec![ListDiff::Reset { values: items.iter().map(&mut to_ui).collect() }]);
        let forwarded = sink.clone();
        let forwarder = tokio::spawn(async move {
            // Batches that arrive together are merged into one message to the UI.
            let mut stream = Box::pin(stream.ready_chunks(32));
            while let Some(batches) = stream.next().await {
                forwarded(batches.into_iter().flatten().map(|diff| map_diff(diff, &mut to_ui)).collect());
            }
        });
        let _subscription = self.context.subscribe_room(room.room_id());
        let kept = showing.clone();
        let replaced = self.open.lock().unwrap().insert(key, OpenTimeline { timeline, forwarder, sink, showing, _subscription });
        if let Some(replaced) = replaced {
            retire(room, replaced, Some(&kept)).await;
        }
    }

    /// The reader reads on far from where the room's timeline started (back
    /// through its history, or down a history opened at a message): the
    /// timeline is replaced, on the same channel, by the history around
    /// `event_id` (the message the reader is at), so that the SDK, this
    /// service and the UI hold a window of the room however far the reader
    /// goes (see `unload`). The previous timeline stays until the new one is
    /// ready: on failure (e.g. the server cannot be reached), nothing changes.
    pub async fn recentre(&self, room_id: &str, event_id: &str) -> AppResult<()> {
        let room = self.room(room_id)?;
        let sink = self.open.lock().unwrap().get(room_id).map(|open| open.sink.clone());
        let sink = sink.ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "timeline not open"))?;
        // Built a first time to know the message can be shown: the SDK keeps
        // the history it loaded, so the second build below is local.
        let (probe, showing) = Box::pin(focus::build(&room, Focus::Event(event_id))).await?;
        drop(probe);
        let previous = {
            let mut open = self.open.lock().unwrap();
            match open.get(room_id) {
                Some(current) if Arc::ptr_eq(&current.sink, &sink) => open.remove(room_id),
                _ => None,
            }
        };
        let Some(previous) = previous else {
            // Closed, or opened again on another channel, while it was built.
            focus::forget(&room, showing).await;
            return Ok(());
        };
        let loaded = if previous.showing == Showing::Live { unload::events_in_memory(&room).await } else { 0 };
        self.let_go_of(&room, previous, loaded, Some(&showing)).await;
        match Box::pin(focus::build(&room, Focus::Event(event_id))).await {
            Ok((timeline, showing)) => self.show(&room, room_id.to_owned(), showing, timeline, sink).await,
            // Unlikely (it was just built): the latest messages, rather than nothing.
            Err(error) => {
                Box::pin(self.start(&room, Focus::Live, sink)).await?;
                return Err(error);
            }
        }
        unload::return_freed_memory();
        Ok(())
    }

    /// Lets go of the room's main timeline before another takes its place on
    /// the same channel (see `retire`); when it held `loaded` live events,
    /// many of them, waits for the SDK to shrink them. Every timeline of the
    /// room subscribes to its live events: they are let go of only once none
    /// is open, so not while a thread is.
    async fn let_go_of(&self, room: &matrix_sdk::Room, previous: OpenTimeline, loaded: usize, kept: Option<&Showing>) {
        retire(room, previous, kept).await;
        if loaded > unload::LIGHTEN_ABOVE_EVENTS && !self.has_threads_open(room.room_id().as_str()) {
            unload::wait_for_shrink(room, loaded).await;
        }
    }

    fn has_threads_open(&self, room_id: &str) -> bool {
        let prefix = focus::thread_key(room_id, "");
        self.open.lock().unwrap().keys().any(|key| key.starts_with(&prefix))
    }

    /// The reader is back at the latest messages of a room read far back:
    /// starts its live timeline afresh on the same channel (a reset with the
    /// latest messages) so the SDK and the UI let go of the older ones (see
    /// `unload`). Does nothing to a timeline opened at a message, or to a
    /// room with few events loaded. `true` when it started afresh.
    pub async fn lighten(&self, room_id: &str) -> AppResult<bool> {
        let room = self.room(room_id)?;
        let loaded = unload::events_in_memory(&room).await;
        if loaded <= unload::LIGHTEN_ABOVE_EVENTS {
            return Ok(false);
        }
        let previous = {
            let mut open = self.open.lock().unwrap();
            match open.get(room_id) {
                Some(timeline) if timeline.showing == Showing::Live => open.remove(room_id),
                _ => None,
            }
        };
        let Some(previous) = previous else { return Ok(false) };
        let sink = previous.sink.clone();
        self.let_go_of(&room, previous, loaded, None).await;
        Box::pin(self.start(&room, Focus::Live, sink)).await?;
        unload::return_freed_memory();
        Ok(true)
    }

    pub async fn close(&self, room_id: &str) {
        let closed = self.open.lock().unwrap().remove(room_id);
        if let (Some(closed), Ok(room)) = (closed, self.room(room_id)) {
            retire(&room, closed, None).await;
        }
    }

    /// Closes every timeline (the session stops).
    pub fn close_all(&self) {
        self.open.lock().unwrap().clear();
        self.thread_lists.lock().unwrap().clear();
    }

    /// Loads older events; `true` once the start of the room is reached.
    pub async fn paginate_backwards(&self, room_id: &str) -> AppResult<bool> {
        let timeline = self.timeline(room_id)?;
        timeline.paginate_backwards(PAGINATION_BATCH).await.map_err(|e| AppError::new(ErrorCode::Network, format!("pagination: {e}")))
    }

    /// Loads newer events of a timeline opened at an event; `true` once the
    /// latest messages are reached (the UI then opens the live timeline).
    pub async fn paginate_forwards(&self, room_id: &str) -> AppResult<bool> {
        let timeline = self.timeline(room_id)?;
        timeline.paginate_forwards(PAGINATION_BATCH).await.map_err(|e| AppError::new(ErrorCode::Network, format!("pagination: {e}")))
    }

    /// Queues a text message (Markdown allowed, as in Element); the timeline shows
    /// its local echo at once, then its sent or failed state.
    pub async fn send_text(&self, room_id: &str, body: &str) -> AppResult<()> {
        let room = self.room(room_id)?;
        room.send_queue()
            .send(RoomMessageEventContent::text_markdown(body).into())
            .await
            .map(|_| ())
            .map_err(|e| AppError::internal("send queue", e))
    }

    /// A message of an open timeline, by the id the UI knows it by.
    pub async fn event_item(&self, room_id: &str, item_id: &str) -> AppResult<EventTimelineItem> {
        let timeline = self.timeline(room_id)?;
        let items = timeline.items().await;
        items
            .iter()
            .find(|item| item.unique_id().0 == item_id)
            .and_then(|item| item.as_event())
            .cloned()
            .ok_or_else(|| AppError::new(ErrorCode::NotFound, "no such message"))
    }

    /// Adds our `key` reaction to a message, or takes it back if we had sent
    /// it; `true` when added. The timeline shows it at once, then the server's.
    pub async fn toggle_reaction(&self, room_id: &str, item_id: &str, key: &str) -> AppResult<bool> {
        if key.trim().is_empty() || key.len() > reactions::MAX_REACTION_KEY_BYTES {
            return Err(AppError::new(ErrorCode::Internal, "not a reaction"));
        }
        let item = self.event_item(room_id, item_id).await?;
        let timeline = self.timeline(room_id)?;
        timeline.toggle_reaction(&item.identifier(), key).await.map_err(|e| AppError::internal("reaction", e))
    }

    /// The send handle of one of our messages in an open timeline; `None` once
    /// the server has it.
    async fn local_echo(&self, room_id: &str, item_id: &str) -> AppResult<Option<matrix_sdk::send_queue::SendHandle>> {
        Ok(self.event_item(room_id, item_id).await?.local_echo_send_handle())
    }

    /// Sends a failed message again. A message the automatic resend already
    /// delivered needs nothing more: the click simply came late.
    pub async fn retry_send(&self, room_id: &str, item_id: &str) -> AppResult<()> {
        let Some(handle) = self.local_echo(room_id, item_id).await? else { return Ok(()) };
        // A network failure disables the queue; a server refusal wedges the event.
        self.context.client().send_queue().set_enabled(true).await;
        handle.unwedge().await.map_err(|e| AppError::internal("retry", e))
    }

    /// Gives up a message that could not be sent.
    pub async fn discard_send(&self, room_id: &str, item_id: &str) -> AppResult<()> {
        let handle =
            self.local_echo(room_id, item_id).await?.ok_or_else(|| AppError::new(ErrorCode::Internal, "message already sent"))?;
        handle.abort().await.map(|_| ()).map_err(|e| AppError::storage("discard", e))
    }

    /// Marks the room read up to `event_id`, the last message the user has
    /// seen (the UI knows: on screen, window focused). Only moves forward:
    /// the SDK ignores a receipt older than the one it already sent.
    pub async fn mark_read(&self, room_id: &str, event_id: &str) -> AppResult<()> {
        let timeline = self.timeline(room_id)?;
        let event_id = parse_event_id(event_id)?;
        let receipts = Receipts::new().fully_read_marker(event_id.clone()).public_read_receipt(event_id);
        timeline.send_multiple_receipts(receipts).await.map_err(|e| AppError::internal("read receipt", e))
    }
}

/// Lets go of a timeline taken out of the open ones: its forwarder stopped,
/// and, for a history around a message, the SDK's cache of it forgotten
/// (the SDK would keep it as long as the session), unless `kept`, the
/// timeline taking its place, shows the same history.
async fn retire(room: &matrix_sdk::Room, timeline: OpenTimeline, kept: Option<&Showing>) {
    let showing = timeline.showing.clone();
    timeline.stop().await;
    if kept != Some(&showing) {
        focus::forget(room, showing).await;
    }
}
