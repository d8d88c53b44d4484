//! The notification area: an icon that shows unread messages (a red dot),
//! their count (tooltip, and the menu's first line where trays show no
//! tooltip), a menu that opens Tchap, pauses notifications for an hour,
//! quits; closing the window keeps Tchap there (`preferences::KEEP_IN_TRAY`);
//! and the count on the launcher (`badge`).

mod badge;
mod model;

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use tauri::{
    AppHandle, Manager, Window,
    image::Image,
    menu::{IsMenuItem, Menu, MenuItem, PredefinedMenuItem},
    tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent},
};
use tchap_core::{notifications::now_ms, preferences::TRAY_EXPLAINED, room_list::unread, session::Session, state::AppState};
use tracing::warn;

use model::OnClose;

pub struct Tray {
    icon: TrayIcon,
    status: MenuItem<tauri::Wry>,
    pause: MenuItem<tauri::Wry>,
    plain: Image<'static>,
    dotted: Image<'static>,
    showing_dot: AtomicBool,
    /// Notifications paused until then (milliseconds since the epoch).
    paused_until: Mutex<Option<u64>>,
}

/// Puts the icon in the notification area. Where the platform refuses,
/// there is no tray and closing the window quits.
pub fn create(app: &AppHandle) {
    match build(app) {
        Ok(tray) => {
            app.manage(tray);
        }
        Err(error) => warn!(%error, "no tray icon: closing the window will quit"),
    }
}

fn build(app: &AppHandle) -> tauri::Result<Tray> {
    let status = MenuItem::with_id(app, model::STATUS_ID, model::unread_line(0), false, None::<&str>)?;
    let [open, pause, quit] = model::menu_entries(false).map(|(id, label)| MenuItem::with_id(app, id, label, true, None::<&str>));
    let (open, pause, quit) = (open?, pause?, quit?);
    let (above, below) = (PredefinedMenuItem::separator(app)?, PredefinedMenuItem::separator(app)?);
    let items: [&dyn IsMenuItem<tauri::Wry>; 6] = [&status, &above, &open, &pause, &below, &quit];
    let menu = Menu::with_items(app, &items)?;
    let plain = tauri::include_image!("../icons/128x128.png");
    let dotted = Image::new_owned(model::with_unread_dot(plain.rgba(), plain.width(), plain.height()), plain.width(), plain.height());
    let icon = TrayIconBuilder::with_id("main")
        .icon(plain.clone())
        .tooltip(model::tooltip(0))
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            id if id == model::OPEN.0 => show_window(app),
            id if id == model::PAUSE.0 => toggle_pause(app),
            id if id == model::QUIT.0 => app.exit(0),
            _ => {}
        })
        // Windows and macOS (a Linux tray opens the menu on any click).
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
                show_window(tray.app_handle());
            }
        })
        .build(app)?;
    Ok(Tray { icon, status, pause, plain, dotted, showing_dot: AtomicBool::new(false), paused_until: Mutex::new(None) })
}

/// Brings the window back, in front.
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

fn toggle_pause(app: &AppHandle) {
    let Some(tray) = app.try_state::<Tray>() else { return };
    let until = {
        let mut paused = tray.paused_until.lock().unwrap();
        *paused = if paused.is_some() { None } else { Some(now_ms() + model::PAUSE_MS) };
        *paused
    };
    apply_pause(app, until);
    if let Some(until) = until {
        let handle = app.clone();
        tauri::async_runtime::spawn(async move {
            // Against the wall clock, as the core's policy: a laptop asleep
            // through the hour wakes up with notifications back.
            while now_ms() < until {
                tokio::time::sleep(Duration::from_millis(until.saturating_sub(now_ms()).min(60_000))).await;
            }
            let ended = {
                let tray = handle.state::<Tray>();
                let mut paused = tray.paused_until.lock().unwrap();
                // Not if resumed by hand, or paused again, meanwhile.
                (*paused == Some(until)).then(|| *paused = None).is_some()
            };
            if ended {
                apply_pause(&handle, None);
            }
        });
    }
}

/// The menu says what a click does next; the session's notices follow.
fn apply_pause(app: &AppHandle, until: Option<u64>) {
    if let Some(tray) = app.try_state::<Tray>() {
        let _ = tray.pause.set_text(model::menu_entries(until.is_some())[1].1);
    }
    if let Some(session) = app.state::<AppState>().current() {
        session.notifications().pause_until(until);
    }
}

/// A new session: the pause holds for it too; its unread total is shown
/// until it ends.
pub fn attach(app: &AppHandle, session: &Arc<Session>) {
    if let Some(tray) = app.try_state::<Tray>() {
        session.notifications().pause_until(*tray.paused_until.lock().unwrap());
    }
    let mut total = unread::watch_total(session.context());
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let unread = *total.borrow_and_update();
            show_unread(&handle, unread).await;
            // The session's tasks stopped (signed out, ended).
            if total.changed().await.is_err() {
                break;
            }
        }
        if handle.state::<AppState>().current().is_none() {
            show_unread(&handle, 0).await;
        }
    });
}

async fn show_unread(app: &AppHandle, unread: u32) {
    if let Some(tray) = app.try_state::<Tray>() {
        let dot = unread > 0;
        if tray.showing_dot.swap(dot, Ordering::Relaxed) != dot {
            let _ = tray.icon.set_icon(Some(if dot { tray.dotted.clone() } else { tray.plain.clone() }));
        }
        let _ = tray.icon.set_tooltip(Some(model::tooltip(unread)));
        let _ = tray.status.set_text(model::unread_line(unread));
    }
    badge::show(app, unread).await;
}

/// Closing the window: hidden in the tray when the user wants it and a
/// tray shows, else quits (as closing the last window does).
pub fn close_requested(window: &Window, api: &tauri::CloseRequestApi) {
    let app = window.app_handle().clone();
    let keep_in_tray = super::desktop_prefs::keep_in_tray_now(&app);
    if model::on_close(keep_in_tray, app.try_state::<Tray>().is_some()) == OnClose::Quit {
        return;
    }
    api.prevent_close();
    let window = window.clone();
    tauri::async_runtime::spawn(async move {
        match model::on_close(keep_in_tray, tray_host_present().await) {
            OnClose::Hide => {
                let _ = window.hide();
                explain_once(&app).await;
            }
            OnClose::Quit => app.exit(0),
        }
    });
}

/// The first time, the user learns where Tchap went.
async fn explain_once(app: &AppHandle) {
    let data_dir = app.state::<AppState>().paths.data_dir.clone();
    if TRAY_EXPLAINED.load(&data_dir) {
        return;
    }
    match super::notifications::inform(model::KEPT_OPEN_NOTICE).await {
        // Said: never again. Not said: next time.
        Ok(()) => {
            if let Err(error) = TRAY_EXPLAINED.save(&data_dir, true).await {
                warn!(code = ?error.code, "tray explanation not remembered");
            }
        }
        Err(error) => warn!(%error, "tray explanation not shown"),
    }
}

/// Linux: an icon shows only if a StatusNotifier host (the panel, a shell
/// extension) is registered with the watcher; GNOME has none by default.
#[cfg(target_os = "linux")]
async fn tray_host_present() -> bool {
    async fn ask() -> zbus::Result<bool> {
        let bus = zbus::Connection::session().await?;
        let watcher: zbus::Proxy<'_> = zbus::proxy::Builder::new(&bus)
            .destination("org.kde.StatusNotifierWatcher")?
            .path("/StatusNotifierWatcher")?
            .interface("org.kde.StatusNotifierWatcher")?
            .cache_properties(zbus::proxy::CacheProperties::No)
            .build()
            .await?;
        watcher.get_property::<bool>("IsStatusNotifierHostRegistered").await.map_err(Into::into)
    }
    match tokio::time::timeout(Duration::from_secs(2), ask()).await {
        Ok(Ok(present)) => present,
        Ok(Err(error)) => {
            tracing::info!(%error, "no tray host: closing the window quits");
            false
        }
        Err(_) => false,
    }
}

#[cfg(not(target_os = "linux"))]
async fn tray_host_present() -> bool {
    true
}
