//! Where a session's files live in the data folder, and which one is current.
//!
//! Each sign-in gets a folder of its own under `sessions/`; the small file
//! `current-session` names the one the app reopens at start. A new sign-in is
//! built in its own folder and only becomes current once it succeeded, so a
//! failed attempt (wrong password, server down, full disk) never touches an
//! earlier session: its stores and keyring entry stay as they were. A session
//! that is no longer current (replaced by a new sign-in, or whose secrets
//! could not be found) is kept on disk, never deleted behind the user's back.
//!
//! Before this layout, the one session lived in `account/`: it is still
//! reopened from there when no `current-session` file exists.

use std::path::{Path, PathBuf};

use crate::error::{AppError, AppResult};

const CURRENT_FILE: &str = "current-session";
const SESSIONS_DIR: &str = "sessions";
/// The single folder of the layout before `sessions/`.
const LEGACY_DIR: &str = "account";
/// The stores of a this-run-only session, deleted when it ends.
const THIS_RUN_DIR: &str = "account-this-run";

/// The folder of the session the app reopens at start, if any.
pub fn current(data_dir: &Path) -> AppResult<Option<PathBuf>> {
    match std::fs::read_to_string(data_dir.join(CURRENT_FILE)) {
        Ok(name) => {
            let name = name.trim();
            // Only a folder of ours: the file is data, never a path to follow anywhere.
            let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !valid {
                return Err(AppError::storage("current session file", "malformed"));
            }
            Ok(Some(data_dir.join(SESSIONS_DIR).join(name)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let legacy = data_dir.join(LEGACY_DIR);
            Ok(legacy.join("session.json").exists().then_some(legacy))
        }
        Err(e) => Err(AppError::storage("current session file", e)),
    }
}

/// A new, empty folder for a sign-in attempt (not current yet).
pub fn new_session_dir(data_dir: &Path) -> AppResult<PathBuf> {
    let name = format!("{}-{}", chrono::Local::now().format("%Y%m%d-%H%M%S"), hex::encode(rand::random::<[u8; 4]>()));
    let dir = data_dir.join(SESSIONS_DIR).join(name);
    std::fs::create_dir_all(&dir).map_err(|e| AppError::storage("creating the session folder", e))?;
    Ok(dir)
}

/// Makes `session_dir` the one reopened at start. Written to a temporary
/// file then renamed: a crash leaves either the old or the new pointer.
pub fn make_current(data_dir: &Path, session_dir: &Path) -> AppResult<()> {
    let name = session_dir.file_name().and_then(|n| n.to_str()).ok_or_else(|| AppError::internal("session folder", "no name"))?;
    let tmp = data_dir.join(format!("{CURRENT_FILE}.tmp"));
    crate::files::write_private(&tmp, name.as_bytes()).map_err(|e| AppError::storage("current session file", e))?;
    std::fs::rename(&tmp, data_dir.join(CURRENT_FILE)).map_err(|e| AppError::storage("current session file", e))?;
    // The legacy folder is no longer the current one once a pointer exists;
    // it stays on disk with its data.
    Ok(())
}

/// `session_dir` is no longer reopened at start (it is being deleted).
pub fn forget_if_current(data_dir: &Path, session_dir: &Path) -> AppResult<()> {
    if current(data_dir)?.as_deref() == Some(session_dir) {
        remove_file_if_exists(&data_dir.join(CURRENT_FILE))?;
    }
    Ok(())
}

/// No session is reopened at start any more; every folder stays on disk.
pub fn clear_current(data_dir: &Path) -> AppResult<()> {
    remove_file_if_exists(&data_dir.join(CURRENT_FILE))?;
    // The legacy layout has no pointer: set it aside under `sessions/` so
    // that it is not reopened, without deleting anything.
    let legacy = data_dir.join(LEGACY_DIR);
    if legacy.exists() {
        let aside = data_dir.join(SESSIONS_DIR).join(format!("legacy-{}", hex::encode(rand::random::<[u8; 4]>())));
        std::fs::create_dir_all(data_dir.join(SESSIONS_DIR)).map_err(|e| AppError::storage("sessions folder", e))?;
        std::fs::rename(&legacy, aside).map_err(|e| AppError::storage("setting the old session aside", e))?;
    }
    Ok(())
}

/// The folder of a this-run-only session. Whatever an earlier run left there
/// (the app crashed before it could sign out) is unreadable without the key
/// that died with that run, and is deleted first.
pub fn fresh_this_run_dir(data_dir: &Path) -> AppResult<PathBuf> {
    let dir = data_dir.join(THIS_RUN_DIR);
    remove_dir_if_exists(&dir)?;
    std::fs::create_dir_all(&dir).map_err(|e| AppError::storage("creating the session folder", e))?;
    Ok(dir)
}

/// Deletes what a this-run-only session of a crashed run left.
pub fn remove_this_run_leftovers(data_dir: &Path) -> AppResult<()> {
    remove_dir_if_exists(&data_dir.join(THIS_RUN_DIR))
}

pub fn remove_dir_if_exists(dir: &Path) -> AppResult<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(AppError::storage("deleting local data", e)),
        _ => Ok(()),
    }
}

fn remove_file_if_exists(file: &Path) -> AppResult<()> {
    match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(AppError::storage("current session file", e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_folder_is_current_only_once_made_so() {
        let data = tempfile::tempdir().unwrap();
        assert_eq!(current(data.path()).unwrap(), None);
        let first = new_session_dir(data.path()).unwrap();
        assert_eq!(current(data.path()).unwrap(), None, "an attempt is not current before it succeeds");
        make_current(data.path(), &first).unwrap();
        assert_eq!(current(data.path()).unwrap(), Some(first.clone()));
        let second = new_session_dir(data.path()).unwrap();
        make_current(data.path(), &second).unwrap();
        assert_eq!(current(data.path()).unwrap(), Some(second));
        assert!(first.exists(), "the replaced session's folder is kept");
    }

    #[test]
    fn forgetting_a_session_drops_only_the_pointer_to_it() {
        let data = tempfile::tempdir().unwrap();
        let first = new_session_dir(data.path()).unwrap();
        make_current(data.path(), &first).unwrap();
        let other = new_session_dir(data.path()).unwrap();
        forget_if_current(data.path(), &other).unwrap();
        assert_eq!(current(data.path()).unwrap(), Some(first.clone()), "another session's pointer stays");
        forget_if_current(data.path(), &first).unwrap();
        assert_eq!(current(data.path()).unwrap(), None);
        assert!(first.exists(), "deleting the folder is the caller's decision");
    }

    #[test]
    fn the_legacy_folder_is_reopened_then_set_aside_not_deleted() {
        let data = tempfile::tempdir().unwrap();
        let legacy = data.path().join("account");
        std::fs::create_dir_all(&legacy).unwrap();
        std::fs::write(legacy.join("session.json"), "{}").unwrap();
        assert_eq!(current(data.path()).unwrap(), Some(legacy.clone()));
        clear_current(data.path()).unwrap();
        assert_eq!(current(data.path()).unwrap(), None);
        let kept: Vec<_> = std::fs::read_dir(data.path().join("sessions")).unwrap().flatten().collect();
        assert_eq!(kept.len(), 1);
        assert!(kept[0].path().join("session.json").exists());
    }

    #[test]
    fn a_tampered_pointer_is_refused() {
        let data = tempfile::tempdir().unwrap();
        std::fs::write(data.path().join(CURRENT_FILE), "../../etc").unwrap();
        assert!(current(data.path()).is_err());
    }
}
