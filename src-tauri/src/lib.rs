#![recursion_limit = "256"]
//! Tchap desktop's backend. `ipc` is the Tauri shell; everything else works,
//! and is tested, without a window.

pub mod config;
pub mod error;
pub mod ipc;
pub mod logging;
pub mod matrix;
pub mod secret;
pub mod state;

pub use ipc::run;
