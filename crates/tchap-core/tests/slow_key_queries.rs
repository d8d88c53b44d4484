//! People join encrypted rooms all the time, and a first sync brings every
//! room's member events: asking the server for their devices must never hold
//! the sync up. Here the server leaves every key query about the other
//! members unanswered: rooms and new messages still come.

mod common;

use common::{held_key_queries::HeldKeyQueries, *};
use serde_json::json;
use tchap_core::{room_list::{self, RoomSummary}, session, timeline::MessageContent};

const NEWCOMERS: usize = 8;

fn preview_body(room: &RoomSummary) -> Option<&str> {
    match &room.last_message.as_ref()?.content {
        MessageContent::Text { body, .. } => Some(body),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rooms_and_messages_arrive_while_key_queries_hang() {
    let alice = register("alice", "Alice Patiente").await;
    let raw_alice = RawClient::new(&alice);
    let mut members = Vec::new();
    for n in 0..NEWCOMERS {
        members.push(register("member", &format!("Membre {n:02}")).await);
    }
    let member_ids: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
    let encryption = json!({"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}});
    let body = json!({"name": "Chiffrée", "invite": member_ids, "preset": "private_chat", "initial_state": [encryption]});
    let (status, answer) = raw_alice.call(reqwest::Method::POST, "/_matrix/client/v3/createRoom", Some(body)).await;
    assert_eq!(status, 200, "{answer}");
    let encrypted_room = answer["room_id"].as_str().unwrap().to_owned();
    let writer = register("writer", "Wanda Rédactrice").await;
    let raw_writer = RawClient::new(&writer);
    let open_room = raw_writer.create_room("Salle ouverte", &[&alice.user_id]).await;
    raw_alice.join(&open_room).await;

    let server = HeldKeyQueries::start(&homeserver(), member_ids.iter().map(|id| id.to_string()).collect()).await;
    let data = data_dir();
    let session = session::login(data.path(), &server.url, &alice.localpart, PASSWORD).await.unwrap();
    let list = Mirror::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    list.wait_until("both rooms listed", |rooms| rooms.len() == 2).await;

    // People join the encrypted room: the app asks for their devices, and
    // the server does not answer.
    for member in &members {
        RawClient::new(member).join(&encrypted_room).await;
    }
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while server.held() == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the app never asked for the newcomers' devices");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // A message written now comes with a later sync, while the queries hang.
    raw_writer.send_text(&open_room, "message pendant l'attente").await;
    list.wait_until("the new message in the list", |rooms| {
        rooms.iter().any(|room| room.id == open_room && preview_body(room) == Some("message pendant l'attente"))
    })
    .await;

    server.release();
    session.stop().await;
}
