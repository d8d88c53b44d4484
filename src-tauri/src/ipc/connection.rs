//! The connection banner: online, offline with the messages waiting, reconnecting.

use tauri::{State, ipc::Channel};
use tchap_core::{error::AppResult, session::ConnectionState, state::AppState};

use super::logged_sync;

/// Sends the current connection state on `on_change`, then each change, for
/// as long as the session lives; a new call replaces the previous channel.
/// (async: the forwarding task needs the async runtime's thread.)
#[tauri::command]
#[specta::specta]
pub async fn watch_connection(state: State<'_, AppState>, on_change: Channel<ConnectionState>) -> AppResult<()> {
    logged_sync("watch_connection", state.session().map(|session| {
        let mut connection = session.connection();
        session.context().spawn("ipc-connection", async move {
            loop {
                let current = *connection.borrow_and_update();
                // The window went away (reloaded): its channel is gone.
                if on_change.send(current).is_err() {
                    break;
                }
                if connection.changed().await.is_err() {
                    break;
                }
            }
        });
    }))
}
