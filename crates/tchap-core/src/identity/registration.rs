//! Self-enrolment, as Tchap did before MAS: the homeserver comes from the
//! email (`/info`), the password follows the server's policy, and the email
//! is proven by the link the server mails (`/register/email/requestToken`,
//! then `/register` with user-interactive auth). No user name is sent: the
//! server derives the Matrix ID and the display name from the email.
//!
//! The session side (stores, keyring, waiting for the link) is
//! `session::register`; this module speaks the protocol.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use matrix_sdk::{
    Client,
    ruma::{
        ClientSecret, OwnedClientSecret, OwnedSessionId, UInt,
        api::{
            client::{
                account::{register, request_registration_token_via_email},
                uiaa::{AuthData, AuthFlow, AuthType, LoginTermsParams, UiaaInfo},
            },
            error::ErrorKind,
        },
    },
};
use serde::Serialize;
use serde_json::json;
use tracing::info;

use super::{
    discovery::find_homeserver,
    names::is_external,
    password_policy::{PasswordRule, is_password_refusal, password_policy},
    servers::{ServerEntry, ServerList},
};
use crate::{
    error::{AppError, AppResult, ErrorCode},
    network::NetworkSettings,
};

/// Between two validation mails: the first one may simply take a while.
pub const RESEND_AFTER: Duration = Duration::from_secs(60);
const FLOWS_TIMEOUT: Duration = Duration::from_secs(15);
/// The stages this app completes by itself (terms once the user accepted them).
const DOABLE: [AuthType; 3] = [AuthType::EmailIdentity, AuthType::Dummy, AuthType::Terms];

/// Where an email's account is to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationTarget {
    /// As checked: trimmed, lowercase.
    pub email: String,
    pub server: ServerEntry,
    pub client_url: String,
}

/// The server of `email`, asked of Tchap's servers. An external partner may
/// only register once an agent invited them: refused here, before anything
/// is sent to the server.
pub async fn registration_target(servers: &ServerList, network: &NetworkSettings, email: &str) -> AppResult<RegistrationTarget> {
    let found = find_homeserver(servers, network, email).await?;
    if is_external(&found.server.server_name) && !found.invited {
        return Err(AppError::new(ErrorCode::ExternalNotInvited, "an external email nobody invited"));
    }
    let email = super::discovery::checked_email(email)?;
    Ok(RegistrationTarget { email, server: found.server, client_url: found.client_url })
}

/// What the registration form shows once the email is known.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationForm {
    pub server_name: String,
    /// What users call the server ("DINUM", "Externes").
    pub server_label: String,
    pub is_external: bool,
    pub password_rules: Vec<PasswordRule>,
    /// Documents to accept first (`m.login.terms`); empty when none.
    pub terms: Vec<TermsDocument>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TermsDocument {
    pub name: String,
    pub url: String,
}

/// The server, its password rules and its terms, for `email`.
pub async fn registration_form(servers: &ServerList, network: &NetworkSettings, email: &str) -> AppResult<RegistrationForm> {
    let target = registration_target(servers, network, email).await?;
    let (rules, info) = tokio::try_join!(password_policy(network, &target.client_url), registration_flows(network, &target.client_url))?;
    chosen_flow(&info.flows)?;
    Ok(RegistrationForm {
        server_name: target.server.server_name.clone(),
        server_label: target.server.label.clone(),
        is_external: is_external(&target.server.server_name),
        password_rules: rules,
        terms: terms_documents(&info),
    })
}

/// The server's registration stages, from an empty `/register` (which only
/// opens an auth session on the server).
async fn registration_flows(network: &NetworkSettings, client_url: &str) -> AppResult<UiaaInfo> {
    let url = format!("{}/_matrix/client/v3/register", client_url.trim_end_matches('/'));
    let request = crate::http::client(network, FLOWS_TIMEOUT)?.post(url).header("content-type", "application/json").body("{}");
    let answer = crate::http::send(request, "registration flows").await?;
    let status = answer.status.as_u16();
    match status {
        401 => answer.json("registration flows"),
        403 | 404 => Err(AppError::new(ErrorCode::RegistrationUnavailable, format!("registration closed: {status}"))),
        _ => Err(AppError::new(ErrorCode::ServerError, format!("registration flows: the server answered {status}"))),
    }
}

/// The first flow that proves the email and asks nothing this app cannot do.
pub fn chosen_flow(flows: &[AuthFlow]) -> AppResult<Vec<AuthType>> {
    flows
        .iter()
        .find(|flow| flow.stages.contains(&AuthType::EmailIdentity) && flow.stages.iter().all(|stage| DOABLE.contains(stage)))
        .map(|flow| flow.stages.clone())
        .ok_or_else(|| {
            let offered: Vec<Vec<&str>> = flows.iter().map(|f| f.stages.iter().map(AuthType::as_str).collect()).collect();
            AppError::new(ErrorCode::RegistrationUnavailable, format!("no registration flow the app can do: {offered:?}"))
        })
}

/// The terms the server asks to accept, in French when it has them.
pub fn terms_documents(info: &UiaaInfo) -> Vec<TermsDocument> {
    let Ok(Some(params)) = info.params::<LoginTermsParams>(&AuthType::Terms) else {
        return Vec::new();
    };
    params
        .policies
        .values()
        .filter_map(|policy| {
            let by_language = |prefix: &str| policy.translations.iter().find(|(lang, _)| lang.to_lowercase().starts_with(prefix)).map(|(_, t)| t);
            let translation = by_language("fr").or_else(|| by_language("en")).or_else(|| policy.translations.values().next())?;
            Some(TermsDocument { name: translation.name.clone(), url: translation.url.clone() })
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ValidationMailSent {
    /// Seconds before another mail can be asked for.
    pub resend_in_secs: u32,
}

/// Where one registration stands.
pub enum Attempt {
    /// The account exists; the client holds its session.
    Registered(Box<register::v3::Response>),
    /// The email's link has not been followed yet (or its mail not sent yet).
    WaitingForEmail,
}

/// One registration under way: the server's auth session, the stages done,
/// the validation mail.
pub struct Registration {
    target: RegistrationTarget,
    password: String,
    device_name: String,
    accepted_terms: bool,
    client_secret: OwnedClientSecret,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The server's auth session, once the first `/register` answered.
    session: Option<String>,
    stages: Vec<AuthType>,
    completed: Vec<AuthType>,
    /// The validation mail's session, once sent.
    sid: Option<OwnedSessionId>,
    send_attempt: u32,
    last_sent: Option<Instant>,
}

impl Registration {
    pub fn new(target: RegistrationTarget, password: &str, device_name: &str, accepted_terms: bool) -> AppResult<Self> {
        let client_secret =
            ClientSecret::parse(hex::encode(rand::random::<[u8; 16]>())).map_err(|e| AppError::internal("client secret", e))?;
        Ok(Self {
            target,
            password: password.to_owned(),
            device_name: device_name.to_owned(),
            accepted_terms,
            client_secret,
            state: Mutex::new(State::default()),
        })
    }

    /// Goes as far as the server lets it: the first call opens the auth
    /// session (and has the password checked against the policy, before any
    /// mail); then each stage the app can do by itself; then the email's,
    /// which only passes once the link was followed.
    pub async fn attempt(&self, client: &Client) -> AppResult<Attempt> {
        loop {
            let (stage, auth) = match self.next_auth()? {
                Next::Open => (None, None),
                Next::Send(stage, auth) => (Some(stage), Some(auth)),
                Next::Wait => return Ok(Attempt::WaitingForEmail),
            };
            let mut request = register::v3::Request::new();
            request.password = Some(self.password.clone());
            request.initial_device_display_name = Some(self.device_name.clone());
            request.refresh_token = true;
            request.auth = auth;
            let error = match client.matrix_auth().register(request).await {
                Ok(response) => {
                    info!(user_id = %response.user_id, "account registered");
                    return Ok(Attempt::Registered(Box::new(response)));
                }
                Err(error) => error,
            };
            let Some(uiaa) = error.as_uiaa_response() else {
                return Err(registration_error("register", error.client_api_error_kind(), AppError::from_sdk("register", &error)));
            };
            self.progress(uiaa, stage.clone())?;
            if stage == Some(AuthType::EmailIdentity) && !uiaa.completed.contains(&AuthType::EmailIdentity) {
                return Ok(Attempt::WaitingForEmail);
            }
        }
    }

    /// What to send next, from what the server said last.
    fn next_auth(&self) -> AppResult<Next> {
        let state = self.state.lock().unwrap();
        let Some(session) = state.session.clone() else {
            return Ok(Next::Open);
        };
        let Some(stage) = state.stages.iter().find(|s| !state.completed.contains(s)).cloned() else {
            // Every stage done and still no account: the server wants more than it said.
            return Err(AppError::new(ErrorCode::RegistrationUnavailable, "every stage done, registration still refused"));
        };
        let mut data = serde_json::Map::new();
        match stage {
            AuthType::EmailIdentity => {
                let Some(sid) = &state.sid else { return Ok(Next::Wait) };
                data.insert("threepid_creds".into(), json!({"sid": sid, "client_secret": self.client_secret}));
            }
            AuthType::Dummy => {}
            AuthType::Terms if self.accepted_terms => {}
            AuthType::Terms => return Err(AppError::new(ErrorCode::TermsNotAccepted, "the server asks to accept its terms")),
            ref other => return Err(AppError::new(ErrorCode::RegistrationUnavailable, format!("stage {other} not supported"))),
        }
        data.insert("type".into(), stage.as_str().into());
        let auth = AuthData::new(stage.as_str(), Some(session), data).map_err(|e| AppError::internal("auth data", e))?;
        Ok(Next::Send(stage, auth))
    }

    /// Takes in the server's answer: its session and flows the first time,
    /// the stages done since. A stage the app completes by itself that the
    /// server did not accept is an error (the email's stage just waits).
    fn progress(&self, uiaa: &UiaaInfo, sent: Option<AuthType>) -> AppResult<()> {
        let mut state = self.state.lock().unwrap();
        if state.session.is_none() {
            state.stages = chosen_flow(&uiaa.flows)?;
        }
        state.session = uiaa.session.clone().or(state.session.take());
        state.completed = uiaa.completed.clone();
        match sent {
            Some(stage) if stage != AuthType::EmailIdentity && !uiaa.completed.contains(&stage) => {
                let reason = uiaa.auth_error.as_ref().map(|e| e.message.clone()).unwrap_or_default();
                Err(AppError::new(ErrorCode::RegistrationUnavailable, format!("stage {stage} refused: {reason}")))
            }
            _ => Ok(()),
        }
    }

    /// Has the server mail the validation link (again: at most once a minute).
    pub async fn send_mail(&self, client: &Client) -> AppResult<ValidationMailSent> {
        let (attempt, previous) = {
            let mut state = self.state.lock().unwrap();
            if let Some(left) = state.last_sent.and_then(|last| RESEND_AFTER.checked_sub(last.elapsed())).filter(|l| !l.is_zero()) {
                return Err(AppError::new(ErrorCode::RateLimited, format!("validation mail asked again {} s too early", left.as_secs())));
            }
            // Held while the request runs, so that a second click waits its turn.
            let previous = state.last_sent.replace(Instant::now());
            state.send_attempt += 1;
            (state.send_attempt, previous)
        };
        let request = request_registration_token_via_email::v3::Request::new(self.client_secret.clone(), self.target.email.clone(), UInt::from(attempt));
        match client.send(request).await {
            Ok(response) => {
                self.state.lock().unwrap().sid = Some(response.sid);
                info!(server = %self.target.server.server_name, attempt, "validation mail sent");
                Ok(ValidationMailSent { resend_in_secs: RESEND_AFTER.as_secs() as u32 })
            }
            Err(error) => {
                self.state.lock().unwrap().last_sent = previous;
                Err(registration_error("requestToken", error.client_api_error_kind(), AppError::from_http("requestToken", &error)))
            }
        }
    }
}

enum Next {
    /// The first call, without auth.
    Open,
    Send(AuthType, AuthData),
    /// The email's stage is next but its mail is not sent yet.
    Wait,
}

/// The server's refusals that mean something to the user at registration.
fn registration_error(context: &str, kind: Option<&ErrorKind>, otherwise: AppError) -> AppError {
    let code = match kind {
        Some(ErrorKind::ThreepidDenied) => ErrorCode::EmailNotAllowed,
        // The Matrix ID derived from the email is taken: its account exists.
        Some(ErrorKind::ThreepidInUse | ErrorKind::UserInUse) => ErrorCode::EmailInUse,
        Some(kind) if is_password_refusal(kind.errcode().as_str()) => ErrorCode::WeakPassword,
        // On /register and requestToken: registration switched off.
        Some(ErrorKind::Forbidden) => ErrorCode::RegistrationUnavailable,
        _ => return otherwise,
    };
    let errcode = kind.map(|k| k.errcode().to_string()).unwrap_or_default();
    AppError::new(code, format!("{context}: {errcode}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(value: serde_json::Value) -> UiaaInfo {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_flow_chosen_proves_the_email_and_asks_nothing_impossible() {
        let flows = info(json!({"flows": [
            {"stages": ["m.login.recaptcha", "m.login.email.identity"]},
            {"stages": ["m.login.dummy"]},
            {"stages": ["m.login.terms", "m.login.email.identity"]},
        ]}))
        .flows;
        assert_eq!(chosen_flow(&flows).unwrap(), [AuthType::Terms, AuthType::EmailIdentity]);
        let synapse = info(json!({"flows": [{"stages": ["m.login.email.identity"]}]})).flows;
        assert_eq!(chosen_flow(&synapse).unwrap(), [AuthType::EmailIdentity]);
        let impossible = info(json!({"flows": [{"stages": ["m.login.recaptcha", "m.login.email.identity"]}, {"stages": ["m.login.dummy"]}]})).flows;
        assert_eq!(chosen_flow(&impossible).unwrap_err().code, ErrorCode::RegistrationUnavailable);
    }

    #[test]
    fn terms_are_shown_in_french_when_the_server_has_them() {
        let answer = info(json!({
            "flows": [{"stages": ["m.login.terms", "m.login.email.identity"]}],
            "params": {"m.login.terms": {"policies": {
                "privacy": {"version": "1", "en": {"name": "Privacy", "url": "https://x/en"}, "fr": {"name": "Confidentialité", "url": "https://x/fr"}},
                "cgu": {"version": "2", "en-GB": {"name": "Terms", "url": "https://x/terms"}},
            }}},
        }));
        assert_eq!(
            terms_documents(&answer),
            [
                TermsDocument { name: "Terms".into(), url: "https://x/terms".into() },
                TermsDocument { name: "Confidentialité".into(), url: "https://x/fr".into() },
            ]
        );
        assert!(terms_documents(&info(json!({"flows": []}))).is_empty());
    }

    #[test]
    fn refusals_get_their_codes() {
        let other = || AppError::new(ErrorCode::Internal, "x");
        let code = |kind: ErrorKind| registration_error("t", Some(&kind), other()).code;
        assert_eq!(code(ErrorKind::ThreepidDenied), ErrorCode::EmailNotAllowed);
        assert_eq!(code(ErrorKind::ThreepidInUse), ErrorCode::EmailInUse);
        assert_eq!(code(ErrorKind::WeakPassword), ErrorCode::WeakPassword);
        let too_short: ErrorKind = serde_json::from_value::<matrix_sdk::ruma::api::error::StandardErrorBody>(
            json!({"errcode": "M_PASSWORD_TOO_SHORT", "error": "short"}),
        )
        .unwrap()
        .kind;
        assert_eq!(code(too_short), ErrorCode::WeakPassword);
        assert_eq!(registration_error("t", None, other()).code, ErrorCode::Internal);
    }
}
