//! A second session of the same user reads the encrypted history, once
//! unlocked with the recovery key or verified by emoji comparison from the
//! first session (both sides of the comparison driven here).

mod common;

use std::sync::Arc;

use common::*;
use tchap_core::{
    error::ErrorCode,
    room_list,
    rooms,
    security::{self, RecoveryStatus, SecurityStatus, SessionTrust},
    session::{self, Session},
    timeline::{MessageContent, TimelineItem},
    verification::{self, CancelReason, VerificationStep},
};

const FROM_ALICE: &str = "Le compte rendu est dans le dossier partagé.";
const FROM_BOB: &str = "Merci, je le relis ce soir.";

async fn wait_security(session: &Session, what: &str, predicate: impl Fn(&SecurityStatus) -> bool) {
    wait_watch(&mut session.security().status(), what, predicate).await;
}

/// Alice (first session) and Bob exchange encrypted messages in a DM.
async fn encrypted_history(alice_name: &str) -> (TestUser, Arc<Session>, tempfile::TempDir, String) {
    let alice = register(alice_name, "Alice Agent").await;
    let bob = register("bob", "Bruno Dupont").await;
    let alice_data = data_dir();
    let first = session::login(alice_data.path(), &homeserver(), &alice.localpart, PASSWORD).await.unwrap();
    let bob_data = data_dir();
    let bob_s = session::login(bob_data.path(), &homeserver(), &bob.localpart, PASSWORD).await.unwrap();
    // The first session of a new account gets a cross-signing identity by itself.
    wait_security(&first, "the first session is verified", |s| s.session == SessionTrust::Verified).await;

    let dm_id = rooms::create_dm(first.context(), &bob.user_id).await.unwrap();
    let bob_rooms = Mirror::new();
    room_list::subscribe(bob_s.context(), bob_rooms.sink()).await.unwrap();
    bob_rooms.wait_until("Bob is invited", |r| r.iter().any(|s| s.id == dm_id)).await;
    rooms::accept_invite(bob_s.context(), &dm_id).await.unwrap();

    let alice_items = Mirror::new();
    first.timelines().open(&dm_id, alice_items.sink()).await.unwrap();
    alice_items.wait_until("Bob has joined", |items| items.iter().any(|i| matches!(i, TimelineItem::Event { content: MessageContent::Membership { target_name, .. }, .. } if target_name == "Bruno Dupont"))).await;
    first.timelines().send_text(&dm_id, FROM_ALICE).await.unwrap();
    let bob_items = Mirror::new();
    bob_s.timelines().open(&dm_id, bob_items.sink()).await.unwrap();
    bob_items.wait_until("Bob reads Alice", |items| readable_texts(items).contains(&FROM_ALICE)).await;
    bob_s.timelines().send_text(&dm_id, FROM_BOB).await.unwrap();
    alice_items.wait_until("Alice reads Bob", |items| readable_texts(items).contains(&FROM_BOB)).await;
    bob_s.stop().await;
    (alice, first, alice_data, dm_id)
}

/// A new session of Alice's, with the DM's timeline open.
async fn second_session(alice: &TestUser, dm_id: &str) -> (Arc<Session>, tempfile::TempDir, Mirror<TimelineItem>) {
    let data = data_dir();
    let second = session::login(data.path(), &homeserver(), &alice.localpart, PASSWORD).await.unwrap();
    let list = Mirror::new();
    room_list::subscribe(second.context(), list.sink()).await.unwrap();
    list.wait_until("the DM is in the new session's list", |r| r.iter().any(|s| s.id == dm_id)).await;
    let items = Mirror::new();
    second.timelines().open(dm_id, items.sink()).await.unwrap();
    // As the UI does when the room is shown: load the history to its start.
    while !second.timelines().paginate_backwards(dm_id).await.unwrap() {}
    (second, data, items)
}

#[tokio::test(flavor = "multi_thread")]
async fn recovery_key_unlocks_the_history_on_a_second_session() {
    let (alice, first, _first_data, dm_id) = encrypted_history("recup").await;
    assert_eq!(first.security().status().borrow().recovery, RecoveryStatus::Disabled, "no recovery key before the user sets one up");
    let recovery_key = security::enable_recovery(first.context()).await.unwrap();
    wait_security(&first, "recovery enabled", |s| s.recovery == RecoveryStatus::Enabled).await;

    let (second, _data, items) = second_session(&alice, &dm_id).await;
    wait_security(&second, "the new session must be verified", |s| s.session == SessionTrust::Unverified && s.recovery == RecoveryStatus::Incomplete).await;
    // Before unlocking, the history is there but locked.
    items.wait_until("both messages shown locked", |items| locked_count(items) == 2).await;

    let wrong = security::recover(second.context(), "EsTc aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk").await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::InvalidRecoveryKey);
    assert_eq!(security::recover(second.context(), "   ").await.unwrap_err().code, ErrorCode::InvalidRecoveryKey);

    // Pasted with stray spaces around it, as from an e-mail.
    security::recover(second.context(), &format!("  {recovery_key}\n")).await.unwrap();
    wait_security(&second, "verified and complete", |s| s.session == SessionTrust::Verified && s.recovery == RecoveryStatus::Enabled).await;
    // Unlocked in place, without reopening the room.
    items
        .wait_until("both messages readable", |items| {
            let t = readable_texts(items);
            t.contains(&FROM_ALICE) && t.contains(&FROM_BOB) && locked_count(items) == 0
        })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn emoji_comparison_verifies_a_second_session_which_then_reads_the_history() {
    let (alice, first, _first_data, dm_id) = encrypted_history("emoji").await;
    let (second, _data, items) = second_session(&alice, &dm_id).await;
    wait_security(&second, "the new session must be verified", |s| s.session == SessionTrust::Unverified).await;
    items.wait_until("both messages shown locked", |items| locked_count(items) == 2).await;
    assert!(security::can_verify_with_another_session(second.context()).await);
    let second_device = second.client().device_id().unwrap().to_string();
    let mut requests = first.verification().requests();

    // A first attempt where the user says the emojis differ: both sides stop.
    let asking = Recorder::new();
    let flow_id = verification::verify_this_session(second.context(), asking.sink()).await.unwrap();
    let request = tokio::time::timeout(std::time::Duration::from_secs(30), requests.recv()).await.expect("the first session is asked").unwrap();
    assert_eq!((request.flow_id.as_str(), request.device_id.as_str(), request.is_own_session), (flow_id.as_str(), second_device.as_str(), true));
    assert_eq!(request.device_name.as_deref(), Some("Tchap desktop"));
    let answering = Recorder::new();
    verification::accept(first.context(), &request.user_id, &flow_id, answering.sink()).await.unwrap();
    answering.wait_last("emojis on the first session", |s| matches!(s, VerificationStep::Emojis { .. })).await;
    asking.wait_last("emojis on the new session", |s| matches!(s, VerificationStep::Emojis { .. })).await;
    verification::mismatch(first.context(), &request.user_id, &flow_id).await.unwrap();
    let mismatch = VerificationStep::Cancelled { reason: CancelReason::Mismatch };
    asking.wait_last("the new session learns the emojis differed", |s| *s == mismatch).await;
    answering.wait_last("the first session stops too", |s| *s == mismatch).await;
    assert_eq!(second.security().status().borrow().session, SessionTrust::Unverified);

    // Second attempt: the same seven emojis on both screens, both confirm.
    let asking = Recorder::new();
    let flow_id = verification::verify_this_session(second.context(), asking.sink()).await.unwrap();
    let request = loop {
        let request = tokio::time::timeout(std::time::Duration::from_secs(30), requests.recv()).await.expect("asked again").unwrap();
        if request.flow_id == flow_id {
            break request;
        }
    };
    let answering = Recorder::new();
    verification::accept(first.context(), &request.user_id, &flow_id, answering.sink()).await.unwrap();
    let VerificationStep::Emojis { emojis: theirs } = answering.wait_last("emojis", |s| matches!(s, VerificationStep::Emojis { .. })).await else { unreachable!() };
    let VerificationStep::Emojis { emojis: ours } = asking.wait_last("emojis", |s| matches!(s, VerificationStep::Emojis { .. })).await else { unreachable!() };
    assert_eq!(ours, theirs, "both screens show the same emojis");
    assert_eq!(ours.len(), 7);
    verification::confirm(second.context(), &alice.user_id, &flow_id).await.unwrap();
    asking.wait_last("waiting for the other side", |s| *s == VerificationStep::Confirmed).await;
    verification::confirm(first.context(), &alice.user_id, &flow_id).await.unwrap();
    asking.wait_last("done on the new session", |s| *s == VerificationStep::Done).await;
    answering.wait_last("done on the first session", |s| *s == VerificationStep::Done).await;

    wait_security(&second, "the new session is verified", |s| s.session == SessionTrust::Verified).await;
    items
        .wait_until("the history is readable", |items| {
            let t = readable_texts(items);
            t.contains(&FROM_ALICE) && t.contains(&FROM_BOB) && locked_count(items) == 0
        })
        .await;
}
