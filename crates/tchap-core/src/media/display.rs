//! What the webview may be given to display: types sniffed from the bytes
//! (never the sender's claim), images it decodes only when their size is
//! sane, thumbnails and placeholders made here with bounded memory.

use super::thumbnail;
use crate::error::{AppError, AppResult, ErrorCode};

/// The placeholder's size: a blurhash only holds a few colours.
const PLACEHOLDER_WIDTH: u32 = 32;
const PLACEHOLDER_HEIGHT: u32 = 24;
/// Longest blurhash accepted (9×9 components make 4 + 2 × 81 characters).
const MAX_BLURHASH_LEN: usize = 200;

/// The type of `bytes` from their content; None when unknown.
pub fn sniff(bytes: &[u8]) -> Option<String> {
    infer::get(bytes).map(|kind| kind.mime_type().to_owned())
}

/// Types a page may show inline. Never SVG (it can carry scripts) nor HTML.
pub fn shown_inline(mime: &str) -> bool {
    matches!(
        mime,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
            | "video/mp4" | "video/webm" | "video/ogg"
            | "audio/mpeg" | "audio/ogg" | "audio/wav" | "audio/x-wav" | "audio/webm" | "audio/mp4" | "audio/aac" | "audio/x-flac"
    )
}

/// The original may go to the webview: an image only when its declared size
/// is one the webview can decode without exhausting memory.
pub async fn servable_original(bytes: Vec<u8>, mime: &str) -> AppResult<Vec<u8>> {
    if !mime.starts_with("image/") {
        return Ok(bytes);
    }
    crate::files::blocking(move || {
        thumbnail::check_dimensions(&bytes).map_err(|e| AppError::new(ErrorCode::MediaUnreadable, e.to_string()))?;
        Ok(bytes)
    })
    .await
}

/// An image attachment's own bytes, once they proved to be a whole image
/// that decodes within the limits, as its thumbnail must: a cut file or
/// another kind of file sent as a picture is neither shown nor saved.
pub async fn checked_image(bytes: Vec<u8>) -> AppResult<Vec<u8>> {
    crate::files::blocking(move || {
        thumbnail::check_decodes(&bytes).map_err(|e| AppError::new(ErrorCode::MediaUnreadable, e.to_string()))?;
        Ok(bytes)
    })
    .await
}

/// A small image made here from any image the sender sent (their own
/// thumbnail or the full picture), re-encoded: the webview never decodes a
/// stranger's image file for the timeline.
pub async fn thumbnail(bytes: Vec<u8>) -> AppResult<(Vec<u8>, Option<String>)> {
    crate::files::blocking(move || {
        let made = thumbnail::thumbnail(&bytes).map_err(|e| AppError::new(ErrorCode::MediaUnreadable, e.to_string()))?;
        Ok((made.data, Some(made.mime.to_owned())))
    })
    .await
}

/// The blurhash an image event carries, drawn as a tiny PNG.
pub async fn placeholder(blurhash: String) -> AppResult<Vec<u8>> {
    if blurhash.len() > MAX_BLURHASH_LEN {
        return Err(AppError::new(ErrorCode::MediaUnreadable, "blurhash too long"));
    }
    crate::files::blocking(move || {
        let pixels = blurhash::decode(&blurhash, PLACEHOLDER_WIDTH, PLACEHOLDER_HEIGHT, 1.0)
            .map_err(|e| AppError::new(ErrorCode::MediaUnreadable, format!("blurhash: {e}")))?;
        let image = image::RgbaImage::from_raw(PLACEHOLDER_WIDTH, PLACEHOLDER_HEIGHT, pixels)
            .ok_or_else(|| AppError::new(ErrorCode::MediaUnreadable, "blurhash size"))?;
        let mut png = Vec::new();
        image
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .map_err(|e| AppError::new(ErrorCode::MediaUnreadable, e.to_string()))?;
        Ok(png)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_media_types_are_shown_inline() {
        assert!(shown_inline("image/png"));
        assert!(shown_inline("video/mp4"));
        assert!(!shown_inline("image/svg+xml"));
        assert!(!shown_inline("text/html"));
        assert!(!shown_inline("application/pdf"));
        assert!(!shown_inline("application/octet-stream"));
    }

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").as_deref(), Some("image/png"));
        assert_eq!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"), None);
        assert_eq!(sniff(b"%PDF-1.7").as_deref(), Some("application/pdf"));
    }

    #[tokio::test]
    async fn a_placeholder_is_drawn_from_a_blurhash_and_a_hostile_one_is_refused() {
        let png = placeholder("LEHV6nWB2yk8pyo0adR*.7kCMdnj".into()).await.unwrap();
        assert_eq!(sniff(&png).as_deref(), Some("image/png"));
        assert!(placeholder("x".repeat(5000)).await.is_err());
        assert!(placeholder("not a hash".into()).await.is_err());
    }
}
