//! A link to a message (or a reply's original) opens the room at that
//! message, far back in its history, and the user can scroll on to the
//! latest messages.

mod common;

use common::*;
use tchap_core::{
    error::ErrorCode,
    session,
    timeline::{MessageContent, TimelineItem},
};

fn event_id_of<'a>(items: &'a [TimelineItem], wanted: &str) -> Option<&'a str> {
    items.iter().find_map(|item| match item {
        TimelineItem::Event { event_id, content: MessageContent::Text { body, .. }, .. } if body == wanted => event_id.as_deref(),
        _ => None,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_to_an_old_message_opens_the_room_there() {
    let reader = register("reader", "Régine Lectrice").await;
    let other = register("writer", "Walter Rédacteur").await;
    let raw = RawClient::new(&other);
    let room_id = raw.create_room("Archives du service", &[&reader.user_id]).await;
    let mut targets = Vec::new();
    for n in 1..=150 {
        targets.push(raw.send_text(&room_id, &format!("note {n}")).await);
    }
    let target = targets[11].clone(); // "note 12"

    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &reader.localpart, PASSWORD).await.unwrap();
    join_invited_room(&session, &room_id).await;

    // The live timeline starts at the latest messages: note 12 is far back.
    let live = Mirror::new();
    session.timelines().open(&room_id, live.sink()).await.unwrap();
    live.wait_until("the latest note", |items| readable_texts(items).contains(&"note 150")).await;
    assert!(!readable_texts(&live.snapshot()).contains(&"note 12"));

    // Opened at note 12: it is there with its neighbours, the latest are not.
    let focused = Mirror::new();
    session.timelines().open_at(&room_id, &target, focused.sink()).await.unwrap();
    let items = focused.wait_until("note 12 and its context", |items| readable_texts(items).contains(&"note 12")).await;
    assert_eq!(event_id_of(&items, "note 12"), Some(target.as_str()), "the UI finds the message by its event id");
    let shown = readable_texts(&items);
    assert!(shown.contains(&"note 5") && shown.contains(&"note 20"), "messages around it: {shown:?}");
    assert!(!shown.contains(&"note 150"), "not the latest messages");

    // Scrolling down reaches the latest messages, in order, each once.
    let mut reached_latest = false;
    for _ in 0..20 {
        if session.timelines().paginate_forwards(&room_id).await.unwrap() {
            reached_latest = true;
            break;
        }
    }
    assert!(reached_latest, "the latest messages must be reachable");
    let items = focused.wait_until("the latest note", |items| readable_texts(items).contains(&"note 150")).await;
    let notes: Vec<&str> = readable_texts(&items).into_iter().filter(|b| b.starts_with("note ")).collect();
    let first: usize = notes[0].trim_start_matches("note ").parse().unwrap();
    let expected: Vec<String> = (first..=150).map(|n| format!("note {n}")).collect();
    assert_eq!(notes, expected.iter().map(String::as_str).collect::<Vec<_>>());

    // And back to the live timeline.
    let live_again = Mirror::new();
    session.timelines().open(&room_id, live_again.sink()).await.unwrap();
    live_again.wait_until("the latest note again", |items| readable_texts(items).contains(&"note 150")).await;
    session.timelines().paginate_backwards(&room_id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_to_a_missing_message_says_so() {
    let reader = register("reader", "Régine Lectrice").await;
    let other = register("writer", "Walter Rédacteur").await;
    let raw = RawClient::new(&other);
    let room_id = raw.create_room("Archives du service", &[&reader.user_id]).await;
    raw.send_text(&room_id, "seule note").await;

    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &reader.localpart, PASSWORD).await.unwrap();
    join_invited_room(&session, &room_id).await;

    let server = reader.user_id.split(':').nth(1).unwrap();
    for missing in [format!("$nexistepas:{server}"), "$AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg".to_owned(), "pas-un-id".to_owned()] {
        let err = session.timelines().open_at(&room_id, &missing, Mirror::new().sink()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::EventNotFound, "{missing}: {err}");
    }
    // The room still opens at its latest messages (the join, then the note
    // above it), and its history still loads.
    let live = Mirror::new();
    session.timelines().open(&room_id, live.sink()).await.unwrap();
    while !session.timelines().paginate_backwards(&room_id).await.unwrap() {}
    live.wait_until("the room's message", |items| readable_texts(items).contains(&"seule note")).await;
}
