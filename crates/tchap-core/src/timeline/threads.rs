//! Threads: a thread opens beside its room's timeline (a side panel), with
//! its root and replies; what is sent there is a reply in the thread.

use matrix_sdk::ruma::{api::client::receipt::create_receipt::v3::ReceiptType, events::room::message::RoomMessageEventContent};

use super::{
    PAGINATION_BATCH, TimelineBatch, TimelineService,
    focus::{Focus, thread_key},
};
use crate::error::{AppError, AppResult, ErrorCode};

impl TimelineService {
    /// Opens the thread under `root_event_id` and streams it to `sink`.
    pub async fn open_thread(&self, room_id: &str, root_event_id: &str, sink: impl Fn(TimelineBatch) + Send + Sync + 'static) -> AppResult<()> {
        self.open_focused(room_id, Focus::Thread(root_event_id), sink).await
    }

    pub fn close_thread(&self, room_id: &str, root_event_id: &str) {
        self.open.lock().unwrap().remove(&thread_key(room_id, root_event_id));
    }

    /// Loads older replies of an open thread; `true` once its root is reached.
    pub async fn paginate_thread(&self, room_id: &str, root_event_id: &str) -> AppResult<bool> {
        let timeline = self.timeline(&thread_key(room_id, root_event_id))?;
        timeline.paginate_backwards(PAGINATION_BATCH).await.map_err(|e| AppError::new(ErrorCode::Network, format!("thread pagination: {e}")))
    }

    /// Queues a reply in an open thread (Markdown allowed); the SDK adds the
    /// thread relation, as other Matrix clients expect it.
    pub async fn send_in_thread(&self, room_id: &str, root_event_id: &str, body: &str) -> AppResult<()> {
        let timeline = self.timeline(&thread_key(room_id, root_event_id))?;
        timeline
            .send(RoomMessageEventContent::text_markdown(body).into())
            .await
            .map(|_| ())
            .map_err(|e| AppError::internal("send in thread", e))
    }

    /// The user read the open thread to its latest reply (a threaded read
    /// receipt, which other clients show too).
    pub async fn mark_thread_read(&self, room_id: &str, root_event_id: &str) -> AppResult<()> {
        let timeline = self.timeline(&thread_key(room_id, root_event_id))?;
        timeline.mark_as_read(ReceiptType::Read).await.map(|_| ()).map_err(|e| AppError::internal("thread read receipt", e))
    }
}
