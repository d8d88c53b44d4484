//! What Settings → À propos and the banner say about updates. The UI words
//! each kind in French (`updates.*` keys); times are milliseconds since the
//! Unix epoch.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum UpdateStatus {
    /// A build without the updater: the organisation pushes updates itself.
    ManagedByOrganisation,
    /// The administrator's policy turned updates off (or could not be read).
    Disabled,
    /// No mirror named by the policy and none built in.
    NoSource,
    /// This build has no public key to check updates with: none is installed.
    NoKey,
    /// The first check has not answered yet.
    Checking,
    UpToDate {
        #[specta(type = specta_typescript::Number)]
        checked_at: u64,
        /// An older (or unreadable) version the mirror offered, refused.
        refused_version: Option<String>,
    },
    Downloading { version: String },
    /// Downloaded and verified: installed when the user restarts.
    Ready { version: String },
    /// Each failure is retried at `retry_at`.
    Failed {
        reason: FailureReason,
        #[specta(type = specta_typescript::Number)]
        checked_at: u64,
        #[specta(type = specta_typescript::Number)]
        retry_at: u64,
    },
    Installing { version: String },
    /// The installer did not run (or was refused its rights); the download is kept.
    InstallFailed { version: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// No answer: network, proxy, certificate, or the mirror is down.
    Unreachable,
    /// The mirror answered, but not a usable `latest.json` (or nothing for this system).
    BadAnswer,
    /// The download does not match its signature (tampered with, or another key).
    SignatureInvalid,
    /// The download stopped before its end, or is larger than an update can be.
    Incomplete,
    /// A mirror address over plain http (release builds want https).
    InsecureEndpoint,
}

/// Milliseconds since the Unix epoch.
pub(crate) fn millis(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_millis() as u64
}
