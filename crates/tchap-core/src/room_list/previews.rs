//! The room list's previews (last message and its sender), kept per room and
//! computed again only when the room's latest event changed.

use std::collections::HashMap;

use futures_util::StreamExt;
use matrix_sdk::{
    Room,
    ruma::{OwnedEventId, OwnedRoomId},
};
use matrix_sdk_base::latest_event::LatestEventValue;

use super::summary::{LastMessage, last_message};

/// What a preview was computed from: when it changes, so may the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Remote(Option<OwnedEventId>),
    /// An invite, or one's own message being sent: its variant and time.
    Other(&'static str, u64),
}

fn source(room: &Room) -> Option<Source> {
    // The base room's value, read from memory (the timeline's async
    // `latest_event` is what builds the preview).
    let value = matrix_sdk_base::Room::latest_event(room);
    let other = |kind, value: &LatestEventValue| Some(Source::Other(kind, value.timestamp().map_or(0, |t| t.0.into())));
    match &value {
        LatestEventValue::None => None,
        LatestEventValue::Remote(event) => Some(Source::Remote(event.event_id())),
        LatestEventValue::RemoteInvite { .. } => other("invite", &value),
        LatestEventValue::LocalIsSending(_) => other("sending", &value),
        LatestEventValue::LocalHasBeenSent { .. } => other("sent", &value),
        LatestEventValue::LocalCannotBeSent(_) => other("failed", &value),
    }
}

struct Preview {
    source: Source,
    message: Option<LastMessage>,
    /// False while the sender's profile was not in the store yet (its ID was
    /// shown instead): computed again at the next change of the room.
    complete: bool,
}

#[derive(Default)]
pub(super) struct Previews(HashMap<OwnedRoomId, Preview>);

impl Previews {
    pub fn is_stale(&self, room: &Room) -> bool {
        match (source(room), self.0.get(room.room_id())) {
            (None, None) => false,
            (Some(now), Some(kept)) => now != kept.source || !kept.complete,
            _ => true,
        }
    }

    pub fn get(&self, room_id: &matrix_sdk::ruma::RoomId) -> Option<LastMessage> {
        self.0.get(room_id).and_then(|preview| preview.message.clone())
    }

    /// Computes the previews of `rooms`, `in_flight` at a time.
    pub async fn refresh(&mut self, rooms: &[Room], in_flight: usize) {
        let computed: Vec<_> = futures_util::stream::iter(rooms.to_vec())
            .map(|room| async move {
                let source = source(&room);
                let (message, complete) = last_message(&room).await;
                (room.room_id().to_owned(), source, message, complete)
            })
            .buffer_unordered(in_flight)
            .collect()
            .await;
        for (room_id, source, message, complete) in computed {
            match source {
                Some(source) => self.0.insert(room_id, Preview { source, message, complete }),
                None => self.0.remove(&room_id),
            };
        }
    }
}
