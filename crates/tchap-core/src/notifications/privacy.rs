//! Privacy mode: notifications say "Nouveau message" and nothing else (no
//! name, no content), for screens others can see. A setting of this
//! computer, not of the account: kept in the app's data folder.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{
    error::{AppError, AppResult},
    files,
};

const FILE: &str = "notifications.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    privacy_mode: bool,
}

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// Off until the user turns it on; a file that cannot be read says on: the
/// user asked for it once, and showing less is the safe side.
pub fn load(data_dir: &Path) -> bool {
    match std::fs::read(path(data_dir)) {
        Ok(bytes) => serde_json::from_slice::<Stored>(&bytes).map_or(true, |stored| stored.privacy_mode),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(_) => true,
    }
}

/// Saves the choice: the file is replaced whole or not at all.
pub async fn save(data_dir: &Path, privacy_mode: bool) -> AppResult<()> {
    let (target, temporary) = (path(data_dir), data_dir.join(format!("{FILE}.new")));
    let bytes = serde_json::to_vec(&Stored { privacy_mode }).map_err(|e| AppError::internal("privacy mode", e))?;
    files::blocking(move || {
        files::write_private(&temporary, &bytes).map_err(|e| AppError::storage("privacy mode", e))?;
        std::fs::rename(&temporary, &target).map_err(|e| AppError::storage("privacy mode", e))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_choice_is_kept_and_a_damaged_file_means_private() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!load(dir.path()), "off by default");
        save(dir.path(), true).await.unwrap();
        assert!(load(dir.path()));
        save(dir.path(), false).await.unwrap();
        assert!(!load(dir.path()));
        std::fs::write(dir.path().join(FILE), b"{not json").unwrap();
        assert!(load(dir.path()));
    }
}
