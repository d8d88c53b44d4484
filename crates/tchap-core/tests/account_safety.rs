//! Never lose an account: a sign-in attempt, a closed keyring or a new
//! sign-in never deletes an earlier session's keys (real Synapse, real keyring).

// The SDK's futures nest deeply in one test's async block.
#![recursion_limit = "256"]

mod common;

use common::*;
use tchap_core::{error::ErrorCode, session, timeline::TimelineItem};

/// The keyring is not started when the app opens (a desktop that starts it
/// late, a locked one with no prompt): the stored session is reported
/// locked, not lost, and sign-in attempts meanwhile (wrong password, a
/// this-run-only session) leave it as it was. Once the keyring is back, the
/// same device reopens with its history readable.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_keyring_and_sign_in_attempts_never_lose_the_stored_session() {
    const NAME: &str = "a_closed_keyring_and_sign_in_attempts_never_lose_the_stored_session";
    if std::env::var("TCHAP_SAFETY_CHILD").as_deref() == Ok("no-keyring") {
        return without_keyring().await;
    }
    let user = register("safe", "Sophie Sauve").await;
    let data = data_dir();
    let first = session::login(data.path(), &homeserver(), &user.localpart, PASSWORD).await.unwrap();
    let device_id = first.info().await.device_id;
    let room_id = tchap_core::rooms::create_room(first.context(), "Notes chiffrées").await.unwrap();
    let items = Mirror::<TimelineItem>::new();
    first.timelines().open(&room_id, items.sink()).await.unwrap();
    first.timelines().send_text(&room_id, "Le code de la salle est 4812").await.unwrap();
    items.wait_until("the message is sent", |i| readable_texts(i).contains(&"Le code de la salle est 4812")).await;
    // The search index writes the message in the background: the snapshot
    // below must not race with it.
    for _ in 0..60 {
        if !first.search().search_room(&room_id, "4812").await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let session_dir = first.session_dir().to_owned();
    first.stop().await;
    drop(first);

    // The app starts while the desktop has no keyring yet (no D-Bus session bus at all).
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
        .env("TCHAP_SAFETY_CHILD", "no-keyring")
        .env("TCHAP_SAFETY_DATA", data.path())
        .env("TCHAP_SAFETY_USER", &user.localpart)
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success() && text.contains("1 passed"), "child failed:\n{text}");

    // The keyring is back: the same device, its history readable, without a password.
    let restored = session::restore(data.path()).await.unwrap().expect("the stored session survived");
    assert_eq!(restored.session_dir(), session_dir);
    assert_eq!(restored.info().await.device_id, device_id, "the same device, not a new one");
    let items = Mirror::<TimelineItem>::new();
    restored.timelines().open(&room_id, items.sink()).await.unwrap();
    items.wait_until("the old encrypted message is readable", |i| readable_texts(i).contains(&"Le code de la salle est 4812")).await;

    // A wrong password in a new sign-in changes nothing either.
    let err = session::login(data.path(), &homeserver(), &user.localpart, "pas le bon").await.err().unwrap();
    assert_eq!(err.code, ErrorCode::InvalidCredentials);
    assert_eq!(session::current_session_dir(data.path()).unwrap(), Some(session_dir.clone()));
    // A successful one becomes current; the previous session's folder stays.
    restored.stop().await;
    let second = session::login(data.path(), &homeserver(), &user.localpart, PASSWORD).await.unwrap();
    assert_ne!(second.session_dir(), session_dir);
    assert_eq!(session::current_session_dir(data.path()).unwrap().as_deref(), Some(second.session_dir()));
    assert!(session_dir.join("store").join("matrix-sdk-crypto.sqlite3").exists(), "the earlier keys are kept");
    second.logout().await.unwrap();
}

async fn without_keyring() {
    let data = std::path::PathBuf::from(std::env::var("TCHAP_SAFETY_DATA").unwrap());
    let localpart = std::env::var("TCHAP_SAFETY_USER").unwrap();
    let before = snapshot(&data);

    let err = session::restore(&data).await.err().expect("the keyring is closed");
    assert_eq!(err.code, ErrorCode::SessionLocked, "a stored session whose keyring is closed is locked, not lost");
    let err = session::login(&data, &homeserver(), &localpart, "pas le bon").await.err().unwrap();
    assert_eq!(err.code, ErrorCode::SecretStoreUnavailable);
    let err = session::login_this_run_only(&data, &homeserver(), &localpart, "pas le bon").await.err().unwrap();
    assert_eq!(err.code, ErrorCode::InvalidCredentials);
    assert_eq!(snapshot(&data), before, "failed attempts touched the stored session");

    // Even a successful this-run-only session, closed, leaves it as it was.
    let this_run = session::login_this_run_only(&data, &homeserver(), &localpart, PASSWORD).await.unwrap();
    this_run.close().await;
    assert_eq!(snapshot(&data), before, "a this-run-only session touched the stored session");
    let err = session::restore(&data).await.err().expect("still closed");
    assert_eq!(err.code, ErrorCode::SessionLocked);
}

/// Every file under `dir` (relative path and size), sorted; the stores'
/// write-ahead logs are left out (SQLite may fold them in on close).
fn snapshot(dir: &std::path::Path) -> Vec<(String, u64)> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, u64)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                if !name.ends_with("-wal") && !name.ends_with("-shm") {
                    out.push((name, entry.metadata().unwrap().len()));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
