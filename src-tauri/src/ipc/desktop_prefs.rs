//! The settings dialog's "Bureau" section: what closing the window does
//! (stored in the data folder, see `tchap_core::preferences`) and starting
//! with the desktop session (the OS's own autostart entry, through
//! tauri-plugin-autostart, whose commands the webview is not granted).

use std::{
    path::Path,
    sync::atomic::{AtomicBool, Ordering},
};

use tauri::{AppHandle, Manager, State};
use tauri_plugin_autostart::ManagerExt;
use tchap_core::{
    error::{AppError, AppResult},
    preferences::KEEP_IN_TRAY,
    state::AppState,
};

use super::logged_sync;

pub struct DesktopPrefs {
    keep_in_tray: AtomicBool,
}

impl DesktopPrefs {
    pub fn load(data_dir: &Path) -> Self {
        Self { keep_in_tray: AtomicBool::new(KEEP_IN_TRAY.load(data_dir)) }
    }
}

pub fn keep_in_tray_now(app: &AppHandle) -> bool {
    app.try_state::<DesktopPrefs>().is_some_and(|prefs| prefs.keep_in_tray.load(Ordering::Relaxed))
}

/// Closing the window keeps Tchap in the notification area (on by default).
#[tauri::command]
#[specta::specta]
pub fn keep_in_tray(prefs: State<'_, DesktopPrefs>) -> bool {
    prefs.keep_in_tray.load(Ordering::Relaxed)
}

#[tauri::command]
#[specta::specta]
pub async fn set_keep_in_tray(state: State<'_, AppState>, prefs: State<'_, DesktopPrefs>, enabled: bool) -> AppResult<()> {
    let saved = KEEP_IN_TRAY.save(&state.paths.data_dir, enabled).await;
    if saved.is_ok() {
        prefs.keep_in_tray.store(enabled, Ordering::Relaxed);
    }
    logged_sync("set_keep_in_tray", saved)
}

/// Tchap starts with the desktop session (off by default).
#[tauri::command]
#[specta::specta]
pub fn autostart_enabled(app: AppHandle) -> AppResult<bool> {
    logged_sync("autostart_enabled", app.autolaunch().is_enabled().map_err(|e| AppError::storage("autostart", e)))
}

#[tauri::command]
#[specta::specta]
pub fn set_autostart(app: AppHandle, enabled: bool) -> AppResult<()> {
    let autolaunch = app.autolaunch();
    let changed = if enabled { autolaunch.enable() } else { autolaunch.disable() };
    logged_sync("set_autostart", changed.map_err(|e| AppError::storage("autostart", e)))
}
