//! What the user typed → the index's query, and a message body → the
//! segments the UI shows with the matched words highlighted. Words are cut
//! as the index's tokenizer cuts them (tantivy's default: runs of
//! alphanumeric characters, lower-cased, longer than 40 bytes dropped), so
//! what is highlighted is what matched.

use serde::Serialize;

/// The index drops longer tokens: a longer typed word could never match.
const LONGEST_WORD_BYTES: usize = 40;
/// A query has a handful of words; more is pasted text, not a search.
const MOST_WORDS: usize = 16;
/// How much of a long message a result shows around its first match.
const EXCERPT_BEFORE: usize = 60;
const EXCERPT_CHARS: usize = 320;

/// A piece of a result's text; `matched` pieces are highlighted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    pub text: String,
    pub matched: bool,
}

/// The words of a typed query as the index knows them (lower-case), without
/// repeats; empty when there is nothing to search.
pub fn query_words(typed: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in typed.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        if word.len() <= LONGEST_WORD_BYTES && !words.contains(&word) {
            words.push(word);
        }
        if words.len() == MOST_WORDS {
            break;
        }
    }
    words
}

/// The index's query: every word required, each quoted so that nothing the
/// user typed is read as query syntax (`AND`, `field:`, parentheses…).
pub fn index_query(words: &[String]) -> String {
    words.iter().map(|w| format!("+\"{w}\"")).collect::<Vec<_>>().join(" ")
}

/// `body` cut into plain and matched segments; a long body is shortened to
/// an excerpt around its first match (with "…" where it was cut).
pub fn segments(body: &str, words: &[String]) -> Vec<Segment> {
    let body = excerpt(body, words);
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |text: &str, matched: bool| {
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.matched == matched => last.text.push_str(text),
            _ => out.push(Segment { text: text.to_owned(), matched }),
        }
    };
    let mut rest = body.as_str();
    while !rest.is_empty() {
        let word_end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
        if word_end == 0 {
            let gap_end = rest.find(char::is_alphanumeric).unwrap_or(rest.len());
            push(&rest[..gap_end], false);
            rest = &rest[gap_end..];
        } else {
            let word = &rest[..word_end];
            push(word, words.contains(&word.to_lowercase()));
            rest = &rest[word_end..];
        }
    }
    out
}

fn first_match_char(body: &str, words: &[String]) -> Option<usize> {
    let mut chars = 0;
    for piece in body.split_inclusive(|c: char| !c.is_alphanumeric()) {
        let word = piece.trim_end_matches(|c: char| !c.is_alphanumeric());
        if !word.is_empty() && words.contains(&word.to_lowercase()) {
            return Some(chars);
        }
        chars += piece.chars().count();
    }
    None
}

fn excerpt(body: &str, words: &[String]) -> String {
    let total = body.chars().count();
    if total <= EXCERPT_CHARS {
        return body.to_owned();
    }
    let start = first_match_char(body, words).unwrap_or(0).saturating_sub(EXCERPT_BEFORE).min(total - EXCERPT_CHARS);
    let end = start + EXCERPT_CHARS;
    let mut text: String = body.chars().skip(start).take(EXCERPT_CHARS).collect();
    if start > 0 {
        text.insert(0, '…');
    }
    if end < total {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(typed: &str) -> Vec<String> {
        query_words(typed)
    }

    #[test]
    fn typed_words_are_cut_and_lowered_like_the_index() {
        assert_eq!(words("  Réunion, budget!! réunion "), ["réunion", "budget"]);
        assert!(words(" -- ** ").is_empty());
        assert_eq!(words(&format!("ok {}", "x".repeat(41))), ["ok"]);
    }

    #[test]
    fn query_syntax_typed_by_the_user_stays_words() {
        assert_eq!(index_query(&words("body:secret AND (x")), "+\"body\" +\"secret\" +\"and\" +\"x\"");
    }

    #[test]
    fn matched_words_are_marked_whole_and_case_insensitive() {
        let got = segments("La Réunion budgétaire: réunion demain", &words("réunion"));
        let expected = [("La ", false), ("Réunion", true), (" budgétaire: ", false), ("réunion", true), (" demain", false)];
        assert_eq!(got, expected.map(|(t, m)| Segment { text: t.into(), matched: m }));
        // A word containing the query is not a match (the index would not find it either).
        assert!(segments("réunions", &words("réunion")).iter().all(|s| !s.matched));
    }

    #[test]
    fn a_long_message_shows_an_excerpt_around_its_first_match() {
        let body = format!("{} rendez-vous {}", "avant ".repeat(200), "après ".repeat(200));
        let got = segments(&body, &words("rendez"));
        let text: String = got.iter().map(|s| s.text.as_str()).collect();
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(text.chars().count() <= EXCERPT_CHARS + 2);
        assert!(got.iter().any(|s| s.matched && s.text == "rendez"));
    }
}
