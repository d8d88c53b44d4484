//! Tchap's "liste rouge": a user may hide their profile from the directory.
//! The choice is account data (`im.vector.hide_profile`), which Tchap's
//! servers read to leave the user out of directory searches.

use matrix_sdk::ruma::{
    events::{AnyGlobalAccountDataEventContent, GlobalAccountDataEventType},
    serde::Raw,
};
use serde::{Deserialize, Serialize};

use crate::context::SessionContext;
use crate::error::{AppError, AppResult};

const HIDE_PROFILE: &str = "im.vector.hide_profile";

#[derive(Serialize, Deserialize)]
struct HideProfile {
    #[serde(default)]
    hide_profile: bool,
}

fn event_type() -> GlobalAccountDataEventType {
    HIDE_PROFILE.into()
}

/// Whether the user's profile is hidden, as the server knows it (the local
/// copy, kept by the sync, when the server cannot be asked).
pub async fn is_profile_hidden(session: &SessionContext) -> AppResult<bool> {
    let account = session.client().account();
    let raw = match account.fetch_account_data(event_type()).await {
        Ok(raw) => raw,
        Err(error) => match account.account_data_raw(event_type()).await {
            Ok(Some(raw)) => Some(raw),
            _ => return Err(AppError::from_sdk("reading hide_profile", &error)),
        },
    };
    Ok(raw.and_then(|raw| raw.deserialize_as_unchecked::<HideProfile>().ok()).is_some_and(|content| content.hide_profile))
}

pub async fn set_profile_hidden(session: &SessionContext, hidden: bool) -> AppResult<()> {
    let json = serde_json::value::to_raw_value(&HideProfile { hide_profile: hidden }).map_err(|e| AppError::internal("hide_profile content", e))?;
    let content = Raw::<AnyGlobalAccountDataEventContent>::from_json(json);
    session
        .client()
        .account()
        .set_account_data_raw(event_type(), content)
        .await
        .map_err(|e| AppError::from_sdk("setting hide_profile", &e))?;
    Ok(())
}
