//! The app's secrets (tokens, store passphrases) in the OS secret store:
//! the Secret Service (GNOME Keyring, KWallet…) on Linux, the Credential
//! Manager on Windows, the login Keychain on macOS. A secret kept there is
//! encrypted at rest by the OS and unlocked with the user's session, which a
//! file next to our database would not be.
//!
//! Built on the keyring v4 API (`keyring-core`) and the per-platform stores
//! that the `keyring` crate's default `v1` feature links, but opened here on
//! each call rather than through `keyring`'s process-wide store: that one is
//! created once, so a Secret Service that was missing at the first call (or a
//! keyring daemon that restarted) would stay broken until the app restarts.
//!
//! Every call blocks the calling thread: D-Bus round trips on Linux (a few
//! milliseconds), and `save`/`load`/`delete` may also wait, with no time
//! limit, for the user to answer an unlock prompt when the keyring is
//! locked. From async code, call them inside `tokio::task::spawn_blocking`.
//! Only [`SecretStore::availability`] is bounded in time.
//!
//! Secret values never appear in errors or logs.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use keyring_core::api::CredentialStore;
use keyring_core::{Entry, Error as KeyringError};

/// The service name under which the app files its secrets.
pub const APP_SERVICE: &str = "fr.gouv.tchap.desktop";

/// How long [`SecretStore::availability`] waits for the OS store: long
/// enough for D-Bus to start a keyring daemon on demand, short enough not to
/// stall the app's start when the bus or the daemon does not answer.
pub const AVAILABILITY_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether the OS secret store can be used right now, without prompting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Available,
    /// `reason` is English, for logs and bug reports.
    Unavailable {
        reason: String,
    },
}

/// What went wrong; the text never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No usable store: no session bus, no Secret Service provider, store
    /// locked or access denied. The app should fall back, not retry at once.
    #[error("secret store unavailable: {0}")]
    Unavailable(String),
    /// The store answered but the operation failed.
    #[error("secret store operation failed: {0}")]
    Failed(String),
}

/// Secrets of one service (the app's is [`APP_SERVICE`]), one per account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretStore {
    service: String,
}

impl SecretStore {
    pub fn new(service: &str) -> Self {
        Self { service: service.to_owned() }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Checks, within [`AVAILABILITY_TIMEOUT`], that the OS store answers and
    /// can be written without a prompt (on Linux: a Secret Service provider
    /// with an unlocked default collection). Never prompts and never hangs:
    /// the check runs on its own thread, which is left behind if the store
    /// does not answer in time.
    pub fn availability(&self) -> Availability {
        let (tx, rx) = mpsc::sync_channel(1);
        let service = self.service.clone();
        let spawned = std::thread::Builder::new().name("secret-store-probe".into()).spawn(move || {
            let _ = tx.send(probe(&service));
        });
        let availability = match spawned {
            Err(e) => unavailable(format!("cannot start the secret store check: {e}")),
            Ok(_) => match rx.recv_timeout(AVAILABILITY_TIMEOUT) {
                Ok(availability) => availability,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    unavailable(format!("the secret store did not answer within {} s", AVAILABILITY_TIMEOUT.as_secs()))
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    unavailable("the secret store check failed unexpectedly".into())
                }
            },
        };
        if let Availability::Unavailable { reason } = &availability {
            tracing::info!(service = %self.service, %reason, "OS secret store unavailable");
        }
        availability
    }

    /// Stores `secret` for `account`, replacing any previous one.
    pub fn save(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        let result = (|| {
            let entry = self.entry(account)?;
            match entry.set_password(secret) {
                // Several items match (e.g. written by another client in
                // another collection): drop them all so that one remains.
                Err(KeyringError::Ambiguous(items)) => {
                    delete_all(items).map_err(|e| map_error("save", e))?;
                    entry.set_password(secret).map_err(|e| map_error("save", e))
                }
                other => other.map_err(|e| map_error("save", e)),
            }
        })();
        self.log_failure("save", account, &result);
        result
    }

    /// The secret stored for `account`, `None` if there is none.
    pub fn load(&self, account: &str) -> Result<Option<String>, SecretError> {
        let result = self.entry(account).and_then(|entry| match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(map_error("load", e)),
        });
        self.log_failure("load", account, &result);
        result
    }

    /// Removes the secret of `account`; removing a missing one is not an
    /// error, so logout can always call it.
    pub fn delete(&self, account: &str) -> Result<(), SecretError> {
        let result = self.entry(account).and_then(|entry| match entry.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(KeyringError::Ambiguous(items)) => delete_all(items).map_err(|e| map_error("delete", e)),
            Err(e) => Err(map_error("delete", e)),
        });
        self.log_failure("delete", account, &result);
        result
    }

    fn entry(&self, account: &str) -> Result<Entry, SecretError> {
        let store = open_store()?;
        Entry::new_in_store(&store, &self.service, account).map_err(|e| map_error("open entry", e))
    }

    fn log_failure<T>(&self, op: &str, account: &str, result: &Result<T, SecretError>) {
        if let Err(error) = result {
            tracing::warn!(service = %self.service, account, %error, "secret store {op} failed");
        }
    }
}

fn unavailable(reason: String) -> Availability {
    Availability::Unavailable { reason }
}

fn delete_all(items: Vec<Entry>) -> Result<(), KeyringError> {
    for item in items {
        match item.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Maps keyring errors without ever formatting their payloads that may hold
/// secret bytes (`BadEncoding`, `BadDataFormat`).
fn map_error(op: &str, error: KeyringError) -> SecretError {
    match error {
        KeyringError::NoStorageAccess(e) => {
            SecretError::Unavailable(format!("{op}: the secret store is locked or access was denied: {e}"))
        }
        KeyringError::NoDefaultStore => SecretError::Unavailable(format!("{op}: no secret store")),
        KeyringError::PlatformFailure(e) => SecretError::Failed(format!("{op}: {e}")),
        KeyringError::NoEntry => SecretError::Failed(format!("{op}: no such secret")),
        KeyringError::BadEncoding(_) => SecretError::Failed(format!("{op}: the stored secret is not UTF-8")),
        KeyringError::BadDataFormat(..) => SecretError::Failed(format!("{op}: the stored secret is malformed")),
        KeyringError::Ambiguous(items) => {
            SecretError::Failed(format!("{op}: {} stored secrets match this account", items.len()))
        }
        other => SecretError::Failed(format!("{op}: {other}")),
    }
}

/// Opens the platform's store. Done per call: it is cheap, and a store that
/// was missing or restarted is picked up without restarting the app.
fn open_store() -> Result<Arc<CredentialStore>, SecretError> {
    open_platform_store().map_err(|e| SecretError::Unavailable(format!("cannot open the OS secret store: {e}")))
}

#[cfg(all(unix, not(any(target_os = "macos", target_os = "ios", target_os = "android"))))]
fn open_platform_store() -> Result<Arc<CredentialStore>, KeyringError> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn open_platform_store() -> Result<Arc<CredentialStore>, KeyringError> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(windows)]
fn open_platform_store() -> Result<Arc<CredentialStore>, KeyringError> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(windows, all(unix, not(any(target_os = "ios", target_os = "android"))))))]
fn open_platform_store() -> Result<Arc<CredentialStore>, KeyringError> {
    Err(KeyringError::NotSupportedByStore("no OS secret store on this platform".into()))
}

/// The availability check proper, run on its own thread.
#[cfg(all(unix, not(any(target_os = "macos", target_os = "ios", target_os = "android"))))]
fn probe(_service: &str) -> Availability {
    use secret_service::blocking::SecretService;
    use secret_service::{EncryptionType, Error};

    // The same connection and encrypted session that each operation opens.
    let ss = match SecretService::connect(EncryptionType::Dh) {
        Ok(ss) => ss,
        Err(e) => return unavailable(format!("no Secret Service on the D-Bus session bus: {e}")),
    };
    // New items go to the default collection (the "login" keyring): without
    // one, or with it locked, a save would fail or prompt.
    let collection = match ss.get_default_collection() {
        Ok(collection) => collection,
        Err(Error::NoResult) => return unavailable("the Secret Service has no default collection".into()),
        Err(e) => return unavailable(format!("cannot read the default Secret Service collection: {e}")),
    };
    match collection.is_locked() {
        Ok(false) => Availability::Available,
        Ok(true) => unavailable("the default Secret Service collection is locked".into()),
        Err(e) => unavailable(format!("cannot read whether the default collection is locked: {e}")),
    }
}

/// The availability check proper, run on its own thread: reads an entry that
/// does not exist, which needs the store but never prompts.
#[cfg(not(all(unix, not(any(target_os = "macos", target_os = "ios", target_os = "android")))))]
fn probe(service: &str) -> Availability {
    let result = open_store().and_then(|store| {
        let entry = Entry::new_in_store(&store, service, "availability-probe").map_err(|e| map_error("probe", e))?;
        match entry.get_password() {
            Ok(_) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(map_error("probe", e)),
        }
    });
    match result {
        Ok(()) => Availability::Available,
        Err(SecretError::Unavailable(reason) | SecretError::Failed(reason)) => unavailable(reason),
    }
}
