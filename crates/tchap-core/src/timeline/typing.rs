//! Typing notices: telling a room the user is writing (if they allow it, a
//! setting of this computer), and who else is writing in the room on screen.

use std::{
    path::{Path, PathBuf},
    sync::atomic::{AtomicBool, Ordering},
};

use tokio::sync::broadcast::error::RecvError;

use super::reactions::NamedUser;
use crate::{
    context::SessionContext,
    error::{AppError, AppResult},
    identity::person_name,
    policy::{self, Feature, PolicyInForce},
    preferences::SEND_TYPING_NOTICES,
};

/// More writers than this are "several people" in the UI: their names are not needed.
const MAX_NAMED_WRITERS: usize = 3;

/// The user's choice to let others see them typing, and the notices sent
/// under it; off, and not the user's to change, when the organisation's
/// policy switches the feature off.
pub struct TypingNotices {
    data_dir: PathBuf,
    enabled: AtomicBool,
    switched_off_by_policy: bool,
}

impl TypingNotices {
    pub fn load(data_dir: &Path) -> Self {
        Self::load_under(data_dir, policy::in_force())
    }

    pub fn load_under(data_dir: &Path, policy: &PolicyInForce) -> Self {
        let switched_off_by_policy = policy.policy().disables(Feature::TypingNotices);
        let enabled = !switched_off_by_policy && SEND_TYPING_NOTICES.load(data_dir);
        Self { data_dir: data_dir.to_owned(), enabled: AtomicBool::new(enabled), switched_off_by_policy }
    }

    pub fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// Kept only once saved: a failed save leaves the setting as it was.
    pub async fn set_enabled(&self, enabled: bool) -> AppResult<()> {
        if self.switched_off_by_policy {
            return Err(AppError::managed_by_policy("typing notices"));
        }
        SEND_TYPING_NOTICES.save(&self.data_dir, enabled).await?;
        self.enabled.store(enabled, Ordering::Relaxed);
        Ok(())
    }

    /// The user is (still) writing in `room_id`, or stopped (sent, cleared,
    /// left the room). The SDK sends "typing" at most every 3 seconds, and
    /// "stopped" only when "typing" was sent; nothing leaves while the user
    /// said no (a "stopped" still does: it ends what was sent before).
    pub async fn notify(&self, context: &SessionContext, room_id: &str, typing: bool) -> AppResult<()> {
        if typing && !self.enabled() {
            return Ok(());
        }
        let room = context.known_room(room_id)?;
        room.typing_notice(typing).await.map_err(|e| AppError::from_sdk("typing notice", &e))
    }
}

/// The task that follows who writes in `room_id`.
fn task_name(room_id: &str) -> String {
    format!("typing:{room_id}")
}

/// Sends the names of the others writing in `room_id` (an empty list at
/// first and when they stop), until `sink` says the UI is gone or
/// `unwatch` is called.
pub fn watch(context: &SessionContext, room_id: &str, sink: impl Fn(Vec<NamedUser>) -> bool + Send + 'static) -> AppResult<()> {
    let room = context.known_room(room_id)?;
    context.spawn(&task_name(room_id), async move {
        let (_handler, mut writers) = room.subscribe_to_typing_notifications();
        if !sink(Vec::new()) {
            return;
        }
        loop {
            let user_ids = match writers.recv().await {
                Ok(user_ids) => user_ids,
                // Missed updates: the next one says who writes now.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            };
            let mut named = Vec::new();
            for user_id in user_ids.iter().take(MAX_NAMED_WRITERS + 1) {
                let member = room.get_member_no_sync(user_id).await.ok().flatten();
                let name = person_name(member.as_ref().and_then(|m| m.display_name()), user_id.as_str()).name;
                named.push(NamedUser { user_id: user_id.to_string(), name });
            }
            if !sink(named) {
                break;
            }
        }
    });
    Ok(())
}

pub fn unwatch(context: &SessionContext, room_id: &str) {
    context.abort_task(&task_name(room_id));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[tokio::test]
    async fn a_policy_switching_typing_notices_off_wins_over_the_user() {
        let dir = tempfile::tempdir().unwrap();
        SEND_TYPING_NOTICES.save(dir.path(), true).await.unwrap();
        let policy = PolicyInForce::from_document(br#"{"disabled_features": ["typing_notices"]}"#, "test");
        let notices = TypingNotices::load_under(dir.path(), &policy);
        assert!(!notices.enabled(), "nothing tells others the user is writing");
        assert_eq!(notices.set_enabled(true).await.unwrap_err().code, ErrorCode::ManagedByPolicy);
        assert!(!notices.enabled());
        assert!(TypingNotices::load_under(dir.path(), &PolicyInForce::none()).enabled(), "the user's choice was kept");
    }
}
