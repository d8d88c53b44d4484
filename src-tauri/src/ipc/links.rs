//! Links opened from outside: a `tchap://` or `matrix:` link the desktop
//! hands to the app (the scheme handler starts it with the link as its
//! argument; a second launch's arguments reach the running window through the
//! single-instance plugin), or a matrix.to address passed as an argument.
//! The link waits here until the UI takes it: right away when signed in, else
//! once the session is ready.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;
use tchap_core::{
    error::AppResult,
    links::{self, LinkTarget},
    state::AppState,
};

use super::logged;

/// A link arrived: the UI takes it (`take_pending_link`) and goes there.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct OpenLinkRequested;

/// The last link received and not yet taken by the UI.
#[derive(Default)]
pub struct PendingLink(Mutex<Option<String>>);

/// Takes this launch's link, if it was started with one, and (macOS) the
/// links the system hands to the running app.
pub fn listen(app: &AppHandle, args: impl IntoIterator<Item = String>) {
    receive(app, args);
    #[cfg(target_os = "macos")]
    {
        use tauri_plugin_deep_link::DeepLinkExt;
        let handle = app.clone();
        app.deep_link().on_open_url(move |event| {
            let urls = event.urls().into_iter().map(String::from);
            receive(&handle, std::iter::once(String::new()).chain(urls));
        });
    }
}

/// Looks for a link among a launch's arguments (the program's path first);
/// other arguments are not links and are left alone. The window is raised by
/// whoever handed the arguments over.
pub fn receive(app: &AppHandle, args: impl IntoIterator<Item = String>) {
    let Some(link) = args.into_iter().skip(1).find(|arg| links::looks_like_link(arg)) else { return };
    // Bounded: a longer one is refused when read, whatever follows.
    let link: String = link.chars().take(links::MAX_LINK_LEN + 1).collect();
    tracing::info!("link received");
    *app.state::<PendingLink>().0.lock().unwrap() = Some(link);
    let _ = OpenLinkRequested.emit(app);
}

/// The link waiting to be opened, once: the UI calls it when signed in and on `OpenLinkRequested`.
#[tauri::command]
#[specta::specta]
pub fn take_pending_link(pending: State<'_, PendingLink>) -> Option<String> {
    pending.0.lock().unwrap().take()
}

/// Where a link leads for the signed-in user (`invalid_link` for anything but our three forms).
#[tauri::command]
#[specta::specta]
pub async fn resolve_link(state: State<'_, AppState>, link: String) -> AppResult<LinkTarget> {
    logged("resolve_link", async {
        let parsed = links::parse(&link)?;
        links::resolve(state.session()?.context(), &parsed).await
    })
    .await
}

/// Joins the public room a link offered (through the link's servers); returns its id.
#[tauri::command]
#[specta::specta]
pub async fn join_linked_room(state: State<'_, AppState>, room_id: String, via: Vec<String>) -> AppResult<String> {
    logged("join_linked_room", async { links::join_linked_room(state.session()?.context(), &room_id, &via).await }).await
}
