//! Privacy mode: notifications say "Nouveau message" and nothing else (no
//! name, no content), for screens others can see. A setting of this
//! computer, not of the account (see `preferences`).

use std::path::Path;

use crate::{error::AppResult, preferences::NOTIFICATION_PRIVACY};

/// Off until the user turns it on; a file that cannot be read says on.
pub fn load(data_dir: &Path) -> bool {
    NOTIFICATION_PRIVACY.load(data_dir)
}

pub async fn save(data_dir: &Path, privacy_mode: bool) -> AppResult<()> {
    NOTIFICATION_PRIVACY.save(data_dir, privacy_mode).await
}
