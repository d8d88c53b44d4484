//! The content scanner (matrix-content-scanner) client: every attachment
//! download goes through it, and nothing it did not call clean reaches the
//! user. Encrypted files travel with their keys sealed for the scanner;
//! what comes back is decrypted here, its hash checked.

mod failure;
mod request;

use std::{io::Read, sync::Mutex, time::Duration};

use matrix_sdk::{
    reqwest::{self, StatusCode, Url, header::CONTENT_TYPE},
    ruma::{
        MxcUri,
        events::room::{EncryptedFile, MediaSource},
    },
};
use matrix_sdk_base::crypto::{AttachmentDecryptor, MediaEncryptionInfo};
use tracing::{debug, warn};
use vodozemac::Curve25519PublicKey;

pub use failure::{BlockReason, ScanFailure};
use failure::{Refusal, refusal, retry_with_fresh_key, sealed_body_failure};
use request::{endpoint, media_parts, parse_public_key, sealed_body};

use crate::{error::AppResult, http, network::NetworkSettings};

/// The scanner downloads and scans the whole file before the first byte of
/// its answer: a large attachment takes a while, a silent scanner does not.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);
/// An error answer is a small JSON object; more is not read.
const ERROR_BODY_LIMIT: u64 = 16 * 1024;
/// What is reserved up front, whatever the answer's Content-Length says.
const INITIAL_CAPACITY_LIMIT: u64 = 1024 * 1024;

pub struct ContentScanner {
    base_url: Url,
    http: reqwest::Client,
    /// Sent as the scanner forwards it to the homeserver (newer scanners do).
    access_token: Option<String>,
    /// The key request bodies are sealed for, fetched on first need.
    public_key: Mutex<Option<Curve25519PublicKey>>,
}

/// Bytes the scanner called clean, with the Content-Type it gave.
type Clean = (Vec<u8>, Option<String>);

impl ContentScanner {
    /// `base_url` is where the scanner's API lives (Tchap's default: the
    /// homeserver's own address); the token is only sent encrypted, or to
    /// this machine.
    pub fn new(base_url: Url, access_token: Option<String>, network: &NetworkSettings) -> AppResult<Self> {
        http::check_transport(&base_url)?;
        Ok(Self { base_url, http: http::client(network, REQUEST_TIMEOUT)?, access_token, public_key: Mutex::new(None) })
    }

    /// An attachment of an encrypted room, downloaded through the scanner and
    /// decrypted (its hash checked): at most `max_bytes` are read.
    pub async fn fetch_encrypted(&self, file: &EncryptedFile, max_bytes: u64) -> Result<Vec<u8>, ScanFailure> {
        media_parts(&file.url)?;
        let (encrypted, _) = self.sealed("download_encrypted", file, max_bytes).await?;
        decrypt(file, encrypted).await
    }

    /// Asks again about a file already here whose verdict is old (`scan`,
    /// `scan_encrypted`): the scanner fetches and scans it, only its verdict
    /// comes back, so the file is not downloaded twice.
    pub async fn rescan(&self, source: &MediaSource) -> Result<(), ScanFailure> {
        let (answer, _) = match source {
            MediaSource::Plain(mxc) => {
                let (server, media_id) = media_parts(mxc)?;
                let url = endpoint(&self.base_url, &["scan", server, media_id]);
                self.read_answer(self.authorized(self.http.get(url)), ERROR_BODY_LIMIT).await.map_err(final_failure)?
            }
            MediaSource::Encrypted(file) => {
                media_parts(&file.url)?;
                self.sealed("scan_encrypted", file, ERROR_BODY_LIMIT).await?
            }
        };
        scan_verdict(&answer)
    }

    /// Plain media (rooms without encryption): the bytes and their Content-Type.
    pub async fn fetch_plain(&self, mxc: &MxcUri, max_bytes: u64) -> Result<Clean, ScanFailure> {
        let (server, media_id) = media_parts(mxc)?;
        let url = endpoint(&self.base_url, &["download", server, media_id]);
        self.read_answer(self.authorized(self.http.get(url)), max_bytes).await.map_err(final_failure)
    }

    /// A plain media's thumbnail (scaled to fit `width`×`height`).
    pub async fn fetch_plain_thumbnail(&self, mxc: &MxcUri, width: u32, height: u32, max_bytes: u64) -> Result<Clean, ScanFailure> {
        let (server, media_id) = media_parts(mxc)?;
        let mut url = endpoint(&self.base_url, &["thumbnail", server, media_id]);
        url.query_pairs_mut()
            .append_pair("width", &width.to_string())
            .append_pair("height", &height.to_string())
            .append_pair("method", "scale");
        self.read_answer(self.authorized(self.http.get(url)), max_bytes).await.map_err(final_failure)
    }

    /// Sealed for the key the client holds; when the scanner cannot open
    /// it, the key is fetched again and the request sent once more if that
    /// can help (see `retry_with_fresh_key`).
    async fn sealed(&self, path: &str, file: &EncryptedFile, max_bytes: u64) -> Result<Clean, ScanFailure> {
        let key = self.public_key().await?;
        let (reason, info) = match self.post_sealed(path, file, key, max_bytes).await {
            Err(Refusal::SealedBody { reason, info }) => (reason, info),
            other => return other.map_err(final_failure),
        };
        self.forget_public_key();
        let fresh = self.public_key().await?;
        if !retry_with_fresh_key(reason, fresh != key) {
            return Err(sealed_body_failure(reason, info));
        }
        debug!("content scanner: body refused ({reason}), sent again sealed for its current key");
        self.post_sealed(path, file, fresh, max_bytes).await.map_err(|refused| match refused {
            Refusal::SealedBody { reason, info } => sealed_body_failure(reason, info),
            Refusal::Final(failure) => failure,
        })
    }

    async fn post_sealed(&self, path: &str, file: &EncryptedFile, key: Curve25519PublicKey, max_bytes: u64) -> Result<Clean, Refusal> {
        let body = sealed_body(file, key).map_err(Refusal::Final)?;
        let url = endpoint(&self.base_url, &[path]);
        let request = self.authorized(self.http.post(url)).header(CONTENT_TYPE, "application/json").body(body.to_string());
        self.read_answer(request, max_bytes).await
    }

    async fn public_key(&self) -> Result<Curve25519PublicKey, ScanFailure> {
        if let Some(key) = *self.public_key.lock().unwrap_or_else(|p| p.into_inner()) {
            return Ok(key);
        }
        #[derive(serde::Deserialize)]
        struct PublicKey {
            public_key: String,
        }
        let url = endpoint(&self.base_url, &["public_key"]);
        let (body, _) = self.read_answer(self.http.get(url), ERROR_BODY_LIMIT).await.map_err(final_failure)?;
        let answer: PublicKey = serde_json::from_slice(&body)
            .map_err(|e| ScanFailure::Unavailable { detail: format!("the scanner's public key answer is unreadable: {e}") })?;
        let key = parse_public_key(&answer.public_key)?;
        *self.public_key.lock().unwrap_or_else(|p| p.into_inner()) = Some(key);
        Ok(key)
    }

    fn forget_public_key(&self) {
        *self.public_key.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.access_token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends the request; a 200's body is read up to `max_bytes` (streamed:
    /// the Content-Length is not trusted), any other answer is a refusal.
    async fn read_answer(&self, request: reqwest::RequestBuilder, max_bytes: u64) -> Result<Clean, Refusal> {
        let unreachable = |e: reqwest::Error| Refusal::Final(ScanFailure::Unavailable { detail: format!("content scanner: {}", e.without_url()) });
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        if status != StatusCode::OK {
            // A body too large to be the scanner's error is no scanner's error.
            let body = read_limited(response, ERROR_BODY_LIMIT).await.unwrap_or_default();
            let refused = refusal(status.as_u16(), &body);
            warn!("content scanner: {status}: {refused:?}");
            return Err(refused);
        }
        let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(ToOwned::to_owned);
        let body = read_limited(response, max_bytes).await.map_err(Refusal::Final)?;
        Ok((body, content_type))
    }
}

/// A `scan` answer: `{"clean": true}`, or false with the scanner's words
/// (1.0.8 says "not clean" with a 200); anything else is no verdict.
fn scan_verdict(answer: &[u8]) -> Result<(), ScanFailure> {
    #[derive(serde::Deserialize)]
    struct Verdict {
        clean: bool,
        info: Option<String>,
    }
    match serde_json::from_slice::<Verdict>(answer) {
        Ok(Verdict { clean: true, .. }) => Ok(()),
        Ok(Verdict { clean: false, info }) => Err(ScanFailure::Blocked { reason: BlockReason::NotClean, info }),
        Err(e) => Err(ScanFailure::Unavailable { detail: format!("the scanner's verdict is unreadable: {e}") }),
    }
}

fn final_failure(refused: Refusal) -> ScanFailure {
    match refused {
        // Only an encrypted request has a sealed body to refuse.
        Refusal::SealedBody { reason, info } => ScanFailure::Unreadable { detail: format!("{reason} {}", info.unwrap_or_default()) },
        Refusal::Final(failure) => failure,
    }
}

/// The body, chunk by chunk, stopped as soon as it passes `max_bytes`.
async fn read_limited(mut response: reqwest::Response, max_bytes: u64) -> Result<Vec<u8>, ScanFailure> {
    let announced = response.content_length().unwrap_or(0).min(max_bytes).min(INITIAL_CAPACITY_LIMIT);
    let mut body = Vec::with_capacity(announced as usize);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| ScanFailure::Unavailable { detail: format!("content scanner answer cut: {}", e.without_url()) })?
    {
        if body.len() as u64 + chunk.len() as u64 > max_bytes {
            return Err(ScanFailure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Decrypts with the file's own key, off the async workers; the decryptor
/// checks the hash the event gave.
async fn decrypt(file: &EncryptedFile, encrypted: Vec<u8>) -> Result<Vec<u8>, ScanFailure> {
    let info = MediaEncryptionInfo::from(file.clone());
    let unreadable = |why: String| ScanFailure::Unreadable { detail: format!("attachment decryption: {why}") };
    let work = move || {
        let mut clear = Vec::with_capacity(encrypted.len());
        let mut source = std::io::Cursor::new(encrypted);
        let mut decryptor = AttachmentDecryptor::new(&mut source, info).map_err(|e| e.to_string())?;
        decryptor.read_to_end(&mut clear).map_err(|e| e.to_string())?;
        Ok::<_, String>(clear)
    };
    tokio::task::spawn_blocking(work).await.map_err(|e| unreadable(e.to_string()))?.map_err(unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rescan_verdict_is_read_and_anything_else_fails_closed() {
        assert!(scan_verdict(br#"{"clean": true, "info": "File is clean"}"#).is_ok());
        let dirty = scan_verdict(br#"{"clean": false, "info": "Infected"}"#);
        assert!(matches!(dirty, Err(ScanFailure::Blocked { reason: BlockReason::NotClean, info: Some(_) })));
        for not_a_verdict in [b"<html>".as_slice(), br#"{"info": "File is clean"}"#, br#"{"clean": "yes"}"#] {
            assert!(matches!(scan_verdict(not_a_verdict), Err(ScanFailure::Unavailable { .. })));
        }
    }
}
