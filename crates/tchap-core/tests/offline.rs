//! The network drops while the user writes: the message shows as failed,
//! then is sent — once — when the server is back, by itself or on "retry".

mod common;

use common::{proxy::Relay, *};
use tchap_core::{
    session::{self, Session, SyncState},
    timeline::{MessageContent, SendState, TimelineItem},
};

fn own_message<'a>(items: &'a [TimelineItem], text: &str) -> Option<(&'a str, Option<SendState>)> {
    items.iter().find_map(|item| match item {
        TimelineItem::Event { id, is_own: true, content: MessageContent::Text { body, .. }, send_state, .. } if body == text => {
            Some((id.as_str(), *send_state))
        }
        _ => None,
    })
}

async fn wait_state(items: &Mirror<TimelineItem>, text: &str, what: &str, expected: impl Fn(Option<SendState>) -> bool) -> String {
    let snapshot = items.wait_until(what, |i| own_message(i, text).is_some_and(|(_, s)| expected(s))).await;
    own_message(&snapshot, text).unwrap().0.to_owned()
}

async fn wait_sync(session: &Session, state: SyncState) {
    let mut states = session.sync_state();
    tokio::time::timeout(std::time::Duration::from_secs(60), states.wait_for(|s| *s == state))
        .await
        .unwrap_or_else(|_| panic!("sync never reached {state:?}"))
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_written_offline_fail_visibly_then_are_sent_once() {
    let user = register("nomade", "Nina Nomade").await;
    let peer = register("bureau", "Bernard Bureau");
    let peer = peer.await;
    let raw = RawClient::new(&peer);
    let room_id = raw.create_room("Permanence", &[&user.user_id]).await;

    let relay = Relay::start(&homeserver()).await;
    let data = data_dir();
    let session = session::login(data.path(), relay.url(), &user.localpart, PASSWORD).await.unwrap();
    join_invited_room(&session, &room_id).await;
    let items = Mirror::new();
    session.timelines().open(&room_id, items.sink()).await.unwrap();
    wait_sync(&session, SyncState::Running).await;

    // 1. Written while the network is down: a failed, retryable message…
    relay.cut();
    session.timelines().send_text(&room_id, "Écrit dans le train").await.unwrap();
    wait_state(&items, "Écrit dans le train", "a retryable failure", |s| s == Some(SendState::Failed { recoverable: true })).await;
    wait_sync(&session, SyncState::Offline).await;
    // …which goes out by itself once the server is reachable again.
    relay.restore();
    wait_sync(&session, SyncState::Running).await;
    wait_state(&items, "Écrit dans le train", "sent after reconnecting", |s| s == Some(SendState::Sent)).await;

    // 2. Another failure; this time the user presses "retry" as soon as the
    // network is back, racing the automatic resend.
    relay.cut();
    session.timelines().send_text(&room_id, "Deuxième essai").await.unwrap();
    let failed = wait_state(&items, "Deuxième essai", "a second failure", |s| matches!(s, Some(SendState::Failed { .. }))).await;
    relay.restore();
    session.timelines().retry_send(&room_id, &failed).await.unwrap();
    wait_state(&items, "Deuxième essai", "sent after retry", |s| s == Some(SendState::Sent)).await;

    // The other user got each message exactly once.
    raw.wait_for_messages(&room_id, "the other user gets both messages", |received| {
        let count = |text: &str| received.iter().filter(|b| *b == text).count();
        assert!(count("Écrit dans le train") <= 1 && count("Deuxième essai") <= 1, "a message was sent twice: {received:?}");
        count("Écrit dans le train") == 1 && count("Deuxième essai") == 1
    })
    .await;
}
