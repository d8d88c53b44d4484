//! The message index as the app opens it (encrypted, on disk, through the
//! vendored matrix-sdk-search): what its patches (vendor/matrix-sdk-search/
//! PATCHES.md) must keep true.

use std::path::Path;

use matrix_sdk::ruma::{OwnedRoomId, events::room::message::OriginalSyncRoomMessageEvent};
use matrix_sdk_search::index::{RoomIndex, RoomIndexOperation, builder::RoomIndexBuilder};

use super::store::{index_dir, passphrase};

const KEY: [u8; 32] = [3; 32];

fn room_id() -> OwnedRoomId {
    "!salon:agent.tchap.gouv.fr".try_into().unwrap()
}

fn open(account_dir: &Path, key: &[u8; 32]) -> Result<RoomIndex, matrix_sdk_search::error::IndexError> {
    RoomIndexBuilder::new_on_disk(index_dir(account_dir), room_id()).encrypted(passphrase(key).as_str()).build()
}

fn message(n: usize, body: &str) -> RoomIndexOperation {
    let event: OriginalSyncRoomMessageEvent = serde_json::from_value(serde_json::json!({
        "type": "m.room.message",
        "event_id": format!("$message{n}:agent.tchap.gouv.fr"),
        "sender": "@alice:agent.tchap.gouv.fr",
        "origin_server_ts": 1_700_000_000_000u64 + n as u64,
        "content": { "msgtype": "m.text", "body": body },
    }))
    .unwrap();
    RoomIndexOperation::Add(event)
}

/// A word only message `n` holds (the index cuts words on digits too).
fn word_of(n: usize) -> String {
    let letters: String = n.to_string().chars().map(|d| char::from(b'a' + d.to_digit(10).unwrap() as u8)).collect();
    format!("mot{letters}")
}

/// Each tantivy segment has one `.idx` file.
fn segments(account_dir: &Path) -> usize {
    let dir = index_dir(account_dir).join(room_id().as_str());
    std::fs::read_dir(dir).unwrap().flatten().filter(|e| e.path().extension().is_some_and(|x| x == "idx")).count()
}

#[test]
fn many_small_commits_leave_few_segments_and_every_message_is_found() {
    let account = tempfile::tempdir().unwrap();
    let mut index = open(account.path(), &KEY).unwrap();
    let (commits, per_commit) = (80, 5);
    for commit in 0..commits {
        let batch = (0..per_commit).map(|i| commit * per_commit + i).map(|n| message(n, &format!("réunion budget {}", word_of(n)))).collect();
        index.bulk_execute(batch).unwrap();
    }
    // Unpatched, each commit left its segments unmerged: 80 to 160 here.
    let count = segments(account.path());
    assert!(count <= 16, "{count} segments after {commits} commits: merges did not run");
    assert_eq!(index.search("budget", 1000, None).unwrap().len(), commits * per_commit);
    drop(index);
    let reopened = open(account.path(), &KEY).unwrap();
    assert_eq!(reopened.search("réunion", 1000, None).unwrap().len(), commits * per_commit, "all kept after a restart");
}

#[test]
fn a_message_is_found_right_after_it_is_indexed_and_a_removed_one_no_more() {
    let account = tempfile::tempdir().unwrap();
    let mut index = open(account.path(), &KEY).unwrap();
    for n in 0..30 {
        assert!(index.search(&word_of(n), 10, None).unwrap().is_empty());
        index.execute(message(n, &format!("le dossier {}", word_of(n)))).unwrap();
        let found = index.search(&word_of(n), 10, None).unwrap();
        assert_eq!(found.len(), 1, "message {n} searched right after it was indexed");
        assert_eq!(found[0].as_str(), format!("$message{n}:agent.tchap.gouv.fr"));
    }
    index.execute(RoomIndexOperation::Remove(format!("$message{}:agent.tchap.gouv.fr", 7).try_into().unwrap())).unwrap();
    assert!(index.search(&word_of(7), 10, None).unwrap().is_empty(), "a removed message is not found any more");
    assert_eq!(index.search("dossier", 100, None).unwrap().len(), 29);
}

#[test]
fn an_open_index_does_not_let_another_key_read_it() {
    let account = tempfile::tempdir().unwrap();
    let mut index = open(account.path(), &KEY).unwrap();
    index.bulk_execute((0..20).map(|n| message(n, "projet confidentiel")).collect()).unwrap();
    assert_eq!(index.search("confidentiel", 100, None).unwrap().len(), 20);
    // While the right key's index (and its decrypted files) is open.
    assert!(open(account.path(), &[4; 32]).is_err(), "another key opened the index");
    drop(index);
    assert!(open(account.path(), &[4; 32]).is_err(), "another key opened the index");
    assert_eq!(open(account.path(), &KEY).unwrap().search("confidentiel", 100, None).unwrap().len(), 20);
}
