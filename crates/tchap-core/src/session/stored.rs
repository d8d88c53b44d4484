//! What a restart needs to reopen an account without the password.
//!
//! Split in two: `session.json` in the account folder (readable by the user
//! only) says which server, user and device; the secrets — access token,
//! refresh token and the key of the SQLite stores — are one entry of the OS
//! secret store (`crate::secret`), never written to disk by us.

use std::path::{Path, PathBuf};

use matrix_sdk::{
    SessionMeta, SessionTokens,
    authentication::matrix::MatrixSession,
    ruma::{OwnedDeviceId, OwnedUserId},
};
use serde::{Deserialize, Serialize};

use crate::{
    error::{AppError, AppResult, ErrorCode},
    secret::{APP_SERVICE, Availability, SecretError, SecretStore},
};

/// Not secret: enough to find the secrets again.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SessionFile {
    homeserver: String,
    user_id: OwnedUserId,
    device_id: OwnedDeviceId,
}

/// Kept in the OS secret store, as one JSON value.
#[derive(Clone, Serialize, Deserialize)]
struct SessionSecrets {
    access_token: String,
    refresh_token: Option<String>,
    /// Hex of the random 32-byte key that encrypts the SQLite stores.
    store_key: String,
}

#[derive(Clone)]
pub struct StoredSession {
    file: SessionFile,
    secrets: SessionSecrets,
}

// Never print tokens or keys, even in a debug log.
impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession").field("user_id", &self.file.user_id).field("device_id", &self.file.device_id).finish_non_exhaustive()
    }
}

/// What `load` finds on disk and in the secret store.
pub enum Loaded {
    None,
    Session(StoredSession),
    /// `session.json` is there but its secrets are gone (keyring reset,
    /// another machine's profile): the stores cannot be opened any more.
    SecretsLost,
}

fn file_in(account_dir: &Path) -> PathBuf {
    account_dir.join("session.json")
}

/// The secret store's account name of a session.
pub fn keyring_account(user_id: &str, device_id: &str) -> String {
    format!("{user_id}|{device_id}")
}

impl SessionFile {
    fn keyring_account(&self) -> String {
        keyring_account(self.user_id.as_str(), self.device_id.as_str())
    }
}

impl From<SecretError> for AppError {
    fn from(error: SecretError) -> Self {
        match error {
            SecretError::Unavailable(reason) => AppError::new(ErrorCode::SecretStoreUnavailable, reason),
            SecretError::Failed(reason) => AppError::new(ErrorCode::Storage, reason),
        }
    }
}

/// The secret store blocks on D-Bus (and maybe on an unlock prompt): keep it
/// off the async workers.
async fn with_secret_store<T: Send + 'static>(op: impl FnOnce(SecretStore) -> Result<T, SecretError> + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(move || op(SecretStore::new(APP_SERVICE)))
        .await
        .map_err(|e| AppError::internal("secret store task", e))?
        .map_err(AppError::from)
}

/// Fails with `secret_store_unavailable` when the OS secret store can't be
/// used (checked without prompting, within a few seconds).
pub async fn check_secret_store() -> AppResult<()> {
    with_secret_store(|store| match store.availability() {
        Availability::Available => Ok(()),
        Availability::Unavailable { reason } => Err(SecretError::Unavailable(reason)),
    })
    .await
}

impl StoredSession {
    pub fn new(homeserver: String, session: &MatrixSession, store_key: &[u8; 32]) -> Self {
        Self {
            file: SessionFile { homeserver, user_id: session.meta.user_id.clone(), device_id: session.meta.device_id.clone() },
            secrets: SessionSecrets {
                access_token: session.tokens.access_token.clone(),
                refresh_token: session.tokens.refresh_token.clone(),
                store_key: hex::encode(store_key),
            },
        }
    }

    pub fn homeserver(&self) -> &str {
        &self.file.homeserver
    }

    pub fn user_id(&self) -> &OwnedUserId {
        &self.file.user_id
    }

    pub fn access_token(&self) -> &str {
        &self.secrets.access_token
    }

    pub fn matrix_session(&self) -> MatrixSession {
        MatrixSession {
            meta: SessionMeta { user_id: self.file.user_id.clone(), device_id: self.file.device_id.clone() },
            tokens: SessionTokens {
                access_token: self.secrets.access_token.clone(),
                refresh_token: self.secrets.refresh_token.clone(),
            },
        }
    }

    /// New tokens after a refresh; the store key never changes.
    pub fn with_tokens(mut self, tokens: &SessionTokens) -> Self {
        self.secrets.access_token = tokens.access_token.clone();
        self.secrets.refresh_token = tokens.refresh_token.clone();
        self
    }

    pub fn store_key(&self) -> AppResult<[u8; 32]> {
        let bytes = hex::decode(&self.secrets.store_key).map_err(|e| AppError::storage("store key", e))?;
        bytes.try_into().map_err(|_| AppError::storage("store key", "wrong length"))
    }

    fn read_file(account_dir: &Path) -> AppResult<Option<SessionFile>> {
        match std::fs::read_to_string(file_in(account_dir)) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| AppError::storage("session file", e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::storage("session file", e)),
        }
    }

    pub async fn load(account_dir: &Path) -> AppResult<Loaded> {
        let Some(file) = Self::read_file(account_dir)? else { return Ok(Loaded::None) };
        let account = file.keyring_account();
        let Some(json) = with_secret_store(move |store| store.load(&account)).await? else { return Ok(Loaded::SecretsLost) };
        let secrets: SessionSecrets = serde_json::from_str(&json).map_err(|e| AppError::storage("session secrets", e))?;
        Ok(Loaded::Session(Self { file, secrets }))
    }

    /// Secrets first: if the secret store refuses, no file points to nothing.
    /// The file is written to a temporary name then renamed, so a crash or a
    /// full disk never leaves half a session file behind.
    pub async fn save(&self, account_dir: &Path) -> AppResult<()> {
        let account = self.file.keyring_account();
        let secrets = serde_json::to_string(&self.secrets).map_err(|e| AppError::internal("session secrets", e))?;
        with_secret_store(move |store| store.save(&account, &secrets)).await?;
        let text = serde_json::to_vec(&self.file).map_err(|e| AppError::internal("session file", e))?;
        let tmp = account_dir.join("session.json.tmp");
        crate::files::write_private(&tmp, &text).map_err(|e| AppError::storage("session file", e))?;
        std::fs::rename(&tmp, file_in(account_dir)).map_err(|e| AppError::storage("session file", e))
    }

    /// Deletes the secrets of the session stored in `account_dir`, if any.
    pub async fn forget(account_dir: &Path) -> AppResult<()> {
        let Some(file) = Self::read_file(account_dir).ok().flatten() else { return Ok(()) };
        let account = file.keyring_account();
        with_secret_store(move |store| store.delete(&account)).await
    }
}
