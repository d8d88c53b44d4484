//! A room or a direct chat created here is encrypted from its very first
//! message: checked on the server, as another client would receive it.

mod common;

use common::*;
use tchap_core::{rooms, session};

/// Event types of a room's timeline as the server holds them, oldest first.
async fn event_types_on_server(raw: &RawClient, room_id: &str) -> Vec<String> {
    let (_, body) = raw.call(reqwest::Method::GET, &format!("/_matrix/client/v3/rooms/{room_id}/messages?dir=b&limit=50"), None).await;
    let mut types: Vec<String> = body["chunk"].as_array().into_iter().flatten().filter_map(|e| e["type"].as_str().map(ToOwned::to_owned)).collect();
    types.reverse();
    types
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_written_right_after_creating_a_room_or_dm_is_encrypted() {
    let alice = register("alice", "Alice Martin").await;
    let bob = register("bob", "Bruno Dupont").await;
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &alice.localpart, PASSWORD).await.unwrap();
    let raw = RawClient::new(&alice);

    let room_id = rooms::create_room(session.context(), "Cellule de crise").await.unwrap();
    session.timelines().send_text(&room_id, "Premier message du salon").await.unwrap();
    let dm_id = rooms::create_dm(session.context(), &bob.user_id).await.unwrap();
    session.timelines().send_text(&dm_id, "Premier message de la discussion").await.unwrap();

    for id in [&room_id, &dm_id] {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        let types = loop {
            let types = event_types_on_server(&raw, id).await;
            if types.iter().any(|t| t == "m.room.encrypted" || t == "m.room.message") {
                break types;
            }
            assert!(tokio::time::Instant::now() < deadline, "the message never reached the server: {types:?}");
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        };
        assert!(types.contains(&"m.room.encrypted".to_owned()), "sent encrypted: {types:?}");
        assert!(!types.contains(&"m.room.message".to_owned()), "nothing in clear on the server: {types:?}");
    }
}
