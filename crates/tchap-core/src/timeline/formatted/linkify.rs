//! Web addresses in a plain-text message made clickable, as the same node
//! tree as a formatted body (line breaks become `br`, the rest stays text).

use super::{AllowedTag, FormattedNode, MAX_HTML_LEN, MAX_NODES, bare, link, push_text, safe_href, shown_text};

/// Punctuation that ends a sentence rather than the address before it.
const TRAILING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"', '»'];

/// None when the body has no address to link (it is shown as plain text).
pub(super) fn linkified(body: &str) -> Option<Vec<FormattedNode>> {
    if body.len() > MAX_HTML_LEN {
        return None;
    }
    let mut out = Vec::new();
    let mut linked = false;
    let mut rest = body;
    while let Some(start) = next_address(rest) {
        let (before, from) = rest.split_at(start);
        let end = from.find(|c: char| c.is_whitespace() || c.is_control() || "<>\"".contains(c)).unwrap_or(from.len());
        let address = from[..end].trim_end_matches(TRAILING);
        push_plain(&mut out, before);
        match safe_href(address) {
            Some(href) => {
                out.push(FormattedNode::Element(link(href, vec![FormattedNode::Text { text: shown_text(address) }])));
                linked = true;
            }
            None => push_plain(&mut out, address),
        }
        rest = &from[address.len()..];
    }
    push_plain(&mut out, rest);
    (linked && out.len() <= MAX_NODES).then_some(out)
}

/// Where the next `http://` or `https://` starting a word is.
fn next_address(text: &str) -> Option<usize> {
    // ASCII lowercasing keeps every byte where it was.
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("http") {
        let at = from + found;
        let starts_word = !lower[..at].chars().next_back().is_some_and(char::is_alphanumeric);
        if starts_word && (lower[at..].starts_with("https://") || lower[at..].starts_with("http://")) {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

fn push_plain(out: &mut Vec<FormattedNode>, text: &str) {
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push(FormattedNode::Element(bare(AllowedTag::Br, Vec::new())));
        }
        push_text(out, shown_text(line));
    }
}
