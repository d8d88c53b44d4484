//! An expired token keeps the keys: refreshed tokens are saved as they come,
//! and once the refresh token itself has expired (the app was closed too
//! long) the session asks for the password again and resumes on the same
//! device, history readable. Against a Synapse of its own with short token
//! lifetimes (`refreshable_access_token_lifetime`, `refresh_token_lifetime`).

// The SDK's futures nest deeply in one test's async block.
#![recursion_limit = "256"]

mod common;

use std::time::Duration;

use common::{own_synapse::OwnSynapse, *};
use tchap_core::{error::ErrorCode, session::{self, SessionEndReason, SyncState}, timeline::TimelineItem};

/// Longer than the sync's 30 s long-poll, so a running session always
/// refreshes in time.
const REFRESH_TOKEN_LIFETIME: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_session_asks_for_the_password_and_keeps_its_keys() {
    let synapse = OwnSynapse::start(&format!(
        "refreshable_access_token_lifetime: 3s\nrefresh_token_lifetime: {}s\n",
        REFRESH_TOKEN_LIFETIME.as_secs()
    ));
    let user = register_on(&synapse.base, &synapse.shared_secret(), "expire", "Éric Expiré").await;
    let data = data_dir();
    let first = session::login(data.path(), &synapse.base, &user.localpart, PASSWORD).await.unwrap();
    let device_id = first.info().await.device_id;
    let room_id = tchap_core::rooms::create_room(first.context(), "Dossier sensible").await.unwrap();
    let items = Mirror::<TimelineItem>::new();
    first.timelines().open(&room_id, items.sink()).await.unwrap();
    first.timelines().send_text(&room_id, "Réunion reportée à jeudi").await.unwrap();
    items.wait_until("the message is sent", |i| readable_texts(i).contains(&"Réunion reportée à jeudi")).await;

    // The access token lives 3 s: the SDK refreshes it, and each new pair
    // reaches the keyring (else the next start would hold a used-up token).
    let initial = stored_access_token(data.path()).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while stored_access_token(data.path()).await == initial {
        assert!(tokio::time::Instant::now() < deadline, "the refreshed token never reached the keyring");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let ended = first.ended();
    assert!(ended.borrow().is_none(), "a running session refreshes without asking anything");
    first.stop().await;
    drop(first);

    // Closed longer than the refresh token lives.
    tokio::time::sleep(REFRESH_TOKEN_LIFETIME + Duration::from_secs(3)).await;
    let expired = session::restore(data.path()).await.unwrap().expect("still stored");
    let mut ended = expired.ended();
    wait_watch(&mut ended, "the soft logout", |reason| *reason == Some(SessionEndReason::SoftLoggedOut)).await;
    assert!(expired.session_dir().join("store").join("matrix-sdk-crypto.sqlite3").exists(), "the keys are kept");

    let err = expired.resume("pas le bon").await.err().expect("a wrong password");
    assert_eq!(err.code, ErrorCode::InvalidCredentials);
    let resumed = expired.resume(PASSWORD).await.expect("the right password resumes the session");
    drop(expired);
    assert_eq!(resumed.info().await.device_id, device_id, "the same device: nobody has to verify it again");
    let mut sync = resumed.sync_state();
    wait_watch(&mut sync, "the sync runs again", |s| *s == SyncState::Running).await;
    let items = Mirror::<TimelineItem>::new();
    resumed.timelines().open(&room_id, items.sink()).await.unwrap();
    items.wait_until("the history is still readable", |i| readable_texts(i).contains(&"Réunion reportée à jeudi")).await;

    // And the next start reopens it without a password.
    resumed.stop().await;
    drop(resumed);
    let again = session::restore(data.path()).await.unwrap().expect("stored");
    assert_eq!(again.info().await.device_id, device_id);
    again.logout().await.unwrap();
}
