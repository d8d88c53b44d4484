//! Settings of this computer, not of the account (privacy of notifications,
//! what closing the window does): one small JSON file per setting in the
//! app's data folder, replaced whole or not at all.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::{
    error::{AppError, AppResult},
    files,
};

/// One yes/no setting.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    file: &'static str,
    key: &'static str,
    /// Before the user chose.
    default: bool,
    /// A file that cannot be read: the safe side for this setting.
    when_unreadable: bool,
}

/// Notifications say "Nouveau message" and nothing else. A damaged file
/// says on: the user asked for it once, and showing less is the safe side.
pub const NOTIFICATION_PRIVACY: Flag = Flag { file: "notifications.json", key: "privacy_mode", default: false, when_unreadable: true };

/// Closing the window keeps Tchap running in the notification area, so
/// that messages still reach the user.
pub const KEEP_IN_TRAY: Flag = Flag { file: "tray.json", key: "keep_in_tray", default: true, when_unreadable: true };

/// The user was told once that closing the window keeps Tchap running
/// (a damaged file: never told again rather than at every close).
pub const TRAY_EXPLAINED: Flag = Flag { file: "tray-explained.json", key: "explained", default: false, when_unreadable: true };

/// Others see "… est en train d'écrire…" while the user writes. A damaged
/// file says off: telling others less is the safe side.
pub const SEND_TYPING_NOTICES: Flag = Flag { file: "typing.json", key: "send_typing_notices", default: true, when_unreadable: false };

impl Flag {
    fn path(&self, data_dir: &Path) -> PathBuf {
        data_dir.join(self.file)
    }

    pub fn load(&self, data_dir: &Path) -> bool {
        match std::fs::read(self.path(data_dir)) {
            Ok(bytes) => serde_json::from_slice::<Map<String, Value>>(&bytes)
                .ok()
                .and_then(|stored| stored.get(self.key).and_then(Value::as_bool))
                .unwrap_or(self.when_unreadable),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => self.default,
            Err(_) => self.when_unreadable,
        }
    }

    pub async fn save(&self, data_dir: &Path, value: bool) -> AppResult<()> {
        let (target, temporary) = (self.path(data_dir), data_dir.join(format!("{}.new", self.file)));
        let mut stored = Map::new();
        stored.insert(self.key.to_owned(), Value::Bool(value));
        let bytes = serde_json::to_vec(&stored).map_err(|e| AppError::internal(self.key, e))?;
        let key = self.key;
        files::blocking(move || {
            files::write_private(&temporary, &bytes).map_err(|e| AppError::storage(key, e))?;
            std::fs::rename(&temporary, &target).map_err(|e| AppError::storage(key, e))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_choice_is_kept_and_a_damaged_file_gives_the_safe_side() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!NOTIFICATION_PRIVACY.load(dir.path()), "privacy off by default");
        assert!(KEEP_IN_TRAY.load(dir.path()), "kept in the tray by default");
        NOTIFICATION_PRIVACY.save(dir.path(), true).await.unwrap();
        KEEP_IN_TRAY.save(dir.path(), false).await.unwrap();
        assert!(NOTIFICATION_PRIVACY.load(dir.path()));
        assert!(!KEEP_IN_TRAY.load(dir.path()), "each setting in its own file");
        NOTIFICATION_PRIVACY.save(dir.path(), false).await.unwrap();
        assert!(!NOTIFICATION_PRIVACY.load(dir.path()));
        std::fs::write(dir.path().join("notifications.json"), b"{not json").unwrap();
        assert!(NOTIFICATION_PRIVACY.load(dir.path()), "a damaged privacy file means private");
    }

    #[test]
    fn the_privacy_file_of_earlier_versions_is_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notifications.json"), br#"{"privacy_mode":true}"#).unwrap();
        assert!(NOTIFICATION_PRIVACY.load(dir.path()));
    }
}
