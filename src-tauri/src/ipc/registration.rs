//! Creating an account ("Créer un compte"): the form's server and password
//! rules, the registration itself (it waits for the mailed link), resending
//! the mail and cancelling.

use std::sync::Mutex;

use tauri::{AppHandle, State, ipc::Channel};
use tchap_core::{
    error::{AppError, AppResult, ErrorCode},
    identity::registration::{self, RegistrationForm, ValidationMailSent},
    session::{self, RegistrationControl, SessionInfo},
    state::AppState,
};

use super::{events, logged};

/// The registration under way, if any (one at a time).
#[derive(Default)]
pub struct RunningRegistration(Mutex<Option<RegistrationControl>>);

impl RunningRegistration {
    fn current(&self) -> Option<RegistrationControl> {
        self.0.lock().unwrap().clone()
    }
}

/// The server an email's account would be created on, with its password
/// rules and terms. `external_not_invited` for an external nobody invited.
#[tauri::command]
#[specta::specta]
pub async fn registration_form(state: State<'_, AppState>, email: String) -> AppResult<RegistrationForm> {
    logged("registration_form", registration::registration_form(&state.config.servers, &state.config.network, &email)).await
}

/// Creates the account, then signs in. `on_mail_sent` is told when the
/// validation mail left (and when to allow another); the command returns
/// once the link was followed: the new session, or `null` if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn register(
    app: AppHandle,
    state: State<'_, AppState>,
    running: State<'_, RunningRegistration>,
    email: String,
    password: String,
    accepted_terms: bool,
    on_mail_sent: Channel<ValidationMailSent>,
) -> AppResult<Option<SessionInfo>> {
    logged("register", async {
        let control = RegistrationControl::default();
        let earlier = running.0.lock().unwrap().replace(control.clone());
        if let Some(earlier) = earlier {
            earlier.cancel();
        }
        let result = async {
            let target = registration::registration_target(&state.config.servers, &state.config.network, &email).await?;
            let sent = move |mail| {
                let _ = on_mail_sent.send(mail);
            };
            session::register(&state.paths.data_dir, target, &password, accepted_terms, &control, sent).await
        }
        .await;
        {
            // Unless a newer registration took its place meanwhile.
            let mut slot = running.0.lock().unwrap();
            if slot.as_ref().is_some_and(|current| current.is_same(&control)) {
                slot.take();
            }
        }
        let Some(session) = result? else { return Ok(None) };
        // Only once the new session works: the one it replaces stops (its data stays).
        if let Some(previous) = state.set_session(Some(session.clone())) {
            previous.close().await;
        }
        events::attach(&app, &session);
        Ok(Some(session.info().await))
    })
    .await
}

/// "Renvoyer l'e-mail" while the registration waits for its link.
#[tauri::command]
#[specta::specta]
pub async fn resend_registration_mail(running: State<'_, RunningRegistration>) -> AppResult<ValidationMailSent> {
    logged("resend_registration_mail", async {
        match running.current() {
            Some(control) => control.resend_mail().await,
            None => Err(AppError::new(ErrorCode::NotFound, "no registration under way")),
        }
    })
    .await
}

/// "Annuler": the waiting `register` returns `null`.
#[tauri::command]
#[specta::specta]
pub fn cancel_registration(running: State<'_, RunningRegistration>) {
    if let Some(control) = running.0.lock().unwrap().take() {
        control.cancel();
    }
}
