//! Files the app writes: private to the user, complete or absent, and never
//! written with fsync on an async worker.

use std::path::{Path, PathBuf};

use crate::error::{AppError, AppResult};

/// Runs blocking file work (fsync, deletions of whole folders) off the async
/// workers, so the sync and the UI's commands never wait behind a disk.
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> AppResult<T> + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::internal("file task", e))?
}

/// Writes `bytes` to `path`, readable by the user only (0600 on Unix), and
/// flushes it to the disk.
#[cfg(unix)]
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates `{stem}.txt` in `dir`, or `{stem} (2).txt`, `(3)`… when the name
/// is taken: a file the user already has is never replaced. Readable by the
/// user only (0600 on Unix).
pub fn create_new_private_text_file(dir: &Path, stem: &str) -> std::io::Result<(std::fs::File, PathBuf)> {
    for attempt in 1..100 {
        let name = match attempt {
            1 => format!("{stem}.txt"),
            n => format!("{stem} ({n}).txt"),
        };
        let path = dir.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "too many files with that name"))
}
