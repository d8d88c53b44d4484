//! Message search from the local index: a word another user wrote in an
//! encrypted room is found (in the room, and across all rooms), still found
//! after a restart with the network cut, never readable in the index's
//! files; a word from before the session started is reached by the crawl.

mod common;

use std::{sync::Arc, time::Duration};

use common::{proxy::Relay, *};
use matrix_sdk_search::index::builder::RoomIndexBuilder;
use serde_json::json;
use tchap_core::{
    room_list,
    rooms,
    search::{SearchHit, index_dir},
    session::{self, Session, SyncState},
    timeline::{MessageContent, TimelineItem},
};

const SECRET_WORD: &str = "ornithorynque";
const FROM_BOB: &str = "Le nom de code du projet est Ornithorynque, n'en parlez à personne.";

/// Searches until `found` holds (the index is fed in the background), up to 90 s.
async fn search_until(what: &str, mut search: impl AsyncFnMut() -> Vec<SearchHit>, found: impl Fn(&[SearchHit]) -> bool) -> Vec<SearchHit> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let hits = search().await;
        if found(&hits) {
            return hits;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}; last results: {hits:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn is_bobs_secret(hit: &SearchHit, room_id: &str) -> bool {
    hit.room_id == room_id
        && hit.sender_name == "Bruno Dupont"
        && hit.segments.iter().any(|s| s.matched && s.text == "Ornithorynque")
        && hit.segments.iter().map(|s| s.text.as_str()).collect::<String>() == FROM_BOB
}

/// Alice (through a relay that can be cut) creates an encrypted DM with Bob,
/// who writes in it; returns once Alice reads his message.
async fn bob_writes_to_alice(relay: &Relay) -> (Arc<Session>, tempfile::TempDir, Arc<Session>, tempfile::TempDir, String) {
    let alice = register("cherche", "Alice Agent").await;
    let bob = register("bob", "Bruno Dupont").await;
    let alice_data = data_dir();
    let alice_s = session::login(alice_data.path(), relay.url(), &alice.localpart, PASSWORD).await.unwrap();
    let bob_data = data_dir();
    let bob_s = session::login(bob_data.path(), &homeserver(), &bob.localpart, PASSWORD).await.unwrap();

    let dm_id = rooms::create_dm(alice_s.context(), &bob.user_id).await.unwrap();
    let bob_rooms = Mirror::new();
    room_list::subscribe(bob_s.context(), bob_rooms.sink()).await.unwrap();
    bob_rooms.wait_until("Bob is invited", |r| r.iter().any(|s| s.id == dm_id)).await;
    rooms::accept_invite(bob_s.context(), &dm_id).await.unwrap();
    let alice_items = Mirror::new();
    alice_s.timelines().open(&dm_id, alice_items.sink()).await.unwrap();
    alice_items
        .wait_until("Bob has joined", |items| {
            items.iter().any(|i| matches!(i, TimelineItem::Event { content: MessageContent::Membership { target_name, .. }, .. } if target_name == "Bruno Dupont"))
        })
        .await;
    bob_s.timelines().send_text(&dm_id, FROM_BOB).await.unwrap();
    alice_items.wait_until("Alice reads Bob, decrypted", |items| readable_texts(items).contains(&FROM_BOB)).await;
    (alice_s, alice_data, bob_s, bob_data, dm_id)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_word_from_an_encrypted_room_is_found_offline_after_a_restart_and_never_stored_in_clear() {
    let relay = Relay::start(&homeserver()).await;
    let (alice_s, alice_data, bob_s, _bob_data, dm_id) = bob_writes_to_alice(&relay).await;
    assert!(alice_s.context().known_room(&dm_id).unwrap().latest_encryption_state().await.unwrap().is_encrypted(), "a DM is encrypted");

    // Found in the room, by any case of the word, with the word marked…
    let in_room = search_until("the word in the room", async || alice_s.search().search_room(&dm_id, "ORNITHORYNQUE").await.unwrap(), |hits| {
        hits.iter().any(|h| is_bobs_secret(h, &dm_id))
    })
    .await;
    assert_eq!(in_room.len(), 1, "{in_room:?}");
    // …and across all rooms.
    let everywhere = alice_s.search().search_all("projet ornithorynque").await.unwrap();
    assert!(everywhere.iter().any(|h| is_bobs_secret(h, &dm_id)), "{everywhere:?}");
    assert!(alice_s.search().search_all("hippopotame").await.unwrap().is_empty());

    // The index is on disk, encrypted: no file holds the word in clear.
    let session_dir = alice_s.session_dir().to_owned();
    let index = index_dir(&session_dir);
    assert!(index.is_dir(), "the index lives in the account's folder");
    assert!(!dir_contains(&index, SECRET_WORD.as_bytes()), "the index must not hold the word in clear");
    assert!(!dir_contains(&index, b"Ornithorynque"), "the index must not hold the message in clear");

    // Restart with the network cut: still found, from the local stores.
    alice_s.stop().await;
    drop(alice_s);
    relay.cut();
    let again = session::restore(alice_data.path()).await.unwrap().expect("the session reopens");
    wait_watch(&mut again.sync_state(), "the app sees it is offline", |s| *s == SyncState::Offline).await;
    let offline = again.search().search_room(&dm_id, SECRET_WORD).await.unwrap();
    assert!(offline.iter().any(|h| is_bobs_secret(h, &dm_id)), "found offline after a restart: {offline:?}");
    let offline_all = again.search().search_all(SECRET_WORD).await.unwrap();
    assert!(offline_all.iter().any(|h| is_bobs_secret(h, &dm_id)), "{offline_all:?}");
    again.stop().await;
    drop(again);

    // Without the key, the index is unreadable: opened as a plain index, it
    // finds nothing (last: a failed open must not touch the real index first).
    let room_id = matrix_sdk::ruma::OwnedRoomId::try_from(dm_id.as_str()).unwrap();
    let plain = RoomIndexBuilder::new_on_disk(index.clone(), room_id).unencrypted().build();
    let readable = plain.is_ok_and(|plain| plain.search(SECRET_WORD, 1, None).is_ok_and(|found| !found.is_empty()));
    assert!(!readable, "the index must not be searchable without its key");
    bob_s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_word_from_before_the_session_started_is_reached_by_the_crawl() {
    let alice = register("archives", "Alice Archives").await;
    let bob = register("bob", "Bruno Dupont").await;
    let bob_raw = RawClient::new(&bob);
    let room_id = bob_raw.create_room("Archives du service", &[&alice.user_id]).await;
    RawClient::new(&alice).join(&room_id).await;
    let old = bob_raw.send_message(&room_id, json!({"msgtype": "m.text", "body": "Le dossier palimpseste est clos."})).await;
    // Enough newer messages that the first sync brings only the latest ones.
    for n in 0..80 {
        bob_raw.send_text(&room_id, &format!("Message de remplissage {n}")).await;
    }

    let data = data_dir();
    let alice_s = session::login(data.path(), &homeserver(), &alice.localpart, PASSWORD).await.unwrap();
    // Nobody opens the room nor scrolls up: only the crawl walks back to it.
    // (Until the first sync has brought the room, it is unknown: no results.)
    let hits = search_until(
        "the old word, reached by the crawl",
        async || alice_s.search().search_room(&room_id, "palimpseste").await.unwrap_or_default(),
        |hits| !hits.is_empty(),
    )
    .await;
    assert_eq!(hits[0].event_id, old);
    assert_eq!(hits[0].room_name, "Archives du service");
    // Newest first across the room's results.
    let fillers = alice_s.search().search_room(&room_id, "remplissage").await.unwrap();
    assert!(fillers.windows(2).all(|w| w[0].timestamp >= w[1].timestamp), "newest first");
    // The crawl says when it is done with every room.
    wait_watch(&mut alice_s.search().indexing(), "every room's history indexed", |pending| *pending == 0).await;
    alice_s.stop().await;
}
