//! The room list: RoomListService's sorted entries (most recent activity
//! first), turned into UI summaries and streamed as batches of diffs.
//!
//! The SDK sends the same room several times while a sync grows, and a warm
//! start lists every room at once: each room is summarized once per batch,
//! and its preview (the costly part: the latest event and its sender's
//! profile, read from the store) only when its latest event changed.

mod previews;
mod summary;
pub mod unread;

use std::collections::{HashMap, HashSet};

use futures_util::{StreamExt, pin_mut};
use matrix_sdk::{Room, ruma::OwnedRoomId};
use matrix_sdk_ui::room_list_service::{RoomListItem, filters::new_filter_non_left};
use tracing::warn;

pub use summary::{LastMessage, RoomKind, RoomSummary, initials, summarize};

use crate::{
    context::SessionContext,
    error::{AppError, AppResult},
    list_diff::{self, ListDiff, diff_values, map_diff},
};
use previews::Previews;

/// No paging in the UI yet: every joined room and invite is listed.
const PAGE_SIZE: usize = 100_000;
/// Room summaries computed at the same time (they mostly wait on the store).
const SUMMARIES_IN_FLIGHT: usize = 32;
/// Diff batches the SDK has ready are merged, up to this many, into one.
const BATCHES_MERGED: usize = 32;
/// Above this many previews to compute at once (a warm start), the list is
/// sent first and the previews follow as `Set`s: names before details.
const PREVIEWS_DEFERRED_ABOVE: usize = 50;

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
        let entries = entries.ready_chunks(BATCHES_MERGED);
        pin_mut!(entries);
        let mut list = ListState::new(client.latest_events().await.clone());
        while let Some(batches) = entries.next().await {
            list.forward(batches.into_iter().flatten().collect(), &sink).await;
        }
    });
    // The rooms' kinds come from access rules that the list's sync does not bring.
    crate::room_kind::watch_missing_rules(session);
    Ok(())
}

struct ListState {
    latest_events: matrix_sdk::latest_events::LatestEvents,
    /// Rooms whose latest event the SDK already computes.
    listening: HashSet<OwnedRoomId>,
    previews: Previews,
    /// The rooms in the order the UI holds them (to address deferred `Set`s).
    order: Vec<OwnedRoomId>,
}

impl ListState {
    fn new(latest_events: matrix_sdk::latest_events::LatestEvents) -> Self {
        Self { latest_events, listening: HashSet::new(), previews: Previews::default(), order: Vec::new() }
    }

    async fn forward(&mut self, diffs: Vec<eyeball_im::VectorDiff<RoomListItem>>, sink: &impl Fn(RoomListBatch)) {
        // Each room of the batch once, whichever diffs carry it.
        let mut rooms: HashMap<OwnedRoomId, Room> = HashMap::new();
        for item in diffs.iter().flat_map(diff_values) {
            rooms.entry(item.room_id().to_owned()).or_insert_with(|| Room::clone(item));
        }
        for id in rooms.keys() {
            if self.listening.insert(id.clone())
                && let Err(error) = self.latest_events.listen_to_room(id).await
            {
                warn!(%error, "latest event unavailable");
            }
        }
        let stale: Vec<Room> = rooms.values().filter(|room| self.previews.is_stale(room)).cloned().collect();
        let deferred = stale.len() > PREVIEWS_DEFERRED_ABOVE;
        if !deferred {
            self.previews.refresh(&stale, SUMMARIES_IN_FLIGHT).await;
        }
        let summaries: HashMap<OwnedRoomId, RoomSummary> = futures_util::stream::iter(rooms.into_values())
            .map(|room| {
                let last_message = self.previews.get(room.room_id());
                async move { (room.room_id().to_owned(), summary::summarize_with(&room, last_message).await) }
            })
            .buffer_unordered(SUMMARIES_IN_FLIGHT)
            .collect()
            .await;
        let mut batch = Vec::with_capacity(diffs.len());
        for diff in diffs {
            list_diff::apply(&mut self.order, [map_diff(diff.clone(), |item: &RoomListItem| item.room_id().to_owned())]);
            batch.push(map_diff(diff, |item: &RoomListItem| summaries[item.room_id()].clone()));
        }
        sink(batch);
        if deferred {
            self.previews.refresh(&stale, SUMMARIES_IN_FLIGHT).await;
            sink(self.preview_updates(&stale, summaries));
        }
    }

    /// `Set`s giving the rooms of `updated` their fresh previews.
    fn preview_updates(&self, updated: &[Room], mut summaries: HashMap<OwnedRoomId, RoomSummary>) -> RoomListBatch {
        let positions: HashMap<&OwnedRoomId, usize> = self.order.iter().enumerate().map(|(i, id)| (id, i)).collect();
        updated
            .iter()
            .filter_map(|room| {
                let index = *positions.get(&room.room_id().to_owned())?;
                let mut value = summaries.remove(room.room_id())?;
                value.last_message = self.previews.get(room.room_id());
                Some(ListDiff::Set { index: u32::try_from(index).ok()?, value })
            })
            .collect()
    }
}
