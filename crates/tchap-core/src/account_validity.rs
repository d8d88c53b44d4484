//! Tchap's account expiry: an account not renewed in time gets
//! `403 ORG_MATRIX_EXPIRED_ACCOUNT` on every request; its owner renews it from
//! a mail that the server sends on request (Synapse's `account_validity`).

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use matrix_sdk::Client;
use serde::Serialize;
use tracing::info;

use crate::{
    error::{AppError, AppResult, ErrorCode},
    network::NetworkSettings,
};

/// Between two renewal mails: the first one may simply take a while.
pub const RESEND_AFTER: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RenewalMailSent {
    /// Seconds before another mail can be asked for.
    pub resend_in_secs: u32,
}

#[derive(Default)]
pub struct RenewalMails {
    last_sent: Mutex<Option<Instant>>,
}

impl RenewalMails {
    /// Asks the server to mail the renewal link to the account's address.
    pub async fn send(&self, client: &Client, network: &NetworkSettings) -> AppResult<RenewalMailSent> {
        if let Some(wait) = self.wait_left() {
            return Err(AppError::new(ErrorCode::RateLimited, format!("renewal mail asked again {} s too early", wait.as_secs())));
        }
        let token = client.access_token().ok_or_else(AppError::not_logged_in)?;
        let url = client
            .homeserver()
            .join("_matrix/client/unstable/account_validity/send_mail")
            .map_err(|e| AppError::internal("renewal mail address", e))?;
        let request = crate::http::client(network, Duration::from_secs(30))?
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body("{}");
        let status = crate::http::send(request, "renewal mail").await?.status;
        if !status.is_success() {
            let code = if status.is_server_error() { ErrorCode::ServerError } else { ErrorCode::Forbidden };
            return Err(AppError::new(code, format!("renewal mail: the server answered {status}")));
        }
        *self.last_sent.lock().unwrap() = Some(Instant::now());
        info!("renewal mail sent");
        Ok(RenewalMailSent { resend_in_secs: RESEND_AFTER.as_secs() as u32 })
    }

    fn wait_left(&self) -> Option<Duration> {
        let last = (*self.last_sent.lock().unwrap())?;
        RESEND_AFTER.checked_sub(last.elapsed()).filter(|left| !left.is_zero())
    }
}
