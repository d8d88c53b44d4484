//! The total of unread messages, for the tray and the launcher's badge:
//! the rooms' own counts (computed by the SDK from read receipts, as the
//! list shows them), muted rooms left out, each invite counted as one.

use matrix_sdk::{Client, Room, RoomState, notification_settings::RoomNotificationMode};
use tokio::sync::{broadcast::error::RecvError, watch};

use crate::context::SessionContext;

/// What one room adds to the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomUnread {
    pub invited: bool,
    pub muted: bool,
    pub unread: u64,
}

impl RoomUnread {
    fn of(room: &Room) -> Option<Self> {
        let invited = match room.state() {
            RoomState::Joined => false,
            RoomState::Invited => true,
            _ => return None,
        };
        // The mode the sync keeps for each room from the account's push rules.
        let muted = room.cached_user_defined_notification_mode() == Some(RoomNotificationMode::Mute);
        Some(Self { invited, muted, unread: room.num_unread_messages() })
    }
}

/// An invite waits for an answer: one. A muted room: nothing.
pub fn total(rooms: impl IntoIterator<Item = RoomUnread>) -> u32 {
    let sum: u64 = rooms
        .into_iter()
        .map(|room| match room {
            RoomUnread { invited: true, .. } => 1,
            RoomUnread { muted: true, .. } => 0,
            RoomUnread { unread, .. } => unread,
        })
        .fold(0, u64::saturating_add);
    u32::try_from(sum).unwrap_or(u32::MAX)
}

fn current_total(client: &Client) -> u32 {
    total(client.rooms().iter().filter_map(RoomUnread::of))
}

/// The total now, then each time it changes, for as long as the session lives.
pub fn watch_total(context: &SessionContext) -> watch::Receiver<u32> {
    let client = context.client().clone();
    let mut updates = client.room_info_notable_update_receiver();
    let (sender, receiver) = watch::channel(current_total(&client));
    context.spawn("unread-total", async move {
        loop {
            match updates.recv().await {
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            }
            // A sync updates many rooms at once: count once for all of them.
            while updates.try_recv().is_ok() {}
            let total = current_total(&client);
            sender.send_if_modified(|shown| std::mem::replace(shown, total) != total);
            if sender.is_closed() {
                break;
            }
        }
    });
    receiver
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(unread: u64) -> RoomUnread {
        RoomUnread { invited: false, muted: false, unread }
    }

    #[test]
    fn the_total_adds_rooms_counts_invites_once_and_leaves_muted_rooms_out() {
        assert_eq!(total([]), 0);
        assert_eq!(total([joined(3), joined(0), joined(2)]), 5);
        assert_eq!(total([joined(3), RoomUnread { invited: false, muted: true, unread: 40 }]), 3);
        assert_eq!(total([joined(3), RoomUnread { invited: true, muted: false, unread: 0 }]), 4);
        assert_eq!(total([joined(u64::MAX), joined(7)]), u32::MAX, "never wraps");
    }
}
