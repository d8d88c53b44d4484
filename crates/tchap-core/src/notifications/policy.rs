//! Which notify-worthy events become a desktop notification: pure rules,
//! kept apart from the SDK so that each one is tested alone.

use std::collections::VecDeque;

use matrix_sdk::{
    notification_settings::RoomNotificationMode,
    ruma::{OwnedEventId, OwnedRoomId, OwnedUserId},
};

/// How old an event may be when it arrives and still be notified: older
/// ones come from a catch-up (a night offline, a laptop waking up), which the
/// unread counts already tell.
pub const MAX_AGE_MS: u64 = 3 * 60 * 1000;

/// How many notified events are remembered, so that one delivered twice (a
/// room subscription asking for recent events again) is notified once.
const REMEMBERED: usize = 256;

/// A notify-worthy event as the push rules judged it.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub room_id: OwnedRoomId,
    pub event_id: OwnedEventId,
    pub sender: OwnedUserId,
    /// The server's time for the event (milliseconds since the Unix epoch).
    pub sent_at_ms: u64,
    /// The push rules asked for a highlight (the user is mentioned).
    pub is_mention: bool,
    /// An edit of an earlier message: the original was notified already.
    pub is_edit: bool,
}

/// Why an event is not notified (for the logs and the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Silenced {
    OwnEvent,
    /// Sent before this run started notifying: caught up, not live.
    BeforeStart,
    /// Arrived too long after it was sent: caught up, not live.
    TooOld,
    /// The room the user is reading, window focused.
    Focused,
    AlreadyNotified,
    Edit,
    /// The user's choice for this room (muted, or mentions only).
    RoomMode,
    /// The user paused notifications for a while (the tray's menu).
    Paused,
}

/// What the rules know of this run.
#[derive(Debug)]
pub struct Policy {
    own_user: OwnedUserId,
    started_at_ms: u64,
    focused_room: Option<OwnedRoomId>,
    recent: VecDeque<OwnedEventId>,
    /// Nothing is notified before this time (milliseconds since the epoch).
    paused_until_ms: Option<u64>,
}

impl Policy {
    pub fn new(own_user: OwnedUserId, started_at_ms: u64) -> Self {
        Self { own_user, started_at_ms, focused_room: None, recent: VecDeque::with_capacity(REMEMBERED), paused_until_ms: None }
    }

    /// The room the user reads in the focused window, if any.
    pub fn set_focused_room(&mut self, room_id: Option<OwnedRoomId>) {
        self.focused_room = room_id;
    }

    /// Nothing is notified until `until_ms` (none: notified again at once).
    /// What arrives meanwhile stays unread, and is not notified afterwards.
    pub fn pause_until(&mut self, until_ms: Option<u64>) {
        self.paused_until_ms = until_ms;
    }

    /// Whether `event`, arrived at `now_ms`, is notified; `room_mode` is the
    /// mode the user chose for its room (none: the account's default, which
    /// the push rules already applied). A notified event is remembered.
    pub fn admit(&mut self, event: &Incoming, now_ms: u64, room_mode: Option<RoomNotificationMode>) -> Result<(), Silenced> {
        if event.sender == self.own_user {
            return Err(Silenced::OwnEvent);
        }
        if event.sent_at_ms < self.started_at_ms {
            return Err(Silenced::BeforeStart);
        }
        // A server clock ahead of ours gives a negative age: live.
        if now_ms.saturating_sub(event.sent_at_ms) > MAX_AGE_MS {
            return Err(Silenced::TooOld);
        }
        if event.is_edit {
            return Err(Silenced::Edit);
        }
        // The push rules the sync judged with may predate a choice just
        // made here (they come back with the next sync): the choice wins.
        match room_mode {
            Some(RoomNotificationMode::Mute) => return Err(Silenced::RoomMode),
            Some(RoomNotificationMode::MentionsAndKeywordsOnly) if !event.is_mention => return Err(Silenced::RoomMode),
            _ => {}
        }
        if self.focused_room.as_ref() == Some(&event.room_id) {
            return Err(Silenced::Focused);
        }
        if self.paused_until_ms.is_some_and(|until| now_ms < until) {
            return Err(Silenced::Paused);
        }
        if self.recent.contains(&event.event_id) {
            return Err(Silenced::AlreadyNotified);
        }
        if self.recent.len() == REMEMBERED {
            self.recent.pop_front();
        }
        self.recent.push_back(event.event_id.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use matrix_sdk::ruma::{owned_event_id, owned_room_id, owned_user_id};

    use super::*;

    const START: u64 = 1_700_000_000_000;

    fn policy() -> Policy {
        Policy::new(owned_user_id!("@me:tchap.test"), START)
    }

    fn incoming(sent_at_ms: u64) -> Incoming {
        Incoming {
            room_id: owned_room_id!("!room:tchap.test"),
            event_id: owned_event_id!("$one"),
            sender: owned_user_id!("@other:tchap.test"),
            sent_at_ms,
            is_mention: false,
            is_edit: false,
        }
    }

    #[test]
    fn a_live_message_from_someone_else_is_notified() {
        assert_eq!(policy().admit(&incoming(START + 10), START + 500, None), Ok(()));
    }

    #[test]
    fn own_messages_are_not_notified() {
        let mut event = incoming(START + 10);
        event.sender = owned_user_id!("@me:tchap.test");
        assert_eq!(policy().admit(&event, START + 500, None), Err(Silenced::OwnEvent));
    }

    #[test]
    fn caught_up_events_are_not_notified() {
        assert_eq!(policy().admit(&incoming(START - 1), START + 500, None), Err(Silenced::BeforeStart));
        // Sent during the run, received after a night offline.
        let night = 8 * 3600 * 1000;
        assert_eq!(policy().admit(&incoming(START + 10), START + 10 + night, None), Err(Silenced::TooOld));
        assert_eq!(policy().admit(&incoming(START + 10), START + 10 + MAX_AGE_MS, None), Ok(()));
    }

    #[test]
    fn a_server_clock_ahead_of_ours_is_still_live() {
        assert_eq!(policy().admit(&incoming(START + 60_000), START + 10, None), Ok(()));
    }

    #[test]
    fn the_room_read_in_the_focused_window_is_not_notified() {
        let mut policy = policy();
        policy.set_focused_room(Some(owned_room_id!("!room:tchap.test")));
        assert_eq!(policy.admit(&incoming(START + 10), START + 500, None), Err(Silenced::Focused));
        policy.set_focused_room(Some(owned_room_id!("!elsewhere:tchap.test")));
        assert_eq!(policy.admit(&incoming(START + 10), START + 500, None), Ok(()));
        let mut policy = self::policy();
        policy.set_focused_room(Some(owned_room_id!("!room:tchap.test")));
        policy.set_focused_room(None); // window left
        assert_eq!(policy.admit(&incoming(START + 10), START + 500, None), Ok(()));
    }

    #[test]
    fn an_event_delivered_twice_is_notified_once() {
        let mut policy = policy();
        assert_eq!(policy.admit(&incoming(START + 10), START + 500, None), Ok(()));
        assert_eq!(policy.admit(&incoming(START + 10), START + 600, None), Err(Silenced::AlreadyNotified));
    }

    #[test]
    fn the_memory_of_notified_events_is_bounded() {
        let mut policy = policy();
        for n in 0..(REMEMBERED + 10) {
            let mut event = incoming(START + 10);
            event.event_id = format!("$e{n}").try_into().unwrap();
            assert_eq!(policy.admit(&event, START + 500, None), Ok(()));
        }
        assert_eq!(policy.recent.len(), REMEMBERED);
    }

    #[test]
    fn the_room_mode_chosen_here_applies_before_the_push_rules_come_back() {
        let mut mention = incoming(START + 10);
        mention.is_mention = true;
        assert_eq!(policy().admit(&mention, START + 500, Some(RoomNotificationMode::Mute)), Err(Silenced::RoomMode));
        assert_eq!(policy().admit(&incoming(START + 10), START + 500, Some(RoomNotificationMode::MentionsAndKeywordsOnly)), Err(Silenced::RoomMode));
        assert_eq!(policy().admit(&mention, START + 500, Some(RoomNotificationMode::MentionsAndKeywordsOnly)), Ok(()));
        assert_eq!(policy().admit(&incoming(START + 10), START + 500, Some(RoomNotificationMode::AllMessages)), Ok(()));
    }

    #[test]
    fn nothing_is_notified_while_paused_and_all_again_once_the_pause_ends() {
        const HOUR: u64 = 3600 * 1000;
        let mut policy = policy();
        policy.pause_until(Some(START + HOUR));
        assert_eq!(policy.admit(&incoming(START + 10), START + 500, None), Err(Silenced::Paused));
        let mut mention = incoming(START + HOUR - 1000);
        mention.is_mention = true;
        mention.event_id = owned_event_id!("$mention");
        assert_eq!(policy.admit(&mention, START + HOUR - 500, None), Err(Silenced::Paused), "mentions too");
        let mut after = incoming(START + HOUR + 10);
        after.event_id = owned_event_id!("$after");
        assert_eq!(policy.admit(&after, START + HOUR + 500, None), Ok(()), "the hour is over");
        // Resumed by hand before the end.
        let mut policy = self::policy();
        policy.pause_until(Some(START + HOUR));
        policy.pause_until(None);
        assert_eq!(policy.admit(&incoming(START + 10), START + 500, None), Ok(()));
    }

    #[test]
    fn edits_are_not_notified_again() {
        let mut edit = incoming(START + 10);
        edit.is_edit = true;
        assert_eq!(policy().admit(&edit, START + 500, None), Err(Silenced::Edit));
    }
}
