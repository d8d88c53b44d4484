//! A corpus of hostile and tricky HTML: nothing executable or remote may
//! survive, and every allowed tag comes out as its node.

use super::*;

/// The tree written back as markup, for readable assertions (test only: the
/// app never turns the tree into HTML).
fn markup(nodes: &[FormattedNode]) -> String {
    nodes
        .iter()
        .map(|node| match node {
            FormattedNode::Text { text } => text.clone(),
            FormattedNode::Element(e) => {
                let tag = serde_json::to_value(e.tag).unwrap().as_str().unwrap().to_owned();
                let mut attrs = String::new();
                if let Some(href) = &e.href {
                    attrs.push_str(&format!(" href={href}"));
                }
                if e.in_app {
                    attrs += " in-app";
                }
                if let Some(user) = &e.mention_user_id {
                    attrs.push_str(&format!(" mention={user}"));
                }
                if let Some(reason) = &e.spoiler {
                    attrs.push_str(&format!(" spoiler={reason}"));
                }
                if let Some(color) = e.color {
                    attrs.push_str(&format!(" color={}", serde_json::to_value(color).unwrap().as_str().unwrap()));
                }
                if let Some(lang) = &e.language {
                    attrs.push_str(&format!(" lang={lang}"));
                }
                if let Some(start) = e.start {
                    attrs.push_str(&format!(" start={start}"));
                }
                format!("<{tag}{attrs}>{}</{tag}>", markup(&e.children))
            }
        })
        .collect()
}

fn clean(html: &str) -> String {
    markup(&sanitize(html).expect("a formatted tree"))
}

/// Every hostile sample: the cleaned tree carries no tag, attribute or
/// address that could run code or load anything.
#[test]
fn nothing_executable_or_remote_survives() {
    let corpus = [
        "<script>alert(1)</script>bonjour",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>bonjour",
        "<b onclick=alert(1) onmouseover='alert(2)'>bonjour</b>",
        "<a href=\"javascript:alert(1)\">bonjour</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">bonjour</a>",
        "<a href=\"jav&#x61;script:alert(1)\">bonjour</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">bonjour</a>",
        "<a href=\" &#14; javascript:alert(1)\">bonjour</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">bonjour</a>",
        "<a href=\"vbscript:msgbox(1)\">bonjour</a>",
        "<a href=\"file:///etc/passwd\">bonjour</a>",
        "<svg><script>alert(1)</script><a href=\"https://evil.example\">x</a></svg>bonjour",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>bonjour",
        "<iframe src=\"https://evil.example\"></iframe>bonjour",
        "<form action=\"https://evil.example\"><input name=p><button>Envoyer</button></form>bonjour",
        "<object data=\"https://evil.example/x.swf\"></object><embed src=x>bonjour",
        "<style>body{display:none}</style><p style=\"background:url(https://evil.example)\">bonjour</p>",
        "<img src=\"http://evil.example/pixel.png\" onerror=alert(1)>bonjour",
        "<img src=x onerror=alert(1)>bonjour",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">bonjour",
        "<!--<script>alert(1)</script>-->bonjour",
        "<template><script>alert(1)</script></template>bonjour",
        "<xmp><script>alert(1)</script></xmp>bonjour",
        "<table><tr><td><script>alert(1)</script>bonjour</td></tr></table>",
        "<meta http-equiv=refresh content=\"0;url=https://evil.example\"><link rel=stylesheet href=https://evil.example>bonjour",
        "<span data-mx-color=\"red;background:url(x)\" style=\"color:red\">bonjour</span>",
        "<code class=\"language-x\" onclick=\"alert(1)\">bonjour</code>",
    ];
    for html in corpus {
        let cleaned = sanitize(html).map(|tree| markup(&tree)).unwrap_or_default();
        let lower = cleaned.to_lowercase();
        for forbidden in ["script", "alert", "onerror", "onclick", "javascript", "data:", "vbscript", "file:", "style", "iframe", "<img", "evil", "svg", "math", "form", "input", "button", "msgbox"] {
            assert!(!lower.contains(forbidden), "{forbidden:?} survived in {cleaned:?} (from {html:?})");
        }
        assert!(cleaned.contains("bonjour"), "the harmless text was lost from {html:?}: {cleaned:?}");
    }
}

#[test]
fn every_allowed_tag_becomes_its_node() {
    let html = "<del>a</del><h1>a</h1><h2>a</h2><h3>a</h3><h4>a</h4><h5>a</h5><h6>a</h6><blockquote>a</blockquote><p>a</p>\
        <ul><li>a</li></ul><ol start=\"3\"><li>a</li></ol><sup>a</sup><sub>a</sub><b>a</b><i>a</i><u>a</u><strong>a</strong>\
        <em>a</em><s>a</s><code class=\"language-rust\">a</code><hr><br><div>a</div>\
        <table><caption>a</caption><thead><tr><th>a</th></tr></thead><tbody><tr><td>a</td></tr></tbody></table>\
        <pre><code>a</code></pre><span>a</span><details><summary>a</summary>a</details><a href=\"https://tchap.gouv.fr/\">a</a>";
    assert_eq!(
        clean(html),
        "<del>a</del><h1>a</h1><h2>a</h2><h3>a</h3><h4>a</h4><h5>a</h5><h6>a</h6><blockquote>a</blockquote><p>a</p>\
        <ul><li>a</li></ul><ol start=3><li>a</li></ol><sup>a</sup><sub>a</sub><b>a</b><i>a</i><u>a</u><strong>a</strong>\
        <em>a</em><s>a</s><code lang=rust>a</code><hr></hr><br></br><div>a</div>\
        <table><caption>a</caption><thead><tr><th>a</th></tr></thead><tbody><tr><td>a</td></tr></tbody></table>\
        <pre><code>a</code></pre><span>a</span><details><summary>a</summary>a</details><a href=https://tchap.gouv.fr/>a</a>"
    );
}

#[test]
fn font_and_unknown_tags_keep_their_text_only() {
    assert_eq!(clean("<font color=red data-mx-color=\"#ff0000\">rouge</font> et <marquee>défile</marquee>"), "rouge et défile");
}

#[test]
fn links_keep_only_the_schemes_we_open() {
    assert_eq!(clean("<a href=\"http://exemple.fr\">a</a>"), "<a href=http://exemple.fr/>a</a>");
    assert_eq!(clean("<a href=\"mailto:agent@exemple.gouv.fr\">a</a>"), "<a href=mailto:agent@exemple.gouv.fr>a</a>");
    assert_eq!(clean("<a href=\"ftp://exemple.fr\">a</a>"), "a");
    assert_eq!(clean("<a>sans adresse</a>"), "sans adresse");
    assert_eq!(clean("<a href=\"https://matrix.to/#/#salon:exemple.fr\">salon</a>"), "<a href=https://matrix.to/#/#salon:exemple.fr in-app>salon</a>");
    assert_eq!(clean("<a href=\"matrix:r/salon:exemple.fr\">salon</a>"), "<a href=matrix:r/salon:exemple.fr in-app>salon</a>");
}

#[test]
fn a_matrix_to_person_link_is_a_mention_of_the_linked_person_whatever_its_text() {
    assert_eq!(
        clean("Bonjour <a href=\"https://matrix.to/#/@alice:exemple.fr\">Alice</a>"),
        "Bonjour <a href=https://matrix.to/#/@alice:exemple.fr in-app mention=@alice:exemple.fr>Alice</a>"
    );
    // The text says Bob, the link names Alice: the mention is Alice's.
    assert_eq!(
        clean("<a href=\"https://matrix.to/#/@alice:exemple.fr\">@bob:exemple.fr</a>"),
        "<a href=https://matrix.to/#/@alice:exemple.fr in-app mention=@alice:exemple.fr>@bob:exemple.fr</a>"
    );
    assert_eq!(clean("<a href=\"https://matrix.to.evil.example/#/@alice:exemple.fr\">Alice</a>"), "<a href=https://matrix.to.evil.example/#/@alice:exemple.fr>Alice</a>");
}

#[test]
fn the_reply_fallback_is_stripped() {
    let html = "<mx-reply><blockquote><a href=\"https://matrix.to/#/!r:s/$e\">En réponse à</a> <a href=\"https://matrix.to/#/@b:s\">@b:s</a><br>ancien</blockquote></mx-reply>nouveau";
    assert_eq!(clean(html), "nouveau");
}

#[test]
fn images_are_never_loaded() {
    assert_eq!(clean("<img src=\"https://exemple.fr/chat.png\" alt=\"un chat\">"), "<a href=https://exemple.fr/chat.png>un chat</a>");
    assert_eq!(clean("<img src=\"https://exemple.fr/chat.png\">"), "<a href=https://exemple.fr/chat.png>https://exemple.fr/chat.png</a>");
    assert_eq!(clean("<img src=\"http://exemple.fr/chat.png\" alt=\"un chat\">"), "un chat");
    assert_eq!(clean("<img src=\"mxc://exemple.fr/abc\" alt=\":emote:\">"), ":emote:");
    assert_eq!(sanitize("<img src=\"http://exemple.fr/pixel.png\">"), None);
}

#[test]
fn spoilers_and_colours_are_typed() {
    assert_eq!(clean("<span data-mx-spoiler=\"fin du film\">il meurt</span>"), "<span spoiler=fin du film>il meurt</span>");
    assert_eq!(clean("<span data-mx-spoiler>il meurt</span>"), "<span spoiler=>il meurt</span>");
    assert_eq!(clean("<span data-mx-color=\"#e00000\">a</span>"), "<span color=red>a</span>");
    assert_eq!(clean("<span data-mx-color=\"#0000ff\">a</span>"), "<span color=blue>a</span>");
    // White on white would hide the text: greys are the normal colour.
    assert_eq!(clean("<span data-mx-color=\"#ffffff\" data-mx-bg-color=\"#ffffff\">a</span>"), "<span>a</span>");
}

#[test]
fn code_languages_are_names_only() {
    assert_eq!(clean("<code class=\"language-c++\">a</code>"), "<code lang=c++>a</code>");
    assert_eq!(clean("<code class=\"language-x\\\"onclick\">a</code>"), "<code>a</code>");
    assert_eq!(clean("<code class=\"hljs\">a</code>"), "<code>a</code>");
}

#[test]
fn bidirectional_overrides_are_removed_from_text_and_reasons() {
    assert_eq!(clean("<b>facture\u{202E}fdp.exe</b>"), "<b>facturefdp.exe</b>");
    assert_eq!(clean("a\u{2066}b\u{2069}c\u{202D}d"), "abcd");
    assert_eq!(clean("<span data-mx-spoiler=\"x\u{202E}y\">z</span>"), "<span spoiler=xy>z</span>");
}

#[test]
fn entities_are_text_never_markup() {
    assert_eq!(clean("&lt;script&gt;alert(1)&lt;/script&gt;"), "<script>alert(1)</script>");
    let tree = sanitize("&lt;b&gt;pas gras&lt;/b&gt;").unwrap();
    assert_eq!(tree, vec![FormattedNode::Text { text: "<b>pas gras</b>".into() }]);
}

#[test]
fn ten_thousand_levels_of_nesting_fall_back_to_plain_text() {
    // Unclosed, as HTML allows: 10,000 levels within the size bound.
    for tag in ["div", "b", "span", "i", "em", "sub"] {
        let html = format!("{}profond", format!("<{tag}>").repeat(10_000));
        assert!(html.len() <= MAX_HTML_LEN);
        assert_eq!(sanitize(&html), None, "{tag}");
    }
    let unclosed = "<ul><li>".repeat(5_000);
    assert_eq!(sanitize(&unclosed), None);
}

#[test]
fn nesting_within_the_bound_is_kept() {
    let html = format!("{}profond{}", "<blockquote>".repeat(20), "</blockquote>".repeat(20));
    assert!(clean(&html).contains("profond"));
}

#[test]
fn a_huge_body_falls_back_to_plain_text() {
    let huge = "<b>x</b>".repeat(1024 * 1024 / 8);
    assert_eq!(sanitize(&huge), None);
    let many_nodes = "<br>".repeat(MAX_HTML_LEN / 4 - 1);
    assert_eq!(sanitize(&many_nodes), None);
}

#[test]
fn only_html_formats_are_read() {
    let html = FormattedBody::html("<b>gras</b>");
    assert!(formatted_nodes("gras", Some(&html)).is_some());
    let other = FormattedBody { format: MessageFormat::from("org.example.custom"), body: "<b>gras</b>".into() };
    assert_eq!(formatted_nodes("gras", Some(&other)), None);
    assert_eq!(formatted_nodes("gras", None), None);
}

#[test]
fn web_addresses_in_plain_text_become_links() {
    let nodes = formatted_nodes("Voir https://exemple.fr/ordre.\nEt (http://a.fr) ou https://matrix.to/#/@alice:exemple.fr", None).unwrap();
    assert_eq!(
        markup(&nodes),
        "Voir <a href=https://exemple.fr/ordre>https://exemple.fr/ordre</a>.<br></br>Et (<a href=http://a.fr/>http://a.fr</a>) ou \
         <a href=https://matrix.to/#/@alice:exemple.fr in-app mention=@alice:exemple.fr>https://matrix.to/#/@alice:exemple.fr</a>"
    );
    // Not an address of ours, or not at a word's start: text.
    assert_eq!(formatted_nodes("javascript:alert(1) xhttps://exemple.fr", None), None);
    assert_eq!(formatted_nodes("<b>https://exemple.fr</b>", None).map(|n| markup(&n)).unwrap(), "<b><a href=https://exemple.fr/>https://exemple.fr</a></b>");
    // A formatted body beyond the bounds falls back to the plain body's links.
    let deep = FormattedBody::html(format!("{}https://exemple.fr", "<b>".repeat(10_000)));
    assert_eq!(formatted_nodes("https://exemple.fr", Some(&deep)).map(|n| markup(&n)).unwrap(), "<a href=https://exemple.fr/>https://exemple.fr</a>");
}

#[test]
fn only_web_and_mail_addresses_open_in_the_browser() {
    assert_eq!(browser_link("https://exemple.fr/a b").unwrap(), "https://exemple.fr/a%20b");
    assert_eq!(browser_link("mailto:agent@exemple.gouv.fr").unwrap(), "mailto:agent@exemple.gouv.fr");
    // A bidirectional override cannot reorder the address shown before opening.
    assert_eq!(browser_link("https://exemple.fr/\u{202E}fdp.exe").unwrap(), "https://exemple.fr/%E2%80%AEfdp.exe");
    for refused in ["javascript:alert(1)", "jav\tascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "matrix:u/a:b", "tchap://room/!a:b"] {
        assert_eq!(browser_link(refused).unwrap_err().code, ErrorCode::InvalidLink, "{refused}");
    }
}
