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
//! session reopened without password. Each child prints one JSON line. Ours
//! cold also writes which rooms show a last message once its sync has
//! settled, for ours warm to time when they all show one again (a warm start
//! sends the list first and the previews after).
//!
//! The whole-app figures another program writes into BENCHMARKS.md, between
//! `<!-- app-bench:start -->` and `<!-- app-bench:end -->`, are kept verbatim,
//! after the room-list section and before "How to repeat".

use std::{
    collections::{HashMap, HashSet},
    fmt::Write as _,
    hash::{DefaultHasher, Hash, Hasher},
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tchap_core::{
    list_diff::{self, ListDiff},
    room_list::{self, RoomListBatch, RoomSummary},
    session,
};

const PASSWORD: &str = "bench-password-2026";
const FIRST_ROOMS: usize = 20;
/// How long a warm start may take, once listed, to show its previews again.
const PREVIEWS_WAIT: Duration = Duration::from_secs(10);
/// As in `room_list`: above this many previews to compute at once, they
/// follow the list in a batch of their own.
const PREVIEWS_DEFERRED_ABOVE: usize = 50;
const APP_BENCH_START: &str = "<!-- app-bench:start -->";
const APP_BENCH_END: &str = "<!-- app-bench:end -->";

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

/// The values a diff carries.
fn values_of<T>(diff: &ListDiff<T>) -> &[T] {
    match diff {
        ListDiff::Append { values } | ListDiff::Reset { values } => values,
        ListDiff::PushFront { value }
        | ListDiff::PushBack { value }
        | ListDiff::Insert { value, .. }
        | ListDiff::Set { value, .. } => std::slice::from_ref(value),
        _ => &[],
    }
}

/// `diff` with its values converted.
fn map_values<T, U>(diff: &ListDiff<T>, convert: impl Fn(&T) -> U) -> ListDiff<U> {
    match diff {
        ListDiff::Append { values } => ListDiff::Append {
            values: values.iter().map(&convert).collect(),
        },
        ListDiff::Reset { values } => ListDiff::Reset {
            values: values.iter().map(&convert).collect(),
        },
        ListDiff::Clear => ListDiff::Clear,
        ListDiff::PushFront { value } => ListDiff::PushFront {
            value: convert(value),
        },
        ListDiff::PushBack { value } => ListDiff::PushBack {
            value: convert(value),
        },
        ListDiff::PopFront => ListDiff::PopFront,
        ListDiff::PopBack => ListDiff::PopBack,
        ListDiff::Insert { index, value } => ListDiff::Insert {
            index: *index,
            value: convert(value),
        },
        ListDiff::Set { index, value } => ListDiff::Set {
            index: *index,
            value: convert(value),
        },
        ListDiff::Remove { index } => ListDiff::Remove { index: *index },
        ListDiff::Truncate { length } => ListDiff::Truncate { length: *length },
    }
}

/// One entry as the UI would show it, reduced to what the measures need.
#[derive(Clone)]
struct Shown {
    id: String,
    has_preview: bool,
}

/// A room's summary hashed (little memory), its last message apart: to tell
/// what a value changed.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    without_preview: u64,
    preview: u64,
}

impl Fingerprint {
    fn of(summary: &RoomSummary) -> Self {
        let hash = |json: String| {
            let mut hasher = DefaultHasher::new();
            json.hash(&mut hasher);
            hasher.finish()
        };
        let without_preview = RoomSummary {
            last_message: None,
            ..summary.clone()
        };
        Self {
            without_preview: hash(serde_json::to_string(&without_preview).unwrap()),
            preview: hash(serde_json::to_string(&summary.last_message).unwrap()),
        }
    }
}

/// What ours sent the UI, and so what `room_list` computed for it.
#[derive(Default)]
struct Sent {
    batches: usize,
    diffs: usize,
    values: usize,
    /// Diffs carrying one value (Set, Insert, Push*).
    single_value_diffs: usize,
    /// One per room per batch, as `room_list` summarizes (batches of
    /// deferred previews apart: they reuse the summaries just sent).
    summaries: usize,
    /// Values for a room another diff of the same batch already carried.
    same_batch_repeats: usize,
    /// Values identical to the room's previous one (nothing the UI shows had changed).
    unchanged: usize,
    /// Batches of deferred previews, as the UI can tell them: more than
    /// `PREVIEWS_DEFERRED_ABOVE` `Set`s, changing nothing but last messages.
    preview_batches: usize,
    preview_values: usize,
    last: HashMap<String, Fingerprint>,
}

impl Sent {
    fn count(&mut self, batch: &RoomListBatch) {
        self.batches += 1;
        self.diffs += batch.len();
        self.single_value_diffs += batch
            .iter()
            .filter(|diff| {
                matches!(
                    diff,
                    ListDiff::Set { .. }
                        | ListDiff::Insert { .. }
                        | ListDiff::PushFront { .. }
                        | ListDiff::PushBack { .. }
                )
            })
            .count();
        let values: Vec<(&str, Fingerprint)> = batch
            .iter()
            .flat_map(values_of)
            .map(|summary| (summary.id.as_str(), Fingerprint::of(summary)))
            .collect();
        self.values += values.len();
        let only_previews_changed = |(id, new): &(&str, Fingerprint)| {
            self.last
                .get(*id)
                .is_some_and(|old| old.without_preview == new.without_preview)
        };
        let is_deferred_previews = values.len() > PREVIEWS_DEFERRED_ABOVE
            && batch
                .iter()
                .all(|diff| matches!(diff, ListDiff::Set { .. }))
            && values.iter().all(only_previews_changed)
            && values
                .iter()
                .any(|(id, new)| self.last[*id].preview != new.preview);
        if is_deferred_previews {
            self.preview_batches += 1;
            self.preview_values += values.len();
        } else {
            let rooms: HashSet<&str> = values.iter().map(|(id, _)| *id).collect();
            self.summaries += rooms.len();
            self.same_batch_repeats += values.len() - rooms.len();
        }
        for (id, fingerprint) in values {
            if self.last.insert(id.to_owned(), fingerprint) == Some(fingerprint) {
                self.unchanged += 1;
            }
        }
    }
}

/// The list as the UI would hold it, when it reached the marks, and what was
/// sent until the last mark.
#[derive(Default)]
struct Progress {
    shown: Vec<Shown>,
    first: Option<Duration>,
    all: Option<Duration>,
    /// Warm: the rooms that showed a last message at the end of the cold run.
    previews_expected: Option<HashSet<String>>,
    /// When, the list complete, all of those show one again.
    previews_shown: Option<Duration>,
    /// Counted until the list is complete (cold) or its previews shown (warm).
    sent: Sent,
    batches_until_listed: usize,
}

impl Progress {
    fn on_batch(&mut self, batch: RoomListBatch, expected: usize, start: Instant) {
        let counting = self.all.is_none()
            || (self.previews_expected.is_some() && self.previews_shown.is_none());
        if counting {
            self.sent.count(&batch);
        }
        list_diff::apply(
            &mut self.shown,
            batch.iter().map(|diff| {
                map_values(diff, |summary| Shown {
                    id: summary.id.clone(),
                    has_preview: summary.last_message.is_some(),
                })
            }),
        );
        if self.first.is_none() && self.shown.len() >= FIRST_ROOMS.min(expected) {
            self.first = Some(start.elapsed());
        }
        if self.all.is_none() && self.shown.len() >= expected {
            self.all = Some(start.elapsed());
            self.batches_until_listed = self.sent.batches;
        }
        if self.all.is_some()
            && self.previews_shown.is_none()
            && self.previews_expected.is_some()
            && self.previews_missing() == 0
        {
            self.previews_shown = Some(start.elapsed());
        }
    }

    fn with_preview(&self) -> Vec<&str> {
        self.shown
            .iter()
            .filter(|entry| entry.has_preview)
            .map(|entry| entry.id.as_str())
            .collect()
    }

    /// Expected rooms that do not show a last message (yet).
    fn previews_missing(&self) -> usize {
        let Some(expected) = &self.previews_expected else {
            return 0;
        };
        let with_preview: HashSet<&str> = self.with_preview().into_iter().collect();
        expected
            .iter()
            .filter(|id| !with_preview.contains(id.as_str()))
            .count()
    }
}

/// Polls `progress` until `reached` gives a value, or `timeout` has passed.
async fn wait_for<T>(
    progress: &Mutex<Progress>,
    timeout: Duration,
    reached: impl Fn(&Progress) -> Option<T>,
) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        let value = reached(&progress.lock().unwrap());
        if value.is_some() || Instant::now() >= deadline {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
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
/// `previews_file`: where cold writes the rooms that show a last message at
/// its end, and warm reads them.
async fn measure(
    phase: &str,
    data_dir: &Path,
    user: &str,
    expected: usize,
    previews_file: Option<&Path>,
) {
    let previews_expected = match (phase, previews_file) {
        ("warm", Some(file)) => {
            let text =
                std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            Some(serde_json::from_str::<HashSet<String>>(&text).expect("previews file"))
        }
        _ => None,
    };
    let start = Instant::now();
    let session = match phase {
        "cold" => session::login(data_dir, &homeserver(), user, PASSWORD).await,
        _ => session::restore(data_dir).await.map(|s| s.expect("a stored session")),
    }
    .unwrap_or_else(|e| panic!("{phase} start: {e:?} (a secret store is needed: run under tests/keyring/with-keyring.sh, as `make bench` does)"));
    let ready = start.elapsed();
    let progress = Arc::new(Mutex::new(Progress {
        previews_expected,
        ..Progress::default()
    }));
    let sink_progress = progress.clone();
    room_list::subscribe(session.context(), move |batch| {
        sink_progress
            .lock()
            .unwrap()
            .on_batch(batch, expected, start)
    })
    .await
    .unwrap();
    let listed = wait_for(&progress, Duration::from_secs(600), |p| p.first.zip(p.all)).await;
    let Some((first, all)) = listed else {
        let listed = progress.lock().unwrap().shown.len();
        panic!("room list never completed ({listed} of {expected})");
    };
    let (rss, hwm) = memory_mib();
    // Warm: the previews, sent after the list.
    let previews_shown = if progress.lock().unwrap().previews_expected.is_some() {
        wait_for(&progress, PREVIEWS_WAIT, |p| p.previews_shown).await
    } else {
        None
    };
    // What one summary with its preview costs once everything is in the
    // stores (after the figures above): every listed room summarized once
    // more, in turn.
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
    if phase == "cold" {
        settle(session.client(), expected).await;
        if let Some(file) = previews_file {
            let with_preview = serde_json::to_vec(&progress.lock().unwrap().with_preview());
            std::fs::write(file, with_preview.unwrap()).unwrap();
        }
    }
    session.stop().await;
    let p = progress.lock().unwrap();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{}",
        json!({
            "ready_ms": ms(ready), "first_ms": ms(first), "all_ms": ms(all), "previews_ms": previews_shown.map(ms),
            "previews_expected": p.previews_expected.as_ref().map(HashSet::len), "previews_missing": p.previews_missing(),
            "with_preview": p.with_preview().len(), "count": p.shown.len(), "rss_mib": rss, "hwm_mib": hwm,
            "batches": p.sent.batches, "batches_until_listed": p.batches_until_listed, "diffs": p.sent.diffs,
            "values": p.sent.values, "single_value_diffs": p.sent.single_value_diffs, "summaries": p.sent.summaries,
            "rooms_summarized": p.sent.last.len(), "same_batch_repeats": p.sent.same_batch_repeats,
            "unchanged": p.sent.unchanged, "preview_batches": p.sent.preview_batches,
            "preview_values": p.sent.preview_values, "summary_us": summary_us,
        })
    );
}

/// Not a measure: where a warm start's time goes in ours. Reopens the session
/// (without subscribing to the room list), then times, for every listed room:
/// `room_list::summarize` (a summary with its preview) one after the other,
/// then 32 at a time as `room_list` computes them, its parts, then
/// `listen_to_room` (which `room_list` awaits for each room it has not seen
/// yet), then once more (already listening).
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

/// One child measurement; `extra` arguments follow the common ones.
fn run_child(
    exe: &Path,
    phase: &str,
    data_dir: &Path,
    user: &str,
    expected: usize,
    extra: &[&str],
) -> Value {
    let out = Command::new(exe)
        .args([
            "--measure",
            phase,
            "--data",
            data_dir.to_str().unwrap(),
            "--user",
            user,
            "--expect",
            &expected.to_string(),
        ])
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
    assert!(
        out.status.success(),
        "{} {phase} failed:\n{}",
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
        "{} {phase} listed {count} entries, expected {expected}",
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

/// A field's median over the runs' JSON lines (0 where missing).
fn medians_of(runs: &[Value]) -> impl Fn(&str) -> f64 + '_ {
    |key| {
        let values: Vec<f64> = runs
            .iter()
            .map(|v| v[key].as_f64().unwrap_or(0.0))
            .collect();
        median(&values)
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
    /// Shown instead of bare's figures when bare has no such measure and
    /// `bare` holds the one ours is compared with.
    bare_cell: Option<&'static str>,
}

impl Measure {
    fn new(name: impl Into<String>, unit: &'static str) -> Self {
        Self {
            name: name.into(),
            unit,
            ours: vec![],
            bare: vec![],
            bare_cell: None,
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
        if self.ours.is_empty() {
            return format!(
                "| {} ({}) | not reached | {} | — | — |\n",
                self.name,
                self.unit,
                self.bare_cell.unwrap_or("—")
            );
        }
        let f = |v: f64| {
            if self.unit == "MiB" {
                format!("{v:.1}")
            } else {
                format!("{v:.0}")
            }
        };
        let spread = |v: &[f64]| format!("{} / **{}** / {}", f(min(v)), f(median(v)), f(max(v)));
        let r = self.ratios();
        format!(
            "| {} ({}) | {} | {} | **{:.2}×** | {:.2}× – {:.2}× |\n",
            self.name,
            self.unit,
            spread(&self.ours),
            self.bare_cell
                .map_or_else(|| spread(&self.bare), str::to_owned),
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

/// The whole-app figures another program writes into BENCHMARKS.md, kept
/// verbatim (markers included), and the rest of `old`. Without its end
/// marker, the block ends before "## How to repeat".
fn split_app_block(old: &str) -> (Option<String>, String) {
    let (mut block, mut rest) = (None::<String>, String::new());
    let mut inside = false;
    for line in old.split_inclusive('\n') {
        if !inside && block.is_none() && line.contains(APP_BENCH_START) {
            inside = true;
        }
        if inside && line.starts_with("## How to repeat") {
            eprintln!(
                "bench: {APP_BENCH_END} missing: the app block ends before \"How to repeat\""
            );
            inside = false;
        }
        if inside {
            block.get_or_insert_with(String::new).push_str(line);
            inside = !line.contains(APP_BENCH_END);
        } else {
            rest.push_str(line);
        }
    }
    (block, rest)
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
        let previews_file = arg("--previews-file", "");
        measure(
            &mode,
            Path::new(&arg("--data", "")),
            &arg("--user", ""),
            expected,
            (!previews_file.is_empty()).then_some(Path::new(&previews_file)),
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
    // Ours only: compared with bare's warm → all entries (see the table's note).
    let mut warm_previews = Measure::new("warm → previews shown", "ms");
    warm_previews.bare_cell = Some("— ¹");
    let mut rss = Measure::new("RSS once listed (VmRSS)", "MiB");
    let mut hwm = Measure::new("peak RSS (VmHWM)", "MiB");
    let (mut ours_cold_runs, mut bare_cold_runs, mut ours_warm_runs, mut bare_warm_runs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // The last run's folder of ours, for the probe (its guard deletes it, unless kept).
    let mut probe_dir: Option<(PathBuf, Option<tempfile::TempDir>)> = None;
    let keep = std::env::var_os("TCHAP_BENCH_KEEP").is_some();
    let previews_dir = tempfile::Builder::new()
        .prefix("tchap-bench-previews-")
        .tempdir()
        .unwrap();
    let load = || {
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().map(str::to_owned))
            .unwrap_or_default()
    };
    let load_start = load();
    for run in 1..=runs {
        let ours_dir = tempfile::Builder::new()
            .prefix("tchap-bench-ours-")
            .tempdir()
            .unwrap();
        let bare_dir = tempfile::Builder::new()
            .prefix("tchap-bench-bare-")
            .tempdir()
            .unwrap();
        let previews_file = previews_dir.path().join(format!("run-{run}.json"));
        let ours_args = ["--previews-file", previews_file.to_str().unwrap()];
        // Who goes first turns with the runs.
        let sides = if run % 2 == 1 {
            ["ours", "bare"]
        } else {
            ["bare", "ours"]
        };
        let mut results: HashMap<(&str, &str), Value> = HashMap::new();
        for phase in ["cold", "warm"] {
            for side in sides {
                let value = match side {
                    "ours" => run_child(
                        &ours_exe,
                        phase,
                        ours_dir.path(),
                        &user,
                        expected,
                        &ours_args,
                    ),
                    _ => run_child(&bare_exe, phase, bare_dir.path(), &user, expected, &[]),
                };
                eprintln!("bench: run {run}/{runs} {side} {phase}: {value}");
                results.insert((side, phase), value);
            }
        }
        let mut take = |side, phase| results.remove(&(side, phase)).unwrap();
        let (oc, ow, bc, bw) = (
            take("ours", "cold"),
            take("ours", "warm"),
            take("bare", "cold"),
            take("bare", "warm"),
        );
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
        // Runs whose previews did not all come back are left out (and said so).
        if let Some(previews_ms) = ow["previews_ms"].as_f64() {
            warm_previews.ours.push(previews_ms);
            warm_previews.bare.push(f(&bw, "all_ms"));
        }
        ours_cold_runs.push(oc);
        bare_cold_runs.push(bc);
        ours_warm_runs.push(ow);
        bare_warm_runs.push(bw);
        probe_dir = Some(if keep {
            let (ours, bare) = (ours_dir.keep(), bare_dir.keep());
            eprintln!("bench: kept {} and {}", ours.display(), bare.display());
            (ours, None)
        } else {
            (ours_dir.path().to_owned(), Some(ours_dir))
        });
    }
    let probe = {
        let (dir, _guard) = probe_dir.expect("at least one run");
        let out = Command::new(&ours_exe)
            .args(["--measure", "probe", "--data", dir.to_str().unwrap()])
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
    for m in [&first, &all, &warm_ready, &warm, &warm_previews, &rss, &hwm] {
        r.push_str(&m.row());
    }
    let _ = writeln!(
        r,
        "\n¹ Bare shows no previews: the ratio is against bare's *warm → all entries*, when its list is complete, the closest it has to \"everything shown\"."
    );

    // A warm start is meant to list everything from the stores, before any network answer.
    let from_network = |runs: &[Value], batches: &str| {
        runs.iter()
            .filter(|v| v[batches].as_u64().unwrap_or(0) > 1)
            .count()
    };
    let ours_net = from_network(&ours_warm_runs, "batches_until_listed");
    let bare_net = from_network(&bare_warm_runs, "batches");
    if ours_net + bare_net > 0 {
        let _ = writeln!(
            r,
            "\nWarning: in {ours_net} warm run(s) of ours and {bare_net} of bare, the stores did not hold every entry: the list completed only with the sync's answer."
        );
    }
    let late_previews: Vec<String> = ours_warm_runs
        .iter()
        .filter(|v| v["previews_ms"].is_null())
        .map(|v| format!("{} of {}", v["previews_missing"], v["previews_expected"]))
        .collect();
    if !late_previews.is_empty() {
        let _ = writeln!(
            r,
            "\nWarning: in {} warm run(s) of ours, rooms that showed a last message at the end of the cold run still showed none {} s after the list ({} rooms): those runs are left out of *warm → previews shown*.",
            late_previews.len(),
            PREVIEWS_WAIT.as_secs(),
            late_previews.join(", ")
        );
    }

    // Aims.
    let met = |ok: bool| if ok { "**met**" } else { "**NOT met**" };
    let first_med = median(&first.ours);
    let all_ratio = median(&all.ratios());
    let (warm_ratio, warm_med) = (median(&warm.ratios()), median(&warm.ours));
    let previews_note = if warm_previews.ours.is_empty() {
        "previews not all shown again".to_owned()
    } else {
        format!("previews shown at {:.0} ms", median(&warm_previews.ours))
    };
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
                "warm start → all rooms ≤ 1.5 × bare and ≤ 150 ms: {warm_ratio:.2}× and {warm_med:.0} ms (bare {:.0} ms) — ratio {}, time {}. Counted when every room is listed (name, kind, unread counts); {previews_note} (median), not part of this aim",
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

    // What ours sent and summarized to list everything (cold).
    let g = medians_of(&ours_cold_runs);
    let _ = writeln!(
        r,
        "\n### Room summaries computed by ours (cold, until all rooms are listed; medians over the runs)\n"
    );
    let _ = writeln!(
        r,
        "{:.0} batches sent to the UI carrying {:.0} diffs and {:.0} room values ({:.0} single-value diffs: Set/Insert/Push), for {:.0} distinct rooms. `room_list` summarizes each room once per batch, whatever the number of diffs carrying it: {:.0} summaries ({:.2} per room), {:.0} values repeating a room already in their batch; {:.0} values were identical to the room's previous one (nothing the UI shows had changed). The preview (last message and its sender, the costly part) is computed again only when the room's latest event changed; {:.0} batch(es) of deferred previews ({:.0} `Set`s) came in this span. A summary with its preview (`room_list::summarize`) costs about {:.0} µs once everything is in the stores (each listed room summarized once more, in turn).",
        g("batches"),
        g("diffs"),
        g("values"),
        g("single_value_diffs"),
        g("rooms_summarized"),
        g("summaries"),
        g("summaries") / g("rooms_summarized").max(1.0),
        g("same_batch_repeats"),
        g("unchanged"),
        g("preview_batches"),
        g("preview_values"),
        g("summary_us"),
    );

    let b = medians_of(&bare_cold_runs);
    let _ = writeln!(
        r,
        "\nOver the same span, bare's stream carried {:.0} diffs with {:.0} room values ({:.0} single-value diffs): what the SDK sends (the growing sync updating each room several times, then room-info updates as `Set`s). Ours summarizes each room once per batch, not once per value.",
        b("diffs"),
        b("values"),
        b("single_value_diffs"),
    );
    let w = medians_of(&ours_warm_runs);
    let previews = if w("preview_batches") > 0.0 {
        format!(
            "its previews follow in {:.0} batch(es) of deferred previews ({:.0} `Set`s), all shown at {:.0} ms",
            w("preview_batches"),
            w("preview_values"),
            w("previews_ms"),
        )
    } else {
        format!(
            "its previews come with it (at most {PREVIEWS_DEFERRED_ABOVE} to compute: not deferred)"
        )
    };
    let p = |k: &str| probe[k].as_f64().unwrap_or(0.0);
    let _ = writeln!(
        r,
        "\nWarm, ours lists everything in {:.0} batch(es) with {:.0} summaries, at {:.0} ms; {previews}; {:.0} rooms show a last message at the end of a cold run. Where that time goes (one more warm start of ours, without the room list, {:.0} rooms, µs per room): `summarize` (with the preview) one after the other {:.0}, 32 at a time {:.0}; of which the cached display name {:.1} and the timeline's `latest_event`, the preview, {:.0} ({:.0} rooms have one: its sender's profile is read from the store); `listen_to_room` the first time {:.0}, again {:.1}; `summarize` once listening {:.0}.",
        w("batches_until_listed"),
        w("summaries"),
        w("all_ms"),
        g("with_preview"),
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
        "- *warm → all entries*: the same, until every entry is listed again (from the stores). With more than {PREVIEWS_DEFERRED_ABOVE} previews to compute at once, ours sends this list without them."
    );
    let _ = writeln!(
        r,
        "- *warm → previews shown* (ours only): the same, until every room that showed a last message at the end of the same run's cold measurement (once its sync had settled) shows one again: the time the batch completing them arrives, usually the batch of `Set`s with the deferred previews, right after the list. Bare computes no previews, hence its ratio against bare's *warm → all entries* (note ¹). Runs where they do not all come back within {} s are left out, with a warning.",
        PREVIEWS_WAIT.as_secs()
    );
    let _ = writeln!(
        r,
        "- *RSS once listed* / *peak RSS*: VmRSS and VmHWM of the process when the cold list is complete."
    );
    let _ = writeln!(
        r,
        "- Batches of deferred previews, in the counts above, are recognized as the UI sees them: batches of more than {PREVIEWS_DEFERRED_ABOVE} `Set`s only, changing nothing but last messages."
    );

    let old = std::fs::read_to_string(&out).unwrap_or_default();
    let (app_block, old_rest) = split_app_block(&old);
    if let Some(block) = &app_block {
        r.push('\n');
        r.push_str(block);
        if !block.ends_with('\n') {
            r.push('\n');
        }
    }
    let _ = writeln!(r, "\n## How to repeat\n");
    let _ = writeln!(
        r,
        "`make bench` (about {elapsed_min:.0} min here): installs what is missing (`make deps`), builds both programs, starts a throwaway Synapse and keyring, seeds the account, runs ours cold, bare cold, ours warm, bare warm, {runs} time{plural} (which of ours/bare goes first alternates), and rewrites this file, keeping the whole-app section written by another program between `{APP_BENCH_START}` and `{APP_BENCH_END}` as it is. Quicker, to try something: `make bench BENCH_ARGS=\"--rooms 100 --runs 1 --out /tmp/bench.md\"`. `TCHAP_BENCH_KEEP=1` keeps the data folders."
    );
    let others = other_sections(&old_rest);
    if !others.is_empty() {
        r.push('\n');
        r.push_str(&others);
    }
    std::fs::write(&out, &r).unwrap();
    println!("{r}");
}
