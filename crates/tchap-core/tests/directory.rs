//! Finding people and rooms on the local Tchap federation: the directory
//! across ministries (names, domains, externals), a direct chat started from
//! a result, other servers' forums, email invitations under the rooms'
//! access rules, and a profile hidden from the directory.

mod common;

use std::{future::Future, sync::Arc, time::Duration};

use common::{data_dir, federation::*};
use matrix_sdk::ruma::RoomId;
use serde_json::{Value, json};
use tchap_core::{
    directory::{self, Person},
    error::ErrorCode,
    identity::ServerList,
    rooms,
    session::{self, Session},
};

/// What the homeservers call the identity stand-in (tests/federation/README.md).
const ID_SERVER: &str = "id.tchap.localhost";
const RULES: &str = "im.vector.room.access_rules";

/// The federation's servers as a deployment would configure them.
fn servers(federation: &Federation) -> ServerList {
    ServerList { identity_server_name: Some(ID_SERVER.into()), ..federation.server_list() }
}

fn encoded(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

async fn create_room(user: &FedUser, body: Value) -> String {
    let (status, answer) = user.call(reqwest::Method::POST, "/_matrix/client/v3/createRoom", Some(body)).await;
    assert_eq!(status, 200, "{answer}");
    answer["room_id"].as_str().unwrap().to_owned()
}

/// A forum as Tchap creates them: public, published, shared history.
async fn create_forum(user: &FedUser, name: &str, topic: &str) -> String {
    create_room(
        user,
        json!({"preset": "public_chat", "visibility": "public", "name": name, "topic": topic,
               "initial_state": [{"type": "m.room.history_visibility", "state_key": "", "content": {"history_visibility": "shared"}}]}),
    )
    .await
}

async fn join(user: &FedUser, room_id: &str, via: &str) {
    let path = format!("/_matrix/client/v3/join/{}?server_name={via}", encoded(room_id));
    let (status, answer) = user.call(reqwest::Method::POST, &path, Some(json!({}))).await;
    assert_eq!(status, 200, "{} joining {room_id}: {answer}", user.user_id);
}

async fn access_rule(user: &FedUser, room_id: &str) -> String {
    let path = format!("/_matrix/client/v3/rooms/{}/state/{RULES}/", encoded(room_id));
    let (status, answer) = user.call(reqwest::Method::GET, &path, None).await;
    assert_eq!(status, 200, "{answer}");
    answer["rule"].as_str().unwrap().to_owned()
}

/// Asks `probe` again until it gives something (Synapse's directories fill in
/// the background).
async fn eventually<T, F: Future<Output = Option<T>>>(what: &str, within: Duration, mut probe: impl FnMut() -> F) -> T {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn signed_in(user: &FedUser) -> (tempfile::TempDir, Arc<Session>) {
    let data = data_dir();
    let session = session::login(data.path(), &user.client_url, &user.email, FED_PASSWORD).await.unwrap();
    (data, session)
}

/// The random part of a `fresh_email`: a search term only this test's people match.
fn tag(user: &FedUser) -> String {
    user.email.split('@').next().unwrap().rsplit('.').next().unwrap().to_owned()
}

/// The name Tchap shows: the display name without its "[Domaine]".
fn shown_name(user: &FedUser) -> String {
    user.displayname.split(" [").next().unwrap().to_owned()
}

async fn find_person(session: &Session, term: &str, user_id: &str, within: Duration) -> Person {
    eventually(&format!("{user_id} in the directory"), within, || async move {
        let found = directory::search_people(session.context(), term).await.unwrap();
        found.people.into_iter().find(|p| p.user_id == user_id)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_of_another_ministry_is_found_by_name_and_a_direct_chat_starts_from_the_result() {
    let federation = Federation::load();
    let alice = federation.register(&fresh_email("alice.martin", "dinum.gouv.fr"));
    let bruno = federation.register(&fresh_email("bruno.petit", "interieur.gouv.fr"));
    let (_data, session) = signed_in(&alice).await;

    // Bruno's forum, which Alice joins: her server now shares a public room
    // with him, which is how Synapse's directory learns of remote people.
    let forum = create_forum(&bruno, &format!("Forum {}", tag(&bruno)), "Échanges").await;
    join(&alice, &forum, &bruno.server_name).await;

    let term = format!("Petit {}", tag(&bruno));
    let person = find_person(&session, &term, &bruno.user_id, Duration::from_secs(20)).await;
    assert_eq!(person, Person { user_id: bruno.user_id.clone(), name: shown_name(&bruno), domain: Some("Interieur".into()), is_external: false });

    // One letter is not a search; oneself is never a result.
    assert!(directory::search_people(session.context(), "P").await.unwrap().people.is_empty());
    let own = directory::search_people(session.context(), &format!("Martin {}", tag(&alice))).await.unwrap();
    assert!(own.people.iter().all(|p| p.user_id != alice.user_id), "{own:?}");

    // "Écrire" on the result: a direct chat Bruno is invited to and can join.
    let dm = rooms::create_dm(session.context(), &person.user_id).await.unwrap();
    join(&bruno, &dm, &alice.server_name).await;
    assert_eq!(access_rule(&bruno, &dm).await, "direct");
    session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_external_met_in_a_room_is_found_with_the_external_flag() {
    let federation = Federation::load();
    let alice = federation.register(&fresh_email("alice.durand", "dinum.gouv.fr"));
    let eve = federation.register(&fresh_email("eve.partenaire", "prestataire.example"));
    let (_data, session) = signed_in(&alice).await;

    // Externals never enter a public room (forums are restricted): they are
    // met in rooms open to externals, which Synapse's directory takes in
    // once it refreshed their profile over federation, about a minute later.
    let room = create_room(
        &alice,
        json!({"preset": "private_chat", "name": "Projet avec un partenaire", "invite": [eve.user_id],
               "initial_state": [{"type": RULES, "state_key": "", "content": {"rule": "unrestricted"}}]}),
    )
    .await;
    join(&eve, &room, &alice.server_name).await;

    let term = format!("Partenaire {}", tag(&eve));
    let person = find_person(&session, &term, &eve.user_id, Duration::from_secs(150)).await;
    assert_eq!(person, Person { user_id: eve.user_id.clone(), name: shown_name(&eve), domain: None, is_external: true });
    session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn another_servers_forums_are_listed_and_joined_through_that_server() {
    let federation = Federation::load();
    let list = servers(&federation);
    let alice = federation.register(&fresh_email("alice.bernard", "dinum.gouv.fr"));
    let bruno = federation.register(&fresh_email("bruno.leroy", "interieur.gouv.fr"));
    let (_data, session) = signed_in(&alice).await;

    let offered = directory::forum_servers(session.context(), &list).unwrap();
    assert_eq!(offered[0].server_name, alice.server_name, "her own server first");
    assert!(offered[0].is_own);
    let interieur = offered.iter().find(|s| s.server_name == bruno.server_name).expect("Bruno's server is offered");
    assert_eq!(interieur.label, "Intérieur");

    let name = format!("Forum Intérieur {}", tag(&bruno));
    let forum = create_forum(&bruno, &name, "Les nouvelles du ministère").await;
    let (context, list_ref, bruno_ref, forum_ref) = (session.context(), &list, &bruno, &forum);
    let listed = eventually("the forum in the interieur directory", Duration::from_secs(20), || async move {
        let page = directory::list_forums(context, list_ref, &bruno_ref.server_name, Some(&tag(bruno_ref)), None).await.unwrap();
        page.forums.into_iter().find(|f| f.room_id == *forum_ref)
    })
    .await;
    assert_eq!(listed.name, name);
    assert_eq!(listed.topic.as_deref(), Some("Les nouvelles du ministère"));
    assert_eq!(listed.member_count, 1);
    assert!(!listed.is_joined);
    // Alice's own server does not list it: it is Bruno's server's forum.
    let own = directory::list_forums(session.context(), &list, &alice.server_name, Some(&tag(&bruno)), None).await.unwrap();
    assert!(own.forums.iter().all(|f| f.room_id != forum));

    let joined = directory::join_forum(session.context(), &forum, &bruno.server_name).await.unwrap();
    assert_eq!(joined, forum);
    let (_, members) = bruno.call(reqwest::Method::GET, &format!("/_matrix/client/v3/rooms/{}/joined_members", encoded(&forum)), None).await;
    assert!(members["joined"].get(&alice.user_id).is_some(), "Bruno sees Alice in his forum: {members}");
    let again = directory::list_forums(session.context(), &list, &bruno.server_name, Some(&tag(&bruno)), None).await.unwrap();
    assert!(again.forums.iter().any(|f| f.room_id == forum && f.is_joined && f.member_count == 2), "{again:?}");

    // Only the servers of the list are browsed.
    let outside = directory::list_forums(session.context(), &list, "matrix.org", None, None).await.unwrap_err();
    assert_eq!(outside.code, ErrorCode::NotFound);
    session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn email_invitations_follow_the_rooms_access_rules() {
    let federation = Federation::load();
    let list = servers(&federation);
    let alice = federation.register(&fresh_email("alice.moreau", "dinum.gouv.fr"));
    let (_data, session) = signed_in(&alice).await;
    let context = session.context();

    // A private room: agents only (the module's default rule).
    let restricted = rooms::create_room(context, "Cellule de crise").await.unwrap();
    assert_eq!(access_rule(&alice, &restricted).await, "restricted");
    assert!(directory::pending_email_invites(context, &restricted).await.unwrap().is_empty());

    let agent_email = fresh_email("nouvelle.agente", "interieur.gouv.fr");
    directory::invite_by_email(context, &list, &restricted, &agent_email).await.unwrap();
    let pending = directory::pending_email_invites(context, &restricted).await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert!(pending[0].display_name.ends_with("@interieur.gouv.fr"), "{pending:?}");
    assert_eq!(pending[0].invited_by, alice.user_id);
    federation.wait_mail(&agent_email, "vous invite").await;

    let external_email = fresh_email("nouvel.externe", "prestataire.example");
    let refused = directory::invite_by_email(context, &list, &restricted, &external_email).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::ExternalEmailNotAllowed);
    assert_eq!(directory::pending_email_invites(context, &restricted).await.unwrap().len(), 1);

    // A room open to externals takes the same address.
    let open = create_room(
        &alice,
        json!({"preset": "private_chat", "name": "Ouvert aux externes",
               "initial_state": [{"type": RULES, "state_key": "", "content": {"rule": "unrestricted"}}]}),
    )
    .await;
    let (client, open_id) = (session.client(), RoomId::parse(&open).unwrap());
    eventually("the new room in Alice's session", Duration::from_secs(20), || async { client.get_room(&open_id) }).await;
    directory::invite_by_email(context, &list, &open, &external_email).await.unwrap();
    let pending = directory::pending_email_invites(context, &open).await.unwrap();
    assert!(pending.iter().any(|p| p.display_name.ends_with("@prestataire.example")), "{pending:?}");

    assert_eq!(directory::invite_by_email(context, &list, &open, "pas-une-adresse").await.unwrap_err().code, ErrorCode::InvalidEmail);
    session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hidden_profile_is_kept_in_the_account_data() {
    let federation = Federation::load();
    let alice = federation.register(&fresh_email("alice.discrete", "dinum.gouv.fr"));
    let (_data, session) = signed_in(&alice).await;
    assert!(!directory::is_profile_hidden(session.context()).await.unwrap());

    directory::set_profile_hidden(session.context(), true).await.unwrap();
    let path = format!("/_matrix/client/v3/user/{}/account_data/im.vector.hide_profile", encoded(&alice.user_id));
    let (status, stored) = alice.call(reqwest::Method::GET, &path, None).await;
    assert_eq!((status, stored), (200, json!({"hide_profile": true})));
    // Another session of hers (another device) reads the same choice.
    let (_other_data, other) = signed_in(&alice).await;
    assert!(directory::is_profile_hidden(other.context()).await.unwrap());

    directory::set_profile_hidden(other.context(), false).await.unwrap();
    assert!(!directory::is_profile_hidden(session.context()).await.unwrap());
    other.stop().await;
    session.stop().await;
}
