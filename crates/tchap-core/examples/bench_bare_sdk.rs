//! The room-list benchmark's baseline: a bare matrix-sdk-ui 0.18 program, with
//! the client settings of `tchap_core::session::homeserver::build_client`
//! (encrypted SQLite stores, cache folder, refresh tokens, encryption
//! settings) and nothing of ours: it counts the room list's entries as they
//! arrive, without summaries.
//!
//!   bench_bare_sdk --measure cold|warm --data DIR --user NAME --expect N
//!
//! Run by `bench_room_list`, one process per measurement; prints one JSON
//! line. Cold: logs in with the password as a new device in DIR (which must
//! be new) and keeps the session in DIR/session.json (with the store key: a
//! benchmark, not the app). Warm: restores that session on the same stores.

use std::{
    path::Path,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use eyeball_im::VectorDiff;
use futures_util::StreamExt;
use matrix_sdk::{
    Client, SqliteStoreConfig,
    authentication::matrix::MatrixSession,
    encryption::{BackupDownloadStrategy, EncryptionSettings},
};
use matrix_sdk_ui::{room_list_service::filters::new_filter_non_left, sync_service::SyncService};
use serde_json::json;

const PASSWORD: &str = "bench-password-2026";
const FIRST_ROOMS: usize = 20;
const PAGE_SIZE: usize = 100_000;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

/// VmRSS and VmHWM of this process, in MiB.
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> f64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The same client as ours (`build_client`).
async fn build_client(homeserver: &str, dir: &Path, key: &[u8; 32]) -> Client {
    let store = SqliteStoreConfig::new(dir.join("store")).key(Some(key));
    Client::builder()
        .sqlite_store_with_config_and_cache_path(store, Some(dir.join("cache")))
        .handle_refresh_tokens()
        .with_encryption_settings(EncryptionSettings {
            auto_enable_cross_signing: true,
            auto_enable_backups: true,
            backup_download_strategy: BackupDownloadStrategy::OneShot,
        })
        .homeserver_url(homeserver)
        .build()
        .await
        .expect("client")
}

fn save(dir: &Path, homeserver: &str, key: &[u8; 32], client: &Client) {
    let session: MatrixSession = client.matrix_auth().session().expect("logged in");
    let saved =
        json!({"homeserver": homeserver, "store_key": hex::encode(key), "session": session});
    std::fs::write(
        dir.join("session.json"),
        serde_json::to_vec(&saved).unwrap(),
    )
    .unwrap();
}

/// The list's length as it grows, and when it reached the marks.
#[derive(Default)]
struct Progress {
    len: usize,
    first: Option<Duration>,
    all: Option<Duration>,
    /// The stream's items (each a Vec of diffs), diffs, and room values they carry.
    batches: usize,
    diffs: usize,
    values: usize,
    single_value_diffs: usize,
}

impl Progress {
    fn update(
        &mut self,
        len: usize,
        expected: usize,
        start: Instant,
        diffs: usize,
        values: usize,
        single_value_diffs: usize,
    ) {
        if self.all.is_some() {
            return; // only what it took to list everything
        }
        self.len = len;
        self.batches += 1;
        self.diffs += diffs;
        self.values += values;
        self.single_value_diffs += single_value_diffs;
        if self.first.is_none() && len >= FIRST_ROOMS.min(expected) {
            self.first = Some(start.elapsed());
        }
        if self.all.is_none() && len >= expected {
            self.all = Some(start.elapsed());
        }
    }
}

/// Not measured: after a cold list, lets the sync finish what it has shown
/// before stopping. The last rooms of a cold list are listed as soon as they
/// are created, before the rest of their sync response is processed and
/// saved; a process that stops right then (as the bare program did under
/// load) leaves its stores without them, and its warm start waits for the
/// network. So: wait until the state store holds every listed entry, then a
/// moment for the sync position to be cached.
async fn settle(client: &matrix_sdk::Client, expected: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let saved = client
            .state_store()
            .get_room_infos(&matrix_sdk_base::store::RoomLoadSettings::default())
            .await
            .map(|infos| {
                infos
                    .iter()
                    .filter(|i| i.state() != matrix_sdk::RoomState::Left)
                    .count()
            })
            .unwrap_or(0);
        if saved >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
}

#[tokio::main]
async fn main() {
    let mode = arg("--measure", "cold");
    let dir = std::path::PathBuf::from(arg("--data", ""));
    let expected: usize = arg("--expect", "0").parse().unwrap();
    let start = Instant::now();

    let homeserver;
    let key: [u8; 32];
    let client = if mode == "cold" {
        homeserver = std::env::var("TCHAP_TEST_HOMESERVER").expect("TCHAP_TEST_HOMESERVER");
        key = rand::random();
        let client = build_client(&homeserver, &dir, &key).await;
        client
            .matrix_auth()
            .login_username(arg("--user", "").as_str(), PASSWORD)
            .initial_device_display_name("Bench bare SDK")
            .request_refresh_token()
            .await
            .expect("login");
        save(&dir, &homeserver, &key, &client);
        client
    } else {
        let saved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("session.json")).expect("session.json"))
                .unwrap();
        homeserver = saved["homeserver"].as_str().unwrap().to_owned();
        key = hex::decode(saved["store_key"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let session: MatrixSession = serde_json::from_value(saved["session"].clone()).unwrap();
        let client = build_client(&homeserver, &dir, &key).await;
        client.restore_session(session).await.expect("restore");
        client
    };
    let sync = Arc::new(
        SyncService::builder(client.clone())
            .with_offline_mode()
            .build()
            .await
            .expect("sync service"),
    );
    sync.start().await;
    let ready = start.elapsed();

    let progress: Arc<Mutex<Progress>> = Arc::default();
    let all_rooms = sync
        .room_list_service()
        .all_rooms()
        .await
        .expect("all_rooms");
    let progress2 = progress.clone();
    let debug = std::env::var_os("TCHAP_BENCH_DEBUG").is_some();
    if debug {
        let rooms = client.rooms();
        let invited = rooms
            .iter()
            .filter(|r| r.state() == matrix_sdk::RoomState::Invited)
            .count();
        eprintln!(
            "{:?} client.rooms(): {} of which {invited} invited",
            start.elapsed(),
            rooms.len()
        );
    }
    let task = tokio::spawn(async move {
        let (entries, controller) = all_rooms.entries_with_dynamic_adapters(PAGE_SIZE);
        controller.set_filter(Box::new(new_filter_non_left()));
        futures_util::pin_mut!(entries);
        let mut len = 0usize;
        while let Some(diffs) = entries.next().await {
            if debug {
                let kinds: Vec<String> = diffs
                    .iter()
                    .map(|d| match d {
                        VectorDiff::Reset { values } => format!("Reset({})", values.len()),
                        VectorDiff::Append { values } => format!("Append({})", values.len()),
                        VectorDiff::Insert { index, value } => {
                            format!("Insert({index}, {} {:?})", value.room_id(), value.state())
                        }
                        VectorDiff::Set { index, value } => {
                            format!("Set({index}, {})", value.room_id())
                        }
                        other => format!("{other:?}").chars().take(40).collect(),
                    })
                    .collect();
                eprintln!("{:?} {}", start.elapsed(), kinds.join(" "));
            }
            let (mut values, mut single) = (0, 0);
            let n = diffs.len();
            for diff in diffs {
                match diff {
                    VectorDiff::Append { values: v } => {
                        (len, values) = (len + v.len(), values + v.len())
                    }
                    VectorDiff::Reset { values: v } => (len, values) = (v.len(), values + v.len()),
                    VectorDiff::Clear => len = 0,
                    VectorDiff::PushFront { .. }
                    | VectorDiff::PushBack { .. }
                    | VectorDiff::Insert { .. } => {
                        (len, values, single) = (len + 1, values + 1, single + 1);
                    }
                    VectorDiff::PopFront | VectorDiff::PopBack | VectorDiff::Remove { .. } => {
                        len -= 1
                    }
                    VectorDiff::Truncate { length } => len = length,
                    VectorDiff::Set { .. } => (values, single) = (values + 1, single + 1),
                }
            }
            progress2
                .lock()
                .unwrap()
                .update(len, expected, start, n, values, single);
        }
    });
    let (first, all) = loop {
        {
            let progress = progress.lock().unwrap();
            if let (Some(first), Some(all)) = (progress.first, progress.all) {
                break (first, all);
            }
            assert!(
                start.elapsed() < Duration::from_secs(600),
                "room list never completed ({} of {expected})",
                progress.len
            );
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let (rss, hwm) = memory_mib();
    let (count, batches, diffs, values, single_value_diffs) = {
        let p = progress.lock().unwrap();
        (p.len, p.batches, p.diffs, p.values, p.single_value_diffs)
    };
    if mode == "cold" {
        settle(&client, expected).await;
    }
    task.abort();
    if tokio::time::timeout(Duration::from_secs(5), sync.stop())
        .await
        .is_err()
    {
        eprintln!("the sync did not stop within 5 s");
    }
    if mode == "cold" {
        // With the tokens as they are now (refreshed or not).
        save(&dir, &homeserver, &key, &client);
    }
    println!(
        "{}",
        json!({
            "ready_ms": ready.as_secs_f64() * 1e3, "first_ms": first.as_secs_f64() * 1e3, "all_ms": all.as_secs_f64() * 1e3,
            "count": count, "rss_mib": rss, "hwm_mib": hwm,
            "batches": batches, "diffs": diffs, "values": values, "single_value_diffs": single_value_diffs,
        })
    );
}
