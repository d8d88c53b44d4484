//! One notice on the desktop (notify-rust: the freedesktop notification
//! daemon on Linux, toasts on Windows) and its click.

use std::future::Future;

use notify_rust::{Notification, NotificationResponse};
use tchap_core::notifications::Notice;

/// Windows shows this AppUserModelID's name and icon on the toast (the
/// bundle identifier, which the installer registers).
#[cfg_attr(not(windows), allow(dead_code))]
const APP_ID: &str = "fr.gouv.tchap.desktop";
const APP_NAME: &str = "Tchap";
/// The action a click on the notification's body sends (freedesktop spec).
const CLICK: &str = "default";

/// What a notification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub summary: String,
    pub body: String,
}

/// The room (or, for a direct chat, the person) as the title; the sender and
/// the preview below. In privacy mode, nothing but "Nouveau message".
pub fn content(notice: &Notice, privacy: bool) -> Content {
    if privacy {
        let summary = if notice.is_invite { "Nouvelle invitation" } else { "Nouveau message" };
        return Content { summary: summary.to_owned(), body: String::new() };
    }
    let title = if notice.is_direct { &notice.sender_name } else { &notice.room_name };
    if notice.is_invite {
        return Content { summary: format!("Invitation · {title}"), body: format!("{} {}", notice.sender_name, notice.preview) };
    }
    let summary = if notice.is_mention { format!("{title} · mention") } else { title.clone() };
    let body = if notice.is_direct { notice.preview.clone() } else { format!("{} : {}", notice.sender_name, notice.preview) };
    Content { summary, body }
}

/// Most Linux daemons read the body as markup: a message's `<`, `&` are text.
#[cfg(all(unix, not(target_os = "macos")))]
fn body_text(body: &str) -> String {
    body.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn body_text(body: &str) -> String {
    body.to_owned()
}

fn notification(content: &Content, replaces: Option<u32>) -> Notification {
    let mut notification = Notification::new();
    notification.appname(APP_NAME).summary(&content.summary).body(&body_text(&content.body)).action(CLICK, "Ouvrir");
    #[cfg(all(unix, not(target_os = "macos")))]
    notification.icon(APP_ID).hint(notify_rust::Hint::Category("im.received".to_owned()));
    #[cfg(windows)]
    notification.app_id(APP_ID);
    if let Some(id) = replaces {
        // The daemon updates that notification in place instead of adding one.
        notification.id(id);
    }
    notification
}

/// A notification on screen, which the app can take back.
#[derive(Clone)]
pub struct Shown {
    pub id: u32,
    #[cfg(all(unix, not(target_os = "macos")))]
    handle: std::sync::Arc<notify_rust::NotificationHandle>,
}

impl Shown {
    /// Takes the notification off the screen (its room is being read).
    /// Windows keeps a toast in the action centre: not taken back there.
    pub async fn close(&self) {
        #[cfg(all(unix, not(target_os = "macos")))]
        self.handle.close_async().await;
    }
}

/// A plain notice from the app itself: no room, nothing to click.
pub async fn inform(body: &str) -> Result<(), String> {
    let mut notification = Notification::new();
    notification.appname(APP_NAME).summary(APP_NAME).body(body);
    #[cfg(all(unix, not(target_os = "macos")))]
    notification.icon(APP_ID);
    #[cfg(windows)]
    notification.app_id(APP_ID);
    tokio::task::spawn_blocking(move || notification.show().map(drop).map_err(|e| e.to_string())).await.map_err(|e| e.to_string())?
}

/// Shows `content` for `room_id`, in place of the notification `replaces`
/// where the platform allows. Returns the notification and what resolves to
/// the room to open once it is clicked (`None` when it is closed or
/// dismissed instead).
#[cfg(all(unix, not(target_os = "macos")))]
pub async fn show(content: &Content, room_id: String, replaces: Option<u32>) -> Result<(Shown, impl Future<Output = Option<String>> + use<>), String> {
    let handle = std::sync::Arc::new(notification(content, replaces).show_async().await.map_err(|e| e.to_string())?);
    let shown = Shown { id: handle.id(), handle: handle.clone() };
    let clicked = async move {
        let mut clicked = false;
        handle.wait_for_action_async(|response| clicked = matches!(response, NotificationResponse::Default)).await;
        clicked.then_some(room_id)
    };
    Ok((shown, clicked))
}

/// Windows and macOS: the toast's own blocking calls, off the async workers;
/// a toast is not updated in place (no id to reuse).
#[cfg(not(all(unix, not(target_os = "macos"))))]
pub async fn show(content: &Content, room_id: String, _replaces: Option<u32>) -> Result<(Shown, impl Future<Output = Option<String>> + use<>), String> {
    let notification = notification(content, None);
    let handle = tokio::task::spawn_blocking(move || notification.show().map_err(|e| e.to_string())).await.map_err(|e| e.to_string())??;
    let clicked = async move {
        let clicked = tokio::task::spawn_blocking(move || {
            let mut clicked = false;
            let _ = handle.wait_for_response(|response: &NotificationResponse| clicked = matches!(response, NotificationResponse::Default));
            clicked
        });
        clicked.await.unwrap_or(false).then_some(room_id)
    };
    Ok((Shown { id: 0 }, clicked))
}

/// Against a real notification daemon on a private D-Bus session bus:
/// python3-dbusmock's `notification_daemon`, which records the `Notify`
/// calls and sends the signals a click or a close sends.
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::{process::Command, time::Duration};

    use zbus::zvariant::{OwnedValue, Value};

    use super::*;
    use crate::ipc::private_bus::on_private_bus;

    const DAEMON: &str = "org.freedesktop.Notifications";
    const DAEMON_PATH: &str = "/org/freedesktop/Notifications";

    /// The mock daemon, stopped when dropped.
    struct MockDaemon {
        process: std::process::Child,
        bus: zbus::Connection,
    }

    impl MockDaemon {
        async fn start() -> Self {
            let process = Command::new("/usr/bin/python3")
                .args(["-m", "dbusmock", "--session", "--template", "notification_daemon"])
                .args(["--parameters", r#"{"capabilities": "body body-markup actions"}"#])
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("python3-dbusmock (apt-get install python3-dbusmock)");
            let bus = zbus::Connection::session().await.unwrap();
            let dbus = zbus::fdo::DBusProxy::new(&bus).await.unwrap();
            for _ in 0..100 {
                if dbus.name_has_owner(DAEMON.try_into().unwrap()).await.unwrap() {
                    return Self { process, bus };
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            panic!("the mock notification daemon did not start");
        }

        /// Each `Notify` call: (replaces_id, summary, body, actions).
        async fn notify_calls(&self) -> Vec<(u32, String, String, Vec<String>)> {
            let reply = self
                .bus
                .call_method(Some(DAEMON), DAEMON_PATH, Some("org.freedesktop.DBus.Mock"), "GetMethodCalls", &("Notify",))
                .await
                .unwrap();
            let calls: Vec<(u64, Vec<OwnedValue>)> = reply.body().deserialize().unwrap();
            calls
                .into_iter()
                .map(|(_, args)| {
                    let text = |n: usize| String::try_from(args[n].try_clone().unwrap()).unwrap();
                    let actions = Vec::<String>::try_from(args[5].try_clone().unwrap()).unwrap();
                    (u32::try_from(&args[1]).unwrap(), text(3), text(4), actions)
                })
                .collect()
        }

        /// The ids of the notifications the app took back.
        async fn close_calls(&self) -> Vec<u32> {
            let reply = self
                .bus
                .call_method(Some(DAEMON), DAEMON_PATH, Some("org.freedesktop.DBus.Mock"), "GetMethodCalls", &("CloseNotification",))
                .await
                .unwrap();
            let calls: Vec<(u64, Vec<OwnedValue>)> = reply.body().deserialize().unwrap();
            // The template declares the id signed (`i`), unlike the spec's `u`.
            calls.into_iter().map(|(_, args)| i32::try_from(&args[0]).unwrap().unsigned_abs()).collect()
        }

        async fn emit(&self, signal: &str, signature: &str, args: Vec<Value<'_>>) {
            self.bus
                .call_method(Some(DAEMON), DAEMON_PATH, Some("org.freedesktop.DBus.Mock"), "EmitSignal", &(DAEMON, signal, signature, args))
                .await
                .unwrap();
        }
    }

    impl Drop for MockDaemon {
        fn drop(&mut self) {
            let _ = self.process.kill();
            let _ = self.process.wait();
        }
    }

    fn notice(is_direct: bool) -> Notice {
        Notice {
            room_id: "!dossiers:tchap.test".to_owned(),
            event_id: "$live".to_owned(),
            sender_name: "Odile Autre".to_owned(),
            room_name: "Suivi des dossiers".to_owned(),
            preview: "Le <b>dossier</b> 12 & le 13".to_owned(),
            is_mention: false,
            is_direct,
            is_invite: false,
        }
    }

    /// Sends the signal until `waiting` resolves: the waiter subscribes to
    /// the daemon's signals only once the notification is shown.
    async fn signal_until<T>(daemon: &MockDaemon, signal: &str, signature: &str, args: impl Fn() -> Vec<Value<'static>>, waiting: impl Future<Output = T>) -> T {
        let mut waiting = std::pin::pin!(waiting);
        for _ in 0..50 {
            daemon.emit(signal, signature, args()).await;
            if let Ok(value) = tokio::time::timeout(Duration::from_millis(200), &mut waiting).await {
                return value;
            }
        }
        panic!("{signal} never reached the notification's waiter");
    }

    #[test]
    fn a_notice_reaches_the_daemon_and_a_click_opens_its_room() {
        if !on_private_bus(module_path!(), "a_notice_reaches_the_daemon_and_a_click_opens_its_room") {
            return;
        }
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let daemon = MockDaemon::start().await;

            // Room, sender and preview; the message's markup is text.
            let (shown, clicked) = show(&content(&notice(false), false), "!dossiers:tchap.test".to_owned(), None).await.unwrap();
            let id = shown.id;
            let (replaces, summary, body, actions) = daemon.notify_calls().await.pop().unwrap();
            assert_eq!((replaces, summary.as_str()), (0, "Suivi des dossiers"));
            assert_eq!(body, "Odile Autre : Le &lt;b&gt;dossier&lt;/b&gt; 12 &amp; le 13");
            assert_eq!(actions.first().map(String::as_str), Some("default"), "clickable");

            // A click on it resolves to its room.
            let click = || vec![Value::U32(id), Value::from("default")];
            let opened = signal_until(&daemon, "ActionInvoked", "us", click, clicked).await;
            assert_eq!(opened.as_deref(), Some("!dossiers:tchap.test"));

            // The room's next message updates that notification in place.
            let (same, closed) = show(&content(&notice(false), false), "!dossiers:tchap.test".to_owned(), Some(id)).await.unwrap();
            assert_eq!(same.id, id);
            assert_eq!(daemon.notify_calls().await.pop().unwrap().0, id, "replaces the room's notification");
            // Closed without a click: nothing to open.
            let close = || vec![Value::U32(id), Value::U32(2)];
            assert_eq!(signal_until(&daemon, "NotificationClosed", "uu", close, closed).await, None);

            // Privacy mode: "Nouveau message", no name, no content.
            let _shown = show(&content(&notice(true), true), "!dm:tchap.test".to_owned(), None).await.unwrap();
            let (_, summary, body, _) = daemon.notify_calls().await.pop().unwrap();
            assert_eq!((summary.as_str(), body.as_str()), ("Nouveau message", ""));

            // Its room opened in the app: the notification is taken back.
            let (shown, _) = show(&content(&notice(false), false), "!dossiers:tchap.test".to_owned(), None).await.unwrap();
            assert!(daemon.close_calls().await.is_empty());
            shown.close().await;
            assert_eq!(daemon.close_calls().await, vec![shown.id]);
        });
    }

    #[test]
    fn an_invite_names_who_invites_and_where() {
        let invite = Notice { is_invite: true, preview: "vous invite dans « Suivi des dossiers »".to_owned(), ..notice(false) };
        let shown = content(&invite, false);
        assert_eq!(shown.summary, "Invitation · Suivi des dossiers");
        assert_eq!(shown.body, "Odile Autre vous invite dans « Suivi des dossiers »");
        assert_eq!(content(&invite, true), Content { summary: "Nouvelle invitation".to_owned(), body: String::new() });
    }

    #[test]
    fn a_direct_chat_is_titled_by_its_person_and_a_mention_is_marked() {
        let direct = content(&notice(true), false);
        assert_eq!(direct, Content { summary: "Odile Autre".to_owned(), body: "Le <b>dossier</b> 12 & le 13".to_owned() });
        let mention = content(&Notice { is_mention: true, ..notice(false) }, false);
        assert_eq!(mention.summary, "Suivi des dossiers · mention");
    }
}
