//! Saving an attachment where the user keeps their files: under a name made
//! safe from what the sender chose (a name is never a path), and never over
//! an existing file.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

/// What a name becomes when nothing of it is usable.
const FALLBACK_NAME: &str = "fichier";
/// Room for " (999)" within common file systems' 255-byte limit.
const MAX_NAME_BYTES: usize = 200;
/// Tries before giving up on finding a free name.
const MAX_NUMBERED: u32 = 999;

/// The sender's file name, made safe to create in a folder: its last path
/// component only, without control or bidirectional-override characters
/// (a name that reads backwards, "facture" + U+202E + "fdp.exe"), without characters
/// Windows refuses, not hidden (no leading dot), not a device name.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .map(|c| if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') { '_' } else { c })
        .collect();
    let trimmed = kept.trim().trim_start_matches('.').trim_end_matches(['.', ' ']).trim();
    let mut cleaned = if trimmed.is_empty() { FALLBACK_NAME.to_owned() } else { trimmed.to_owned() };
    if is_windows_device_name(&cleaned) {
        cleaned.insert(0, '_');
    }
    shorten(&cleaned)
}

/// Characters that reorder the text around them (U+202E makes what follows read backwards).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_windows_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end().to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT")) && stem.len() == 4 && stem.as_bytes()[3].is_ascii_digit())
}

/// The stem and extension ("rapport", ".pdf"); no extension for "archive".
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if dot > 0 && name.len() - dot <= 16 => name.split_at(dot),
        _ => (name, ""),
    }
}

/// Cuts an over-long name on a character boundary, keeping its extension.
fn shorten(name: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_owned();
    }
    let (stem, extension) = split_extension(name);
    let mut end = MAX_NAME_BYTES - extension.len();
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{extension}", &stem[..end])
}

/// Writes `bytes` in `folder` under the cleaned `name`, or "name (1).ext",
/// "name (2).ext"… when taken: an existing file is never replaced (the file
/// is created only if absent, so two saves at once cannot both win a name).
/// Returns where it was saved.
pub fn save_new_file(folder: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let cleaned = clean_file_name(name);
    let (stem, extension) = split_extension(&cleaned);
    for number in 0..=MAX_NUMBERED {
        let candidate = if number == 0 { cleaned.clone() } else { format!("{stem} ({number}){extension}") };
        let path = folder.join(candidate);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                if let Err(error) = file.write_all(bytes).and_then(|()| file.sync_all()) {
                    // A half-written file (a full disk) is ours to remove: it is no one's data.
                    drop(file);
                    let _ = std::fs::remove_file(&path);
                    return Err(error);
                }
                return Ok(path);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free file name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_name_is_never_a_path() {
        assert_eq!(clean_file_name("../../.bashrc"), "bashrc");
        assert_eq!(clean_file_name("..\\..\\Windows\\system.ini"), "system.ini");
        assert_eq!(clean_file_name("/etc/passwd"), "passwd");
        assert_eq!(clean_file_name(".."), "fichier");
        assert_eq!(clean_file_name(""), "fichier");
        assert_eq!(clean_file_name("rapport\n\r\u{0}\u{1b}[31m.pdf"), "rapport[31m.pdf");
        assert_eq!(clean_file_name("facture\u{202E}fdp.exe"), "facturefdp.exe");
        assert_eq!(clean_file_name("a<b>c:d\"e|f?g*h.txt"), "a_b_c_d_e_f_g_h.txt");
        assert_eq!(clean_file_name("CON.txt"), "_CON.txt");
        assert_eq!(clean_file_name("lpt1"), "_lpt1");
        assert_eq!(clean_file_name("Compte rendu. "), "Compte rendu");
        assert_eq!(clean_file_name("Note de service.pdf"), "Note de service.pdf");
    }

    #[test]
    fn an_over_long_name_keeps_its_extension_and_whole_characters() {
        let long = format!("{}.pdf", "é".repeat(300));
        let cleaned = clean_file_name(&long);
        assert!(cleaned.len() <= MAX_NAME_BYTES, "{}", cleaned.len());
        assert!(cleaned.ends_with("é.pdf"));
    }

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("rapport.pdf"), b"mine").unwrap();
        let first = save_new_file(folder.path(), "rapport.pdf", b"one").unwrap();
        let second = save_new_file(folder.path(), "../rapport.pdf", b"two").unwrap();
        assert_eq!(first, folder.path().join("rapport (1).pdf"));
        assert_eq!(second, folder.path().join("rapport (2).pdf"));
        assert_eq!(std::fs::read(folder.path().join("rapport.pdf")).unwrap(), b"mine");
        assert_eq!(std::fs::read(&second).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 3, "nothing written outside the folder");
    }
}
