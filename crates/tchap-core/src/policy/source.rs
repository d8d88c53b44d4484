//! Where an administrator puts the policy: a system-wide JSON file named
//! after the app's identifier (`TCHAP_POLICY_FILE` overrides it: tests, an
//! administrator's dry run), and on Windows the Group Policy registry key,
//! whose values (named like the file's keys) override the file's.

use std::path::PathBuf;

use serde_json::{Map, Value};

/// The app's identifier (`tauri.conf.json`).
pub const APP_IDENTIFIER: &str = "fr.gouv.tchap.desktop";

/// A policy larger than this is not a policy (bounded reading).
const MAX_POLICY_BYTES: u64 = 256 * 1024;

/// The policy file's path on this system.
pub fn policy_file() -> PathBuf {
    if let Some(path) = std::env::var_os("TCHAP_POLICY_FILE") {
        return PathBuf::from(path);
    }
    system_folder().join(APP_IDENTIFIER).join("policy.json")
}

#[cfg(windows)]
fn system_folder() -> PathBuf {
    std::env::var_os("ProgramData").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"))
}

#[cfg(not(windows))]
fn system_folder() -> PathBuf {
    PathBuf::from("/etc")
}

/// What was found: nothing (no policy), the raw document and where it came
/// from, or why it could not be read.
pub enum Found {
    Nothing,
    Document { json: Vec<u8>, from: String },
    Unreadable { reason: String, from: String },
}

/// Reads the policy file, then (Windows, unless `TCHAP_POLICY_FILE` is
/// set) overlays the registry key's values.
pub fn read() -> Found {
    let path = policy_file();
    let from = path.display().to_string();
    let file = match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Ok(meta) if meta.len() > MAX_POLICY_BYTES => return Found::Unreadable { reason: format!("{} bytes, more than a policy takes", meta.len()), from },
        _ => match std::fs::read(&path) {
            Ok(json) => Some(json),
            Err(e) => return Found::Unreadable { reason: format!("cannot be read: {e}"), from },
        },
    };
    let registry = if std::env::var_os("TCHAP_POLICY_FILE").is_some() { None } else { registry::values() };
    match (file, registry) {
        (None, None) => Found::Nothing,
        (Some(json), None) => Found::Document { json, from },
        (file, Some(values)) => {
            let mut merged = match file.as_deref().map(serde_json::from_slice::<Map<String, Value>>) {
                Some(Ok(map)) => map,
                Some(Err(e)) => return Found::Unreadable { reason: format!("not a JSON object: line {} column {}", e.line(), e.column()), from },
                None => Map::new(),
            };
            merged.extend(values);
            let from = if file.is_some() { format!("{from} + {}", registry::KEY) } else { registry::KEY.to_owned() };
            Found::Document { json: serde_json::to_vec(&merged).unwrap_or_default(), from }
        }
    }
}

#[cfg(windows)]
mod registry {
    use serde_json::{Map, Value};
    use windows_registry::{LOCAL_MACHINE, Type};

    pub const KEY: &str = r"HKLM\Software\Policies\fr.gouv.tchap.desktop";

    /// The policy's yes/no keys: a REG_DWORD there is 0 or 1.
    const YES_NO_KEYS: &[&str] = &["allow_custom_homeserver", "notification_privacy"];

    /// The key's values as JSON: REG_DWORD a number (a boolean for yes/no
    /// keys), REG_MULTI_SZ a list of strings, REG_SZ a string, or JSON when
    /// it is an object or a list (servers, updater).
    pub fn values() -> Option<Map<String, Value>> {
        let key = LOCAL_MACHINE.open(r"Software\Policies\fr.gouv.tchap.desktop").ok()?;
        let mut map = Map::new();
        for (name, value) in key.values().ok()? {
            let json = match value.ty() {
                Type::U32 => {
                    let number = u32::try_from(value).unwrap_or_default();
                    if YES_NO_KEYS.contains(&name.as_str()) { Value::Bool(number != 0) } else { Value::from(number) }
                }
                Type::U64 => Value::from(u64::try_from(value).unwrap_or_default()),
                Type::MultiString => Value::from(key.get_multi_string(&name).unwrap_or_default()),
                _ => {
                    let text = String::try_from(value).unwrap_or_default();
                    let structured = text.trim_start().starts_with(['{', '[']);
                    structured.then(|| serde_json::from_str(&text).ok()).flatten().unwrap_or(Value::String(text))
                }
            };
            map.insert(name, json);
        }
        Some(map)
    }
}

#[cfg(not(windows))]
mod registry {
    use serde_json::{Map, Value};

    pub const KEY: &str = "";

    pub fn values() -> Option<Map<String, Value>> {
        None
    }
}
