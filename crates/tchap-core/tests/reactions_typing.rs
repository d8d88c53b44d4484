//! Reactions, typing notices and others' read receipts, between a Tchap
//! session and another Matrix client, against the real Synapse.

// The SDK's futures nest deeply in one test's async block.
#![recursion_limit = "256"]

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};
use tchap_core::{
    session::{self, Session},
    timeline::{NamedUser, ReactionGroup, TimelineItem, typing},
};

/// Dana's session in a room Odile (another client) created and wrote in.
struct Room {
    _data: tempfile::TempDir,
    session: std::sync::Arc<Session>,
    peer: RawClient,
    peer_id: String,
    room_id: String,
    items: Mirror<TimelineItem>,
}

async fn room_with_peer(first_message: &str) -> (Room, String) {
    let odile = register("odile", "Odile Autre").await;
    let dana = register("dana", "Dana Lectrice").await;
    let peer = RawClient::new(&odile);
    let room_id = peer.create_room("Suivi des dossiers", &[&dana.user_id]).await;
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &dana.localpart, PASSWORD).await.unwrap();
    join_invited_room(&session, &room_id).await;
    let event_id = peer.send_text(&room_id, first_message).await;
    let items = Mirror::<TimelineItem>::new();
    session.timelines().open(&room_id, items.sink()).await.unwrap();
    items.wait_until("the peer's message", |i| item_of(i, &event_id).is_some()).await;
    (Room { _data: data, session, peer, peer_id: odile.user_id, room_id, items }, event_id)
}

fn item_of<'a>(items: &'a [TimelineItem], event_id: &str) -> Option<&'a TimelineItem> {
    items.iter().find(|item| matches!(item, TimelineItem::Event { event_id: Some(e), .. } if e == event_id))
}

fn reactions_of(items: &[TimelineItem], event_id: &str) -> Vec<ReactionGroup> {
    match item_of(items, event_id) {
        Some(TimelineItem::Event { reactions, .. }) => reactions.clone(),
        _ => Vec::new(),
    }
}

fn item_id(items: &[TimelineItem], event_id: &str) -> String {
    match item_of(items, event_id) {
        Some(TimelineItem::Event { id, .. }) => id.clone(),
        _ => panic!("no item for {event_id}"),
    }
}

/// The annotations the server holds on `event_id` (redacted ones have none).
async fn annotations(peer: &RawClient, room_id: &str, event_id: &str) -> Vec<String> {
    let path = format!("/_matrix/client/v1/rooms/{room_id}/relations/{event_id}/m.annotation");
    let (status, body) = peer.call(reqwest::Method::GET, &path, None).await;
    assert_eq!(status, 200, "{body}");
    let chunk = body["chunk"].as_array().cloned().unwrap_or_default();
    chunk.iter().filter_map(|e| e["content"]["m.relates_to"]["key"].as_str().map(str::to_owned)).collect()
}

async fn wait_annotations(peer: &RawClient, room_id: &str, event_id: &str, what: &str, expected: &[&str]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let keys = annotations(peer, room_id, event_id).await;
        if keys == expected {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}; the server has {keys:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn reactions_go_both_ways_with_counts_and_names() {
    let (room, message) = room_with_peer("Réunion à 14 h ?").await;
    let id = item_id(&room.items.snapshot(), &message);

    // Dana's 👍 reaches the other client as an annotation of the message…
    assert!(room.session.timelines().toggle_reaction(&room.room_id, &id, "👍").await.unwrap(), "added");
    wait_annotations(&room.peer, &room.room_id, &message, "Dana's 👍 on the server", &["👍"]).await;
    room.items
        .wait_until("our 👍 as a chip of ours", |i| {
            reactions_of(i, &message).iter().any(|g| g.key == "👍" && g.by_me && g.count == 1 && g.others.is_empty())
        })
        .await;
    // …and a second click takes it back.
    assert!(!room.session.timelines().toggle_reaction(&room.room_id, &id, "👍").await.unwrap(), "removed");
    wait_annotations(&room.peer, &room.room_id, &message, "the 👍 taken back", &[]).await;
    room.items.wait_until("no more chip", |i| reactions_of(i, &message).is_empty()).await;

    // Odile's 🎉, sent by her own client, shows with her name.
    let reaction = json!({"m.relates_to": {"rel_type": "m.annotation", "event_id": message, "key": "🎉"}});
    let path = format!("/_matrix/client/v3/rooms/{}/send/m.reaction/{}", room.room_id, unique("r"));
    let (status, body) = room.peer.call(reqwest::Method::PUT, &path, Some(reaction)).await;
    assert_eq!(status, 200, "{body}");
    let odile = NamedUser { user_id: room.peer_id.clone(), name: "Odile Autre".into() };
    room.items
        .wait_until("Odile's 🎉", |i| {
            reactions_of(i, &message).iter().any(|g| g.key == "🎉" && !g.by_me && g.count == 1 && g.others == [odile.clone()])
        })
        .await;
    // Dana joins in: one chip, two people, hers highlighted.
    room.session.timelines().toggle_reaction(&room.room_id, &id, "🎉").await.unwrap();
    room.items
        .wait_until("🎉 by both", |i| reactions_of(i, &message).iter().any(|g| g.key == "🎉" && g.by_me && g.count == 2 && g.others == [odile.clone()]))
        .await;
    wait_annotations(&room.peer, &room.room_id, &message, "both 🎉 on the server", &["🎉", "🎉"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_number_of_reactions_reaches_the_ui_bounded() {
    let (room, message) = room_with_peer("Votez avec un émoji").await;
    for n in 0..30 {
        let reaction = json!({"m.relates_to": {"rel_type": "m.annotation", "event_id": message, "key": format!("r{n}")}});
        let path = format!("/_matrix/client/v3/rooms/{}/send/m.reaction/{}", room.room_id, unique("r"));
        let (status, body) = room.peer.call(reqwest::Method::PUT, &path, Some(reaction)).await;
        assert_eq!(status, 200, "{body}");
    }
    room.items
        .wait_until("20 reactions shown, 10 counted", |i| {
            matches!(item_of(i, &message), Some(TimelineItem::Event { reactions, more_reactions: 10, .. }) if reactions.len() == 20)
        })
        .await;
}

/// Who the other client sees typing in the room, from its own sync: the
/// typing list only comes when it changes, so the last one is kept.
struct TypingSeen<'a> {
    peer: &'a RawClient,
    room_id: String,
    since: Option<String>,
    writers: Vec<String>,
}

impl<'a> TypingSeen<'a> {
    async fn new(peer: &'a RawClient, room_id: &str) -> Self {
        let mut seen = Self { peer, room_id: room_id.to_owned(), since: None, writers: Vec::new() };
        seen.sync().await;
        seen
    }

    async fn sync(&mut self) {
        let filter = json!({"room": {"rooms": [self.room_id], "timeline": {"limit": 0}}});
        let since = self.since.as_ref().map(|s| format!("&since={s}&timeout=1000")).unwrap_or_default();
        let path = format!("/_matrix/client/v3/sync?filter={}{since}", urlencoding(&filter.to_string()));
        let (status, body) = self.peer.call(reqwest::Method::GET, &path, None).await;
        assert_eq!(status, 200, "{body}");
        self.since = body["next_batch"].as_str().map(str::to_owned);
        let events = body["rooms"]["join"][&self.room_id]["ephemeral"]["events"].as_array().cloned().unwrap_or_default();
        if let Some(typing) = events.iter().rev().find(|e| e["type"] == "m.typing") {
            let ids = typing["content"]["user_ids"].as_array().cloned().unwrap_or_default();
            self.writers = ids.iter().filter_map(|u: &Value| u.as_str().map(str::to_owned)).collect();
        }
    }

    async fn wait(&mut self, what: &str, predicate: impl Fn(&[String]) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            self.sync().await;
            if predicate(&self.writers) {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}; seen typing: {:?}", self.writers);
        }
    }
}

fn urlencoding(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn typing_notices_go_both_ways_unless_the_user_said_no() {
    let (room, _) = room_with_peer("Tu es là ?").await;
    let dana = room.session.client().user_id().unwrap().to_string();
    let settings = tempfile::tempdir().unwrap();
    let notices = typing::TypingNotices::load(settings.path());
    let context = room.session.context();

    let mut seen = TypingSeen::new(&room.peer, &room.room_id).await;

    // Said no: nothing leaves.
    notices.set_enabled(false).await.unwrap();
    notices.notify(context, &room.room_id, true).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    seen.sync().await;
    assert!(!seen.writers.contains(&dana), "no typing notice when turned off");
    assert!(!typing::TypingNotices::load(settings.path()).enabled(), "the choice is kept");

    // Allowed (the default): Odile sees Dana typing, then stopping.
    notices.set_enabled(true).await.unwrap();
    notices.notify(context, &room.room_id, true).await.unwrap();
    seen.wait("Dana typing", |writers| writers.contains(&dana)).await;
    notices.notify(context, &room.room_id, false).await.unwrap();
    seen.wait("Dana stopped", |writers| !writers.contains(&dana)).await;

    // Odile types: Dana's room says so, by name, and not Dana herself.
    let writers = Recorder::<Vec<NamedUser>>::new();
    let sink = writers.sink();
    typing::watch(context, &room.room_id, move |names| {
        sink(names);
        true
    })
    .unwrap();
    let path = format!("/_matrix/client/v3/rooms/{}/typing/{}", room.room_id, room.peer_id);
    let (status, body) = room.peer.call(reqwest::Method::PUT, &path, Some(json!({"typing": true, "timeout": 30000}))).await;
    assert_eq!(status, 200, "{body}");
    let odile = NamedUser { user_id: room.peer_id.clone(), name: "Odile Autre".into() };
    writers.wait_last("Odile typing", |names| *names == [odile.clone()]).await;
    let (status, body) = room.peer.call(reqwest::Method::PUT, &path, Some(json!({"typing": false}))).await;
    assert_eq!(status, 200, "{body}");
    writers.wait_last("Odile stopped", |names| names.is_empty()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_peer_read_receipt_shows_under_the_message_they_read() {
    let (room, first) = room_with_peer("Premier point").await;
    room.session.timelines().send_text(&room.room_id, "Deuxième point, lu ?").await.unwrap();
    let mine = room.peer.wait_for_messages(&room.room_id, "Dana's message", |m| m.iter().any(|b| b == "Deuxième point, lu ?")).await;
    assert!(!mine.is_empty());
    let (_, body) = room.peer.call(reqwest::Method::GET, &format!("/_matrix/client/v3/rooms/{}/messages?dir=b&limit=1", room.room_id), None).await;
    let ours = body["chunk"][0]["event_id"].as_str().unwrap().to_owned();

    let path = format!("/_matrix/client/v3/rooms/{}/receipt/m.read/{ours}", room.room_id);
    let (status, body) = room.peer.call(reqwest::Method::POST, &path, Some(json!({}))).await;
    assert_eq!(status, 200, "{body}");
    let odile = NamedUser { user_id: room.peer_id.clone(), name: "Odile Autre".into() };
    let items = room
        .items
        .wait_until("Odile's receipt under Dana's message", |i| {
            matches!(item_of(i, &ours), Some(TimelineItem::Event { read_by, .. }) if *read_by == [odile.clone()])
        })
        .await;
    // She read on: her receipt left the first message; Dana's own never shows.
    assert!(matches!(item_of(&items, &first), Some(TimelineItem::Event { read_by, .. }) if read_by.is_empty()));
}
