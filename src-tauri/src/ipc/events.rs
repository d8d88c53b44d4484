//! Low-rate signals pushed to the UI as Tauri events.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use tchap_core::{
    security::SecurityStatus,
    session::{Session, SessionEndReason, SyncState},
    state::AppState,
    verification::IncomingVerification,
};

/// The background sync's state, for the indicator in the header.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct SyncStateChanged(pub SyncState);

/// The session stopped without the user asking: revoked elsewhere (its data
/// is gone, back to the login screen), expired token (the password again,
/// same device), or expired account.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct SessionEnded {
    pub reason: SessionEndReason,
}

/// This session's verification or the account's recovery changed.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct SecurityStatusChanged(pub SecurityStatus);

/// Another session asks to verify this one (or its user).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct VerificationRequested(pub IncomingVerification);

/// A request ended (cancelled, timed out, answered elsewhere) before this
/// session answered it: its question goes away.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct VerificationWithdrawn {
    pub flow_id: String,
}

/// Forwards a new session's signals to the UI, for as long as it lives.
pub fn attach(app: &AppHandle, session: &Arc<Session>) {
    forward_watch(session, "ipc-sync-state", session.sync_state(), app, SyncStateChanged);
    forward_watch(session, "ipc-security", session.security().status(), app, SecurityStatusChanged);
    forward_broadcast(session, "ipc-verification-requests", session.verification().requests(), app, VerificationRequested);
    super::notifications::attach(app, session);
    super::tray::attach(app, session);
    forward_broadcast(session, "ipc-verification-withdrawn", session.verification().withdrawn(), app, |flow_id| VerificationWithdrawn { flow_id });

    let mut ended = session.ended();
    let handle = app.clone();
    let weak = Arc::downgrade(session);
    session.context().spawn("ipc-session-ended", async move {
        let reason = match ended.wait_for(Option::is_some).await {
            Ok(reason) => (*reason).expect("waited for Some"),
            Err(_) => return,
        };
        if reason == SessionEndReason::LoggedOut {
            return; // asked by the UI, which already knows
        }
        if reason == SessionEndReason::TokenRevoked {
            // The core deleted its data; nothing can be resumed.
            let state = handle.state::<AppState>();
            if let Some(session) = weak.upgrade()
                && state.current().is_some_and(|current| Arc::ptr_eq(&current, &session))
            {
                state.set_session(None);
            }
        }
        let _ = SessionEnded { reason }.emit(&handle);
    });
}

/// Emits `to_event(value)` for the current value of `watched` and each change.
fn forward_watch<T: Copy + Send + Sync + 'static, E: Event + Serialize + Clone>(
    session: &Session,
    name: &str,
    mut watched: tokio::sync::watch::Receiver<T>,
    app: &AppHandle,
    to_event: impl Fn(T) -> E + Send + 'static,
) {
    let handle = app.clone();
    session.context().spawn(name, async move {
        loop {
            let value = *watched.borrow_and_update();
            let _ = to_event(value).emit(&handle);
            if watched.changed().await.is_err() {
                break;
            }
        }
    });
}

/// Emits `to_event(value)` for each value sent on `channel`.
fn forward_broadcast<T: Clone + Send + 'static, E: Event + Serialize + Clone>(
    session: &Session,
    name: &str,
    mut channel: tokio::sync::broadcast::Receiver<T>,
    app: &AppHandle,
    to_event: impl Fn(T) -> E + Send + 'static,
) {
    let handle = app.clone();
    session.context().spawn(name, async move {
        loop {
            match channel.recv().await {
                Ok(value) => {
                    let _ = to_event(value).emit(&handle);
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}
