//! Low-rate signals pushed to the UI as Tauri events.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::{
    matrix::{
        security::SecurityStatus,
        session::{Session, SessionEndReason, SyncState},
        verification::IncomingVerification,
    },
    state::AppState,
};

/// The background sync's state, for the indicator in the header.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct SyncStateChanged(pub SyncState);

/// The session ended without the user asking (token revoked elsewhere):
/// the UI goes back to the login screen.
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

/// Forwards a new session's signals to the UI, for as long as it lives.
pub fn attach(app: &AppHandle, session: &Arc<Session>) {
    let mut sync_state = session.sync_state();
    let handle = app.clone();
    session.spawn("ipc-sync-state", async move {
        loop {
            let state = *sync_state.borrow_and_update();
            let _ = SyncStateChanged(state).emit(&handle);
            if sync_state.changed().await.is_err() {
                break;
            }
        }
    });

    let mut security = session.security();
    let handle = app.clone();
    session.spawn("ipc-security", async move {
        loop {
            let status = *security.borrow_and_update();
            let _ = SecurityStatusChanged(status).emit(&handle);
            if security.changed().await.is_err() {
                break;
            }
        }
    });

    let mut requests = session.verification_requests();
    let handle = app.clone();
    session.spawn("ipc-verification-requests", async move {
        loop {
            match requests.recv().await {
                Ok(request) => {
                    let _ = VerificationRequested(request).emit(&handle);
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });

    let mut ended = session.ended();
    let handle = app.clone();
    let weak = Arc::downgrade(session);
    session.spawn("ipc-session-ended", async move {
        let reason = match ended.wait_for(Option::is_some).await {
            Ok(reason) => (*reason).expect("waited for Some"),
            Err(_) => return,
        };
        if reason == SessionEndReason::TokenRevoked {
            // The server has forgotten this device: its local data is useless.
            let state = handle.state::<AppState>();
            if let Some(session) = weak.upgrade() {
                state.set_session(None);
                tokio::spawn(async move {
                    let _ = session.logout().await;
                });
            }
            let _ = SessionEnded { reason }.emit(&handle);
        }
    });
}
