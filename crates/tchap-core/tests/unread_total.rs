//! The total of unread messages the tray and the launcher show, against the
//! real Synapse: invites count one each, another person's messages raise it,
//! a muted room's do not, reading the room brings it down.

// The SDK's futures nest deeply in one test's async block.
#![recursion_limit = "256"]

mod common;

use std::time::Duration;

use common::*;
use tchap_core::{
    notifications::RoomNotificationMode,
    room_list::{self, RoomKind, RoomSummary, unread},
    rooms, session,
    timeline::TimelineItem,
};

#[tokio::test(flavor = "multi_thread")]
async fn the_total_follows_new_messages_and_what_the_user_read() {
    let odile = register("unreadodile", "Odile Autre").await;
    let dana = register("unreaddana", "Dana Lectrice").await;
    let raw = RawClient::new(&odile);
    let dossiers = raw.create_room("Suivi des dossiers", &[&dana.user_id]).await;
    let cantine = raw.create_room("Cantine", &[&dana.user_id]).await;

    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &dana.localpart, PASSWORD).await.unwrap();
    let mut total = unread::watch_total(session.context());
    let list = Mirror::<RoomSummary>::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();

    // Two invites waiting for an answer.
    wait_watch(&mut total, "one per invite", |n| *n == 2).await;
    for room_id in [&dossiers, &cantine] {
        rooms::accept_invite(session.context(), room_id).await.unwrap();
        list.wait_until("joined", |r| r.iter().any(|s| &s.id == room_id && s.kind == RoomKind::Room)).await;
    }
    wait_watch(&mut total, "nothing unread once joined", |n| *n == 0).await;

    // Another person writes: the total goes up. Each message is waited for
    // before the next: the SDK counts unread messages from what each sync
    // brings, and the room list's sync brings only a room's latest event, so
    // two messages landing in one sync count as one (seen on a loaded machine).
    raw.send_text(&dossiers, "Le dossier 12 est clos.").await;
    wait_watch(&mut total, "one new message", |n| *n == 1).await;
    let last = raw.send_text(&dossiers, "Le 13 aussi.").await;
    wait_watch(&mut total, "two new messages", |n| *n == 2).await;

    // A muted room's messages show in its own count, not in the total.
    session.notifications().set_room_mode(&cantine, RoomNotificationMode::Muted).await.unwrap();
    let cantine_count = |r: &[RoomSummary]| r.iter().find(|s| s.id == cantine).map(|s| s.unread_count);
    for (sent, body) in (1..).zip(["Frites", "Poisson", "Dessert"]) {
        raw.send_text(&cantine, body).await;
        list.wait_until("the muted room's own count", |r| cantine_count(r) == Some(sent)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(*total.borrow(), 2, "a muted room is left out");

    // Dana reads the room: the total comes down.
    let items = Mirror::<TimelineItem>::new();
    session.timelines().open(&dossiers, items.sink()).await.unwrap();
    items
        .wait_until("the last message in the timeline", |i| i.iter().any(|it| matches!(it, TimelineItem::Event { event_id: Some(e), .. } if *e == last)))
        .await;
    session.timelines().mark_read(&dossiers, &last).await.unwrap();
    wait_watch(&mut total, "all read", |n| *n == 0).await;
    session.stop().await;
}
