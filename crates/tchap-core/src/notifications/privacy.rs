//! Privacy mode: notifications say "Nouveau message" and nothing else (no
//! name, no content), for screens others can see. A setting of this
//! computer, not of the account (see `preferences`), unless the
//! administrator's policy sets it: then the user cannot change it.

use std::path::Path;

use crate::{
    error::{AppError, AppResult},
    policy::{self, PolicyInForce},
    preferences::NOTIFICATION_PRIVACY,
};

/// Off until the user turns it on; a file that cannot be read says on.
pub fn load(data_dir: &Path) -> bool {
    load_under(data_dir, policy::in_force())
}

pub fn load_under(data_dir: &Path, policy: &PolicyInForce) -> bool {
    policy.policy().notification_privacy.unwrap_or_else(|| NOTIFICATION_PRIVACY.load(data_dir))
}

pub async fn save(data_dir: &Path, privacy_mode: bool) -> AppResult<()> {
    save_under(data_dir, privacy_mode, policy::in_force()).await
}

/// Refused (nothing written) while the policy sets it.
pub async fn save_under(data_dir: &Path, privacy_mode: bool, policy: &PolicyInForce) -> AppResult<()> {
    if policy.policy().notification_privacy.is_some() {
        return Err(AppError::managed_by_policy("notification privacy"));
    }
    NOTIFICATION_PRIVACY.save(data_dir, privacy_mode).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[tokio::test]
    async fn the_policy_wins_over_the_users_choice_and_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        save_under(dir.path(), false, &PolicyInForce::none()).await.unwrap();
        let private = PolicyInForce::from_document(br#"{"notification_privacy": true}"#, "test");
        assert!(load_under(dir.path(), &private), "the policy's value, not the user's");
        let refused = save_under(dir.path(), false, &private).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::ManagedByPolicy);
        let open = PolicyInForce::from_document(br#"{"notification_privacy": false}"#, "test");
        NOTIFICATION_PRIVACY.save(dir.path(), true).await.unwrap();
        assert!(!load_under(dir.path(), &open), "a policy may also set it off");
        assert!(load_under(dir.path(), &PolicyInForce::none()), "without a policy, the user's choice again");
    }

    #[test]
    fn an_invalid_policy_means_private() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load_under(dir.path(), &PolicyInForce::from_document(b"[]", "test")));
    }
}
