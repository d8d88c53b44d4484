//! The encrypted media cache: what the antivirus scanned, kept on disk so a
//! room's images show at once and offline. Each entry is the scanner's verdict
//! (clean, or blocked and why) and, for clean media, the bytes in a file of
//! their own, encrypted with the cache key (`blobs`), indexed in SQLite
//! (`index`); nothing on disk names the media (`keys`). Kept under a size cap
//! by evicting the least recently used; a verdict older than the TTL is
//! flagged for a rescan. An unreadable file, whatever the cause, is a miss.
//!
//! The index's queries are checked at build time against `crates/tchap-core/.sqlx/`
//! (`SQLX_OFFLINE=true` in `.cargo/config.toml`). After changing a query or a
//! migration in `migrations/media_cache/`, regenerate it with sqlx-cli 0.9:
//!
//! ```sh
//! cargo install sqlx-cli --version 0.9.0 --locked --no-default-features --features sqlite
//! cd crates/tchap-core
//! export DATABASE_URL=sqlite:$(mktemp -d)/prepare.sqlite
//! cargo sqlx database setup --source migrations/media_cache
//! cargo sqlx prepare -- --all-targets
//! ```

mod blobs;
mod index;
mod keys;

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use blobs::{Blobs, Listed, Unsealed};
use index::{Index, VERDICT_BLOCKED};
pub use keys::CacheKey;
use keys::{DerivedKeys, EntryName};

use crate::{
    error::{AppError, AppResult},
    files,
};

/// How much the cache keeps, and for how long a verdict holds.
#[derive(Clone, Debug)]
pub struct CacheLimits {
    /// Bytes of encrypted files at most; an entry larger than this is not kept.
    pub max_bytes: u64,
    /// Entries at most, blocked verdicts included (they have no file but are
    /// rows all the same).
    pub max_entries: u64,
    /// A verdict older than this is `verdict_is_stale`: scan again.
    pub verdict_ttl: Duration,
}

impl Default for CacheLimits {
    fn default() -> Self {
        Self { max_bytes: 500 * 1024 * 1024, max_entries: 100_000, verdict_ttl: Duration::from_secs(7 * 24 * 3600) }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CachedVerdict {
    Clean,
    Blocked { reason: String, info: Option<String> },
}

#[derive(Clone, Debug)]
pub struct CachedMedia {
    pub verdict: CachedVerdict,
    /// The media, for a clean verdict; never for a blocked one.
    pub bytes: Option<Vec<u8>>,
    pub mime: Option<String>,
    /// The verdict is older than the TTL: show the bytes if the caller's
    /// policy allows, and scan again (`put_clean`/`confirm_clean`/`put_blocked`).
    pub verdict_is_stale: bool,
}

/// Longer texts from the scanner (or a caller) are cut: the index stays small
/// whatever a server answers.
const MAX_TEXT: usize = 1024;

/// One account's cache, shared (`Arc`) by the media service: every method
/// takes `&self` and may run concurrently with the others.
pub struct MediaCache {
    dir: PathBuf,
    limits: CacheLimits,
    keys: DerivedKeys,
    blobs: Arc<Blobs>,
    index: Index,
    /// Writes (a file renamed into place and its row) happen one at a time,
    /// so a row always describes the file under its name; reads don't wait.
    writes: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for MediaCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaCache").field("dir", &self.dir).field("limits", &self.limits).finish_non_exhaustive()
    }
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn bounded(text: &str) -> &str {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

impl MediaCache {
    /// Opens (or creates) the cache in `dir`, a folder of its own inside the
    /// account's folder. Files written with another key are dropped; an
    /// unreadable index is started afresh.
    pub async fn open(dir: &Path, key: CacheKey, limits: CacheLimits) -> AppResult<Self> {
        let dir = dir.to_owned();
        let index_file = dir.join(blobs::INDEX_FILE);
        let made = dir.clone();
        files::blocking(move || create_private_dir(&made).map_err(|e| AppError::storage("media cache folder", e))).await?;
        let index = match Index::open(&index_file).await {
            Ok(index) => index,
            Err(error) => {
                // Only a cache: start again rather than fail the session.
                tracing::warn!("media cache index unreadable, starting an empty one: {}", error.message);
                Self::delete(&dir).await?;
                let made = dir.clone();
                files::blocking(move || create_private_dir(&made).map_err(|e| AppError::storage("media cache folder", e))).await?;
                Index::open(&index_file).await?
            }
        };
        let keys = key.derive();
        drop(key);
        if index.key_check().await?.as_deref() != Some(&keys.check[..]) {
            index.reset_for_key(&keys.check).await?;
        }
        let blobs = Arc::new(Blobs::new(dir.clone(), &keys.file_key));
        let cache = Self { dir, limits, keys, blobs, index, writes: tokio::sync::Mutex::new(()) };
        cache.sweep().await?;
        // Limits may have shrunk since the last run.
        cache.evict_over_limits().await?;
        Ok(cache)
    }

    /// What a crash or another key left: unfinished writes and files without
    /// their row go, rows without their file go.
    async fn sweep(&self) -> AppResult<()> {
        let blobs = self.blobs.clone();
        let listed = files::blocking(move || blobs.list().map_err(|e| AppError::storage("media cache folder", e))).await?;
        let with_file: HashSet<EntryName> = listed.iter().filter_map(|item| if let Listed::Entry(entry) = item { Some(*entry) } else { None }).collect();
        let expected = self.index.clean_entries().await?;
        let expected_names: HashSet<EntryName> = expected.iter().filter_map(|stored| EntryName::from_hex(&stored.entry)).collect();
        for stored in &expected {
            if EntryName::from_hex(&stored.entry).is_none_or(|entry| !with_file.contains(&entry)) {
                self.index.remove(&stored.entry).await?;
            }
        }
        let blobs = self.blobs.clone();
        files::blocking(move || {
            for item in listed {
                let removed = match item {
                    Listed::Temp(path) => blobs::remove_if_present(&path),
                    Listed::Entry(entry) if !expected_names.contains(&entry) => blobs.remove(entry),
                    Listed::Foreign(path) => {
                        tracing::warn!("media cache folder holds a file that is not its own, left alone: {}", path.display());
                        Ok(())
                    }
                    Listed::Entry(_) | Listed::Index => Ok(()),
                };
                removed.map_err(|e| AppError::storage("media cache sweep", e))?;
            }
            Ok(())
        })
        .await
    }

    fn is_stale(&self, verdict_at_ms: i64, now_ms: i64) -> bool {
        let ttl_ms = i64::try_from(self.limits.verdict_ttl.as_millis()).unwrap_or(i64::MAX);
        // A verdict from the future (the clock went back) is not trusted either.
        now_ms < verdict_at_ms || now_ms - verdict_at_ms >= ttl_ms
    }

    /// The cached verdict (and bytes, if clean) of `key`, or `None`. A file
    /// that is missing, altered or not this key's is dropped and is a miss.
    /// An error only means the index itself failed.
    pub async fn get(&self, key: &str) -> AppResult<Option<CachedMedia>> {
        let entry = self.keys.entry_of(key);
        let Some(row) = self.index.find(entry).await? else { return Ok(None) };
        let now = now_ms();
        let verdict_is_stale = self.is_stale(row.verdict_at_ms, now);
        let found = if row.verdict == VERDICT_BLOCKED {
            CachedMedia {
                verdict: CachedVerdict::Blocked { reason: row.blocked_reason.unwrap_or_default(), info: row.blocked_info },
                bytes: None,
                mime: None,
                verdict_is_stale,
            }
        } else {
            let blobs = self.blobs.clone();
            let size_on_disk = u64::try_from(row.size_on_disk).unwrap_or(0);
            match files::blocking(move || Ok(blobs.read(entry, size_on_disk))).await? {
                Ok(bytes) => CachedMedia { verdict: CachedVerdict::Clean, bytes: Some(bytes), mime: row.mime, verdict_is_stale },
                Err(why) => {
                    tracing::warn!("media cache: unreadable entry dropped ({why})");
                    self.drop_unreadable(entry, row.write_id).await;
                    return Ok(None);
                }
            }
        };
        if let Err(error) = self.index.touch(entry, now).await {
            tracing::warn!("media cache: last access not recorded: {}", error.message);
        }
        Ok(Some(found))
    }

    async fn drop_unreadable(&self, entry: EntryName, write_id: i64) {
        let _writing = self.writes.lock().await;
        match self.index.remove_if_unchanged(entry, write_id).await {
            // Rewritten meanwhile: the new file is not the one that failed.
            Ok(false) => {}
            Ok(true) => self.remove_files(vec![entry]).await,
            Err(error) => tracing::warn!("media cache: unreadable entry not dropped: {}", error.message),
        }
    }

    /// Removes files whose rows are gone; a failure leaves a file the next
    /// open sweeps away.
    async fn remove_files(&self, entries: Vec<EntryName>) {
        let blobs = self.blobs.clone();
        let removed = files::blocking(move || {
            for entry in entries {
                blobs.remove(entry).map_err(|e| AppError::storage("media cache removal", e))?;
            }
            Ok(())
        })
        .await;
        if let Err(error) = removed {
            tracing::warn!("media cache: file left for the next sweep: {}", error.message);
        }
    }

    /// Keeps `bytes` as clean media (replacing any previous verdict), then
    /// evicts the least recently used entries over the limits. Media larger
    /// than the cap are not kept. A write that fails (a full disk) is a
    /// `storage` error and leaves the cache as it was.
    pub async fn put_clean(&self, key: &str, bytes: &[u8], mime: Option<&str>) -> AppResult<()> {
        let entry = self.keys.entry_of(key);
        if blobs::encrypted_len(bytes.len()) > self.limits.max_bytes {
            return self.remove_entry(entry).await;
        }
        let unsealed = Unsealed::new(bytes);
        let blobs = self.blobs.clone();
        let temp = files::blocking(move || blobs.write_temp(entry, unsealed).map_err(|e| AppError::storage("media cache write", e))).await?;
        let size_on_disk = i64::try_from(temp.size_on_disk).unwrap_or(i64::MAX);
        // Never 0, the write id of blocked rows.
        let write_id = rand::random::<i64>() | 1;

        let _writing = self.writes.lock().await;
        let blobs = self.blobs.clone();
        files::blocking(move || blobs.install(temp, entry).map_err(|e| AppError::storage("media cache write", e))).await?;
        if let Err(error) = self.index.upsert_clean(entry, size_on_disk, mime.map(bounded), write_id, now_ms()).await {
            // The new file must not stay under an old row (or none).
            let _ = self.index.remove(&entry.to_hex()).await;
            self.remove_files(vec![entry]).await;
            return Err(error);
        }
        self.evict_after_write().await;
        Ok(())
    }

    /// Keeps the scanner's refusal: no bytes (any kept before are removed).
    pub async fn put_blocked(&self, key: &str, reason: &str, info: Option<&str>) -> AppResult<()> {
        let entry = self.keys.entry_of(key);
        let _writing = self.writes.lock().await;
        self.index.upsert_blocked(entry, bounded(reason), info.map(bounded), now_ms()).await?;
        self.remove_files(vec![entry]).await;
        self.evict_after_write().await;
        Ok(())
    }

    /// A new clean verdict for bytes already kept (a rescan that only
    /// checked them); false if there are none, then `put_clean` them.
    pub async fn confirm_clean(&self, key: &str) -> AppResult<bool> {
        self.index.renew_clean(self.keys.entry_of(key), now_ms()).await
    }

    /// Forgets `key` (a redacted message's media, say).
    pub async fn remove(&self, key: &str) -> AppResult<()> {
        self.remove_entry(self.keys.entry_of(key)).await
    }

    async fn remove_entry(&self, entry: EntryName) -> AppResult<()> {
        let _writing = self.writes.lock().await;
        self.index.remove(&entry.to_hex()).await?;
        self.remove_files(vec![entry]).await;
        Ok(())
    }

    /// Bytes of the cache's files (the index itself aside).
    pub async fn total_bytes(&self) -> AppResult<u64> {
        Ok(self.index.usage().await?.0)
    }

    /// The write succeeded; an eviction that fails is tried again after the next one.
    async fn evict_after_write(&self) {
        if let Err(error) = self.evict_over_limits().await {
            tracing::warn!("media cache eviction failed: {}", error.message);
        }
    }

    /// Removes the least recently used entries until within the limits.
    /// Called with `writes` held.
    async fn evict_over_limits(&self) -> AppResult<()> {
        loop {
            let (bytes, entries) = self.index.usage().await?;
            let mut bytes_over = bytes.saturating_sub(self.limits.max_bytes);
            let mut entries_over = entries.saturating_sub(self.limits.max_entries);
            if bytes_over == 0 && entries_over == 0 {
                return Ok(());
            }
            let oldest = self.index.least_recently_used(256).await?;
            if oldest.is_empty() {
                return Ok(());
            }
            let mut evicted = Vec::new();
            for stored in oldest {
                if bytes_over == 0 && entries_over == 0 {
                    break;
                }
                self.index.remove(&stored.entry).await?;
                evicted.extend(EntryName::from_hex(&stored.entry));
                bytes_over = bytes_over.saturating_sub(u64::try_from(stored.size_on_disk).unwrap_or(0));
                entries_over = entries_over.saturating_sub(1);
            }
            self.remove_files(evicted).await;
        }
    }

    /// Closes the cache and deletes its folder (logout).
    pub async fn close_and_delete(self) -> AppResult<()> {
        self.index.close().await;
        Self::delete(&self.dir).await
    }

    /// Deletes a closed cache's folder (logout), and only its own files: a
    /// folder holding anything else is refused (`storage`) and left as it was.
    pub async fn delete(dir: &Path) -> AppResult<()> {
        let dir = dir.to_owned();
        files::blocking(move || blobs::delete_folder(&dir).map_err(|e| AppError::storage("media cache deletion", e))).await
    }
}
