//! The HTTP client for what the app asks outside the Matrix client API
//! (homeserver discovery by email; later the content scanner and updates),
//! built like the SDK's so that every request crosses the network the same way.

use std::time::Duration;

use matrix_sdk::reqwest;

use crate::error::{AppError, AppResult};

pub fn client(timeout: Duration) -> AppResult<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("Tchap-desktop/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AppError::internal("http client", e))
}
