//! Tchap identity: which homeserver an email belongs to, who is an agent and
//! who is an external, and how Tchap writes people's names.
//!
//! Tchap is a federation of homeservers (one or more per ministry, one for
//! external partners). Its users know their professional email, not their
//! homeserver: the servers answer which one holds an email (`/info`).

pub mod discovery;
pub mod names;
pub mod password_policy;
pub mod registration;
pub mod servers;

pub use discovery::{Discovered, find_homeserver};
pub use names::{PersonName, is_external, ministry_of, person_name};
pub use servers::{ServerEntry, ServerList};
