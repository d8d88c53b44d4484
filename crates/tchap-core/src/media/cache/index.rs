//! The index: one SQLite row per entry (verdict, sizes, times), through sqlx's
//! compile-checked queries; the schema is in `migrations/media_cache/`.

use std::{path::Path, time::Duration};

use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use super::keys::EntryName;
use crate::error::{AppError, AppResult};

pub const VERDICT_BLOCKED: &str = "blocked";

/// An entry as the index has it.
pub struct IndexRow {
    pub verdict: String,
    pub blocked_reason: Option<String>,
    pub blocked_info: Option<String>,
    pub verdict_at_ms: i64,
    pub size_on_disk: i64,
    pub mime: Option<String>,
    pub write_id: i64,
}

/// What eviction and the start-up sweep need of an entry.
pub struct Stored {
    pub entry: String,
    pub size_on_disk: i64,
}

pub struct Index {
    pool: SqlitePool,
}

fn failed(context: &'static str) -> impl FnOnce(sqlx::Error) -> AppError {
    move |e| AppError::storage(context, e)
}

impl Index {
    pub async fn open(file: &Path) -> AppResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL: a power cut may lose the last rows, never corrupt the
            // file; a lost row only means a file the next open sweeps away.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(failed("media cache index open"))?;
        sqlx::migrate!("migrations/media_cache")
            .run(&pool)
            .await
            .map_err(|e| AppError::storage("media cache index migration", e))?;
        Ok(Self { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn key_check(&self) -> AppResult<Option<Vec<u8>>> {
        sqlx::query_scalar!("SELECT check_value FROM cache_key_check WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(failed("media cache key check"))
    }

    /// Forgets every entry (they were written with another key) and records
    /// the key now in use.
    pub async fn reset_for_key(&self, check: &[u8]) -> AppResult<()> {
        let mut tx = self.pool.begin().await.map_err(failed("media cache reset"))?;
        sqlx::query!("DELETE FROM media").execute(&mut *tx).await.map_err(failed("media cache reset"))?;
        sqlx::query!(
            "INSERT INTO cache_key_check (id, check_value) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET check_value = excluded.check_value",
            check
        )
        .execute(&mut *tx)
        .await
        .map_err(failed("media cache reset"))?;
        tx.commit().await.map_err(failed("media cache reset"))
    }

    pub async fn find(&self, entry: EntryName) -> AppResult<Option<IndexRow>> {
        let entry = entry.to_hex();
        sqlx::query_as!(
            IndexRow,
            "SELECT verdict, blocked_reason, blocked_info, verdict_at_ms, size_on_disk, mime, write_id
             FROM media WHERE entry = ?1",
            entry
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(failed("media cache lookup"))
    }

    pub async fn touch(&self, entry: EntryName, now_ms: i64) -> AppResult<()> {
        let entry = entry.to_hex();
        sqlx::query!("UPDATE media SET last_access_ms = ?1 WHERE entry = ?2", now_ms, entry)
            .execute(&self.pool)
            .await
            .map_err(failed("media cache access time"))?;
        Ok(())
    }

    pub async fn upsert_clean(&self, entry: EntryName, size_on_disk: i64, mime: Option<&str>, write_id: i64, now_ms: i64) -> AppResult<()> {
        let entry = entry.to_hex();
        sqlx::query!(
            "INSERT INTO media (entry, verdict, blocked_reason, blocked_info, verdict_at_ms, size_on_disk, mime, write_id, last_access_ms, created_ms)
             VALUES (?1, 'clean', NULL, NULL, ?2, ?3, ?4, ?5, ?2, ?2)
             ON CONFLICT (entry) DO UPDATE SET verdict = 'clean', blocked_reason = NULL, blocked_info = NULL,
                 verdict_at_ms = excluded.verdict_at_ms, size_on_disk = excluded.size_on_disk, mime = excluded.mime,
                 write_id = excluded.write_id, last_access_ms = excluded.last_access_ms",
            entry,
            now_ms,
            size_on_disk,
            mime,
            write_id
        )
        .execute(&self.pool)
        .await
        .map_err(failed("media cache write"))?;
        Ok(())
    }

    pub async fn upsert_blocked(&self, entry: EntryName, reason: &str, info: Option<&str>, now_ms: i64) -> AppResult<()> {
        let entry = entry.to_hex();
        sqlx::query!(
            "INSERT INTO media (entry, verdict, blocked_reason, blocked_info, verdict_at_ms, size_on_disk, mime, write_id, last_access_ms, created_ms)
             VALUES (?1, 'blocked', ?2, ?3, ?4, 0, NULL, 0, ?4, ?4)
             ON CONFLICT (entry) DO UPDATE SET verdict = 'blocked', blocked_reason = excluded.blocked_reason,
                 blocked_info = excluded.blocked_info, verdict_at_ms = excluded.verdict_at_ms, size_on_disk = 0,
                 mime = NULL, write_id = 0, last_access_ms = excluded.last_access_ms",
            entry,
            reason,
            info,
            now_ms
        )
        .execute(&self.pool)
        .await
        .map_err(failed("media cache write"))?;
        Ok(())
    }

    /// A new clean verdict for bytes already kept: true if there were.
    pub async fn renew_clean(&self, entry: EntryName, now_ms: i64) -> AppResult<bool> {
        let entry = entry.to_hex();
        let done = sqlx::query!(
            "UPDATE media SET verdict_at_ms = ?1, last_access_ms = ?1 WHERE entry = ?2 AND verdict = 'clean'",
            now_ms,
            entry
        )
        .execute(&self.pool)
        .await
        .map_err(failed("media cache write"))?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn remove(&self, entry: &str) -> AppResult<bool> {
        let done = sqlx::query!("DELETE FROM media WHERE entry = ?1", entry)
            .execute(&self.pool)
            .await
            .map_err(failed("media cache removal"))?;
        Ok(done.rows_affected() > 0)
    }

    /// Removes the entry only if its file is still the one `write_id` names.
    pub async fn remove_if_unchanged(&self, entry: EntryName, write_id: i64) -> AppResult<bool> {
        let entry = entry.to_hex();
        let done = sqlx::query!("DELETE FROM media WHERE entry = ?1 AND write_id = ?2", entry, write_id)
            .execute(&self.pool)
            .await
            .map_err(failed("media cache removal"))?;
        Ok(done.rows_affected() > 0)
    }

    /// Bytes on disk and number of entries.
    pub async fn usage(&self) -> AppResult<(u64, u64)> {
        let usage = sqlx::query!(r#"SELECT COALESCE(SUM(size_on_disk), 0) AS "bytes!: i64", COUNT(*) AS "entries!: i64" FROM media"#)
            .fetch_one(&self.pool)
            .await
            .map_err(failed("media cache size"))?;
        Ok((usage.bytes.max(0) as u64, usage.entries.max(0) as u64))
    }

    /// The `limit` least recently used entries, oldest first.
    pub async fn least_recently_used(&self, limit: i64) -> AppResult<Vec<Stored>> {
        sqlx::query_as!(Stored, "SELECT entry, size_on_disk FROM media ORDER BY last_access_ms, created_ms LIMIT ?1", limit)
            .fetch_all(&self.pool)
            .await
            .map_err(failed("media cache eviction"))
    }

    /// Every entry that should have a file.
    pub async fn clean_entries(&self) -> AppResult<Vec<Stored>> {
        sqlx::query_as!(Stored, "SELECT entry, size_on_disk FROM media WHERE verdict = 'clean'")
            .fetch_all(&self.pool)
            .await
            .map_err(failed("media cache sweep"))
    }
}
