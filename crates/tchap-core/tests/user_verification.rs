//! Verifying another user by emoji comparison, as Element does from a
//! member's profile: the request goes through the direct chat, the other
//! user accepts it, and afterwards each sees the other as verified.

mod common;

use std::time::Duration;

use common::*;
use tchap_core::{
    members::{self, MemberTrust},
    room_list,
    rooms,
    security::SessionTrust,
    session::{self, Session},
    verification::{self, VerificationStep},
};

/// Waits (up to 60 s) until `user_id` shows `trust` in the room's member list.
async fn wait_trust(session: &Session, room_id: &str, user_id: &str, trust: MemberTrust) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let list = members::room_members(session.context(), room_id).await.unwrap();
        if list.iter().any(|m| m.user_id == user_id && m.trust == trust) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {user_id} to be {trust:?}; members: {list:#?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_users_verify_each_other_by_emojis_in_their_direct_chat() {
    let alice = register("verif-a", "Alice Agent").await;
    let bob = register("verif-b", "Bruno Dupont").await;
    let (alice_data, bob_data) = (data_dir(), data_dir());
    let alice_s = session::login(alice_data.path(), &homeserver(), &alice.localpart, PASSWORD).await.unwrap();
    let bob_s = session::login(bob_data.path(), &homeserver(), &bob.localpart, PASSWORD).await.unwrap();
    for session in [&alice_s, &bob_s] {
        wait_watch(&mut session.security().status(), "a cross-signing identity", |s| s.session == SessionTrust::Verified).await;
    }

    let dm_id = rooms::create_dm(alice_s.context(), &bob.user_id).await.unwrap();
    let bob_rooms = Mirror::new();
    room_list::subscribe(bob_s.context(), bob_rooms.sink()).await.unwrap();
    bob_rooms.wait_until("Bob is invited", |r| r.iter().any(|s| s.id == dm_id)).await;
    rooms::accept_invite(bob_s.context(), &dm_id).await.unwrap();

    // Bob has the room's key (as in any direct chat with some history): an
    // in-room request arriving before its key is missed by matrix-sdk 0.18.
    let bob_items = Mirror::new();
    bob_s.timelines().open(&dm_id, bob_items.sink()).await.unwrap();
    alice_s.timelines().send_text(&dm_id, "Peux-tu vérifier mon identité ?").await.unwrap();
    bob_items.wait_until("Bob reads Alice's message", |items| readable_texts(items).contains(&"Peux-tu vérifier mon identité ?")).await;

    // Before: Alice is herself, Bob is known but not verified.
    wait_trust(&alice_s, &dm_id, &bob.user_id, MemberTrust::Unverified).await;
    let before = members::room_members(alice_s.context(), &dm_id).await.unwrap();
    assert_eq!(before[0].user_id, alice.user_id, "the user comes first");
    assert_eq!(before[0].trust, MemberTrust::Me);
    assert_eq!(before.iter().find(|m| m.user_id == bob.user_id).unwrap().display_name.as_deref(), Some("Bruno Dupont"));

    let mut bob_requests = bob_s.verification().requests();
    let mut bob_withdrawn = bob_s.verification().withdrawn();

    // A request Alice takes back before Bob answers goes away on his side.
    let taken_back = verification::verify_user(alice_s.context(), &bob.user_id, Recorder::new().sink()).await.unwrap();
    let request = tokio::time::timeout(Duration::from_secs(60), bob_requests.recv()).await.expect("Bob is asked").unwrap();
    assert_eq!(request.flow_id, taken_back);
    verification::cancel(alice_s.context(), &bob.user_id, &taken_back).await.unwrap();
    let gone = tokio::time::timeout(Duration::from_secs(60), bob_withdrawn.recv()).await.expect("the request goes away").unwrap();
    assert_eq!(gone, taken_back);

    let asking = Recorder::new();
    let flow_id = verification::verify_user(alice_s.context(), &bob.user_id, asking.sink()).await.unwrap();
    let request = loop {
        let request = tokio::time::timeout(Duration::from_secs(60), bob_requests.recv()).await.expect("Bob is asked").unwrap();
        if request.flow_id == flow_id {
            break request;
        }
    };
    assert_eq!((request.user_id.as_str(), request.is_own_session), (alice.user_id.as_str(), false));

    let answering = Recorder::new();
    verification::accept(bob_s.context(), &request.user_id, &flow_id, answering.sink()).await.unwrap();
    let VerificationStep::Emojis { emojis: ours } = asking.wait_last("emojis for Alice", |s| matches!(s, VerificationStep::Emojis { .. })).await else { unreachable!() };
    let VerificationStep::Emojis { emojis: theirs } = answering.wait_last("emojis for Bob", |s| matches!(s, VerificationStep::Emojis { .. })).await else { unreachable!() };
    assert_eq!(ours, theirs, "both screens show the same emojis");
    verification::confirm(alice_s.context(), &bob.user_id, &flow_id).await.unwrap();
    verification::confirm(bob_s.context(), &alice.user_id, &flow_id).await.unwrap();
    asking.wait_last("done for Alice", |s| *s == VerificationStep::Done).await;
    answering.wait_last("done for Bob", |s| *s == VerificationStep::Done).await;

    wait_trust(&alice_s, &dm_id, &bob.user_id, MemberTrust::Verified).await;
    wait_trust(&bob_s, &dm_id, &alice.user_id, MemberTrust::Verified).await;
}
