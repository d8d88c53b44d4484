//! The threads of a room, as Element lists them beside the room: each
//! thread's first message, its reply count and its latest reply, newest
//! threads first. matrix-sdk-ui's `ThreadListService` reads the server's
//! `/threads` list page by page and counts replies arriving by sync.

use std::{collections::HashMap, sync::Arc};

use futures_util::StreamExt;
use matrix_sdk::{
    Room,
    ruma::{OwnedUserId, api::client::profile::DisplayName},
};
use matrix_sdk_ui::timeline::{
    TimelineDetails,
    thread_list_service::{ThreadListItem, ThreadListItemEvent, ThreadListPaginationState, ThreadListService},
};
use serde::Serialize;

use super::{MessageContent, TimelineService, message_content};
use crate::{
    error::{AppError, AppResult, ErrorCode},
    identity::person_name,
    list_diff::{ListDiff, diff_values, map_diff},
};

/// Senders' display names for the messages whose profile the SDK could not
/// read from the store (members not loaded yet, lazily loaded rooms): the
/// room's member, else the server's profile, asked once per sender (a
/// sender without a name is remembered too, so each diff does not ask again).
#[derive(Default)]
struct KnownNames(HashMap<OwnedUserId, Option<String>>);

impl KnownNames {
    async fn learn(&mut self, room: &Room, items: &[&ThreadListItem]) {
        for item in items {
            for event in std::iter::once(&item.root_event).chain(item.latest_event.as_ref()) {
                if matches!(event.sender_profile, TimelineDetails::Ready(_)) || self.0.contains_key(&event.sender) {
                    continue;
                }
                let member = room.get_member_no_sync(&event.sender).await.ok().flatten();
                let name = match member.and_then(|m| m.display_name().map(str::to_owned)) {
                    Some(name) => Some(name),
                    None => {
                        let profile = room.client().account().fetch_user_profile_of(&event.sender).await;
                        profile.ok().and_then(|p| p.get_static::<DisplayName>().ok().flatten())
                    }
                };
                self.0.insert(event.sender.clone(), name);
            }
        }
    }

    fn of<'a>(&'a self, event: &'a ThreadListItemEvent) -> Option<&'a str> {
        match &event.sender_profile {
            TimelineDetails::Ready(profile) => profile.display_name.as_deref(),
            _ => self.0.get(&event.sender).and_then(Option::as_deref),
        }
    }
}

/// One thread of the list.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSummary {
    pub root_event_id: String,
    pub root: ThreadMessage,
    /// Its latest reply, once the server or a sync has told us.
    pub latest: Option<ThreadMessage>,
    pub replies: u32,
}

/// A message of the list: who, when, what.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ThreadMessage {
    pub sender_id: String,
    pub sender_name: String,
    pub sender_domain: Option<String>,
    pub sender_is_external: bool,
    pub is_own: bool,
    #[specta(type = specta_typescript::Number)]
    pub timestamp: u64,
    /// `None` for an event the app cannot show (unknown or redacted kind).
    pub content: Option<MessageContent>,
}

pub type ThreadListBatch = Vec<ListDiff<ThreadSummary>>;

/// A room's thread list the UI is showing, and the task forwarding it.
pub(super) struct OpenThreadList {
    service: Arc<ThreadListService>,
    forwarder: tokio::task::JoinHandle<()>,
}

impl Drop for OpenThreadList {
    fn drop(&mut self) {
        self.forwarder.abort();
    }
}

fn thread_message(event: &ThreadListItemEvent, names: &KnownNames) -> ThreadMessage {
    let sender = person_name(names.of(event), event.sender.as_str());
    ThreadMessage {
        sender_id: event.sender.to_string(),
        sender_name: sender.name,
        sender_domain: sender.domain,
        sender_is_external: sender.is_external,
        is_own: event.is_own,
        timestamp: event.timestamp.0.into(),
        content: event.content.as_ref().map(message_content),
    }
}

fn thread_summary(item: &ThreadListItem, names: &KnownNames) -> ThreadSummary {
    ThreadSummary {
        root_event_id: item.root_event.event_id.to_string(),
        root: thread_message(&item.root_event, names),
        latest: item.latest_event.as_ref().map(|latest| thread_message(latest, names)),
        replies: item.num_replies,
    }
}

impl TimelineService {
    /// Lists `room_id`'s threads to `sink` (a reset, then diffs as pages and
    /// replies arrive) and loads the first page.
    pub async fn open_thread_list(&self, room_id: &str, sink: impl Fn(ThreadListBatch) + Send + Sync + 'static) -> AppResult<()> {
        let room = self.room(room_id)?;
        let service = Arc::new(ThreadListService::new(room.clone()));
        let (items, stream) = service.subscribe_to_items_updates();
        let mut names = KnownNames::default();
        names.learn(&room, &items.iter().collect::<Vec<_>>()).await;
        sink(vec![ListDiff::Reset { values: items.iter().map(|item| thread_summary(item, &names)).collect() }]);
        let forwarder = tokio::spawn(async move {
            let mut stream = Box::pin(stream);
            while let Some(diffs) = stream.next().await {
                names.learn(&room, &diffs.iter().flat_map(diff_values).collect::<Vec<_>>()).await;
                sink(diffs.into_iter().map(|diff| map_diff(diff, |item| thread_summary(item, &names))).collect());
            }
        });
        self.thread_lists.lock().unwrap().insert(room_id.to_owned(), OpenThreadList { service, forwarder });
        self.paginate_thread_list(room_id).await.map(|_| ())
    }

    /// Loads the next page of older threads; `true` once all are listed.
    pub async fn paginate_thread_list(&self, room_id: &str) -> AppResult<bool> {
        let service = self.thread_lists.lock().unwrap().get(room_id).map(|list| list.service.clone());
        let service = service.ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "thread list not open"))?;
        service.paginate().await.map_err(|e| AppError::new(ErrorCode::Network, format!("thread list: {e}")))?;
        Ok(matches!(service.pagination_state(), ThreadListPaginationState::Idle { end_reached: true }))
    }

    pub fn close_thread_list(&self, room_id: &str) {
        self.thread_lists.lock().unwrap().remove(room_id);
    }
}
