//! A room read far back lets go of its older messages: once the reader is
//! back at the latest ones, the live timeline starts afresh from the last
//! messages (the older ones load again, from the local store, when the
//! reader scrolls back); while the reader reads on far back, the timeline is
//! a window around the message the reader is at.

mod common;

use common::*;
use tchap_core::session;

const NOTES: usize = 400;

/// The room's events the SDK holds in memory (its event cache).
async fn events_in_memory(session: &tchap_core::session::Session, room_id: &str) -> usize {
    let room = session.client().get_room(&matrix_sdk::ruma::RoomId::parse(room_id).unwrap()).unwrap();
    let (cache, _handles) = room.event_cache().await.unwrap();
    cache.events().await.unwrap().len()
}

fn notes_in(items: &[tchap_core::timeline::TimelineItem]) -> usize {
    readable_texts(items).iter().filter(|text| text.starts_with("note ")).count()
}

/// Whether the SDK still holds its cache of the history around `event_id`.
async fn history_held_around(session: &tchap_core::session::Session, room_id: &str, event_id: &str) -> bool {
    let room = session.client().get_room(&matrix_sdk::ruma::RoomId::parse(room_id).unwrap()).unwrap();
    let (cache, _handles) = room.event_cache().await.unwrap();
    let event_id = matrix_sdk::ruma::EventId::parse(event_id).unwrap();
    cache.get_event_focused_cache(event_id, matrix_sdk::event_cache::EventFocusThreadMode::Automatic).await.unwrap().is_some()
}

/// A room of NOTES notes from another user, open in the reader's session.
struct LongRoom {
    raw: RawClient,
    room_id: String,
    /// The notes' event ids, note 1 first.
    ids: Vec<String>,
    session: std::sync::Arc<tchap_core::session::Session>,
    shown: Mirror<tchap_core::timeline::TimelineItem>,
    _data: tempfile::TempDir,
}

async fn open_long_room(name: &str) -> LongRoom {
    let reader = register("reader", "Régine Lectrice").await;
    let other = register("writer", "Walter Rédacteur").await;
    let raw = RawClient::new(&other);
    let room_id = raw.create_room(name, &[&reader.user_id]).await;
    let mut ids = Vec::new();
    for n in 1..=NOTES {
        ids.push(raw.send_text(&room_id, &format!("note {n}")).await);
    }
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &reader.localpart, PASSWORD).await.unwrap();
    join_invited_room(&session, &room_id).await;
    let shown = Mirror::new();
    session.timelines().open(&room_id, shown.sink()).await.unwrap();
    shown.wait_until("the latest note", |items| readable_texts(items).contains(&"note 400")).await;
    LongRoom { raw, room_id, ids, session, shown, _data: data }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_room_read_far_back_is_lightened_back_at_the_latest_messages() {
    let LongRoom { raw, room_id, session, shown, _data: _dir, .. } = open_long_room("Archives du service").await;
    let timelines = session.timelines();
    // A short history is not worth starting again.
    assert!(!timelines.lighten(&room_id).await.unwrap(), "nothing to let go of yet");

    // Read back to the start of the room: every note is held.
    while !timelines.paginate_backwards(&room_id).await.unwrap() {}
    let items = shown.wait_until("every note", |items| notes_in(items) == NOTES).await;
    let read_back = items.len();
    let held = events_in_memory(&session, &room_id).await;
    assert!(held >= NOTES, "{held} events in memory after reading back");

    // Back at the latest messages: the timeline starts afresh on the same
    // channel, with the latest notes only.
    assert!(timelines.lighten(&room_id).await.unwrap(), "a room read far back is lightened");
    let items = shown.wait_until("the latest notes only", |items| notes_in(items) < NOTES / 2).await;
    assert!(readable_texts(&items).contains(&"note 400"), "the latest message is still shown");
    assert!(items.len() < read_back / 2, "{} items left of {read_back}", items.len());
    let held_now = events_in_memory(&session, &room_id).await;
    assert!(held_now < held / 2, "the SDK still holds {held_now} of {held} events");

    // It is still live, and the history loads again.
    raw.send_text(&room_id, "après l'allègement").await;
    shown.wait_until("a new message", |items| readable_texts(items).contains(&"après l'allègement")).await;
    while !timelines.paginate_backwards(&room_id).await.unwrap() {}
    shown.wait_until("every note again", |items| notes_in(items) == NOTES).await;
}

/// The reader reads on far back: the timeline is replaced, on the same
/// channel, by the history around the message the reader is at, so what is
/// held stays a window of the room; and reading on from there, back to the
/// start or down to the latest, still passes every message.
#[tokio::test(flavor = "multi_thread")]
async fn reading_far_back_holds_a_window_around_the_reader() {
    let LongRoom { room_id, ids, session, shown, _data: _dir, .. } = open_long_room("Registre du courrier").await;
    let timelines = session.timelines();
    while !timelines.paginate_backwards(&room_id).await.unwrap() {}
    shown.wait_until("every note", |items| notes_in(items) == NOTES).await;
    let held = events_in_memory(&session, &room_id).await;

    // A message that cannot be found changes nothing: the timeline and its
    // channel go on as they were.
    let error = timelines.recentre(&room_id, "$absent:localhost").await.unwrap_err();
    assert_eq!(error.code, tchap_core::error::ErrorCode::EventNotFound);
    assert_eq!(notes_in(&shown.snapshot()), NOTES, "the timeline is untouched");

    // The reader is at note 150: only the notes around it are held now, by
    // the UI and by the SDK's room cache (its live events let go of).
    timelines.recentre(&room_id, &ids[149]).await.unwrap();
    let items = shown.wait_until("the notes around note 150", |items| notes_in(items) < NOTES / 4).await;
    let texts = readable_texts(&items);
    assert!(texts.contains(&"note 150"), "the reader's message is held: {texts:?}");
    assert!(!texts.contains(&"note 400") && !texts.contains(&"note 1"), "only a window is held: {texts:?}");
    let held_now = events_in_memory(&session, &room_id).await;
    assert!(held_now < held / 2, "the SDK still holds {held_now} of {held} live events");

    // Back to the start of the room from there.
    while !timelines.paginate_backwards(&room_id).await.unwrap() {}
    shown.wait_until("notes 1 to 150", |items| {
        let texts = readable_texts(items);
        texts.contains(&"note 1") && texts.contains(&"note 150")
    })
    .await;

    // Recentred again, at note 10, then read down: every note, to the latest.
    // The history around note 150 is let go of, in the SDK too.
    assert!(history_held_around(&session, &room_id, &ids[149]).await);
    timelines.recentre(&room_id, &ids[9]).await.unwrap();
    shown.wait_until("the notes around note 10", |items| notes_in(items) < NOTES / 4).await;
    assert!(!history_held_around(&session, &room_id, &ids[149]).await, "the SDK still holds the history around note 150");
    assert!(history_held_around(&session, &room_id, &ids[9]).await);
    while !timelines.paginate_forwards(&room_id).await.unwrap() {}
    let items = shown.wait_until("down to the latest note", |items| readable_texts(items).contains(&"note 400")).await;
    let texts = readable_texts(&items);
    for n in 10..=NOTES {
        assert!(texts.contains(&format!("note {n}").as_str()), "note {n} was passed over");
    }

    // Closed, the room keeps no history around a message in memory.
    timelines.close(&room_id).await;
    assert!(!history_held_around(&session, &room_id, &ids[9]).await, "the SDK still holds the history around note 10");
}
