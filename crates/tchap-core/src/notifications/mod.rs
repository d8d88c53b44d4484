//! Desktop notifications: the new messages the account's push rules say to
//! notify (evaluated by the SDK as events arrive), filtered by `policy`
//! (live only, never one's own, never the room being read) and made into
//! `Notice`s the shell shows; and the per-room choice (all messages,
//! mentions only, muted), kept in the account's push rules so that it
//! follows the account to its other clients.

mod modes;
mod notice;
pub mod policy;
pub mod privacy;

use std::sync::{Arc, Mutex};

use matrix_sdk::{
    Room,
    notification_settings::NotificationSettings,
    ruma::{MilliSecondsSinceUnixEpoch, OwnedRoomId, RoomId},
    sync::Notification,
};
use tokio::sync::{broadcast, mpsc};
use tracing::debug;

pub use modes::RoomNotificationMode;
pub use notice::Notice;
use policy::Policy;

use crate::{
    context::SessionContext,
    error::{AppError, AppResult, ErrorCode},
};

/// Notifications waiting to be looked at: the SDK hands them over inside
/// the sync loop, which must not wait; beyond this many, a burst is dropped.
const QUEUED: usize = 64;

pub struct NotificationService {
    context: Arc<SessionContext>,
    policy: Arc<Mutex<Policy>>,
    settings: NotificationSettings,
    notices: broadcast::Sender<Notice>,
}

impl NotificationService {
    /// Starts listening before the sync starts: what the first sync brings
    /// is older than this moment, so it is never notified.
    pub async fn start(context: &Arc<SessionContext>) -> AppResult<Self> {
        let client = context.client();
        let own_user = client.user_id().ok_or_else(AppError::not_logged_in)?.to_owned();
        let policy = Arc::new(Mutex::new(Policy::new(own_user, now_ms())));
        let settings = client.notification_settings().await;
        let (notices, _) = broadcast::channel(16);
        let (queue, mut queued) = mpsc::channel::<(Notification, Room)>(QUEUED);
        // The SDK keeps handlers for the client's life: once this session's
        // tasks stop, the queue is closed and the handler does nothing.
        client
            .register_notification_handler(move |notification, room, _| {
                let queue = queue.clone();
                async move {
                    let _ = queue.try_send((notification, room));
                }
            })
            .await;
        let (task_policy, task_settings, task_notices) = (policy.clone(), settings.clone(), notices.clone());
        context.spawn("notifications", async move {
            while let Some((notification, room)) = queued.recv().await {
                if let Some(notice) = judge(&task_policy, &task_settings, &room, &notification).await {
                    let _ = task_notices.send(notice);
                }
            }
        });
        Ok(Self { context: context.clone(), policy, settings, notices })
    }

    /// The notices to show, from now on.
    pub fn notices(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }

    /// The room the user reads in the focused window (none when the window
    /// is not focused or no room is open): it is not notified.
    pub fn set_focused_room(&self, room_id: Option<&str>) -> AppResult<()> {
        let room_id = room_id.map(parse_room_id).transpose()?;
        self.policy.lock().unwrap().set_focused_room(room_id);
        Ok(())
    }

    /// No notice until `until_ms` (milliseconds since the Unix epoch); none:
    /// notices again from now on.
    pub fn pause_until(&self, until_ms: Option<u64>) {
        self.policy.lock().unwrap().pause_until(until_ms);
    }

    /// The room's mode: the user's choice, else the account's default for
    /// this kind of room.
    pub async fn room_mode(&self, room_id: &str) -> AppResult<RoomNotificationMode> {
        let room = self.context.known_room(room_id)?;
        Ok(modes::get(&self.settings, &room).await)
    }

    /// Saves the room's mode in the account's push rules.
    pub async fn set_room_mode(&self, room_id: &str, mode: RoomNotificationMode) -> AppResult<()> {
        let room = self.context.known_room(room_id)?;
        modes::set(&self.settings, &room, mode).await
    }
}

async fn judge(policy: &Mutex<Policy>, settings: &NotificationSettings, room: &Room, notification: &Notification) -> Option<Notice> {
    let (incoming, content) = notice::read(room, notification)?;
    let room_mode = settings.get_user_defined_room_notification_mode(room.room_id()).await;
    if let Err(reason) = policy.lock().unwrap().admit(&incoming, now_ms(), room_mode) {
        debug!(?reason, "not notified");
        return None;
    }
    Some(notice::describe(room, &incoming, &content).await)
}

fn parse_room_id(room_id: &str) -> AppResult<OwnedRoomId> {
    RoomId::parse(room_id).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))
}

/// Now, as the policy counts time (milliseconds since the Unix epoch).
pub fn now_ms() -> u64 {
    MilliSecondsSinceUnixEpoch::now().0.into()
}
