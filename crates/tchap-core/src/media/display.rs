//! What the webview may be given to display: types sniffed from the bytes
//! (never the sender's claim), images it decodes only when their size is
//! sane, thumbnails and placeholders made here with bounded memory.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use super::thumbnail;
use crate::error::{AppError, AppResult, ErrorCode};

/// Images decoded at once, however many tiles ask (a room of 200 photos
/// opens 200): each decode may take up to `thumbnail::MAX_DECODE_BYTES`, so
/// this bounds the app's memory, and more would not finish sooner on the
/// cores there are.
static DECODERS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4)));

/// Runs image decoding off the async workers, a few at a time.
pub async fn decoding<T: Send + 'static>(work: impl FnOnce() -> AppResult<T> + Send + 'static) -> AppResult<T> {
    let _permit = DECODERS.acquire().await.map_err(|e| AppError::internal("image decoders", e))?;
    crate::files::blocking(work).await
}

/// The placeholder's size: a blurhash only holds a few colours.
const PLACEHOLDER_WIDTH: u32 = 32;
const PLACEHOLDER_HEIGHT: u32 = 24;
/// Longest blurhash accepted (9×9 components make 4 + 2 × 81 characters).
const MAX_BLURHASH_LEN: usize = 200;

/// The type of `bytes` from their content; None when unknown.
pub fn sniff(bytes: &[u8]) -> Option<String> {
    infer::get(bytes).map(|kind| kind.mime_type().to_owned())
}

/// Types a page may show inline, as `sniff` names them: pictures, and the
/// sound and video containers the webview's player reads (WebKitGTK:
/// GStreamer's base, good and libav plugins). Never SVG (it can carry
/// scripts) nor HTML.
pub fn shown_inline(mime: &str) -> bool {
    matches!(
        mime,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
            | "video/mp4" | "video/x-m4v" | "video/quicktime" | "video/webm" | "video/x-matroska"
            | "audio/mpeg" | "audio/ogg" | "audio/opus" | "audio/x-wav" | "audio/x-flac" | "audio/aac" | "audio/m4a"
    )
}

/// The original may go to the webview: an image only when its declared size
/// is one the webview can decode without exhausting memory.
pub async fn servable_original(bytes: Vec<u8>, mime: &str) -> AppResult<Vec<u8>> {
    if !mime.starts_with("image/") {
        return Ok(bytes);
    }
    decoding(move || {
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
    decoding(move || {
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
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };

    use super::*;

    /// A room of many photos opening at once decodes only a few at a time:
    /// each decode may take hundreds of MiB, so memory stays bounded.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_images_asked_at_once_are_decoded_a_few_at_a_time() {
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..24)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(decoding(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    Ok(())
                }))
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let most = most.load(Ordering::SeqCst);
        assert!((1..=4).contains(&most), "{most} images decoded at once");
    }

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
    fn sound_and_video_in_common_containers_are_shown_inline() {
        let ogg_page = |codec: &[u8]| [b"OggS\0\x02".as_slice(), &[0; 22], codec].concat();
        // An EBML header naming its document type, then the file goes on.
        let ebml = |doc_type: &[u8]| [b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01".as_slice(), doc_type, &[0; 300]].concat();
        let samples: [(&str, Vec<u8>); 9] = [
            ("WAV", [b"RIFF\x24\0\0\0WAVEfmt ".as_slice(), &[0; 8]].concat()),
            ("Ogg Vorbis", ogg_page(b"\x01vorbis")),
            // A voice message (Element records Ogg Opus).
            ("Ogg Opus", ogg_page(b"OpusHead")),
            ("MP3", b"ID3\x04\0\0\0\0\0\0".to_vec()),
            ("FLAC", b"fLaC\0\0\0\x22".to_vec()),
            ("M4A", b"\0\0\0\x20ftypM4A \0\0\0\0".to_vec()),
            ("MP4", b"\0\0\0\x20ftypisom\0\0\x02\0".to_vec()),
            ("WebM", ebml(b"\x42\x82\x84webm")),
            ("Matroska", ebml(b"\x42\x82\x88matroska")),
        ];
        for (what, bytes) in samples {
            let mime = sniff(&bytes).unwrap_or_else(|| panic!("{what} not recognised"));
            assert!(shown_inline(&mime), "{what} ({mime}) is not served to the player");
        }
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
