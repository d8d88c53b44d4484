//! Settings → Security, as a user sees it: their sessions (listed, renamed,
//! signed out with the password) and their room keys saved to a file and
//! read back by a fresh session that has no other way to the history.
// The SDK's futures nest deeply in one test's async block.
#![recursion_limit = "256"]

mod common;

use std::{path::Path, sync::Arc, time::Duration};

use common::*;
use tchap_core::{
    error::ErrorCode,
    devices::{self, OwnSession},
    room_keys,
    room_list,
    rooms,
    security::SessionTrust,
    session::{self, Session, SessionEndReason},
    timeline::{MessageContent, TimelineItem},
};

async fn login(user: &TestUser) -> (Arc<Session>, tempfile::TempDir) {
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &user.localpart, PASSWORD).await.unwrap();
    (session, data)
}

fn device_id(session: &Session) -> String {
    session.client().device_id().unwrap().to_string()
}

/// Lists `session`'s sessions until `predicate` holds (keys and names
/// travel through the server and the crypto store: give them time).
async fn wait_sessions(session: &Session, what: &str, predicate: impl Fn(&[OwnSession]) -> bool) -> Vec<OwnSession> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let sessions = devices::list_own_sessions(session.context()).await.unwrap();
        if predicate(&sessions) {
            return sessions;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}; last seen: {sessions:#?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn find<'a>(sessions: &'a [OwnSession], device_id: &str) -> Option<&'a OwnSession> {
    sessions.iter().find(|s| s.device_id == device_id)
}

async fn wait_ended(session: &Session) {
    wait_watch(&mut session.ended(), "the session is ended by the server", |e| *e == Some(SessionEndReason::TokenRevoked)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn both_sessions_are_listed_and_a_rename_shows_on_the_other() {
    let user = register("sessions", "Sophie Agent").await;
    let (first, _first_data) = login(&user).await;
    let (second, _second_data) = login(&user).await;
    let (first_id, second_id) = (device_id(&first), device_id(&second));
    wait_watch(&mut first.security().status(), "the first session is verified", |s| s.session == SessionTrust::Verified).await;

    let listed = wait_sessions(&first, "this session verified, the new one not", |all| {
        find(all, &first_id).is_some_and(|s| s.is_verified) && find(all, &second_id).is_some()
    })
    .await;
    assert_eq!(listed[0].device_id, first_id, "this session comes first");
    assert!(listed[0].is_current && listed.iter().filter(|s| s.is_current).count() == 1);
    assert_eq!(listed[0].display_name.as_deref(), Some("Tchap desktop"));
    assert!(listed[0].last_seen_ts.is_some_and(|ts| ts > 1.6e12), "last activity in ms since 1970: {:?}", listed[0].last_seen_ts);
    let other = find(&listed, &second_id).unwrap();
    assert!(!other.is_current && !other.is_verified, "the new session was never verified: {other:?}");
    // Sorted by last activity after the current one.
    let rest: Vec<f64> = listed[1..].iter().map(|s| s.last_seen_ts.unwrap_or(0.0)).collect();
    assert!(rest.windows(2).all(|w| w[0] >= w[1]), "{listed:#?}");

    // The new session sees itself first, and the first one as verified.
    let seen_by_second = wait_sessions(&second, "the first session is verified, seen from the new one", |all| {
        find(all, &first_id).is_some_and(|s| s.is_verified)
    })
    .await;
    assert!(seen_by_second[0].device_id == second_id && seen_by_second[0].is_current);

    devices::rename_session(first.context(), &second_id, "  Ordinateur du bureau \n").await.unwrap();
    let seen_by_second = devices::list_own_sessions(second.context()).await.unwrap();
    assert_eq!(seen_by_second[0].display_name.as_deref(), Some("Ordinateur du bureau"), "trimmed, and shown on the renamed session");

    assert_eq!(devices::rename_session(first.context(), &second_id, "   ").await.unwrap_err().code, ErrorCode::InvalidSessionName);
    assert_eq!(devices::rename_session(first.context(), &second_id, &"x".repeat(101)).await.unwrap_err().code, ErrorCode::InvalidSessionName);
    assert_eq!(devices::rename_session(first.context(), "NOSUCHSESSION", "Portable").await.unwrap_err().code, ErrorCode::SessionNotFound);
    let names = devices::list_own_sessions(second.context()).await.unwrap();
    assert_eq!(names[0].display_name.as_deref(), Some("Ordinateur du bureau"), "a refused name changes nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn other_sessions_are_signed_out_only_with_the_right_password() {
    let user = register("signout", "Simon Agent").await;
    let (first, _first_data) = login(&user).await;
    let (second, _second_data) = login(&user).await;
    let (third, _third_data) = login(&user).await;
    let (first_id, second_id, third_id) = (device_id(&first), device_id(&second), device_id(&third));

    // One session by name: the password is checked first.
    let wrong = devices::sign_out_session(first.context(), &third_id, "pas le bon mot de passe").await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::InvalidCredentials);
    assert!(devices::list_own_sessions(third.context()).await.is_ok(), "a wrong password signs nobody out");
    devices::sign_out_session(first.context(), &third_id, PASSWORD).await.unwrap();
    assert_eq!(devices::list_own_sessions(third.context()).await.unwrap_err().code, ErrorCode::NotLoggedIn);
    wait_ended(&third).await;
    let listed = devices::list_own_sessions(first.context()).await.unwrap();
    assert!(find(&listed, &third_id).is_none() && find(&listed, &second_id).is_some(), "{listed:#?}");
    assert_eq!(devices::sign_out_session(first.context(), &third_id, PASSWORD).await.unwrap_err().code, ErrorCode::SessionNotFound);
    assert!(devices::sign_out_session(first.context(), &first_id, PASSWORD).await.is_err(), "this session ends with logout instead");

    // All the others at once.
    let wrong = devices::sign_out_other_sessions(first.context(), "pas le bon mot de passe").await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::InvalidCredentials);
    assert_eq!(devices::sign_out_other_sessions(first.context(), "").await.unwrap_err().code, ErrorCode::InvalidCredentials);
    assert!(devices::list_own_sessions(second.context()).await.is_ok(), "a wrong password signs nobody out");
    assert!(find(&devices::list_own_sessions(first.context()).await.unwrap(), &second_id).is_some());

    // The second session, and the one the test registration opened.
    assert_eq!(devices::sign_out_other_sessions(first.context(), PASSWORD).await.unwrap(), 2);
    let listed = devices::list_own_sessions(first.context()).await.unwrap();
    assert_eq!(listed.iter().map(|s| s.device_id.as_str()).collect::<Vec<_>>(), [first_id.as_str()]);
    assert_eq!(devices::list_own_sessions(second.context()).await.unwrap_err().code, ErrorCode::NotLoggedIn);
    wait_ended(&second).await;
    assert_eq!(*first.ended().borrow(), None, "this session goes on");
    assert_eq!(devices::sign_out_other_sessions(first.context(), PASSWORD).await.unwrap(), 0, "nobody left to sign out");
}

const SECRET: &str = "Le code de la salle de réunion est 4821.";
const PASSPHRASE: &str = "trois chats sur le toit";

/// Creates an encrypted room and sends `SECRET` there: the session then has
/// (at least) that room's key. Returns the room's id.
async fn send_secret_in_a_new_room(session: &Session) -> String {
    // `create_room` returns once the room is known encrypted (new_rooms.rs).
    let room_id = rooms::create_room(session.context(), "Projet confidentiel").await.unwrap();
    let items = Mirror::new();
    session.timelines().open(&room_id, items.sink()).await.unwrap();
    session.timelines().send_text(&room_id, SECRET).await.unwrap();
    items
        .wait_until("the message is sent", |items| {
            items.iter().any(|i| matches!(i, TimelineItem::Event { event_id: Some(_), content: MessageContent::Text { body, .. }, .. } if body == SECRET))
        })
        .await;
    room_id
}

/// Opens the room's timeline in `session` once it is listed, loaded back to
/// its start; returns the live mirror of its items.
async fn open_whole_room(session: &Session, room_id: &str) -> Mirror<TimelineItem> {
    let rooms_seen = Mirror::new();
    room_list::subscribe(session.context(), rooms_seen.sink()).await.unwrap();
    rooms_seen.wait_until("the room is listed", |r| r.iter().any(|s| s.id == room_id)).await;
    let items = Mirror::new();
    session.timelines().open(room_id, items.sink()).await.unwrap();
    while !session.timelines().paginate_backwards(room_id).await.unwrap() {}
    items
}

#[tokio::test(flavor = "multi_thread")]
async fn exported_room_keys_unlock_the_history_in_a_fresh_session() {
    let user = register("keys", "Karine Agent").await;
    let (first, _first_data) = login(&user).await;
    let room_id = send_secret_in_a_new_room(&first).await;

    let files = tempfile::tempdir().unwrap();
    let key_file = files.path().join("tchap-keys.txt");
    let weak = room_keys::export_room_keys(first.context(), &key_file, "court").await.unwrap_err();
    assert_eq!(weak.code, ErrorCode::WeakPassphrase);
    assert!(!key_file.exists(), "nothing written with a weak passphrase");
    let exported = room_keys::export_room_keys(first.context(), &key_file, PASSPHRASE).await.unwrap();
    assert!(exported >= 1, "at least the room's key");
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert!(text.starts_with("-----BEGIN MEGOLM SESSION DATA-----"), "the spec's export format");
    assert!(!text.contains(SECRET) && !text.contains("session_key"), "encrypted");

    // A new session, with no backup and no verification: the message is locked.
    let (second, _second_data) = login(&user).await;
    let items = open_whole_room(&second, &room_id).await;
    items.wait_until("the message is shown locked", |items| locked_count(items) == 1).await;

    let wrong = room_keys::import_room_keys(second.context(), &key_file, "quatre chats sur le toit").await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::InvalidKeyFilePassphrase);
    let not_keys = files.path().join("notes.txt");
    std::fs::write(&not_keys, "Liste des courses : pain, lait.").unwrap();
    assert_eq!(room_keys::import_room_keys(second.context(), &not_keys, PASSPHRASE).await.unwrap_err().code, ErrorCode::InvalidKeyFile);
    let missing = files.path().join("absent.txt");
    assert_eq!(room_keys::import_room_keys(second.context(), &missing, PASSPHRASE).await.unwrap_err().code, ErrorCode::FileNotAccessible);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(locked_count(&items.snapshot()), 1, "nothing was imported");

    let imported = room_keys::import_room_keys(second.context(), &key_file, PASSPHRASE).await.unwrap();
    assert_eq!((imported.imported, imported.total), (exported, exported));
    // Decrypted in place, without reopening the room.
    items.wait_until("the message is readable", |items| readable_texts(items).contains(&SECRET) && locked_count(items) == 0).await;
    let again = room_keys::import_room_keys(second.context(), &key_file, PASSPHRASE).await.unwrap();
    assert_eq!((again.imported, again.total), (0, exported), "importing twice adds nothing");
}

/// The files of `dir` whose name starts with `prefix`, sorted.
fn files_named(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix))
        .collect();
    names.sort();
    names
}

/// As the app does it: the export lands in a new dated file of the user's
/// Downloads folder, the import comes as the text the file chooser read.
#[tokio::test(flavor = "multi_thread")]
async fn room_keys_go_to_a_new_dated_file_and_come_back_as_text() {
    let user = register("keyfile", "Kevin Agent").await;
    let (first, _first_data) = login(&user).await;
    let room_id = send_secret_in_a_new_room(&first).await;
    let downloads = tempfile::tempdir().unwrap();
    let downloads = downloads.path().join("Téléchargements");

    let weak = room_keys::export_room_keys_to_new_file(first.context(), &downloads, "court").await.unwrap_err();
    assert_eq!(weak.code, ErrorCode::WeakPassphrase);
    assert!(!downloads.exists() || files_named(&downloads, "").is_empty(), "nothing left behind by a refused export");

    let path = room_keys::export_room_keys_to_new_file(first.context(), &downloads, PASSPHRASE).await.unwrap();
    assert_eq!(path.parent().unwrap(), downloads.as_path());
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let date = name.strip_prefix("Tchap - clés de chiffrement (").and_then(|rest| rest.strip_suffix(").txt")).unwrap_or_else(|| panic!("{name}"));
    assert!(date.len() == 10 && date.chars().enumerate().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() }), "AAAA-MM-JJ: {date}");
    assert_eq!(format!("{}.txt", room_keys::export_file_stem(date)), name);
    let first_export = std::fs::read_to_string(&path).unwrap();
    assert!(first_export.starts_with("-----BEGIN MEGOLM SESSION DATA-----") && !first_export.contains(SECRET));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "readable by the user only");
    }

    // A second export the same day never replaces the first.
    let second_path = room_keys::export_room_keys_to_new_file(first.context(), &downloads, PASSPHRASE).await.unwrap();
    assert_eq!(second_path, downloads.join(format!("{} (2).txt", room_keys::export_file_stem(date))));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), first_export, "the first export is untouched");
    assert_eq!(files_named(&downloads, "").len(), 2);

    // A fresh session, without backup nor verification, reads the text.
    let (second, second_data) = login(&user).await;
    let scratch = second_data.path();
    let leftovers = || files_named(scratch, "room-keys-import");
    let wrong = room_keys::import_room_keys_text(second.context(), scratch, &first_export, "quatre chats sur le toit").await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::InvalidKeyFilePassphrase);
    let not_keys = room_keys::import_room_keys_text(second.context(), scratch, "Liste des courses : pain, lait.", PASSPHRASE).await.unwrap_err();
    assert_eq!(not_keys.code, ErrorCode::InvalidKeyFile);
    let huge = "A".repeat(room_keys::MAX_KEY_FILE_BYTES + 1);
    assert_eq!(room_keys::import_room_keys_text(second.context(), scratch, &huge, PASSPHRASE).await.unwrap_err().code, ErrorCode::InvalidKeyFile);
    assert!(leftovers().is_empty(), "no temporary file left after a failure: {:?}", leftovers());

    let imported = room_keys::import_room_keys_text(second.context(), scratch, &first_export, PASSPHRASE).await.unwrap();
    assert!(imported.total >= 1 && imported.imported == imported.total, "{imported:?}");
    assert!(leftovers().is_empty(), "the temporary file is deleted: {:?}", leftovers());

    // The message is readable in the fresh session.
    let items = open_whole_room(&second, &room_id).await;
    items.wait_until("the message is readable", |items| readable_texts(items).contains(&SECRET)).await;
}
