//! Emoji verification of this session and of other users; each flow's steps
//! go through the channel the UI opened for it.

use tauri::{State, ipc::Channel};
use tchap_core::{
    error::AppResult,
    state::AppState,
    verification::{self, VerificationStep},
};

use super::logged;

/// Sends a verification's steps through the channel the UI opened for it.
fn steps_to(channel: Channel<VerificationStep>) -> impl Fn(VerificationStep) + Send + Sync + 'static {
    move |step| {
        let _ = channel.send(step);
    }
}

/// Asks the user's other sessions to verify this one; returns the flow id.
#[tauri::command]
#[specta::specta]
pub async fn verify_this_session(state: State<'_, AppState>, on_step: Channel<VerificationStep>) -> AppResult<String> {
    logged("verify_this_session", async { verification::verify_this_session(state.session()?.context(), steps_to(on_step)).await }).await
}

/// Asks another user to verify each other by emojis (in the direct chat,
/// created if needed); returns the flow id.
#[tauri::command]
#[specta::specta]
pub async fn verify_user(state: State<'_, AppState>, user_id: String, on_step: Channel<VerificationStep>) -> AppResult<String> {
    logged("verify_user", async { verification::verify_user(state.session()?.context(), &user_id, steps_to(on_step)).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn accept_verification(state: State<'_, AppState>, user_id: String, flow_id: String, on_step: Channel<VerificationStep>) -> AppResult<()> {
    logged("accept_verification", async { verification::accept(state.session()?.context(), &user_id, &flow_id, steps_to(on_step)).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn confirm_verification(state: State<'_, AppState>, user_id: String, flow_id: String) -> AppResult<()> {
    logged("confirm_verification", async { verification::confirm(state.session()?.context(), &user_id, &flow_id).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn refuse_verification(state: State<'_, AppState>, user_id: String, flow_id: String) -> AppResult<()> {
    logged("refuse_verification", async { verification::mismatch(state.session()?.context(), &user_id, &flow_id).await }).await
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_verification(state: State<'_, AppState>, user_id: String, flow_id: String) -> AppResult<()> {
    logged("cancel_verification", async { verification::cancel(state.session()?.context(), &user_id, &flow_id).await }).await
}
