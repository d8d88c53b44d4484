//! Room keys to and from a file the user chose: the spec's encrypted key
//! export format (as Element's "Export E2E room keys"), protected by a
//! passphrase. Lets a session read history without backup or verification.

use std::path::Path;

use matrix_sdk::encryption::{KeyExportError, RoomKeyImportError};
use serde::Serialize;
use tracing::info;

use super::session::Session;
use crate::error::{AppError, AppResult, ErrorCode};

/// The file holds every key to the user's history: a short passphrase would
/// be guessed offline.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyImportResult {
    /// Keys this session did not have yet.
    pub imported: u32,
    /// Keys found in the file.
    pub total: u32,
}

/// Writes every room key this session has to `path` (replaced if it
/// exists: the save dialog already asked), encrypted with `passphrase`.
/// Returns how many keys were written.
pub async fn export_room_keys(session: &Session, path: &Path, passphrase: &str) -> AppResult<u32> {
    const CONTEXT: &str = "exporting room keys";
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(AppError::new(ErrorCode::WeakPassphrase, format!("{CONTEXT}: the passphrase needs at least {MIN_PASSPHRASE_CHARS} characters")));
    }
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

/// Adds the keys of an export file to this session's; messages they unlock
/// are decrypted in open timelines by themselves.
pub async fn import_room_keys(session: &Session, path: &Path, passphrase: &str) -> AppResult<KeyImportResult> {
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

/// The UI passes the path a file dialog returned; a relative one would land
/// wherever the app happens to run.
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
}
