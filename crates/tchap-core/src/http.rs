//! The HTTP client for what the app asks outside the Matrix client API
//! (homeserver discovery by email, the content scanner; later updates),
//! built like the SDK's so that every request crosses the network the same way.

use std::time::Duration;

use matrix_sdk::reqwest;
use url::Url;

use crate::{
    error::{AppError, AppResult, ErrorCode},
    network::NetworkSettings,
};

/// A client crossing `network` as the Matrix client does (same proxy, same
/// trusted authorities).
pub fn client(network: &NetworkSettings, timeout: Duration) -> AppResult<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("Tchap-desktop/", env!("CARGO_PKG_VERSION")))
        // As the SDK's client (BCP 195).
        .min_tls_version(reqwest::tls::Version::TLS_1_2);
    network.apply_to_http(builder)?.build().map_err(|e| AppError::internal("http client", e))
}

/// An answer read whole: requests outside the SDK get small JSON bodies.
pub struct Answer {
    pub status: reqwest::StatusCode,
    pub body: Vec<u8>,
}

/// Sends `request` and reads its answer; a request that does not get through
/// is told apart as the SDK's are (proxy, certificate, unreachable…).
pub async fn send(request: reqwest::RequestBuilder, context: &str) -> AppResult<Answer> {
    let response = request.send().await.map_err(|e| AppError::from_transport(context, &e))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| AppError::from_transport(context, &e))?;
    Ok(Answer { status, body: body.to_vec() })
}

impl Answer {
    /// Itself when the server accepted the request, else a server error.
    pub fn success(self, context: &str) -> AppResult<Self> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(AppError::new(ErrorCode::ServerError, format!("{context}: the server answered {}", self.status)))
        }
    }

    /// The JSON body; an unreadable one is the server's fault.
    pub fn json<T: serde::de::DeserializeOwned>(&self, context: &str) -> AppResult<T> {
        serde_json::from_slice(&self.body).map_err(|e| AppError::new(ErrorCode::ServerError, format!("{context}: answer unreadable: {e}")))
    }
}

/// Passwords and tokens only travel encrypted: plain `http` is for this
/// machine alone (tests, the demo), never across a ministry network.
pub fn check_transport(url: &Url) -> AppResult<()> {
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if url.scheme() == "https" || loopback {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::InsecureHomeserver, "plain http to another machine is refused"))
    }
}
