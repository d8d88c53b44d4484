//! What every feature service of a session is built on: the `Client`, the
//! `SyncService`, the session's task group and its room subscriptions.
//! Features depend on this module, never on `session` (which composes them),
//! so the module graph has no cycle.

mod room_subscriptions;
mod tasks;

use std::sync::Arc;

use matrix_sdk::{Client, ruma::RoomId};

use crate::{
    error::{AppError, AppResult, ErrorCode},
    network::NetworkSettings,
};
use matrix_sdk_ui::sync_service::SyncService;

pub use room_subscriptions::{RoomSubscription, RoomSubscriptions};
pub use tasks::TaskGroup;

pub struct SessionContext {
    client: Client,
    sync_service: Arc<SyncService>,
    tasks: TaskGroup,
    room_subscriptions: RoomSubscriptions,
    /// How this account's requests cross the network (see `network`).
    network: NetworkSettings,
}

impl SessionContext {
    pub fn new(client: Client, sync_service: SyncService, network: NetworkSettings) -> Self {
        Self {
            client,
            sync_service: Arc::new(sync_service),
            tasks: TaskGroup::default(),
            room_subscriptions: RoomSubscriptions::default(),
            network,
        }
    }

    /// What any request of this account outside the Matrix client goes through (`http::client`).
    pub fn network(&self) -> &NetworkSettings {
        &self.network
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn sync_service(&self) -> &Arc<SyncService> {
        &self.sync_service
    }

    /// A room this account knows (joined, invited or left).
    pub fn known_room(&self, room_id: &str) -> AppResult<matrix_sdk::Room> {
        let id = RoomId::parse(room_id).map_err(|_| AppError::new(ErrorCode::RoomNotFound, "malformed room id"))?;
        self.client.get_room(&id).ok_or_else(|| AppError::new(ErrorCode::RoomNotFound, "unknown room"))
    }

    /// Runs `task` until the session stops; a task already running under `name` is aborted.
    pub fn spawn(&self, name: &str, task: impl Future<Output = ()> + Send + 'static) {
        self.tasks.spawn(name, task);
    }

    pub fn abort_task(&self, name: &str) {
        self.tasks.abort(name);
    }

    /// Receives every event of `room_id` (not only its latest) while the
    /// returned value lives.
    pub fn subscribe_room(&self, room_id: &RoomId) -> RoomSubscription {
        self.room_subscriptions.hold(room_id)
    }

    /// Starts the tasks every session needs whatever the features.
    pub(crate) fn start_room_subscriptions(&self) {
        self.spawn("room-subscriptions", self.room_subscriptions.clone().apply(self.sync_service.room_list_service()));
    }

    /// Aborts every task of the session.
    pub(crate) fn abort_all_tasks(&self) {
        self.tasks.abort_all();
    }
}
