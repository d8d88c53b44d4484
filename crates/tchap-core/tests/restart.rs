//! A crash mid-sync loses nothing and asks nothing: the app, killed with
//! SIGKILL while receiving encrypted messages, reopens its session without
//! the password, shows the decrypted history with the network down, and,
//! once back online, every message — those that arrived while it was dying
//! or closed too — once and decrypted.
//!
//! The "first run" is a real process (this test, started again with
//! `TCHAP_RESTART_CHILD`), so the kill is a real one; the restart is in this
//! process, on the same data folder and keyring entry. Alice's server is
//! reached through a `Relay`, cut to play "no network".

mod common;

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use common::{proxy::Relay, *};
use tchap_core::{
    room_list,
    rooms,
    security::SessionTrust,
    session::{self, SyncState},
    timeline::{MembershipChange, MessageContent, SendState, TimelineItem},
};

/// The test's name and the variable that starts it again as the first run.
const TEST_NAME: &str = "killed_mid_sync_the_app_reopens_without_the_password_and_reads_everything";
const CHILD_ROLE: &str = "TCHAP_RESTART_CHILD";
const BEFORE_CRASH: &str = "Voici le compte rendu de la réunion.";
const DURING_CRASH: [&str; 2] = ["Tu l'as bien reçu ?", "Je t'envoie aussi l'ordre du jour."];
const WHILE_CLOSED: &str = "Réponds quand tu peux.";

fn has_joined(items: &[TimelineItem], user_id: &str) -> bool {
    items.iter().any(|item| {
        matches!(item, TimelineItem::Event { sender_id, content: MessageContent::Membership { change: MembershipChange::Joined, .. }, .. }
            if sender_id == user_id)
    })
}

/// Whether `text`, written on this side, reached the server.
fn is_sent(items: &[TimelineItem], text: &str) -> bool {
    items.iter().any(
        |item| matches!(item, TimelineItem::Event { content: MessageContent::Text { body, .. }, send_state: Some(SendState::Sent), .. } if body == text),
    )
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_mid_sync_the_app_reopens_without_the_password_and_reads_everything() {
    if std::env::var(CHILD_ROLE).as_deref() == Ok("first-run") {
        return first_run_until_killed().await;
    }
    let alice = register("redemarre", "Alice Agent").await;
    let bob = register("bob", "Bruno Dupont").await;
    let relay = Relay::start(&homeserver()).await;
    let (alice_data, bob_data) = (data_dir(), data_dir());
    let bob_s = session::login(bob_data.path(), &homeserver(), &bob.localpart, PASSWORD).await.unwrap();
    let dm_id = rooms::create_dm(bob_s.context(), &alice.user_id).await.unwrap();
    let bob_items = Mirror::new();
    bob_s.timelines().open(&dm_id, bob_items.sink()).await.unwrap();

    // First run: Alice signs in, joins, reads Bob's first message.
    let mut first_run = FirstRun::start(&[
        ("TCHAP_RESTART_HOMESERVER", relay.url()),
        ("TCHAP_RESTART_DATA_DIR", alice_data.path().to_str().unwrap()),
        ("TCHAP_RESTART_USER", &alice.localpart),
        ("TCHAP_RESTART_ROOM", &dm_id),
    ]);
    first_run.wait_for_line("JOINED").await;
    bob_items.wait_until("Alice has joined", |items| has_joined(items, &alice.user_id)).await;
    bob_s.timelines().send_text(&dm_id, BEFORE_CRASH).await.unwrap();
    first_run.wait_for_line("READY").await;

    // Bob writes on; the first run is killed as soon as these are on the
    // server, while its sync brings them; Bob writes again while it is closed.
    for text in DURING_CRASH {
        bob_s.timelines().send_text(&dm_id, text).await.unwrap();
    }
    bob_items.wait_until("Bob's messages are on the server", |items| DURING_CRASH.iter().all(|text| is_sent(items, text))).await;
    first_run.kill();
    bob_s.timelines().send_text(&dm_id, WHILE_CLOSED).await.unwrap();

    // Restart without network: the session is back, nothing asked, and the
    // history is readable from the local stores.
    relay.cut();
    let alice_s = session::restore(alice_data.path()).await.unwrap().expect("the session reopens without the password");
    let alice_items = Mirror::new();
    alice_s.timelines().open(&dm_id, alice_items.sink()).await.unwrap();
    alice_items.wait_until("the first message, decrypted, offline", |items| readable_texts(items).contains(&BEFORE_CRASH)).await;
    wait_watch(&mut alice_s.sync_state(), "the app sees it is offline", |s| *s == SyncState::Offline).await;
    wait_watch(&mut alice_s.security().status(), "this session is still verified", |s| s.session == SessionTrust::Verified).await;

    // Network back: the sync fetches what was missed. The SDK then shows only
    // the newest events (the gap is filled by scrolling up), so load the
    // history to its start as the UI does when the top of the room is shown.
    relay.restore();
    wait_watch(&mut alice_s.sync_state(), "the sync reconnects by itself", |s| *s == SyncState::Running).await;
    alice_items.wait_until("the message sent while the app was closed", |items| readable_texts(items).contains(&WHILE_CLOSED)).await;
    let mut reached_start = false;
    for _ in 0..20 {
        reached_start = alice_s.timelines().paginate_backwards(&dm_id).await.unwrap();
        if reached_start {
            break;
        }
    }
    assert!(reached_start, "the start of the room must be reachable");
    // Every message of Bob's, once each, decrypted.
    let every_message: Vec<&str> = [BEFORE_CRASH].into_iter().chain(DURING_CRASH).chain([WHILE_CLOSED]).collect();
    let items =
        alice_items.wait_until("every message of Bob's, decrypted", |items| every_message.iter().all(|text| readable_texts(items).contains(text))).await;
    for text in &every_message {
        assert_eq!(readable_texts(&items).iter().filter(|t| *t == text).count(), 1, "{text:?} shown once: {:?}", readable_texts(&items));
    }
    assert_eq!(*alice_s.ended().borrow(), None, "the session was not ended");
}

/// The child: Alice's first run, which syncs until it is killed.
async fn first_run_until_killed() {
    let data_dir = env("TCHAP_RESTART_DATA_DIR");
    let session = session::login(Path::new(&data_dir), &env("TCHAP_RESTART_HOMESERVER"), &env("TCHAP_RESTART_USER"), PASSWORD).await.unwrap();
    let dm_id = env("TCHAP_RESTART_ROOM");
    let list = Mirror::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    list.wait_until("Bob's invite", |rooms| rooms.iter().any(|r| r.id == dm_id)).await;
    rooms::accept_invite(session.context(), &dm_id).await.unwrap();
    let items = Mirror::new();
    session.timelines().open(&dm_id, items.sink()).await.unwrap();
    println!("JOINED");
    items.wait_until("Bob's first message, decrypted", |items| readable_texts(items).contains(&BEFORE_CRASH)).await;
    wait_watch(&mut session.security().status(), "this session is verified", |s| s.session == SessionTrust::Verified).await;
    println!("READY");
    // Keeps syncing until killed; a bound so that it never outlives its parent.
    tokio::time::sleep(Duration::from_secs(300)).await;
    panic!("the first run was never killed");
}

/// The first run's process, killed if the test fails before it does.
struct FirstRun {
    child: Child,
    lines: tokio::sync::mpsc::UnboundedReceiver<String>,
}

impl FirstRun {
    fn start(env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command.args(["--exact", TEST_NAME, "--nocapture"]).env(CHILD_ROLE, "first-run").envs(env.iter().copied()).stdout(Stdio::piped());
        let mut child = command.spawn().unwrap();
        // Its lines, read on a thread of their own (the pipe is blocking).
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Self { child, lines }
    }

    async fn wait_for_line(&mut self, expected: &str) {
        let wait = async {
            while let Some(line) = self.lines.recv().await {
                if line == expected {
                    return;
                }
            }
            panic!("the first run ended before printing {expected}");
        };
        tokio::time::timeout(Duration::from_secs(60), wait).await.unwrap_or_else(|_| panic!("the first run never printed {expected}"));
    }

    /// SIGKILL: no chance to stop the sync or close the stores cleanly.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        let status = self.child.wait().unwrap();
        assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9), "killed by SIGKILL, not ended by itself");
    }
}

impl Drop for FirstRun {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
