//! From a professional email to its homeserver: Tchap's servers answer
//! `GET /_matrix/identity/api/v1/info?medium=email&address=…` with the
//! server holding (or meant to hold) that email.
//!
//! The servers of the list are asked in random order (so that no single
//! one carries every sign-in, as Tchap's mobile apps do), moving on to the
//! next when one fails; the answer must name a server of the list.

use std::time::Duration;

use rand::seq::SliceRandom;
use serde::Deserialize;
use tracing::{info, warn};

use super::servers::{ServerEntry, ServerList};
use crate::{
    error::{AppError, AppResult, ErrorCode},
    network::NetworkSettings,
};

/// One server's answer may not hold up the next one for long.
const PER_SERVER_TIMEOUT: Duration = Duration::from_secs(10);

/// Where an email's account lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub server: ServerEntry,
    pub client_url: String,
    /// Someone invited this email (an external may then register).
    pub invited: bool,
}

#[derive(Deserialize)]
struct InfoAnswer {
    hs: String,
    #[serde(default)]
    invited: bool,
}

/// The homeserver of `email`, asked of the servers of `list`.
pub async fn find_homeserver(list: &ServerList, network: &NetworkSettings, email: &str) -> AppResult<Discovered> {
    let email = checked_email(email)?;
    if list.entries.is_empty() {
        return Err(AppError::new(ErrorCode::NoServerAnswered, "no homeserver configured"));
    }
    let http = crate::http::client(network, PER_SERVER_TIMEOUT)?;
    let mut order: Vec<&ServerEntry> = list.entries.iter().collect();
    order.shuffle(&mut rand::rng());
    let mut last_error = None;
    for asked in order {
        match ask(&http, &list.identity_url(asked), &email).await {
            Ok(answer) => {
                let Some(server) = list.find(&answer.hs) else {
                    // Not a server of ours: never send the password there.
                    return Err(AppError::new(ErrorCode::EmailNotAllowed, format!("/info names a server outside the list: {}", answer.hs)));
                };
                info!(server = %server.server_name, "homeserver found for the email");
                return Ok(Discovered { client_url: list.client_url(server), server: server.clone(), invited: answer.invited });
            }
            Err(error) => {
                warn!(server = %asked.server_name, %error.message, "/info failed, asking the next server");
                last_error = Some(error);
            }
        }
    }
    let error = last_error.expect("at least one server was asked");
    Err(AppError::new(ErrorCode::NoServerAnswered, format!("no server of the list answered: {}", error.message)))
}

async fn ask(http: &matrix_sdk::reqwest::Client, base: &str, email: &str) -> AppResult<InfoAnswer> {
    let mut url = url::Url::parse(&format!("{base}/_matrix/identity/api/v1/info"))
        .map_err(|e| AppError::new(ErrorCode::InvalidHomeserverUrl, format!("identity server address: {e}")))?;
    url.query_pairs_mut().append_pair("medium", "email").append_pair("address", email);
    crate::http::send(http.get(url), "/info").await?.success("/info")?.json("/info")
}

/// A professional email: one `@`, something on each side, a dotted domain.
pub fn checked_email(input: &str) -> AppResult<String> {
    let email = input.trim().to_lowercase();
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if valid { Ok(email) } else { Err(AppError::new(ErrorCode::InvalidEmail, "not an email address")) }
}

/// A sign-in identifier that is an email rather than a Matrix user name.
pub fn looks_like_email(identifier: &str) -> bool {
    let identifier = identifier.trim();
    !identifier.starts_with('@') && identifier.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(checked_email(" Alice.Martin@Dinum.Gouv.FR ").unwrap(), "alice.martin@dinum.gouv.fr");
        for bad in ["", "alice", "@dinum.gouv.fr", "alice@", "alice@localhost", "a@b@c.fr", "alice @dinum.gouv.fr", "alice@.fr", "a\u{0}b@c.fr"] {
            assert_eq!(checked_email(bad).unwrap_err().code, ErrorCode::InvalidEmail, "{bad:?}");
        }
    }

    #[test]
    fn emails_are_told_from_matrix_ids() {
        assert!(looks_like_email("alice.martin@dinum.gouv.fr"));
        assert!(!looks_like_email("@alice:agent.dinum.tchap.gouv.fr"));
        assert!(!looks_like_email("alice"));
    }
}
