//! Room keys to and from a file: the spec's encrypted key export format (as
//! Element's "Export E2E room keys"), protected by a passphrase. Lets a
//! session read history without backup or verification.
//!
//! The webview has no file system access: an export goes to a new file in a
//! folder the app picks (the user's Downloads), an import comes as the text
//! the user's file chooser read.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use matrix_sdk::encryption::{KeyExportError, RoomKeyImportError};
use serde::Serialize;
use tracing::{info, warn};

use crate::{context::SessionContext, files::create_new_private_text_file};
use crate::error::{AppError, AppResult, ErrorCode};

/// The file holds every key to the user's history: a short passphrase would
/// be guessed offline.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Far above any real export (a key is about 1 kB): larger content is not
/// a key file, and is refused before it reaches the disk.
pub const MAX_KEY_FILE_BYTES: usize = 50 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyImportResult {
    /// Keys this session did not have yet.
    pub imported: u32,
    /// Keys found in the file.
    pub total: u32,
}

/// Writes every room key this session has to `path` (replaced if it
/// exists), encrypted with `passphrase`.
/// Returns how many keys were written.
pub async fn export_room_keys(session: &SessionContext, path: &Path, passphrase: &str) -> AppResult<u32> {
    const CONTEXT: &str = "exporting room keys";
    check_export_passphrase(CONTEXT, passphrase)?;
    check_absolute(CONTEXT, path)?;
    let mut exported: u32 = 0;
    let counting = |_: &_| {
        exported += 1;
        true
    };
    session.client().encryption().export_room_keys(path.to_owned(), passphrase, counting).await.map_err(|e| match e {
        matrix_sdk::Error::Io(io) => AppError::new(ErrorCode::FileNotAccessible, format!("{CONTEXT}: {io}")),
        other => AppError::from_sdk(CONTEXT, &other),
    })?;
    info!(count = exported, "room keys exported");
    Ok(exported)
}

/// Exports this session's room keys (see `export_room_keys`) to a new file
/// "Tchap - clés de chiffrement (AAAA-MM-JJ).txt" in `dir` — " (2)"… when
/// taken: an earlier export is never replaced. Returns its path.
pub async fn export_room_keys_to_new_file(session: &SessionContext, dir: &Path, passphrase: &str) -> AppResult<PathBuf> {
    const CONTEXT: &str = "exporting room keys";
    // Checked before the file is created, so that nothing is left behind.
    check_export_passphrase(CONTEXT, passphrase)?;
    let not_accessible = |e: std::io::Error| AppError::new(ErrorCode::FileNotAccessible, format!("{CONTEXT}: {e}"));
    std::fs::create_dir_all(dir).map_err(not_accessible)?;
    let dir = std::path::absolute(dir).map_err(not_accessible)?;
    // Reserves the name (create-new, private); the export then fills it.
    let (file, path) = create_new_private_text_file(&dir, &export_file_stem(&today())).map_err(not_accessible)?;
    drop(file);
    match export_room_keys(session, &path, passphrase).await {
        Ok(_) => Ok(path),
        Err(error) => {
            let _ = std::fs::remove_file(&path);
            Err(error)
        }
    }
}

/// "Tchap - clés de chiffrement (2026-11-24)", for a date "2026-11-24".
pub fn export_file_stem(date: &str) -> String {
    format!("Tchap - clés de chiffrement ({date})")
}

/// Adds the keys of an export file's `content` (as the user's file chooser
/// read it) to this session's. The content goes through a private file in
/// `scratch_dir` (the app's data folder), the SDK's only way in, deleted
/// right after.
pub async fn import_room_keys_text(session: &SessionContext, scratch_dir: &Path, content: &str, passphrase: &str) -> AppResult<KeyImportResult> {
    const CONTEXT: &str = "importing room keys";
    if content.len() > MAX_KEY_FILE_BYTES {
        return Err(AppError::new(ErrorCode::InvalidKeyFile, format!("{CONTEXT}: {} bytes, more than a key file", content.len())));
    }
    if passphrase.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidKeyFilePassphrase, format!("{CONTEXT}: empty passphrase")));
    }
    let scratch = ScratchFile::write(scratch_dir, content)?;
    import_room_keys(session, &scratch.0, passphrase).await
}

/// A private temporary file, deleted when dropped (also when the import
/// fails or its future is dropped).
struct ScratchFile(PathBuf);

impl ScratchFile {
    fn write(dir: &Path, content: &str) -> AppResult<Self> {
        const CONTEXT: &str = "importing room keys: temporary file";
        let dir = std::path::absolute(dir).map_err(|e| AppError::storage(CONTEXT, e))?;
        std::fs::create_dir_all(&dir).map_err(|e| AppError::storage(CONTEXT, e))?;
        let stem = format!("room-keys-import-{}", hex::encode(rand::random::<[u8; 8]>()));
        let (mut file, path) = create_new_private_text_file(&dir, &stem).map_err(|e| AppError::storage(CONTEXT, e))?;
        let scratch = Self(path);
        file.write_all(content.as_bytes()).map_err(|e| AppError::storage(CONTEXT, e))?;
        Ok(scratch)
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_file(&self.0) {
            warn!(%error, "the temporary key import file could not be deleted");
        }
    }
}

/// Today's date on this computer, "AAAA-MM-JJ".
fn today() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

/// Adds the keys of an export file to this session's; messages they unlock
/// are decrypted in open timelines by themselves.
pub async fn import_room_keys(session: &SessionContext, path: &Path, passphrase: &str) -> AppResult<KeyImportResult> {
    const CONTEXT: &str = "importing room keys";
    check_absolute(CONTEXT, path)?;
    if passphrase.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidKeyFilePassphrase, format!("{CONTEXT}: empty passphrase")));
    }
    let result = session.client().encryption().import_room_keys(path.to_owned(), passphrase).await.map_err(|e| import_error(CONTEXT, e))?;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let result = KeyImportResult { imported: count(result.imported_count), total: count(result.total_count) };
    info!(imported = result.imported, total = result.total, "room keys imported");
    Ok(result)
}

fn check_export_passphrase(context: &str, passphrase: &str) -> AppResult<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(AppError::new(ErrorCode::WeakPassphrase, format!("{context}: the passphrase needs at least {MIN_PASSPHRASE_CHARS} characters")));
    }
    Ok(())
}

/// A relative path would land wherever the app happens to run.
fn check_absolute(context: &str, path: &Path) -> AppResult<()> {
    if path.is_absolute() { Ok(()) } else { Err(AppError::internal(context, "the file path is not absolute")) }
}

fn import_error(context: &str, error: RoomKeyImportError) -> AppError {
    use std::io::ErrorKind as Io;
    let code = match &error {
        // The file's MAC is keyed by the passphrase: a mismatch means a wrong
        // passphrase (or a damaged file, which the user cannot tell apart).
        RoomKeyImportError::Export(KeyExportError::InvalidMac) => ErrorCode::InvalidKeyFilePassphrase,
        RoomKeyImportError::Io(_) => ErrorCode::FileNotAccessible,
        // Reading a binary or truncated file fails as I/O inside the parser.
        RoomKeyImportError::Export(KeyExportError::Io(io)) if !matches!(io.kind(), Io::InvalidData | Io::UnexpectedEof) => ErrorCode::FileNotAccessible,
        RoomKeyImportError::Export(_) | RoomKeyImportError::SerdeJson(_) => ErrorCode::InvalidKeyFile,
        RoomKeyImportError::CryptoStore(_) => ErrorCode::Storage,
        RoomKeyImportError::StoreClosed => ErrorCode::NotLoggedIn,
    };
    AppError::new(code, format!("{context}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_errors_tell_a_wrong_passphrase_from_a_wrong_file() {
        let code = |e| import_error("test", e).code;
        assert_eq!(code(RoomKeyImportError::Export(KeyExportError::InvalidMac)), ErrorCode::InvalidKeyFilePassphrase);
        assert_eq!(code(RoomKeyImportError::Export(KeyExportError::InvalidHeaders)), ErrorCode::InvalidKeyFile);
        assert_eq!(code(RoomKeyImportError::Export(KeyExportError::Io(std::io::ErrorKind::InvalidData.into()))), ErrorCode::InvalidKeyFile);
        assert_eq!(code(RoomKeyImportError::Io(std::io::ErrorKind::NotFound.into())), ErrorCode::FileNotAccessible);
        assert_eq!(code(RoomKeyImportError::Export(KeyExportError::Io(std::io::ErrorKind::PermissionDenied.into()))), ErrorCode::FileNotAccessible);
    }

    #[test]
    fn export_files_are_named_after_the_day() {
        assert_eq!(export_file_stem("2026-11-24"), "Tchap - clés de chiffrement (2026-11-24)");
        let today = today();
        assert!(today.len() == 10 && today.as_bytes()[4] == b'-' && today.as_bytes()[7] == b'-', "{today}");
    }

    #[test]
    fn the_scratch_file_is_private_and_goes_away() {
        let dir = tempfile::tempdir().unwrap();
        let scratch = ScratchFile::write(dir.path(), "-----BEGIN MEGOLM SESSION DATA-----").unwrap();
        let path = scratch.0.clone();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "-----BEGIN MEGOLM SESSION DATA-----");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        drop(scratch);
        assert!(!path.exists());
    }
}
