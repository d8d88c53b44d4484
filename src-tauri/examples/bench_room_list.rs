//! Room-list benchmark, from the backend core without a window.
//!
//!   cargo run --example bench_room_list -- [--rooms 1000] [--runs 5] [--out ../BENCHMARKS.md]
//!
//! Needs `TCHAP_TEST_HOMESERVER` / `TCHAP_TEST_SHARED_SECRET` (`make bench` sets
//! them). Seeds one account with N rooms, then measures in fresh child
//! processes (so memory figures are per run): cold login → first rooms listed
//! and → all rooms listed; warm start (stores on disk, no password) → all
//! rooms listed; resident memory once the list is complete.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha1::Sha1;
use tchap_desktop_lib::matrix::{list_diff::apply, room_list, session::Session};

const PASSWORD: &str = "bench-password-2026";
const FIRST_ROOMS: usize = 20;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_owned())
}

fn homeserver() -> String {
    std::env::var("TCHAP_TEST_HOMESERVER").expect("TCHAP_TEST_HOMESERVER (run `make bench`)")
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0.0);
    kib / 1024.0
}

/// One measurement in this process: prints a JSON line for the parent.
async fn measure(mode: &str, data_dir: &Path, user: &str, rooms: usize) {
    let start = Instant::now();
    let session = match mode {
        "cold" => Session::login(data_dir, &homeserver(), user, PASSWORD).await.unwrap(),
        _ => Session::restore(data_dir).await.unwrap().expect("stored session"),
    };
    let ready = start.elapsed();
    let list: Arc<Mutex<Vec<_>>> = Arc::default();
    let first: Arc<Mutex<Option<Duration>>> = Arc::default();
    let (list2, first2) = (list.clone(), first.clone());
    room_list::subscribe(&session, move |batch| {
        let mut list = list2.lock().unwrap();
        apply(&mut list, batch);
        let mut first = first2.lock().unwrap();
        if first.is_none() && list.len() >= FIRST_ROOMS.min(rooms) {
            *first = Some(start.elapsed());
        }
    })
    .await
    .unwrap();
    loop {
        if list.lock().unwrap().len() >= rooms {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(600), "room list never completed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let all = start.elapsed();
    let first = first.lock().unwrap().unwrap_or(all);
    session.stop().await;
    println!("{}", json!({"ready_ms": ready.as_secs_f64() * 1e3, "first_ms": first.as_secs_f64() * 1e3, "all_ms": all.as_secs_f64() * 1e3, "rss_mib": rss_mib()}));
}

async fn register(localpart: &str) -> String {
    let http = reqwest::Client::new();
    let url = format!("{}/_synapse/admin/v1/register", homeserver());
    let nonce: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    let nonce = nonce["nonce"].as_str().unwrap();
    let secret_var = std::env::var("TCHAP_TEST_SHARED_SECRET").unwrap();
    let secret = std::fs::read_to_string(&secret_var).map(|s| s.trim().to_owned()).unwrap_or(secret_var);
    let mut mac = Hmac::<Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{nonce}\0{localpart}\0{PASSWORD}\0notadmin").as_bytes());
    let body = json!({"nonce": nonce, "username": localpart, "password": PASSWORD, "admin": false, "mac": hex::encode(mac.finalize().into_bytes())});
    let answer: Value = http.post(&url).json(&body).send().await.unwrap().json().await.unwrap();
    answer["access_token"].as_str().expect("registered").to_owned()
}

/// N rooms, each with a name and one message, created 4 at a time.
async fn seed(token: &str, rooms: usize) {
    let http = reqwest::Client::new();
    let base = homeserver();
    let next = Arc::new(Mutex::new(0usize));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (http, base, token, next) = (http.clone(), base.clone(), token.to_owned(), next.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let n = {
                    let mut next = next.lock().unwrap();
                    *next += 1;
                    *next
                };
                if n > rooms {
                    break;
                }
                let room: Value = http
                    .post(format!("{base}/_matrix/client/v3/createRoom"))
                    .bearer_auth(&token)
                    .json(&json!({"name": format!("Salon {n:04}"), "preset": "private_chat"}))
                    .send().await.unwrap().json().await.unwrap();
                let room_id = room["room_id"].as_str().expect("room created");
                http.put(format!("{base}/_matrix/client/v3/rooms/{room_id}/send/m.room.message/seed{n}"))
                    .bearer_auth(&token)
                    .json(&json!({"msgtype": "m.text", "body": format!("Message du salon {n}")}))
                    .send().await.unwrap();
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
}

fn stats(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (values[0], values[values.len() / 2], values[values.len() - 1])
}

fn run_child(mode: &str, data_dir: &Path, user: &str, rooms: usize) -> Value {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--measure", mode, "--data", data_dir.to_str().unwrap(), "--user", user, "--rooms", &rooms.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
}

#[tokio::main]
async fn main() {
    let rooms: usize = arg("--rooms", "1000").parse().unwrap();
    let mode = arg("--measure", "");
    if !mode.is_empty() {
        measure(&mode, Path::new(&arg("--data", "")), &arg("--user", ""), rooms).await;
        return;
    }
    let runs: usize = arg("--runs", "5").parse().unwrap();
    let out = PathBuf::from(arg("--out", "BENCHMARKS.md"));
    // `--user NAME` reuses an account seeded by an earlier run (same homeserver).
    let mut user = arg("--user", "");
    if user.is_empty() {
        user = format!("bench{:08x}", rand::random::<u32>());
        eprintln!("seeding {rooms} rooms for @{user}…");
        let seed_start = Instant::now();
        seed(&register(&user).await, rooms).await;
        eprintln!("seeded in {:.0} s", seed_start.elapsed().as_secs_f64());
    }

    let (mut first, mut all, mut warm, mut warm_ready, mut rss) = (vec![], vec![], vec![], vec![], vec![]);
    for run in 1..=runs {
        let dir = tempfile::tempdir().unwrap();
        let cold = run_child("cold", dir.path(), &user, rooms);
        let hot = run_child("warm", dir.path(), &user, rooms);
        eprintln!("run {run}: cold {cold} warm {hot}");
        first.push(cold["first_ms"].as_f64().unwrap());
        all.push(cold["all_ms"].as_f64().unwrap());
        rss.push(cold["rss_mib"].as_f64().unwrap());
        warm.push(hot["all_ms"].as_f64().unwrap());
        warm_ready.push(hot["ready_ms"].as_f64().unwrap());
    }
    let row = |name: &str, v: &mut Vec<f64>, unit: &str| {
        let (min, med, max) = stats(v);
        format!("| {name} | {min:.0} {unit} | {med:.0} {unit} | {max:.0} {unit} |\n")
    };
    let cpu = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())).unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let date = Command::new("date").arg("-u").arg("+%Y-%m-%d %H:%M UTC").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default();
    let report = format!(
        "# Benchmarks\n\nWritten by `make bench` (`src-tauri/examples/bench_room_list.rs`): the backend core, no window, against a local Synapse 1.163.2 (SQLite) on the same machine.\n\n## Room list, {rooms} rooms, {runs} runs\n\nMachine: {cpu}, {cores} cores. Date: {date}. Dependencies built with opt-level 2 (dev profile).\n\n| measure | min | median | max |\n| --- | --- | --- | --- |\n{}{}{}{}{}\n- *first rooms*: cold login (password) until the first {FIRST_ROOMS} rooms are in the list.\n- *all rooms*: cold login until all {rooms} rooms are listed.\n- *warm start*: stores on disk, session restored without password (stores opened, sync started), then until all rooms are listed.\n- *RSS*: resident memory of the backend process once the cold list is complete.\n\nAims (issue #3), against a bare matrix-sdk-ui 0.18 program on this kind of machine (first 20 rooms ~0.6 s, all 1,000 ~5.6 s, warm ~140 ms of which ~110 ms passphrase derivation, ~61 MiB): first rooms ≤ 0.6 s, all rooms within 5 % of the bare SDK, warm ≤ 50 ms, ≤ 70 MiB.\n",
        row("first rooms", &mut first, "ms"),
        row("all rooms", &mut all, "ms"),
        row("warm start → session reopened", &mut warm_ready, "ms"),
        row("warm start → all rooms", &mut warm, "ms"),
        row("RSS", &mut rss, "MiB"),
    );
    std::fs::write(&out, &report).unwrap();
    println!("{report}");
}
