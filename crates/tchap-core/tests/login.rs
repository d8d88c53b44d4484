//! Logging in, restoring and logging out against the real Synapse.

mod common;

use common::*;
use tchap_core::{
    error::ErrorCode,
    room_list,
    session::{self, SyncState, stored::keyring_account},
    secret::{APP_SERVICE, SecretStore},
};

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_is_refused_and_leaves_nothing_on_disk() {
    let user = register("pw", "Paul Wrong").await;
    let data = data_dir();
    let err = session::login(data.path(), &homeserver(), &user.localpart, "not the password").await.err().unwrap();
    assert_eq!(err.code, ErrorCode::InvalidCredentials);
    assert_eq!(session_dirs(data.path()), Vec::<std::path::PathBuf>::new(), "the attempt's folder is removed");
    assert!(session::current_session_dir(data.path()).unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_server_and_bad_addresses_get_their_own_errors() {
    let data = data_dir();
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = session::login(data.path(), &format!("http://127.0.0.1:{port}"), "alice", "pw").await.err().unwrap();
    assert_eq!(err.code, ErrorCode::HomeserverUnreachable);

    let err = session::login(data.path(), "ceci n'est pas une adresse", "alice", "pw").await.err().unwrap();
    assert_eq!(err.code, ErrorCode::InvalidHomeserverUrl);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_web_server_that_is_not_matrix_is_named_as_such() {
    // A tiny HTTP server answering every request with a 404 HTML page.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let page = "<html><body>Not found</body></html>";
            let reply = format!("HTTP/1.1 404 Not Found\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}", page.len());
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    let data = data_dir();
    let err = session::login(data.path(), &format!("http://127.0.0.1:{port}"), "alice", "pw").await.err().unwrap();
    assert_eq!(err.code, ErrorCode::NotAMatrixServer);
}

#[tokio::test(flavor = "multi_thread")]
async fn session_is_restored_without_password_then_logout_wipes_it() {
    let user = register("restore", "Rita Restore").await;
    let peer = register("restorepeer", "Pierre Pair").await;
    let raw_peer = RawClient::new(&peer);
    let room_id = raw_peer.create_room("Salon restauré", &[&user.user_id]).await;

    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &user.localpart, PASSWORD).await.unwrap();
    let info = session.info().await;
    assert_eq!(info.user_id, user.user_id);
    assert_eq!(info.display_name.as_deref(), Some("Rita Restore"));
    // The header's indicator says "online" once the sync runs.
    let mut sync_state = session.sync_state();
    tokio::time::timeout(std::time::Duration::from_secs(30), sync_state.wait_for(|s| *s == SyncState::Running))
        .await
        .expect("the sync never reported running")
        .unwrap();
    let rooms = Mirror::new();
    room_list::subscribe(session.context(), rooms.sink()).await.unwrap();
    rooms.wait_until("the invite is listed", |r| r.iter().any(|s| s.id == room_id)).await;
    // The secrets live in the OS secret store, never in the app's folder.
    let (token, store_key) = stored_secrets(data.path()).await;
    session.stop().await;
    drop(session);
    assert!(!dir_contains(data.path(), token.as_bytes()), "the access token was written to disk");
    assert!(!dir_contains(data.path(), hex::encode(store_key).as_bytes()), "the store key was written to disk");
    assert!(!dir_contains(data.path(), &store_key), "the store key was written to disk");

    // Relaunch: no password, same account, the room list comes from the store.
    let restored = session::restore(data.path()).await.unwrap().expect("a stored session");
    assert_eq!(restored.info().await.user_id, user.user_id);
    let rooms = Mirror::new();
    room_list::subscribe(restored.context(), rooms.sink()).await.unwrap();
    rooms.wait_until("the room is still listed", |r| r.iter().any(|s| s.id == room_id)).await;

    // Logout ends the server session and deletes the local stores.
    let token = common::stored_access_token(data.path()).await;
    let info = restored.info().await;
    let account = keyring_account(&info.user_id, &info.device_id);
    assert!(SecretStore::new(APP_SERVICE).load(&account).unwrap().is_some());
    let session_dir = restored.session_dir().to_owned();
    restored.logout().await.unwrap();
    assert_eq!(SecretStore::new(APP_SERVICE).load(&account).unwrap(), None, "logout deletes the session's secrets");
    assert!(dir_is_gone(&session_dir));
    let status = reqwest::Client::new()
        .get(format!("{}/_matrix/client/v3/account/whoami", homeserver()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 401, "the server must have forgotten the token");
    assert!(session::restore(data.path()).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_whose_encryption_store_is_gone_asks_to_sign_in_again_and_is_kept_aside() {
    let user = register("lostcrypto", "Lucie Perdue").await;
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &user.localpart, PASSWORD).await.unwrap();
    let info = session.info().await;
    let account = keyring_account(&info.user_id, &info.device_id);
    let session_dir = session.session_dir().to_owned();
    session.stop().await;
    drop(session);

    // A cleaning tool or a faulty copy removed the encryption keys only.
    let store = session_dir.join("store");
    for entry in std::fs::read_dir(&store).unwrap().flatten() {
        if entry.file_name().to_string_lossy().starts_with("matrix-sdk-crypto.sqlite3") {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    // Rather than a session with new keys that reads nothing: the login form.
    assert!(session::restore(data.path()).await.unwrap().is_none());
    assert!(session::restore(data.path()).await.unwrap().is_none(), "not reopened at the next start either");
    // Nothing the user did not ask for is deleted: the rest of its data and
    // its keyring entry stay (its state store still holds the history).
    assert!(session_dir.join("session.json").exists() && session_dir.join("store").exists());
    assert!(SecretStore::new(APP_SERVICE).load(&account).unwrap().is_some());
}

/// Without an OS secret store the app refuses to remember a session; when
/// the user accepts, it signs in for this run only: no secret on disk, and
/// closing the app signs out and deletes everything. Runs in a child process
/// with no D-Bus session bus (a process's bus address is global).
#[tokio::test(flavor = "multi_thread")]
async fn without_a_keyring_a_session_is_only_for_this_run_when_the_user_accepts() {
    const NAME: &str = "without_a_keyring_a_session_is_only_for_this_run_when_the_user_accepts";
    if std::env::var("TCHAP_LOGIN_CHILD").as_deref() != Ok("no-keyring") {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
            .env("TCHAP_LOGIN_CHILD", "no-keyring")
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success() && text.contains("1 passed"), "child failed:\n{text}");
        return;
    }
    let user = register("noring", "Noé Sans-Trousseau").await;
    let data = data_dir();
    let refused = session::login(data.path(), &homeserver(), &user.localpart, PASSWORD).await.err().expect("no secret store");
    assert_eq!(refused.code, ErrorCode::SecretStoreUnavailable);

    let session = session::login_this_run_only(data.path(), &homeserver(), &user.localpart, PASSWORD).await.unwrap();
    let info = session.info().await;
    assert!(!info.is_remembered);
    let token = session.client().access_token().unwrap();
    assert!(!dir_contains(data.path(), token.as_bytes()), "the access token was written to disk");
    assert!(!session.session_dir().join("session.json").exists());

    // Quitting ends it on the server and deletes its stores.
    session.close().await;
    let status = reqwest::Client::new()
        .get(format!("{}/_matrix/client/v3/account/whoami", homeserver()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 401, "the server must have forgotten the token");
    assert_eq!(std::fs::read_dir(data.path()).unwrap().count(), 0, "nothing left in the data folder");
    assert!(session::restore(data.path()).await.unwrap().is_none(), "the next launch asks to sign in");
}

/// A server whose certificate this computer does not trust (a ministry proxy
/// inspecting TLS with its own authority, not installed here): the error
/// says so, rather than "unreachable". A real TLS server: `openssl s_server`.
#[tokio::test(flavor = "multi_thread")]
async fn an_untrusted_certificate_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = std::process::Command::new("openssl")
        .args(["s_server", "-quiet", "-www", "-accept", &port.to_string()])
        .arg("-cert")
        .arg(&cert)
        .arg("-key")
        .arg(&key)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let data = data_dir();
    let err = session::login(data.path(), &format!("https://localhost:{port}"), "alice", "pw").await.err().unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(err.code, ErrorCode::UntrustedCertificate, "{err:?}");
    assert_eq!(session_dirs(data.path()), Vec::<std::path::PathBuf>::new());
}
