//! An expired Tchap account, renewed as its owner would: the app asks the
//! server for the renewal mail, the owner follows the link, and "J'ai
//! renouvelé" reopens the same session with its keys.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{data_dir, federation::*, wait_watch};
use serde_json::json;
use tchap_core::{
    error::ErrorCode,
    session::{self, SessionEndReason, SyncState},
};

async fn set_expiry(client_url: &str, admin_token: &str, user_id: &str, expires_at: SystemTime) {
    let ms = expires_at.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    let response = reqwest::Client::new()
        .post(format!("{client_url}/_synapse/admin/v1/account_validity/validity"))
        .bearer_auth(admin_token)
        .json(&json!({"user_id": user_id, "expiration_ts": ms, "enable_renewal_emails": true}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{:?}", response.text().await);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_account_is_renewed_from_the_mail_and_the_same_session_resumes() {
    let federation = Federation::load();
    let agent = federation.register(&fresh_email("estelle.expiree", "dinum.gouv.fr"));
    let data = data_dir();
    let session = session::login(data.path(), &agent.client_url, &agent.email, FED_PASSWORD).await.unwrap();
    let device = session.info().await.device_id;
    wait_watch(&mut session.sync_state(), "the sync runs", |s| *s == SyncState::Running).await;

    let admin = federation.admin_token(&agent.server_name);
    set_expiry(&agent.client_url, &admin, &agent.user_id, SystemTime::now() - Duration::from_secs(60)).await;
    wait_watch(&mut session.ended(), "the session ends as expired", |e| *e == Some(SessionEndReason::AccountExpired)).await;

    // "Recevoir l'e-mail de renouvellement", then an impatient second click.
    let sent = session.send_renewal_mail().await.unwrap();
    assert!(sent.resend_in_secs >= 30);
    assert_eq!(session.send_renewal_mail().await.unwrap_err().code, ErrorCode::RateLimited, "one mail at a time");
    let links = federation.wait_mail(&agent.email, "Renew").await;
    let renew = links.iter().find(|l| l.contains("account_validity/renew")).expect("a renewal link");
    // The owner clicks the link in the mail.
    let clicked = reqwest::get(renew).await.unwrap();
    assert!(clicked.status().is_success(), "renewal link: {}", clicked.status());

    // "J'ai renouvelé": the same device, keys kept, syncing again.
    session.stop().await;
    drop(session);
    let again = session::restore(data.path()).await.unwrap().expect("the session was kept");
    assert_eq!(again.info().await.device_id, device);
    wait_watch(&mut again.sync_state(), "the sync runs again", |s| *s == SyncState::Running).await;
    assert!(again.ended().borrow().is_none());
    again.stop().await;
}
