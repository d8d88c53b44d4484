//! End-to-end encryption with an independent implementation: a matrix-nio
//! (libolm) client, driven as a child process (`tests/e2ee/nio_peer.py`),
//! and our client exchange encrypted messages in both directions.

#![recursion_limit = "256"]

mod common;

use std::{path::PathBuf, process::Stdio, time::Duration};


use common::*;
use serde_json::Value;
use tchap_core::{rooms, session, timeline::{MembershipChange, MessageContent, TimelineItem}};
use std::io::{BufRead, BufReader};

fn repo_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

/// The nio venv's python, installed by `tests/e2ee/nio-peer.sh install`.
fn nio_python() -> String {
    let out = std::process::Command::new(repo_file("tests/e2ee/nio-peer.sh")).arg("python").output().expect("nio-peer.sh");
    assert!(out.status.success(), "the nio peer is not installed: run `make deps`");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn encrypted_messages_both_ways_with_a_matrix_nio_client() {
    let agent = register("chiffre", "Chloé Chiffre").await;
    let nio_user = register("nio", "Nino Nio").await;
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &agent.localpart, PASSWORD).await.unwrap();
    let room_id = rooms::create_dm(session.context(), &nio_user.user_id).await.unwrap();
    let items = Mirror::new();
    session.timelines().open(&room_id, items.sink()).await.unwrap();

    let mut peer = std::process::Command::new(nio_python())
        .arg(repo_file("tests/e2ee/nio_peer.py"))
        .args(["--homeserver", &homeserver(), "--user", &nio_user.localpart, "--password", PASSWORD, "--room", &room_id])
        .args(["--expect", "Bonjour de Tchap, chiffré", "--reply", "Bien reçu, chiffré aussi"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("nio peer");
    // Its JSON lines, read on a thread of their own (the pipe is blocking).
    let stdout = peer.stdout.take().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut next_line = async || -> Value {
        let line = tokio::time::timeout(Duration::from_secs(120), rx.recv())
            .await
            .expect("the nio peer went silent")
            .expect("the nio peer stopped early");
        let value: Value = serde_json::from_str(&line).unwrap();
        assert!(value.get("error").is_none(), "nio peer: {value}");
        value
    };

    assert_eq!(next_line().await["ready"], true, "the nio peer joined");
    // As a user would: see the other person arrive, then write at once.
    items
        .wait_until("nio's join", |items| {
            items.iter().any(|item| {
                matches!(item, TimelineItem::Event { content: MessageContent::Membership { change: MembershipChange::Joined, .. }, sender_id, .. }
                    if *sender_id == nio_user.user_id)
            })
        })
        .await;
    session.timelines().send_text(&room_id, "Bonjour de Tchap, chiffré").await.unwrap();
    let received = next_line().await;
    assert_eq!(received["received"], "Bonjour de Tchap, chiffré", "nio decrypted our message");
    assert_eq!(received["sender"], agent.user_id);

    items
        .wait_until("nio's encrypted reply, decrypted", |items| {
            items.iter().any(|item| {
                matches!(item, TimelineItem::Event { sender_id, content: MessageContent::Text { body, .. }, .. }
                    if *sender_id == nio_user.user_id && body == "Bien reçu, chiffré aussi")
            })
        })
        .await;
    assert!(next_line().await.get("sent").is_some());
    let status = tokio::task::spawn_blocking(move || peer.wait()).await.unwrap().unwrap();
    assert!(status.success(), "nio peer exit: {status}");
}
