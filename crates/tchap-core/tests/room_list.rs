//! The room list of an account with many rooms, as its user sees it when the
//! app starts again: every room, each with its own last message, and
//! previews that follow new messages.

mod common;

use common::*;
use tchap_core::{room_list::{self, RoomSummary}, session};

const ROOMS: usize = 60;

fn preview_of(summary: &RoomSummary) -> Option<(&str, &str)> {
    let message = summary.last_message.as_ref()?;
    match &message.content {
        tchap_core::timeline::MessageContent::Text { body, .. } => Some((message.sender_name.as_str(), body.as_str())),
        _ => None,
    }
}

/// Every room named "Salle NN" shows "dernier message NN" from its sender.
fn every_room_shows_its_own_message(rooms: &[RoomSummary]) -> bool {
    rooms.len() == ROOMS
        && rooms.iter().all(|room| {
            let number = room.name.trim_start_matches("Salle ");
            preview_of(room) == Some(("Sam Expéditeur", &format!("dernier message {number}")))
        })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_shows_every_room_with_its_own_last_message() {
    let user = register("many", "Marie Nombreuse").await;
    let sender = register("sender", "Sam Expéditeur").await;
    let (raw_sender, raw_user) = (RawClient::new(&sender), RawClient::new(&user));
    // More rooms than the list computes previews for before showing names.
    let mut rooms = Vec::new();
    for n in 0..ROOMS {
        let room_id = raw_sender.create_room(&format!("Salle {n:02}"), &[&user.user_id]).await;
        raw_user.join(&room_id).await;
        raw_sender.send_text(&room_id, &format!("dernier message {n:02}")).await;
        rooms.push(room_id);
    }

    let data = data_dir();
    let first = session::login(data.path(), &homeserver(), &user.localpart, PASSWORD).await.unwrap();
    let list = Mirror::new();
    room_list::subscribe(first.context(), list.sink()).await.unwrap();
    list.wait_until("every room with its last message", every_room_shows_its_own_message).await;
    first.stop().await;

    // Started again: the list comes from the stores, names first, then the
    // previews, each in its own room's line.
    let again = session::restore(data.path()).await.unwrap().expect("the stored session");
    let list = Mirror::new();
    room_list::subscribe(again.context(), list.sink()).await.unwrap();
    list.wait_until("after the restart, every room with its own last message", every_room_shows_its_own_message).await;

    // A new message in one room changes that room's preview only.
    raw_sender.send_text(&rooms[7], "nouveau message").await;
    let shown = list
        .wait_until("the new message in the preview", |rooms| {
            rooms.iter().any(|room| room.name == "Salle 07" && preview_of(room) == Some(("Sam Expéditeur", "nouveau message")))
        })
        .await;
    assert_eq!(shown.len(), ROOMS);
    assert_eq!(shown[0].name, "Salle 07", "the room with the newest message comes first");
    let others: Vec<_> = shown.into_iter().filter(|room| room.name != "Salle 07").collect();
    assert!(
        others.iter().all(|room| preview_of(room).is_some_and(|(_, body)| body.starts_with("dernier message"))),
        "the other previews are unchanged"
    );
    again.stop().await;
}
