//! The administrator's policy as the UI shows it: settings it holds
//! (read-only, "Géré par votre organisation"), and the banner when it could
//! not be read.

use tchap_core::policy::{self, PolicyStatus};

#[tauri::command]
#[specta::specta]
pub fn policy_status() -> PolicyStatus {
    policy::in_force().status()
}
