//! A link opened from outside leads where it says, on a real Synapse: an
//! alias is resolved by the server; a room the user is in opens, an
//! invitation shows, a public room offers to join, a private one says the
//! user is not a member; a person leads to their direct chat.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tchap_core::{
    error::ErrorCode,
    links::{self, LinkTarget, LinkedRoomMembership},
    rooms,
    session::{self, Session},
};

async fn create_room(raw: &RawClient, body: serde_json::Value) -> String {
    let (status, answer) = raw.call(reqwest::Method::POST, "/_matrix/client/v3/createRoom", Some(body)).await;
    assert_eq!(status, 200, "{answer}");
    answer["room_id"].as_str().unwrap().to_owned()
}

async fn resolve(session: &Session, link: &str) -> Result<LinkTarget, tchap_core::error::AppError> {
    links::resolve(session.context(), &links::parse(link).unwrap()).await
}

/// Resolves `link` until the answer (which follows the sync) satisfies `predicate`.
async fn resolve_until(session: &Session, link: &str, what: &str, predicate: impl Fn(&LinkTarget) -> bool) -> LinkTarget {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let target = resolve(session, link).await.unwrap();
        if predicate(&target) {
            return target;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}: still {target:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn membership_of(target: &LinkTarget) -> Option<LinkedRoomMembership> {
    match target {
        LinkTarget::Room { membership, .. } => Some(*membership),
        LinkTarget::User { .. } => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_room_link_leads_to_the_room_the_invitation_or_the_offer_to_join() {
    let alice = register("alice", "Alice Martin").await;
    let bruno = register("bruno", "Bruno Dupont").await;
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &alice.localpart, PASSWORD).await.unwrap();
    let raw_bruno = RawClient::new(&bruno);
    let server = alice.user_id.split_once(':').unwrap().1.to_owned();

    let forum_alias = unique("forum");
    let forum_id = create_room(&raw_bruno, json!({"preset": "public_chat", "name": "Forum des développeurs", "room_alias_name": forum_alias})).await;
    let private_alias = unique("cellule");
    let private_id = create_room(&raw_bruno, json!({"preset": "private_chat", "name": "Cellule de crise", "room_alias_name": private_alias})).await;
    let invited_id = create_room(&raw_bruno, json!({"preset": "private_chat", "name": "Projet invité", "invite": [alice.user_id]})).await;

    // An alias is resolved by the server; a public room is offered to join, with its name.
    let forum_link = format!("tchap://room/#{forum_alias}:{server}");
    let target = resolve(&session, &forum_link).await.unwrap();
    let LinkTarget::Room { room_id, membership, name, via, .. } = &target else { panic!("{target:?}") };
    assert_eq!(room_id, &forum_id);
    assert_eq!(*membership, LinkedRoomMembership::Joinable);
    assert_eq!(name.as_deref(), Some("Forum des développeurs"));
    assert!(via.contains(&server), "the alias's servers route the join: {via:?}");

    // A private room the user was not invited to: not a member, nothing about it shown.
    let target = resolve(&session, &format!("matrix:r/{private_alias}:{server}")).await.unwrap();
    assert_eq!(target, LinkTarget::Room { room_id: private_id.clone(), event_id: None, membership: LinkedRoomMembership::NotMember, name: None, via: vec![server.clone()] });
    let target = resolve(&session, &format!("https://matrix.to/#/{private_id}")).await.unwrap();
    assert_eq!(membership_of(&target), Some(LinkedRoomMembership::NotMember));

    // An invitation (once the sync brought it) opens the invitation.
    let invited = resolve_until(&session, &format!("tchap://room/{invited_id}"), "the invitation", |t| membership_of(t) == Some(LinkedRoomMembership::Invited)).await;
    let LinkTarget::Room { name, .. } = invited else { unreachable!() };
    assert_eq!(name.as_deref(), Some("Projet invité"));

    // Joining the offered room: the same link now opens it, at the message it names.
    let message_id = raw_bruno.send_text(&forum_id, "Bienvenue à tous").await;
    let LinkTarget::Room { room_id, via, .. } = target_of(&session, &forum_link).await else { unreachable!() };
    assert_eq!(links::join_linked_room(session.context(), &room_id, &via).await.unwrap(), forum_id);
    let message_link = format!("tchap://room/{forum_id}/{message_id}?via={server}");
    let joined = resolve_until(&session, &message_link, "the joined forum", |t| membership_of(t) == Some(LinkedRoomMembership::Joined)).await;
    let LinkTarget::Room { event_id, .. } = joined else { unreachable!() };
    assert_eq!(event_id.as_deref(), Some(message_id.as_str()));

    // A private room can't be joined from its link.
    let refused = links::join_linked_room(session.context(), &private_id, &[server.clone()]).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden, "{refused:?}");

    // An alias nobody uses.
    let unknown = resolve(&session, &format!("tchap://room/#{}:{server}", unique("personne"))).await.unwrap_err();
    assert_eq!(unknown.code, ErrorCode::RoomNotFound);
    session.close().await;
}

async fn target_of(session: &Session, link: &str) -> LinkTarget {
    resolve(session, link).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_link_leads_to_the_direct_chat_with_them() {
    let alice = register("alice", "Alice Martin").await;
    let bruno = register("bruno", "Bruno Dupont").await;
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &alice.localpart, PASSWORD).await.unwrap();
    let link = format!("tchap://user/{}", bruno.user_id);

    // No chat yet: the UI offers to start one.
    assert_eq!(target_of(&session, &link).await, LinkTarget::User { user_id: bruno.user_id.clone(), dm_room_id: None });

    let dm_id = rooms::create_dm(session.context(), &bruno.user_id).await.unwrap();
    let target = target_of(&session, &format!("matrix:u/{}", &bruno.user_id[1..])).await;
    assert_eq!(target, LinkTarget::User { user_id: bruno.user_id.clone(), dm_room_id: Some(dm_id) });

    // Nobody by that name: said at once, no chat offered.
    let server = alice.user_id.split_once(':').unwrap().1;
    let nobody = resolve(&session, &format!("tchap://user/@{}:{server}", unique("personne"))).await.unwrap_err();
    assert_eq!(nobody.code, ErrorCode::UserNotFound);
    session.close().await;
}
