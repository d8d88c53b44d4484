//! Tchap desktop's domain, without any window: the Matrix session and one
//! service per feature, each owning its state and tasks over a small session
//! context. The Tauri app (`src-tauri`) is a thin shell over this crate; the
//! compiler keeps it that way, as this crate does not depend on Tauri.

pub mod account_validity;
pub mod config;
pub mod context;
pub mod devices;
pub mod directory;
pub mod error;
pub mod files;
pub mod http;
pub mod identity;
pub mod links;
pub mod list_diff;
pub mod logging;
pub mod media;
pub mod members;
pub mod network;
mod new_members;
pub mod notifications;
pub mod policy;
pub mod preferences;
pub mod profile_lock;
pub mod room_keys;
pub mod room_kind;
pub mod room_list;
pub mod rooms;
pub mod search;
pub mod secret;
pub mod security;
pub mod session;
pub mod state;
pub mod support;
pub mod timeline;
pub mod updates;
pub mod verification;
