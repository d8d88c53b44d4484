//! Threads as Element makes them: replies stay in their thread (not inline
//! out of context), the first message says "N réponses", the thread opens
//! beside the room, and an answer there is a thread reply for every client.

mod common;

use common::*;
use serde_json::json;
use tchap_core::{
    session,
    timeline::{MessageContent, ThreadInfo, ThreadSummary, TimelineItem},
};

fn thread_of<'a>(items: &'a [TimelineItem], wanted: &str) -> Option<&'a ThreadInfo> {
    items.iter().find_map(|item| match item {
        TimelineItem::Event { content: MessageContent::Text { body, .. }, thread, .. } if body == wanted => thread.as_ref(),
        _ => None,
    })
}

fn thread_reply(root: &str, body: &str) -> serde_json::Value {
    json!({
        "msgtype": "m.text",
        "body": body,
        "m.relates_to": { "rel_type": "m.thread", "event_id": root, "is_falling_back": true, "m.in_reply_to": { "event_id": root } },
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn threads_stay_in_their_panel_and_answers_go_there() {
    let reader = register("agent", "Agnès Agent").await;
    let other = register("other", "Olivier Autre").await;
    let raw = RawClient::new(&other);
    let room_id = raw.create_room("Budget 2027", &[&reader.user_id]).await;
    let root = raw.send_text(&room_id, "Sujet : le budget").await;
    raw.send_message(&room_id, thread_reply(&root, "Première réponse dans le fil")).await;
    raw.send_message(&room_id, thread_reply(&root, "Deuxième réponse dans le fil")).await;
    raw.send_text(&room_id, "Autre sujet, hors du fil").await;

    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &reader.localpart, PASSWORD).await.unwrap();
    join_invited_room(&session, &room_id).await;

    // The room's timeline: the root with "2 réponses", the replies not inline.
    let live = Mirror::new();
    session.timelines().open(&room_id, live.sink()).await.unwrap();
    while !session.timelines().paginate_backwards(&room_id).await.unwrap() {}
    let items = live
        .wait_until("the thread's first message with its two replies", |items| {
            thread_of(items, "Sujet : le budget").is_some_and(|t| t.replies == 2 && t.latest_sender_name.is_some())
        })
        .await;
    let thread = thread_of(&items, "Sujet : le budget").unwrap();
    assert_eq!(thread.latest_sender_name.as_deref(), Some("Olivier Autre"));
    assert!(thread.unread, "nothing of the thread read yet");
    let shown = readable_texts(&items);
    assert!(shown.contains(&"Autre sujet, hors du fil"));
    assert!(!shown.iter().any(|b| b.contains("réponse dans le fil")), "thread replies out of context: {shown:?}");

    // The thread beside it: its replies, in order (the panel shows the first
    // message above them, from the room's timeline).
    let panel = Mirror::new();
    session.timelines().open_thread(&room_id, &root, panel.sink()).await.unwrap();
    while !session.timelines().paginate_thread(&room_id, &root).await.unwrap() {}
    let items = panel
        .wait_until("the thread's messages", |items| readable_texts(items).contains(&"Deuxième réponse dans le fil"))
        .await;
    let in_thread = readable_texts(&items);
    assert_eq!(in_thread, ["Première réponse dans le fil", "Deuxième réponse dans le fil"]);

    // Reading the thread marks it read in the room's timeline.
    session.timelines().mark_thread_read(&room_id, &root).await.unwrap();
    live.wait_until("the thread is read", |items| thread_of(items, "Sujet : le budget").is_some_and(|t| !t.unread)).await;

    // An answer in the panel is a thread reply for the other client.
    session.timelines().send_in_thread(&room_id, &root, "Ma réponse dans le fil").await.unwrap();
    panel.wait_until("our answer in the thread", |items| readable_texts(items).contains(&"Ma réponse dans le fil")).await;
    live.wait_until("three replies", |items| thread_of(items, "Sujet : le budget").is_some_and(|t| t.replies == 3)).await;
    let mut sent = None;
    for _ in 0..40 {
        sent = raw.message_contents(&room_id).await.into_iter().find(|c| c["body"] == "Ma réponse dans le fil");
        if sent.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let sent = sent.expect("the other client receives the answer");
    assert_eq!(sent["m.relates_to"]["rel_type"], "m.thread", "{sent}");
    assert_eq!(sent["m.relates_to"]["event_id"], root.as_str(), "{sent}");
    assert!(!readable_texts(&live.snapshot()).contains(&"Ma réponse dans le fil"), "our answer stays in the thread");
}

fn text_of(content: &Option<MessageContent>) -> Option<&str> {
    match content {
        Some(MessageContent::Text { body, .. }) => Some(body),
        _ => None,
    }
}

/// The room's threads, newest first, each with its first message, reply count
/// and latest reply; a reply arriving while the list is open counts at once.
#[tokio::test(flavor = "multi_thread")]
async fn the_thread_list_shows_each_thread_and_follows_new_replies() {
    let reader = register("agent", "Agnès Agent").await;
    let other = register("other", "Olivier Autre").await;
    let raw = RawClient::new(&other);
    let room_id = raw.create_room("Fils du service", &[&reader.user_id]).await;
    let older = raw.send_text(&room_id, "Sujet : les congés").await;
    raw.send_message(&room_id, thread_reply(&older, "Une réponse sur les congés")).await;
    let newer = raw.send_text(&room_id, "Sujet : le déménagement").await;
    raw.send_message(&room_id, thread_reply(&newer, "Première sur le déménagement")).await;
    raw.send_message(&room_id, thread_reply(&newer, "Deuxième sur le déménagement")).await;
    raw.send_text(&room_id, "Un message sans fil").await;

    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &reader.localpart, PASSWORD).await.unwrap();
    join_invited_room(&session, &room_id).await;

    let list: Mirror<ThreadSummary> = Mirror::new();
    session.timelines().open_thread_list(&room_id, list.sink()).await.unwrap();
    while !session.timelines().paginate_thread_list(&room_id).await.unwrap() {}
    let threads = list.wait_until("both threads", |threads| threads.len() == 2).await;
    let roots: Vec<_> = threads.iter().map(|t| text_of(&t.root.content)).collect();
    assert_eq!(roots, [Some("Sujet : le déménagement"), Some("Sujet : les congés")], "newest thread first, no other message");
    assert_eq!(threads[0].root_event_id, newer);
    assert_eq!(threads[0].root.sender_name, "Olivier Autre");
    assert_eq!(threads[0].replies, 2);
    let latest = threads[0].latest.as_ref().expect("the latest reply");
    assert_eq!(text_of(&latest.content), Some("Deuxième sur le déménagement"));
    assert_eq!(latest.sender_name, "Olivier Autre");
    assert_eq!(threads[1].replies, 1);

    // Another reply arrives by sync while the list is open.
    raw.send_message(&room_id, thread_reply(&older, "Encore une sur les congés")).await;
    let threads = list
        .wait_until("the new reply counted", |threads| {
            threads.iter().any(|t| t.root_event_id == older && t.replies == 2 && t.latest.as_ref().is_some_and(|l| text_of(&l.content) == Some("Encore une sur les congés")))
        })
        .await;
    let other_thread = threads.iter().find(|t| t.root_event_id == newer).unwrap();
    assert_eq!(other_thread.replies, 2, "the other thread is unchanged");
    session.timelines().close_thread_list(&room_id);
}
