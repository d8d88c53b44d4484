//! Links to a room, a message or a person, from outside the app (a browser,
//! a mail) or pasted in it: `parse` reads the three forms people meet
//! (`tchap://`, `matrix:`, `https://matrix.to/#/`) and refuses anything else;
//! `resolve` tells what the user can do with it in the signed-in session.

mod parse;
mod resolve;

pub use parse::{Link, MAX_LINK_LEN, looks_like_link, parse};
pub use resolve::{LinkTarget, LinkedRoomMembership, join_linked_room, resolve};
