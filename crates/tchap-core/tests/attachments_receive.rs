//! Receiving attachments through the real content scanner (matrix-content-
//! scanner 1.0.8 in front of the real Synapse, started by `make test`):
//! shown and saved only once clean, blocked files never handed out, nothing
//! at all when the scanner cannot be asked, the encrypted cache serving a
//! restart when the scanner is unreachable.

// The SDK's futures nest deeply in one test's async block.
#![recursion_limit = "256"]

mod common;

use std::{path::Path, sync::Arc};

use common::{received_media::*, *};
use tchap_core::{
    media::service::{BlockedBecause, MediaCheck, MediaVariant},
    rooms::{self, NewRoomKind},
    session::{self, Session},
    timeline::MediaKind,
};

/// The app's configuration naming the scanner, with verdicts that are past
/// their time as soon as given.
fn configure_scanner_and_no_verdict_lifetime(data_dir: &Path, url: &str) {
    let config = serde_json::json!({ "content_scanner_url": url, "media_verdict_ttl_hours": 0 });
    std::fs::write(data_dir.join("config.json"), config.to_string()).unwrap();
}

/// A port nothing listens on: the scanner is unreachable.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    image.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    bytes
}

async fn send_file(sender: &Session, room_id: &str, name: &str, bytes: Vec<u8>) {
    let prepared = sender.attachments().prepare_bytes(sender.context(), Some(name.to_owned()), bytes).await.unwrap();
    sender.attachments().send(sender.context(), room_id, &prepared.id).await.unwrap();
}

struct Pair {
    alice: Arc<Session>,
    bob: Arc<Session>,
    room_id: String,
    _alice_data: tempfile::TempDir,
    bob_data: tempfile::TempDir,
}

/// Alice and Bob, our two clients, in a private (encrypted) room; Bob's app
/// asks `bob_scanner`.
async fn pair(bob_scanner: &str) -> Pair {
    let alice_user = register("alice", "Alice Martin").await;
    let bob_user = register("bob", "Bruno Dupont").await;
    let (alice_data, bob_data) = (data_dir(), data_dir());
    configure_scanner(bob_data.path(), bob_scanner);
    let alice = session::login(alice_data.path(), &homeserver(), &alice_user.user_id, PASSWORD).await.unwrap();
    let bob = session::login(bob_data.path(), &homeserver(), &bob_user.localpart, PASSWORD).await.unwrap();
    let room_id = rooms::create_room_of_kind(alice.context(), "Pièces jointes", NewRoomKind::Private).await.unwrap();
    rooms::invite(alice.context(), &room_id, &bob_user.user_id, false).await.unwrap();
    let bob_rooms = Mirror::new();
    tchap_core::room_list::subscribe(bob.context(), bob_rooms.sink()).await.unwrap();
    bob_rooms.wait_until("Bob's invite", |r| r.iter().any(|s| s.id == room_id)).await;
    rooms::accept_invite(bob.context(), &room_id).await.unwrap();
    bob_rooms.wait_until("Bob in the room", |r| r.iter().any(|s| s.id == room_id && s.kind == tchap_core::room_list::RoomKind::Room)).await;
    Pair { alice, bob, room_id, _alice_data: alice_data, bob_data }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_encrypted_image_is_shown_and_saved_once_clean_and_a_restart_finds_it_in_the_cache() {
    // Every field bound: dropping a data folder would delete a running account's stores.
    let Pair { alice, bob, room_id, bob_data, _alice_data } = pair(&scanner_url()).await;
    let original = png(1200, 900);
    send_file(&alice, &room_id, "plan.png", original.clone()).await;

    let timeline = open_timeline(&bob, &room_id).await;
    let (item, info) = received_media(&timeline, "plan.png").await;
    assert_eq!((info.kind, info.width, info.height, info.has_placeholder), (MediaKind::Image, Some(1200), Some(900), true));

    assert_eq!(bob.media().check(bob.timelines(), &room_id, &item, MediaVariant::Thumbnail).await, MediaCheck::Clean);
    let thumbnail = bob.media().clean(bob.timelines(), &room_id, &item, MediaVariant::Thumbnail).await.ok().unwrap();
    let decoded = image::load_from_memory(&thumbnail.bytes).unwrap();
    assert!(decoded.width() <= 800 && decoded.height() <= 600, "a thumbnail, made here");
    let full = bob.media().clean(bob.timelines(), &room_id, &item, MediaVariant::Original).await.ok().unwrap();
    assert_eq!(full.bytes, original, "decrypted, byte for byte");

    let downloads = tempfile::tempdir().unwrap();
    let saved = bob.media().save(bob.timelines(), &room_id, &item, downloads.path().to_owned()).await.unwrap();
    assert_eq!(saved, downloads.path().join("plan.png"));
    assert_eq!(std::fs::read(&saved).unwrap(), original);
    // The cache keeps it encrypted: the picture is nowhere in clear in the account's folder.
    assert!(!dir_contains(bob.session_dir(), &original[100..164]), "the cached file is encrypted at rest");

    // A restart with the scanner out of reach: the image comes from the cache.
    bob.stop().await;
    configure_scanner(bob_data.path(), &closed_port_url());
    let bob = session::restore(bob_data.path()).await.unwrap().unwrap();
    let timeline = open_timeline(&bob, &room_id).await;
    let (item, _) = received_media(&timeline, "plan.png").await;
    let again = bob.media().clean(bob.timelines(), &room_id, &item, MediaVariant::Original).await.ok().unwrap();
    assert_eq!(again.bytes, original);

    // Logging out deletes the cache with the account.
    let session_dir = bob.session_dir().to_owned();
    bob.logout().await.unwrap();
    assert!(dir_is_gone(&session_dir.join("media-cache")));
    alice.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_the_antivirus_blocks_can_never_be_saved() {
    let Pair { alice, bob, room_id, bob_data: _bob_data, _alice_data } = pair(&scanner_url()).await;
    send_file(&alice, &room_id, "facture.pdf.exe", eicar()).await;
    let timeline = open_timeline(&bob, &room_id).await;
    let (item, _) = received_media(&timeline, "facture.pdf.exe").await;

    let blocked = MediaCheck::Blocked { because: BlockedBecause::Infected };
    assert_eq!(bob.media().check(bob.timelines(), &room_id, &item, MediaVariant::Original).await, blocked);
    let downloads = tempfile::tempdir().unwrap();
    let refused = bob.media().save(bob.timelines(), &room_id, &item, downloads.path().to_owned()).await.unwrap_err();
    assert_eq!(refused.code, tchap_core::error::ErrorCode::MediaBlocked);
    assert!(bob.media().file_to_open(bob.timelines(), &room_id, &item).await.is_err());
    assert_eq!(std::fs::read_dir(downloads.path()).unwrap().count(), 0, "nothing written");
    // Asked again, the verdict holds (from the cache).
    assert_eq!(bob.media().check(bob.timelines(), &room_id, &item, MediaVariant::Original).await, blocked);
    alice.stop().await;
    bob.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_scanner_to_ask_nothing_is_shown_or_saved() {
    let Pair { alice, bob, room_id, bob_data: _bob_data, _alice_data } = pair(&closed_port_url()).await;
    send_file(&alice, &room_id, "note.txt", b"Compte rendu de la reunion".to_vec()).await;
    let timeline = open_timeline(&bob, &room_id).await;
    let (item, _) = received_media(&timeline, "note.txt").await;

    assert_eq!(bob.media().check(bob.timelines(), &room_id, &item, MediaVariant::Original).await, MediaCheck::Unavailable);
    let downloads = tempfile::tempdir().unwrap();
    let refused = bob.media().save(bob.timelines(), &room_id, &item, downloads.path().to_owned()).await.unwrap_err();
    assert_eq!(refused.code, tchap_core::error::ErrorCode::ScannerUnavailable);
    assert_eq!(std::fs::read_dir(downloads.path()).unwrap().count(), 0, "fail closed");
    alice.stop().await;
    bob.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_verdict_past_its_time_is_asked_again_without_fetching_the_file_twice() {
    let scanner = proxy::Relay::start(&scanner_url()).await;
    let Pair { alice, bob, room_id, bob_data, _alice_data } = pair(scanner.url()).await;
    let original: Vec<u8> = (0..1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    send_file(&alice, &room_id, "mesures.bin", original.clone()).await;
    let timeline = open_timeline(&bob, &room_id).await;
    let (item, _) = received_media(&timeline, "mesures.bin").await;
    assert_eq!(bob.media().check(bob.timelines(), &room_id, &item, MediaVariant::Original).await, MediaCheck::Clean);
    assert!(scanner.bytes_received() > 1024 * 1024, "the first view downloads the file through the scanner");

    // Verdicts now expire at once: the cached one is past its time.
    bob.stop().await;
    configure_scanner_and_no_verdict_lifetime(bob_data.path(), scanner.url());
    let bob = session::restore(bob_data.path()).await.unwrap().unwrap();
    let timeline = open_timeline(&bob, &room_id).await;
    let (item, _) = received_media(&timeline, "mesures.bin").await;
    let before = scanner.bytes_received();
    let again = bob.media().clean(bob.timelines(), &room_id, &item, MediaVariant::Original).await.ok().unwrap();
    assert_eq!(again.bytes, original, "the cached file, still clean");
    let fetched = scanner.bytes_received() - before;
    assert!(fetched > 0, "the scanner was asked again");
    assert!(fetched < 64 * 1024, "only its verdict came back, not the file ({fetched} bytes)");

    // Past its time and no scanner to ask: nothing is shown.
    scanner.cut();
    assert_eq!(bob.media().check(bob.timelines(), &room_id, &item, MediaVariant::Original).await, MediaCheck::Unavailable);
    alice.stop().await;
    bob.stop().await;
}
