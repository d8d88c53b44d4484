//! Writing the report where the user chose: complete or not at all. The
//! save dialog already asked before replacing a file; until the new one is
//! whole, the old one stays.

use std::{
    fs::File,
    io::{self, Write},
    path::{Path, PathBuf},
};

use crate::error::{AppError, AppResult, ErrorCode};

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed over `path` once complete and on the disk.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> AppResult<()> {
    write_replacing_with(path, |file| file.write_all(bytes))
}

fn write_replacing_with(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> AppResult<()> {
    let (mut file, temporary) = create_temporary(path).map_err(|e| file_error(path, e))?;
    let written = write(&mut file).and_then(|()| file.sync_all()).and_then(|()| {
        drop(file);
        std::fs::rename(&temporary, path)
    });
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        file_error(path, e)
    })
}

/// A new file beside `path`: `.{name}.{random}.part`, the user's only.
fn create_temporary(path: &Path) -> io::Result<(File, PathBuf)> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?.to_string_lossy();
    let temporary = folder.join(format!(".{name}.{:08x}.part", rand::random::<u32>()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    Ok((options.open(&temporary)?, temporary))
}

/// A full disk is said as such; anything else is the place.
fn file_error(path: &Path, error: io::Error) -> AppError {
    let code = match error.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => ErrorCode::DiskFull,
        _ => ErrorCode::FileNotAccessible,
    };
    AppError::new(code, format!("bug report {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    #[test]
    fn writes_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rapport.txt");
        write_replacing(&path, b"rapport").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"rapport");
        assert_eq!(entries(dir.path()), ["rapport.txt"]);
    }

    #[test]
    fn replaces_a_file_the_user_agreed_to_replace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rapport.txt");
        std::fs::write(&path, "ancien rapport, plus long que le nouveau").unwrap();
        write_replacing(&path, b"nouveau").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"nouveau");
        assert_eq!(entries(dir.path()), ["rapport.txt"]);
    }

    #[test]
    fn a_disk_full_half_way_leaves_no_file_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rapport.txt");
        let error = write_replacing_with(&path, |file| {
            file.write_all(b"the first half")?;
            Err(io::ErrorKind::StorageFull.into())
        })
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::DiskFull);
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
    }

    #[test]
    fn a_failed_write_keeps_the_file_it_was_to_replace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rapport.txt");
        std::fs::write(&path, "ancien").unwrap();
        let error = write_replacing_with(&path, |file| {
            file.write_all(b"nouv")?;
            Err(io::ErrorKind::PermissionDenied.into())
        })
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::FileNotAccessible);
        assert_eq!(std::fs::read(&path).unwrap(), b"ancien");
        assert_eq!(entries(dir.path()), ["rapport.txt"]);
    }

    #[test]
    fn a_refused_rename_removes_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder with something in it cannot be replaced by a file.
        let path = dir.path().join("rapport.txt");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "x").unwrap();
        let error = write_replacing(&path, b"rapport").unwrap_err();
        assert_eq!(error.code, ErrorCode::FileNotAccessible);
        assert_eq!(entries(dir.path()), ["rapport.txt"]);
        assert!(path.is_dir());
    }

    #[test]
    fn a_missing_folder_is_said_and_nothing_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let error = write_replacing(&dir.path().join("absent/rapport.txt"), b"rapport").unwrap_err();
        assert_eq!(error.code, ErrorCode::FileNotAccessible);
        assert!(entries(dir.path()).is_empty());
    }
}
