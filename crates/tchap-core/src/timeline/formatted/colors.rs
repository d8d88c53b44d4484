//! `data-mx-color` brought to a few colours of our palette: the CSP forbids
//! inline styles, and a sender's exact colour could hide text (white on white).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum TextColor {
    Red,
    Orange,
    Yellow,
    Green,
    Blue,
    Purple,
}

/// The nearest hue of ours for `#rrggbb`; None for greys (black, white and
/// everything between read as the normal text colour) and anything else.
pub(super) fn text_color(value: &str) -> Option<TextColor> {
    let hex = value.trim().strip_prefix('#').filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()))?;
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map(|v| f32::from(v) / 255.0).ok();
    let (r, g, b) = (channel(0)?, channel(2)?, channel(4)?);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let chroma = max - min;
    if chroma < 0.2 {
        return None;
    }
    let hue = if max == r {
        60.0 * ((g - b) / chroma).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / chroma + 2.0)
    } else {
        60.0 * ((r - g) / chroma + 4.0)
    };
    Some(match hue {
        h if h < 20.0 || h >= 330.0 => TextColor::Red,
        h if h < 45.0 => TextColor::Orange,
        h if h < 70.0 => TextColor::Yellow,
        h if h < 170.0 => TextColor::Green,
        h if h < 260.0 => TextColor::Blue,
        _ => TextColor::Purple,
    })
}
