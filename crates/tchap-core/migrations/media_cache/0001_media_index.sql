-- The media cache's index (src/media/cache): one row per scanned media.
-- `entry` is a keyed hash of the caller's key (64 hex digits), never the key
-- itself, and the name of the entry's encrypted file. Times are Unix
-- milliseconds.
CREATE TABLE media (
    entry TEXT PRIMARY KEY NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('clean', 'blocked')),
    -- Why the scanner blocked it (blocked only).
    blocked_reason TEXT,
    blocked_info TEXT,
    verdict_at_ms INTEGER NOT NULL,
    -- The encrypted file's length; 0 for a blocked media (no file).
    size_on_disk INTEGER NOT NULL,
    mime TEXT,
    -- Random, new at each write of the file: a reader that found the file
    -- unreadable drops the entry only if nobody rewrote it meanwhile.
    write_id INTEGER NOT NULL,
    last_access_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
);

-- Eviction walks entries from the least recently used.
CREATE INDEX media_by_last_access ON media (last_access_ms);

-- One row: tells at open whether the files were written with this key.
CREATE TABLE cache_key_check (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    check_value BLOB NOT NULL
);
