//! What an image attachment carries besides its bytes: its dimensions (as
//! shown, EXIF orientation applied), a thumbnail and a blurhash. Pure and
//! blocking: callers run it in `spawn_blocking`.
//!
//! The file comes from anywhere (a mail attachment, a web page): decoding is
//! bounded so that a decompression bomb or an absurd declared size fails
//! before any large allocation instead of exhausting memory.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, metadata::Orientation};

use super::{
    decode_budget::{DecodeBudget, Reservation},
    whole_jpeg::jpeg_is_whole,
};

/// Larger images are not thumbnailed (they are still sent, without thumbnail).
pub const MAX_SIDE: u32 = 16_384;
/// What decoding may allocate at once: a 48-megapixel photo fits, a bomb does not.
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// What all decodes at once may allocate: one image at the limit, or several smaller ones.
static DECODE_BUDGET: DecodeBudget = DecodeBudget::new(MAX_DECODE_BYTES);
/// The thumbnail's box, as Element makes them.
pub const THUMBNAIL_WIDTH: u32 = 800;
pub const THUMBNAIL_HEIGHT: u32 = 600;
/// Blurhash components: a small count keeps the hash short (a few dozen characters).
const BLURHASH_X: u32 = 4;
const BLURHASH_Y: u32 = 3;
/// The blurhash is computed on a tiny copy: it only keeps low frequencies anyway.
const BLURHASH_SOURCE_SIDE: u32 = 64;
const JPEG_QUALITY: u8 = 80;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    pub data: Vec<u8>,
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFacts {
    pub width: u32,
    pub height: u32,
    pub blurhash: String,
    pub thumbnail: Thumbnail,
}

#[derive(Debug, thiserror::Error)]
pub enum ImageFactsError {
    /// Too large to decode within the limits (declared size or allocation).
    #[error("image over the decoding limits: {0}")]
    OverLimits(String),
    /// Not an image this app decodes, or a damaged one.
    #[error("image not decodable: {0}")]
    Undecodable(String),
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

impl From<image::ImageError> for ImageFactsError {
    fn from(error: image::ImageError) -> Self {
        match error {
            image::ImageError::Limits(e) => Self::OverLimits(e.to_string()),
            other => Self::Undecodable(other.to_string()),
        }
    }
}

/// Decodes `bytes` within the limits and describes the image.
pub fn image_facts(bytes: &[u8]) -> Result<ImageFacts, ImageFactsError> {
    let (image, _budget) = decode_bounded(bytes)?;
    let small = shrunk(&image);
    // The blurhash only keeps low frequencies: drawn from the thumbnail, not
    // from the full photo again.
    Ok(ImageFacts { width: image.width(), height: image.height(), blurhash: blurhash_of(&small)?, thumbnail: encode_thumbnail(&small)? })
}

/// A thumbnail of any image received, re-encoded here within the limits:
/// the webview never decodes a stranger's image file for the timeline.
pub fn thumbnail(bytes: &[u8]) -> Result<Thumbnail, ImageFactsError> {
    let (image, _budget) = decode_bounded(bytes)?;
    encode_thumbnail(&shrunk(&image))
}

/// Whether `bytes` are a whole image that decodes within the limits (not a
/// cut file, nor another kind of file sent as a picture).
pub fn check_decodes(bytes: &[u8]) -> Result<(), ImageFactsError> {
    decode_bounded(bytes).map(drop)
}

/// Whether the image's declared size is within the limits, reading only its
/// header: what the webview may then decode itself (the full view).
pub fn check_dimensions(bytes: &[u8]) -> Result<(), ImageFactsError> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| ImageFactsError::Undecodable(e.to_string()))?;
    reader.limits(limits());
    let (width, height) = reader.into_dimensions()?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) * 4 > MAX_DECODE_BYTES {
        return Err(ImageFactsError::OverLimits(format!("{width}×{height}")));
    }
    Ok(())
}

/// Decodes with limits, EXIF orientation applied (a phone's portrait photo
/// is stored landscape): dimensions are those the user sees. The image's
/// share of the decode budget is held until the reservation is dropped.
fn decode_bounded(bytes: &[u8]) -> Result<(DynamicImage, Reservation), ImageFactsError> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| ImageFactsError::Undecodable(e.to_string()))?;
    if reader.format() == Some(ImageFormat::Jpeg) && !jpeg_is_whole(bytes) {
        return Err(ImageFactsError::Undecodable("JPEG cut short".to_owned()));
    }
    reader.limits(limits());
    let mut decoder = reader.into_decoder()?;
    // Checked here too: not every decoder enforces `max_alloc` itself.
    let (width, height) = decoder.dimensions();
    let needed = u64::from(width) * u64::from(height) * u64::from(decoder.color_type().bytes_per_pixel());
    if width > MAX_SIDE || height > MAX_SIDE || needed > MAX_DECODE_BYTES {
        return Err(ImageFactsError::OverLimits(format!("{width}×{height}")));
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    // Turning the picture makes a second copy of it.
    let copies = if orientation == Orientation::NoTransforms { 1 } else { 2 };
    let reservation = DECODE_BUDGET.reserve(needed * copies);
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(orientation);
    Ok((image, reservation))
}

/// At most 800×600, never enlarged.
fn shrunk(image: &DynamicImage) -> DynamicImage {
    if image.width() > THUMBNAIL_WIDTH || image.height() > THUMBNAIL_HEIGHT {
        image.thumbnail(THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT)
    } else {
        image.clone()
    }
}

/// JPEG, or PNG to keep transparency.
fn encode_thumbnail(small: &DynamicImage) -> Result<Thumbnail, ImageFactsError> {
    let mut data = Vec::new();
    let mime = if small.color().has_alpha() {
        small.to_rgba8().write_to(&mut Cursor::new(&mut data), ImageFormat::Png)?;
        "image/png"
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, JPEG_QUALITY);
        small.to_rgb8().write_with_encoder(encoder)?;
        "image/jpeg"
    };
    Ok(Thumbnail { data, mime, width: small.width(), height: small.height() })
}

fn blurhash_of(image: &DynamicImage) -> Result<String, ImageFactsError> {
    let tiny = image.thumbnail(BLURHASH_SOURCE_SIDE, BLURHASH_SOURCE_SIDE).to_rgba8();
    blurhash::encode(BLURHASH_X, BLURHASH_Y, tiny.width(), tiny.height(), tiny.as_raw())
        .map_err(|e| ImageFactsError::Undecodable(format!("blurhash: {e}")))
}

#[cfg(test)]
mod tests {
    use image::{ImageBuffer, Rgb, Rgba};

    use super::*;

    fn encoded(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut bytes = Vec::new();
        image.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
        bytes
    }

    fn gradient(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(ImageBuffer::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128])))
    }

    /// A PNG whose header declares `width`×`height` but carries almost no
    /// data: what a decompression bomb or a forged header looks like.
    fn png_declaring(width: u32, height: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let start = out.len();
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            let crc = crc32(&out[start..]);
            out.extend_from_slice(&crc.to_be_bytes());
        }
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = 0xffff_ffffu32;
            for &byte in bytes {
                crc ^= u32::from(byte);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
                }
            }
            !crc
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut header = Vec::new();
        header.extend_from_slice(&width.to_be_bytes());
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
        chunk(&mut png, b"IHDR", &header);
        // A zlib stream of a few zero bytes: inflates to far less than declared.
        chunk(&mut png, b"IDAT", &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        chunk(&mut png, b"IEND", &[]);
        png
    }

    #[test]
    fn a_photo_gets_its_size_a_bounded_jpeg_thumbnail_and_a_blurhash() {
        let facts = image_facts(&encoded(gradient(1600, 1000), ImageFormat::Jpeg)).unwrap();
        assert_eq!((facts.width, facts.height), (1600, 1000));
        // Fits 800×600, ratio kept.
        assert_eq!((facts.thumbnail.width, facts.thumbnail.height), (800, 500));
        assert_eq!(facts.thumbnail.mime, "image/jpeg");
        let decoded = image::load_from_memory(&facts.thumbnail.data).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (800, 500));
        // 4×3 components: 1 + 1 + 4 + 2·(4·3 − 1) = 28 characters, and it decodes.
        assert_eq!(facts.blurhash.len(), 28, "{}", facts.blurhash);
        assert!(blurhash::decode(&facts.blurhash, 8, 6, 1.0).is_ok());
    }

    #[test]
    fn a_small_image_is_not_enlarged_and_transparency_stays_png() {
        let logo = DynamicImage::ImageRgba8(ImageBuffer::from_pixel(40, 30, Rgba([0, 0, 145, 100])));
        let facts = image_facts(&encoded(logo, ImageFormat::Png)).unwrap();
        assert_eq!((facts.thumbnail.width, facts.thumbnail.height), (40, 30));
        assert_eq!(facts.thumbnail.mime, "image/png");
        assert!(image::load_from_memory(&facts.thumbnail.data).unwrap().color().has_alpha());
    }

    #[test]
    fn portrait_orientation_from_exif_is_applied_to_the_dimensions() {
        // A landscape JPEG tagged "rotate 90°" (EXIF orientation 6), as phones store portraits.
        let mut jpeg = encoded(gradient(64, 32), ImageFormat::Jpeg);
        let exif: &[u8] = &[
            b'E', b'x', b'i', b'f', 0, 0, // APP1 identifier
            b'M', b'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD at 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // Orientation (SHORT) = 6
            0, 0, 0, 0, // no next IFD
        ];
        let mut app1 = vec![0xff, 0xe1];
        app1.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        app1.extend_from_slice(exif);
        jpeg.splice(2..2, app1); // right after SOI
        let facts = image_facts(&jpeg).unwrap();
        assert_eq!((facts.width, facts.height), (32, 64));
    }

    #[test]
    fn a_forged_billion_by_billion_header_fails_cleanly_before_allocating() {
        let error = image_facts(&png_declaring(1_000_000_000, 1_000_000_000)).unwrap_err();
        assert!(matches!(error, ImageFactsError::OverLimits(_)), "{error}");
    }

    #[test]
    fn a_bomb_within_the_side_limit_but_over_the_memory_budget_is_refused() {
        // 16 000 × 16 000 RGBA would need 1 GiB once inflated.
        let error = image_facts(&png_declaring(16_000, 16_000)).unwrap_err();
        assert!(matches!(error, ImageFactsError::OverLimits(_)), "{error}");
    }

    #[test]
    fn a_truncated_image_is_undecodable() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png] {
            let whole = encoded(gradient(640, 480), format);
            let cut = &whole[..whole.len() / 2];
            let error = thumbnail(cut).err().unwrap_or_else(|| panic!("{format:?} cut in half was decoded"));
            assert!(matches!(error, ImageFactsError::Undecodable(_)), "{format:?}: {error}");
        }
    }

    #[test]
    fn bytes_that_are_not_an_image_are_reported_as_undecodable() {
        let error = image_facts(b"%PDF-1.7 not an image").unwrap_err();
        assert!(matches!(error, ImageFactsError::Undecodable(_)), "{error}");
    }
}
