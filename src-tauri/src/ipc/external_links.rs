//! A message's web or mail link, opened in the system's browser or mail
//! client once the user agreed. The webview has no opener permission: only
//! this command opens anything, and only http(s) and mailto addresses.

use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;
use tchap_core::{
    error::{AppError, AppResult, ErrorCode},
    timeline::formatted,
};

use super::logged_sync;

#[tauri::command]
#[specta::specta]
pub fn open_external_link(app: AppHandle, url: String) -> AppResult<()> {
    let result = formatted::browser_link(&url).and_then(|url| {
        app.opener().open_url(url, None::<&str>).map_err(|e| AppError::new(ErrorCode::Internal, format!("opening a link: {e}")))
    });
    logged_sync("open_external_link", result)
}
