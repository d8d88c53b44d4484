//! Desktop notifications against the real Synapse: what another person's
//! new message gives, what never gives one (one's own messages, a muted
//! room, messages caught up after a restart, the room being read), mentions in a "mentions only" room, and the room's mode
//! following the account.

// The SDK's futures nest deeply in one test's async block.
#![recursion_limit = "256"]

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tchap_core::{
    notifications::{Notice, RoomNotificationMode},
    room_list::{self, RoomKind, RoomSummary},
    rooms,
    session::{self, Session},
    timeline::MessageContent,
};

/// Every notice the session gives from now on.
fn record_notices(session: &Session) -> Recorder<Notice> {
    let recorder = Recorder::new();
    let (sink, mut notices) = (recorder.sink(), session.notifications().notices());
    tokio::spawn(async move {
        while let Ok(notice) = notices.recv().await {
            sink(notice);
        }
    });
    recorder
}

async fn join_room(session: &Session, list: &Mirror<RoomSummary>, room_id: &str) {
    list.wait_until("the invite", |r| r.iter().any(|s| s.id == room_id)).await;
    rooms::accept_invite(session.context(), room_id).await.unwrap();
    list.wait_until("joined", |r| r.iter().any(|s| s.id == room_id && s.kind == RoomKind::Room)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn new_messages_from_others_are_notified_as_the_user_chose() {
    let odile = register("notifodile", "Odile Autre [Dinum]").await;
    let dana = register("notifdana", "Dana Lectrice [Intérieur]").await;
    let raw = RawClient::new(&odile);
    let dossiers = raw.create_room("Suivi des dossiers", &[&dana.user_id]).await;
    let cantine = raw.create_room("Cantine", &[&dana.user_id]).await;
    let annonces = raw.create_room("Annonces", &[&dana.user_id]).await;

    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &dana.localpart, PASSWORD).await.unwrap();
    let notices = record_notices(&session);
    let list = Mirror::<RoomSummary>::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    for room in [&dossiers, &cantine, &annonces] {
        join_room(&session, &list, room).await;
    }
    let mode = session.notifications().room_mode(&dossiers).await.unwrap();
    assert_eq!(mode, RoomNotificationMode::AllMessages, "a group room's default");

    // Another person's message: sender (without the ministry), room, preview.
    let live = raw.send_text(&dossiers, "Le dossier 12 est prêt.\nÀ relire avant jeudi.").await;
    let seen = notices.wait_last("the live message", |n| n.event_id == live).await;
    let notice = seen.clone();
    assert_eq!(notice.room_id, dossiers);
    assert_eq!(notice.sender_name, "Odile Autre");
    assert_eq!(notice.room_name, "Suivi des dossiers");
    assert_eq!(notice.preview, "Le dossier 12 est prêt. À relire avant jeudi.");
    assert!(!notice.is_mention && !notice.is_direct);
    let seen_ids = |all: &[Notice]| all.iter().map(|n| n.event_id.clone()).collect::<Vec<_>>();

    // Her own message (from another of her clients) and a muted room: nothing.
    RawClient::new(&dana).send_text(&dossiers, "Je m'en occupe.").await;
    session.notifications().set_room_mode(&cantine, RoomNotificationMode::Muted).await.unwrap();
    assert_eq!(session.notifications().room_mode(&cantine).await.unwrap(), RoomNotificationMode::Muted);
    raw.send_text(&cantine, "Frites ce midi").await;
    // The room she reads, window focused: nothing; then the window loses focus.
    session.notifications().set_focused_room(Some(&annonces)).unwrap();
    raw.send_text(&annonces, "Réunion à 14 h").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    session.notifications().set_focused_room(None).unwrap();
    let after_focus = raw.send_text(&annonces, "Réunion déplacée à 15 h").await;
    notices.wait_last("the message once the window lost focus", |n| n.event_id == after_focus).await;
    assert_eq!(seen_ids(&notices.0.lock().unwrap()), vec![live.clone(), after_focus.clone()], "own, muted and focused rooms give nothing");

    // Mentions only: a plain message gives nothing, a mention gives one, marked.
    session.notifications().set_room_mode(&dossiers, RoomNotificationMode::MentionsOnly).await.unwrap();
    raw.send_text(&dossiers, "Point d'étape sans vous").await;
    let mention = raw
        .send_message(&dossiers, json!({"msgtype": "m.text", "body": "Dana, tu relis ?", "m.mentions": {"user_ids": [dana.user_id]}}))
        .await;
    let all = notices.wait_last("the mention", |n| n.event_id == mention).await;
    assert!(all.is_mention, "marked as a mention");
    assert_eq!(seen_ids(&notices.0.lock().unwrap()), vec![live, after_focus, mention], "a mere message of a mentions-only room gives nothing");

    // The choice lives in the account: another session of hers reads it back.
    let other_data = data_dir();
    let other_session = session::login(other_data.path(), &homeserver(), &dana.localpart, PASSWORD).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let modes = (other_session.notifications().room_mode(&cantine).await, other_session.notifications().room_mode(&dossiers).await);
        if let (Ok(RoomNotificationMode::Muted), Ok(RoomNotificationMode::MentionsOnly)) = modes {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the other session still reads {modes:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Back to all messages, from there: this session follows.
    other_session.notifications().set_room_mode(&cantine, RoomNotificationMode::AllMessages).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while session.notifications().room_mode(&cantine).await.unwrap() != RoomNotificationMode::AllMessages {
        assert!(tokio::time::Instant::now() < deadline, "this session did not see the change");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    other_session.stop().await;
    session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_caught_up_after_a_restart_are_not_notified() {
    let odile = register("notifodile", "Odile Autre").await;
    let dana = register("notifdana", "Dana Lectrice").await;
    let raw = RawClient::new(&odile);
    let room_id = raw.create_room("Suivi des dossiers", &[&dana.user_id]).await;
    let relay = common::proxy::Relay::start(&homeserver()).await;

    // A first run: Dana joins, then quits.
    let data = data_dir();
    let first_run = session::login(data.path(), relay.url(), &dana.localpart, PASSWORD).await.unwrap();
    let list = Mirror::<RoomSummary>::new();
    room_list::subscribe(first_run.context(), list.sink()).await.unwrap();
    join_room(&first_run, &list, &room_id).await;
    first_run.stop().await;
    drop(first_run);

    // A message while the app is closed; it starts again offline, so the
    // catch-up can only come once its notices are listened to.
    let missed = raw.send_text(&room_id, "Pendant votre absence").await;
    relay.cut();
    let session = session::restore(data.path()).await.unwrap().expect("the session reopens");
    let notices = record_notices(&session);
    let list = Mirror::<RoomSummary>::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    relay.restore();
    let caught_up = |r: &[RoomSummary]| {
        r.iter().any(|s| {
            s.id == room_id && matches!(&s.last_message, Some(m) if matches!(&m.content, MessageContent::Text { body, .. } if body == "Pendant votre absence"))
        })
    };
    list.wait_until("the missed message caught up", caught_up).await;

    let live = raw.send_text(&room_id, "Vous êtes revenue ?").await;
    notices.wait_last("the live message", |n| n.event_id == live).await;
    let seen: Vec<_> = notices.0.lock().unwrap().iter().map(|n| n.event_id.clone()).collect();
    assert_eq!(seen, vec![live], "nothing for what was caught up ({missed})");
    session.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_invite_is_notified_once_and_old_ones_never() {
    let odile = register("notifodile", "Odile Autre [Dinum]").await;
    let dana = register("notifdana", "Dana Lectrice").await;
    let raw = RawClient::new(&odile);
    let old = raw.create_room("Ancien dossier", &[&dana.user_id]).await;

    // Signed in on a new computer: the pending invite is caught up, not new.
    let data = data_dir();
    let session = session::login(data.path(), &homeserver(), &dana.localpart, PASSWORD).await.unwrap();
    let notices = record_notices(&session);
    let list = Mirror::<RoomSummary>::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    list.wait_until("the pending invite", |r| r.iter().any(|s| s.id == old)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    // A new invite: who invites, to which room; marked as an invite.
    let new = raw.create_room("Nouveau projet", &[&dana.user_id]).await;
    let notice = notices.wait_last("the new invite", |n| n.room_id == new).await;
    assert!(notice.is_invite && !notice.is_mention);
    assert_eq!(notice.sender_name, "Odile Autre");
    assert_eq!(notice.room_name, "Nouveau projet");
    assert_eq!(notice.preview, "vous invite dans « Nouveau projet »");
    let rooms = |notices: &Recorder<Notice>| notices.0.lock().unwrap().iter().map(|n| n.room_id.clone()).collect::<Vec<_>>();
    assert_eq!(rooms(&notices), vec![new.clone()], "nothing for the invite pending at sign-in");
    session.stop().await;
    drop(session);

    // The next start: both invites are old; a third one is new.
    let session = session::restore(data.path()).await.unwrap().expect("the session reopens");
    let notices = record_notices(&session);
    let list = Mirror::<RoomSummary>::new();
    room_list::subscribe(session.context(), list.sink()).await.unwrap();
    list.wait_until("both invites", |r| [&old, &new].iter().all(|id| r.iter().any(|s| &&s.id == id))).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let third = raw.create_room("Troisième salon", &[&dana.user_id]).await;
    notices.wait_last("the third invite", |n| n.room_id == third).await;
    assert_eq!(rooms(&notices), vec![third], "nothing again for the invites of the last run");
    session.stop().await;
}
