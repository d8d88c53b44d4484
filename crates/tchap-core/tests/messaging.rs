//! Reply, edit, delete and mentions, between our client and another Matrix
//! client (a plain Client-Server API peer) through the real Synapse.

mod common;

use common::*;
use serde_json::Value;
use tchap_core::{
    error::ErrorCode,
    session::{self, Session},
    timeline::{ComposedMessage, MessageContent, MessagePart, QuotedMessage, ReplyPreview, TimelineItem},
};

/// Our user in a room the peer created, with the room's timeline open.
struct Room {
    _data: tempfile::TempDir,
    session: std::sync::Arc<Session>,
    peer_user: TestUser,
    peer: RawClient,
    room_id: String,
    items: Mirror<TimelineItem>,
}

async fn room_with_peer(name: &str) -> Room {
    let me = register("me", "Martine Agent").await;
    let peer_user = register("peer", "Olivier Autre").await;
    let peer = RawClient::new(&peer_user);
    let room_id = peer.create_room(name, &[&me.user_id]).await;
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &me.localpart, PASSWORD).await.unwrap();
    join_invited_room(&session, &room_id).await;
    let items = Mirror::new();
    session.timelines().open(&room_id, items.sink()).await.unwrap();
    Room { _data: data, session, peer_user, peer, room_id, items }
}

fn text(t: &str) -> ComposedMessage {
    ComposedMessage { parts: vec![MessagePart::Text { text: t.into() }] }
}

/// The item id and event id of the (sent) message whose body is `body`.
async fn sent_message(items: &Mirror<TimelineItem>, body: &str) -> (String, String) {
    let all = items
        .wait_until(&format!("'{body}' is in the timeline, sent"), |i| {
            i.iter().any(|i| matches!(i, TimelineItem::Event { event_id: Some(_), content: MessageContent::Text { body: b, .. }, .. } if b == body))
        })
        .await;
    all.iter()
        .find_map(|i| match i {
            TimelineItem::Event { id, event_id: Some(e), content: MessageContent::Text { body: b, .. }, .. } if b == body => Some((id.clone(), e.clone())),
            _ => None,
        })
        .unwrap()
}

/// The peer's view of the room's events (any type), newest last.
async fn peer_events(peer: &RawClient, room_id: &str) -> Vec<Value> {
    let (_, body) = peer.call(reqwest::Method::GET, &format!("/_matrix/client/v3/rooms/{room_id}/messages?dir=b&limit=100"), None).await;
    let mut events: Vec<Value> = body["chunk"].as_array().cloned().unwrap_or_default();
    events.reverse();
    events
}

async fn wait_peer_event(peer: &RawClient, room_id: &str, what: &str, predicate: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..150 {
        if let Some(event) = peer_events(peer, room_id).await.into_iter().find(|e| predicate(e)) {
            return event;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("timed out waiting for: {what}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_quotes_the_message_and_the_peer_gets_the_relation() {
    let room = room_with_peer("Réponses").await;
    let question = room.peer.send_text(&room.room_id, "On décale la réunion ?\nÀ confirmer.").await;
    room.items.wait_until("the question arrives", |i| readable_texts(i).contains(&"On décale la réunion ?\nÀ confirmer.")).await;

    room.session.timelines().send_composed(&room.room_id, &text("Oui, à 15 h."), Some(&question)).await.unwrap();

    let reply = wait_peer_event(&room.peer, &room.room_id, "the peer receives the reply", |e| e["content"]["body"] == "Oui, à 15 h.").await;
    assert_eq!(reply["content"]["m.relates_to"]["m.in_reply_to"]["event_id"], question.as_str(), "{reply}");
    // Replying to someone mentions them, as in Element.
    assert_eq!(reply["content"]["m.mentions"]["user_ids"], serde_json::json!([room.peer_user.user_id]));

    room.items
        .wait_until("our reply shows the quoted message, its sender and text", |items| {
            items.iter().any(|i| match i {
                TimelineItem::Event {
                    content: MessageContent::Text { body, .. },
                    in_reply_to: Some(ReplyPreview { event_id, quoted: QuotedMessage::Ready { sender_name, content: MessageContent::Text { body: quoted, .. }, .. } }),
                    ..
                } => body == "Oui, à 15 h." && *event_id == question && sender_name == "Olivier Autre" && quoted.starts_with("On décale la réunion ?"),
                _ => false,
            })
        })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_to_a_message_out_of_the_timeline_loads_its_quote() {
    let me = register("me", "Martine Agent").await;
    let peer_user = register("peer", "Olivier Autre").await;
    let peer = RawClient::new(&peer_user);
    let room_id = peer.create_room("Réponses anciennes", &[&me.user_id]).await;
    RawClient::new(&me).join(&room_id).await;
    let first = peer.send_text(&room_id, "Ancien message").await;
    for n in 0..40 {
        peer.send_text(&room_id, &format!("bavardage {n}")).await;
    }
    peer.send_message(&room_id, serde_json::json!({"msgtype": "m.text", "body": "Je reviens là-dessus", "m.relates_to": {"m.in_reply_to": {"event_id": first}}}))
        .await;

    // A first sign-in after all that: the quoted message was never loaded here.
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &me.localpart, PASSWORD).await.unwrap();
    let items = Mirror::new();
    let list = Mirror::new();
    tchap_core::room_list::subscribe(session.context(), list.sink()).await.unwrap();
    list.wait_until("the room is listed", |r| r.iter().any(|s| s.id == room_id)).await;
    session.timelines().open(&room_id, items.sink()).await.unwrap();
    let reply_id = sent_message(&items, "Je reviens là-dessus").await.1;
    let quoted = |items: &[TimelineItem]| {
        items.iter().find_map(|i| match i {
            TimelineItem::Event { event_id: Some(e), in_reply_to: Some(reply), .. } if *e == reply_id => Some(reply.quoted.clone()),
            _ => None,
        })
    };
    assert_eq!(quoted(&items.snapshot()), Some(QuotedMessage::Unknown), "the quote is not known before it is asked for");

    // Asked as the UI does: again while the quote comes back unknown (the
    // SDK may rebuild the reply's item and forget a quote it fetched).
    let ready = |items: &[TimelineItem]| {
        matches!(quoted(items), Some(QuotedMessage::Ready { content: MessageContent::Text { body, .. }, .. }) if body == "Ancien message")
    };
    for _ in 0..20 {
        if ready(&items.snapshot()) {
            break;
        }
        if quoted(&items.snapshot()) == Some(QuotedMessage::Unknown) {
            session.timelines().load_reply_details(&room_id, &reply_id).await.unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    items.wait_until("the quote of the old message is loaded", ready).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_reaches_the_peer_and_shows_as_edited() {
    let room = room_with_peer("Modifications").await;
    room.session.timelines().send_composed(&room.room_id, &text("Réunion à 14 h"), None).await.unwrap();
    let (item_id, event_id) = sent_message(&room.items, "Réunion à 14 h").await;

    room.session.timelines().edit(&room.room_id, &item_id, &text("Réunion à 15 h")).await.unwrap();

    let edit = wait_peer_event(&room.peer, &room.room_id, "the peer receives the edit", |e| e["content"]["m.new_content"]["body"] == "Réunion à 15 h").await;
    assert_eq!(edit["content"]["m.relates_to"]["rel_type"], "m.replace");
    assert_eq!(edit["content"]["m.relates_to"]["event_id"], event_id.as_str());
    room.items
        .wait_until("our message shows the new text, marked edited", |items| {
            items.iter().any(|i| matches!(i, TimelineItem::Event { content: MessageContent::Text { body, .. }, edited: true, .. } if body == "Réunion à 15 h"))
        })
        .await;

    // Another client's message is never ours to edit or delete.
    room.peer.send_text(&room.room_id, "Message du collègue").await;
    let (theirs, _) = sent_message(&room.items, "Message du collègue").await;
    assert_eq!(room.session.timelines().edit(&room.room_id, &theirs, &text("piraté")).await.unwrap_err().code, ErrorCode::Forbidden);
    assert_eq!(room.session.timelines().redact(&room.room_id, &theirs).await.unwrap_err().code, ErrorCode::Forbidden);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_message_is_redacted_for_the_peer() {
    let room = room_with_peer("Suppressions").await;
    room.session.timelines().send_composed(&room.room_id, &text("Mot de passe : 1234"), None).await.unwrap();
    let (item_id, event_id) = sent_message(&room.items, "Mot de passe : 1234").await;
    wait_peer_event(&room.peer, &room.room_id, "the peer has the message", |e| e["event_id"] == event_id.as_str()).await;

    room.session.timelines().redact(&room.room_id, &item_id).await.unwrap();

    wait_peer_event(&room.peer, &room.room_id, "the peer sees the message redacted", |e| {
        e["event_id"] == event_id.as_str() && e["content"].as_object().is_some_and(|c| c.is_empty()) && !e["unsigned"]["redacted_because"].is_null()
    })
    .await;
    room.items
        .wait_until("our timeline shows it deleted", |items| {
            items.iter().any(|i| matches!(i, TimelineItem::Event { event_id: Some(e), content: MessageContent::Redacted, can_redact: false, can_edit: false, .. } if *e == event_id))
        })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mention_notifies_the_peer_and_links_them() {
    let room = room_with_peer("Mentions").await;
    let peer_id = room.peer_user.user_id.clone();
    // The peer also uses Tchap: its room list counts the mentions of them.
    let peer_data = data_dir();
    let peer_session = session::login(peer_data.path(), &homeserver(), &room.peer_user.localpart, PASSWORD).await.unwrap();
    let peer_rooms = Mirror::<tchap_core::room_list::RoomSummary>::new();
    tchap_core::room_list::subscribe(peer_session.context(), peer_rooms.sink()).await.unwrap();
    let mentions_of_peer = |r: &[tchap_core::room_list::RoomSummary]| r.iter().find(|s| s.id == room.room_id).map(|s| s.mention_count);
    peer_rooms.wait_until("the peer's room, no mention yet", |r| mentions_of_peer(r) == Some(0)).await;

    let message = ComposedMessage {
        parts: vec![
            MessagePart::Text { text: "Merci ".into() },
            MessagePart::User { user_id: peer_id.clone(), name: "Olivier Autre".into() },
            MessagePart::Text { text: " pour le compte rendu.".into() },
        ],
    };
    room.session.timelines().send_composed(&room.room_id, &message, None).await.unwrap();

    let event = wait_peer_event(&room.peer, &room.room_id, "the peer gets the mention", |e| e["content"]["body"] == "Merci Olivier Autre pour le compte rendu.").await;
    assert_eq!(event["content"]["m.mentions"]["user_ids"], serde_json::json!([peer_id]));
    assert_eq!(
        event["content"]["formatted_body"].as_str().unwrap(),
        format!("Merci <a href=\"https://matrix.to/#/{peer_id}\">Olivier Autre</a> pour le compte rendu.")
    );
    peer_rooms.wait_until("the peer's mention count goes up", |r| mentions_of_peer(r) == Some(1)).await;

    // @room needs a power level our user does not have in the peer's room:
    // refused, nothing sent.
    assert!(!room.session.timelines().can_mention_room(&room.room_id).await.unwrap());
    let everyone = ComposedMessage { parts: vec![MessagePart::AtRoom, MessagePart::Text { text: " réunion !".into() }] };
    let err = room.session.timelines().send_composed(&room.room_id, &everyone, None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
}

/// A half-written message, with its mention and the message it answers, is
/// there again after a restart (the SDK's draft, in the encrypted state
/// store: never in clear on disk); a thread's answer is kept apart from the
/// room's; an emptied field clears it.
#[tokio::test(flavor = "multi_thread")]
async fn a_draft_its_mention_and_its_reply_outlive_a_restart_and_are_never_on_disk_in_clear() {
    let me = register("brouillon", "Martine Agent").await;
    let peer_user = register("peer", "Olivier Autre").await;
    let peer = RawClient::new(&peer_user);
    let room_id = peer.create_room("Brouillons", &[&me.user_id]).await;
    let question = peer.send_text(&room_id, "On décale la réunion ?\nÀ confirmer.").await;
    let root = peer.send_text(&room_id, "Fil sur le budget").await;
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &me.localpart, PASSWORD).await.unwrap();
    join_invited_room(&session, &room_id).await;

    const SECRET: &str = "le budget ornithorynque";
    const THREAD_SECRET: &str = "réponse dans le fil";
    let olivier = MessagePart::User { user_id: peer_user.user_id.clone(), name: "Olivier Autre".into() };
    let draft = ComposedMessage { parts: vec![MessagePart::Text { text: "Merci ".into() }, olivier.clone(), MessagePart::Text { text: format!(" pour {SECRET}") }] };
    session.timelines().save_draft(&room_id, None, &draft, Some(&question)).await.unwrap();
    session.timelines().save_draft(&room_id, Some(&root), &text(THREAD_SECRET), None).await.unwrap();
    session.stop().await;
    drop(session);
    assert!(!dir_contains(data.path(), SECRET.as_bytes()), "a draft is message text: never written in clear");
    assert!(!dir_contains(data.path(), THREAD_SECRET.as_bytes()), "nor a thread's");

    // No timeline is open: the quoted message is read from the store or the server.
    let again = session::restore(data.path()).await.unwrap().expect("the session reopens");
    let loaded = again.timelines().load_draft(&room_id, None).await.unwrap().expect("the draft is kept");
    assert_eq!(loaded.text, format!("Merci Olivier Autre pour {SECRET}"));
    assert_eq!(loaded.mentions, vec![olivier]);
    let reply = loaded.reply_to.expect("still a reply");
    assert_eq!(reply.event_id, question);
    match reply.quoted {
        QuotedMessage::Ready { sender_name, content: MessageContent::Text { body, .. }, .. } => {
            assert_eq!(sender_name, "Olivier Autre");
            assert_eq!(body, "On décale la réunion ?\nÀ confirmer.");
        }
        other => panic!("the quote is known: {other:?}"),
    }
    let in_thread = again.timelines().load_draft(&room_id, Some(&root)).await.unwrap().expect("the thread's draft is kept");
    assert_eq!((in_thread.text.as_str(), in_thread.reply_to), (THREAD_SECRET, None));

    // Emptied (sent, or erased): nothing comes back, and the other draft stays.
    again.timelines().save_draft(&room_id, None, &ComposedMessage { parts: vec![] }, None).await.unwrap();
    assert_eq!(again.timelines().load_draft(&room_id, None).await.unwrap(), None);
    assert!(again.timelines().load_draft(&room_id, Some(&root)).await.unwrap().is_some());
    again.stop().await;
}
