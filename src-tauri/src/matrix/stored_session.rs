//! What a restart needs to reopen an account without the password.
//!
//! Kept in `session.json` inside the account folder, readable by the user only.
//! Issue #4 moves `access_token` and `store_key` to the OS keyring.

use std::path::{Path, PathBuf};

use matrix_sdk::{
    SessionMeta, SessionTokens,
    authentication::matrix::MatrixSession,
    ruma::{OwnedDeviceId, OwnedUserId},
};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

#[derive(Clone, Serialize, Deserialize)]
pub struct StoredSession {
    pub homeserver: String,
    pub user_id: OwnedUserId,
    pub device_id: OwnedDeviceId,
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Hex of the random 32-byte key that encrypts the SQLite stores.
    pub store_key: String,
}

// Never print tokens or keys, even in a debug log.
impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession").field("user_id", &self.user_id).field("device_id", &self.device_id).finish_non_exhaustive()
    }
}

fn file_in(account_dir: &Path) -> PathBuf {
    account_dir.join("session.json")
}

impl StoredSession {
    pub fn new(homeserver: String, session: &MatrixSession, store_key: &[u8; 32]) -> Self {
        Self {
            homeserver,
            user_id: session.meta.user_id.clone(),
            device_id: session.meta.device_id.clone(),
            access_token: session.tokens.access_token.clone(),
            refresh_token: session.tokens.refresh_token.clone(),
            store_key: hex::encode(store_key),
        }
    }

    pub fn matrix_session(&self) -> MatrixSession {
        MatrixSession {
            meta: SessionMeta { user_id: self.user_id.clone(), device_id: self.device_id.clone() },
            tokens: SessionTokens { access_token: self.access_token.clone(), refresh_token: self.refresh_token.clone() },
        }
    }

    pub fn store_key(&self) -> AppResult<[u8; 32]> {
        let bytes = hex::decode(&self.store_key).map_err(|e| AppError::storage("store key", e))?;
        bytes.try_into().map_err(|_| AppError::storage("store key", "wrong length"))
    }

    pub fn load(account_dir: &Path) -> AppResult<Option<Self>> {
        match std::fs::read_to_string(file_in(account_dir)) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| AppError::storage("session file", e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::storage("session file", e)),
        }
    }

    /// Written to a temporary file then renamed, so a crash or a full disk
    /// never leaves half a session file behind.
    pub fn save(&self, account_dir: &Path) -> AppResult<()> {
        let text = serde_json::to_vec(self).map_err(|e| AppError::internal("session file", e))?;
        let tmp = account_dir.join("session.json.tmp");
        write_private(&tmp, &text).map_err(|e| AppError::storage("session file", e))?;
        std::fs::rename(&tmp, file_in(account_dir)).map_err(|e| AppError::storage("session file", e))
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
