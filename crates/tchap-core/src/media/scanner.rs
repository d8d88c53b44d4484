//! The content scanner (matrix-content-scanner) client: every download goes through it.
