//! Desktop notifications: the new messages the account's push rules say to
//! notify (evaluated by the SDK as events arrive), filtered by `policy`
//! (live only, never one's own, never the room being read) and made into
//! `Notice`s the shell shows; and the per-room choice (all messages,
//! mentions only, muted), kept in the account's push rules so that it
//! follows the account to its other clients.

pub mod invites;
mod modes;
mod notice;
pub mod policy;
pub mod privacy;

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};


use matrix_sdk::{
    Room,
    notification_settings::NotificationSettings,
    ruma::{MilliSecondsSinceUnixEpoch, OwnedRoomId, RoomId},
    sync::Notification,
};
use matrix_sdk_base::RoomStateFilter;
use matrix_sdk_ui::room_list_service::RoomListLoadingState;
use tokio::sync::{broadcast, mpsc};
use tracing::debug;

pub use modes::RoomNotificationMode;
pub use notice::Notice;
use invites::InviteRules;
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
        let pending_invites = client.invited_rooms().into_iter().map(|room| room.room_id().to_owned());
        let invites = Arc::new(Mutex::new(InviteRules::new(pending_invites)));
        let room_list_loaded = watch_room_list_loaded(context);
        let settings = client.notification_settings().await;
        let (notices, _) = broadcast::channel(16);
        let (queue, mut queued) = mpsc::channel::<Arrived>(QUEUED);
        // The SDK keeps handlers for the client's life: once this session's
        // tasks stop, the queue is closed and the handler does nothing.
        client
            .register_notification_handler(move |notification, room, _| {
                // Read as it arrives: the list may finish loading before the queue is read.
                let arrived_live = room_list_loaded.load(Ordering::Relaxed);
                let queue = queue.clone();
                async move {
                    let _ = queue.try_send(Arrived { notification, room, arrived_live });
                }
            })
            .await;
        let judge = Judge { policy: policy.clone(), invites, settings: settings.clone() };
        let task_notices = notices.clone();
        context.spawn("notifications", async move {
            while let Some(arrived) = queued.recv().await {
                if let Some(notice) = judge.judge(&arrived).await {
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

/// A notification the SDK handed over, and whether the room list was loaded then.
struct Arrived {
    notification: Notification,
    room: Room,
    arrived_live: bool,
}

/// The rules and the user's choices each notification is judged by.
struct Judge {
    policy: Arc<Mutex<Policy>>,
    invites: Arc<Mutex<InviteRules>>,
    settings: NotificationSettings,
}

impl Judge {
    async fn judge(&self, Arrived { notification, room, arrived_live }: &Arrived) -> Option<Notice> {
        let own_user = room.own_user_id();
        if let Some(invitation) = invites::read(room, notification, own_user) {
            if let Err(reason) = self.invites.lock().unwrap().admit(&invitation, *arrived_live) {
                debug!(?reason, "invite not notified");
                return None;
            }
            return Some(invites::describe(room, &invitation).await);
        }
        let (incoming, content) = notice::read(room, notification)?;
        let room_mode = self.settings.get_user_defined_room_notification_mode(room.room_id()).await;
        if let Err(reason) = self.policy.lock().unwrap().admit(&incoming, now_ms(), room_mode) {
            debug!(?reason, "not notified");
            return None;
        }
        Some(notice::describe(room, &incoming, &content).await)
    }
}

/// True once the last sync left the client knowing every room of the room
/// list: what arrives after that is live; what arrives before is the list
/// catching up (old invites among it). Judged after each sync, so that a
/// sync is live only if the one before had loaded everything.
fn watch_room_list_loaded(context: &SessionContext) -> Arc<AtomicBool> {
    let loaded = Arc::new(AtomicBool::new(false));
    let (flag, client, room_list) = (loaded.clone(), context.client().clone(), context.sync_service().room_list_service());
    let mut synced = client.subscribe_to_all_room_updates();
    context.spawn("notifications-room-list-loaded", async move {
        let rooms = match room_list.all_rooms().await {
            Ok(rooms) => rooms,
            Err(error) => return debug!(%error, "no room list to watch: invites are not notified"),
        };
        let loading = rooms.loading_state();
        loop {
            match synced.recv().await {
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            }
            let total = match loading.get() {
                RoomListLoadingState::Loaded { maximum_number_of_rooms: Some(total) } => total as usize,
                _ => continue,
            };
            let known = client.rooms_filtered(RoomStateFilter::JOINED | RoomStateFilter::INVITED).len();
            flag.store(known >= total, Ordering::Relaxed);
        }
    });
    loaded
}

fn parse_room_id(room_id: &str) -> AppResult<OwnedRoomId> {
    RoomId::parse(room_id).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))
}

/// Now, as the policy counts time (milliseconds since the Unix epoch).
pub fn now_ms() -> u64 {
    MilliSecondsSinceUnixEpoch::now().0.into()
}
