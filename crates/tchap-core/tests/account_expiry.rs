//! An expired account (Tchap's account validity, Synapse `account_validity`)
//! stops the sync and says why, instead of retrying every few seconds
//! forever; once renewed, the same session starts again with its data.

// The SDK's futures nest deeply in one test's async block.
#![recursion_limit = "256"]

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{own_synapse::OwnSynapse, *};
use serde_json::json;
use tchap_core::session::{self, SessionEndReason, SyncState};

/// Sets when `user_id`'s account expires, through Synapse's admin API.
async fn set_expiry(base: &str, admin: &TestUser, user_id: &str, expires_at: SystemTime) {
    let ms = expires_at.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    let response = reqwest::Client::new()
        .post(format!("{base}/_synapse/admin/v1/account_validity/validity"))
        .bearer_auth(&admin.access_token)
        .json(&json!({"user_id": user_id, "expiration_ts": ms, "enable_renewal_emails": false}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{:?}", response.text().await);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_account_stops_the_sync_and_says_why() {
    let synapse = OwnSynapse::start("account_validity:\n  enabled: true\n  period: 6w\n");
    let secret = synapse.shared_secret();
    let admin = register_admin_on(&synapse.base, &secret, "admin").await;
    let user = register_on(&synapse.base, &secret, "expiree", "Estelle Expirée").await;
    let data = data_dir();
    let session = session::login(data.path(), &synapse.base, &user.localpart, PASSWORD).await.unwrap();
    let session_dir = session.session_dir().to_owned();
    let mut sync = session.sync_state();
    wait_watch(&mut sync, "the sync runs", |s| *s == SyncState::Running).await;

    set_expiry(&synapse.base, &admin, &user.user_id, SystemTime::now() - Duration::from_secs(60)).await;
    let mut ended = session.ended();
    wait_watch(&mut ended, "the session ends as expired", |e| *e == Some(SessionEndReason::AccountExpired)).await;
    assert_eq!(*session.sync_state().borrow(), SyncState::Error);
    // It stays stopped: no restart loop behind the user's back.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(*session.sync_state().borrow(), SyncState::Error);
    assert!(session_dir.join("store").join("matrix-sdk-crypto.sqlite3").exists(), "an expired account keeps its data");

    // Renewed (the e-mail link): the next start reopens the same session.
    set_expiry(&synapse.base, &admin, &user.user_id, SystemTime::now() + Duration::from_secs(3600)).await;
    session.stop().await;
    drop(session);
    let again = session::restore(data.path()).await.unwrap().expect("still stored");
    let mut sync = again.sync_state();
    wait_watch(&mut sync, "the sync runs again", |s| *s == SyncState::Running).await;
    assert!(again.ended().borrow().is_none());
    again.logout().await.unwrap();
}
