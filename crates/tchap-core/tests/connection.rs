//! The connection banner's state against the real Synapse: the network
//! drops, two messages wait in the send queue, the server comes back slowly
//! ("Reconnexion…"), then both messages leave without the user doing anything.

mod common;

use common::{proxy::Relay, *};
use tchap_core::{
    session::{self, ConnectionState},
    timeline::{SendState, TimelineItem},
};

#[tokio::test(flavor = "multi_thread")]
async fn messages_written_offline_are_counted_then_leave_when_the_server_answers() {
    let user = register("banniere", "Berthe Bannière").await;
    let peer = register("guichet", "Gilles Guichet").await;
    let raw = RawClient::new(&peer);
    let room_id = raw.create_room("Astreinte", &[&user.user_id]).await;

    let relay = Relay::start(&homeserver()).await;
    let data = data_dir();
    let session = session::login(data.path(), relay.url(), &user.localpart, PASSWORD).await.unwrap();
    join_invited_room(&session, &room_id).await;
    let items = Mirror::new();
    session.timelines().open(&room_id, items.sink()).await.unwrap();
    let mut connection = session.connection();
    wait_watch(&mut connection, "online once signed in", |s| *s == ConnectionState::Online).await;

    relay.cut();
    wait_watch(&mut connection, "offline, nothing waiting", |s| *s == ConnectionState::Offline { waiting: 0 }).await;
    session.timelines().send_text(&room_id, "Premier message du quai").await.unwrap();
    // The failed send pauses the room's queue: the second message waits behind it.
    let failed = |item: &TimelineItem| matches!(item, TimelineItem::Event { send_state: Some(SendState::Failed { recoverable: true }), .. });
    items.wait_until("the first message shown as failed", |items| items.iter().any(failed)).await;
    session.timelines().send_text(&room_id, "Second message du quai").await.unwrap();
    wait_watch(&mut connection, "offline, two waiting", |s| *s == ConnectionState::Offline { waiting: 2 }).await;

    // The link comes up but the server does not answer yet: the sync retries.
    relay.hold();
    wait_watch(&mut connection, "reconnecting, two waiting", |s| *s == ConnectionState::Reconnecting { waiting: 2 }).await;
    assert!(raw.messages(&room_id).await.is_empty(), "nothing reached the server while it was unreachable");

    relay.restore();
    wait_watch(&mut connection, "online again", |s| *s == ConnectionState::Online).await;
    raw.wait_for_messages(&room_id, "the other user gets both messages, once each", |received| {
        assert!(received.len() <= 2, "a message was sent twice: {received:?}");
        received == ["Premier message du quai", "Second message du quai"]
    })
    .await;
    // Nothing is left waiting: a new cut shows an empty queue.
    relay.cut();
    wait_watch(&mut connection, "offline with the queue emptied", |s| *s == ConnectionState::Offline { waiting: 0 }).await;
    relay.restore();
    session.stop().await;
}
