//! Settings → À propos and the bug report an agent sends to support: what
//! this build is, where it runs, the policy in force, and the last logs with
//! secrets and message contents taken out.

mod redact;
pub mod report;
pub mod save;
mod system;

use std::path::Path;

use serde::Serialize;

use crate::policy::{self, PolicyStatus};

pub use redact::{REDACTED, redact};

/// How this build is updated: a compile-time fact of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum BuildVariant {
    /// The app checks the mirror and updates itself.
    SelfUpdating,
    /// Built without the updater: the organisation deploys new versions.
    ManagedByOrganisation,
}

/// What Settings → À propos shows, and what heads a bug report.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AboutInfo {
    pub app_name: String,
    pub version: String,
    pub variant: BuildVariant,
    /// The system's name, version and architecture.
    pub os: String,
    pub policy: PolicyStatus,
    /// The signed-in account's server, none before signing in.
    pub homeserver: Option<String>,
    pub log_dir: String,
}

impl AboutInfo {
    /// The facts of this run; the app's name, version and variant come from
    /// the shell. Blocking: the first call asks the system its version.
    pub fn gather(app_name: &str, version: &str, variant: BuildVariant, homeserver: Option<String>, log_dir: &Path) -> Self {
        Self {
            app_name: app_name.to_owned(),
            version: version.to_owned(),
            variant,
            os: system::describe().to_owned(),
            policy: policy::in_force().status(),
            homeserver,
            log_dir: log_dir.display().to_string(),
        }
    }
}
