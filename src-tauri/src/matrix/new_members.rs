//! Keys for people who just joined an encrypted room.
//!
//! The server announces a newcomer's devices on the encryption sync, which it
//! does not wake for that: measured, up to its 30 s long-poll later. A
//! message sent meanwhile would carry no room key for the newcomer, who
//! would see it locked forever. So when a join shows up in an encrypted room
//! we ask for that person's devices at once; sending waits for a pending
//! query of the room's members before sharing the room key.

use matrix_sdk::{
    Client, Room,
    event_handler::EventHandlerHandle,
    ruma::events::room::member::{MembershipState, OriginalSyncRoomMemberEvent},
};
use tracing::warn;

pub fn watch(client: &Client) -> EventHandlerHandle {
    client.add_event_handler(|event: OriginalSyncRoomMemberEvent, room: Room, client: Client| async move {
        let was_joined = event.unsigned.prev_content.as_ref().is_some_and(|prev| prev.membership == MembershipState::Join);
        let is_newcomer = event.content.membership == MembershipState::Join && !was_joined;
        if !is_newcomer || client.user_id() == Some(&*event.state_key) || !room.encryption_state().is_encrypted() {
            return;
        }
        if let Err(error) = client.encryption().request_user_identity(&event.state_key).await {
            warn!(%error, "could not fetch a new member's devices");
        }
    })
}
