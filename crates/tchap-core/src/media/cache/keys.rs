//! The cache's secret key and what is derived from it: the files' encryption
//! key, the keyed names of entries, and a check value that tells at open
//! whether the folder was written with this key.

use zeroize::{Zeroize, Zeroizing};

use crate::error::{AppError, AppResult};

/// The 32-byte secret of an account's media cache, kept by the caller (in the
/// OS secret store); wiped from memory when dropped.
pub struct CacheKey([u8; 32]);

impl Drop for CacheKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl CacheKey {
    pub const LEN: usize = 32;

    /// A new random key, for a new account (or a cache whose key was lost).
    pub fn generate() -> Self {
        Self(rand::random())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// For bytes read back from a store: anything but 32 bytes is refused.
    pub fn from_slice(bytes: &[u8]) -> AppResult<Self> {
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| AppError::storage("media cache key", "not 32 bytes"))?;
        Ok(Self(bytes))
    }

    /// To save the key (e.g. hex-encoded in the secret store).
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0)
    }

    pub(super) fn derive(&self) -> DerivedKeys {
        DerivedKeys {
            file_key: Zeroizing::new(blake3::derive_key("tchap-desktop media cache v1: file encryption", &self.0)),
            name_key: Zeroizing::new(blake3::derive_key("tchap-desktop media cache v1: entry names", &self.0)),
            check: blake3::derive_key("tchap-desktop media cache v1: key check", &self.0),
        }
    }
}

// Never print the key, even in a debug log.
impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheKey(..)")
    }
}

/// Separate keys for separate uses, so that the names (visible on disk) say
/// nothing about the encryption key.
pub(super) struct DerivedKeys {
    pub file_key: Zeroizing<[u8; 32]>,
    name_key: Zeroizing<[u8; 32]>,
    /// Stored in the index: another key gives another value.
    pub check: [u8; 32],
}

impl DerivedKeys {
    /// The entry of a caller's key string (an `mxc://` URI, a thumbnail
    /// size…): a keyed hash, so the folder does not tell which media were
    /// seen to someone who can guess their URIs, and any string, however
    /// hostile, becomes 64 hex digits.
    pub fn entry_of(&self, media_key: &str) -> EntryName {
        EntryName(*blake3::keyed_hash(&self.name_key, media_key.as_bytes()).as_bytes())
    }
}

/// An entry's name: the index's primary key and its file's name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct EntryName([u8; 32]);

impl EntryName {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    /// A file name of the folder that is an entry's (64 lowercase hex digits).
    pub fn from_hex(name: &str) -> Option<Self> {
        if name.len() != 64 || !name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(name, &mut bytes).ok()?;
        Some(Self(bytes))
    }
}
