//! A message's `formatted_body` (`org.matrix.custom.html`) as a tree of
//! allowed nodes, for the UI to build with DOM calls: never HTML again, so
//! nothing the sender wrote is ever parsed as markup by the webview.
//!
//! html5ever (the browsers' parsing algorithm, already in the tree through
//! ruma) reads the HTML into a flat arena (`arena`); this module's allow-list
//! then keeps the spec's tags and a few typed attributes. ammonia is not used:
//! it hands back an HTML string, which would have to be parsed again to build
//! the tree, and it has no notion of mentions, spoilers or Matrix links.
//!
//! Bounded: beyond `MAX_HTML_LEN` bytes, `MAX_DEPTH` levels or `MAX_NODES`
//! nodes the message is shown as its plain `body`.

mod arena;
mod colors;
mod linkify;
#[cfg(test)]
mod tests;

use std::{cell::Cell, rc::Rc};

use html5ever::{
    Attribute, ParseOpts, QualName, local_name, ns, parse_fragment,
    tendril::{StrTendril, TendrilSink},
};
use matrix_sdk::ruma::events::room::message::{FormattedBody, MessageFormat};
use serde::Serialize;

pub use colors::TextColor;

use crate::{
    error::{AppError, AppResult, ErrorCode},
    links::{self, Link},
};
use arena::{Arena, ArenaNode, NodeData};

/// Larger HTML is shown as plain text: no real message is this long.
pub const MAX_HTML_LEN: usize = 64 * 1024;
/// Deeper nesting is shown as plain text (the UI builds the tree recursively).
pub const MAX_DEPTH: usize = 48;
/// More nodes than this are shown as plain text.
pub const MAX_NODES: usize = 4096;
/// Input is fed to the parser in slices this large, to stop early when too deep.
const PARSE_SLICE: usize = 2048;
/// Longest kept code language name or spoiler reason.
const MAX_LABEL_LEN: usize = 64;

/// The tags the spec allows and the UI renders, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum AllowedTag {
    Del,
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    Blockquote,
    P,
    A,
    Ul,
    Ol,
    Sup,
    Sub,
    Li,
    B,
    I,
    U,
    Strong,
    Em,
    S,
    Code,
    Hr,
    Br,
    Div,
    Table,
    Thead,
    Tbody,
    Tr,
    Th,
    Td,
    Caption,
    Pre,
    Span,
    Details,
    Summary,
}

impl AllowedTag {
    fn from_name(name: &str) -> Option<Self> {
        use AllowedTag::*;
        Some(match name {
            "del" => Del,
            "h1" => H1,
            "h2" => H2,
            "h3" => H3,
            "h4" => H4,
            "h5" => H5,
            "h6" => H6,
            "blockquote" => Blockquote,
            "p" => P,
            "a" => A,
            "ul" => Ul,
            "ol" => Ol,
            "sup" => Sup,
            "sub" => Sub,
            "li" => Li,
            "b" => B,
            "i" => I,
            "u" => U,
            "strong" => Strong,
            "em" => Em,
            "s" | "strike" => S,
            "code" => Code,
            "hr" => Hr,
            "br" => Br,
            "div" => Div,
            "table" => Table,
            "thead" => Thead,
            "tbody" => Tbody,
            "tr" => Tr,
            "th" => Th,
            "td" => Td,
            "caption" => Caption,
            "pre" => Pre,
            "span" => Span,
            "details" => Details,
            "summary" => Summary,
            _ => return None,
        })
    }
}

/// One allowed element and the few attributes it may carry, already checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FormattedElement {
    pub tag: AllowedTag,
    /// `a` only: an http(s), mailto, matrix: or tchap: address, normalised.
    pub href: Option<String>,
    /// `a` only: a room or person link the app opens itself (matrix.to, matrix:, tchap:).
    pub in_app: bool,
    /// `a` only: the person a `https://matrix.to/#/@user:server` link names (a mention pill).
    pub mention_user_id: Option<String>,
    /// `span` only: hidden until revealed; the sender's reason, possibly empty.
    pub spoiler: Option<String>,
    /// `span`/`font`: the sender's colour, brought to one of ours.
    pub color: Option<TextColor>,
    /// `code` only: the `language-…` class's language.
    pub language: Option<String>,
    /// `ol` only.
    pub start: Option<u32>,
    pub children: Vec<FormattedNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum FormattedNode {
    Text { text: String },
    Element(FormattedElement),
}

/// The tree to show for a text message: its HTML formatted body cleaned,
/// else (none, another format, beyond the bounds) its plain body with its
/// web links made clickable; None when the plain body, as is, says it all.
pub fn formatted_nodes(body: &str, formatted: Option<&FormattedBody>) -> Option<Vec<FormattedNode>> {
    formatted.filter(|f| f.format == MessageFormat::Html).and_then(|f| sanitize(&f.body)).or_else(|| linkify::linkified(body))
}

/// `html` read through the allow-list; None when too large, too deep, or empty once cleaned.
pub fn sanitize(html: &str) -> Option<Vec<FormattedNode>> {
    if html.len() > MAX_HTML_LEN {
        return None;
    }
    let nodes = parse(html)?;
    // The fragment's children sit under the `html` element html5ever adds.
    let root = nodes[0].children.iter().copied().find(|&id| matches!(nodes[id].data, NodeData::Element { .. }))?;
    let mut reader = Reader { nodes: &nodes, budget: MAX_NODES };
    let tree = reader.children(root, 0)?;
    has_visible_text(&tree).then_some(tree)
}

fn parse(html: &str) -> Option<Vec<ArenaNode>> {
    let too_deep = Rc::new(Cell::new(false));
    let context = QualName::new(None, ns!(html), local_name!("div"));
    let mut parser = parse_fragment(Arena::new(MAX_DEPTH, too_deep.clone()), ParseOpts::default(), context, Vec::new(), true);
    let mut rest = html;
    while !rest.is_empty() {
        let mut end = rest.len().min(PARSE_SLICE);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        parser.process(StrTendril::from_slice(&rest[..end]));
        rest = &rest[end..];
        if too_deep.get() {
            return None;
        }
    }
    let arena = parser.finish();
    (!too_deep.get()).then(|| arena.into_nodes())
}

/// What becomes of an element that is not allowed as such.
enum Treatment {
    Keep(AllowedTag),
    /// Its content is shown without it (`font`, unknown tags).
    Unwrap,
    /// Dropped with everything inside (scripts, forms, embedded documents, the reply fallback).
    Drop,
    Image,
}

fn treatment(name: &QualName) -> Treatment {
    // SVG and MathML live in their own namespaces: never shown, content included.
    if name.ns != ns!(html) {
        return Treatment::Drop;
    }
    let local = name.local.as_ref();
    if let Some(tag) = AllowedTag::from_name(local) {
        return Treatment::Keep(tag);
    }
    match local {
        "img" => Treatment::Image,
        "mx-reply" | "script" | "style" | "template" | "noscript" | "iframe" | "frame" | "frameset" | "object" | "embed"
        | "applet" | "form" | "input" | "button" | "select" | "textarea" | "option" | "svg" | "math" | "head" | "title"
        | "meta" | "link" | "base" | "video" | "audio" | "canvas" | "xmp" | "plaintext" | "noembed" | "noframes" => Treatment::Drop,
        _ => Treatment::Unwrap,
    }
}

struct Reader<'a> {
    nodes: &'a [ArenaNode],
    /// Nodes that may still be made.
    budget: usize,
}

impl Reader<'_> {
    /// None when the bounds are crossed: the whole message falls back to plain text.
    fn children(&mut self, id: usize, depth: usize) -> Option<Vec<FormattedNode>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut out = Vec::new();
        for &child in &self.nodes[id].children {
            self.node(child, depth, &mut out)?;
        }
        Some(out)
    }

    fn node(&mut self, id: usize, depth: usize, out: &mut Vec<FormattedNode>) -> Option<()> {
        self.budget = self.budget.checked_sub(1)?;
        match &self.nodes[id].data {
            NodeData::Text(text) => push_text(out, shown_text(text)),
            NodeData::Element { name, attrs } => match treatment(name) {
                Treatment::Keep(tag) => {
                    let children = self.children(id, depth + 1)?;
                    out.extend(element(tag, attrs, children));
                }
                Treatment::Unwrap => {
                    for node in self.children(id, depth + 1)? {
                        match node {
                            FormattedNode::Text { text } => push_text(out, text),
                            node => out.push(node),
                        }
                    }
                }
                Treatment::Drop => {}
                Treatment::Image => out.extend(image(attrs)),
            },
            NodeData::Document | NodeData::Other => {}
        }
        Some(())
    }
}

/// Adjacent text merges (an unwrapped tag leaves two pieces side by side).
fn push_text(out: &mut Vec<FormattedNode>, text: String) {
    if text.is_empty() {
        return;
    }
    if let Some(FormattedNode::Text { text: last }) = out.last_mut() {
        last.push_str(&text);
    } else {
        out.push(FormattedNode::Text { text });
    }
}

fn attr<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a str> {
    attrs.iter().find(|a| a.name.ns == ns!() && a.name.local.as_ref() == name).map(|a| a.value.as_ref())
}

fn bare(tag: AllowedTag, children: Vec<FormattedNode>) -> FormattedElement {
    FormattedElement { tag, href: None, in_app: false, mention_user_id: None, spoiler: None, color: None, language: None, start: None, children }
}

/// The element with its checked attributes; a link without a safe address
/// is its text only.
fn element(tag: AllowedTag, attrs: &[Attribute], children: Vec<FormattedNode>) -> Vec<FormattedNode> {
    let mut element = bare(tag, children);
    match tag {
        AllowedTag::A => {
            let Some(href) = attr(attrs, "href").and_then(safe_href) else { return element.children };
            element = link(href, element.children);
        }
        AllowedTag::Ol => element.start = attr(attrs, "start").and_then(|s| s.trim().parse().ok()),
        AllowedTag::Code => {
            element.language = attr(attrs, "class")
                .and_then(|class| class.split_ascii_whitespace().find_map(|c| c.strip_prefix("language-")))
                .filter(|lang| lang.len() <= MAX_LABEL_LEN && lang.chars().all(|c| c.is_ascii_alphanumeric() || "+#-_.".contains(c)))
                .map(str::to_owned);
        }
        AllowedTag::Span => {
            element.spoiler = attr(attrs, "data-mx-spoiler").map(|reason| shown_text(reason).chars().take(MAX_LABEL_LEN).collect());
            element.color = attr(attrs, "data-mx-color").and_then(colors::text_color);
        }
        _ => {}
    }
    vec![FormattedNode::Element(element)]
}

/// A link to a checked address: room and person links open in the app, and
/// a matrix.to link to a person is a mention of them (whatever its text says).
fn link(href: String, children: Vec<FormattedNode>) -> FormattedElement {
    let target = links::looks_like_link(&href).then(|| links::parse(&href).ok()).flatten();
    let mention_user_id = match &target {
        Some(Link::User { user_id }) if href.starts_with("https://matrix.to/") => Some(user_id.to_string()),
        _ => None,
    };
    FormattedElement { in_app: target.is_some(), mention_user_id, href: Some(href), ..bare(AllowedTag::A, children) }
}

/// An `<img>` is never loaded: an https one becomes a link to it (its alt
/// text, else its address, as the link's text); any other keeps its alt text.
fn image(attrs: &[Attribute]) -> Vec<FormattedNode> {
    let alt = attr(attrs, "alt").map(shown_text).filter(|alt| !alt.trim().is_empty());
    let href = attr(attrs, "src").and_then(safe_href).filter(|src| src.starts_with("https://"));
    match href {
        Some(href) => {
            let text = alt.unwrap_or_else(|| href.clone());
            vec![FormattedNode::Element(link(href, vec![FormattedNode::Text { text }]))]
        }
        None => alt.map(|text| FormattedNode::Text { text }).into_iter().collect(),
    }
}

/// The address normalised (the URL parser removes the blanks and control
/// characters a `jav\tascript:` hides behind), if its scheme is one we open.
fn safe_href(raw: &str) -> Option<String> {
    if raw.len() > links::MAX_LINK_LEN {
        return None;
    }
    let url = url::Url::parse(raw.trim()).ok()?;
    let allowed = match url.scheme() {
        "https" | "http" => url.host().is_some(),
        "mailto" | "matrix" | "tchap" => true,
        _ => false,
    };
    let href = url.to_string();
    (allowed && !href.chars().any(|c| c.is_control() || is_spoofing_control(c))).then_some(href)
}

/// Text without the bidirectional embeddings, overrides and isolates that
/// make a text read otherwise than it is written, nor control characters
/// other than line breaks and tabs.
fn shown_text(text: &str) -> String {
    text.chars().filter(|&c| !is_spoofing_control(c) && (!c.is_control() || c == '\n' || c == '\t')).collect()
}

fn is_spoofing_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn has_visible_text(nodes: &[FormattedNode]) -> bool {
    nodes.iter().any(|node| match node {
        FormattedNode::Text { text } => !text.trim().is_empty(),
        FormattedNode::Element(element) => element.tag == AllowedTag::Hr || has_visible_text(&element.children),
    })
}

/// The address a message's link may open in the system browser: http(s) or
/// mailto only, normalised (room and person links open in the app instead).
/// Checked again here because the UI's word is not enough.
pub fn browser_link(raw: &str) -> AppResult<String> {
    safe_href(raw)
        .filter(|href| ["https:", "http:", "mailto:"].iter().any(|scheme| href.starts_with(scheme)))
        .ok_or_else(|| AppError::new(ErrorCode::InvalidLink, "not an http(s) or mailto link"))
}
