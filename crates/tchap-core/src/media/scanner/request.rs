//! What the client sends the scanner: the media's address, checked before
//! any request, and the encrypted file's keys, sealed for the scanner alone.

use matrix_sdk::ruma::{MxcUri, events::room::EncryptedFile};
use matrix_sdk::reqwest::Url;
use vodozemac::{Curve25519PublicKey, base64_encode, pk_encryption::PkEncryption};
use zeroize::Zeroizing;

use super::ScanFailure;

/// The scanner's API, under its base address.
const API: [&str; 3] = ["_matrix", "media_proxy", "unstable"];

/// `{server}` and `{mediaId}` of an `mxc://` address, refused unless both are
/// plainly what the spec allows: an event is written by anyone in the room,
/// and its address must never steer the request elsewhere.
pub(super) fn media_parts(mxc: &MxcUri) -> Result<(&str, &str), ScanFailure> {
    let unreadable = |why: &str| ScanFailure::Unreadable { detail: format!("not a media address: {why}") };
    let (server, media_id) = mxc.parts().map_err(|e| unreadable(&e.to_string()))?;
    let server = server.as_str();
    if media_id.is_empty() {
        return Err(unreadable("no media id"));
    }
    // ruma lets a host name be made of dots alone ("..").
    let host = if server.starts_with('[') { server } else { server.split(':').next().unwrap_or_default() };
    if !server.starts_with('[') && host.split('.').any(str::is_empty) {
        return Err(unreadable("empty label in the server name"));
    }
    Ok((server, media_id))
}

/// `base/_matrix/media_proxy/unstable/{segments…}`, each segment encoded as one.
pub(super) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(API).extend(segments);
    }
    url
}

/// A public key as the scanner gives it (unpadded standard base64, as olm writes it).
pub(super) fn parse_public_key(encoded: &str) -> Result<Curve25519PublicKey, ScanFailure> {
    Curve25519PublicKey::from_base64(encoded.trim_end_matches('='))
        .map_err(|e| ScanFailure::Unavailable { detail: format!("the scanner's public key is unreadable: {e}") })
}

/// `{"encrypted_body": {ciphertext, mac, ephemeral}}`: `{"file": …}` sealed
/// (olm's PkEncryption, curve25519-aes-sha2) for the scanner's key, so that
/// the file's key reaches nobody but the scanner.
pub(super) fn sealed_body(file: &EncryptedFile, scanner_key: Curve25519PublicKey) -> Result<serde_json::Value, ScanFailure> {
    let clear = Zeroizing::new(
        serde_json::to_vec(&serde_json::json!({ "file": file }))
            .map_err(|e| ScanFailure::Unreadable { detail: format!("encrypted file info: {e}") })?,
    );
    let message = PkEncryption::from_key(scanner_key)
        .encrypt(&clear)
        .map_err(|e| ScanFailure::Unavailable { detail: format!("the scanner's public key cannot be used: {e}") })?;
    Ok(serde_json::json!({
        "encrypted_body": {
            "ciphertext": base64_encode(&message.ciphertext),
            "mac": base64_encode(&message.mac),
            "ephemeral": message.ephemeral_key.to_base64(),
        }
    }))
}

#[cfg(test)]
mod tests {
    use matrix_sdk::ruma::OwnedMxcUri;
    use vodozemac::pk_encryption::{Message, PkDecryption};

    use super::*;

    fn parts(uri: &str) -> Result<(String, String), ScanFailure> {
        let mxc = OwnedMxcUri::from(uri);
        media_parts(&mxc).map(|(s, m)| (s.to_owned(), m.to_owned()))
    }

    #[test]
    fn media_addresses_are_checked() {
        assert_eq!(parts("mxc://agent.tchap.gouv.fr/AbC-12_z").unwrap(), ("agent.tchap.gouv.fr".into(), "AbC-12_z".into()));
        assert_eq!(parts("mxc://127.0.0.1:8008/abc").unwrap().0, "127.0.0.1:8008");
        assert_eq!(parts("mxc://[::1]:8448/abc").unwrap().0, "[::1]:8448");
        for hostile in [
            "mxc://../abc",
            "mxc://./abc",
            "mxc://a..b/abc",
            "mxc://server/..",
            "mxc://server/a/../../b",
            "mxc://server/a?access_token=x",
            "mxc://server/a#b",
            "mxc://server/a%2F..",
            "mxc://server/",
            "mxc:///abc",
            "mxc://server",
            "http://server/abc",
            "https://evil.example/abc",
            "",
        ] {
            assert!(matches!(parts(hostile), Err(ScanFailure::Unreadable { .. })), "{hostile:?} accepted");
        }
    }

    #[test]
    fn endpoints_stay_under_the_scanner_api() {
        let base = Url::parse("https://scanner.example/prefix/").unwrap();
        let url = endpoint(&base, &["download", "server:8448", "abc"]);
        assert_eq!(url.as_str(), "https://scanner.example/prefix/_matrix/media_proxy/unstable/download/server:8448/abc");
        // Should a segment ever get past the checks, it stays one segment.
        let url = endpoint(&Url::parse("http://127.0.0.1:1").unwrap(), &["download", "a/../..", "b?c#d"]);
        assert_eq!(url.path(), "/_matrix/media_proxy/unstable/download/a%2F..%2F../b%3Fc%23d");
        assert_eq!(url.query(), None);
    }

    #[test]
    fn the_sealed_body_opens_with_the_scanners_key_only() {
        let scanner = PkDecryption::new();
        let encoded_key = scanner.public_key().to_base64();
        assert!(!encoded_key.ends_with('='), "olm writes unpadded base64");
        let file: EncryptedFile = serde_json::from_value(serde_json::json!({
            "url": "mxc://server/abc", "v": "v2", "iv": "i0DovxYdJEcAAAAAAAAAAA",
            "key": {"kty": "oct", "alg": "A256CTR", "ext": true, "key_ops": ["encrypt", "decrypt"],
                    "k": "Voq2nkPme_x8no5-Tjq_laDAdxE6iDbxnlQXxwFPgE4"},
            "hashes": {"sha256": "ANdt819a8bZl4jKy3Z+jcqtiNICa2y0AW4BBJ/iQRAU"},
        }))
        .unwrap();
        let body = sealed_body(&file, parse_public_key(&encoded_key).unwrap()).unwrap();
        let sealed = &body["encrypted_body"];
        assert!(!body.to_string().contains("Voq2nkPme"), "the file's key travels sealed");
        let message = Message::from_base64(
            sealed["ciphertext"].as_str().unwrap(),
            sealed["mac"].as_str().unwrap(),
            sealed["ephemeral"].as_str().unwrap(),
        )
        .unwrap();
        let opened: serde_json::Value = serde_json::from_slice(&scanner.decrypt(&message).unwrap()).unwrap();
        assert_eq!(opened["file"]["url"], "mxc://server/abc");
        assert_eq!(opened["file"]["key"]["k"], "Voq2nkPme_x8no5-Tjq_laDAdxE6iDbxnlQXxwFPgE4");
        assert_eq!(opened["file"]["v"], "v2");
        assert!(PkDecryption::new().decrypt(&message).is_err(), "another key cannot open it");
    }
}
