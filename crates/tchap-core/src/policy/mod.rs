//! An administrator's policy: a system-wide file (and on Windows the Group
//! Policy registry key) read once at start. What it sets wins over the
//! user's settings and `config.json`; the UI shows those settings read-only
//! ("Géré par votre organisation"). A policy that cannot be read does not
//! stop the app: it starts on the safe side (`Policy::safe_defaults`), logs
//! why, and the UI says so in a banner.

mod document;
pub mod source;

use std::sync::OnceLock;

use serde::Serialize;
use tracing::{info, warn};

pub use document::{Feature, Policy, PolicyKey, PolicyServer, UpdaterPolicy};

/// What the updater is to do (the updater itself is built elsewhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdatesSetting {
    pub enabled: bool,
    /// The organisation's mirror; empty: the app's own endpoints.
    pub endpoints: Vec<String>,
}

/// What the UI shows of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PolicyStatus {
    /// The settings the user cannot change.
    pub managed_keys: Vec<PolicyKey>,
    /// Why the policy could not be read (the safe defaults hold).
    pub invalid_reason: Option<String>,
    pub disabled_features: Vec<Feature>,
    pub updates: UpdatesSetting,
    /// The file (or registry key) the policy came from.
    pub source: Option<String>,
}

/// The policy in force: the administrator's, or the safe defaults when it
/// could not be read.
#[derive(Debug, Clone)]
pub struct PolicyInForce {
    policy: Policy,
    invalid_reason: Option<String>,
    source: Option<String>,
}

impl PolicyInForce {
    /// No policy: every setting is the user's.
    pub fn none() -> Self {
        Self { policy: Policy::default(), invalid_reason: None, source: None }
    }

    /// From a document found at `source`.
    pub fn from_document(json: &[u8], source: &str) -> Self {
        match Policy::parse(json) {
            Ok(policy) => Self { policy, invalid_reason: None, source: Some(source.to_owned()) },
            Err(reason) => Self::invalid(reason, source),
        }
    }

    fn invalid(reason: String, source: &str) -> Self {
        warn!(%source, %reason, "administrator's policy unreadable; starting with safe defaults");
        Self { policy: Policy::safe_defaults(), invalid_reason: Some(reason), source: Some(source.to_owned()) }
    }

    fn read() -> Self {
        match source::read() {
            source::Found::Nothing => Self::none(),
            source::Found::Document { json, from } => {
                let read = Self::from_document(&json, &from);
                if read.invalid_reason.is_none() {
                    info!(source = %from, keys = ?read.policy.keys(), "administrator's policy in force");
                }
                read
            }
            source::Found::Unreadable { reason, from } => Self::invalid(reason, &from),
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn is_invalid(&self) -> bool {
        self.invalid_reason.is_some()
    }

    pub fn status(&self) -> PolicyStatus {
        let updates = match &self.policy.updater {
            Some(updater) => UpdatesSetting { enabled: updater.enabled, endpoints: updater.endpoints.clone() },
            None => UpdatesSetting { enabled: true, endpoints: Vec::new() },
        };
        PolicyStatus {
            managed_keys: self.policy.keys(),
            invalid_reason: self.invalid_reason.clone(),
            disabled_features: self.policy.disabled_features.clone().unwrap_or_default(),
            updates,
            source: self.source.clone(),
        }
    }
}

/// The policy of this run, read at first use (the app's start).
pub fn in_force() -> &'static PolicyInForce {
    static IN_FORCE: OnceLock<PolicyInForce> = OnceLock::new();
    IN_FORCE.get_or_init(PolicyInForce::read)
}

#[cfg(test)]
mod tests;
