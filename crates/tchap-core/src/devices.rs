//! The user's own sessions (Matrix devices): list them, rename one, sign out
//! the others. Signing out needs the account password again (the server's
//! user-interactive authentication), which is never kept nor logged.

use matrix_sdk::{
    Client, HttpError,
    ruma::{
        OwnedDeviceId, OwnedUserId,
        api::{
            client::uiaa::{self, AuthType, UiaaInfo},
            error::ErrorKind,
        },
    },
};
use serde::Serialize;
use tracing::info;

use crate::context::SessionContext;
use crate::error::{AppError, AppResult, ErrorCode};

/// The server's limit on a session name (Synapse refuses longer ones).
pub const MAX_SESSION_NAME_CHARS: usize = 100;

/// One of the user's sessions, as the security settings list it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OwnSession {
    pub device_id: String,
    /// The name shown to the user ("Tchap desktop", "Element Web"…), if any.
    pub display_name: Option<String>,
    pub last_seen_ip: Option<String>,
    /// Last activity, in milliseconds since the Unix epoch.
    pub last_seen_ts: Option<f64>,
    /// The session this app is running.
    pub is_current: bool,
    /// Signed by the user's cross-signing identity (as the SDK judges this session's own state).
    pub is_verified: bool,
}

/// The user's sessions: this one first, then the most recently active.
pub async fn list_own_sessions(session: &SessionContext) -> AppResult<Vec<OwnSession>> {
    let client = session.client();
    let (user_id, current) = own_ids(client)?;
    let response = client.devices().await.map_err(|e| device_error("listing the sessions", &e))?;
    // Cross-signing state comes from the local crypto store; a session whose
    // keys were not fetched yet counts as unverified until they are.
    let crypto_devices = client.encryption().get_user_devices(&user_id).await.ok();
    let mut sessions: Vec<OwnSession> = response
        .devices
        .into_iter()
        .map(|device| {
            let is_verified = crypto_devices.as_ref().and_then(|all| all.get(&device.device_id)).is_some_and(|d| d.is_cross_signed_by_owner());
            OwnSession {
                is_current: device.device_id == current,
                device_id: device.device_id.to_string(),
                display_name: device.display_name.filter(|name| !name.trim().is_empty()),
                last_seen_ip: device.last_seen_ip,
                last_seen_ts: device.last_seen_ts.map(|ts| f64::from(ts.0)),
                is_verified,
            }
        })
        .collect();
    sort_current_then_recent(&mut sessions);
    Ok(sessions)
}

fn sort_current_then_recent(sessions: &mut [OwnSession]) {
    sessions.sort_by(|a, b| {
        b.is_current.cmp(&a.is_current).then_with(|| {
            let (a_ts, b_ts) = (a.last_seen_ts.unwrap_or(f64::NEG_INFINITY), b.last_seen_ts.unwrap_or(f64::NEG_INFINITY));
            b_ts.total_cmp(&a_ts)
        })
    });
}

/// Renames one of the user's sessions (this one or another), as every
/// client of the account then shows it.
pub async fn rename_session(session: &SessionContext, device_id: &str, name: &str) -> AppResult<()> {
    let name = valid_session_name(name)?;
    let device_id: OwnedDeviceId = device_id.into();
    session.client().rename_device(&device_id, name).await.map_err(|e| device_error("renaming a session", &e))?;
    info!(%device_id, "session renamed");
    Ok(())
}

fn valid_session_name(name: &str) -> AppResult<&str> {
    let name = name.trim();
    let length = name.chars().count();
    if length == 0 || length > MAX_SESSION_NAME_CHARS {
        return Err(AppError::new(ErrorCode::InvalidSessionName, format!("a session name has 1 to {MAX_SESSION_NAME_CHARS} characters, not {length}")));
    }
    Ok(name)
}

/// Signs out every session of the user but this one; returns how many.
pub async fn sign_out_other_sessions(session: &SessionContext, password: &str) -> AppResult<u32> {
    let client = session.client();
    let (_, current) = own_ids(client)?;
    let response = client.devices().await.map_err(|e| device_error("listing the sessions", &e))?;
    let others: Vec<OwnedDeviceId> = response.devices.into_iter().map(|d| d.device_id).filter(|id| *id != current).collect();
    if others.is_empty() {
        return Ok(0);
    }
    delete_devices_with_password(client, &others, password).await?;
    info!(count = others.len(), "other sessions signed out");
    Ok(u32::try_from(others.len()).unwrap_or(u32::MAX))
}

/// Signs out one other session of the user. This session ends with `logout`,
/// which also deletes its local data.
pub async fn sign_out_session(session: &SessionContext, device_id: &str, password: &str) -> AppResult<()> {
    let client = session.client();
    let (_, current) = own_ids(client)?;
    if device_id == current.as_str() {
        return Err(AppError::internal("signing out a session", "this session ends with logout, not from the session list"));
    }
    let response = client.devices().await.map_err(|e| device_error("listing the sessions", &e))?;
    // Deleting an unknown device succeeds silently: say so instead.
    let Some(device) = response.devices.into_iter().find(|d| d.device_id.as_str() == device_id) else {
        return Err(AppError::new(ErrorCode::SessionNotFound, "signing out a session: no such session"));
    };
    delete_devices_with_password(client, &[device.device_id], password).await?;
    info!(%device_id, "session signed out");
    Ok(())
}

/// Deleting devices needs user-interactive auth: the first request only
/// returns the ways to authenticate; the second carries the password.
async fn delete_devices_with_password(client: &Client, devices: &[OwnedDeviceId], password: &str) -> AppResult<()> {
    const CONTEXT: &str = "signing out sessions";
    if password.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidCredentials, format!("{CONTEXT}: empty password")));
    }
    let (user_id, _) = own_ids(client)?;
    let challenge = match client.delete_devices(devices, None).await {
        // A server that asks for no confirmation.
        Ok(_) => return Ok(()),
        Err(error) => match error.as_uiaa_response() {
            Some(info) => info.clone(),
            None => return Err(device_error(CONTEXT, &error)),
        },
    };
    if !accepts_password(&challenge) {
        return Err(AppError::new(ErrorCode::Forbidden, format!("{CONTEXT}: the server asks for another confirmation than the password")));
    }
    let mut auth = uiaa::Password::new(uiaa::UserIdentifier::Matrix(uiaa::MatrixUserIdentifier::new(user_id.to_string())), password.to_owned());
    auth.session = challenge.session;
    match client.delete_devices(devices, Some(uiaa::AuthData::Password(auth))).await {
        Ok(_) => Ok(()),
        // Asked again, or refused: the password was wrong.
        Err(error) if error.as_uiaa_response().is_some() || matches!(error.client_api_error_kind(), Some(ErrorKind::Forbidden)) => {
            Err(AppError::new(ErrorCode::InvalidCredentials, format!("{CONTEXT}: the password was refused")))
        }
        Err(error) => Err(device_error(CONTEXT, &error)),
    }
}

fn accepts_password(challenge: &UiaaInfo) -> bool {
    challenge.flows.iter().any(|flow| flow.stages == [AuthType::Password])
}

fn own_ids(client: &Client) -> AppResult<(OwnedUserId, OwnedDeviceId)> {
    match (client.user_id(), client.device_id()) {
        (Some(user_id), Some(device_id)) => Ok((user_id.to_owned(), device_id.to_owned())),
        _ => Err(AppError::not_logged_in()),
    }
}

/// A 404 here is about a session, not a room.
fn device_error(context: &str, error: &HttpError) -> AppError {
    match AppError::from_http(context, error) {
        e if e.code == ErrorCode::NotFound => AppError::new(ErrorCode::SessionNotFound, e.message),
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(device_id: &str, ts: Option<f64>, is_current: bool) -> OwnSession {
        OwnSession { device_id: device_id.into(), display_name: None, last_seen_ip: None, last_seen_ts: ts, is_current, is_verified: false }
    }

    #[test]
    fn current_session_first_then_most_recent_then_never_seen() {
        let mut sessions = vec![seen("OLD", Some(1.0), false), seen("NEVER", None, false), seen("ME", Some(0.5), true), seen("NEW", Some(9.0), false)];
        sort_current_then_recent(&mut sessions);
        let order: Vec<&str> = sessions.iter().map(|s| s.device_id.as_str()).collect();
        assert_eq!(order, ["ME", "NEW", "OLD", "NEVER"]);
    }

    #[test]
    fn session_names_are_trimmed_and_bounded() {
        assert_eq!(valid_session_name("  Poste du bureau \n").unwrap(), "Poste du bureau");
        assert_eq!(valid_session_name("   ").unwrap_err().code, ErrorCode::InvalidSessionName);
        assert!(valid_session_name(&"é".repeat(MAX_SESSION_NAME_CHARS)).is_ok());
        assert_eq!(valid_session_name(&"é".repeat(MAX_SESSION_NAME_CHARS + 1)).unwrap_err().code, ErrorCode::InvalidSessionName);
    }
}
