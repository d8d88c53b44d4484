//! The encrypted media cache: scanned media kept encrypted on disk, indexed in SQLite (sqlx).
