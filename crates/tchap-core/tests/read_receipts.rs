//! Unread and mention counts go up with messages and come down as far as
//! the user has read, against the real Synapse.

// The SDK's futures nest deeply in one test's async block.
#![recursion_limit = "256"]

mod common;

use common::*;
use serde_json::json;
use tchap_core::{room_list::{self, RoomKind, RoomSummary}, rooms, session, timeline::TimelineItem};

#[tokio::test(flavor = "multi_thread")]
async fn counts_follow_what_the_user_has_read() {
    let other = register("reader", "Odile Autre").await;
    let dana = register("dana", "Dana Lectrice").await;
    let raw = RawClient::new(&other);
    let room_id = raw.create_room("Suivi des dossiers", &[&dana.user_id]).await;

    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &dana.localpart, PASSWORD).await.unwrap();
    let list = Mirror::<RoomSummary>::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    list.wait_until("the invite", |r| r.iter().any(|s| s.id == room_id)).await;
    rooms::accept_invite(session.context(), &room_id).await.unwrap();
    list.wait_until("joined", |r| r.iter().any(|s| s.id == room_id && s.kind == RoomKind::Room)).await;
    let counts = |r: &[RoomSummary]| r.iter().find(|s| s.id == room_id).map(|s| (s.unread_count, s.mention_count));

    // Two messages while Dana looks elsewhere, the second one mentions her.
    let first = raw.send_text(&room_id, "Le dossier 12 est clos.").await;
    let mention = raw
        .send_message(
            &room_id,
            json!({"msgtype": "m.text", "body": "Dana Lectrice, peux-tu relire le 13 ?", "m.mentions": {"user_ids": [dana.user_id]}}),
        )
        .await;
    list.wait_until("two unread, one mention", |r| counts(r) == Some((2, 1))).await;

    // She opens the room and sees the first one only (the second is below the fold).
    let items = Mirror::<TimelineItem>::new();
    session.timelines().open(&room_id, items.sink()).await.unwrap();
    items
        .wait_until("both messages in the timeline", |i| {
            [&first, &mention].iter().all(|id| i.iter().any(|it| matches!(it, TimelineItem::Event { event_id: Some(e), .. } if e == *id)))
        })
        .await;
    assert_eq!(counts(&list.snapshot()), Some((2, 1)), "opening a room reads nothing by itself");
    session.timelines().mark_read(&room_id, &first).await.unwrap();
    list.wait_until("the mention still unread", |r| counts(r) == Some((1, 1))).await;

    // Then scrolls to the mention.
    session.timelines().mark_read(&room_id, &mention).await.unwrap();
    list.wait_until("all read", |r| counts(r) == Some((0, 0))).await;
    // A receipt for an older message never brings the counts back up.
    session.timelines().mark_read(&room_id, &first).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(counts(&list.snapshot()), Some((0, 0)));
}
