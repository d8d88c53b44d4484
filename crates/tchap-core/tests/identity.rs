//! Signing in as Tchap's users do, with their professional email, on the
//! local Tchap federation: the app finds the ministry's server itself.

mod common;

use common::{data_dir, federation::*};
use tchap_core::{
    error::ErrorCode,
    identity::{ServerEntry, ServerList, find_homeserver},
    network::NetworkSettings,
    session,
};

/// A server of the list that does not answer (stopped, or cut off).
fn dead_server(name: &str) -> ServerEntry {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    ServerEntry {
        server_name: name.into(),
        label: "En panne".into(),
        client_url: Some(format!("http://127.0.0.1:{port}")),
        identity_url: Some(format!("http://127.0.0.1:{port}")),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_email_leads_to_its_ministrys_server() {
    let federation = Federation::load();
    let list = federation.server_list();
    for (email, server) in [
        ("alice.martin@dinum.gouv.fr", "agent.dinum."),
        ("bruno.dupont@interieur.gouv.fr", "agent.interieur."),
        ("Nina.Partenaire@Prestataire.example", "agent.externe."),
    ] {
        let found = find_homeserver(&list, &NetworkSettings::default(), email).await.unwrap();
        let expected = federation.server(server);
        assert_eq!(found.server.server_name, expected.server_name, "{email}");
        assert_eq!(Some(found.client_url), expected.client_url.clone(), "{email}");
    }
    assert_eq!(find_homeserver(&list, &NetworkSettings::default(), "pas-une-adresse").await.unwrap_err().code, ErrorCode::InvalidEmail);
}

#[tokio::test(flavor = "multi_thread")]
async fn servers_that_do_not_answer_are_skipped() {
    let federation = Federation::load();
    let mut list = federation.server_list();
    list.entries.push(dead_server("agent.panne1.tchap.localhost"));
    list.entries.push(dead_server("agent.panne2.tchap.localhost"));
    // Asked in random order: over several sign-ins, dead servers come first.
    for _ in 0..8 {
        let found = find_homeserver(&list, &NetworkSettings::default(), "claire.petit@dinum.gouv.fr").await.unwrap();
        assert_eq!(found.server.server_name, federation.server("agent.dinum.").server_name);
    }

    let all_down = ServerList { entries: vec![dead_server("agent.a.tchap.localhost"), dead_server("agent.b.tchap.localhost")], ..ServerList::default() };
    assert_eq!(find_homeserver(&all_down, &NetworkSettings::default(), "claire.petit@dinum.gouv.fr").await.unwrap_err().code, ErrorCode::NoServerAnswered);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_outside_the_list_is_never_used() {
    let federation = Federation::load();
    // A deployment that lists the ministries' servers only: an email that
    // belongs to the externals' server is not one this app signs in.
    let mut list = federation.server_list();
    list.entries.retain(|s| !s.server_name.starts_with("agent.externe."));
    let error = find_homeserver(&list, &NetworkSettings::default(), "nina@prestataire.example").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::EmailNotAllowed);
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_with_a_professional_email() {
    let federation = Federation::load();
    let list = federation.server_list();
    let agent = federation.register(&fresh_email("denise.roux", "interieur.gouv.fr"));

    let homeserver = session::resolve_homeserver(&list, &NetworkSettings::default(), None, &agent.email).await.unwrap();
    assert_eq!(homeserver, agent.client_url);
    let data = data_dir();
    // As typed, capitals and spaces included.
    let typed = format!("  {}  ", agent.email.to_uppercase());
    let signed_in = session::login(data.path(), &homeserver, &typed, FED_PASSWORD).await.unwrap();
    assert_eq!(signed_in.info().await.user_id, agent.user_id);
    signed_in.stop().await;

    let wrong = session::login(data_dir().path(), &homeserver, &agent.email, "Mauvais-mot-2026!").await.err().unwrap();
    assert_eq!(wrong.code, ErrorCode::InvalidCredentials);
    let unknown = session::login(data_dir().path(), &homeserver, &fresh_email("inconnu", "interieur.gouv.fr"), FED_PASSWORD).await.err().unwrap();
    assert_eq!(unknown.code, ErrorCode::InvalidCredentials);
}
