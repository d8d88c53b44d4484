//! One process per data folder: two processes on the same stores would both
//! write the crypto store and fight over the sync. The shell's single-instance
//! plugin brings the running window to the front; this lock is the guarantee
//! underneath it, whatever launched the second process.

use std::{fs::File, path::Path};

use crate::error::{AppError, AppResult, ErrorCode};

const LOCK_FILE: &str = "tchap.lock";

/// Held for as long as the process uses the data folder; released by the OS
/// when the process ends, even if it crashes.
#[derive(Debug)]
pub struct ProfileLock {
    _file: File,
}

impl ProfileLock {
    /// Fails with `already_running` when another process holds the folder.
    pub fn acquire(data_dir: &Path) -> AppResult<Self> {
        std::fs::create_dir_all(data_dir).map_err(|e| AppError::storage("data folder", e))?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(data_dir.join(LOCK_FILE))
            .map_err(|e| AppError::storage("lock file", e))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(AppError::new(ErrorCode::AlreadyRunning, "another Tchap process uses this data folder"))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(AppError::storage("lock file", e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let data = tempfile::tempdir().unwrap();
        let first = ProfileLock::acquire(data.path()).unwrap();
        assert_eq!(ProfileLock::acquire(data.path()).unwrap_err().code, ErrorCode::AlreadyRunning);
        drop(first);
        ProfileLock::acquire(data.path()).expect("free again once the first process is gone");
    }
}
