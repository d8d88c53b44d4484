//! The entries' bytes: one file per entry in the cache folder, named by its
//! `EntryName` (never by anything the caller wrote), encrypted with
//! XChaCha20-Poly1305 under a random nonce, with the entry's name as
//! associated data so that a file put under another entry's name does not
//! open. Everything here blocks: run it through `files::blocking`.
//!
//! A file is `MAGIC ‖ nonce (24) ‖ ciphertext ‖ tag (16)`.

use std::{
    fs,
    io::{self, Read, Write},
    path::{Path, PathBuf},
};

use chacha20poly1305::{AeadInPlace, KeyInit, Tag, XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::keys::EntryName;

const MAGIC: &[u8; 4] = b"TMC1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = MAGIC.len() + NONCE_LEN;
const TEMP_SUFFIX: &str = ".tmp";

/// The index's files: with the entries' files, all a cache folder may hold.
pub const INDEX_FILE: &str = "index.sqlite";
const INDEX_COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// The index's file and its companions (WAL, shared memory, journal).
pub fn index_files() -> impl Iterator<Item = String> {
    std::iter::once(INDEX_FILE.to_owned()).chain(INDEX_COMPANIONS.iter().map(|suffix| format!("{INDEX_FILE}{suffix}")))
}

/// The file's length for `plain_len` bytes of media.
pub fn encrypted_len(plain_len: usize) -> u64 {
    (HEADER_LEN + plain_len + TAG_LEN) as u64
}

/// Why a file gave no bytes: all of them are a miss for the caller.
pub enum Unreadable {
    Missing,
    /// Its length is not the index's: truncated, replaced, or not ours.
    WrongLength,
    /// Does not decrypt: tampered with, another entry's, another key's.
    NotAuthentic,
    Io(io::Error),
}

/// A file's future content: the header's room, then the media, in one
/// buffer that is encrypted in place (off the async workers).
pub struct Unsealed(Vec<u8>);

impl Unsealed {
    pub fn new(plain: &[u8]) -> Self {
        let mut buffer = Vec::with_capacity(encrypted_len(plain.len()) as usize);
        buffer.extend_from_slice(MAGIC);
        buffer.extend_from_slice(&[0; NONCE_LEN]);
        buffer.extend_from_slice(plain);
        Self(buffer)
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str("file missing"),
            Self::WrongLength => f.write_str("file of the wrong length"),
            Self::NotAuthentic => f.write_str("file does not decrypt"),
            Self::Io(error) => write!(f, "file unreadable: {error}"),
        }
    }
}

/// What a cache folder holds.
pub enum Listed {
    Entry(EntryName),
    /// A write that never finished (the app stopped in the middle).
    Temp(PathBuf),
    Index,
    Foreign(PathBuf),
}

pub struct Blobs {
    dir: PathBuf,
    cipher: XChaCha20Poly1305,
}

/// A complete encrypted file under a temporary name, removed if dropped
/// before `install`.
pub struct TempBlob {
    path: Option<PathBuf>,
    pub size_on_disk: u64,
}

impl Drop for TempBlob {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = fs::remove_file(path);
        }
    }
}

fn associated_data(entry: EntryName) -> [u8; MAGIC.len() + 32] {
    let mut aad = [0u8; MAGIC.len() + 32];
    aad[..MAGIC.len()].copy_from_slice(MAGIC);
    aad[MAGIC.len()..].copy_from_slice(entry.as_bytes());
    aad
}

impl Blobs {
    pub fn new(dir: PathBuf, file_key: &Zeroizing<[u8; 32]>) -> Self {
        let cipher = XChaCha20Poly1305::new(file_key.as_ref().into());
        Self { dir, cipher }
    }

    fn path_of(&self, entry: EntryName) -> PathBuf {
        self.dir.join(entry.to_hex())
    }

    /// Encrypts the media into a new file, flushed to the disk, under a
    /// temporary name. On any failure (a full disk) nothing is left behind.
    pub fn write_temp(&self, entry: EntryName, mut sealed: Unsealed) -> io::Result<TempBlob> {
        let nonce: [u8; NONCE_LEN] = rand::random();
        sealed.0[MAGIC.len()..HEADER_LEN].copy_from_slice(&nonce);
        let tag = self
            .cipher
            .encrypt_in_place_detached(XNonce::from_slice(&nonce), &associated_data(entry), &mut sealed.0[HEADER_LEN..])
            .map_err(|_| io::Error::other("encryption failed"))?;
        sealed.0.extend_from_slice(&tag);
        let sealed = sealed.0;

        let suffix: u64 = rand::random();
        let temp = TempBlob {
            path: Some(self.dir.join(format!(".{}.{suffix:016x}{TEMP_SUFFIX}", entry.to_hex()))),
            size_on_disk: sealed.len() as u64,
        };
        let path = temp.path.as_deref().expect("just set");
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path)?;
        file.write_all(&sealed)?;
        file.sync_all()?;
        Ok(temp)
    }

    /// Gives the complete file its entry's name (replacing the previous one):
    /// a rename, so the name never shows a half-written file.
    pub fn install(&self, mut temp: TempBlob, entry: EntryName) -> io::Result<()> {
        let from = temp.path.take().expect("installed once");
        fs::rename(&from, self.path_of(entry)).inspect_err(|_| {
            let _ = fs::remove_file(&from);
        })
    }

    /// The decrypted bytes of an entry whose file the index says is
    /// `size_on_disk` long (so a hostile file cannot make us read more).
    pub fn read(&self, entry: EntryName, size_on_disk: u64) -> Result<Vec<u8>, Unreadable> {
        let file = match fs::File::open(self.path_of(entry)) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Unreadable::Missing),
            Err(e) => return Err(Unreadable::Io(e)),
        };
        let length = file.metadata().map_err(Unreadable::Io)?.len();
        if length != size_on_disk || length < (HEADER_LEN + TAG_LEN) as u64 {
            return Err(Unreadable::WrongLength);
        }
        let mut sealed = Vec::with_capacity(length as usize);
        file.take(length).read_to_end(&mut sealed).map_err(Unreadable::Io)?;
        if sealed.len() as u64 != length || &sealed[..MAGIC.len()] != MAGIC {
            return Err(Unreadable::NotAuthentic);
        }
        let nonce = *XNonce::from_slice(&sealed[MAGIC.len()..HEADER_LEN]);
        let tag = *Tag::from_slice(&sealed[sealed.len() - TAG_LEN..]);
        let body_end = sealed.len() - TAG_LEN;
        self.cipher
            .decrypt_in_place_detached(&nonce, &associated_data(entry), &mut sealed[HEADER_LEN..body_end], &tag)
            .map_err(|_| Unreadable::NotAuthentic)?;
        sealed.truncate(body_end);
        sealed.drain(..HEADER_LEN);
        Ok(sealed)
    }

    pub fn remove(&self, entry: EntryName) -> io::Result<()> {
        remove_if_present(&self.path_of(entry))
    }

    pub fn list(&self) -> io::Result<Vec<Listed>> {
        list(&self.dir)
    }
}

pub fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn is_temp_name(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(entry, suffix)| EntryName::from_hex(entry).is_some() && suffix.len() == 16 && suffix.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_index_name(name: &str) -> bool {
    name.strip_prefix(INDEX_FILE).is_some_and(|rest| rest.is_empty() || INDEX_COMPANIONS.contains(&rest))
}

/// What `dir` holds, each file classified by its name; sub-folders, links
/// and other names are `Foreign`.
pub fn list(dir: &Path) -> io::Result<Vec<Listed>> {
    let mut listed = Vec::new();
    for item in fs::read_dir(dir)? {
        let item = item?;
        let path = item.path();
        let is_file = item.file_type()?.is_file();
        let name = item.file_name();
        let kind = match name.to_str() {
            Some(name) if is_file && is_index_name(name) => Listed::Index,
            Some(name) if is_file && is_temp_name(name) => Listed::Temp(path),
            Some(name) if is_file => match EntryName::from_hex(name) {
                Some(entry) => Listed::Entry(entry),
                None => Listed::Foreign(path),
            },
            _ => Listed::Foreign(path),
        };
        listed.push(kind);
    }
    Ok(listed)
}

/// Deletes a closed cache folder: only the cache's own files, then the
/// folder. A folder holding anything else, or without the cache's index, is
/// refused and left untouched; a folder that is not there is fine.
pub fn delete_folder(dir: &Path) -> io::Result<()> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
        Ok(meta) if !meta.is_dir() => return Err(io::Error::other("not a media cache folder (not a folder)")),
        Ok(_) => {}
    }
    let listed = list(dir)?;
    if !listed.iter().any(|item| matches!(item, Listed::Index)) || listed.iter().any(|item| matches!(item, Listed::Foreign(_))) {
        return Err(io::Error::other(format!("not a media cache folder, left untouched: {}", dir.display())));
    }
    for item in listed {
        match item {
            Listed::Entry(entry) => remove_if_present(&dir.join(entry.to_hex()))?,
            Listed::Temp(path) => remove_if_present(&path)?,
            Listed::Index | Listed::Foreign(_) => {}
        }
    }
    for name in index_files() {
        remove_if_present(&dir.join(name))?;
    }
    // Fails if anything appeared meanwhile: nothing but ours is ever deleted.
    fs::remove_dir(dir)
}
