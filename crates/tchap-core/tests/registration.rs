//! Creating an account as Tchap's agents did before MAS, on the local Tchap
//! federation: the server found from the email, its password rules, the
//! validation mail whose link the user follows while the app waits, then a
//! session that starts (and is remembered) as after a sign-in.

mod common;

use std::{path::Path, sync::Arc};

use common::{Recorder, data_dir, federation::*, session_dirs};
use serde_json::{Value, json};
use tchap_core::{
    error::{AppResult, ErrorCode},
    identity::{
        password_policy::{PasswordRule, password_policy},
        registration::{RegistrationTarget, ValidationMailSent, registration_form, registration_target},
    },
    network::NetworkSettings,
    session::{self, RegistrationControl, Session},
};

/// Tchap's five rules, as the federation's servers publish them.
fn tchaps_rules() -> Vec<PasswordRule> {
    vec![PasswordRule::MinimumLength { length: 8 }, PasswordRule::Lowercase, PasswordRule::Uppercase, PasswordRule::Digit, PasswordRule::Symbol]
}

/// A registration running in the background, as the app runs it while the
/// user goes to their mailbox.
struct Running {
    control: RegistrationControl,
    mails: Recorder<ValidationMailSent>,
    task: tokio::task::JoinHandle<AppResult<Option<Arc<Session>>>>,
}

fn start(data: &Path, target: RegistrationTarget, password: &str) -> Running {
    let (control, mails) = (RegistrationControl::default(), Recorder::new());
    let (data, password, task_control, sink) = (data.to_owned(), password.to_owned(), control.clone(), mails.sink());
    let task = tokio::spawn(async move { session::register(&data, target, &password, false, &task_control, sink).await });
    Running { control, mails, task }
}

/// The user opens the validation mail and follows its link.
async fn follow_validation_link(federation: &Federation, email: &str) {
    let links = federation.wait_mail(email, "Validate your email").await;
    let link = links.iter().find(|l| l.contains("submit_token") || l.contains("validate")).expect("a validation link");
    let clicked = reqwest::get(link).await.unwrap();
    assert!(clicked.status().is_success(), "validation link: {}", clicked.status());
}

fn mails_to(federation: &Federation, email: &str) -> usize {
    std::fs::read_dir(&federation.mail_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "json"))
        .filter(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default().to_lowercase().contains(&email.to_lowercase()))
        .count()
}

/// "Prenom Nom Xyz": the stand-in capitalises each word as Tchap does.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_form_shows_the_ministrys_server_and_its_five_password_rules() {
    let federation = Federation::load();
    let dinum = federation.server("agent.dinum.");
    assert_eq!(password_policy(&NetworkSettings::default(), dinum.client_url.as_deref().unwrap()).await.unwrap(), tchaps_rules());

    let form = registration_form(&federation.server_list(), &NetworkSettings::default(), &fresh_email("paul.nouveau", "dinum.gouv.fr")).await.unwrap();
    assert_eq!(form.server_name, dinum.server_name);
    assert!(!form.is_external);
    assert_eq!(form.password_rules, tchaps_rules());
    assert!(form.terms.is_empty(), "the federation's servers ask for no terms");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_registers_from_the_mailed_link_and_lands_in_a_remembered_session() {
    let federation = Federation::load();
    let list = federation.server_list();
    let email = fresh_email("nadia.nouvelle", "dinum.gouv.fr");
    let data = data_dir();
    let target = registration_target(&list, &NetworkSettings::default(), &email).await.unwrap();
    let running = start(data.path(), target, FED_PASSWORD);

    let sent = running.mails.wait_last("the validation mail is sent", |_| true).await;
    assert!(sent.resend_in_secs >= 30, "{sent:?}");
    assert_eq!(running.control.resend_mail().await.unwrap_err().code, ErrorCode::RateLimited, "one mail at a time");
    // The app keeps asking the server while the link is not followed.
    tokio::time::sleep(session::POLL_EVERY * 2).await;
    assert!(!running.task.is_finished(), "no account before the link is followed");
    assert_eq!(session::current_session_dir(data.path()).unwrap(), None, "nothing current before the account exists");

    follow_validation_link(&federation, &email).await;
    let signed_in = tokio::time::timeout(session::POLL_EVERY * 5, running.task).await.expect("registration finishes by itself").unwrap();
    let signed_in = signed_in.unwrap().expect("not cancelled");

    let server = &federation.server("agent.dinum.").server_name;
    let info = signed_in.info().await;
    assert_eq!(info.user_id, format!("@{}:{server}", email.replace('@', "-")));
    let local = email.split('@').next().unwrap();
    let name: Vec<String> = local.split('.').map(capitalised).collect();
    // The server's "Prénom Nom [Dinum]", shown as Tchap shows people: the ministry apart.
    assert_eq!((info.display_name.as_deref(), info.domain.as_deref()), (Some(name.join(" ").as_str()), Some("Dinum")));
    assert!(info.is_remembered);
    let devices = signed_in.client().devices().await.unwrap().devices;
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].display_name.as_deref(), Some(session::DEVICE_DISPLAY_NAME));
    assert_eq!(session::current_session_dir(data.path()).unwrap().as_deref(), Some(signed_in.session_dir()));

    // Remembered: the next launch reopens it without the password.
    signed_in.stop().await;
    drop(signed_in);
    let restored = session::restore(data.path()).await.unwrap().expect("the new session was kept");
    assert_eq!(restored.info().await.user_id, info.user_id);
    restored.stop().await;

    // And the new account signs in with its email, as any other.
    let client_url = federation.server("agent.dinum.").client_url.clone().unwrap();
    let again = session::login(data_dir().path(), &client_url, &email, FED_PASSWORD).await.unwrap();
    assert_eq!(again.info().await.user_id, info.user_id);
    again.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_weak_password_is_refused_by_the_server_before_any_mail() {
    let federation = Federation::load();
    let email = fresh_email("leo.faible", "dinum.gouv.fr");
    let target = registration_target(&federation.server_list(), &NetworkSettings::default(), &email).await.unwrap();
    let data = data_dir();
    let control = RegistrationControl::default();
    let mails = Recorder::<ValidationMailSent>::new();
    // Long enough, but no capital, digit nor symbol.
    let refused = session::register(data.path(), target, "motdepassefaible", false, &control, mails.sink()).await.err().unwrap();
    assert_eq!(refused.code, ErrorCode::WeakPassword, "{refused:?}");
    assert!(mails.last().is_none());
    assert_eq!(mails_to(&federation, &email), 0, "no mail for a refused password");
    assert!(session_dirs(data.path()).is_empty(), "the attempt's folder is removed");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_email_the_server_refuses_is_not_allowed_on_tchap() {
    let federation = Federation::load();
    // An Intérieur address on the DINUM server (a stale or forged /info answer).
    let dinum = federation.server("agent.dinum.");
    let email = fresh_email("ines.ailleurs", "interieur.gouv.fr");
    let forced = RegistrationTarget { email: email.clone(), server: dinum.clone(), client_url: dinum.client_url.clone().unwrap() };
    let data = data_dir();
    let refused = session::register(data.path(), forced, FED_PASSWORD, false, &RegistrationControl::default(), |_| {}).await.err().unwrap();
    assert_eq!(refused.code, ErrorCode::EmailNotAllowed, "{refused:?}");
    assert_eq!(mails_to(&federation, &email), 0);
    assert!(session_dirs(data.path()).is_empty());

    // A deployment whose list has no externals' server: an unknown domain has nowhere to go.
    let mut agents_only = federation.server_list();
    agents_only.entries.retain(|s| !s.server_name.starts_with("agent.externe."));
    let error = registration_target(&agents_only, &NetworkSettings::default(), "nina@prestataire.example").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::EmailNotAllowed);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_email_with_an_account_already_says_so() {
    let federation = Federation::load();
    let existing = federation.register(&fresh_email("bob.existant", "interieur.gouv.fr"));
    let target = registration_target(&federation.server_list(), &NetworkSettings::default(), &existing.email).await.unwrap();
    let data = data_dir();
    let refused = session::register(data.path(), target, FED_PASSWORD, false, &RegistrationControl::default(), |_| {}).await.err().unwrap();
    assert_eq!(refused.code, ErrorCode::EmailInUse, "{refused:?}");
    assert!(session_dirs(data.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_while_waiting_for_the_link_leaves_nothing_behind() {
    let federation = Federation::load();
    let email = fresh_email("carl.hesitant", "dinum.gouv.fr");
    let data = data_dir();
    let target = registration_target(&federation.server_list(), &NetworkSettings::default(), &email).await.unwrap();
    let running = start(data.path(), target, FED_PASSWORD);
    running.mails.wait_last("the validation mail is sent", |_| true).await;
    running.control.cancel();
    let result = tokio::time::timeout(std::time::Duration::from_secs(5), running.task).await.expect("cancel is prompt").unwrap();
    assert!(matches!(result, Ok(None)), "cancelled");
    assert!(session_dirs(data.path()).is_empty(), "the attempt's folder is removed");
    assert_eq!(session::current_session_dir(data.path()).unwrap(), None);
}

/// An agent invites `email` into a room open to externals, through the
/// identity server (what makes `/info` answer `invited: true`).
async fn invite_by_email(federation: &Federation, agent: &FedUser, email: &str) {
    let http = reqwest::Client::new();
    let call = |path: &str, body: Value| {
        http.post(format!("{}{path}", agent.client_url)).bearer_auth(&agent.access_token).json(&body).send()
    };
    let room: Value = call(
        "/_matrix/client/v3/createRoom",
        json!({"preset": "private_chat", "name": "Projet avec des partenaires",
               "initial_state": [{"type": "im.vector.room.access_rules", "state_key": "", "content": {"rule": "unrestricted"}}]}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let room_id = room["room_id"].as_str().expect("room created");
    let openid: Value = call(&format!("/_matrix/client/v3/user/{}/openid/request_token", agent.user_id), json!({})).await.unwrap().json().await.unwrap();
    let identity: Value = http
        .post(format!("{}/_matrix/identity/v2/account/register", federation.identity_url))
        .json(&openid)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let invite = call(
        &format!("/_matrix/client/v3/rooms/{room_id}/invite"),
        json!({"id_server": "id.tchap.localhost", "id_access_token": identity["token"], "medium": "email", "address": email}),
    )
    .await
    .unwrap();
    assert!(invite.status().is_success(), "email invite: {}", invite.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_external_registers_only_once_an_agent_invited_them() {
    let federation = Federation::load();
    let list = federation.server_list();
    let email = fresh_email("nina.partenaire", "prestataire.example");

    let refused = registration_target(&list, &NetworkSettings::default(), &email).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::ExternalNotInvited);
    assert_eq!(registration_form(&list, &NetworkSettings::default(), &email).await.unwrap_err().code, ErrorCode::ExternalNotInvited);
    assert_eq!(mails_to(&federation, &email), 0, "nothing sent before the invite");

    let agent = federation.register(&fresh_email("alice.hote", "dinum.gouv.fr"));
    invite_by_email(&federation, &agent, &email).await;
    let form = registration_form(&list, &NetworkSettings::default(), &email).await.unwrap();
    assert!(form.is_external);
    assert_eq!(form.server_name, federation.server("agent.externe.").server_name);

    let data = data_dir();
    let running = start(data.path(), registration_target(&list, &NetworkSettings::default(), &email).await.unwrap(), FED_PASSWORD);
    running.mails.wait_last("the validation mail is sent", |_| true).await;
    follow_validation_link(&federation, &email).await;
    let signed_in = tokio::time::timeout(session::POLL_EVERY * 5, running.task).await.expect("registration finishes").unwrap().unwrap().unwrap();
    let info = signed_in.info().await;
    assert_eq!(info.user_id, format!("@{}:{}", email.replace('@', "-"), federation.server("agent.externe.").server_name));
    signed_in.stop().await;
}
