//! This session's place in the user's encryption: is it verified, and can
//! the account's keys be recovered (secret storage + key backup)?
//!
//! Built on the SDK's `Recovery`, which keeps cross-signing keys and the
//! backup key in secret storage behind one recovery key.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use matrix_sdk::{
    Client,
    encryption::{
        VerificationState,
        recovery::{RecoveryError, RecoveryState},
        secret_storage::SecretStorageError,
    },
};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tracing::{info, warn};

use crate::context::SessionContext;
use crate::error::{AppError, AppResult, ErrorCode};

/// Is this session trusted by the user's cross-signing identity?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SessionTrust {
    /// Not known yet (keys still being fetched).
    Unknown,
    Verified,
    /// The user must verify it (another session or the recovery key) to read
    /// their history and be trusted by others.
    Unverified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RecoveryStatus {
    Unknown,
    /// Secret storage and backup are set up and this session has every secret.
    Enabled,
    /// No recovery key exists for this account.
    Disabled,
    /// A recovery key exists but this session lacks secrets: enter it.
    Incomplete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SecurityStatus {
    pub session: SessionTrust,
    pub recovery: RecoveryStatus,
}

impl Default for SecurityStatus {
    fn default() -> Self {
        Self { session: SessionTrust::Unknown, recovery: RecoveryStatus::Unknown }
    }
}

fn current(client: &Client) -> SecurityStatus {
    let encryption = client.encryption();
    let session = match encryption.verification_state().get() {
        VerificationState::Unknown => SessionTrust::Unknown,
        VerificationState::Verified => SessionTrust::Verified,
        VerificationState::Unverified => SessionTrust::Unverified,
    };
    let recovery = match encryption.recovery().state() {
        RecoveryState::Unknown => RecoveryStatus::Unknown,
        RecoveryState::Enabled => RecoveryStatus::Enabled,
        RecoveryState::Disabled => RecoveryStatus::Disabled,
        RecoveryState::Incomplete => RecoveryStatus::Incomplete,
    };
    SecurityStatus { session, recovery }
}

/// Follows this session's security status for the UI.
pub struct SecurityService {
    status: watch::Sender<SecurityStatus>,
}

impl SecurityService {
    pub fn start(context: &SessionContext) -> Self {
        let status = watch::Sender::new(SecurityStatus::default());
        context.spawn("security", watch_status(context.client().clone(), status.clone()));
        Self { status }
    }

    /// Whether this session is verified and the account's keys recoverable.
    pub fn status(&self) -> watch::Receiver<SecurityStatus> {
        self.status.subscribe()
    }
}

/// How long "verified" may turn to "unverified" before the user is told.
const DOWNGRADE_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Follows the SDK's verification and recovery states into `out`.
async fn watch_status(client: Client, out: watch::Sender<SecurityStatus>) {
    let encryption = client.encryption();
    let mut verification = encryption.verification_state();
    let mut recovery = encryption.recovery().state_stream();
    // Right after a first login the SDK calls this session unverified until
    // its cross-signing bootstrap is done: wait for it, or a brand-new
    // account would be asked to verify itself (the status stays unknown).
    encryption.wait_for_e2ee_initialization_tasks().await;
    loop {
        let mut status = current(&client);
        let was_verified = out.borrow().session == SessionTrust::Verified;
        if status.session == SessionTrust::Unverified && (was_verified || holds_self_signing_key(&client).await) {
            // A keys query answered while our own signature was being
            // uploaded shows this session unsigned for a moment (right after
            // a first login, when this device made the identity). A real
            // change (the identity reset elsewhere) lasts: wait it out, then
            // let a device that holds the key sign itself again.
            let _ = tokio::time::timeout(DOWNGRADE_GRACE, verification.next()).await;
            status = current(&client);
            if status.session == SessionTrust::Unverified && holds_self_signing_key(&client).await {
                sign_own_device(&client).await;
                let _ = tokio::time::timeout(DOWNGRADE_GRACE, verification.next()).await;
                status = current(&client);
            }
        }
        out.send_replace(status);
        tokio::select! {
            changed = verification.next() => if changed.is_none() { break },
            changed = recovery.next() => if changed.is_none() { break },
        }
    }
}

async fn holds_self_signing_key(client: &Client) -> bool {
    client.encryption().cross_signing_status().await.is_some_and(|status| status.has_self_signing)
}

async fn sign_own_device(client: &Client) {
    match client.encryption().get_own_device().await {
        Ok(Some(device)) => match device.verify().await {
            Ok(()) => info!("this session signed itself again with the account's key"),
            Err(error) => warn!(%error, "could not sign this session"),
        },
        Ok(None) => warn!("this session's own device is not in the store"),
        Err(error) => warn!(%error, "could not read this session's own device"),
    }
}

/// Creates the recovery key (secret storage + key backup, keys uploaded) and
/// returns it, once: it is never stored by the app.
pub async fn enable_recovery(session: &SessionContext) -> AppResult<String> {
    let key = session
        .client()
        .encryption()
        .recovery()
        .enable()
        .wait_for_backups_to_upload()
        .await
        .map_err(|e| recovery_error("enabling recovery", e))?;
    info!("recovery enabled");
    Ok(key)
}

/// Replaces the recovery key (the old one stops working) and returns the new one.
pub async fn reset_recovery_key(session: &SessionContext) -> AppResult<String> {
    let key = session.client().encryption().recovery().reset_key().await.map_err(|e| recovery_error("resetting the recovery key", e))?;
    info!("recovery key reset");
    Ok(key)
}

/// Unlocks this session with the recovery key (or the account's security
/// passphrase): imports the cross-signing keys, which verify this session,
/// and the backup key, from which the history's keys are downloaded.
pub async fn recover(session: &SessionContext, recovery_key: &str) -> AppResult<()> {
    let recovery_key = recovery_key.trim();
    if recovery_key.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidRecoveryKey, "empty recovery key"));
    }
    session.client().encryption().recovery().recover(recovery_key).await.map_err(|e| recovery_error("recovering", e))?;
    info!("session unlocked with the recovery key");
    Ok(())
}

/// Whether another of the user's sessions could verify this one.
pub async fn can_verify_with_another_session(session: &SessionContext) -> bool {
    session.client().encryption().has_devices_to_verify_against().await.unwrap_or_else(|error| {
        warn!(%error, "could not list the sessions to verify against");
        false
    })
}

fn recovery_error(context: &str, error: RecoveryError) -> AppError {
    match error {
        RecoveryError::SecretStorage(SecretStorageError::SecretStorageKey(_)) => {
            AppError::new(ErrorCode::InvalidRecoveryKey, format!("{context}: the key does not open the secret storage"))
        }
        RecoveryError::SecretStorage(SecretStorageError::MissingKeyInfo { .. }) => {
            AppError::new(ErrorCode::RecoveryNotSetUp, format!("{context}: no secret storage on this account"))
        }
        RecoveryError::SecretStorage(SecretStorageError::Sdk(e)) | RecoveryError::Sdk(e) => AppError::from_sdk(context, &e),
        RecoveryError::BackupExistsOnServer => {
            AppError::new(ErrorCode::RecoveryNotSetUp, format!("{context}: a backup exists that this session cannot open"))
        }
        other => AppError::internal(context, other),
    }
}

/// Writes the recovery key to a new text file in `dir` (never replacing a
/// file) readable only by the user, and returns its path.
pub fn write_recovery_key_file(dir: &Path, user_id: &str, recovery_key: &str) -> AppResult<PathBuf> {
    use std::io::Write;
    let text = format!(
        "Tchap — clé de récupération\n\nCompte : {user_id}\nClé : {recovery_key}\n\n\
         Elle permet de lire vos messages chiffrés sur un nouvel appareil.\n\
         Conservez-la en lieu sûr (gestionnaire de mots de passe, coffre) et ne la communiquez à personne.\n"
    );
    std::fs::create_dir_all(dir).map_err(|e| AppError::storage("recovery key folder", e))?;
    let (mut file, path) = crate::files::create_new_private_text_file(dir, "Tchap - clé de récupération").map_err(|e| AppError::storage("writing the recovery key", e))?;
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(|e| AppError::storage("writing the recovery key", e))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_key_file_is_new_private_and_holds_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_recovery_key_file(dir.path(), "@marie:agent.tchap.gouv.fr", "EsTc 1234 abcd").unwrap();
        let second = write_recovery_key_file(dir.path(), "@marie:agent.tchap.gouv.fr", "EsTd 5678 efgh").unwrap();
        assert_ne!(first, second, "an earlier key file is never replaced");
        let text = std::fs::read_to_string(&first).unwrap();
        assert!(text.contains("Clé : EsTc 1234 abcd") && text.contains("@marie:agent.tchap.gouv.fr"));
        assert!(std::fs::read_to_string(&second).unwrap().contains("EsTd 5678 efgh"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&first).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
