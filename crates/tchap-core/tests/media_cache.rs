//! The encrypted media cache on a real folder and a real SQLite index: what a
//! user notices is media shown again at once (also after a restart), nothing
//! readable on disk, the cap kept, a blocked file never shown, and a damaged
//! cache that is simply a miss. No server needed.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use tchap_core::{
    error::ErrorCode,
    media::cache::{CacheKey, CacheLimits, CachedVerdict, MediaCache},
};

/// What an encrypted file adds to the media: magic, nonce, tag.
const OVERHEAD: u64 = 4 + 24 + 16;

fn limits() -> CacheLimits {
    CacheLimits::default()
}

/// Recognisable bytes: a sentence repeated to `len`.
fn media(label: &str, len: usize) -> Vec<u8> {
    format!("PLAINTEXT-{label}-").into_bytes().into_iter().cycle().take(len).collect()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

/// The entries' files (named by 64 hex digits).
fn entry_files(dir: &Path) -> Vec<PathBuf> {
    names_in(dir)
        .into_iter()
        .filter(|name| name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|name| dir.join(name))
        .collect()
}

/// A cache folder inside a throwaway one, and the key to open it with.
struct Fixture {
    _root: tempfile::TempDir,
    dir: PathBuf,
    key: [u8; 32],
}

impl Fixture {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("media-cache");
        Self { _root: root, dir, key: *CacheKey::generate().to_bytes() }
    }

    async fn open(&self, limits: CacheLimits) -> MediaCache {
        open_with(&self.dir, &self.key, limits).await
    }
}

async fn open_with(dir: &Path, key: &[u8; 32], limits: CacheLimits) -> MediaCache {
    MediaCache::open(dir, CacheKey::from_bytes(*key), limits).await.unwrap()
}

#[tokio::test]
async fn media_comes_back_and_nothing_on_disk_is_readable() {
    let folder = Fixture::new();
    let cache = folder.open(limits()).await;
    let bytes = media("photo", 50_000);
    let media_key = "mxc://agent.tchap.gouv.fr/SecretPhotoOfTheMinister";

    cache.put_clean(media_key, &bytes, Some("image/jpeg")).await.unwrap();
    let found = cache.get(media_key).await.unwrap().expect("cached");
    assert_eq!(found.verdict, CachedVerdict::Clean);
    assert_eq!(found.bytes.as_deref(), Some(&bytes[..]));
    assert_eq!(found.mime.as_deref(), Some("image/jpeg"));
    assert!(!found.verdict_is_stale);
    assert!(cache.get("mxc://agent.tchap.gouv.fr/other").await.unwrap().is_none());

    // Neither the media nor its address is anywhere on disk, index included.
    drop(cache);
    let files = names_in(&folder.dir);
    assert_eq!(entry_files(&folder.dir).len(), 1, "{files:?}");
    for name in files {
        let content = std::fs::read(folder.dir.join(&name)).unwrap();
        assert!(!contains(&content, b"PLAINTEXT-photo-"), "{name} holds the media in clear");
        assert!(!contains(&content, b"SecretPhotoOfTheMinister"), "{name} names the media");
        assert!(!name.contains("Secret"));
    }
    assert_eq!(std::fs::metadata(&entry_files(&folder.dir)[0]).unwrap().len(), bytes.len() as u64 + OVERHEAD);

    // Names come from the key: someone who guesses the URI cannot look for
    // its file (another account's cache names the same media otherwise).
    let other = folder_in(&folder);
    let cache = open_with(&other, &CacheKey::generate().to_bytes(), limits()).await;
    cache.put_clean(media_key, &bytes, Some("image/jpeg")).await.unwrap();
    assert_ne!(entry_files(&other)[0].file_name(), entry_files(&folder.dir)[0].file_name());
}

fn folder_in(folder: &Fixture) -> PathBuf {
    folder.dir.with_file_name("other-media-cache")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[tokio::test]
async fn a_restart_keeps_entries() {
    let folder = Fixture::new();
    let cache = folder.open(limits()).await;
    cache.put_clean("mxc://s/kept", &media("kept", 3000), Some("image/png")).await.unwrap();
    cache.put_blocked("mxc://s/virus", "infected", Some("EICAR")).await.unwrap();
    drop(cache);

    let cache = folder.open(limits()).await;
    let kept = cache.get("mxc://s/kept").await.unwrap().expect("kept across a restart");
    assert_eq!(kept.bytes.unwrap(), media("kept", 3000));
    assert_eq!(kept.mime.as_deref(), Some("image/png"));
    let blocked = cache.get("mxc://s/virus").await.unwrap().expect("verdict kept");
    assert_eq!(blocked.verdict, CachedVerdict::Blocked { reason: "infected".into(), info: Some("EICAR".into()) });
    assert_eq!(cache.total_bytes().await.unwrap(), 3000 + OVERHEAD);
}

#[tokio::test]
async fn the_least_recently_used_go_first_at_the_cap() {
    let folder = Fixture::new();
    let entry = 1000 + OVERHEAD;
    let cache = folder.open(CacheLimits { max_bytes: 3 * entry + 500, ..limits() }).await;
    for name in ["a", "b", "c"] {
        cache.put_clean(&format!("mxc://s/{name}"), &media(name, 1000), None).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // `a` is the oldest write but was just looked at: `b` is the least recently used.
    assert!(cache.get("mxc://s/a").await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(5)).await;
    cache.put_clean("mxc://s/d", &media("d", 1000), None).await.unwrap();

    assert!(cache.get("mxc://s/b").await.unwrap().is_none(), "b was the least recently used");
    for name in ["a", "c", "d"] {
        let found = cache.get(&format!("mxc://s/{name}")).await.unwrap().unwrap_or_else(|| panic!("{name} evicted"));
        assert_eq!(found.bytes.unwrap(), media(name, 1000));
    }
    assert_eq!(cache.total_bytes().await.unwrap(), 3 * entry);
    assert_eq!(entry_files(&folder.dir).len(), 3);
}

#[tokio::test]
async fn media_larger_than_the_cap_are_not_kept() {
    let folder = Fixture::new();
    let cache = folder.open(CacheLimits { max_bytes: 10_000, ..limits() }).await;
    cache.put_clean("mxc://s/small", &media("small", 2000), None).await.unwrap();

    cache.put_clean("mxc://s/huge", &media("huge", 10_000), None).await.unwrap();
    assert!(cache.get("mxc://s/huge").await.unwrap().is_none());
    assert!(cache.get("mxc://s/small").await.unwrap().is_some(), "nothing else evicted for it");
    assert_eq!(cache.total_bytes().await.unwrap(), 2000 + OVERHEAD);
    assert_eq!(entry_files(&folder.dir).len(), 1);
}

#[tokio::test]
async fn an_old_verdict_asks_for_a_rescan_and_keeps_the_bytes_until_then() {
    let folder = Fixture::new();
    let cache = folder.open(CacheLimits { verdict_ttl: Duration::from_millis(300), ..limits() }).await;
    cache.put_clean("mxc://s/doc", &media("doc", 800), Some("application/pdf")).await.unwrap();
    assert!(!cache.get("mxc://s/doc").await.unwrap().unwrap().verdict_is_stale);

    tokio::time::sleep(Duration::from_millis(400)).await;
    let stale = cache.get("mxc://s/doc").await.unwrap().unwrap();
    assert!(stale.verdict_is_stale);
    assert_eq!(stale.bytes.unwrap(), media("doc", 800), "bytes kept until the new verdict");

    // The rescan says clean again: fresh, without rewriting the bytes.
    assert!(cache.confirm_clean("mxc://s/doc").await.unwrap());
    assert!(!cache.get("mxc://s/doc").await.unwrap().unwrap().verdict_is_stale);
    assert!(!cache.confirm_clean("mxc://s/never-cached").await.unwrap());

    // Or it says blocked now: the bytes go.
    tokio::time::sleep(Duration::from_millis(400)).await;
    cache.put_blocked("mxc://s/doc", "infected", None).await.unwrap();
    let blocked = cache.get("mxc://s/doc").await.unwrap().unwrap();
    assert!(!blocked.verdict_is_stale);
    assert!(blocked.bytes.is_none());
    assert!(entry_files(&folder.dir).is_empty());
}

#[tokio::test]
async fn blocked_media_keep_their_verdict_and_no_bytes() {
    let folder = Fixture::new();
    let cache = folder.open(limits()).await;
    cache.put_clean("mxc://s/was-clean", &media("was-clean", 5000), Some("image/png")).await.unwrap();
    cache.put_blocked("mxc://s/was-clean", "infected", Some("Win.Test.EICAR_HDB-1")).await.unwrap();
    cache.put_blocked("mxc://s/never-clean", "mime type not allowed", None).await.unwrap();

    let found = cache.get("mxc://s/was-clean").await.unwrap().unwrap();
    assert_eq!(found.verdict, CachedVerdict::Blocked { reason: "infected".into(), info: Some("Win.Test.EICAR_HDB-1".into()) });
    assert!(found.bytes.is_none() && found.mime.is_none());
    assert!(cache.get("mxc://s/never-clean").await.unwrap().unwrap().bytes.is_none());
    assert!(entry_files(&folder.dir).is_empty(), "no file for a blocked media");
    assert_eq!(cache.total_bytes().await.unwrap(), 0);

    // A clean verdict later (a false positive fixed) brings bytes back.
    cache.put_clean("mxc://s/never-clean", &media("fixed", 100), None).await.unwrap();
    let fixed = cache.get("mxc://s/never-clean").await.unwrap().unwrap();
    assert_eq!((fixed.verdict, fixed.bytes.unwrap()), (CachedVerdict::Clean, media("fixed", 100)));
}

#[tokio::test]
async fn an_altered_file_is_a_miss_and_is_dropped() {
    let folder = Fixture::new();
    let cache = folder.open(limits()).await;
    cache.put_clean("mxc://s/x", &media("x", 4000), None).await.unwrap();
    let file = entry_files(&folder.dir).remove(0);
    let mut content = std::fs::read(&file).unwrap();
    content[2000] ^= 0x01;
    std::fs::write(&file, &content).unwrap();

    assert!(cache.get("mxc://s/x").await.unwrap().is_none());
    assert!(!file.exists(), "the damaged file is dropped");
    assert_eq!(cache.total_bytes().await.unwrap(), 0, "and its row");

    // Truncated, or gone: a miss too.
    cache.put_clean("mxc://s/y", &media("y", 4000), None).await.unwrap();
    let file = entry_files(&folder.dir).remove(0);
    std::fs::write(&file, &std::fs::read(&file).unwrap()[..100]).unwrap();
    assert!(cache.get("mxc://s/y").await.unwrap().is_none());
    cache.put_clean("mxc://s/z", &media("z", 4000), None).await.unwrap();
    std::fs::remove_file(entry_files(&folder.dir).remove(0)).unwrap();
    assert!(cache.get("mxc://s/z").await.unwrap().is_none());

    // The cache still works.
    cache.put_clean("mxc://s/x", &media("x", 4000), None).await.unwrap();
    assert_eq!(cache.get("mxc://s/x").await.unwrap().unwrap().bytes.unwrap(), media("x", 4000));
}

#[tokio::test]
async fn a_file_swapped_for_another_entry_does_not_open() {
    let folder = Fixture::new();
    let cache = folder.open(limits()).await;
    cache.put_clean("mxc://s/harmless", &media("harmless", 3000), None).await.unwrap();
    let harmless = entry_files(&folder.dir).remove(0);
    cache.put_clean("mxc://s/other", &media("other!!!", 3000), None).await.unwrap();
    let other = entry_files(&folder.dir).into_iter().find(|f| *f != harmless).unwrap();

    // Both files are authentic and of the same length, each under the other's name.
    let (a, b) = (std::fs::read(&harmless).unwrap(), std::fs::read(&other).unwrap());
    std::fs::write(&harmless, &b).unwrap();
    std::fs::write(&other, &a).unwrap();

    assert!(cache.get("mxc://s/harmless").await.unwrap().is_none());
    assert!(cache.get("mxc://s/other").await.unwrap().is_none());
}

#[tokio::test]
async fn another_key_finds_nothing_and_leaves_nothing_behind() {
    let folder = Fixture::new();
    let cache = folder.open(limits()).await;
    cache.put_clean("mxc://s/a", &media("a", 3000), None).await.unwrap();
    cache.put_blocked("mxc://s/b", "infected", None).await.unwrap();
    drop(cache);

    let cache = open_with(&folder.dir, &CacheKey::generate().to_bytes(), limits()).await;
    assert!(cache.get("mxc://s/a").await.unwrap().is_none());
    assert!(cache.get("mxc://s/b").await.unwrap().is_none());
    assert!(entry_files(&folder.dir).is_empty(), "files no key can open are removed");
    assert_eq!(cache.total_bytes().await.unwrap(), 0);
    cache.put_clean("mxc://s/a", &media("new", 100), None).await.unwrap();
    assert_eq!(cache.get("mxc://s/a").await.unwrap().unwrap().bytes.unwrap(), media("new", 100));
}

#[tokio::test]
async fn an_unreadable_index_starts_an_empty_cache() {
    let folder = Fixture::new();
    let cache = folder.open(limits()).await;
    cache.put_clean("mxc://s/a", &media("a", 3000), None).await.unwrap();
    cache.close_and_delete().await.unwrap();
    std::fs::create_dir(&folder.dir).unwrap();
    std::fs::write(folder.dir.join("index.sqlite"), vec![0x5a; 8192]).unwrap();

    let cache = folder.open(limits()).await;
    assert!(cache.get("mxc://s/a").await.unwrap().is_none());
    cache.put_clean("mxc://s/a", &media("a", 3000), None).await.unwrap();
    assert!(cache.get("mxc://s/a").await.unwrap().is_some());
}

#[tokio::test]
async fn hostile_keys_never_become_paths() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("account").join("media-cache");
    std::fs::create_dir_all(root.path().join("account")).unwrap();
    let key = CacheKey::generate().to_bytes();
    let cache = open_with(&dir, &key, limits()).await;
    let long = "é/".repeat(5000);
    let hostile = [
        "../../.bashrc",
        "mxc://x/../../y",
        "/etc/passwd",
        "..",
        "",
        "a\0b\n\r\t\u{1b}[31m",
        "C:\\Windows\\System32\\evil.dll",
        "index.sqlite",
        long.as_str(),
    ];
    for (i, key) in hostile.iter().enumerate() {
        cache.put_clean(key, &media(&i.to_string(), 100 + i), Some("image/png")).await.unwrap();
    }
    for (i, key) in hostile.iter().enumerate() {
        assert_eq!(cache.get(key).await.unwrap().unwrap().bytes.unwrap(), media(&i.to_string(), 100 + i), "key {i}");
    }

    assert_eq!(names_in(root.path()), ["account"]);
    assert_eq!(names_in(&root.path().join("account")), ["media-cache"]);
    assert_eq!(entry_files(&dir).len(), hostile.len());
    for name in names_in(&dir) {
        assert!(name.len() == 64 || name.starts_with("index.sqlite"), "unexpected file {name:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_puts_and_gets_stay_consistent() {
    let folder = Fixture::new();
    // Small enough that eviction runs all along.
    let cache = Arc::new(folder.open(CacheLimits { max_bytes: 60_000, ..limits() }).await);
    let mut tasks = Vec::new();
    for task in 0..12u32 {
        let cache = cache.clone();
        tasks.push(tokio::spawn(async move {
            for round in 0..25u32 {
                let name = format!("mxc://s/{}", (task + round) % 6);
                match (task + round) % 5 {
                    0 => cache.put_blocked(&name, "infected", None).await.unwrap(),
                    1 | 2 => {
                        let bytes = [name.as_bytes(), b"|", &media("c", (round as usize * 997) % 9000)].concat();
                        cache.put_clean(&name, &bytes, Some("image/png")).await.unwrap();
                    }
                    _ => {
                        if let Some(found) = cache.get(&name).await.unwrap()
                            && let Some(bytes) = found.bytes
                        {
                            assert!(bytes.starts_with(format!("{name}|").as_bytes()), "another entry's bytes");
                            assert_eq!(found.verdict, CachedVerdict::Clean);
                        }
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }

    // The index and the folder agree: each clean entry has its file, no file is left over.
    let on_disk: u64 = entry_files(&folder.dir).iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
    assert_eq!(cache.total_bytes().await.unwrap(), on_disk);
    assert!(on_disk <= 60_000);
    assert!(names_in(&folder.dir).iter().all(|n| !n.ends_with(".tmp")));
    let mut clean_with_bytes = 0;
    for i in 0..6 {
        if let Some(found) = cache.get(&format!("mxc://s/{i}")).await.unwrap() {
            clean_with_bytes += usize::from(found.bytes.is_some());
        }
    }
    assert_eq!(clean_with_bytes, entry_files(&folder.dir).len());
}

#[tokio::test]
async fn deleting_removes_the_cache_folder_and_nothing_else() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("media-cache");
    std::fs::write(root.path().join("session.json"), "{}").unwrap();
    let key = CacheKey::generate().to_bytes();
    let cache = open_with(&dir, &key, limits()).await;
    cache.put_clean("mxc://s/a", &media("a", 1000), None).await.unwrap();
    cache.close_and_delete().await.unwrap();
    assert_eq!(names_in(root.path()), ["session.json"]);
    // Already gone: nothing to do.
    MediaCache::delete(&dir).await.unwrap();

    // A folder that is not (only) a cache is refused and left as it was.
    let refused = MediaCache::delete(root.path()).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::Storage);
    assert_eq!(names_in(root.path()), ["session.json"]);

    let cache = open_with(&dir, &key, limits()).await;
    cache.put_clean("mxc://s/a", &media("a", 1000), None).await.unwrap();
    drop(cache);
    std::fs::write(dir.join("notes.txt"), "the user's").unwrap();
    assert!(MediaCache::delete(&dir).await.is_err());
    assert!(dir.join("notes.txt").exists() && dir.join("index.sqlite").exists() && entry_files(&dir).len() == 1);

    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(MediaCache::delete(&empty).await.is_err(), "no index: not a cache folder");
    assert!(empty.exists());
}
