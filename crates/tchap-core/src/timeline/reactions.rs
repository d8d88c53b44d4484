//! Who reacted to a message and who has read up to it, as the UI shows them
//! under the message: reactions grouped by emoji, readers by name. Both are
//! bounded (a hostile room may hold thousands of reactions or readers): the
//! UI gets the first few and a count of the rest.

use std::collections::HashMap;

use matrix_sdk::{
    RoomMemberships,
    ruma::{OwnedUserId, UserId},
};
use matrix_sdk_ui::timeline::{EventTimelineItem, TimelineDetails};
use serde::Serialize;

use crate::identity::person_name;

/// Distinct reactions sent to the UI per message; the rest is a count.
pub const MAX_REACTION_GROUPS: usize = 20;
/// Names listed per reaction (its count says how many in all).
const MAX_NAMES_PER_REACTION: usize = 10;
/// Readers named under a message; the rest is a count.
const MAX_READERS: usize = 10;
/// Longer keys are not reactions a person chose (an emoji is a few bytes).
pub const MAX_REACTION_KEY_BYTES: usize = 64;

/// A person, by the name the UI shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NamedUser {
    pub user_id: String,
    pub name: String,
}

/// One emoji (or text) reaction to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReactionGroup {
    pub key: String,
    /// Everyone who sent it, ourselves included.
    pub count: u32,
    /// We sent it: clicking the chip takes it back.
    pub by_me: bool,
    /// The others who sent it (the first few).
    pub others: Vec<NamedUser>,
}

/// The names of a room's members, for the people who react and read, who
/// carry only their ID in the SDK's items; and who "we" are.
pub struct People {
    own_user_id: OwnedUserId,
    names: HashMap<OwnedUserId, String>,
}

impl People {
    /// The members the store knows (no request: opening a room stays instant).
    pub async fn of_room(room: &matrix_sdk::Room) -> Self {
        let members = room.members_no_sync(RoomMemberships::ACTIVE).await.unwrap_or_default();
        let names = members
            .iter()
            .map(|m| (m.user_id().to_owned(), person_name(m.display_name(), m.user_id().as_str()).name))
            .collect();
        Self { own_user_id: room.own_user_id().to_owned(), names }
    }

    /// A sender's name seen on a message is the freshest: members who joined
    /// after the room was opened are learnt that way.
    pub fn learn_sender(&mut self, item: &EventTimelineItem) {
        if let TimelineDetails::Ready(profile) = item.sender_profile() {
            let name = person_name(profile.display_name.as_deref(), item.sender().as_str()).name;
            self.names.insert(item.sender().to_owned(), name);
        }
    }

    fn named(&self, user_id: &UserId) -> NamedUser {
        let name = self.names.get(user_id).cloned().unwrap_or_else(|| person_name(None, user_id.as_str()).name);
        NamedUser { user_id: user_id.to_string(), name }
    }
}

/// The message's reactions in the order they were first given, and how many
/// distinct ones are left out.
pub fn reaction_groups(item: &EventTimelineItem, people: &People) -> (Vec<ReactionGroup>, u32) {
    let Some(reactions) = item.content().reactions() else { return (Vec::new(), 0) };
    let groups = reactions
        .iter()
        .take(MAX_REACTION_GROUPS)
        .map(|(key, senders)| ReactionGroup {
            key: key.clone(),
            count: u32::try_from(senders.len()).unwrap_or(u32::MAX),
            by_me: senders.contains_key(&people.own_user_id),
            others: senders
                .keys()
                .filter(|sender| **sender != people.own_user_id)
                .take(MAX_NAMES_PER_REACTION)
                .map(|sender| people.named(sender))
                .collect(),
        })
        .collect();
    (groups, left_out(reactions.len(), MAX_REACTION_GROUPS))
}

/// The others whose last read message is this one, and how many are left out.
pub fn readers(item: &EventTimelineItem, people: &People) -> (Vec<NamedUser>, u32) {
    let others: Vec<&OwnedUserId> = item.read_receipts().keys().filter(|reader| **reader != people.own_user_id).collect();
    let named = others.iter().take(MAX_READERS).map(|reader| people.named(reader)).collect();
    (named, left_out(others.len(), MAX_READERS))
}

fn left_out(total: usize, shown: usize) -> u32 {
    u32::try_from(total.saturating_sub(shown)).unwrap_or(u32::MAX)
}
