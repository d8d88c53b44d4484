//! A room's notification mode, as the account's push rules keep it (the
//! SDK's `NotificationSettings` reads and writes them), so that Tchap's other
//! clients see the same choice.

use matrix_sdk::{Room, notification_settings::{self, IsEncrypted, IsOneToOne, NotificationSettings}};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult, ErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RoomNotificationMode {
    AllMessages,
    MentionsOnly,
    Muted,
}

impl From<notification_settings::RoomNotificationMode> for RoomNotificationMode {
    fn from(mode: notification_settings::RoomNotificationMode) -> Self {
        match mode {
            notification_settings::RoomNotificationMode::AllMessages => Self::AllMessages,
            notification_settings::RoomNotificationMode::MentionsAndKeywordsOnly => Self::MentionsOnly,
            notification_settings::RoomNotificationMode::Mute => Self::Muted,
        }
    }
}

impl From<RoomNotificationMode> for notification_settings::RoomNotificationMode {
    fn from(mode: RoomNotificationMode) -> Self {
        match mode {
            RoomNotificationMode::AllMessages => Self::AllMessages,
            RoomNotificationMode::MentionsOnly => Self::MentionsAndKeywordsOnly,
            RoomNotificationMode::Muted => Self::Mute,
        }
    }
}

/// The account's default for rooms of this kind (encrypted or not, two people or more).
async fn default_mode(settings: &NotificationSettings, room: &Room) -> notification_settings::RoomNotificationMode {
    let is_encrypted = room.latest_encryption_state().await.map(|state| state.is_encrypted()).unwrap_or(true);
    let is_one_to_one = room.active_members_count() == 2;
    settings.get_default_room_notification_mode(IsEncrypted::from(is_encrypted), IsOneToOne::from(is_one_to_one)).await
}

pub(super) async fn get(settings: &NotificationSettings, room: &Room) -> RoomNotificationMode {
    match settings.get_user_defined_room_notification_mode(room.room_id()).await {
        Some(mode) => mode.into(),
        None => default_mode(settings, room).await.into(),
    }
}

/// Choosing the default removes the room's own rules rather than adding one
/// that says the same, so that a later change of the default applies to it.
pub(super) async fn set(settings: &NotificationSettings, room: &Room, mode: RoomNotificationMode) -> AppResult<()> {
    let mode = notification_settings::RoomNotificationMode::from(mode);
    let result = if mode == default_mode(settings, room).await {
        settings.delete_user_defined_room_rules(room.room_id()).await
    } else {
        settings.set_room_notification_mode(room.room_id(), mode).await
    };
    result.map_err(|e| AppError::new(ErrorCode::NotificationSettingsNotSaved, format!("room notification mode: {e}")))
}
