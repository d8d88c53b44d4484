//! Shared helpers for the backend tests: they run against the real Synapse
//! that `make test` starts (`TCHAP_TEST_HOMESERVER`, `TCHAP_TEST_SHARED_SECRET`).
#![allow(dead_code)]

use std::{
    path::Path,
    sync::{Arc, Mutex},
    time::Duration,
};

pub mod own_scanner;
pub mod own_synapse;
pub mod federation;
pub mod held_key_queries;
pub mod network;
pub mod proxy;
pub mod received_media;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::Sha1;
use tchap_core::{list_diff::{ListDiff, apply}, timeline::{MessageContent, TimelineItem}};

pub fn homeserver() -> String {
    std::env::var("TCHAP_TEST_HOMESERVER").expect("TCHAP_TEST_HOMESERVER: run the tests through `make test`")
}

fn shared_secret() -> String {
    let value = std::env::var("TCHAP_TEST_SHARED_SECRET").expect("TCHAP_TEST_SHARED_SECRET: run the tests through `make test`");
    match std::fs::read_to_string(&value) {
        Ok(text) => text.trim().to_owned(),
        Err(_) => value,
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

/// A user registered for one test only: unique local part, known password.
pub struct TestUser {
    pub localpart: String,
    pub user_id: String,
    pub access_token: String,
}

pub fn unique(prefix: &str) -> String {
    let n: u32 = rand::random();
    format!("{prefix}{n:08x}")
}

pub async fn register(prefix: &str, display_name: &str) -> TestUser {
    register_on(&homeserver(), &shared_secret(), prefix, display_name).await
}

/// Registers a user on the Synapse at `base` (its registration shared secret given).
pub async fn register_on(base: &str, secret: &str, prefix: &str, display_name: &str) -> TestUser {
    register_with(base, secret, prefix, display_name, false).await
}

/// A server administrator, for the admin API.
pub async fn register_admin_on(base: &str, secret: &str, prefix: &str) -> TestUser {
    register_with(base, secret, prefix, "Admin", true).await
}

async fn register_with(base: &str, secret: &str, prefix: &str, display_name: &str, admin: bool) -> TestUser {
    let http = reqwest::Client::new();
    let url = format!("{base}/_synapse/admin/v1/register");
    let nonce: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    let nonce = nonce["nonce"].as_str().unwrap().to_owned();
    let localpart = unique(prefix);
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    let role = if admin { "admin" } else { "notadmin" };
    mac.update(format!("{nonce}\0{localpart}\0{PASSWORD}\0{role}").as_bytes());
    let body = json!({
        "nonce": nonce, "username": localpart, "password": PASSWORD, "admin": admin,
        "displayname": display_name, "mac": hex::encode(mac.finalize().into_bytes()),
    });
    let response: Value = http.post(&url).json(&body).send().await.unwrap().json().await.unwrap();
    TestUser {
        localpart,
        user_id: response["user_id"].as_str().expect("registered").to_owned(),
        access_token: response["access_token"].as_str().unwrap().to_owned(),
    }
}

/// A plain Client-Server API peer, standing for "another Matrix client".
pub struct RawClient {
    http: reqwest::Client,
    token: String,
}

impl RawClient {
    pub fn new(user: &TestUser) -> Self {
        Self { http: reqwest::Client::new(), token: user.access_token.clone() }
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", homeserver())).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn create_room(&self, name: &str, invite: &[&str]) -> String {
        let (status, body) = self
            .call(reqwest::Method::POST, "/_matrix/client/v3/createRoom", Some(json!({"name": name, "invite": invite, "preset": "private_chat"})))
            .await;
        assert_eq!(status, 200, "{body}");
        body["room_id"].as_str().unwrap().to_owned()
    }

    pub async fn send_text(&self, room_id: &str, body: &str) -> String {
        let txn = unique("t");
        let path = format!("/_matrix/client/v3/rooms/{room_id}/send/m.room.message/{txn}");
        let (status, answer) = self.call(reqwest::Method::PUT, &path, Some(json!({"msgtype": "m.text", "body": body}))).await;
        assert_eq!(status, 200, "{answer}");
        answer["event_id"].as_str().unwrap().to_owned()
    }

    /// Sends an `m.room.message` with the given content; returns its event id.
    pub async fn send_message(&self, room_id: &str, content: Value) -> String {
        let txn = unique("t");
        let path = format!("/_matrix/client/v3/rooms/{room_id}/send/m.room.message/{txn}");
        let (status, answer) = self.call(reqwest::Method::PUT, &path, Some(content)).await;
        assert_eq!(status, 200, "{answer}");
        answer["event_id"].as_str().unwrap().to_owned()
    }

    pub async fn join(&self, room_id: &str) {
        let (status, body) = self.call(reqwest::Method::POST, &format!("/_matrix/client/v3/join/{room_id}"), Some(json!({}))).await;
        assert_eq!(status, 200, "{body}");
    }

    /// Waits (up to 30 s) until the room's message bodies satisfy `predicate`.
    pub async fn wait_for_messages(&self, room_id: &str, what: &str, predicate: impl Fn(&[String]) -> bool) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let bodies = self.messages(room_id).await;
            if predicate(&bodies) {
                return bodies;
            }
            assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}; last seen: {bodies:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Bodies of the `m.room.message` events of the room, oldest first.
    pub async fn messages(&self, room_id: &str) -> Vec<String> {
        self.message_contents(room_id).await.iter().filter_map(|c| c["body"].as_str().map(ToOwned::to_owned)).collect()
    }

    /// Contents of the `m.room.message` events of the room, oldest first.
    pub async fn message_contents(&self, room_id: &str) -> Vec<Value> {
        let path = format!("/_matrix/client/v3/rooms/{room_id}/messages?dir=b&limit=100");
        let (_, body) = self.call(reqwest::Method::GET, &path, None).await;
        let mut contents: Vec<Value> =
            body["chunk"].as_array().into_iter().flatten().filter(|e| e["type"] == "m.room.message").map(|e| e["content"].clone()).collect();
        contents.reverse();
        contents
    }

    /// Uploads `bytes` as plain media declared `content_type` (whatever they
    /// are: a client sends what it likes); returns its `mxc://` URI.
    pub async fn upload(&self, content_type: &str, bytes: Vec<u8>) -> String {
        let url = format!("{}/_matrix/media/v3/upload", homeserver());
        let response = self.http.post(url).bearer_auth(&self.token).header("content-type", content_type).body(bytes).send().await.unwrap();
        let status = response.status().as_u16();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "upload: {answer}");
        answer["content_uri"].as_str().unwrap().to_owned()
    }

    /// The bytes of an `mxc://` URI, as the server stores them.
    pub async fn download(&self, mxc: &str) -> Vec<u8> {
        let path = mxc.strip_prefix("mxc://").expect("an mxc URI");
        let url = format!("{}/_matrix/client/v1/media/download/{path}", homeserver());
        let response = self.http.get(url).bearer_auth(&self.token).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "download {mxc}");
        response.bytes().await.unwrap().to_vec()
    }
}

/// A list kept up to date from the batches a sink receives, as the UI does.
pub struct Mirror<T>(pub Arc<Mutex<Vec<T>>>);

impl<T: Clone + std::fmt::Debug + Send + 'static> Mirror<T> {
    pub fn new() -> Self {
        Self(Arc::default())
    }

    pub fn sink(&self) -> impl Fn(Vec<ListDiff<T>>) + Send + Sync + 'static {
        let list = self.0.clone();
        move |batch| apply(&mut list.lock().unwrap(), batch)
    }

    pub fn snapshot(&self) -> Vec<T> {
        self.0.lock().unwrap().clone()
    }

    /// Waits (up to 30 s) until `predicate` holds for the list.
    pub async fn wait_until(&self, what: &str, predicate: impl Fn(&[T]) -> bool) -> Vec<T> {
        wait_for_snapshot(what, || self.snapshot(), predicate).await
    }
}

/// Everything a callback received, in order (verification steps…).
pub struct Recorder<T>(pub Arc<Mutex<Vec<T>>>);

impl<T: Clone + std::fmt::Debug + Send + 'static> Recorder<T> {
    pub fn new() -> Self {
        Self(Arc::default())
    }

    pub fn sink(&self) -> impl Fn(T) + Send + Sync + 'static {
        let seen = self.0.clone();
        move |value| seen.lock().unwrap().push(value)
    }

    pub fn last(&self) -> Option<T> {
        self.0.lock().unwrap().last().cloned()
    }

    /// Waits (up to 30 s) until the last value received satisfies `predicate`.
    pub async fn wait_last(&self, what: &str, predicate: impl Fn(&T) -> bool) -> T {
        let seen = wait_for_snapshot(what, || self.0.lock().unwrap().clone(), |all| all.last().is_some_and(&predicate)).await;
        seen.last().unwrap().clone()
    }
}

async fn wait_for_snapshot<T: std::fmt::Debug>(what: &str, snapshot: impl Fn() -> Vec<T>, predicate: impl Fn(&[T]) -> bool) -> Vec<T> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let current = snapshot();
        if predicate(&current) {
            return current;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}; last seen: {current:#?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits (up to 60 s) until the watched value satisfies `predicate`.
pub async fn wait_watch<T: std::fmt::Debug>(receiver: &mut tokio::sync::watch::Receiver<T>, what: &str, predicate: impl Fn(&T) -> bool) {
    if tokio::time::timeout(Duration::from_secs(60), receiver.wait_for(|v| predicate(v))).await.is_err() {
        panic!("timed out waiting for: {what}; last seen: {:?}", *receiver.borrow());
    }
}

pub fn data_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The sessions' folders in a data folder (current or not).
pub fn session_dirs(data_dir: &Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(data_dir.join("sessions")) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    }
}

pub fn dir_is_gone(path: &Path) -> bool {
    !path.exists()
}

/// The token the app stored for its session (to check that logout revoked it).
pub async fn stored_access_token(data_dir: &Path) -> String {
    stored_secrets(data_dir).await.0
}

/// Whether any file under `dir` contains `needle` (to prove a secret never
/// reached the disk).
pub fn dir_contains(dir: &Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|entry| {
        let path = entry.path();
        if path.is_dir() {
            dir_contains(&path, needle)
        } else {
            std::fs::read(&path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        }
    })
}

/// The secrets of the stored session: its access token and store key.
pub async fn stored_secrets(data_dir: &Path) -> (String, [u8; 32]) {
    use tchap_core::{session::stored::{Loaded, StoredSession}};
    let dir = tchap_core::session::current_session_dir(data_dir).unwrap().expect("a current session");
    match StoredSession::load(&dir).await.unwrap() {
        Loaded::Session(stored) => (stored.access_token().to_owned(), stored.store_key().unwrap()),
        _ => panic!("no stored session"),
    }
}

/// The texts of the timeline's messages that are readable (decrypted).
pub fn readable_texts(items: &[TimelineItem]) -> Vec<&str> {
    items
        .iter()
        .filter_map(|item| match item {
            TimelineItem::Event { content: MessageContent::Text { body, .. }, .. } => Some(body.as_str()),
            _ => None,
        })
        .collect()
}

/// How many of the timeline's messages are still locked (undecryptable).
pub fn locked_count(items: &[TimelineItem]) -> usize {
    items.iter().filter(|item| matches!(item, TimelineItem::Event { content: MessageContent::Undecryptable { .. }, .. })).count()
}

/// Accepts the invite to `room_id` once the room list shows it, and waits
/// until the list shows the room joined.
pub async fn join_invited_room(session: &tchap_core::session::Session, room_id: &str) {
    use tchap_core::room_list::{self, RoomKind};
    let list = Mirror::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    list.wait_until("the invite", |r| r.iter().any(|s| s.id == room_id)).await;
    tchap_core::rooms::accept_invite(session.context(), room_id).await.unwrap();
    list.wait_until("joined", |r| r.iter().any(|s| s.id == room_id && s.kind == RoomKind::Room)).await;
}
