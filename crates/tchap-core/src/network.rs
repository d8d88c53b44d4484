//! How the app crosses a ministry's network: through which proxy, trusting
//! which certificate authorities. One value, applied to every client the app
//! builds (the Matrix client and `http::client`), so that no request takes
//! another way out.
//!
//! Passed explicitly (the configuration → the sign-in and the session's
//! context) rather than set once for the process: tests run accounts with
//! different networks side by side.

use std::path::Path;

use matrix_sdk::reqwest::{self, Certificate};
use tracing::warn;
use url::Url;

use crate::error::{AppError, AppResult};

/// A CA file larger than this is not a few certificates (bounded reading).
const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Clone, Default)]
pub struct NetworkSettings {
    /// An explicit proxy for every request; `None`: the system's (the
    /// `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` variables, and on Windows and
    /// macOS the system setting).
    proxy: Option<Url>,
    /// Trusted in addition to the OS store (a ministry's TLS-inspecting proxy).
    extra_roots: Vec<Certificate>,
}

impl std::fmt::Debug for NetworkSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkSettings")
            // A proxy address may carry a password: only where it is.
            .field("proxy", &self.proxy.as_ref().map(|url| (url.host_str().unwrap_or_default().to_owned(), url.port())))
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}

impl NetworkSettings {
    pub fn new(proxy: Option<Url>, extra_roots: Vec<Certificate>) -> Self {
        Self { proxy, extra_roots }
    }

    /// From the configuration's text. What cannot be read is left out with a
    /// warning: a bad proxy address falls back to the system's proxy, an
    /// unreadable CA file to the OS store alone, so that the worst outcome is
    /// the certificate or proxy error the user can report, never a silent
    /// way around the configured network.
    pub fn from_config(proxy: Option<&str>, extra_ca_file: Option<&Path>) -> Self {
        let proxy = proxy.map(str::trim).filter(|text| !text.is_empty()).and_then(|text| match Url::parse(text) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => Some(url),
            _ => {
                warn!("proxy address unreadable; using the system's proxy");
                None
            }
        });
        let extra_roots = extra_ca_file
            .map(|path| {
                read_ca_file(path).unwrap_or_else(|error| {
                    warn!(path = %path.display(), %error, "extra certificate authority not loaded");
                    Vec::new()
                })
            })
            .unwrap_or_default();
        Self { proxy, extra_roots }
    }

    pub fn proxy(&self) -> Option<&Url> {
        self.proxy.as_ref()
    }

    pub fn extra_roots(&self) -> usize {
        self.extra_roots.len()
    }

    /// The Matrix client: the SDK merges extra roots with the platform
    /// verifier's (`tls_certs_merge`), so the OS store stays trusted.
    pub(crate) fn apply_to_sdk(&self, builder: matrix_sdk::ClientBuilder) -> matrix_sdk::ClientBuilder {
        let builder = builder.add_root_certificates(self.extra_roots.clone());
        match &self.proxy {
            Some(proxy) => builder.proxy(proxy.as_str()),
            None => builder,
        }
    }

    /// Any other client, set as the SDK sets its own (see `apply_to_sdk`).
    pub(crate) fn apply_to_http(&self, builder: reqwest::ClientBuilder) -> AppResult<reqwest::ClientBuilder> {
        let builder = builder.tls_certs_merge(self.extra_roots.clone());
        Ok(match &self.proxy {
            Some(proxy) => builder.proxy(reqwest::Proxy::all(proxy.as_str()).map_err(|e| AppError::internal("proxy", e))?),
            None => builder,
        })
    }
}

/// The certificates of a PEM file (one or several); a file without any is an error.
pub fn read_ca_file(path: &Path) -> AppResult<Vec<Certificate>> {
    let size = std::fs::metadata(path).map_err(|e| AppError::storage("CA file", e))?.len();
    if size > MAX_CA_FILE_BYTES {
        return Err(AppError::storage("CA file", format!("{size} bytes, more than certificates take")));
    }
    let pem = std::fs::read(path).map_err(|e| AppError::storage("CA file", e))?;
    let certificates = Certificate::from_pem_bundle(&pem).map_err(|e| AppError::storage("CA file", e))?;
    if certificates.is_empty() {
        return Err(AppError::storage("CA file", "no PEM certificate in it"));
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_proxy_falls_back_to_the_systems() {
        for bad in ["not a url", "ftp://proxy:21", "   "] {
            assert!(NetworkSettings::from_config(Some(bad), None).proxy().is_none(), "{bad:?}");
        }
        let set = NetworkSettings::from_config(Some(" http://user:secret@proxy.ministere.gouv.fr:3128 "), None);
        assert_eq!(set.proxy().unwrap().port(), Some(3128));
        assert!(!format!("{set:?}").contains("secret"), "no password in logs");
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        assert!(read_ca_file(&empty).is_err());
        assert!(read_ca_file(&dir.path().join("absent.pem")).is_err());
        assert_eq!(NetworkSettings::from_config(None, Some(&empty)).extra_roots(), 0);
    }
}
