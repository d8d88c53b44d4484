//! What the content scanner's answers mean for the user. Everything that is
//! not a clean file is a failure, and a scanner that cannot be asked is one
//! too: nothing is shown or saved unless the scanner said it was clean.

use crate::error::{AppError, ErrorCode};

/// The reasons (`reason` in the scanner's JSON errors) the client acts on.
pub(super) const NOT_CLEAN: &str = "MCS_MEDIA_NOT_CLEAN";
pub(super) const MIME_TYPE_FORBIDDEN: &str = "MCS_MIME_TYPE_FORBIDDEN";
/// Newer scanners: the request body was not sealed for their current key.
pub(super) const BAD_DECRYPTION: &str = "MCS_BAD_DECRYPTION";
/// The file could not be decrypted with its own key; matrix-content-scanner
/// 1.0 also answers it for a request body sealed for an older key.
pub(super) const FAILED_TO_DECRYPT: &str = "MCS_MEDIA_FAILED_TO_DECRYPT";
const MEDIA_NOT_FOUND: &str = "M_NOT_FOUND";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanFailure {
    /// The scanner refused the file (infected, forbidden type…).
    Blocked { reason: BlockReason, info: Option<String> },
    /// No verdict: scanner unreachable, too slow, in trouble, or not a scanner at all.
    Unavailable { detail: String },
    /// The file cannot be read: damaged, wrongly encrypted, or its address is not a media's.
    Unreadable { detail: String },
    NotFound,
    /// Larger than the caller accepts.
    TooLarge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockReason {
    NotClean,
    MimeTypeForbidden,
    /// Another refusal the scanner named (its `reason`).
    Other(String),
}

/// A scanner's answer other than 200, as the client reads it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// The scanner could not open the sealed request body (or the file
    /// inside): it may have a new key, see `retry_with_fresh_key`.
    SealedBody { reason: &'static str, info: Option<String> },
    Final(ScanFailure),
}

#[derive(serde::Deserialize, Default)]
struct ErrorBody {
    reason: Option<String>,
    errcode: Option<String>,
    info: Option<String>,
}

/// Reads an answer other than 200 (`body` is its beginning, at most a few KiB).
pub(super) fn refusal(status: u16, body: &[u8]) -> Refusal {
    let ErrorBody { reason, errcode, info } = serde_json::from_slice(body).unwrap_or_default();
    let reason = reason.or(errcode).unwrap_or_default();
    let described = |what: &str| format!("{what} (HTTP {status} {reason}{})", info.as_deref().map(|i| format!(": {i}")).unwrap_or_default());
    let failure = match (status, reason.as_str()) {
        (_, BAD_DECRYPTION) => return Refusal::SealedBody { reason: BAD_DECRYPTION, info },
        (400, FAILED_TO_DECRYPT) => return Refusal::SealedBody { reason: FAILED_TO_DECRYPT, info },
        (403, NOT_CLEAN) => ScanFailure::Blocked { reason: BlockReason::NotClean, info },
        (403, MIME_TYPE_FORBIDDEN) => ScanFailure::Blocked { reason: BlockReason::MimeTypeForbidden, info },
        (403, other) if other.starts_with("MCS_") => ScanFailure::Blocked { reason: BlockReason::Other(other.to_owned()), info },
        (404, MEDIA_NOT_FOUND) => ScanFailure::NotFound,
        // The request itself, built from the event, is what the scanner could not read.
        (400, _) => ScanFailure::Unreadable { detail: described("the scanner refused the request") },
        // Anything else is no verdict: a 404 without the scanner's own reason
        // is an address with no scanner behind it, a 403 without one a proxy.
        _ => ScanFailure::Unavailable { detail: described("no verdict from the scanner") },
    };
    Refusal::Final(failure)
}

/// After a sealed body was refused and the key fetched again: whether to
/// send it once more, sealed for the fresh key. `MCS_BAD_DECRYPTION` says the
/// key was wrong; the older scanners' `MCS_MEDIA_FAILED_TO_DECRYPT` can also
/// mean a damaged file, so it is retried only when the key did change.
pub(super) fn retry_with_fresh_key(reason: &str, key_changed: bool) -> bool {
    reason == BAD_DECRYPTION || key_changed
}

/// A sealed-body refusal that is not retried (again).
pub(super) fn sealed_body_failure(reason: &str, info: Option<String>) -> ScanFailure {
    let detail = format!("{reason}{}", info.map(|i| format!(": {i}")).unwrap_or_default());
    if reason == BAD_DECRYPTION {
        // Even sealed for the key it just gave: the scanner is not working.
        ScanFailure::Unavailable { detail }
    } else {
        ScanFailure::Unreadable { detail }
    }
}

impl From<ScanFailure> for AppError {
    fn from(failure: ScanFailure) -> Self {
        let (code, message) = match failure {
            ScanFailure::Blocked { reason, info } => (ErrorCode::MediaBlocked, format!("blocked by the content scanner: {reason:?} {}", info.unwrap_or_default())),
            ScanFailure::Unavailable { detail } => (ErrorCode::ScannerUnavailable, format!("content scanner unavailable: {detail}")),
            ScanFailure::Unreadable { detail } => (ErrorCode::MediaUnreadable, format!("media unreadable: {detail}")),
            ScanFailure::NotFound => (ErrorCode::NotFound, "media not found".to_owned()),
            ScanFailure::TooLarge => (ErrorCode::MediaTooLarge, "media larger than allowed".to_owned()),
        };
        AppError::new(code, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(status: u16, body: &str) -> Refusal {
        refusal(status, body.as_bytes())
    }

    fn unavailable(refusal: Refusal) -> bool {
        matches!(refusal, Refusal::Final(ScanFailure::Unavailable { .. }))
    }

    #[test]
    fn verdicts_are_told_apart() {
        assert_eq!(
            read(403, r#"{"reason": "MCS_MEDIA_NOT_CLEAN", "info": "***VIRUS DETECTED***"}"#),
            Refusal::Final(ScanFailure::Blocked { reason: BlockReason::NotClean, info: Some("***VIRUS DETECTED***".into()) })
        );
        assert_eq!(
            read(403, r#"{"reason": "MCS_MIME_TYPE_FORBIDDEN"}"#),
            Refusal::Final(ScanFailure::Blocked { reason: BlockReason::MimeTypeForbidden, info: None })
        );
        assert_eq!(
            read(403, r#"{"reason": "MCS_SOMETHING_NEW"}"#),
            Refusal::Final(ScanFailure::Blocked { reason: BlockReason::Other("MCS_SOMETHING_NEW".into()), info: None })
        );
        assert_eq!(read(404, r#"{"reason": "M_NOT_FOUND", "info": "File not found"}"#), Refusal::Final(ScanFailure::NotFound));
        assert!(matches!(read(400, r#"{"reason": "MCS_MALFORMED_JSON"}"#), Refusal::Final(ScanFailure::Unreadable { .. })));
    }

    #[test]
    fn no_verdict_fails_closed() {
        assert!(unavailable(read(502, r#"{"reason": "MCS_MEDIA_REQUEST_FAILED"}"#)));
        assert!(unavailable(read(500, "")));
        assert!(unavailable(read(503, "<html>maintenance</html>")));
        // A homeserver (or a scanner's unknown route) where the scanner should be.
        assert!(unavailable(read(404, r#"{"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"}"#)));
        // A proxy's refusal is not the scanner's verdict.
        assert!(unavailable(read(403, "Forbidden")));
        assert!(unavailable(read(401, r#"{"errcode": "M_UNKNOWN_TOKEN"}"#)));
    }

    #[test]
    fn sealed_body_refusals_are_recognised() {
        assert_eq!(read(403, r#"{"reason": "MCS_BAD_DECRYPTION"}"#), Refusal::SealedBody { reason: BAD_DECRYPTION, info: None });
        assert_eq!(
            read(400, r#"{"reason": "MCS_MEDIA_FAILED_TO_DECRYPT", "info": "BAD_MESSAGE_MAC"}"#),
            Refusal::SealedBody { reason: FAILED_TO_DECRYPT, info: Some("BAD_MESSAGE_MAC".into()) }
        );
    }

    #[test]
    fn a_refused_key_is_fetched_again_and_tried_once() {
        assert!(retry_with_fresh_key(BAD_DECRYPTION, false));
        assert!(retry_with_fresh_key(BAD_DECRYPTION, true));
        assert!(retry_with_fresh_key(FAILED_TO_DECRYPT, true));
        // Same key: it is the file that does not decrypt; asking again would not help.
        assert!(!retry_with_fresh_key(FAILED_TO_DECRYPT, false));
        assert!(matches!(sealed_body_failure(BAD_DECRYPTION, None), ScanFailure::Unavailable { .. }));
        assert!(matches!(sealed_body_failure(FAILED_TO_DECRYPT, None), ScanFailure::Unreadable { .. }));
    }

    #[test]
    fn failures_reach_the_ui_with_their_own_codes() {
        let code = |f: ScanFailure| AppError::from(f).code;
        assert_eq!(code(ScanFailure::Blocked { reason: BlockReason::NotClean, info: None }), ErrorCode::MediaBlocked);
        assert_eq!(code(ScanFailure::Unavailable { detail: String::new() }), ErrorCode::ScannerUnavailable);
        assert_eq!(code(ScanFailure::Unreadable { detail: String::new() }), ErrorCode::MediaUnreadable);
        assert_eq!(code(ScanFailure::NotFound), ErrorCode::NotFound);
        assert_eq!(code(ScanFailure::TooLarge), ErrorCode::MediaTooLarge);
    }
}
