#![recursion_limit = "256"]
//! Tchap desktop's Tauri shell: the window, its commands and events, and the
//! plugins. Everything else lives in the `tchap-core` crate, which works, and
//! is tested, without a window.

pub mod ipc;

pub use ipc::run;
