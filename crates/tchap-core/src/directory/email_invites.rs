//! Inviting by email someone who has no Tchap account yet: a third-party
//! invite. The homeserver stores it at the identity server, which mails the
//! invitee; the invite becomes a Matrix invite once they register. The
//! homeserver first asks Tchap's access-rules module whether the address
//! may enter the room: a restricted room refuses externals' addresses.

use std::time::Duration;

use matrix_sdk::ruma::{
    RoomId,
    api::client::{
        account::request_openid_token,
        membership::{Invite3pid, Invite3pidInit},
        state::get_state_events,
    },
    thirdparty::Medium,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tracing::{info, warn};

use crate::context::SessionContext;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::identity::{ServerEntry, ServerList, discovery::checked_email};

const IDENTITY_TIMEOUT: Duration = Duration::from_secs(20);
/// Synapse's words when the access rules refuse an address (`do_3pid_invite`).
const REFUSED_BY_ACCESS_RULES: &str = "third-party identifier can not be invited";

/// An email invitation not yet taken up, as the room's members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PendingEmailInvite {
    /// The invite's token (state key of its `m.room.third_party_invite`).
    pub id: String,
    /// The address as the identity server masks it ("nou…@interieur.gouv.fr").
    pub display_name: String,
    pub invited_by: String,
}

/// Invites `email` to the room. The identity server is the one configured
/// for the user's homeserver.
pub async fn invite_by_email(session: &SessionContext, servers: &ServerList, room_id: &str, email: &str) -> AppResult<()> {
    let email = checked_email(email)?;
    let client = session.client();
    let room_id = RoomId::parse(room_id.trim()).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))?;
    let room = client.get_room(&room_id).ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "unknown room"))?;
    let entry = own_entry(session, servers)?;
    let identity_url = servers.identity_url(&entry);
    let id_access_token = register_at_identity_server(session, &identity_url).await?;
    let invite: Invite3pid = Invite3pidInit {
        id_server: servers.identity_server_name(&entry),
        id_access_token: id_access_token.clone(),
        medium: Medium::Email,
        address: email,
    }
    .into();
    let sent = room.invite_user_by_3pid(invite).await;
    // The token served this invite only (Synapse uses it during the request).
    logout_from_identity_server(session, &identity_url, &id_access_token).await;
    sent.map_err(|error| invite_error(&error))?;
    info!(room_id = %room_id, "email invite sent");
    Ok(())
}

/// The email invites of the room that nobody has taken up yet.
pub async fn pending_email_invites(session: &SessionContext, room_id: &str) -> AppResult<Vec<PendingEmailInvite>> {
    let room_id = RoomId::parse(room_id.trim()).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))?;
    // From the server: sliding sync does not bring these state events.
    let state = session
        .client()
        .send(get_state_events::v3::Request::new(room_id))
        .await
        .map_err(|e| AppError::from_http("room state", &e))?;
    let events: Vec<Value> = state.room_state.iter().filter_map(|raw| raw.deserialize_as_unchecked::<Value>().ok()).collect();
    // A member who registered carries the token of the invite they took up.
    let used_tokens: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "m.room.member")
        .filter_map(|e| e["content"]["third_party_invite"]["signed"]["token"].as_str())
        .collect();
    Ok(events
        .iter()
        .filter(|e| e["type"] == "m.room.third_party_invite")
        .filter_map(|e| {
            let id = e["state_key"].as_str()?;
            // A revoked invite is an emptied event.
            let display_name = e["content"]["display_name"].as_str().filter(|n| !n.is_empty())?;
            (!used_tokens.contains(&id)).then(|| PendingEmailInvite {
                id: id.to_owned(),
                display_name: display_name.to_owned(),
                invited_by: e["sender"].as_str().unwrap_or_default().to_owned(),
            })
        })
        .collect())
}

/// The user's server in the list; a server outside it (a developer's) is
/// its own identity server, as Tchap's servers are.
fn own_entry(session: &SessionContext, servers: &ServerList) -> AppResult<ServerEntry> {
    let client = session.client();
    let user_id = client.user_id().ok_or_else(AppError::not_logged_in)?;
    Ok(servers.find(user_id.server_name().as_str()).cloned().unwrap_or_else(|| ServerEntry {
        server_name: user_id.server_name().to_string(),
        label: String::new(),
        client_url: Some(client.homeserver().to_string()),
        identity_url: None,
    }))
}

#[derive(Deserialize)]
struct IdentityToken {
    token: String,
}

/// An identity server access token (identity API v2): the homeserver vouches
/// for the user with an OpenID token.
async fn register_at_identity_server(session: &SessionContext, identity_url: &str) -> AppResult<String> {
    let client = session.client();
    let user_id = client.user_id().ok_or_else(AppError::not_logged_in)?.to_owned();
    let openid = client
        .send(request_openid_token::v3::Request::new(user_id))
        .await
        .map_err(|e| AppError::from_http("openid token", &e))?;
    let body = json!({
        "access_token": openid.access_token,
        "token_type": openid.token_type.as_str(),
        "matrix_server_name": openid.matrix_server_name.as_str(),
        "expires_in": openid.expires_in.as_secs(),
    });
    let request = crate::http::client(session.network(), IDENTITY_TIMEOUT)?
        .post(format!("{identity_url}/_matrix/identity/v2/account/register"))
        .header("content-type", "application/json")
        .body(body.to_string());
    const CONTEXT: &str = "identity server registration";
    let token: IdentityToken = crate::http::send(request, CONTEXT).await?.success(CONTEXT)?.json(CONTEXT)?;
    Ok(token.token)
}

async fn logout_from_identity_server(session: &SessionContext, identity_url: &str, token: &str) {
    let Ok(http) = crate::http::client(session.network(), IDENTITY_TIMEOUT) else { return };
    let sent = http.post(format!("{identity_url}/_matrix/identity/v2/account/logout")).bearer_auth(token).send().await;
    if let Err(error) = sent {
        warn!(%error, "identity server logout failed");
    }
}

fn invite_error(error: &matrix_sdk::Error) -> AppError {
    let refused_by_rules = error.as_client_api_error().is_some_and(|e| {
        e.status_code.as_u16() == 403
            && matches!(&e.body, matrix_sdk::ruma::api::error::ErrorBody::Standard(body) if body.message.contains(REFUSED_BY_ACCESS_RULES))
    });
    if refused_by_rules {
        return AppError::new(ErrorCode::ExternalEmailNotAllowed, "the room's access rules refuse this address");
    }
    match AppError::from_sdk("email invite", error) {
        e if e.code == ErrorCode::NotFound => AppError::new(ErrorCode::RoomNotFound, e.message),
        e => e,
    }
}
