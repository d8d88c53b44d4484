//! A room read far back holds every loaded event twice: in the SDK's event
//! cache (the room's in-memory chunks) and in the timeline's items, and the
//! UI keeps a copy of each item. When the reader is back at the latest
//! messages, starting the live timeline afresh gives all three back: the
//! event cache shrinks a room to its last chunk once its last subscriber is
//! gone (matrix-sdk's auto-shrink), and the new timeline starts from that
//! chunk. Older messages load again from the local store when the reader
//! scrolls back, without asking the server.

use std::time::Duration;

/// Below this many events in memory, a fresh start is not worth it.
pub(super) const LIGHTEN_ABOVE_EVENTS: usize = 300;
/// The auto-shrink runs in the SDK's own task: how long we wait for it.
const SHRINK_WAIT: Duration = Duration::from_secs(2);
const SHRINK_POLL: Duration = Duration::from_millis(20);

/// The room's events the SDK holds in memory; 0 when its cache is unavailable.
pub(super) async fn events_in_memory(room: &matrix_sdk::Room) -> usize {
    match room.event_cache().await {
        Ok((cache, _handles)) => cache.events().await.map(|events| events.len()).unwrap_or(0),
        Err(_) => 0,
    }
}

/// Hands the heap pages freed by a shrink back to the system. glibc's
/// allocator keeps freed memory for later allocations, so without this the
/// app's memory (PSS) would not go down after a long room is let go of.
pub(super) fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Waits until the room's event cache has shrunk below `before` events (its
/// last subscriber was just dropped), or gives up after a short while: the
/// new timeline then simply starts from what is still loaded.
pub(super) async fn wait_for_shrink(room: &matrix_sdk::Room, before: usize) -> bool {
    let deadline = tokio::time::Instant::now() + SHRINK_WAIT;
    while tokio::time::Instant::now() < deadline {
        if events_in_memory(room).await < before {
            return true;
        }
        tokio::time::sleep(SHRINK_POLL).await;
    }
    false
}
