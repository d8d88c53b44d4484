//! Desktop notifications: the core's notices shown on the desktop, one per
//! room updated in place; a click raises the window and opens the room. The
//! shell knows the window's focus and the room the UI shows, and tells the
//! core which room the user is reading.

mod desktop;

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State, async_runtime::JoinHandle};
use tauri_specta::Event;
use tchap_core::{
    error::AppResult,
    notifications::{Notice, RoomNotificationMode, privacy},
    session::Session,
    state::AppState,
};
use tracing::warn;

use super::{logged, logged_sync};
pub use desktop::inform;

/// A notification was clicked: the UI opens this room.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct OpenRoomRequested {
    pub room_id: String,
}

/// What the user reads: the room the UI shows, in a window that may have the focus.
struct Reading {
    open_room: Option<String>,
    window_focused: bool,
}

pub struct Notifier {
    privacy: AtomicBool,
    reading: Mutex<Reading>,
    /// Per room: the notification shown (its id is reused to update it in
    /// place) and the task waiting for its click.
    shown: Mutex<HashMap<String, (desktop::Shown, JoinHandle<()>)>>,
}

impl Notifier {
    pub fn new(privacy: bool) -> Self {
        // A window that just opened has the focus; the first focus event corrects it.
        let reading = Reading { open_room: None, window_focused: true };
        Self { privacy: AtomicBool::new(privacy), reading: Mutex::new(reading), shown: Mutex::default() }
    }

    fn focused_room(&self) -> Option<String> {
        let reading = self.reading.lock().unwrap();
        if reading.window_focused { reading.open_room.clone() } else { None }
    }

    /// Keeps the new notification of `room_id`; the click of the one it replaced no longer matters.
    fn remember(&self, room_id: String, shown: desktop::Shown, waiter: JoinHandle<()>) {
        if let Some((_, previous)) = self.shown.lock().unwrap().insert(room_id, (shown, waiter)) {
            previous.abort();
        }
    }

    /// The notification is gone (clicked or closed): the next one is new.
    fn forget(&self, room_id: &str, id: u32) {
        let mut shown = self.shown.lock().unwrap();
        if shown.get(room_id).is_some_and(|(shown, _)| shown.id == id) {
            shown.remove(room_id);
        }
    }

    /// The room is being read: its notification has said what it had to.
    fn take_back(&self, room_id: &str) {
        if let Some((shown, waiter)) = self.shown.lock().unwrap().remove(room_id) {
            waiter.abort();
            tauri::async_runtime::spawn(async move { shown.close().await });
        }
    }
}

/// Tells the session which room the user is reading, if any, and takes
/// that room's notification back.
fn share_focus(app: &AppHandle) {
    let focused = app.state::<Notifier>().focused_room();
    if let Some(room_id) = &focused {
        app.state::<Notifier>().take_back(room_id);
    }
    if let Some(session) = app.state::<AppState>().current() {
        if let Err(error) = session.notifications().set_focused_room(focused.as_deref()) {
            warn!(code = ?error.code, "focused room not shared");
        }
    }
}

pub fn window_focused(app: &AppHandle, focused: bool) {
    app.state::<Notifier>().reading.lock().unwrap().window_focused = focused;
    share_focus(app);
}

/// Shows a new session's notices, for as long as it lives.
pub fn attach(app: &AppHandle, session: &Arc<Session>) {
    share_focus(app);
    let mut notices = session.notifications().notices();
    let handle = app.clone();
    session.context().spawn("ipc-notifications", async move {
        loop {
            match notices.recv().await {
                Ok(notice) => present(&handle, notice).await,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

async fn present(app: &AppHandle, notice: Notice) {
    let notifier = app.state::<Notifier>();
    let content = desktop::content(&notice, notifier.privacy.load(Ordering::Relaxed));
    let replaces = notifier.shown.lock().unwrap().get(&notice.room_id).map(|(shown, _)| shown.id);
    match desktop::show(&content, notice.room_id.clone(), replaces).await {
        Ok((shown, clicked)) => {
            let id = shown.id;
            let handle = app.clone();
            let room_id = notice.room_id.clone();
            let waiter = tauri::async_runtime::spawn(async move {
                let clicked = clicked.await;
                handle.state::<Notifier>().forget(&room_id, id);
                if let Some(room_id) = clicked {
                    open_room(&handle, room_id);
                }
            });
            notifier.remember(notice.room_id, shown, waiter);
        }
        // No daemon (a bare window manager), or it refused: the unread counts still tell.
        Err(error) => warn!(%error, "notification not shown"),
    }
}

/// Raises the window and asks the UI to open the room.
fn open_room(app: &AppHandle, room_id: String) {
    super::tray::show_window(app);
    let _ = OpenRoomRequested { room_id }.emit(app);
}

/// The room the UI shows (none: no room open). Its notification, if any,
/// is taken back: the user is looking at the room.
#[tauri::command]
#[specta::specta]
pub fn set_open_room(app: AppHandle, room_id: Option<String>) {
    if let Some(room_id) = &room_id {
        app.state::<Notifier>().take_back(room_id);
    }
    app.state::<Notifier>().reading.lock().unwrap().open_room = room_id;
    share_focus(&app);
}

#[tauri::command]
#[specta::specta]
pub async fn room_notification_mode(state: State<'_, AppState>, room_id: String) -> AppResult<RoomNotificationMode> {
    logged("room_notification_mode", async { state.session()?.notifications().room_mode(&room_id).await }).await
}

/// Saved in the account's push rules: Tchap's other clients follow it.
#[tauri::command]
#[specta::specta]
pub async fn set_room_notification_mode(state: State<'_, AppState>, room_id: String, mode: RoomNotificationMode) -> AppResult<()> {
    logged("set_room_notification_mode", async { state.session()?.notifications().set_room_mode(&room_id, mode).await }).await
}

/// Privacy mode: notifications say "Nouveau message" and nothing else.
#[tauri::command]
#[specta::specta]
pub fn notification_privacy(notifier: State<'_, Notifier>) -> bool {
    notifier.privacy.load(Ordering::Relaxed)
}

#[tauri::command]
#[specta::specta]
pub async fn set_notification_privacy(state: State<'_, AppState>, notifier: State<'_, Notifier>, enabled: bool) -> AppResult<()> {
    let saved = privacy::save(&state.paths.data_dir, enabled).await;
    // Showing less is never wrong: on at once, even if it could not be saved
    // (but never against the organisation's policy).
    let managed = saved.as_ref().is_err_and(|e| e.code == tchap_core::error::ErrorCode::ManagedByPolicy);
    if (enabled && !managed) || saved.is_ok() {
        notifier.privacy.store(enabled, Ordering::Relaxed);
    }
    logged_sync("set_notification_privacy", saved)
}
