//! Reading a link. Accepted forms:
//!
//! - `tchap://room/<room id or alias>[/<event id>][?via=<server>]` and
//!   `tchap://user/<user id>`: the form Tchap's mobile apps open (the ids keep
//!   their sigils, percent-encoded or not: `tchap://room/%23forum%3Aserveur`);
//! - `matrix:r/<alias>`, `matrix:roomid/<id>[/e/<event>]`, `matrix:u/<user>`
//!   (the spec's `matrix:` URI scheme, read by ruma's `MatrixUri`);
//! - `https://matrix.to/#/<id>[/<event>][?via=…]` (ruma's `MatrixToUri`).
//!
//! Links come from anywhere (a mail, a web page, a command line): anything
//! else is refused with `invalid_link`, the length is bounded before any
//! work, and nothing in here may panic.

use matrix_sdk::ruma::{MatrixToUri, MatrixUri, OwnedEventId, OwnedRoomOrAliasId, OwnedServerName, OwnedUserId, matrix_uri::MatrixId};

use crate::error::{AppError, AppResult, ErrorCode};

/// Longer than any real link (ids are at most 255 bytes each, plus a few servers).
pub const MAX_LINK_LEN: usize = 2048;

/// The spec's bound on every Matrix id.
const MAX_ID_LEN: usize = 255;

const TCHAP_SCHEME: &str = "tchap://";
const MATRIX_SCHEME: &str = "matrix:";
const MATRIX_TO: &str = "https://matrix.to/#/";

/// What a link names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// A room (by id or alias), or one of its messages; `via`: servers that can
    /// route to a room the user's server does not know.
    Room { id_or_alias: OwnedRoomOrAliasId, via: Vec<OwnedServerName>, event_id: Option<OwnedEventId> },
    User { user_id: OwnedUserId },
}

/// Whether `text` is meant as a link of ours (before checking it), so that a
/// command line's other arguments are not taken for broken links.
pub fn looks_like_link(text: &str) -> bool {
    let text = text.trim_start();
    [TCHAP_SCHEME, MATRIX_SCHEME, MATRIX_TO].iter().any(|prefix| starts_with_ignoring_case(text, prefix))
}

pub fn parse(text: &str) -> AppResult<Link> {
    let text = text.trim();
    if text.len() > MAX_LINK_LEN {
        return Err(refused("longer than any link"));
    }
    // A link has no blank or control character: what follows one is junk.
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refused("blank or control character"));
    }
    if starts_with_ignoring_case(text, TCHAP_SCHEME) {
        parse_tchap(&text[TCHAP_SCHEME.len()..])
    } else if starts_with_ignoring_case(text, MATRIX_SCHEME) {
        let uri = without_panic(|| MatrixUri::parse(text)).ok_or_else(|| refused("not a matrix: URI"))?;
        to_link(uri.id(), uri.via())
    } else if starts_with_ignoring_case(text, MATRIX_TO) {
        parse_matrix_to(&text[MATRIX_TO.len()..])
    } else {
        Err(refused("not a tchap:, matrix: or matrix.to link"))
    }
}

/// `room/…` and `user/…` are the matrix.to form under another prefix.
fn parse_tchap(rest: &str) -> AppResult<Link> {
    let (kind, ids) = rest.split_once('/').ok_or_else(|| refused("tchap link without room/ or user/"))?;
    let link = parse_matrix_to(ids)?;
    match (kind.to_ascii_lowercase().as_str(), &link) {
        ("room", Link::Room { .. }) | ("user", Link::User { .. }) => Ok(link),
        _ => Err(refused("tchap link whose kind does not match its id")),
    }
}

/// `rest`: what follows `https://matrix.to/#/`.
fn parse_matrix_to(rest: &str) -> AppResult<Link> {
    // ruma indexes the first byte of each id: an empty one ("!a:b//", "//$e")
    // would panic there, so such paths are refused first.
    let ids = rest.split('?').next().unwrap_or_default();
    let ids = ids.strip_suffix('/').unwrap_or(ids);
    if ids.split('/').any(str::is_empty) {
        return Err(refused("empty id in the link"));
    }
    let uri = without_panic(|| MatrixToUri::parse(&format!("{MATRIX_TO}{rest}"))).ok_or_else(|| refused("not a matrix.to link"))?;
    to_link(uri.id(), uri.via())
}

fn to_link(id: &MatrixId, via: &[OwnedServerName]) -> AppResult<Link> {
    let link = match id {
        MatrixId::Room(room_id) => Link::Room { id_or_alias: room_id.clone().into(), via: via.to_vec(), event_id: None },
        MatrixId::RoomAlias(alias) => Link::Room { id_or_alias: alias.clone().into(), via: via.to_vec(), event_id: None },
        MatrixId::Event(room, event_id) => Link::Room { id_or_alias: room.clone(), via: via.to_vec(), event_id: Some(event_id.clone()) },
        MatrixId::User(user_id) => Link::User { user_id: user_id.clone() },
        _ => return Err(refused("unknown kind of id")),
    };
    // ruma checks sigils, not the spec's length nor what percent-decoding can bring in.
    let ids: Vec<&str> = match &link {
        Link::Room { id_or_alias, event_id, .. } => [Some(id_or_alias.as_str()), event_id.as_ref().map(|e| e.as_str())].into_iter().flatten().collect(),
        Link::User { user_id } => vec![user_id.as_str()],
    };
    if ids.iter().any(|id| id.len() > MAX_ID_LEN || id.chars().any(|c| c.is_whitespace() || c.is_control())) {
        return Err(refused("id too long, or with a blank or control character"));
    }
    Ok(link)
}

/// Belt and braces over a parser that has panicked on hostile input before.
fn without_panic<T, E>(parse: impl FnOnce() -> Result<T, E> + std::panic::UnwindSafe) -> Option<T> {
    std::panic::catch_unwind(parse).ok()?.ok()
}

fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

fn refused(why: &str) -> AppError {
    AppError::new(ErrorCode::InvalidLink, format!("link refused: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(text: &str) -> (String, Vec<String>, Option<String>) {
        match parse(text).unwrap_or_else(|e| panic!("{text}: {e}")) {
            Link::Room { id_or_alias, via, event_id } => {
                (id_or_alias.to_string(), via.iter().map(|s| s.to_string()).collect(), event_id.map(|e| e.to_string()))
            }
            other => panic!("{text}: not a room: {other:?}"),
        }
    }

    fn user(text: &str) -> String {
        match parse(text).unwrap_or_else(|e| panic!("{text}: {e}")) {
            Link::User { user_id } => user_id.to_string(),
            other => panic!("{text}: not a user: {other:?}"),
        }
    }

    fn assert_refused(text: &str) {
        match parse(text) {
            Err(error) => assert_eq!(error.code, ErrorCode::InvalidLink, "{text}"),
            Ok(link) => panic!("{text:?} was accepted as {link:?}"),
        }
    }

    #[test]
    fn tchap_links_name_a_room_an_alias_an_event_or_a_user() {
        assert_eq!(room("tchap://room/!abc:agent.tchap.gouv.fr"), ("!abc:agent.tchap.gouv.fr".into(), vec![], None));
        assert_eq!(room("tchap://room/#forum:agent.tchap.gouv.fr").0, "#forum:agent.tchap.gouv.fr");
        assert_eq!(room("tchap://room/%23forum%3Aagent.tchap.gouv.fr").0, "#forum:agent.tchap.gouv.fr");
        assert_eq!(
            room("tchap://room/!abc:a.fr/$ev123?via=a.fr&via=b.fr"),
            ("!abc:a.fr".into(), vec!["a.fr".into(), "b.fr".into()], Some("$ev123".into()))
        );
        assert_eq!(room("TCHAP://ROOM/!abc:a.fr/").0, "!abc:a.fr");
        assert_eq!(user("tchap://user/@jean.dupont-interieur.gouv.fr:agent.tchap.gouv.fr"), "@jean.dupont-interieur.gouv.fr:agent.tchap.gouv.fr");
        assert_eq!(user("tchap://user/%40alice%3Aa.fr"), "@alice:a.fr");
        assert_eq!(user("  tchap://user/@alice:a.fr\n"), "@alice:a.fr");
    }

    #[test]
    fn matrix_uris_and_matrix_to_links_are_read() {
        assert_eq!(room("matrix:r/forum:a.fr").0, "#forum:a.fr");
        assert_eq!(room("matrix:roomid/abc:a.fr/e/ev1?via=b.fr&action=join"), ("!abc:a.fr".into(), vec!["b.fr".into()], Some("$ev1".into())));
        assert_eq!(user("matrix:u/alice:a.fr?action=chat"), "@alice:a.fr");
        assert_eq!(room("https://matrix.to/#/!abc:a.fr?via=a.fr").1, vec!["a.fr".to_string()]);
        assert_eq!(room("https://matrix.to/#/%23forum%3Aa.fr").0, "#forum:a.fr");
        assert_eq!(room("https://matrix.to/#/#forum:a.fr/$ev1").2.as_deref(), Some("$ev1"));
        assert_eq!(user("https://matrix.to/#/@alice:a.fr"), "@alice:a.fr");
    }

    #[test]
    fn other_schemes_and_hosts_are_refused() {
        for text in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "http://evil.example/#/!abc:a.fr",
            "https://evil.example/#/!abc:a.fr",
            "https://matrix.to.evil.example/#/!abc:a.fr",
            "https://matrix.to@evil.example/#/!abc:a.fr",
            "http://matrix.to/#/!abc:a.fr",
            "tchap:room/!abc:a.fr",
            "tchaps://room/!abc:a.fr",
            "mxc://a.fr/media",
            "",
            "--no-sandbox",
        ] {
            assert_refused(text);
        }
    }

    #[test]
    fn malformed_ids_and_trailing_junk_are_refused() {
        for text in [
            "tchap://room/",
            "tchap://room",
            "tchap://",
            "tchap://room/abc:a.fr",
            "tchap://room/@alice:a.fr",
            "tchap://user/!abc:a.fr",
            "tchap://user/#forum:a.fr",
            "tchap://group/+g:a.fr",
            "tchap://room/!abc:a.fr junk",
            "tchap://room/!abc:a.fr%20junk",
            "tchap://room/!abc:a.fr%0Ajunk",
            "tchap://room/!abc:a.fr/junk",
            "tchap://room/!abc:a.fr/$e/$f",
            "tchap://room/$ev1",
            "tchap://room/!abc:a.fr?via=a.fr?via=b.fr",
            "tchap://room/!abc:a.fr?evil=1",
            "tchap://room/!abc:a.fr?via=not%20a%20server",
            "tchap://user/@alice",
            "tchap://room/%ff%fe",
            "matrix:x/abc:a.fr",
            "matrix:roomid/abc:a.fr/e/ev1/junk",
            "matrix:u/alice:a.fr?unknown=1",
            "https://matrix.to/#/",
            "https://matrix.to/#/$ev1",
        ] {
            assert_refused(text);
        }
    }

    /// ruma's matrix.to parser indexes the first byte of each id: these used to panic.
    #[test]
    fn empty_ids_are_refused_without_panicking() {
        for text in [
            "https://matrix.to/#/!abc:a.fr///",
            "https://matrix.to/#///$ev1",
            "https://matrix.to/#/!abc:a.fr//",
            "tchap://room/!abc:a.fr///",
            "tchap://room///$ev1",
            "tchap://room//",
            "matrix:roomid//e/",
            "matrix:",
            "matrix:/",
        ] {
            assert_refused(text);
        }
    }

    #[test]
    fn lengths_are_bounded_before_reading() {
        let long = format!("tchap://room/!{}:a.fr", "a".repeat(MAX_LINK_LEN));
        assert_refused(&long);
        assert_refused(&"tchap://room/!a:a.fr?via=a.fr&".repeat(200));
        // Over 255 bytes: not an id, even within the link's bound.
        assert_refused(&format!("tchap://room/!{}:a.fr", "a".repeat(300)));
    }

    #[test]
    fn only_our_schemes_look_like_links() {
        assert!(looks_like_link("tchap://room/!a:b"));
        assert!(looks_like_link("MATRIX:u/a:b"));
        assert!(looks_like_link("https://matrix.to/#/@a:b"));
        assert!(!looks_like_link("--verbose"));
        assert!(!looks_like_link("https://example.org"));
        assert!(!looks_like_link("é"));
    }
}
