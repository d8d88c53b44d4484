//! Rooms whose every event we need now: an open timeline, a verification in
//! a direct chat. The room list only brings each room's latest event; a
//! sliding-sync room subscription brings them all. The SDK replaces the whole
//! set at each call, so the set is counted here and applied by one task.

use std::collections::BTreeMap;

use matrix_sdk::ruma::{OwnedRoomId, RoomId};
use matrix_sdk_ui::room_list_service::RoomListService;
use tokio::sync::watch;

/// Rooms wanted, with how many holders want each.
#[derive(Clone, Default)]
pub struct RoomSubscriptions {
    wanted: watch::Sender<BTreeMap<OwnedRoomId, usize>>,
}

/// Keeps its room subscribed until dropped.
pub struct RoomSubscription {
    wanted: watch::Sender<BTreeMap<OwnedRoomId, usize>>,
    room_id: OwnedRoomId,
}

impl RoomSubscriptions {
    pub fn hold(&self, room_id: &RoomId) -> RoomSubscription {
        self.wanted.send_modify(|wanted| *wanted.entry(room_id.to_owned()).or_default() += 1);
        RoomSubscription { wanted: self.wanted.clone(), room_id: room_id.to_owned() }
    }

    /// Applies every change of the set to `service`, until the session stops.
    pub async fn apply(self, service: std::sync::Arc<RoomListService>) {
        let mut changes = self.wanted.subscribe();
        // Nothing is wanted at start: calling the SDK then would only cancel
        // the first sync request in flight.
        changes.mark_unchanged();
        while changes.changed().await.is_ok() {
            let rooms: Vec<OwnedRoomId> = changes.borrow_and_update().keys().cloned().collect();
            let refs: Vec<&RoomId> = rooms.iter().map(|id| id.as_ref()).collect();
            service.subscribe_to_rooms(&refs).await;
        }
    }
}

impl Drop for RoomSubscription {
    fn drop(&mut self) {
        self.wanted.send_if_modified(|wanted| match wanted.get_mut(&self.room_id) {
            Some(1) => wanted.remove(&self.room_id).is_some(),
            Some(count) => {
                *count -= 1;
                false
            }
            None => false,
        });
    }
}
