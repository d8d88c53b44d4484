//! The one error type that crosses into the UI: a stable `code` the UI maps to
//! French text, and an English `message` for logs and bug reports.

use matrix_sdk::ruma::api::error::ErrorKind;
use serde::Serialize;

/// Stable codes: the UI keys its French sentences on them, never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidHomeserverUrl,
    HomeserverUnreachable,
    NotAMatrixServer,
    InvalidCredentials,
    UserDeactivated,
    RateLimited,
    NotLoggedIn,
    RoomNotFound,
    InvalidUserId,
    UserNotFound,
    Forbidden,
    Network,
    Storage,
    /// No OS secret store (Secret Service, Credential Manager, Keychain) to
    /// keep the session's secrets in.
    SecretStoreUnavailable,
    /// The recovery key (or security passphrase) does not open the account's keys.
    InvalidRecoveryKey,
    /// The account has no recovery key to unlock with.
    RecoveryNotSetUp,
    /// No other verified session of the user to verify with.
    NoOtherSession,
    /// The verification is over or was never started.
    VerificationNotFound,
    /// The user has no encryption identity to verify (old client, never logged in with one).
    NoIdentity,
    /// A session name must have 1 to 100 characters.
    InvalidSessionName,
    /// No such session of the user (already signed out?).
    SessionNotFound,
    /// A key export's passphrase is too short.
    WeakPassphrase,
    /// The passphrase does not open this key file.
    InvalidKeyFilePassphrase,
    /// The file is not (or no longer) a room key export.
    InvalidKeyFile,
    /// The file the user chose cannot be read or written there.
    FileNotAccessible,
    Internal,
}

#[derive(Debug, Clone, thiserror::Error, Serialize, specta::Type)]
#[error("{code:?}: {message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    /// Classifies an SDK error. `context` says what we were doing, for the
    /// message; the error's own text never contains tokens or message bodies.
    pub fn from_sdk(context: &str, error: &matrix_sdk::Error) -> Self {
        match error {
            matrix_sdk::Error::Http(http) => Self::from_http(context, http),
            other => Self::new(ErrorCode::Internal, format!("{context}: {other}")),
        }
    }

    pub fn from_http(context: &str, error: &matrix_sdk::HttpError) -> Self {
        use matrix_sdk::HttpError;
        let code = match error {
            HttpError::Reqwest(e) if e.is_connect() || e.is_timeout() => ErrorCode::HomeserverUnreachable,
            HttpError::Reqwest(_) => ErrorCode::Network,
            HttpError::Cached(inner) => return Self::from_http(context, inner),
            _ => match error.client_api_error_kind() {
                Some(ErrorKind::Forbidden) => ErrorCode::Forbidden,
                Some(ErrorKind::UserDeactivated) => ErrorCode::UserDeactivated,
                Some(ErrorKind::LimitExceeded { .. }) => ErrorCode::RateLimited,
                Some(ErrorKind::NotFound) => ErrorCode::RoomNotFound,
                Some(ErrorKind::UnknownToken { .. } | ErrorKind::MissingToken) => ErrorCode::NotLoggedIn,
                Some(_) => ErrorCode::Internal,
                // An answer that is not a Matrix error at all: a web server or
                // proxy page where a homeserver was expected.
                None => ErrorCode::NotAMatrixServer,
            },
        };
        Self::new(code, format!("{context}: {error}"))
    }

    pub fn storage(context: &str, error: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Storage, format!("{context}: {error}"))
    }

    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Internal, format!("{context}: {error}"))
    }

    pub fn not_logged_in() -> Self {
        Self::new(ErrorCode::NotLoggedIn, "no active session")
    }
}
