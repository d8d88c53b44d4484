//! Sending attachments to the real Synapse: what another client receives (an
//! encrypted image with its thumbnail, a plain file), what the server's size
//! limit refuses before any byte leaves, and what a network cut delays or a
//! cancel stops.

mod common;

use std::time::Duration;

use common::{proxy::Relay, *};
use matrix_sdk::{
    Client,
    media::{MediaFormat, MediaRequestParameters},
    room::MessagesOptions,
    ruma::{
        RoomId,
        events::{
            AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
            room::{MediaSource, message::MessageType},
        },
    },
};
use tchap_core::{
    error::ErrorCode,
    media::upload::{AttachmentKind, upload_size_limit},
    room_list::{self, RoomKind},
    rooms,
    session::{self, Session, SyncState},
    timeline::{MessageContent, SendState, TimelineItem},
};

/// A photo-like PNG (a gradient, so that it does not compress to nothing).
fn photo(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8]));
    let mut png = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    png
}

/// The message named `name` as `client` (one of our sessions) reads it, decrypted.
async fn received(client: &Client, room_id: &str, name: &str) -> MessageType {
    let room_id = RoomId::parse(room_id).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(room) = client.get_room(&room_id)
            && let Ok(page) = room.messages(MessagesOptions::backward()).await
        {
            let found = page.chunk.iter().find_map(|event| match event.raw().deserialize() {
                Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(SyncMessageLikeEvent::Original(message))))
                    if message.content.msgtype.body() == name =>
                {
                    Some(message.content.msgtype)
                }
                _ => None,
            });
            if let Some(msgtype) = found {
                return msgtype;
            }
        }
        assert!(tokio::time::Instant::now() < deadline, "{name} never arrived");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn download(client: &Client, source: &MediaSource) -> Vec<u8> {
    let request = MediaRequestParameters { source: source.clone(), format: MediaFormat::File };
    client.media().get_media_content(&request, false).await.unwrap()
}

/// A user invited to `room_name` by another client (a plain API peer, `raw`).
async fn invited(room_name: &str) -> (TestUser, RawClient, String) {
    let user = register("agent", "Agathe Agent").await;
    let peer = register("pair", "Paul Pair").await;
    let raw = RawClient::new(&peer);
    let room_id = raw.create_room(room_name, &[&user.user_id]).await;
    (user, raw, room_id)
}

/// Signs `user` in (through `server`), joins the room they were invited to, opens its timeline.
async fn joined(user: &TestUser, server: &str, room_id: &str) -> (std::sync::Arc<Session>, Mirror<TimelineItem>, tempfile::TempDir) {
    let data = data_dir();
    let session = session::login(data.path(), server, &user.localpart, PASSWORD).await.unwrap();
    let list = Mirror::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    list.wait_until("the invite", |r| r.iter().any(|s| s.id == room_id)).await;
    rooms::accept_invite(session.context(), room_id).await.unwrap();
    list.wait_until("joined", |r| r.iter().any(|s| s.id == room_id && s.kind == RoomKind::Room)).await;
    let items = Mirror::new();
    session.timelines().open(room_id, items.sink()).await.unwrap();
    (session, items, data)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_sent_in_an_encrypted_room_arrives_encrypted_with_size_thumbnail_and_blurhash() {
    let alice = register("photo", "Agathe Photo").await;
    let bob = register("regard", "Basile Regard").await;
    let (alice_data, bob_data) = (data_dir(), data_dir());
    let alice_s = session::login(alice_data.path(), &homeserver(), &alice.localpart, PASSWORD).await.unwrap();
    let bob_s = session::login(bob_data.path(), &homeserver(), &bob.localpart, PASSWORD).await.unwrap();
    let bob_rooms = Mirror::new();
    room_list::subscribe(bob_s.context(), bob_rooms.sink()).await.unwrap();
    let dm = rooms::create_dm(alice_s.context(), &bob.user_id).await.unwrap();
    bob_rooms.wait_until("Bob's invite", |r| r.iter().any(|s| s.id == dm)).await;
    rooms::accept_invite(bob_s.context(), &dm).await.unwrap();
    bob_rooms.wait_until("joined, encrypted", |r| r.iter().any(|s| s.id == dm && s.kind == RoomKind::Dm && s.is_encrypted)).await;

    let png = photo(1600, 1200);
    let attachments = alice_s.attachments();
    let prepared = attachments.prepare_bytes(alice_s.context(), Some("/tmp/Réunion du 24.png".into()), png.clone()).await.unwrap();
    assert_eq!((prepared.name.as_str(), prepared.kind, prepared.size), ("Réunion du 24.png", AttachmentKind::Image, png.len() as u64));
    assert!(attachments.preview(&prepared.id).is_some());
    attachments.send(alice_s.context(), &dm, &prepared.id).await.unwrap();
    assert!(attachments.preview(&prepared.id).is_none(), "a sent file is no longer held");

    let MessageType::Image(image) = received(bob_s.client(), &dm, "Réunion du 24.png").await else { panic!("not an m.image") };
    let info = image.info.expect("image info");
    assert_eq!((info.width, info.height), (Some(1600u32.into()), Some(1200u32.into())));
    assert_eq!(info.size, Some((png.len() as u32).into()));
    assert_eq!(info.mimetype.as_deref(), Some("image/png"));
    assert!(info.blurhash.as_ref().is_some_and(|hash| hash.len() == 28), "{:?}", info.blurhash);
    let thumbnail_info = info.thumbnail_info.expect("thumbnail info");
    assert_eq!((thumbnail_info.width, thumbnail_info.height), (Some(800u32.into()), Some(600u32.into())));
    // The server only ever got ciphertext: both sources are encrypted files…
    assert!(matches!(image.source, MediaSource::Encrypted(_)), "{:?}", image.source);
    let thumbnail_source = info.thumbnail_source.expect("thumbnail source");
    assert!(matches!(thumbnail_source, MediaSource::Encrypted(_)));
    // …which Bob decrypts into the very bytes Alice chose, and a real thumbnail.
    assert!(download(bob_s.client(), &image.source).await == png, "Bob's copy differs from Alice's file");
    let thumbnail = image::load_from_memory(&download(bob_s.client(), &thumbnail_source).await).unwrap();
    assert_eq!((thumbnail.width(), thumbnail.height()), (800, 600));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_sent_in_an_unencrypted_room_arrives_with_its_name_size_and_type() {
    let (user, raw, room_id) = invited("Documents").await;
    let (session, _items, _data) = joined(&user, &homeserver(), &room_id).await;

    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("Privé")).unwrap();
    let path = folder.path().join("Privé").join("compte-rendu.txt");
    let text = "Compte rendu de la réunion du 24 novembre.\n".repeat(50);
    std::fs::write(&path, &text).unwrap();
    let prepared = session.attachments().prepare_path(session.context(), &path).await.unwrap();
    assert_eq!((prepared.kind, prepared.mime.as_str()), (AttachmentKind::File, "text/plain"));
    session.attachments().send(session.context(), &room_id, &prepared.id).await.unwrap();

    let contents = raw.wait_for_messages(&room_id, "the file arrives", |b| b.iter().any(|b| b == "compte-rendu.txt")).await;
    assert_eq!(contents.iter().filter(|b| *b == "compte-rendu.txt").count(), 1);
    let content = raw.message_contents(&room_id).await.into_iter().find(|c| c["body"] == "compte-rendu.txt").unwrap();
    assert_eq!(content["msgtype"], "m.file");
    assert_eq!(content["info"]["size"], text.len());
    assert_eq!(content["info"]["mimetype"], "text/plain");
    // Only the base name left the computer, never the folder it was in.
    assert!(!content.to_string().contains("Privé"), "{content}");
    let url = content["url"].as_str().expect("an unencrypted file has a plain URL");
    assert_eq!(raw.download(url).await, text.as_bytes());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_over_the_server_limit_is_refused_before_any_byte_is_sent() {
    let user = register("lourd", "Léon Lourd").await;
    let relay = Relay::start(&homeserver()).await;
    let data = data_dir();
    let session = session::login(data.path(), relay.url(), &user.localpart, PASSWORD).await.unwrap();
    // The server's own limit (Synapse's `max_upload_size`), fetched once.
    let limit = upload_size_limit(session.context()).await.unwrap();
    assert!(limit > 1024 * 1024, "a real limit: {limit}");

    let folder = tempfile::tempdir().unwrap();
    let archive = folder.path().join("archives.zip");
    std::fs::File::create(&archive).unwrap().set_len(limit + 1).unwrap(); // sparse: nothing written
    let before = relay.bytes_sent();
    let error = session.attachments().prepare_path(session.context(), &archive).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::FileTooLarge, "{error}");
    let pasted = vec![0u8; limit as usize + 1];
    let error = session.attachments().prepare_bytes(session.context(), None, pasted).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::FileTooLarge, "{error}");
    // The sync kept talking meanwhile, but nothing like a file went out.
    let sent = relay.bytes_sent() - before;
    assert!(sent < 256 * 1024, "{sent} bytes sent while refusing");

    // A file of exactly the limit is accepted: the limit is the server's, not ours.
    std::fs::File::create(&archive).unwrap().set_len(limit).unwrap();
    let prepared = session.attachments().prepare_path(session.context(), &archive).await.unwrap();
    assert_eq!(prepared.size, limit);
    session.attachments().discard(&prepared.id);
    // Empty files and folders get their own refusal.
    std::fs::File::create(&archive).unwrap().set_len(0).unwrap();
    assert_eq!(session.attachments().prepare_path(session.context(), &archive).await.unwrap_err().code, ErrorCode::EmptyFile);
    assert_eq!(session.attachments().prepare_path(session.context(), folder.path()).await.unwrap_err().code, ErrorCode::NotAFile);
}

fn own_file<'a>(items: &'a [TimelineItem], file: &str) -> Option<(&'a str, Option<SendState>)> {
    items.iter().find_map(|item| match item {
        TimelineItem::Event { id, is_own: true, content: MessageContent::Media(media), send_state, .. } if media.name == file => {
            Some((id.as_str(), *send_state))
        }
        _ => None,
    })
}

async fn wait_sync(session: &Session, state: SyncState) {
    let mut states = session.sync_state();
    wait_watch(&mut states, &format!("sync {state:?}"), |s| *s == state).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_attachment_sent_during_a_network_cut_goes_out_after_and_a_cancelled_one_never_does() {
    let (user, raw, room_id) = invited("Déplacements").await;
    let relay = Relay::start(&homeserver()).await;
    let (session, items, _data) = joined(&user, relay.url(), &room_id).await;
    wait_sync(&session, SyncState::Running).await;
    let attachments = session.attachments();

    relay.cut();
    // The server's limit was asked when the session started: a file chosen
    // now is still refused with it, before being read.
    let (_, config) = raw.call(reqwest::Method::GET, "/_matrix/client/v1/media/config", None).await;
    let limit = config["m.upload.size"].as_u64().expect("the server's limit");
    let folder = tempfile::tempdir().unwrap();
    let video = folder.path().join("trajet.mp4");
    std::fs::File::create(&video).unwrap().set_len(limit + 1).unwrap();
    let error = attachments.prepare_path(session.context(), &video).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::FileTooLarge, "{error}");

    let kept = attachments.prepare_bytes(session.context(), Some("billet.pdf".into()), b"%PDF-1.7 billet de train".to_vec()).await.unwrap();
    let dropped = attachments.prepare_bytes(session.context(), Some("brouillon.pdf".into()), b"%PDF-1.7 brouillon".to_vec()).await.unwrap();
    attachments.send(session.context(), &room_id, &kept.id).await.unwrap();
    attachments.send(session.context(), &room_id, &dropped.id).await.unwrap();
    // Both wait in the timeline, then the user cancels one of them.
    items.wait_until("billet.pdf waits", |i| own_file(i, "billet.pdf").is_some_and(|(_, s)| s != Some(SendState::Sent))).await;
    let snapshot = items.wait_until("brouillon.pdf waits", |i| own_file(i, "brouillon.pdf").is_some()).await;
    let (draft_id, _) = own_file(&snapshot, "brouillon.pdf").unwrap();
    session.timelines().discard_send(&room_id, draft_id).await.unwrap();
    items.wait_until("the cancelled file leaves the timeline", |i| own_file(i, "brouillon.pdf").is_none()).await;
    wait_sync(&session, SyncState::Offline).await;

    relay.restore();
    items.wait_until("billet.pdf sent after reconnecting", |i| own_file(i, "billet.pdf").is_some_and(|(_, s)| s == Some(SendState::Sent))).await;
    session.timelines().send_text(&room_id, "Arrivé").await.unwrap();
    let bodies = raw.wait_for_messages(&room_id, "the file and the text", |b| b.iter().any(|b| b == "Arrivé")).await;
    assert_eq!(bodies.iter().filter(|b| *b == "billet.pdf").count(), 1, "{bodies:?}");
    assert!(!bodies.iter().any(|b| b == "brouillon.pdf"), "the cancelled file was sent: {bodies:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_attached_in_an_app_opened_offline_goes_out_once_the_network_is_back() {
    let (user, raw, room_id) = invited("Mission").await;
    let relay = Relay::start(&homeserver()).await;
    let (session, _items, data) = joined(&user, relay.url(), &room_id).await;
    session.stop().await;
    drop(session);

    // The app is opened again on the plane: the server's limit cannot be asked.
    relay.cut();
    let session = session::restore(data.path()).await.unwrap().expect("the stored session");
    let report = b"%PDF-1.7 rapport de mission".to_vec();
    let prepared = session.attachments().prepare_bytes(session.context(), Some("rapport.pdf".into()), report).await.unwrap();
    session.attachments().send(session.context(), &room_id, &prepared.id).await.unwrap();

    relay.restore();
    let bodies = raw.wait_for_messages(&room_id, "the report arrives", |b| b.iter().any(|b| b == "rapport.pdf")).await;
    assert_eq!(bodies.iter().filter(|b| *b == "rapport.pdf").count(), 1, "{bodies:?}");
}
