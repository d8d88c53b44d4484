//! Message search, encrypted rooms included, from a local index: the SDK's
//! `experimental-search` (tantivy) indexes what the event cache stores —
//! the sync, back-paginations, late decryptions — in an encrypted folder
//! of the account (`store`); `crawl` walks older history so it gets indexed
//! too; here, a query becomes results the UI can show (sender, room, date,
//! the text with its matched words), newest first. Everything is read from
//! the local stores: search works offline.

mod crawl;
pub mod highlight;
#[cfg(test)]
mod index_tests;
mod store;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use matrix_sdk::{
    Room,
    config::RequestConfig,
    deserialized_responses::TimelineEvent,
    ruma::{
        OwnedEventId, OwnedUserId,
        events::{
            AnySyncMessageLikeEvent, AnySyncTimelineEvent,
            room::message::{Relation, SyncRoomMessageEvent},
        },
    },
};
use matrix_sdk_search::error::IndexError;
use serde::Serialize;
use tokio::sync::watch;
use tracing::{debug, warn};

pub use crawl::{CrawlPace, IsOnline};
pub use highlight::Segment;
pub use store::{index_dir, store_kind};

use crate::{
    context::SessionContext,
    error::{AppError, AppResult},
    files,
    identity::person_name,
};

/// Results asked of one room's index (the index ranks by relevance; these
/// are then put newest first).
const ROOM_HITS: usize = 50;
/// Per room when searching them all, and in all.
const HITS_PER_ROOM_IN_ALL: usize = 20;
const MOST_HITS: usize = 100;
/// A result's event is read from the local store; the server is asked only
/// if it is missing there, briefly (offline, the result is left out).
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// One message found.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub room_id: String,
    pub room_name: String,
    /// The message to open (for an edited message, the original one).
    pub event_id: String,
    pub sender_id: String,
    pub sender_name: String,
    /// Milliseconds since the Unix epoch.
    #[specta(type = specta_typescript::Number)]
    pub timestamp: u64,
    /// The message's text (or an excerpt of it), matched words marked.
    pub segments: Vec<Segment>,
}

pub struct SearchService {
    context: Arc<SessionContext>,
    index_dir: PathBuf,
    indexing: watch::Receiver<u32>,
}

impl SearchService {
    /// Starts the crawl of older history, after a check of the account's
    /// indexes (an unreadable one is set aside and its room indexed again),
    /// both in the background: the session's start does not wait for them.
    pub fn start(context: &Arc<SessionContext>, account_dir: &Path, store_key: &[u8; 32], online: IsOnline, pace: CrawlPace) -> Self {
        let crawl = Arc::new(crawl::Crawl::new(account_dir));
        let indexing = crawl.pending();
        let (dir, key, client) = (account_dir.to_owned(), *store_key, context.client().clone());
        context.spawn("search-crawl", async move {
            let set_aside = files::blocking(move || Ok(store::set_aside_unreadable(&dir, &key))).await.unwrap_or_default();
            crawl.forget(&set_aside).await;
            crawl.run(client, online, pace).await;
        });
        Self { context: context.clone(), index_dir: index_dir(account_dir), indexing }
    }

    /// How many joined rooms still have older history to index (0: all done).
    pub fn indexing(&self) -> watch::Receiver<u32> {
        self.indexing.clone()
    }

    /// Messages of one room with every typed word, newest first.
    pub async fn search_room(&self, room_id: &str, typed: &str) -> AppResult<Vec<SearchHit>> {
        let room = self.context.known_room(room_id)?;
        let words = highlight::query_words(typed);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut hits = hits_in(&room, &words, ROOM_HITS).await?;
        newest_first(&mut hits);
        Ok(hits)
    }

    /// Messages of every joined room with every typed word, newest first.
    pub async fn search_all(&self, typed: &str) -> AppResult<Vec<SearchHit>> {
        let words = highlight::query_words(typed);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut hits = Vec::new();
        // A room without an index folder has nothing indexed: not opening
        // (and so not creating) its index spares a key derivation per room.
        let indexed = self.context.client().joined_rooms().into_iter().filter(|room| self.index_dir.join(room.room_id().as_str()).is_dir());
        for room in indexed {
            match hits_in(&room, &words, HITS_PER_ROOM_IN_ALL).await {
                Ok(found) => hits.extend(found),
                // One room's index failing must not hide the others' results.
                Err(error) => warn!(room = %room.room_id(), %error, "search: a room's index failed"),
            }
        }
        newest_first(&mut hits);
        Ok(hits)
    }
}

/// A query parser's error quotes the query: only the kind of failure is
/// told (and logged), never the words searched for.
fn index_failure(error: IndexError) -> AppError {
    let kind = match error {
        IndexError::QueryParserError(_) => "query refused",
        IndexError::OpenDirectoryError(_) => "index not readable",
        IndexError::IO(_) => "input/output",
        _ => "index failure",
    };
    AppError::storage("search index", kind)
}

fn newest_first(hits: &mut Vec<SearchHit>) {
    hits.sort_by(|a, b| b.timestamp.cmp(&a.timestamp));
    hits.truncate(MOST_HITS);
}

async fn hits_in(room: &Room, words: &[String], limit: usize) -> AppResult<Vec<SearchHit>> {
    let event_ids = room.search(&highlight::index_query(words), limit, None).await.map_err(index_failure)?;
    let room_name = room_name(room);
    let mut sender_names: HashMap<OwnedUserId, String> = HashMap::new();
    let mut hits = Vec::with_capacity(event_ids.len());
    for event_id in event_ids {
        let event = match room.load_or_fetch_event(&event_id, Some(RequestConfig::short_retry().timeout(FETCH_TIMEOUT))).await {
            Ok(event) => event,
            Err(error) => {
                debug!(%event_id, %error, "search: a result's event could not be read");
                continue;
            }
        };
        let Some(message) = Message::of(&event) else { continue };
        if !sender_names.contains_key(&message.sender) {
            let name = sender_name(room, &message.sender).await;
            sender_names.insert(message.sender.clone(), name);
        }
        hits.push(SearchHit {
            room_id: room.room_id().to_string(),
            room_name: room_name.clone(),
            event_id: message.to_open.to_string(),
            sender_name: sender_names[&message.sender].clone(),
            sender_id: message.sender.to_string(),
            timestamp: message.timestamp,
            segments: highlight::segments(&message.body, words),
        });
    }
    Ok(hits)
}

/// The text of an indexed message; an edit reads as its new text and opens
/// the message it edited.
struct Message {
    body: String,
    to_open: OwnedEventId,
    sender: OwnedUserId,
    timestamp: u64,
}

impl Message {
    fn of(event: &TimelineEvent) -> Option<Self> {
        let Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(SyncRoomMessageEvent::Original(message)))) =
            event.raw().deserialize()
        else {
            return None;
        };
        let (body, to_open) = match &message.content.relates_to {
            Some(Relation::Replacement(edit)) => (edit.new_content.msgtype.body().to_owned(), edit.event_id.clone()),
            _ => (message.content.msgtype.body().to_owned(), message.event_id.clone()),
        };
        Some(Self { body, to_open, sender: message.sender, timestamp: message.origin_server_ts.0.into() })
    }
}

fn room_name(room: &Room) -> String {
    room.name()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .or_else(|| room.cached_display_name().map(|n| n.to_string()))
        .unwrap_or_else(|| room.room_id().to_string())
}

async fn sender_name(room: &Room, sender: &OwnedUserId) -> String {
    let member = room.get_member_no_sync(sender).await.ok().flatten();
    person_name(member.as_ref().and_then(|m| m.display_name()), sender.as_str()).name
}
