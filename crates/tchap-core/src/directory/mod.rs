//! Finding people and rooms across Tchap's servers: the agents' directory
//! (names as Tchap writes them, externals flagged), email invitations for
//! people without an account yet, the forums each server publishes, and the
//! "liste rouge" (a profile hidden from the directory).

mod email_invites;
mod forums;
mod hide_profile;
mod people;

pub use email_invites::{PendingEmailInvite, invite_by_email, pending_email_invites};
pub use forums::{Forum, ForumPage, ForumServer, forum_servers, join_forum, list_forums};
pub use hide_profile::{is_profile_hidden, set_profile_hidden};
pub use people::{MIN_SEARCH_LENGTH, Person, PersonSearch, search_people};
