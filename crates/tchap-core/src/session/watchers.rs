//! The session's own background policies: keeping the sync alive (with a
//! capped backoff, stopping on what a retry cannot fix), and what a refused
//! or refreshed token means for the session's data.

use std::{sync::Weak, time::Duration};

use matrix_sdk::{SessionChange, ruma::api::error::ErrorKind};
use matrix_sdk_ui::sync_service::{self, State};
use tokio::sync::broadcast::error::RecvError;
use tracing::{info, warn};

use super::{Session, SessionEndReason, SyncState, stored::StoredSession};
use crate::error::EXPIRED_ACCOUNT;

/// The first wait after a sync error; doubled each time, up to the cap.
const FIRST_RETRY: Duration = Duration::from_secs(2);
const MAX_RETRY: Duration = Duration::from_secs(60);

/// What a sync error calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyncErrorAction {
    /// Try again after the backoff (network, server trouble…).
    Retry,
    /// Stop: a retry cannot fix it.
    End(SessionEndReason),
    /// Stop and wait: the token watcher decides what it means.
    AwaitTokenVerdict,
}

pub(crate) fn classify_sync_error(kind: Option<&ErrorKind>) -> SyncErrorAction {
    match kind {
        Some(ErrorKind::UnknownToken { .. } | ErrorKind::MissingToken) => SyncErrorAction::AwaitTokenVerdict,
        Some(ErrorKind::UserDeactivated) => SyncErrorAction::End(SessionEndReason::TokenRevoked),
        Some(kind) if kind.errcode().as_str() == EXPIRED_ACCOUNT => SyncErrorAction::End(SessionEndReason::AccountExpired),
        _ => SyncErrorAction::Retry,
    }
}

/// The SDK error behind a sync failure, if there is one.
fn sdk_error(error: &sync_service::Error) -> Option<&matrix_sdk::Error> {
    use matrix_sdk_ui::{encryption_sync_service, room_list_service};
    match error {
        sync_service::Error::RoomList(room_list_service::Error::SlidingSync(e)) => Some(e),
        sync_service::Error::EncryptionSync(
            encryption_sync_service::Error::SlidingSync(e)
            | encryption_sync_service::Error::LockError(e)
            | encryption_sync_service::Error::ClientError(e),
        ) => Some(e),
        _ => None,
    }
}

fn error_kind(error: &sync_service::Error) -> Option<&ErrorKind> {
    sdk_error(error).and_then(|e| e.client_api_error_kind())
}

/// The wait before the `attempt`-th retry (1-based): 2 s, 4 s, 8 s… 60 s.
pub(crate) fn retry_delay(attempt: u32) -> Duration {
    FIRST_RETRY.saturating_mul(1 << attempt.saturating_sub(1).min(6)).min(MAX_RETRY)
}

/// How a retry after a network failure waits: short, as the next attempt is
/// also the check that the network is back.
const MAX_NETWORK_RETRY: Duration = Duration::from_secs(10);

/// A failure to reach the server at all (no network, server down), as
/// opposed to an answer refusing something.
fn is_network(error: &sync_service::Error) -> bool {
    matches!(sdk_error(error), Some(matrix_sdk::Error::Http(http)) if matches!(**http, matrix_sdk::HttpError::Reqwest(_)))
}

/// Follows the SDK's sync state into the session's, restarting the sync
/// after errors that a retry can fix. The SDK's own offline mode is not used:
/// it restarts the sync after *any* error as soon as the server answers
/// `/versions`, so an expired account would be asked again and again, forever.
pub(super) async fn follow_sync(session: Weak<Session>) {
    let Some((service, out, ended)) = session.upgrade().map(|s| (s.context.sync_service().clone(), s.sync_state.clone(), s.ended.clone())) else {
        return;
    };
    let mut states = service.state();
    let mut failures = 0u32;
    // The service was started before we subscribed: begin with where it is now.
    let mut next = Some(states.get());
    while let Some(state) = next {
        let shown = match &state {
            State::Idle => SyncState::Starting,
            State::Running => SyncState::Running,
            State::Offline => SyncState::Offline,
            State::Error(error) if is_network(error) => SyncState::Offline,
            State::Terminated | State::Error(_) => SyncState::Error,
        };
        out.send_replace(shown);
        // The send queue a network failure paused is resumed by the connection
        // watcher, once the server answers again.
        if shown == SyncState::Running {
            failures = 0;
        }
        if let State::Error(error) = &state {
            match classify_sync_error(error_kind(error)) {
                SyncErrorAction::End(reason) => {
                    warn!(%error, ?reason, "sync stopped for good");
                    if let Some(session) = session.upgrade() {
                        session.end(reason).await;
                    }
                    return;
                }
                SyncErrorAction::AwaitTokenVerdict => {
                    info!("sync stopped: the server refused the token");
                    // The session-changes watcher ends the session; if the SDK
                    // refreshed the token meanwhile, syncing goes on.
                    tokio::time::sleep(FIRST_RETRY).await;
                    if ended.borrow().is_some() {
                        return;
                    }
                    service.start().await;
                }
                SyncErrorAction::Retry => {
                    failures += 1;
                    let delay = if is_network(error) { retry_delay(failures).min(MAX_NETWORK_RETRY) } else { retry_delay(failures) };
                    // The SDK expects the app to restart the sync after an error.
                    warn!(%error, attempt = failures, "sync stopped with an error; restarting in {} s", delay.as_secs());
                    tokio::time::sleep(delay).await;
                    service.start().await;
                }
            }
        }
        next = states.next().await;
    }
}

/// Keeps the stored tokens current when they are refreshed, and applies what
/// a refused token means: a revoked device loses its data, an expired token
/// keeps it and waits for the password.
pub(super) async fn follow_session_changes(session: Weak<Session>) {
    let Some(mut changes) = session.upgrade().map(|s| s.client().subscribe_to_session_changes()) else { return };
    loop {
        let change = match changes.recv().await {
            Ok(change) => change,
            // The SDK keeps one change only: two at once (the sync and another
            // request both refused) make us lag; the kept one still counts.
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => break,
        };
        let Some(session) = session.upgrade() else { break };
        match change {
            SessionChange::TokensRefreshed => {
                if session.is_remembered() {
                    session.context.spawn("save-tokens", save_tokens_until_done(std::sync::Arc::downgrade(&session)));
                }
            }
            SessionChange::UnknownToken(data) if data.soft_logout => {
                warn!("the server wants the password again (soft logout); keys and history are kept");
                session.end(SessionEndReason::SoftLoggedOut).await;
            }
            SessionChange::UnknownToken(_) => {
                warn!("the server no longer knows this device; its local data is deleted");
                session.end(SessionEndReason::TokenRevoked).await;
            }
        }
    }
}

/// Saves the current tokens to the secret store, retrying with a backoff
/// while it refuses (locked keyring…): a refreshed token that is not saved
/// would be lost at the next start, the old refresh token being used up.
async fn save_tokens_until_done(session: Weak<Session>) {
    let mut attempt = 0u32;
    loop {
        let Some(current) = session.upgrade() else { return };
        let Some(tokens) = current.client().matrix_auth().session().map(|s| s.tokens) else { return };
        let dir = current.session_dir.clone();
        let homeserver = current.client().homeserver().to_string();
        let meta = current.client().session_meta().cloned();
        let key = current.store_key;
        drop(current);
        let Some(meta) = meta else { return };
        let stored = StoredSession::new(homeserver, &matrix_sdk::authentication::matrix::MatrixSession { meta, tokens }, &key);
        match stored.save(&dir).await {
            Ok(()) => {
                if attempt > 0 {
                    info!(attempts = attempt + 1, "refreshed tokens saved");
                }
                return;
            }
            Err(error) => {
                attempt += 1;
                let delay = retry_delay(attempt);
                warn!(%error, attempt, "could not save the refreshed tokens; retrying in {} s", delay.as_secs());
                tokio::time::sleep(delay).await;
            }
        }
    }
}

impl Session {
    /// Stops the session for `reason` and applies its policy to the data.
    pub(super) async fn end(&self, reason: SessionEndReason) {
        if self.ended.borrow().is_some() {
            return;
        }
        self.stop_sync_only().await;
        if reason == SessionEndReason::TokenRevoked
            && let Err(error) = self.delete_local_data().await
        {
            warn!(%error, "could not delete the revoked session's data");
        }
        self.ended.send_replace(Some(reason));
    }

    /// Stops syncing without aborting the caller (a watcher task of this session).
    async fn stop_sync_only(&self) {
        self.timelines.close_all();
        self.stop_sync().await;
        self.sync_state.send_replace(SyncState::Error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_up_to_a_minute() {
        let delays: Vec<u64> = (1..=9).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(delays, [2, 4, 8, 16, 32, 60, 60, 60, 60]);
    }

    #[test]
    fn what_a_retry_cannot_fix_ends_the_session() {
        let kind = |errcode: &str| serde_json::from_value::<ErrorKind>(serde_json::json!({"errcode": errcode, "soft_logout": true})).unwrap();
        let expired = kind("ORG_MATRIX_EXPIRED_ACCOUNT");
        assert_eq!(classify_sync_error(Some(&expired)), SyncErrorAction::End(SessionEndReason::AccountExpired));
        assert_eq!(classify_sync_error(Some(&kind("M_USER_DEACTIVATED"))), SyncErrorAction::End(SessionEndReason::TokenRevoked));
        assert_eq!(classify_sync_error(Some(&kind("M_UNKNOWN_TOKEN"))), SyncErrorAction::AwaitTokenVerdict);
        assert_eq!(classify_sync_error(None), SyncErrorAction::Retry);
    }
}
