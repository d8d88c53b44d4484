//! Takes secrets and message contents out of log lines before they leave the
//! computer in a bug report. The line itself is kept (support needs what
//! happened and when), only the values are replaced by `[REDACTED]`.
//!
//! What goes: tokens (`syt_…` and the other Matrix token shapes, `Bearer …`,
//! `access_token=…` and other sensitive `key=value` / `"key": "value"` /
//! `key: "value"` pairs, as JSON, JSON escaped inside a string, Rust's Debug
//! output or tracing's fields), recovery keys (48 base58 characters, grouped
//! by 4 or not), the store key (64 hex digits), message bodies (`body`,
//! `formatted_body`…) and the local part of email addresses (the domain,
//! which tells which server was asked, stays). When a value's end cannot be
//! found, the rest of the line goes: in doubt, out.

use std::sync::LazyLock;

use regex::{Captures, Regex};

pub const REDACTED: &str = "[REDACTED]";

/// Keys whose value is a secret or a message's content, whatever the syntax
/// around them (matched as a whole word, case-insensitively).
const SENSITIVE_KEYS: &[&str] = &[
    "access_token",
    "refresh_token",
    "login_token",
    "loginToken",
    "token",
    "id_token",
    "client_secret",
    "password",
    "new_password",
    "passphrase",
    "recovery_key",
    "store_key",
    "pickle_key",
    "session_key",
    "private_key",
    "secret",
    "body",
    "formatted_body",
    "filename",
];

/// `key` then its separator (`=` or `:`), the key possibly quoted (`"key"`,
/// `\"key\"` inside an escaped JSON string).
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    let keys = SENSITIVE_KEYS.join("|");
    Regex::new(&format!(r#"(?i)(?:^|[^A-Za-z0-9_])\\*"?(?:{keys})\\*"?[ \t]*[:=][ \t]*"#)).unwrap()
});

/// An HTTP authorization header's credentials.
static AUTHORIZATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b((?i:bearer)|Basic)(\s+)[A-Za-z0-9._~+/=\-]{8,}").unwrap());

/// Synapse's and MAS's token shapes (access, refresh, compatibility tokens).
static MATRIX_TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(?:syt|syr|mct|mcr|mat|mar)_[A-Za-z0-9_\-]{8,}").unwrap());

/// A recovery key: 48 base58 characters, shown in groups of 4.
static RECOVERY_KEY: LazyLock<Regex> = LazyLock::new(|| {
    let base58 = "[1-9A-HJ-NP-Za-km-z]";
    Regex::new(&format!(r"\b{base58}{{4}}(?:[ \t]?{base58}{{4}}){{11}}\b")).unwrap()
});

/// The store key (32 bytes in hex), or any longer hex secret.
static LONG_HEX: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b[0-9A-Fa-f]{64,}\b").unwrap());

static EMAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b[A-Za-z0-9._%+\-]+@((?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})\b").unwrap());

/// `text` with every secret and message content replaced.
pub fn redact(text: &str) -> String {
    let text = redact_key_values(text);
    let text = AUTHORIZATION.replace_all(&text, |c: &Captures| format!("{}{}{REDACTED}", &c[1], &c[2]));
    let text = MATRIX_TOKEN.replace_all(&text, REDACTED);
    let text = RECOVERY_KEY.replace_all(&text, REDACTED);
    let text = LONG_HEX.replace_all(&text, REDACTED);
    EMAIL.replace_all(&text, |c: &Captures| format!("{REDACTED}@{}", &c[1])).into_owned()
}

/// Replaces the value after each sensitive key.
fn redact_key_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = KEY_VALUE.find_at(text, pos) {
        let value_start = found.end();
        out.push_str(&text[pos..value_start]);
        let (kept_prefix, value) = value_span(&text[value_start..]);
        out.push_str(kept_prefix);
        pos = value_start + kept_prefix.len();
        match value {
            Some(Value { len, closing }) => {
                if len > 0 {
                    out.push_str(REDACTED);
                }
                out.push_str(closing);
                pos += len + closing.len();
            }
            None => {
                // No end to the value on this line: the rest of the line goes.
                out.push_str(REDACTED);
                pos = text[pos..].find('\n').map_or(text.len(), |eol| pos + eol);
            }
        }
    }
    out.push_str(&text[pos..]);
    out
}

/// A value's length after what is kept before it, and its closing quote.
struct Value {
    len: usize,
    closing: &'static str,
}

/// Splits what follows a key's separator into what is kept (an opening
/// quote, `Some(`), and the value; `None` when a quoted value does not end
/// on this line.
fn value_span(rest: &str) -> (&str, Option<Value>) {
    if rest.starts_with(':') {
        // A path (`token::refresh`), not a value.
        return ("", Some(Value { len: 0, closing: "" }));
    }
    // `Some(` and, in pretty-printed Debug output, the line break after it.
    let prefix_len = match rest.strip_prefix("Some(") {
        Some(inner) => rest.len() - inner.trim_start().len(),
        None => 0,
    };
    let after = &rest[prefix_len..];
    let backslashes = after.bytes().take_while(|&b| b == b'\\').count();
    if after[backslashes..].starts_with('"') {
        let opening = backslashes + 1;
        let kept = &rest[..prefix_len + opening];
        return match backslashes {
            0 => (kept, closing_quote(&after[opening..], |run| run % 2 == 0).map(|len| Value { len, closing: "\"" })),
            1 => (kept, closing_quote(&after[opening..], |run| run % 4 == 1).map(|len| Value { len: len - 1, closing: "\\\"" })),
            // Escaped more than once: too deep to find the end safely.
            _ => (kept, None),
        };
    }
    let bare = &rest[..prefix_len];
    let word_len = after.find(|c: char| c.is_whitespace() || ",;&#\"')}]>".contains(c)).unwrap_or(after.len());
    let word = &after[..word_len];
    if word.is_empty() || ["null", "None", "true", "false"].contains(&word) {
        return (bare, Some(Value { len: 0, closing: "" }));
    }
    (bare, Some(Value { len: word_len, closing: "" }))
}

/// Where a string value ends: the index of its closing quote in `text`,
/// that quote being preceded by a run of backslashes `closes` accepts.
fn closing_quote(text: &str, closes: impl Fn(usize) -> bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\\' => run += 1,
            b'"' if closes(run) => return Some(i),
            b'\n' => return None,
            _ => run = 0,
        }
    }
    None
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
