//! Keys for people who just joined an encrypted room.
//!
//! The server announces a newcomer's devices on the encryption sync, which it
//! does not wake for that: measured, up to its 30 s long-poll later. A
//! message sent meanwhile would carry no room key for the newcomer, who
//! would see it locked forever. So when a join shows up in an encrypted room
//! we ask for that person's devices at once; sending waits for a pending
//! query of the room's members before sharing the room key.
//!
//! The sync handler only notes the user: the queries run in a task of their
//! own, each user once per session and a few at a time, so that a first sync
//! of hundreds of rooms (whose member lists look like joins) never waits on
//! the network.

use std::collections::HashSet;

use futures_util::StreamExt;
use matrix_sdk::{
    Client, Room,
    event_handler::EventHandlerHandle,
    ruma::{
        OwnedUserId,
        events::room::member::{MembershipState, OriginalSyncRoomMemberEvent},
    },
};
use tokio::sync::mpsc;
use tracing::warn;

use crate::context::SessionContext;

/// Key queries in flight at once.
const QUERIES_IN_FLIGHT: usize = 4;

pub fn watch(context: &SessionContext) -> EventHandlerHandle {
    let (newcomers, queue) = mpsc::unbounded_channel::<OwnedUserId>();
    context.spawn("new-member-keys", fetch_devices(context.client().clone(), queue));
    context.client().add_event_handler(move |event: OriginalSyncRoomMemberEvent, room: Room, client: Client| {
        let newcomers = newcomers.clone();
        async move {
            let was_joined = event.unsigned.prev_content.as_ref().is_some_and(|prev| prev.membership == MembershipState::Join);
            let is_newcomer = event.content.membership == MembershipState::Join && !was_joined;
            if is_newcomer && client.user_id() != Some(&*event.state_key) && room.encryption_state().is_encrypted() {
                let _ = newcomers.send(event.state_key);
            }
        }
    })
}

async fn fetch_devices(client: Client, queue: mpsc::UnboundedReceiver<OwnedUserId>) {
    let mut seen = HashSet::new();
    let users = tokio_stream_of(queue).filter(move |user| std::future::ready(seen.insert(user.clone())));
    users
        .for_each_concurrent(QUERIES_IN_FLIGHT, |user| {
            let client = client.clone();
            async move {
                if let Err(error) = client.encryption().request_user_identity(&user).await {
                    warn!(%error, "could not fetch a new member's devices");
                }
            }
        })
        .await;
}

fn tokio_stream_of<T>(mut queue: mpsc::UnboundedReceiver<T>) -> impl futures_util::Stream<Item = T> {
    futures_util::stream::poll_fn(move |cx| queue.poll_recv(cx))
}
