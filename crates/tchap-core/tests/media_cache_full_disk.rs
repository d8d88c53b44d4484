//! A put that cannot be written (a full disk) fails with a `storage` error and
//! leaves the cache as it was. The disk is "full" through the process's file
//! size limit (RLIMIT_FSIZE): writes past it fail like on a full disk. Alone
//! in its own test binary, since the limit holds for the whole process.

#![cfg(unix)]

use tchap_core::{
    error::ErrorCode,
    media::cache::{CacheKey, CacheLimits, MediaCache},
};

const LIMIT: u64 = 512 * 1024;

/// Sets the soft limit (the hard one stays), returning the previous one.
fn set_file_size_limit(bytes: libc::rlim_t) -> libc::rlim_t {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain system calls on a local struct; ignoring SIGXFSZ makes an
    // oversized write fail with EFBIG instead of killing the process.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        assert_eq!(libc::getrlimit(libc::RLIMIT_FSIZE, &mut limit), 0);
        let previous = limit.rlim_cur;
        limit.rlim_cur = bytes.min(limit.rlim_max);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
        previous
    }
}

#[tokio::test]
async fn a_put_the_disk_cannot_take_fails_and_changes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("media-cache");
    let cache = MediaCache::open(&dir, CacheKey::generate(), CacheLimits::default()).await.unwrap();
    cache.put_clean("mxc://s/kept", &vec![7u8; 10_000], Some("image/png")).await.unwrap();
    cache.put_clean("mxc://s/big", &vec![1u8; 1000], Some("image/png")).await.unwrap();
    let before = cache.total_bytes().await.unwrap();

    let unlimited = set_file_size_limit(LIMIT as libc::rlim_t);
    let error = cache.put_clean("mxc://s/big", &vec![9u8; 2 * LIMIT as usize], None).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Storage, "{error}");
    let error = cache.put_clean("mxc://s/new", &vec![9u8; 2 * LIMIT as usize], None).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Storage, "{error}");

    // As it was: the old entries whole, no half file, no row without its file.
    assert_eq!(cache.get("mxc://s/kept").await.unwrap().unwrap().bytes.unwrap(), vec![7u8; 10_000]);
    assert_eq!(cache.get("mxc://s/big").await.unwrap().unwrap().bytes.unwrap(), vec![1u8; 1000]);
    assert!(cache.get("mxc://s/new").await.unwrap().is_none());
    assert_eq!(cache.total_bytes().await.unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(names.iter().all(|name| !name.ends_with(".tmp")), "{names:?}");
    assert_eq!(names.iter().filter(|name| name.len() == 64).count(), 2, "{names:?}");

    // Room again: the same put goes through.
    set_file_size_limit(unlimited);
    cache.put_clean("mxc://s/new", &vec![9u8; 2 * LIMIT as usize], None).await.unwrap();
    assert_eq!(cache.get("mxc://s/new").await.unwrap().unwrap().bytes.unwrap().len(), 2 * LIMIT as usize);
}
