//! What the tray shows and what closing the window does: pure rules, kept
//! apart from the windowing so that each one is tested alone.

/// The tray menu's entries: (id, French label).
pub const OPEN: (&str, &str) = ("open", "Ouvrir Tchap");
pub const PAUSE: (&str, &str) = ("pause", "Suspendre les notifications pendant 1 heure");
pub const RESUME: (&str, &str) = ("pause", "Reprendre les notifications");
pub const QUIT: (&str, &str) = ("quit", "Quitter");
/// The first line of the menu, not clickable: the unread count (Linux
/// trays show no tooltip).
pub const STATUS_ID: &str = "status";

/// How long "Suspendre les notifications" lasts.
pub const PAUSE_MS: u64 = 3600 * 1000;

/// Said once, the first time closing the window keeps Tchap running.
pub const KEPT_OPEN_NOTICE: &str =
    "Tchap reste ouvert dans la zone de notification pour recevoir vos messages. Vous pouvez changer ce choix dans les paramètres.";

/// The menu's actionable entries, in order, as they read now.
pub fn menu_entries(paused: bool) -> [(&'static str, &'static str); 3] {
    [OPEN, if paused { RESUME } else { PAUSE }, QUIT]
}

pub fn unread_line(unread: u32) -> String {
    match unread {
        0 => "Aucun message non lu".to_owned(),
        1 => "1 message non lu".to_owned(),
        n => format!("{n} messages non lus"),
    }
}

pub fn tooltip(unread: u32) -> String {
    match unread {
        0 => "Tchap".to_owned(),
        n => format!("Tchap — {}", unread_line(n)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnClose {
    /// Hidden; the tray brings it back.
    Hide,
    Quit,
}

/// Hidden only when the user wants it and a tray can bring the window back:
/// never an invisible app with no way back.
pub fn on_close(keep_in_tray: bool, tray_shown: bool) -> OnClose {
    if keep_in_tray && tray_shown { OnClose::Hide } else { OnClose::Quit }
}

/// The same picture with a red dot in its top right corner (unread messages).
pub fn with_unread_dot(rgba: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = rgba.to_vec();
    let size = width.min(height) as f32;
    let radius = size * 0.22;
    let (cx, cy) = (width as f32 - radius - size * 0.02, radius + size * 0.02);
    let ring = size * 0.05; // a white rim, so the dot shows on a red icon
    for y in 0..height {
        for x in 0..width {
            let distance = ((x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2)).sqrt();
            let colour = if distance <= radius - ring {
                [0xE1, 0x00, 0x0F, 0xFF] // DSFR's red
            } else if distance <= radius {
                [0xFF, 0xFF, 0xFF, 0xFF]
            } else {
                continue;
            };
            let at = ((y * width + x) * 4) as usize;
            out[at..at + 4].copy_from_slice(&colour);
        }
    }
    out
}

/// A red dot alone, for the Windows taskbar's overlay.
#[cfg_attr(not(windows), allow(dead_code))]
pub fn badge_dot(size: u32) -> Vec<u8> {
    with_unread_dot(&vec![0; (size * size * 4) as usize], size, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_opens_pauses_or_resumes_and_quits() {
        assert_eq!(menu_entries(false).map(|(_, label)| label), ["Ouvrir Tchap", "Suspendre les notifications pendant 1 heure", "Quitter"]);
        assert_eq!(menu_entries(true).map(|(_, label)| label), ["Ouvrir Tchap", "Reprendre les notifications", "Quitter"]);
        assert_eq!(menu_entries(true)[1].0, menu_entries(false)[1].0, "one entry that toggles");
    }

    #[test]
    fn the_tooltip_counts_unread_messages() {
        assert_eq!(tooltip(0), "Tchap");
        assert_eq!(tooltip(1), "Tchap — 1 message non lu");
        assert_eq!(tooltip(12), "Tchap — 12 messages non lus");
        assert_eq!(unread_line(0), "Aucun message non lu");
    }

    #[test]
    fn closing_hides_only_when_a_tray_can_bring_the_window_back() {
        assert_eq!(on_close(true, true), OnClose::Hide);
        assert_eq!(on_close(false, true), OnClose::Quit, "the user's choice");
        assert_eq!(on_close(true, false), OnClose::Quit, "no tray: never invisible");
        assert_eq!(on_close(false, false), OnClose::Quit);
    }

    #[test]
    fn the_unread_icon_has_a_red_dot_top_right_and_is_otherwise_unchanged() {
        let (w, h) = (32, 32);
        let icon: Vec<u8> = (0..w * h).flat_map(|_| [0x00, 0x00, 0x91, 0xFF]).collect();
        let dotted = with_unread_dot(&icon, w, h);
        let pixel = |x: u32, y: u32| &dotted[((y * w + x) * 4) as usize..][..4];
        let (cx, cy) = (w - 1 - (w as f32 * 0.24) as u32, (w as f32 * 0.24) as u32);
        assert_eq!(pixel(cx, cy), [0xE1, 0x00, 0x0F, 0xFF], "red at the dot's centre");
        assert_eq!(pixel(2, h - 3), [0x00, 0x00, 0x91, 0xFF], "the rest as it was");
        assert_eq!(pixel(2, 2), [0x00, 0x00, 0x91, 0xFF], "top left untouched");
        assert_ne!(dotted, icon);
    }
}
