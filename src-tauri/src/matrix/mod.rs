//! The Matrix side of the app, with no knowledge of any window: sessions,
//! sync, the room list, timelines and sending. Tested against a real Synapse.

pub mod devices;
pub mod homeserver;
pub mod list_diff;
pub mod members;
pub mod new_members;
pub mod room_keys;
pub mod room_list;
pub mod room_subscriptions;
pub mod rooms;
pub mod security;
pub mod session;
pub mod stored_session;
pub mod timeline;
pub mod verification;
