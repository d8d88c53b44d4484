//! Names as Tchap writes them: "Prénom Nom [Domaine]", set by the server at
//! registration, and the agent / external distinction read from the server
//! name.

use serde::Serialize;

/// External partners' servers: `agent.externe.…`, or `e.…` (Tchap's rule).
pub fn is_external(server_name: &str) -> bool {
    let host = host_of(server_name).to_ascii_lowercase();
    host.starts_with("agent.externe.") || host.starts_with("e.")
}

/// The ministry an agents' server belongs to, as Tchap shows it when a name
/// has no domain: `agent.dinum.tchap.gouv.fr` → "Dinum". None for externals
/// and for names outside Tchap's pattern.
pub fn ministry_of(server_name: &str) -> Option<String> {
    if is_external(server_name) {
        return None;
    }
    let mut labels = host_of(server_name).split('.');
    match (labels.next(), labels.next()) {
        // `agent.tchap.gouv.fr`, the shared agents' server, names no ministry.
        (Some(first), Some(ministry)) if first.eq_ignore_ascii_case("agent") && !ministry.is_empty() && !ministry.eq_ignore_ascii_case("tchap") => {
            Some(capitalised(ministry))
        }
        _ => None,
    }
}

/// A person as the UI shows them: name, ministry (or none) and the external flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PersonName {
    pub name: String,
    /// "Dinum", "Intérieur"…: from the display name's brackets, else the server.
    pub domain: Option<String>,
    pub is_external: bool,
}

/// Splits a Tchap display name ("Prénom Nom [Domaine]") and fills what it
/// lacks from the Matrix ID `@localpart:server`.
pub fn person_name(display_name: Option<&str>, user_id: &str) -> PersonName {
    let server = user_id.split_once(':').map_or("", |(_, server)| server);
    let localpart = user_id.trim_start_matches('@').split(':').next().unwrap_or(user_id);
    let display_name = display_name.map(str::trim).filter(|n| !n.is_empty());
    let (name, bracketed) = match display_name {
        Some(display) => split_brackets(display),
        None => (localpart.to_owned(), None),
    };
    let is_external = is_external(server);
    // Externals carry a badge instead of a domain, as Tchap's directory shows them.
    let domain = if is_external { None } else { bracketed.or_else(|| ministry_of(server)) };
    PersonName { name, domain, is_external }
}

/// "Prénom Nom [Domaine]" → ("Prénom Nom", Some("Domaine")), at the last "[".
fn split_brackets(display: &str) -> (String, Option<String>) {
    if let Some(inner) = display.strip_suffix(']')
        && let Some(open) = inner.rfind('[')
    {
        let name = inner[..open].trim();
        let domain = inner[open + 1..].trim();
        if !name.is_empty() && !domain.is_empty() {
            return (name.to_owned(), Some(domain.to_owned()));
        }
    }
    (display.to_owned(), None)
}

/// The server name without a port (`host`, `host:port`, `[v6]:port`).
fn host_of(server_name: &str) -> &str {
    if let Some(end) = server_name.find(']') {
        return &server_name[..=end];
    }
    match server_name.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => server_name,
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn externals_are_known_by_their_server() {
        assert!(is_external("agent.externe.tchap.gouv.fr"));
        assert!(is_external("e.tchap.gouv.fr"));
        assert!(is_external("agent.externe.tchap.localhost:8448"));
        assert!(!is_external("agent.dinum.tchap.gouv.fr"));
        assert!(!is_external("agent.education.tchap.gouv.fr"));
        assert!(!is_external("externe.example.org"));
    }

    #[test]
    fn the_ministry_comes_from_the_server_name() {
        assert_eq!(ministry_of("agent.dinum.tchap.gouv.fr").as_deref(), Some("Dinum"));
        assert_eq!(ministry_of("agent.interieur.tchap.localhost:8448").as_deref(), Some("Interieur"));
        assert_eq!(ministry_of("agent.externe.tchap.gouv.fr"), None);
        assert_eq!(ministry_of("agent.tchap.gouv.fr"), None);
        assert_eq!(ministry_of("matrix.org"), None);
    }

    #[test]
    fn names_are_split_as_tchap_writes_them() {
        let agent = person_name(Some("Alice Martin [Dinum]"), "@alice.martin-dinum.gouv.fr:agent.dinum.tchap.gouv.fr");
        assert_eq!(agent, PersonName { name: "Alice Martin".into(), domain: Some("Dinum".into()), is_external: false });
        // No brackets: the ministry from the server.
        let plain = person_name(Some("Bruno"), "@bruno:agent.interieur.tchap.gouv.fr");
        assert_eq!(plain.domain.as_deref(), Some("Interieur"));
        // No display name: the local part.
        assert_eq!(person_name(None, "@carole:agent.dinum.tchap.gouv.fr").name, "carole");
        // Externals: a badge, not a domain, whatever their name says.
        let external = person_name(Some("Eve Partenaire [Dinum]"), "@eve-example.com:agent.externe.tchap.gouv.fr");
        assert_eq!(external, PersonName { name: "Eve Partenaire".into(), domain: None, is_external: true });
        // Brackets that are not a suffix, or empty, stay in the name.
        assert_eq!(person_name(Some("[Dinum]"), "@x:matrix.org").name, "[Dinum]");
        assert_eq!(person_name(Some("A [b] c"), "@x:matrix.org").name, "A [b] c");
    }
}
