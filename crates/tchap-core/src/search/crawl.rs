//! The slow walk back through every joined room's older history, so that
//! messages from before this session started get indexed too. The SDK's
//! event cache indexes what a back-pagination brings; this task only asks
//! for it: one batch per room in turn, a pause between requests, nothing
//! while offline. Rooms whose start was reached are remembered in a small
//! file, so a restart goes on with the others only.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use matrix_sdk::{Client, Room};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tracing::{debug, warn};

use crate::files;

const PROGRESS_FILE: &str = "search-crawl.json";

/// How gently the crawl walks: events asked per request, and the pause
/// after each request (the server and the sync come first).
#[derive(Debug, Clone, Copy)]
pub struct CrawlPace {
    pub batch: u16,
    pub pause: Duration,
    /// How often to look again when offline or when every room is done
    /// (a room joined later has history too).
    pub idle: Duration,
}

impl Default for CrawlPace {
    fn default() -> Self {
        Self { batch: 50, pause: Duration::from_secs(2), idle: Duration::from_secs(30) }
    }
}

/// Whether the server can be reached now (the connection banner's state).
pub type IsOnline = Arc<dyn Fn() -> bool + Send + Sync>;

/// The rooms whose history was walked to its start.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Progress {
    done: BTreeSet<String>,
}

pub(super) struct Crawl {
    file: PathBuf,
    /// Joined rooms whose history is still being indexed.
    pending: watch::Sender<u32>,
}

impl Crawl {
    pub(super) fn new(account_dir: &Path) -> Self {
        Self { file: account_dir.join(PROGRESS_FILE), pending: watch::Sender::new(0) }
    }

    pub(super) fn pending(&self) -> watch::Receiver<u32> {
        self.pending.subscribe()
    }

    async fn load(&self) -> Progress {
        let file = self.file.clone();
        let read = files::blocking(move || Ok(std::fs::read(&file).ok())).await.ok().flatten();
        // A damaged progress file only means walking again: never an error.
        read.and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
    }

    async fn save(&self, progress: &Progress) {
        let (file, bytes) = (self.file.clone(), serde_json::to_vec(progress).unwrap_or_default());
        if let Err(error) = files::blocking(move || files::write_private(&file, &bytes).map_err(|e| crate::error::AppError::storage("crawl progress", e))).await
        {
            warn!(%error, "search crawl progress not saved");
        }
    }

    /// Rooms whose index was set aside are walked again from the start.
    pub(super) async fn forget(&self, room_ids: &[String]) {
        if room_ids.is_empty() {
            return;
        }
        let mut progress = self.load().await;
        progress.done.retain(|room| !room_ids.contains(room));
        self.save(&progress).await;
    }

    /// Runs until the session stops (its task is aborted).
    pub(super) async fn run(self: Arc<Self>, client: Client, online: IsOnline, pace: CrawlPace) {
        let mut progress = self.load().await;
        loop {
            let rooms: Vec<Room> = client.joined_rooms().into_iter().filter(|r| !progress.done.contains(r.room_id().as_str())).collect();
            self.pending.send_replace(u32::try_from(rooms.len()).unwrap_or(u32::MAX));
            if rooms.is_empty() || !online() {
                tokio::time::sleep(pace.idle).await;
                continue;
            }
            for room in rooms {
                if !online() {
                    break;
                }
                match walk_back_once(&room, pace.batch).await {
                    Ok(true) => {
                        progress.done.insert(room.room_id().to_string());
                        self.save(&progress).await;
                        self.pending.send_modify(|n| *n = n.saturating_sub(1));
                    }
                    Ok(false) => {}
                    // Offline or refused: the next pass tries again, after a pause.
                    Err(error) => debug!(room = %room.room_id(), %error, "search crawl: back-pagination failed"),
                }
                tokio::time::sleep(pace.pause).await;
            }
        }
    }
}

/// One back-pagination of the room's event cache; true once its start is reached.
async fn walk_back_once(room: &Room, batch: u16) -> Result<bool, matrix_sdk::event_cache::EventCacheError> {
    let (cache, _handles) = room.event_cache().await?;
    Ok(cache.pagination().run_backwards_once(batch).await?.reached_start)
}
