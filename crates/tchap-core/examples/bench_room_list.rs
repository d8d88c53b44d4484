//! Room-list benchmark: our backend core (no window) side by side with a bare
//! matrix-sdk-ui program (`bench_bare_sdk`), on one seeded account.
//!
//!   make bench     (1,000 rooms × 5 runs, writes BENCHMARKS.md)
//!   cargo build -p tchap-core --example bench_room_list --example bench_bare_sdk
//!   scripts/with-synapse.sh tests/keyring/with-keyring.sh \
//!     $CARGO_TARGET_DIR/debug/examples/bench_room_list [--rooms 1000] [--runs 5] [--out BENCHMARKS.md]
//!
//! Needs `TCHAP_TEST_HOMESERVER` / `TCHAP_TEST_SHARED_SECRET` (scripts/with-synapse.sh)
//! and an OS secret store (tests/keyring/with-keyring.sh): `make bench` sets
//! both up. Seeds one account once (scripts/bench-seed.py, not measured; or
//! `--user NAME --expect N` reuses one seeded earlier on the same server),
//! then for each run: ours cold, bare cold, ours warm, bare warm (the next
//! run starts with bare), each a fresh child process. Cold: a new data folder
//! and a password login as a new device; warm: the same run's folder, the
//! session reopened without password. Each child prints one JSON line.
//! `--proposed` adds a third program, `mod proposed` (an experiment: the room
//! list changed to summarize less), and a section on it.

use std::{
    collections::{HashMap, HashSet},
    fmt::Write as _,
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tchap_core::{
    list_diff::ListDiff,
    room_list::{self, RoomListBatch, RoomSummary},
    session,
};

const PASSWORD: &str = "bench-password-2026";
const FIRST_ROOMS: usize = 20;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

fn homeserver() -> String {
    std::env::var("TCHAP_TEST_HOMESERVER").expect("TCHAP_TEST_HOMESERVER (run `make bench`)")
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

/// What the UI would hold, reduced to its length, plus how much summarizing
/// the room list did to get there.
#[derive(Default)]
struct Progress {
    len: usize,
    first: Option<Duration>,
    all: Option<Duration>,
    batches: usize,
    diffs: usize,
    /// Values shipped in diffs: one `room_list::summarize` each.
    summaries: usize,
    /// Summaries of a room already summarized in the same batch.
    same_batch_repeats: usize,
    /// Diffs carrying one value (Set, Insert, Push*): summarized one after the other.
    single_value_diffs: usize,
    /// Summaries identical to the room's previous one (as the UI receives them).
    unchanged: usize,
    /// A hash of each room's last summary (not the summary: little memory).
    last: HashMap<String, u64>,
}

impl Progress {
    fn on_batch(&mut self, batch: RoomListBatch, expected: usize, start: Instant) {
        if self.all.is_some() {
            return; // only what it took to list everything
        }
        self.batches += 1;
        self.diffs += batch.len();
        let mut in_batch = HashSet::new();
        let mut seen = |summary: &RoomSummary, this: &mut Self| {
            this.summaries += 1;
            if !in_batch.insert(summary.id.clone()) {
                this.same_batch_repeats += 1;
            }
            let hash = {
                use std::hash::{Hash, Hasher};
                let mut hasher = std::hash::DefaultHasher::new();
                serde_json::to_string(summary).unwrap().hash(&mut hasher);
                hasher.finish()
            };
            if this.last.insert(summary.id.clone(), hash) == Some(hash) {
                this.unchanged += 1;
            }
        };
        for diff in batch {
            match diff {
                ListDiff::Append { values } => {
                    self.len += values.len();
                    values.iter().for_each(|v| seen(v, self));
                }
                ListDiff::Reset { values } => {
                    self.len = values.len();
                    values.iter().for_each(|v| seen(v, self));
                }
                ListDiff::Clear => self.len = 0,
                ListDiff::PushFront { value }
                | ListDiff::PushBack { value }
                | ListDiff::Insert { value, .. } => {
                    self.len += 1;
                    self.single_value_diffs += 1;
                    seen(&value, self);
                }
                ListDiff::Set { value, .. } => {
                    self.single_value_diffs += 1;
                    seen(&value, self);
                }
                ListDiff::PopFront | ListDiff::PopBack | ListDiff::Remove { .. } => self.len -= 1,
                ListDiff::Truncate { length } => self.len = length as usize,
            }
        }
        if self.first.is_none() && self.len >= FIRST_ROOMS.min(expected) {
            self.first = Some(start.elapsed());
        }
        if self.len >= expected {
            self.all = Some(start.elapsed());
        }
    }
}

/// An experiment, not the app: `room_list::subscribe` as it could be, to put
/// figures on changes to it (`--proposed`). Per chunk of
/// ready diffs: each room summarized once (not once per diff), all of them
/// side by side (not diff after diff); the preview (the timeline's
/// `latest_event`, which reads the sender's profile from the store) only
/// recomputed when the room's latest event changed, and, when a chunk brings
/// many rooms (a warm start's first list), sent right after the list as `Set`s.
mod proposed {
    use std::{
        collections::{HashMap, HashSet},
        sync::{Arc, Mutex},
        time::Instant,
    };

    use eyeball_im::VectorDiff;
    use futures_util::{StreamExt, pin_mut};
    use matrix_sdk::{Room, RoomState, ruma::OwnedRoomId};
    use matrix_sdk_base::latest_event::LatestEventValue as Base;
    use matrix_sdk_ui::room_list_service::filters::new_filter_non_left;
    use tchap_core::{
        context::SessionContext,
        list_diff::{ListDiff, diff_values, map_diff},
        room_list::{self, LastMessage, RoomKind, RoomListBatch, RoomSummary, initials},
    };

    /// Above this many previews to compute in one chunk, the list goes first.
    const DEFER_PREVIEWS_ABOVE: usize = 50;

    /// What identifies the preview's event: the preview changes when it does.
    fn preview_key(room: &Room) -> Option<String> {
        match room.latest_event() {
            Base::None => None,
            Base::Remote(event) => Some(format!("r{:?}", event.event_id())),
            other => Some(format!("o{:?}", other.timestamp())),
        }
    }

    async fn quick_summary(room: &Room, last_message: Option<LastMessage>) -> RoomSummary {
        let name = match room.cached_display_name() {
            Some(name) => name.to_string(),
            None => room
                .display_name()
                .await
                .map(|n| n.to_string())
                .unwrap_or_else(|_| room.room_id().to_string()),
        };
        let is_invite = room.state() == RoomState::Invited;
        let kind = if is_invite {
            RoomKind::Invite
        } else if room.is_direct().await.unwrap_or(false) {
            RoomKind::Dm
        } else {
            RoomKind::Room
        };
        let inviter_name = if is_invite {
            room.invite_details().await.ok().map(|d| {
                d.inviter
                    .as_ref()
                    .and_then(|m| m.display_name().map(ToOwned::to_owned))
                    .unwrap_or_else(|| d.inviter_id.to_string())
            })
        } else {
            None
        };
        RoomSummary {
            id: room.room_id().to_string(),
            initials: initials(&name),
            name,
            kind,
            last_message,
            unread_count: u32::try_from(room.num_unread_messages()).unwrap_or(u32::MAX),
            mention_count: u32::try_from(room.num_unread_mentions()).unwrap_or(u32::MAX),
            is_encrypted: room.encryption_state().is_encrypted(),
            inviter_name,
        }
    }

    fn apply_ids(
        ids: &mut Vec<OwnedRoomId>,
        diff: &VectorDiff<matrix_sdk_ui::room_list_service::RoomListItem>,
    ) {
        let id = |r: &matrix_sdk_ui::room_list_service::RoomListItem| r.room_id().to_owned();
        match diff {
            VectorDiff::Append { values } => ids.extend(values.iter().map(id)),
            VectorDiff::Reset { values } => *ids = values.iter().map(id).collect(),
            VectorDiff::Clear => ids.clear(),
            VectorDiff::PushFront { value } => ids.insert(0, id(value)),
            VectorDiff::PushBack { value } => ids.push(id(value)),
            VectorDiff::PopFront => {
                if !ids.is_empty() {
                    ids.remove(0);
                }
            }
            VectorDiff::PopBack => {
                ids.pop();
            }
            VectorDiff::Insert { index, value } => ids.insert(*index, id(value)),
            VectorDiff::Set { index, value } => ids[*index] = id(value),
            VectorDiff::Remove { index } => {
                ids.remove(*index);
            }
            VectorDiff::Truncate { length } => ids.truncate(*length),
        }
    }

    /// Counters for the report; `previews_done` is when the last deferred previews were sent.
    #[derive(Default)]
    pub struct Stats {
        pub full: usize,
        pub quick: usize,
        pub previews_done: Option<std::time::Duration>,
    }

    pub async fn subscribe(
        ctx: &SessionContext,
        sink: impl Fn(RoomListBatch) + Send + Sync + 'static,
        stats: Arc<Mutex<Stats>>,
        start: Instant,
    ) {
        let all_rooms = ctx
            .sync_service()
            .room_list_service()
            .all_rooms()
            .await
            .unwrap();
        let client = ctx.client().clone();
        ctx.spawn("room-list-proposed", async move {
            let (entries, controller) = all_rooms.entries_with_dynamic_adapters(100_000);
            controller.set_filter(Box::new(new_filter_non_left()));
            let entries = entries.ready_chunks(32);
            pin_mut!(entries);
            let latest_events = client.latest_events().await.clone();
            let mut listening = HashSet::new();
            let mut previews: HashMap<OwnedRoomId, (String, Option<LastMessage>)> = HashMap::new();
            let mut ids: Vec<OwnedRoomId> = Vec::new();
            while let Some(chunks) = entries.next().await {
                let diffs: Vec<_> = chunks.into_iter().flatten().collect();
                // Each room of the chunk once (the same Room whatever the diff).
                let mut rooms: HashMap<OwnedRoomId, Room> = HashMap::new();
                for diff in &diffs {
                    for item in diff_values(diff) {
                        rooms
                            .entry(item.room_id().to_owned())
                            .or_insert_with(|| Room::clone(item));
                    }
                }
                for id in rooms.keys() {
                    if listening.insert(id.clone()) {
                        let _ = latest_events.listen_to_room(id).await;
                    }
                }
                // Which previews must be computed again.
                let mut stale = Vec::new();
                let mut fresh = Vec::new();
                for (id, room) in &rooms {
                    match (preview_key(room), previews.get(id)) {
                        (None, _) => fresh.push((room.clone(), None)),
                        (Some(key), Some((old, message))) if *old == key => {
                            fresh.push((room.clone(), message.clone()))
                        }
                        (Some(key), _) => stale.push((room.clone(), key)),
                    }
                }
                let defer = stale.len() > DEFER_PREVIEWS_ABOVE;
                let full: Vec<(RoomSummary, String)> = if defer {
                    Vec::new()
                } else {
                    futures_util::stream::iter(stale.iter().cloned())
                        .map(|(room, key)| async move { (room_list::summarize(&room).await, key) })
                        .buffered(32)
                        .collect()
                        .await
                };
                let mut quick_rooms = fresh;
                if defer {
                    quick_rooms.extend(stale.iter().map(|(room, _)| {
                        let old = previews.get(room.room_id()).and_then(|(_, m)| m.clone());
                        (room.clone(), old)
                    }));
                }
                let quick: Vec<RoomSummary> = futures_util::stream::iter(quick_rooms)
                    .map(|(room, message)| async move { quick_summary(&room, message).await })
                    .buffered(32)
                    .collect()
                    .await;
                {
                    let mut stats = stats.lock().unwrap();
                    stats.full += full.len();
                    stats.quick += quick.len();
                }
                let mut by_id: HashMap<String, RoomSummary> = HashMap::new();
                for (summary, key) in full {
                    previews.insert(
                        OwnedRoomId::try_from(summary.id.as_str()).unwrap(),
                        (key, summary.last_message.clone()),
                    );
                    by_id.insert(summary.id.clone(), summary);
                }
                for summary in quick {
                    by_id.insert(summary.id.clone(), summary);
                }
                let mut out = Vec::new();
                for diff in diffs {
                    apply_ids(&mut ids, &diff);
                    out.push(map_diff(diff, |item| {
                        by_id[item.room_id().as_str()].clone()
                    }));
                }
                sink(out);
                if defer {
                    let full: Vec<(RoomSummary, String)> = futures_util::stream::iter(stale)
                        .map(|(room, key)| async move { (room_list::summarize(&room).await, key) })
                        .buffered(32)
                        .collect()
                        .await;
                    stats.lock().unwrap().full += full.len();
                    let mut sets = Vec::new();
                    for (summary, key) in full {
                        let id = OwnedRoomId::try_from(summary.id.as_str()).unwrap();
                        previews.insert(id.clone(), (key, summary.last_message.clone()));
                        if let Some(index) = ids.iter().position(|i| *i == id) {
                            sets.push(ListDiff::Set {
                                index: index as u32,
                                value: summary,
                            });
                        }
                    }
                    sink(sets);
                    stats.lock().unwrap().previews_done = Some(start.elapsed());
                }
            }
        });
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

/// One measurement of ours in this process: prints a JSON line for the parent.
async fn measure(mode: &str, data_dir: &Path, user: &str, expected: usize) {
    let (mode, proposed) = match mode.strip_suffix("-proposed") {
        Some(mode) => (mode, true),
        None => (mode, false),
    };
    let start = Instant::now();
    let session = match mode {
        "cold" => session::login(data_dir, &homeserver(), user, PASSWORD).await,
        _ => session::restore(data_dir).await.map(|s| s.expect("a stored session")),
    }
    .unwrap_or_else(|e| panic!("{mode} start: {e:?} (a secret store is needed: run under tests/keyring/with-keyring.sh, as `make bench` does)"));
    let ready = start.elapsed();
    let progress: Arc<Mutex<Progress>> = Arc::default();
    let progress2 = progress.clone();
    let stats: Arc<Mutex<proposed::Stats>> = Arc::default();
    if proposed {
        proposed::subscribe(
            session.context(),
            move |batch| progress2.lock().unwrap().on_batch(batch, expected, start),
            stats.clone(),
            start,
        )
        .await;
    } else {
        room_list::subscribe(session.context(), move |batch| {
            progress2.lock().unwrap().on_batch(batch, expected, start)
        })
        .await
        .unwrap();
    }
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
    // The deferred previews of a proposed warm start (not part of the figures above).
    let previews_ms = if proposed {
        let wait = Instant::now();
        loop {
            let done = stats.lock().unwrap().previews_done;
            if done.is_some() || mode == "cold" || wait.elapsed() > Duration::from_secs(5) {
                break done.map(|d| d.as_secs_f64() * 1e3);
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    } else {
        None
    };
    // What one summary costs once everything is in the stores (after the
    // figures above): every listed room summarized once more, in turn.
    let rooms: Vec<_> = session
        .client()
        .rooms()
        .into_iter()
        .filter(|r| r.state() != matrix_sdk::RoomState::Left)
        .collect();
    let cost_start = Instant::now();
    for room in &rooms {
        std::hint::black_box(room_list::summarize(room).await);
    }
    let summary_us = cost_start.elapsed().as_secs_f64() * 1e6 / rooms.len().max(1) as f64;
    if mode == "cold" {
        settle(session.client(), expected).await;
    }
    session.stop().await;
    let p = progress.lock().unwrap();
    println!(
        "{}",
        json!({
            "ready_ms": ready.as_secs_f64() * 1e3, "first_ms": first.as_secs_f64() * 1e3, "all_ms": all.as_secs_f64() * 1e3,
            "count": p.len, "rss_mib": rss, "hwm_mib": hwm,
            "batches": p.batches, "diffs": p.diffs, "summaries": p.summaries, "same_batch_repeats": p.same_batch_repeats,
            "single_value_diffs": p.single_value_diffs, "rooms_summarized": p.last.len(), "unchanged": p.unchanged,
            "proposed_full": stats.lock().unwrap().full, "proposed_quick": stats.lock().unwrap().quick, "previews_ms": previews_ms, "summary_us": summary_us,
        })
    );
}

/// Not a measure: where a warm start's time goes in ours. Reopens the session
/// (without subscribing to the room list), then times, for every listed room:
/// `room_list::summarize` one after the other, then 32 at a time as
/// `room_list` does, then `listen_to_room` (which `room_list` awaits before
/// each summary), then once more (already listening).
async fn probe(data_dir: &Path) {
    let start = Instant::now();
    let session = session::restore(data_dir)
        .await
        .unwrap()
        .expect("a stored session");
    let ready = start.elapsed();
    let rooms: Vec<_> = session
        .client()
        .rooms()
        .into_iter()
        .filter(|r| r.state() != matrix_sdk::RoomState::Left)
        .collect();
    let per_room = |t: Instant| t.elapsed().as_secs_f64() * 1e6 / rooms.len().max(1) as f64;
    let t = Instant::now();
    for room in &rooms {
        std::hint::black_box(room_list::summarize(room).await);
    }
    let summarize_seq_us = per_room(t);
    let t = Instant::now();
    let _: Vec<_> = futures_util::stream::iter(&rooms)
        .map(room_list::summarize)
        .buffered(32)
        .collect()
        .await;
    let summarize_32_us = per_room(t);
    // Its parts, one after the other.
    let t = Instant::now();
    for room in &rooms {
        std::hint::black_box(room.cached_display_name());
    }
    let name_us = per_room(t);
    let t = Instant::now();
    let mut with_latest = 0;
    for room in &rooms {
        let latest =
            std::hint::black_box(matrix_sdk_ui::timeline::RoomExt::latest_event(room).await);
        with_latest += usize::from(!matches!(
            latest,
            matrix_sdk_ui::timeline::LatestEventValue::None
        ));
    }
    let latest_event_us = per_room(t);
    let latest_events = session.client().latest_events().await.clone();
    let t = Instant::now();
    for room in &rooms {
        let _ = latest_events.listen_to_room(room.room_id()).await;
    }
    let listen_first_us = per_room(t);
    let t = Instant::now();
    for room in &rooms {
        let _ = latest_events.listen_to_room(room.room_id()).await;
    }
    let listen_again_us = per_room(t);
    let t = Instant::now();
    for room in &rooms {
        std::hint::black_box(room_list::summarize(room).await);
    }
    let summarize_after_listen_us = per_room(t);
    session.stop().await;
    println!(
        "{}",
        json!({
            "ready_ms": ready.as_secs_f64() * 1e3, "rooms": rooms.len(), "summarize_seq_us": summarize_seq_us, "summarize_32_us": summarize_32_us,
            "name_us": name_us, "latest_event_us": latest_event_us, "with_latest_event": with_latest,
            "listen_first_us": listen_first_us, "listen_again_us": listen_again_us, "summarize_after_listen_us": summarize_after_listen_us,
        })
    );
}

fn run_child(exe: &Path, mode: &str, data_dir: &Path, user: &str, expected: usize) -> Value {
    let out = Command::new(exe)
        .args([
            "--measure",
            mode,
            "--data",
            data_dir.to_str().unwrap(),
            "--user",
            user,
            "--expect",
            &expected.to_string(),
        ])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
    assert!(
        out.status.success(),
        "{} {mode} failed:\n{}",
        exe.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let value: Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{stdout}: {e}"));
    let count = value["count"].as_u64().unwrap_or(0) as usize;
    assert_eq!(
        count,
        expected,
        "{} {mode} listed {count} entries, expected {expected}",
        exe.display()
    );
    value
}

fn seed(rooms: usize) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/bench-seed.py");
    let secret = std::env::var("TCHAP_TEST_SHARED_SECRET")
        .expect("TCHAP_TEST_SHARED_SECRET (run `make bench`)");
    let out = Command::new("python3")
        .arg(&script)
        .args([
            "--homeserver",
            &homeserver(),
            "--shared-secret-file",
            &secret,
            "--rooms",
            &rooms.to_string(),
            "--password",
            PASSWORD,
        ])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "seeding failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or(""),
    )
    .expect("seed summary")
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// One measure over the runs: ours and bare, paired run by run.
struct Measure {
    name: String,
    unit: &'static str,
    ours: Vec<f64>,
    bare: Vec<f64>,
}

impl Measure {
    fn new(name: impl Into<String>, unit: &'static str) -> Self {
        Self {
            name: name.into(),
            unit,
            ours: vec![],
            bare: vec![],
        }
    }

    fn ratios(&self) -> Vec<f64> {
        self.ours
            .iter()
            .zip(&self.bare)
            .map(|(o, b)| o / b)
            .collect()
    }

    fn row(&self) -> String {
        let f = |v: f64| {
            if self.unit == "MiB" {
                format!("{v:.1}")
            } else {
                format!("{v:.0}")
            }
        };
        let r = self.ratios();
        format!(
            "| {} ({}) | {} / **{}** / {} | {} / **{}** / {} | **{:.2}×** | {:.2}× – {:.2}× |\n",
            self.name,
            self.unit,
            f(min(&self.ours)),
            f(median(&self.ours)),
            f(max(&self.ours)),
            f(min(&self.bare)),
            f(median(&self.bare)),
            f(max(&self.bare)),
            median(&r),
            min(&r),
            max(&r),
        )
    }
}

fn first_line_of(path: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find(|l| l.starts_with(key))
        .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
}

fn synapse_version() -> String {
    let url = format!("{}/_synapse/admin/v1/server_version", homeserver());
    let answer = Command::new("python3")
        .args(["-c", "import json,sys,urllib.request as u; print(json.load(u.build_opener(u.ProxyHandler({})).open(sys.argv[1]))['server_version'])", &url])
        .output();
    match answer {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        _ => "unknown".to_owned(),
    }
}

/// BENCHMARKS.md's sections that are not ours (not about the room list), kept as they are.
fn other_sections(old: &str) -> String {
    let mut kept = String::new();
    let mut keep = false;
    for line in old.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            keep = !title.starts_with("Room list") && !title.starts_with("How to repeat");
        }
        if keep {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

#[tokio::main]
async fn main() {
    let mode = arg("--measure", "");
    if mode == "probe" {
        probe(Path::new(&arg("--data", ""))).await;
        return;
    }
    if !mode.is_empty() {
        let expected: usize = arg("--expect", "0").parse().unwrap();
        measure(
            &mode,
            Path::new(&arg("--data", "")),
            &arg("--user", ""),
            expected,
        )
        .await;
        return;
    }
    let bench_start = Instant::now();
    let rooms: usize = arg("--rooms", "1000").parse().unwrap();
    let runs: usize = arg("--runs", "5").parse().unwrap();
    let out = PathBuf::from(arg("--out", "BENCHMARKS.md"));
    let ours_exe = std::env::current_exe().unwrap();
    let bare_exe =
        ours_exe.with_file_name(format!("bench_bare_sdk{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bare_exe.exists(),
        "{} is missing: cargo build -p tchap-core --example bench_bare_sdk",
        bare_exe.display()
    );

    // `--user NAME --expect N` reuses an account seeded by an earlier run (same homeserver).
    let mut user = arg("--user", "");
    let (expected, seeded) = if user.is_empty() {
        eprintln!("bench: seeding {rooms} rooms…");
        let seeded = seed(rooms);
        eprintln!("bench: seeded {seeded}");
        user = seeded["user"].as_str().unwrap().to_owned();
        (seeded["expected"].as_u64().unwrap() as usize, Some(seeded))
    } else {
        (arg("--expect", &rooms.to_string()).parse().unwrap(), None)
    };

    let mut first = Measure::new("cold → first 20 rooms", "ms");
    let mut all = Measure::new(format!("cold → all {expected} entries"), "ms");
    let mut warm_ready = Measure::new("warm → session reopened", "ms");
    let mut warm = Measure::new(format!("warm → all {expected} entries"), "ms");
    let mut rss = Measure::new("RSS once listed (VmRSS)", "MiB");
    let mut hwm = Measure::new("peak RSS (VmHWM)", "MiB");
    let (mut ours_cold_runs, mut bare_cold_runs, mut ours_warm_runs, mut bare_warm_runs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut last_ours_dir = None;
    let keep = std::env::var_os("TCHAP_BENCH_KEEP").is_some();
    let load = || {
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().map(str::to_owned))
            .unwrap_or_default()
    };
    let load_start = load();
    // `--proposed`: also the experiment of `mod proposed`, as a third program.
    let with_proposed = std::env::args().any(|a| a == "--proposed");
    let mut proposed_runs: Vec<(Value, Value)> = Vec::new();
    for run in 1..=runs {
        let ours_dir = tempfile::Builder::new()
            .prefix("tchap-bench-ours-")
            .tempdir()
            .unwrap();
        let bare_dir = tempfile::Builder::new()
            .prefix("tchap-bench-bare-")
            .tempdir()
            .unwrap();
        let proposed_dir = tempfile::Builder::new()
            .prefix("tchap-bench-proposed-")
            .tempdir()
            .unwrap();
        // 0: ours, 1: bare, 2: proposed; who goes first turns with the runs.
        let mut order: Vec<usize> = if with_proposed {
            vec![0, 1, 2]
        } else {
            vec![0, 1]
        };
        let n = order.len();
        order.rotate_left((run - 1) % n);
        let mut results: [[Option<Value>; 2]; 3] = Default::default();
        for (p, phase) in ["cold", "warm"].into_iter().enumerate() {
            for &side in &order {
                let (exe, dir, mode, name) = match side {
                    0 => (&ours_exe, ours_dir.path(), phase.to_owned(), "ours"),
                    1 => (&bare_exe, bare_dir.path(), phase.to_owned(), "bare"),
                    _ => (
                        &ours_exe,
                        proposed_dir.path(),
                        format!("{phase}-proposed"),
                        "proposed",
                    ),
                };
                let value = run_child(exe, &mode, dir, &user, expected);
                eprintln!("bench: run {run}/{runs} {name} {phase}: {value}");
                results[side][p] = Some(value);
            }
        }
        let [[Some(oc), Some(ow)], [Some(bc), Some(bw)], proposed] = results else {
            unreachable!()
        };
        let f = |v: &Value, k: &str| v[k].as_f64().unwrap();
        for (m, o, b, key) in [
            (&mut first, &oc, &bc, "first_ms"),
            (&mut all, &oc, &bc, "all_ms"),
            (&mut warm_ready, &ow, &bw, "ready_ms"),
            (&mut warm, &ow, &bw, "all_ms"),
            (&mut rss, &oc, &bc, "rss_mib"),
            (&mut hwm, &oc, &bc, "hwm_mib"),
        ] {
            m.ours.push(f(o, key));
            m.bare.push(f(b, key));
        }
        if let [Some(pc), Some(pw)] = proposed {
            proposed_runs.push((pc, pw));
        }
        ours_cold_runs.push(oc);
        bare_cold_runs.push(bc);
        ours_warm_runs.push(ow);
        bare_warm_runs.push(bw);
        if keep {
            eprintln!(
                "bench: kept {}, {} and {}",
                ours_dir.path().display(),
                bare_dir.keep().display(),
                proposed_dir.keep().display()
            );
        }
        last_ours_dir = Some(ours_dir);
    }
    let probe = {
        let dir = last_ours_dir.expect("at least one run");
        let out = Command::new(&ours_exe)
            .args(["--measure", "probe", "--data", dir.path().to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "probe failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let value: Value = serde_json::from_str(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .last()
                .unwrap_or(""),
        )
        .expect("probe output");
        eprintln!("bench: probe {value}");
        if keep {
            let _ = dir.keep();
        }
        value
    };

    let load_end = load();

    // The report.
    let cpu = first_line_of("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem_gib = first_line_of("/proc/meminfo", "MemTotal")
        .and_then(|v| v.trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or("?".into(), |kib| format!("{:.1}", kib / 1024.0 / 1024.0));
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let profile = if cfg!(debug_assertions) {
        "dev profile: dependencies (matrix-sdk, SQLite, crypto) at opt-level 2, tchap-core and the two benchmark programs at opt-level 0"
    } else {
        "release profile"
    };
    let elapsed_min = bench_start.elapsed().as_secs_f64() / 60.0;
    let mut r = String::new();
    let _ = writeln!(r, "# Benchmarks\n");
    let _ = writeln!(
        r,
        "Written by `make bench` (`crates/tchap-core/examples/bench_room_list.rs`, which runs `bench_bare_sdk.rs` beside it). Last run took {elapsed_min:.0} min.\n"
    );
    let plural = if runs == 1 { "" } else { "s" };
    let _ = writeln!(
        r,
        "## Room list: ours vs a bare matrix-sdk-ui 0.18 program, {rooms} rooms, {runs} run{plural}\n"
    );
    let _ = writeln!(
        r,
        "- Machine: {cpu}, {cores} cores, {mem_gib} GiB of memory. Date: {date}. Load average (1 min) at the start of the runs {load_start}, at the end {load_end}: anything else running shows there."
    );
    let _ = writeln!(r, "- Build: {profile}.");
    let _ = writeln!(
        r,
        "- Server: Synapse {} (SQLite, rate limits off) on the same machine, started by `scripts/with-synapse.sh`; secrets in a throwaway GNOME Keyring (`tests/keyring/with-keyring.sh`).",
        synapse_version()
    );
    if let Some(s) = &seeded {
        let _ = writeln!(
            r,
            "- Account (seeded once by `scripts/bench-seed.py`, in {} s, not measured): {} joined rooms, of which {} encrypted, {} direct chats without a name (in `m.direct`), {} rooms of 11–16 members (15 other users), {} with 1–3 messages; plus {} pending invites. The list shows {expected} entries.",
            s["seconds"],
            s["rooms"],
            s["encrypted"],
            s["dms"],
            s["big_rooms"],
            s["with_messages"],
            s["invites"]
        );
    } else {
        let _ = writeln!(
            r,
            "- Account: reused from an earlier seed (`--user`); the list shows {expected} entries."
        );
    }
    let _ = writeln!(
        r,
        "\nEach cell: min / **median** / max over the runs. Ratio: ours ÷ bare within each run (the two measured back to back), **median** of those, then their min – max.\n"
    );
    let _ = writeln!(
        r,
        "| measure | ours | bare SDK | ours/bare | per-run ratios |\n| --- | --- | --- | --- | --- |"
    );
    for m in [&first, &all, &warm_ready, &warm, &rss, &hwm] {
        r.push_str(&m.row());
    }

    // A warm start is meant to list everything from the stores, before any network answer.
    let from_network = |runs: &[Value]| {
        runs.iter()
            .filter(|v| v["batches"].as_u64().unwrap_or(0) > 1)
            .count()
    };
    let (ours_net, bare_net) = (from_network(&ours_warm_runs), from_network(&bare_warm_runs));
    if ours_net + bare_net > 0 {
        let _ = writeln!(
            r,
            "\nWarning: in {ours_net} warm run(s) of ours and {bare_net} of bare, the stores did not hold every entry: the list completed only with the sync's answer."
        );
    }

    // Aims.
    let met = |ok: bool| if ok { "**met**" } else { "**NOT met**" };
    let first_med = median(&first.ours);
    let all_ratio = median(&all.ratios());
    let (warm_ratio, warm_med) = (median(&warm.ratios()), median(&warm.ours));
    let rss_ratio = median(&rss.ratios());
    let aims = [
        (
            first_med <= 600.0,
            format!("cold → first 20 rooms ≤ 0.6 s: ours {first_med:.0} ms (median)"),
        ),
        (
            all_ratio <= 1.05,
            format!(
                "cold → all rooms ≤ 1.05 × bare: {all_ratio:.2}× ({:.0} ms vs {:.0} ms, medians)",
                median(&all.ours),
                median(&all.bare)
            ),
        ),
        (
            warm_ratio <= 1.5 && warm_med <= 150.0,
            format!(
                "warm start → all rooms ≤ 1.5 × bare and ≤ 150 ms: {warm_ratio:.2}× and {warm_med:.0} ms (bare {:.0} ms) — ratio {}, time {}",
                median(&warm.bare),
                if warm_ratio <= 1.5 { "within" } else { "over" },
                if warm_med <= 150.0 { "within" } else { "over" }
            ),
        ),
        (
            rss_ratio <= 1.15,
            format!(
                "backend RSS ≤ 1.15 × bare: {rss_ratio:.2}× ({:.1} MiB vs {:.1} MiB, medians)",
                median(&rss.ours),
                median(&rss.bare)
            ),
        ),
    ];
    let _ = writeln!(r, "\n### Aims\n");
    for (ok, text) in &aims {
        let _ = writeln!(r, "- {}: {text}", met(*ok));
    }
    let missed: Vec<&str> = aims
        .iter()
        .filter(|(ok, _)| !ok)
        .map(|(_, t)| t.split(':').next().unwrap_or(""))
        .collect();
    if missed.is_empty() {
        let _ = writeln!(r, "\nAll four aims are met.");
    } else {
        let _ = writeln!(r, "\nNot met: {}.", missed.join("; "));
    }

    // How much summarizing ours did to list everything (cold).
    let g = |k: &str| -> Vec<f64> {
        ours_cold_runs
            .iter()
            .map(|v| v[k].as_f64().unwrap_or(0.0))
            .collect()
    };
    let _ = writeln!(
        r,
        "\n### Room summaries computed by ours (cold, until all rooms are listed; medians over the runs)\n"
    );
    let _ = writeln!(
        r,
        "{:.0} batches sent to the UI carrying {:.0} diffs, of which {:.0} single-value diffs (Set/Insert/Push, summarized one after the other); {:.0} summaries computed for {:.0} distinct rooms ({:.2} per room), of which {:.0} for a room already summarized in the same batch, and {:.0} identical to the room's previous summary (nothing the UI shows had changed). One summary costs about {:.0} µs once everything is in the stores (each listed room summarized once more, in turn).",
        median(&g("batches")),
        median(&g("diffs")),
        median(&g("single_value_diffs")),
        median(&g("summaries")),
        median(&g("rooms_summarized")),
        median(&g("summaries")) / median(&g("rooms_summarized")).max(1.0),
        median(&g("same_batch_repeats")),
        median(&g("unchanged")),
        median(&g("summary_us")),
    );

    let b = |k: &str| -> Vec<f64> {
        bare_cold_runs
            .iter()
            .map(|v| v[k].as_f64().unwrap_or(0.0))
            .collect()
    };
    let _ = writeln!(
        r,
        "\nOver the same span, bare's stream carried {:.0} diffs with {:.0} room values ({:.0} single-value diffs): what the SDK sends (the growing sync updating each room several times, then room-info updates as `Set`s). Ours summarizes every value it is sent.",
        median(&b("diffs")),
        median(&b("values")),
        median(&b("single_value_diffs")),
    );
    let w = |k: &str| -> Vec<f64> {
        ours_warm_runs
            .iter()
            .map(|v| v[k].as_f64().unwrap_or(0.0))
            .collect()
    };
    let p = |k: &str| probe[k].as_f64().unwrap_or(0.0);
    let _ = writeln!(
        r,
        "\nWarm, ours lists everything in {:.0} batch(es), {:.0} summaries. Where that time goes (one more warm start of ours, without the room list, {:.0} rooms, µs per room): `summarize` one after the other {:.0}, 32 at a time {:.0}; of which the cached display name {:.1} and the timeline's `latest_event` {:.0} ({:.0} rooms have one: its sender's profile is read from the store); `listen_to_room` the first time {:.0}, again {:.1}; `summarize` once listening {:.0}.",
        median(&w("batches")),
        median(&w("summaries")),
        p("rooms"),
        p("summarize_seq_us"),
        p("summarize_32_us"),
        p("name_us"),
        p("latest_event_us"),
        p("with_latest_event"),
        p("listen_first_us"),
        p("listen_again_us"),
        p("summarize_after_listen_us"),
    );

    if !proposed_runs.is_empty() {
        let _ = writeln!(
            r,
            "\n### Experiment: `--proposed` (the room list as `mod proposed` in the example would do it; not the app)\n"
        );
        let _ = writeln!(
            r,
            "| measure | proposed | proposed/bare | proposed/ours |\n| --- | --- | --- | --- |"
        );
        let pick = |cold: bool, k: &str| -> Vec<f64> {
            proposed_runs
                .iter()
                .map(|(c, w)| if cold { c } else { w }[k].as_f64().unwrap_or(0.0))
                .collect()
        };
        for (m, cold, key) in [
            (&first, true, "first_ms"),
            (&all, true, "all_ms"),
            (&warm_ready, false, "ready_ms"),
            (&warm, false, "all_ms"),
            (&rss, true, "rss_mib"),
        ] {
            let v = pick(cold, key);
            let vs = |other: &[f64]| -> f64 {
                median(&v.iter().zip(other).map(|(a, b)| a / b).collect::<Vec<_>>())
            };
            let _ = writeln!(
                r,
                "| {} ({}) | {:.0} / **{:.0}** / {:.0} | {:.2}× | {:.2}× |",
                m.name,
                m.unit,
                min(&v),
                median(&v),
                max(&v),
                vs(&m.bare),
                vs(&m.ours)
            );
        }
        let _ = writeln!(
            r,
            "\nProposed, cold: {:.0} summaries with a preview computed + {:.0} without (median), against {:.0} for ours. Warm: previews all sent {:.0} ms after the start (median), the list itself at {:.0} ms.",
            median(&pick(true, "proposed_full")),
            median(&pick(true, "proposed_quick")),
            median(&g("summaries")),
            median(&pick(false, "previews_ms")),
            median(&pick(false, "all_ms")),
        );
    }

    let _ = writeln!(r, "\n### What is measured\n");
    let _ = writeln!(
        r,
        "Both programs use the same client settings (encrypted SQLite stores with a cache folder, refresh tokens, cross-signing and backups enabled), the sync service (bare with the SDK's offline mode, ours without it as the core restarts the sync itself: no difference while the server answers), and the room list's `all_rooms` with the non-left filter. *Ours* is `tchap_core::session::login` / `restore` (secret store, session folder, feature services) then `room_list::subscribe`, which turns every entry into a UI summary; *bare* only counts entries. Each measurement is a fresh process; times start when it starts its work.\n"
    );
    let _ = writeln!(
        r,
        "- *cold → first 20 rooms*: new data folder, password login as a new device, until 20 entries are listed."
    );
    let _ = writeln!(
        r,
        "- *cold → all entries*: the same, until every joined room and invite is listed; both must list the same number ({expected}), checked."
    );
    let _ = writeln!(
        r,
        "- *warm → session reopened*: the same run's folder, session restored without password (ours: secret store read, stores opened, services and sync started; bare: `restore_session`, sync started)."
    );
    let _ = writeln!(
        r,
        "- *warm → all entries*: the same, until every entry is listed again (from the stores)."
    );
    let _ = writeln!(
        r,
        "- *RSS once listed* / *peak RSS*: VmRSS and VmHWM of the process when the cold list is complete."
    );
    let _ = writeln!(r, "\n## How to repeat\n");
    let _ = writeln!(
        r,
        "`make bench` (about {elapsed_min:.0} min here): installs what is missing (`make deps`), builds both programs, starts a throwaway Synapse and keyring, seeds the account, runs ours cold, bare cold, ours warm, bare warm, {runs} time{plural} (which of ours/bare goes first alternates), and rewrites this file. Quicker, to try something: `make bench BENCH_ARGS=\"--rooms 100 --runs 1 --out /tmp/bench.md\"`. `TCHAP_BENCH_KEEP=1` keeps the data folders; `--proposed` in `BENCH_ARGS` also measures the experiment of `mod proposed` in the example (the room list summarizing each room once per chunk of diffs, all side by side, recomputing a preview only when the room's latest event changed, and sending a warm start's list before its previews) and adds a section on it."
    );
    let old = std::fs::read_to_string(&out).unwrap_or_default();
    let others = other_sections(&old);
    if !others.is_empty() {
        r.push('\n');
        r.push_str(&others);
    }
    std::fs::write(&out, &r).unwrap();
    println!("{r}");
}
