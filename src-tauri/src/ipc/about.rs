//! Settings → À propos: what this build is and where it runs, and the bug
//! report saved where the user chooses.
//!
//! The save dialog is opened here, not by the page: a path from the webview
//! could name any file of the user's to overwrite. The dialog itself asks
//! before replacing a file.

use std::path::PathBuf;

use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tchap_core::{
    error::AppResult,
    files,
    state::AppState,
    support::{AboutInfo, BuildVariant, report, save},
};

use super::logged;

/// Compiled with the updater (the `updater` feature) or without it.
const VARIANT: BuildVariant = if cfg!(feature = "updater") { BuildVariant::SelfUpdating } else { BuildVariant::ManagedByOrganisation };

async fn gather(app: &AppHandle, state: &AppState) -> AppResult<AboutInfo> {
    let info = app.package_info();
    let (name, version) = (info.name.clone(), info.version.to_string());
    let homeserver = state.current().map(|session| session.client().homeserver().to_string());
    let log_dir = state.paths.log_dir.clone();
    files::blocking(move || Ok(AboutInfo::gather(&name, &version, VARIANT, homeserver, &log_dir))).await
}

#[tauri::command]
#[specta::specta]
pub async fn about_info(app: AppHandle, state: State<'_, AppState>) -> AppResult<AboutInfo> {
    logged("about_info", gather(&app, &state)).await
}

/// Asks where to save the bug report, then writes it there; the path
/// written, none if the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_bug_report(app: AppHandle, state: State<'_, AppState>) -> AppResult<Option<String>> {
    logged("export_bug_report", async {
        let Some(path) = chosen_path(&app).await else { return Ok(None) };
        let about = gather(&app, &state).await?;
        let log_dir = state.paths.log_dir.clone();
        let to = path.clone();
        files::blocking(move || save::write_replacing(&to, report::build(&about, &log_dir, report::LOG_BUDGET).as_bytes())).await?;
        tracing::info!("bug report exported");
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// The system's save dialog, or in debug builds `TCHAP_BUG_REPORT_PATH`
/// (the end-to-end tests: WebDriver cannot drive a native dialog).
async fn chosen_path(app: &AppHandle) -> Option<PathBuf> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("TCHAP_BUG_REPORT_PATH") {
        return Some(PathBuf::from(path));
    }
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog().file().set_file_name(report::suggested_file_name()).add_filter("Texte", &["txt"]).save_file(move |file| {
        let _ = sender.send(file.and_then(|f| f.into_path().ok()));
    });
    receiver.await.ok().flatten()
}
