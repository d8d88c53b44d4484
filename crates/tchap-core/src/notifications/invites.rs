//! Invitations: someone invites the user to a room or a direct chat. An
//! invite carries no time (the server strips it), so "live" means: arrived
//! once the room list has been loaded whole in this run, for a room not
//! already known as an invite when the run started. Each room's invite is
//! notified once per run.

use std::collections::HashSet;

use matrix_sdk::{
    Room,
    deserialized_responses::RawAnySyncOrStrippedTimelineEvent,
    ruma::{
        OwnedRoomId, OwnedUserId, UserId,
        events::{AnyStrippedStateEvent, room::member::MembershipState},
    },
    sync::Notification,
};

use super::{Notice, notice::room_name, policy::Silenced};

/// An invitation of the user, as the sync handed it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub room_id: OwnedRoomId,
    pub inviter: OwnedUserId,
}

/// The invites already notified, or already pending when the run started.
#[derive(Debug, Default)]
pub struct InviteRules {
    known: HashSet<OwnedRoomId>,
}

impl InviteRules {
    /// `pending`: the rooms the store knows as invites before the sync starts.
    pub fn new(pending: impl IntoIterator<Item = OwnedRoomId>) -> Self {
        Self { known: pending.into_iter().collect() }
    }

    /// Whether the invite is notified; `arrived_live` is false while the run
    /// is still loading the room list (a catch-up). A notified invite is
    /// remembered.
    pub fn admit(&mut self, invitation: &Invitation, arrived_live: bool) -> Result<(), Silenced> {
        // A caught-up invite is remembered too: handed over again later, it is still old.
        let is_new = self.known.insert(invitation.room_id.clone());
        if !arrived_live {
            return Err(Silenced::BeforeStart);
        }
        if !is_new {
            return Err(Silenced::AlreadyNotified);
        }
        Ok(())
    }
}

/// The invitation of `own_user` behind an SDK notification, if it is one.
pub(super) fn read(room: &Room, notification: &Notification, own_user: &UserId) -> Option<Invitation> {
    let RawAnySyncOrStrippedTimelineEvent::Stripped(raw) = &notification.event else {
        return None;
    };
    let AnyStrippedStateEvent::RoomMember(member) = raw.deserialize().ok()? else {
        return None;
    };
    let invites_me = member.state_key == own_user && member.content.membership == MembershipState::Invite;
    invites_me.then(|| Invitation { room_id: room.room_id().to_owned(), inviter: member.sender })
}

/// The notice for an admitted invitation, with the names the invite carries.
pub(super) async fn describe(room: &Room, invitation: &Invitation) -> Notice {
    let inviter = invitation.inviter.as_str();
    let display_name = match room.invite_details().await {
        Ok(details) => details.inviter.and_then(|member| member.display_name().map(str::to_owned)),
        Err(_) => None,
    };
    let is_direct = room.is_direct().await.unwrap_or(false);
    let room_name = room_name(room).await;
    Notice {
        room_id: invitation.room_id.to_string(),
        event_id: String::new(),
        sender_name: crate::identity::person_name(display_name.as_deref(), inviter).name,
        preview: if is_direct { "vous invite à discuter".to_owned() } else { format!("vous invite dans « {room_name} »") },
        room_name,
        is_mention: false,
        is_direct,
        is_invite: true,
    }
}

#[cfg(test)]
mod tests {
    use matrix_sdk::ruma::{owned_room_id, owned_user_id};

    use super::*;

    fn invitation(room: &str) -> Invitation {
        Invitation { room_id: room.try_into().unwrap(), inviter: owned_user_id!("@odile:tchap.test") }
    }

    #[test]
    fn a_live_invite_is_notified_once() {
        let mut rules = InviteRules::default();
        assert_eq!(rules.admit(&invitation("!new:tchap.test"), true), Ok(()));
        // The sync hands the same invite over again (a reconnection).
        assert_eq!(rules.admit(&invitation("!new:tchap.test"), true), Err(Silenced::AlreadyNotified));
        assert_eq!(rules.admit(&invitation("!other:tchap.test"), true), Ok(()));
    }

    #[test]
    fn invites_caught_up_while_the_room_list_loads_are_not_notified() {
        let mut rules = InviteRules::default();
        assert_eq!(rules.admit(&invitation("!old:tchap.test"), false), Err(Silenced::BeforeStart));
        // Handed over again once the list is loaded: still the old invite.
        assert_eq!(rules.admit(&invitation("!old:tchap.test"), true), Err(Silenced::AlreadyNotified));
    }

    #[test]
    fn invites_pending_when_the_run_started_are_not_notified() {
        let mut rules = InviteRules::new([owned_room_id!("!pending:tchap.test")]);
        assert_eq!(rules.admit(&invitation("!pending:tchap.test"), true), Err(Silenced::AlreadyNotified));
    }
}
