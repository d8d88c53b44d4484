//! Two clients talking through the real Synapse: direct chats, invites,
//! sending, receiving and loading history.

mod common;

use common::*;
use tchap_core::{
    room_list::{self, RoomKind},
    rooms,
    session,
    timeline::{MessageContent, SendState, TimelineItem},
};

fn text_of(item: &TimelineItem) -> Option<(&str, &str)> {
    match item {
        TimelineItem::Event { sender_name, content: MessageContent::Text { body, .. }, .. } => Some((sender_name, body)),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn direct_chat_between_two_of_our_clients() {
    let alice = register("alice", "Alice Martin").await;
    let bob = register("bob", "Bruno Dupont").await;
    let (alice_data, bob_data) = (data_dir(), data_dir());
    let alice_s = session::login(alice_data.path(), &homeserver(), &alice.user_id, PASSWORD).await.unwrap();
    let bob_s = session::login(bob_data.path(), &homeserver(), &bob.localpart, PASSWORD).await.unwrap();

    let bob_rooms = Mirror::new();
    room_list::subscribe(bob_s.context(), bob_rooms.sink()).await.unwrap();

    let dm_id = rooms::create_dm(alice_s.context(), &bob.user_id).await.unwrap();
    // Asking again opens the same chat instead of creating another.
    assert_eq!(rooms::create_dm(alice_s.context(), &bob.user_id).await.unwrap(), dm_id);

    bob_rooms
        .wait_until("Bob sees the invite, from Alice by name", |r| {
            r.iter().any(|s| s.id == dm_id && s.kind == RoomKind::Invite && s.inviter_name.as_deref() == Some("Alice Martin"))
        })
        .await;
    rooms::accept_invite(bob_s.context(), &dm_id).await.unwrap();
    bob_rooms.wait_until("the DM is joined", |r| r.iter().any(|s| s.id == dm_id && s.kind == RoomKind::Dm)).await;

    let alice_timeline = Mirror::new();
    alice_s.timelines().open(&dm_id, alice_timeline.sink()).await.unwrap();
    alice_s.timelines().send_text(&dm_id, "Bonjour Bruno,\nla réunion est à 14 h.").await.unwrap();
    // The local echo turns into a sent message.
    alice_timeline
        .wait_until("Alice's message is sent", |items| {
            items.iter().any(|i| matches!(i, TimelineItem::Event { is_own: true, send_state: Some(SendState::Sent), content: MessageContent::Text { body, .. }, .. } if body.starts_with("Bonjour Bruno")))
        })
        .await;

    let bob_timeline = Mirror::new();
    bob_s.timelines().open(&dm_id, bob_timeline.sink()).await.unwrap();
    bob_timeline
        .wait_until("Bob reads Alice's message, decrypted, with her name", |items| {
            items.iter().filter_map(text_of).any(|(who, body)| who == "Alice Martin" && body == "Bonjour Bruno,\nla réunion est à 14 h.")
        })
        .await;

    // Bob's room list shows the preview and, for Alice, the room is a DM.
    bob_rooms
        .wait_until("the preview shows the last message", |r| {
            r.iter().any(|s| s.id == dm_id && s.last_message.as_ref().is_some_and(|m| m.sender_name == "Alice Martin"))
        })
        .await;
    assert!(bob_rooms.snapshot().iter().find(|s| s.id == dm_id).unwrap().is_encrypted);
}

#[tokio::test(flavor = "multi_thread")]
async fn room_from_another_client_history_and_reply() {
    let carole = register("carole", "Carole Agent").await;
    let other = register("other", "Olivier Autre").await;
    let raw = RawClient::new(&other);
    let room_id = raw.create_room("Cellule de crise", &[&carole.user_id]).await;
    for n in 1..=45 {
        raw.send_text(&room_id, &format!("message {n}")).await;
    }

    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &carole.localpart, PASSWORD).await.unwrap();
    let list = Mirror::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    list.wait_until("the invite from another client", |r| r.iter().any(|s| s.id == room_id && s.name == "Cellule de crise")).await;
    rooms::accept_invite(session.context(), &room_id).await.unwrap();
    list.wait_until("joined", |r| r.iter().any(|s| s.id == room_id && s.kind == RoomKind::Room)).await;

    let items = Mirror::new();
    session.timelines().open(&room_id, items.sink()).await.unwrap();
    // Scroll up until the start: the first message comes back.
    let mut reached_start = false;
    for _ in 0..20 {
        if session.timelines().paginate_backwards(&room_id).await.unwrap() {
            reached_start = true;
            break;
        }
    }
    assert!(reached_start, "the start of the room must be reachable");
    let all = items
        .wait_until("message 1 and the start of the room", |i| {
            i.iter().filter_map(text_of).any(|(_, b)| b == "message 1") && i.iter().any(|i| matches!(i, TimelineItem::TimelineStart { .. }))
        })
        .await;
    let bodies: Vec<&str> = all.iter().filter_map(text_of).map(|(_, b)| b).collect();
    assert_eq!(bodies.len(), 45, "every message once, in order");
    assert_eq!(bodies.first(), Some(&"message 1"));
    assert_eq!(bodies.last(), Some(&"message 45"));
    assert!(all.iter().any(|i| matches!(i, TimelineItem::DaySeparator { .. })));

    // A live message from the other client arrives, and our reply reaches it.
    raw.send_text(&room_id, "Point de situation à 16 h ?").await;
    items.wait_until("live message", |i| i.iter().filter_map(text_of).any(|(w, b)| w == "Olivier Autre" && b == "Point de situation à 16 h ?")).await;
    session.timelines().send_text(&room_id, "Oui, j'y serai.").await.unwrap();
    raw.wait_for_messages(&room_id, "the other client receives the reply", |bodies| bodies.iter().any(|b| b == "Oui, j'y serai.")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn create_room_and_refuse_unknown_people() {
    let user = register("creator", "Chloé Créatrice").await;
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &user.localpart, PASSWORD).await.unwrap();
    let list = Mirror::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    let room_id = rooms::create_room(session.context(), "Veille réglementaire").await.unwrap();
    list.wait_until("the new room is listed", |r| r.iter().any(|s| s.id == room_id && s.name == "Veille réglementaire" && s.is_encrypted)).await;

    let server = user.user_id.split(':').nth(1).unwrap().to_owned();
    let err = rooms::create_dm(session.context(), &format!("@personne-inconnue:{server}")).await.unwrap_err();
    assert_eq!(err.code, tchap_core::error::ErrorCode::UserNotFound, "{err}");
    let err = rooms::create_dm(session.context(), "bob").await.unwrap_err();
    assert_eq!(err.code, tchap_core::error::ErrorCode::InvalidUserId);

    // A declined invite leaves the list.
    let other = register("inviter", "Inès Invitante").await;
    let invited = RawClient::new(&other).create_room("Projet interministériel", &[&user.user_id]).await;
    list.wait_until("invite listed", |r| r.iter().any(|s| s.id == invited)).await;
    rooms::decline_invite(session.context(), &invited).await.unwrap();
    list.wait_until("declined invite gone", |r| !r.iter().any(|s| s.id == invited)).await;
}
