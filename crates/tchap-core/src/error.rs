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
    /// What was asked for does not exist (any other than a room).
    NotFound,
    InvalidUserId,
    UserNotFound,
    Forbidden,
    Network,
    Storage,
    /// No OS secret store (Secret Service, Credential Manager, Keychain) to
    /// keep the session's secrets in.
    SecretStoreUnavailable,
    /// A session is stored but its secrets cannot be read now (keyring locked
    /// or not started): nothing is lost, try again once it is open.
    SessionLocked,
    /// Passwords only travel over https (plain http only to this machine).
    InsecureHomeserver,
    /// Another Tchap process already uses this data folder.
    AlreadyRunning,
    /// The account's validity period is over (Tchap account expiry).
    AccountExpired,
    /// The homeserver answered with a server error (5xx) or an unreadable answer.
    ServerError,
    /// The server's certificate is not trusted (often a proxy inspecting TLS).
    UntrustedCertificate,
    /// The configured proxy refused or failed the connection.
    ProxyError,
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
    /// Not an email address (sign-in and registration by email).
    InvalidEmail,
    /// The email's domain is not one Tchap accepts (or `/info` named a
    /// server outside the configured list).
    EmailNotAllowed,
    /// No server of the configured list answered the email lookup.
    NoServerAnswered,
    /// Registration: an account already exists with this email (sign in instead).
    EmailInUse,
    /// Registration: the server's password policy refused the password.
    WeakPassword,
    /// Registration: an external partner's email nobody invited yet.
    ExternalNotInvited,
    /// Registration: the server asks to accept its terms, which were not accepted.
    TermsNotAccepted,
    /// Registration is closed on this server, or asks for steps the app cannot do.
    RegistrationUnavailable,
    /// A key export's passphrase is too short.
    WeakPassphrase,
    /// The passphrase does not open this key file.
    InvalidKeyFilePassphrase,
    /// The file is not (or no longer) a room key export.
    InvalidKeyFile,
    /// The file the user chose cannot be read or written there.
    FileNotAccessible,
    /// A restricted room (agents only) refuses an external's email invite.
    ExternalEmailNotAllowed,
    /// Room kinds: externals cannot join or be invited into a room closed to them.
    ExternalsNotAllowed,
    /// Room kinds: the room's access rules refuse this (a direct chat's name,
    /// closing a room opened to externals…).
    RoomRulesRefused,
    /// Attachments: the file is larger than the server accepts (checked before any upload).
    FileTooLarge,
    /// Attachments: an empty file (nothing to send).
    EmptyFile,
    /// Attachments: a folder (or a device, a pipe…), not a file.
    NotAFile,
    /// Attachments: too many files prepared and neither sent nor cancelled.
    TooManyAttachments,
    /// No verdict from the content scanner (unreachable, in trouble): the
    /// attachment is neither shown nor saved.
    ScannerUnavailable,
    /// The content scanner refused the attachment (infected, forbidden type).
    MediaBlocked,
    /// The attachment cannot be read (damaged, wrongly encrypted, not a media address).
    MediaUnreadable,
    /// The attachment is larger than the app accepts there.
    MediaTooLarge,
    /// A room's notification mode could not be saved in the account's push rules.
    NotificationSettingsNotSaved,
    /// A link (tchap://, matrix:, matrix.to) the app does not read: another
    /// scheme, a malformed id, junk after it.
    InvalidLink,
    /// A message a link or a reply points at cannot be found: deleted,
    /// never existed, or out of reach (before the user joined).
    EventNotFound,
    /// The organisation's policy sets this, the user cannot change it.
    ManagedByPolicy,
    /// The disk (or the user's quota) is full: the file was not written.
    DiskFull,
    Internal,
}

/// Tchap's account validity module (Synapse `account_validity`).
pub const EXPIRED_ACCOUNT: &str = "ORG_MATRIX_EXPIRED_ACCOUNT";

/// What failed on the way to the server: a TLS inspection proxy whose
/// certificate the OS does not trust is common on ministry networks and
/// deserves its own message.
fn transport_code(error: &matrix_sdk::reqwest::Error) -> ErrorCode {
    let chain = std::iter::successors(Some(error as &dyn std::error::Error), |e| e.source())
        .map(|e| e.to_string().to_lowercase())
        .collect::<Vec<_>>()
        .join(" / ");
    if chain.contains("certificate") || chain.contains("unknownissuer") {
        ErrorCode::UntrustedCertificate
    } else if chain.contains("proxy") || chain.contains("tunnel error") {
        // hyper-util's CONNECT errors: refused (407, 403…) or proxy down.
        ErrorCode::ProxyError
    } else if error.is_connect() || error.is_timeout() {
        ErrorCode::HomeserverUnreachable
    } else {
        ErrorCode::Network
    }
}

#[derive(Debug, Clone, thiserror::Error, Serialize, specta::Type)]
#[error("{code:?}: {message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// The server a request could not reach (host name), when the user's
    /// sentence names it: "Le certificat de matrix.example.gouv.fr…".
    pub server: Option<String>,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), server: None }
    }

    /// A request that did not get through, naming the server it was for.
    fn transport(context: &str, error: &matrix_sdk::reqwest::Error) -> Self {
        let server = error.url().and_then(|url| url.host_str()).map(|host| host.trim_matches(['[', ']']).to_owned());
        Self { server, ..Self::new(transport_code(error), format!("{context}: {error}")) }
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
            HttpError::Reqwest(e) => return Self::transport(context, e),
            HttpError::Cached(inner) => return Self::from_http(context, inner),
            // The token was refused and could not be refreshed: the session is
            // over on the server, unless the refresh itself could not get through.
            HttpError::RefreshToken(matrix_sdk::RefreshTokenError::MatrixAuth(inner)) => match Self::from_http(context, inner).code {
                code @ (ErrorCode::HomeserverUnreachable
                | ErrorCode::Network
                | ErrorCode::UntrustedCertificate
                | ErrorCode::ProxyError
                | ErrorCode::ServerError
                | ErrorCode::RateLimited) => code,
                _ => ErrorCode::NotLoggedIn,
            },
            HttpError::RefreshToken(_) => ErrorCode::NotLoggedIn,
            _ => match error.client_api_error_kind() {
                Some(ErrorKind::Forbidden) => ErrorCode::Forbidden,
                Some(ErrorKind::UserDeactivated) => ErrorCode::UserDeactivated,
                Some(ErrorKind::LimitExceeded { .. }) => ErrorCode::RateLimited,
                Some(ErrorKind::NotFound) => ErrorCode::NotFound,
                Some(ErrorKind::UnknownToken { .. } | ErrorKind::MissingToken) => ErrorCode::NotLoggedIn,
                Some(kind) if kind.errcode().as_str() == EXPIRED_ACCOUNT => ErrorCode::AccountExpired,
                Some(_) => ErrorCode::Internal,
                // Not a Matrix error at all (a 5xx page, a proxy's answer…):
                // the server is in trouble. Whether it is a Matrix server at
                // all is only asked at sign-in (`check_homeserver`).
                None => ErrorCode::ServerError,
            },
        };
        Self::new(code, format!("{context}: {error}"))
    }

    /// A request outside the SDK that did not get through (see `http`).
    pub fn from_transport(context: &str, error: &matrix_sdk::reqwest::Error) -> Self {
        Self::transport(context, error)
    }

    pub fn storage(context: &str, error: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Storage, format!("{context}: {error}"))
    }

    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Internal, format!("{context}: {error}"))
    }

    /// A setting the administrator's policy holds (`what`: which one).
    pub fn managed_by_policy(what: &str) -> Self {
        Self::new(ErrorCode::ManagedByPolicy, format!("{what}: set by the organisation's policy"))
    }

    pub fn not_logged_in() -> Self {
        Self::new(ErrorCode::NotLoggedIn, "no active session")
    }
}
