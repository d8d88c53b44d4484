//! Creating an account, then starting its session as a sign-in does.
//!
//! The same rule as `login`: the new session is built in a folder of its
//! own that becomes current only once the account exists and its secrets
//! are saved; a failed or cancelled registration removes that folder and
//! nothing else. Between the two, the app waits for the user to follow the
//! link the server mailed, asking the server again every few seconds.

use std::{
    path::Path,
    sync::{Arc, Mutex},
    time::Duration,
};

use matrix_sdk::{Client, ruma::api::client::account::register};
use tokio::sync::watch;
use tracing::{info, warn};

use super::{
    DEVICE_DISPLAY_NAME, Persistence, Session,
    homeserver::parse_homeserver,
    login::{discard_attempt_dir, keep_new_session, new_attempt_dir, new_checked_client},
    stored::check_secret_store,
};
use crate::{
    error::{AppError, AppResult, ErrorCode},
    identity::registration::{Attempt, Registration, RegistrationTarget, ValidationMailSent},
};

/// How often the server is asked whether the link was followed.
pub const POLL_EVERY: Duration = Duration::from_secs(3);

/// What the user can do while a registration waits for its link: cancel it,
/// or have the mail sent again. One per registration.
#[derive(Clone)]
pub struct RegistrationControl {
    cancelled: watch::Sender<bool>,
    /// Set once the mail left: what "Renvoyer l'e-mail" needs.
    waiting: Arc<Mutex<Option<WaitingForLink>>>,
}

type WaitingForLink = (Client, Arc<Registration>);

impl Default for RegistrationControl {
    fn default() -> Self {
        Self { cancelled: watch::Sender::new(false), waiting: Arc::default() }
    }
}

impl RegistrationControl {
    /// Stops the registration: `register` returns `Ok(None)`.
    pub fn cancel(&self) {
        self.cancelled.send_replace(true);
    }

    /// Whether both handles control the same registration.
    pub fn is_same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.waiting, &other.waiting)
    }

    /// "Renvoyer l'e-mail" (at most once a minute).
    pub async fn resend_mail(&self) -> AppResult<ValidationMailSent> {
        let waiting = self.waiting.lock().unwrap().clone();
        let Some((client, registration)) = waiting else {
            return Err(AppError::new(ErrorCode::NotFound, "no registration waiting for its mail"));
        };
        registration.send_mail(&client).await
    }
}

/// Creates the account of `target.email` on its server and starts its
/// session, remembered for the next launches. `on_mail_sent` is told when
/// the validation mail left; the account is created once its link was
/// followed. `Ok(None)`: cancelled through `control`.
pub async fn register(
    data_dir: &Path,
    target: RegistrationTarget,
    password: &str,
    accepted_terms: bool,
    control: &RegistrationControl,
    on_mail_sent: impl Fn(ValidationMailSent),
) -> AppResult<Option<Arc<Session>>> {
    if password.is_empty() {
        return Err(AppError::new(ErrorCode::WeakPassword, "empty password"));
    }
    // Before anything reaches the server: no secret store, no session to keep.
    check_secret_store().await?;
    let dir = new_attempt_dir(data_dir, Persistence::Remembered).await?;
    let result = register_in(data_dir, &dir, target, password, accepted_terms, control, on_mail_sent).await;
    control.waiting.lock().unwrap().take();
    // Failed or cancelled: nothing of an earlier session is touched.
    if !matches!(result, Ok(Some(_))) {
        discard_attempt_dir(&dir).await;
    }
    result
}

async fn register_in(
    data_dir: &Path,
    dir: &Path,
    target: RegistrationTarget,
    password: &str,
    accepted_terms: bool,
    control: &RegistrationControl,
    on_mail_sent: impl Fn(ValidationMailSent),
) -> AppResult<Option<Arc<Session>>> {
    let network = crate::config::AppConfig::load(data_dir).network;
    let (client, store_key) = new_checked_client(&parse_homeserver(&target.client_url)?, dir, &network).await?;
    let registration = Arc::new(Registration::new(target, password, DEVICE_DISPLAY_NAME, accepted_terms)?);
    let mut cancelled = control.cancelled.subscribe();
    tokio::select! {
        // An account the server just created wins over a late cancel.
        biased;
        registered = wait_for_account(&client, &registration, control, on_mail_sent) => registered?,
        _ = cancelled.wait_for(|cancelled| *cancelled) => {
            info!("registration cancelled");
            return Ok(None);
        }
    };
    let matrix_session = client.matrix_auth().session().ok_or_else(|| AppError::internal("registration", "no session"))?;
    keep_new_session(&client, &matrix_session, data_dir, dir, &store_key).await?;
    info!(user_id = %matrix_session.meta.user_id, device_id = %matrix_session.meta.device_id, "registered and signed in");
    Session::start(client, data_dir, dir.to_owned(), store_key, Persistence::Remembered).await.map(Some)
}

/// Opens the registration (the server checks the password first), mails the
/// link, then asks every few seconds until the account exists.
async fn wait_for_account(
    client: &Client,
    registration: &Arc<Registration>,
    control: &RegistrationControl,
    on_mail_sent: impl Fn(ValidationMailSent),
) -> AppResult<register::v3::Response> {
    if let Attempt::Registered(response) = registration.attempt(client).await? {
        return Ok(*response);
    }
    let sent = registration.send_mail(client).await?;
    *control.waiting.lock().unwrap() = Some((client.clone(), registration.clone()));
    on_mail_sent(sent);
    loop {
        tokio::time::sleep(POLL_EVERY).await;
        match registration.attempt(client).await {
            Ok(Attempt::Registered(response)) => return Ok(*response),
            Ok(Attempt::WaitingForEmail) => {}
            // The link may be followed after a network blip: keep waiting.
            Err(error) if is_passing(&error) => warn!(code = ?error.code, %error.message, "registration: asking again later"),
            Err(error) => return Err(error),
        }
    }
}

fn is_passing(error: &AppError) -> bool {
    matches!(
        error.code,
        ErrorCode::HomeserverUnreachable | ErrorCode::Network | ErrorCode::ServerError | ErrorCode::RateLimited | ErrorCode::ProxyError
    )
}
