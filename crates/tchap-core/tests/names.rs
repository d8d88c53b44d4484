//! Who is who, on the local Tchap federation: names shown as Tchap writes
//! them ("Prénom Nom", the ministry apart) and externals marked as such, in
//! the room list (DMs, invites, previews), the timeline and the members.

mod common;

use common::{Mirror, data_dir, federation::*};
use serde_json::json;
use tchap_core::{
    members::{Member, room_members},
    room_list::{self, RoomKind, RoomSummary},
    rooms, session,
    timeline::{MessageContent, TimelineItem},
};

/// "Prenom Nom 1a2b [Dinum]" → "Prenom Nom 1a2b".
fn without_domain(display_name: &str) -> &str {
    display_name.rsplit_once(" [").expect("a Tchap name").0
}

/// A room open to externals (Tchap's "unrestricted" access rule), created
/// by `owner` with another client, `invitee` invited.
async fn room_open_to_externals(owner: &FedUser, name: &str, invitee: &str) -> String {
    let body = json!({
        "name": name,
        "preset": "private_chat",
        "invite": [invitee],
        "initial_state": [{"type": "im.vector.room.access_rules", "state_key": "", "content": {"rule": "unrestricted"}}],
    });
    let response = reqwest::Client::new()
        .post(format!("{}/_matrix/client/v3/createRoom", owner.client_url))
        .bearer_auth(&owner.access_token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "createRoom: {}", response.text().await.unwrap());
    response.json::<serde_json::Value>().await.unwrap()["room_id"].as_str().unwrap().to_owned()
}

fn find<'a>(rooms: &'a [RoomSummary], id: &str) -> Option<&'a RoomSummary> {
    rooms.iter().find(|room| room.id == id)
}

/// (name, domain, external) of the sender of the message `body`.
fn sender_of<'a>(items: &'a [TimelineItem], wanted: &str) -> Option<(&'a str, Option<&'a str>, bool)> {
    items.iter().find_map(|item| match item {
        TimelineItem::Event { sender_name, sender_domain, sender_is_external, content: MessageContent::Text { body, .. }, .. }
            if body == wanted =>
        {
            Some((sender_name.as_str(), sender_domain.as_deref(), *sender_is_external))
        }
        _ => None,
    })
}

fn member<'a>(members: &'a [Member], user_id: &str) -> &'a Member {
    members.iter().find(|m| m.user_id == user_id).unwrap_or_else(|| panic!("{user_id} not in {members:#?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn agents_show_their_ministry_and_externals_are_marked() {
    let federation = Federation::load();
    let agent = federation.register(&fresh_email("alice.martin", "dinum.gouv.fr"));
    let external = federation.register(&fresh_email("nina.partenaire", "prestataire.example"));
    assert!(agent.displayname.ends_with(" [Dinum]"), "{}", agent.displayname);
    let (agent_name, external_name) = (without_domain(&agent.displayname), without_domain(&external.displayname));

    let (agent_data, external_data) = (data_dir(), data_dir());
    let agent_s = session::login(agent_data.path(), &agent.client_url, &agent.email, FED_PASSWORD).await.unwrap();
    let external_s = session::login(external_data.path(), &external.client_url, &external.email, FED_PASSWORD).await.unwrap();
    let (agent_rooms, external_rooms) = (Mirror::new(), Mirror::new());
    room_list::subscribe(agent_s.context(), agent_rooms.sink()).await.unwrap();
    room_list::subscribe(external_s.context(), external_rooms.sink()).await.unwrap();

    // A DM: the external is invited by a person of Dinum…
    let dm_id = rooms::create_dm(agent_s.context(), &external.user_id).await.unwrap();
    let rooms = external_rooms
        .wait_until("the invite, from the agent by name", |rooms| {
            find(rooms, &dm_id).is_some_and(|r| r.kind == RoomKind::Invite && r.inviter_name.as_deref() == Some(agent_name))
        })
        .await;
    let invite = find(&rooms, &dm_id).unwrap();
    assert_eq!((invite.inviter_domain.as_deref(), invite.inviter_is_external), (Some("Dinum"), false));
    assert_eq!(invite.name, agent_name, "a DM invite is named after the inviter, without [Dinum]");

    // …and, once joined, sees the agent's name and ministry.
    rooms::accept_invite(external_s.context(), &dm_id).await.unwrap();
    let rooms = external_rooms
        .wait_until("the DM with the agent", |rooms| find(rooms, &dm_id).is_some_and(|r| r.kind == RoomKind::Dm && r.dm_domain.is_some()))
        .await;
    let dm = find(&rooms, &dm_id).unwrap();
    assert_eq!((dm.name.as_str(), dm.dm_domain.as_deref(), dm.dm_is_external), (agent_name, Some("Dinum"), false));

    // The agent sees the external's name, marked external, without a ministry.
    let rooms = agent_rooms
        .wait_until("the DM with the external", |rooms| find(rooms, &dm_id).is_some_and(|r| r.kind == RoomKind::Dm && r.dm_is_external))
        .await;
    let dm = find(&rooms, &dm_id).unwrap();
    assert_eq!((dm.name.as_str(), dm.dm_domain.as_deref()), (external_name, None), "{dm:#?}");

    // A room open to externals: the timeline and the members say who is who.
    let room_id = room_open_to_externals(&agent, "Projet commun", &external.user_id).await;
    external_rooms.wait_until("the room invite", |rooms| find(rooms, &room_id).is_some_and(|r| r.kind == RoomKind::Invite)).await;
    rooms::accept_invite(external_s.context(), &room_id).await.unwrap();
    agent_s.timelines().send_text(&room_id, "Bienvenue dans le projet").await.unwrap();
    external_s.timelines().send_text(&room_id, "Merci pour l'invitation").await.unwrap();

    let timeline = Mirror::new();
    agent_s.timelines().open(&room_id, timeline.sink()).await.unwrap();
    let items = timeline
        .wait_until("both messages with their senders' profiles", |items| {
            sender_of(items, "Bienvenue dans le projet").is_some_and(|(name, ..)| name == agent_name)
                && sender_of(items, "Merci pour l'invitation").is_some_and(|(name, ..)| name == external_name)
        })
        .await;
    assert_eq!(sender_of(&items, "Bienvenue dans le projet"), Some((agent_name, Some("Dinum"), false)));
    assert_eq!(sender_of(&items, "Merci pour l'invitation"), Some((external_name, None, true)));

    let members = room_members(agent_s.context(), &room_id).await.unwrap();
    let (me, them) = (member(&members, &agent.user_id), member(&members, &external.user_id));
    assert_eq!((me.display_name.as_deref(), me.domain.as_deref(), me.is_external), (Some(agent_name), Some("Dinum"), false));
    assert_eq!((them.display_name.as_deref(), them.domain.as_deref(), them.is_external), (Some(external_name), None, true));

    // The room list's preview names the sender the same way.
    let rooms = agent_rooms
        .wait_until("the external's message in the preview", |rooms| {
            find(rooms, &room_id).and_then(|r| r.last_message.as_ref()).is_some_and(|m| matches!(&m.content, MessageContent::Text { body, .. } if body == "Merci pour l'invitation"))
        })
        .await;
    let room = find(&rooms, &room_id).unwrap();
    assert_eq!(room.kind, RoomKind::Room);
    assert_eq!(room.last_message.as_ref().unwrap().sender_name, external_name);
    assert_eq!((room.dm_domain.as_deref(), room.dm_is_external), (None, false), "a room names no one person");

    agent_s.stop().await;
    external_s.stop().await;
}
