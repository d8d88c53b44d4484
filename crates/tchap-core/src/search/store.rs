//! Where the message index lives and what encrypts it: one tantivy index per
//! room under the account folder (so a logout the user asked for removes it
//! with the account's other data), encrypted by the SDK's encrypted
//! directory with a passphrase derived from the stores' key — which is kept
//! in the OS secret store beside the tokens, never on disk.

use std::path::{Path, PathBuf};

use matrix_sdk::{ruma::RoomId, search_index::SearchIndexStoreKind};
use matrix_sdk_search::index::builder::RoomIndexBuilder;
use tracing::warn;
use zeroize::Zeroizing;

const INDEX_FOLDER: &str = "search-index";
const SET_ASIDE_FOLDER: &str = "search-index-unreadable";
/// The index's passphrase is a subkey: the stores' key itself never reaches
/// the index's own key derivation.
const KEY_CONTEXT: &str = "tchap-desktop search index v1: passphrase";

pub fn index_dir(account_dir: &Path) -> PathBuf {
    account_dir.join(INDEX_FOLDER)
}

pub(super) fn passphrase(store_key: &[u8; 32]) -> Zeroizing<String> {
    Zeroizing::new(hex::encode(blake3::derive_key(KEY_CONTEXT, store_key)))
}

/// What the client builder takes: the encrypted index of this account.
pub fn store_kind(account_dir: &Path, store_key: &[u8; 32]) -> SearchIndexStoreKind {
    SearchIndexStoreKind::EncryptedDirectory(index_dir(account_dir), passphrase(store_key).to_string())
}

/// Opens every room's index with this account's key before the client uses
/// them. One that can't be opened (damaged files, another key) is moved to
/// `search-index-unreadable/` — never deleted — and its room is indexed
/// again from the start. Returns the rooms set aside. Blocking (file I/O and
/// the index's key derivation): call it off the async workers.
pub fn set_aside_unreadable(account_dir: &Path, store_key: &[u8; 32]) -> Vec<String> {
    let dir = index_dir(account_dir);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let passphrase = passphrase(store_key);
    let mut set_aside = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(room_id) = RoomId::parse(&name) else { continue };
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| RoomIndexBuilder::new_on_disk(dir.clone(), room_id.clone()).encrypted(passphrase.as_str()).build()));
        if matches!(opened, Ok(Ok(_))) {
            continue;
        }
        let aside = account_dir.join(SET_ASIDE_FOLDER).join(format!("{name}-{}", chrono::Local::now().format("%Y%m%d-%H%M%S")));
        let moved = std::fs::create_dir_all(account_dir.join(SET_ASIDE_FOLDER)).and_then(|()| std::fs::rename(entry.path(), &aside));
        match moved {
            Ok(()) => {
                warn!(room = %room_id, "unreadable search index set aside; the room is indexed again");
                set_aside.push(room_id.to_string());
            }
            Err(error) => warn!(room = %room_id, %error, "unreadable search index could not be set aside"),
        }
    }
    set_aside
}
