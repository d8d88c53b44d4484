//! Forums: the public rooms each Tchap server publishes in its directory.
//! A remote server's list is asked through one's own homeserver (`server=`),
//! and joining a remote forum goes through the forum's server.

use matrix_sdk::ruma::{
    OwnedServerName, RoomId, RoomOrAliasId, ServerName, UInt,
    api::client::directory::get_public_rooms_filtered::v3::Request as PublicRoomsRequest,
    directory::{Filter, PublicRoomsChunk},
};
use serde::Serialize;

use crate::context::SessionContext;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::identity::ServerList;

const PAGE_SIZE: u32 = 30;

/// A server whose forums can be browsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ForumServer {
    pub server_name: String,
    /// What users call it ("DINUM", "Intérieur").
    pub label: String,
    /// The user's own server.
    pub is_own: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Forum {
    pub room_id: String,
    pub name: String,
    pub topic: Option<String>,
    pub alias: Option<String>,
    pub member_count: u32,
    /// The user is already in it: "Ouvrir" rather than "Rejoindre".
    pub is_joined: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ForumPage {
    pub forums: Vec<Forum>,
    /// Asks the next page; none at the end of the list.
    pub next_batch: Option<String>,
}

fn own_server(session: &SessionContext) -> AppResult<OwnedServerName> {
    session.client().user_id().map(|id| id.server_name().to_owned()).ok_or_else(AppError::not_logged_in)
}

/// The servers of the list, the user's own first (added if the list lacks it).
pub fn forum_servers(session: &SessionContext, servers: &ServerList) -> AppResult<Vec<ForumServer>> {
    let own = own_server(session)?;
    let label_of = |name: &str, label: &str| if label.is_empty() { name.to_owned() } else { label.to_owned() };
    let mut out: Vec<ForumServer> = servers
        .entries
        .iter()
        .map(|entry| ForumServer {
            label: label_of(&entry.server_name, &entry.label),
            is_own: entry.server_name.eq_ignore_ascii_case(own.as_str()),
            server_name: entry.server_name.clone(),
        })
        .collect();
    if !out.iter().any(|server| server.is_own) {
        out.push(ForumServer { server_name: own.to_string(), label: own.to_string(), is_own: true });
    }
    out.sort_by_key(|server| !server.is_own);
    Ok(out)
}

/// One page of `server_name`'s forums, filtered by `term` (name or topic).
pub async fn list_forums(
    session: &SessionContext,
    servers: &ServerList,
    server_name: &str,
    term: Option<&str>,
    since: Option<String>,
) -> AppResult<ForumPage> {
    let own = own_server(session)?;
    let server = ServerName::parse(server_name.trim()).map_err(|_| AppError::new(ErrorCode::NotFound, "malformed server name"))?;
    // Only Tchap's servers: the list the user was given, and their own.
    if server != own && servers.find(server.as_str()).is_none() {
        return Err(AppError::new(ErrorCode::NotFound, "server outside the configured list"));
    }
    let mut request = PublicRoomsRequest::new();
    request.server = (server != own).then_some(server);
    request.limit = Some(UInt::from(PAGE_SIZE));
    request.since = since;
    let mut filter = Filter::new();
    filter.generic_search_term = term.map(str::trim).filter(|t| !t.is_empty()).map(ToOwned::to_owned);
    request.filter = filter;
    let client = session.client();
    let response = client.public_rooms_filtered(request).await.map_err(|e| AppError::from_http("public rooms", &e))?;
    let forums = response.chunk.into_iter().map(|chunk| forum_of(session, chunk)).collect();
    Ok(ForumPage { forums, next_batch: response.next_batch.filter(|b| !b.is_empty()) })
}

fn forum_of(session: &SessionContext, chunk: PublicRoomsChunk) -> Forum {
    let alias = chunk.canonical_alias.map(|a| a.to_string());
    let name = chunk.name.filter(|n| !n.trim().is_empty()).or_else(|| alias.clone()).unwrap_or_else(|| chunk.room_id.to_string());
    let is_joined = session.client().get_room(&chunk.room_id).is_some_and(|room| room.state() == matrix_sdk::RoomState::Joined);
    Forum {
        room_id: chunk.room_id.to_string(),
        name,
        topic: chunk.topic.filter(|t| !t.trim().is_empty()),
        alias,
        member_count: u32::try_from(chunk.num_joined_members).unwrap_or(u32::MAX),
        is_joined,
    }
}

/// Joins the forum `room_id` listed by `server_name`, through that server
/// (a remote forum's server is the one that can let us in).
pub async fn join_forum(session: &SessionContext, room_id: &str, server_name: &str) -> AppResult<String> {
    let room_id = RoomId::parse(room_id.trim()).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))?;
    let via = ServerName::parse(server_name.trim()).map_err(|_| AppError::new(ErrorCode::NotFound, "malformed server name"))?;
    let client = session.client();
    if client.get_room(&room_id).is_some_and(|room| room.state() == matrix_sdk::RoomState::Joined) {
        return Ok(room_id.to_string());
    }
    let joined = client.join_room_by_id_or_alias(<&RoomOrAliasId>::from(&*room_id), &[via]).await;
    let room = joined.map_err(|e| match AppError::from_sdk("joining a forum", &e) {
        error if error.code == ErrorCode::NotFound => AppError::new(ErrorCode::RoomNotFound, error.message),
        error => error,
    })?;
    Ok(room.room_id().to_string())
}
