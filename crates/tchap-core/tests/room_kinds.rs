//! Tchap's room kinds on the local federation, enforced by the real
//! `synapse-room-access-rules`: what each kind is on the server, who may
//! join it (agents of other ministries, externals), opening a private room to
//! externals (never back), and the membership basics (leave, remove, rename).

mod common;

use std::sync::Arc;

use common::{Mirror, data_dir, federation::*};
use serde_json::{Value, json};
use tchap_core::{
    error::ErrorCode,
    room_kind::{AccessRule, AccessRulesEventContent, RoomAccess},
    room_list::{self, RoomKind, RoomSummary},
    rooms::{self, InviteOutcome, NewRoomKind},
    session::{self, Session},
    timeline::{MessageContent, TimelineItem},
};

/// A signed-in app session of `user` (its data folder kept alive with it).
struct App {
    session: Arc<Session>,
    _data: tempfile::TempDir,
}

impl App {
    async fn sign_in(user: &FedUser) -> Self {
        let data = data_dir();
        let session = session::login(data.path(), &user.client_url, &user.email, FED_PASSWORD).await.unwrap();
        Self { session, _data: data }
    }

    fn ctx(&self) -> &tchap_core::context::SessionContext {
        self.session.context()
    }

    /// The room list as the UI gets it (it watches for missing rules itself).
    async fn room_list(&self) -> Mirror<RoomSummary> {
        let list = Mirror::new();
        room_list::subscribe(self.ctx(), list.sink()).await.unwrap();
        list
    }

    fn sdk_room(&self, room_id: &str) -> matrix_sdk::Room {
        let id = matrix_sdk::ruma::RoomId::parse(room_id).unwrap();
        self.ctx().client().get_room(&id).expect("a known room")
    }
}

/// The content of a state event (state key `""`) on the server (Null if the room has none).
async fn state(user: &FedUser, room_id: &str, event_type: &str) -> Value {
    state_for_key(user, room_id, event_type, "").await
}

async fn state_for_key(user: &FedUser, room_id: &str, event_type: &str, state_key: &str) -> Value {
    let path = format!("/_matrix/client/v3/rooms/{room_id}/state/{event_type}/{state_key}");
    let (status, body) = user.call(reqwest::Method::GET, &path, None).await;
    match status {
        200 => body,
        404 => Value::Null,
        _ => panic!("{path}: {status} {body}"),
    }
}

async fn membership(user: &FedUser, room_id: &str, member: &str) -> Value {
    state_for_key(user, room_id, "m.room.member", member).await["membership"].clone()
}

/// Waits (up to 30 s) until `member`'s membership in the room, as `user`'s
/// server sees it, is `wanted`.
async fn wait_membership(user: &FedUser, room_id: &str, member: &str, wanted: &str) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let seen = membership(user, room_id, member).await;
        if seen == wanted {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{member} is {seen} in {room_id}, not {wanted}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

fn find<'a>(rooms: &'a [RoomSummary], id: &str) -> Option<&'a RoomSummary> {
    rooms.iter().find(|room| room.id == id)
}

async fn wait_for_invite(list: &Mirror<RoomSummary>, room_id: &str) {
    list.wait_until("the invitation in the list", |rooms| find(rooms, room_id).is_some_and(|r| r.kind == RoomKind::Invite)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_kind_is_created_as_tchap_does_and_shown_as_such() {
    let federation = Federation::load();
    let agent = federation.register(&fresh_email("claire.fondatrice", "dinum.gouv.fr"));
    let app = App::sign_in(&agent).await;
    let list = app.room_list().await;

    let private = rooms::create_room_of_kind(app.ctx(), "Cellule de crise", NewRoomKind::Private).await.unwrap();
    let open = rooms::create_room_of_kind(app.ctx(), "Projet avec les partenaires", NewRoomKind::PrivateOpenToExternals).await.unwrap();
    let forum = rooms::create_room_of_kind(app.ctx(), "Forum des développeurs", NewRoomKind::Forum).await.unwrap();

    for (room_id, rule, encrypted, join_rule, history, listed) in [
        (&private, "restricted", true, "invite", "invited", "private"),
        (&open, "unrestricted", true, "invite", "invited", "private"),
        (&forum, "restricted", false, "public", "shared", "public"),
    ] {
        assert_eq!(state(&agent, room_id, "im.vector.room.access_rules").await, json!({"rule": rule}), "{room_id}");
        assert_eq!(!state(&agent, room_id, "m.room.encryption").await.is_null(), encrypted, "{room_id} encrypted");
        assert_eq!(state(&agent, room_id, "m.room.join_rules").await["join_rule"], join_rule, "{room_id}");
        assert_eq!(state(&agent, room_id, "m.room.history_visibility").await["history_visibility"], history, "{room_id}");
        assert_eq!(state(&agent, room_id, "m.room.create").await["m.federate"], true, "{room_id}");
        let (_, directory) = agent.call(reqwest::Method::GET, &format!("/_matrix/client/v3/directory/list/room/{room_id}"), None).await;
        assert_eq!(directory["visibility"], listed, "{room_id} in the room directory");
    }

    let expected = [(&private, RoomAccess::Private), (&open, RoomAccess::PrivateOpenToExternals), (&forum, RoomAccess::Forum)];
    list.wait_until("each room of its kind in the list", |rooms| expected.iter().all(|(id, access)| find(rooms, id).is_some_and(|r| r.room_access == *access)))
        .await;
    for (room_id, access) in expected {
        assert_eq!(rooms::room_details(app.ctx(), room_id).await.unwrap().access, access);
    }
    app.session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kinds_of_rooms_made_elsewhere_are_shown_once_their_rule_is_fetched() {
    let federation = Federation::load();
    let agent = federation.register(&fresh_email("marc.ailleurs", "dinum.gouv.fr"));
    // Created by another client: the app's sync never sees the rule events.
    let mut made = Vec::new();
    for (name, rule, encrypted) in [
        ("Salon ouvert", "unrestricted", true),
        ("Salon fermé", "restricted", true),
        // Unencrypted reads as a forum, as in Tchap's clients, except when
        // externals are admitted: never a forum "for agents only" then.
        ("Salon ouvert non chiffré", "unrestricted", false),
        ("Forum d'un autre client", "restricted", false),
    ] {
        let mut initial_state = vec![json!({"type": "im.vector.room.access_rules", "state_key": "", "content": {"rule": rule}})];
        if encrypted {
            initial_state.push(json!({"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}));
        }
        let body = json!({"name": name, "preset": "private_chat", "initial_state": initial_state});
        let (status, answer) = agent.call(reqwest::Method::POST, "/_matrix/client/v3/createRoom", Some(body)).await;
        assert_eq!(status, 200, "{answer}");
        made.push(answer["room_id"].as_str().unwrap().to_owned());
    }
    let app = App::sign_in(&agent).await;
    let list = app.room_list().await;
    list.wait_until("the room open to externals shown as such", |rooms| {
        find(rooms, &made[0]).is_some_and(|r| r.room_access == RoomAccess::PrivateOpenToExternals)
            && find(rooms, &made[1]).is_some_and(|r| r.room_access == RoomAccess::Private)
            && find(rooms, &made[2]).is_some_and(|r| r.room_access == RoomAccess::PrivateOpenToExternals)
            && find(rooms, &made[3]).is_some_and(|r| r.room_access == RoomAccess::Forum)
    })
    .await;
    app.session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_of_another_ministry_is_invited_and_joins() {
    let federation = Federation::load();
    let host = federation.register(&fresh_email("helene.hote", "dinum.gouv.fr"));
    let guest = federation.register(&fresh_email("ivan.invite", "interieur.gouv.fr"));
    assert_ne!(host.server_name, guest.server_name);
    let (host_app, guest_app) = (App::sign_in(&host).await, App::sign_in(&guest).await);
    let guest_list = guest_app.room_list().await;

    let room_id = rooms::create_room_of_kind(host_app.ctx(), "Coordination interministérielle", NewRoomKind::Private).await.unwrap();
    assert_eq!(rooms::invite(host_app.ctx(), &room_id, &guest.user_id, false).await.unwrap(), InviteOutcome::Invited);
    wait_for_invite(&guest_list, &room_id).await;
    rooms::accept_invite(guest_app.ctx(), &room_id).await.unwrap();

    wait_membership(&host, &room_id, &guest.user_id, "join").await;
    guest_list
        .wait_until("the joined room, private", |rooms| {
            find(rooms, &room_id).is_some_and(|r| r.kind == RoomKind::Room && r.room_access == RoomAccess::Private)
        })
        .await;
    host_app.session.stop().await;
    guest_app.session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn externals_are_refused_in_rooms_closed_to_them_and_admitted_after_a_warning() {
    let federation = Federation::load();
    let agent = federation.register(&fresh_email("paul.agent", "dinum.gouv.fr"));
    let external = federation.register(&fresh_email("nora.prestataire", "prestataire.example"));
    assert!(tchap_core::identity::is_external(&external.server_name));
    let app = App::sign_in(&agent).await;

    for kind in [NewRoomKind::Private, NewRoomKind::Forum] {
        let room_id = rooms::create_room_of_kind(app.ctx(), "Réservé aux agents", kind).await.unwrap();
        // Refused before asking the server…
        let refused = rooms::invite(app.ctx(), &room_id, &external.user_id, true).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::ExternalsNotAllowed, "{kind:?}");
        // …and by the server itself, explained the same way.
        let user_id = matrix_sdk::ruma::UserId::parse(&external.user_id).unwrap();
        let error = app.sdk_room(&room_id).invite_user_by_id(&user_id).await.unwrap_err();
        assert_eq!(error.as_client_api_error().map(|e| e.status_code.as_u16()), Some(403), "{kind:?}");
        assert_eq!(rooms::explain_refusal("invite", &error, Some(&user_id)).code, ErrorCode::ExternalsNotAllowed);
        assert!(membership(&agent, &room_id, &external.user_id).await.is_null(), "never invited");
    }

    let open = rooms::create_room_of_kind(app.ctx(), "Avec nos partenaires", NewRoomKind::PrivateOpenToExternals).await.unwrap();
    // A warning first: nothing sent until the user confirms.
    assert_eq!(rooms::invite(app.ctx(), &open, &external.user_id, false).await.unwrap(), InviteOutcome::ConfirmExternal);
    assert!(membership(&agent, &open, &external.user_id).await.is_null(), "not invited before the confirmation");
    assert_eq!(rooms::invite(app.ctx(), &open, &external.user_id, true).await.unwrap(), InviteOutcome::Invited);
    wait_membership(&agent, &open, &external.user_id, "invite").await;
    let (status, body) = external.call(reqwest::Method::POST, &format!("/_matrix/client/v3/join/{open}"), Some(json!({}))).await;
    assert_eq!(status, 200, "the external joins: {body}");
    wait_membership(&agent, &open, &external.user_id, "join").await;
    app.session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_private_room_opens_to_externals_and_never_closes_again() {
    let federation = Federation::load();
    let agent = federation.register(&fresh_email("odile.ouverture", "dinum.gouv.fr"));
    let external = federation.register(&fresh_email("eric.externe", "conseil.example"));
    let app = App::sign_in(&agent).await;
    let list = app.room_list().await;
    let room_id = rooms::create_room_of_kind(app.ctx(), "Marché public", NewRoomKind::Private).await.unwrap();
    assert!(rooms::room_details(app.ctx(), &room_id).await.unwrap().can_open_to_externals);

    rooms::open_to_externals(app.ctx(), &room_id).await.unwrap();
    assert_eq!(state(&agent, &room_id, "im.vector.room.access_rules").await, json!({"rule": "unrestricted"}));
    let details = rooms::room_details(app.ctx(), &room_id).await.unwrap();
    assert_eq!(details.access, RoomAccess::PrivateOpenToExternals);
    assert!(!details.can_open_to_externals, "opened once for good");
    list.wait_until("the list shows it open", |rooms| find(rooms, &room_id).is_some_and(|r| r.room_access == RoomAccess::PrivateOpenToExternals))
        .await;
    assert_eq!(rooms::invite(app.ctx(), &room_id, &external.user_id, false).await.unwrap(), InviteOutcome::ConfirmExternal);

    // The room's history says so, as a line: reserved to agents at creation, then opened.
    let timeline = Mirror::new();
    app.session.timelines().open(&room_id, timeline.sink()).await.unwrap();
    let rules = |items: &[TimelineItem]| -> Vec<bool> {
        items
            .iter()
            .filter_map(|item| match item {
                TimelineItem::Event { content: MessageContent::AccessRuleSet { open_to_externals }, .. } => Some(*open_to_externals),
                _ => None,
            })
            .collect()
    };
    timeline.wait_until("the two rule lines", |items| rules(items) == [false, true]).await;

    // Closing it again is refused by the servers (the app never offers it).
    let closing = app.sdk_room(&room_id).send_state_event(AccessRulesEventContent { rule: AccessRule::Restricted }).await.unwrap_err();
    assert_eq!(rooms::explain_refusal("access rule", &closing, None).code, ErrorCode::RoomRulesRefused);
    assert_eq!(state(&agent, &room_id, "im.vector.room.access_rules").await, json!({"rule": "unrestricted"}));
    assert_eq!(rooms::open_to_externals(app.ctx(), &room_id).await.unwrap_err().code, ErrorCode::RoomRulesRefused);

    // A forum stays closed to externals.
    let forum = rooms::create_room_of_kind(app.ctx(), "Forum", NewRoomKind::Forum).await.unwrap();
    assert!(!rooms::room_details(app.ctx(), &forum).await.unwrap().can_open_to_externals);
    assert_eq!(rooms::open_to_externals(app.ctx(), &forum).await.unwrap_err().code, ErrorCode::RoomRulesRefused);
    app.session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn moderators_rename_and_remove_members_who_may_leave() {
    let federation = Federation::load();
    let owner = federation.register(&fresh_email("mona.moderatrice", "dinum.gouv.fr"));
    let member = federation.register(&fresh_email("leo.membre", "interieur.gouv.fr"));
    let (owner_app, member_app) = (App::sign_in(&owner).await, App::sign_in(&member).await);
    let member_list = member_app.room_list().await;

    let room_id = rooms::create_room_of_kind(owner_app.ctx(), "Équipe", NewRoomKind::Private).await.unwrap();
    rooms::invite(owner_app.ctx(), &room_id, &member.user_id, false).await.unwrap();
    wait_for_invite(&member_list, &room_id).await;
    rooms::accept_invite(member_app.ctx(), &room_id).await.unwrap();

    // A member without rights: nothing offered, and refused if tried.
    let details = rooms::room_details(member_app.ctx(), &room_id).await.unwrap();
    assert!(!details.can_rename && !details.can_change_topic && !details.can_remove_members && !details.can_invite);
    assert_eq!(rooms::remove_member(member_app.ctx(), &room_id, &owner.user_id).await.unwrap_err().code, ErrorCode::Forbidden);
    assert_eq!(rooms::rename(member_app.ctx(), &room_id, "Pris").await.unwrap_err().code, ErrorCode::Forbidden);

    // The moderator renames, sets the topic, removes the member.
    let details = rooms::room_details(owner_app.ctx(), &room_id).await.unwrap();
    assert!(details.can_rename && details.can_change_topic && details.can_remove_members && details.can_invite);
    rooms::rename(owner_app.ctx(), &room_id, "  Équipe projet  ").await.unwrap();
    rooms::set_topic(owner_app.ctx(), &room_id, "Suivi hebdomadaire").await.unwrap();
    assert_eq!(state(&owner, &room_id, "m.room.name").await["name"], "Équipe projet");
    assert_eq!(state(&owner, &room_id, "m.room.topic").await["topic"], "Suivi hebdomadaire");
    rooms::remove_member(owner_app.ctx(), &room_id, &member.user_id).await.unwrap();
    wait_membership(&owner, &room_id, &member.user_id, "leave").await;
    member_list.wait_until("the room gone from the removed member's list", |rooms| find(rooms, &room_id).is_none()).await;

    // Invited again, the member joins, then leaves on their own.
    rooms::invite(owner_app.ctx(), &room_id, &member.user_id, false).await.unwrap();
    wait_for_invite(&member_list, &room_id).await;
    rooms::accept_invite(member_app.ctx(), &room_id).await.unwrap();
    wait_membership(&owner, &room_id, &member.user_id, "join").await;
    rooms::leave(member_app.ctx(), &room_id).await.unwrap();
    wait_membership(&owner, &room_id, &member.user_id, "leave").await;
    member_list.wait_until("the room gone after leaving", |rooms| find(rooms, &room_id).is_none()).await;
    owner_app.session.stop().await;
    member_app.session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_direct_chat_keeps_its_name_and_topic() {
    let federation = Federation::load();
    let agent = federation.register(&fresh_email("denis.direct", "dinum.gouv.fr"));
    let other = federation.register(&fresh_email("dora.direct", "interieur.gouv.fr"));
    let app = App::sign_in(&agent).await;
    let dm = rooms::create_dm(app.ctx(), &other.user_id).await.unwrap();

    let details = rooms::room_details(app.ctx(), &dm).await.unwrap();
    assert_eq!(details.access, RoomAccess::Direct);
    assert!(!details.can_rename && !details.can_change_topic && !details.can_invite);
    assert_eq!(rooms::rename(app.ctx(), &dm, "Autre nom").await.unwrap_err().code, ErrorCode::RoomRulesRefused);
    assert_eq!(rooms::set_topic(app.ctx(), &dm, "Sujet").await.unwrap_err().code, ErrorCode::RoomRulesRefused);
    // The server refuses it too (the creator has the power level for it).
    let refused = app.sdk_room(&dm).set_name("Autre nom".into()).await.unwrap_err();
    assert_eq!(rooms::explain_refusal("rename", &refused, None).code, ErrorCode::RoomRulesRefused);
    assert_eq!(state(&agent, &dm, "im.vector.room.access_rules").await, json!({"rule": "direct"}));
    app.session.stop().await;
}
