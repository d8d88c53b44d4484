//! Signed updates from the organisation's mirror: where they come from (the
//! policy's endpoints, else the build's), when to check, which version is an
//! update, and what the user is told. The Tauri shell plugs in the updater
//! plugin (`Mirror`): the manifest, the minisign check and the install are
//! its; the download is ours (bounded, through the configured network).

mod schedule;
mod status;
mod version;

use std::{future::Future, sync::Arc, time::SystemTime};

use matrix_sdk::reqwest;
use tokio::sync::{Notify, watch};
use url::Url;

use crate::{
    error::{AppError, AppResult},
    network::NetworkSettings,
    policy::Policy,
};
pub use schedule::Cadence;
pub use status::{FailureReason, UpdateStatus};
pub use version::{Verdict, verdict};

/// An update is an installer: tens of MiB. More is not one (bounded memory).
pub const MAX_UPDATE_BYTES: usize = 256 * 1024 * 1024;

/// Where this run's updates come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateSource {
    /// Off by the administrator's policy (or the policy could not be read:
    /// never fall back to another source than the one it may have named).
    Disabled,
    NoSource,
    Mirror(Vec<Url>),
}

impl UpdateSource {
    /// The policy's endpoints, else the build's `built_in` list.
    pub fn resolve(policy: &Policy, built_in: &[&str]) -> Self {
        let endpoints: Vec<&str> = match &policy.updater {
            Some(updater) if !updater.enabled => return Self::Disabled,
            Some(updater) => updater.endpoints.iter().map(String::as_str).collect(),
            None => built_in.to_vec(),
        };
        let urls: Vec<Url> = endpoints.iter().filter_map(|text| Url::parse(text.trim()).ok()).collect();
        if urls.is_empty() { Self::NoSource } else { Self::Mirror(urls) }
    }

    /// What the UI says before (or instead of) any check.
    pub fn initial_status(&self) -> UpdateStatus {
        match self {
            Self::Disabled => UpdateStatus::Disabled,
            Self::NoSource => UpdateStatus::NoSource,
            Self::Mirror(_) => UpdateStatus::Checking,
        }
    }
}

/// What a mirror offers against the running version.
pub enum Checked<F> {
    UpToDate { refused_version: Option<String> },
    Newer { version: String, found: F },
}

/// A mirror as the updater plugin reads it (the shell implements it).
pub trait Mirror: Send + 'static {
    type Found: Send;
    /// Reads the manifest; the version rule is `verdict`.
    fn check(&mut self) -> impl Future<Output = Result<Checked<Self::Found>, FailureReason>> + Send;
    /// Downloads and verifies the signature, keeping the bytes for the install.
    fn download(&mut self, found: Self::Found) -> impl Future<Output = Result<(), FailureReason>> + Send;
}

/// Checks at start, then on `cadence` or when `check_now` is notified, until
/// an update is downloaded and verified (it waits for the user's restart).
/// Every outcome goes to `status`; a failure is never more than a line there.
pub async fn run<M: Mirror>(mut mirror: M, cadence: Cadence, status: watch::Sender<UpdateStatus>, check_now: Arc<Notify>) {
    let mut failures = 0u32;
    loop {
        let outcome = check_once(&mut mirror, &status).await;
        let checked_at = SystemTime::now();
        match outcome {
            Ok(Some(version)) => {
                tracing::info!(%version, "update downloaded and verified; installed at the user's restart");
                status.send_replace(UpdateStatus::Ready { version });
                return;
            }
            Ok(None) => failures = 0,
            Err(_) => failures = failures.saturating_add(1),
        }
        let wait = cadence.after(failures);
        if let Err(reason) = outcome {
            tracing::warn!(?reason, retry_in_s = wait.as_secs(), "update check failed");
            let retry_at = status::millis(checked_at + wait);
            status.send_replace(UpdateStatus::Failed { reason, checked_at: status::millis(checked_at), retry_at });
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = check_now.notified() => {}
        }
    }
}

/// One check: `Some(version)` when an update is downloaded and verified.
async fn check_once<M: Mirror>(mirror: &mut M, status: &watch::Sender<UpdateStatus>) -> Result<Option<String>, FailureReason> {
    status.send_replace(UpdateStatus::Checking);
    match mirror.check().await? {
        Checked::UpToDate { refused_version } => {
            if let Some(version) = &refused_version {
                tracing::warn!(%version, "the mirror offers a version that is not newer: refused");
            }
            status.send_replace(UpdateStatus::UpToDate { checked_at: status::millis(SystemTime::now()), refused_version });
            Ok(None)
        }
        Checked::Newer { version, found } => {
            status.send_replace(UpdateStatus::Downloading { version: version.clone() });
            mirror.download(found).await?;
            Ok(Some(version))
        }
    }
}

/// Sets an updater's HTTP client as every other client of the app: the
/// configured proxy and extra CAs (`network`).
pub fn client_setup(network: &NetworkSettings) -> AppResult<impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static> {
    // Checked once here, so the closure below cannot fail later on the same settings.
    let _checked = network.apply_to_http(reqwest::ClientBuilder::new())?;
    let network = network.clone();
    Ok(move |builder: reqwest::ClientBuilder| {
        let builder = builder.min_tls_version(reqwest::tls::Version::TLS_1_2);
        network.apply_to_http(builder).expect("network settings checked when the updater was set up")
    })
}

/// Downloads an update through `network`, at most `MAX_UPDATE_BYTES`; a
/// body shorter than announced is `Incomplete` (its signature would fail
/// anyway, this says why).
pub async fn download(network: &NetworkSettings, url: &Url) -> Result<Vec<u8>, FailureReason> {
    let client = crate::http::client(network, std::time::Duration::from_secs(30 * 60)).map_err(|_| FailureReason::Unreachable)?;
    let mut response = client.get(url.clone()).send().await.map_err(|e| {
        tracing::warn!(error = %AppError::from_transport("update download", &e).message, "update download failed");
        FailureReason::Unreachable
    })?;
    if !response.status().is_success() {
        tracing::warn!(status = %response.status(), "update download refused by the mirror");
        return Err(FailureReason::BadAnswer);
    }
    let announced = response.content_length();
    if announced.is_some_and(|length| length > MAX_UPDATE_BYTES as u64) {
        return Err(FailureReason::Incomplete);
    }
    let mut bytes = Vec::with_capacity(announced.unwrap_or(0) as usize);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if bytes.len() + chunk.len() <= MAX_UPDATE_BYTES => bytes.extend_from_slice(&chunk),
            Ok(Some(_)) => return Err(FailureReason::Incomplete),
            Ok(None) => break,
            Err(error) => {
                tracing::warn!(%error, received = bytes.len(), "update download cut short");
                return Err(FailureReason::Incomplete);
            }
        }
    }
    if announced.is_some_and(|length| length != bytes.len() as u64) {
        return Err(FailureReason::Incomplete);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests;
