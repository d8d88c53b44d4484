//! Attachments: sending them (`upload`), fetching them through Tchap's
//! antivirus (`scanner`), and keeping what was scanned in an encrypted cache
//! on disk (`cache`), then served to the webview in the parts it asks
//! for (`range`).

pub mod cache;
mod decode_budget;
pub mod display;
pub mod range;
pub mod save;
pub mod scanner;
pub mod service;
pub mod thumbnail;
pub mod upload;
mod whole_jpeg;
