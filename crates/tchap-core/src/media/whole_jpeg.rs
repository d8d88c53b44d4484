//! Whether a JPEG file is whole. The decoder, like browsers, fills the part
//! a cut file lacks with grey instead of failing: a file cut in transit
//! would pass for a picture. Walking its markers to the end-of-image one
//! tells (what follows that marker, as in phones' motion photos, is left alone).

const MARKER: u8 = 0xFF;
const START_OF_IMAGE: u8 = 0xD8;
const END_OF_IMAGE: u8 = 0xD9;
const START_OF_SCAN: u8 = 0xDA;

/// Whether the JPEG's segments run from its start to its end-of-image marker.
pub fn jpeg_is_whole(bytes: &[u8]) -> bool {
    if bytes.get(..2) != Some(&[MARKER, START_OF_IMAGE]) {
        return false;
    }
    let mut at = 2;
    loop {
        // Any number of fill bytes may precede a marker.
        while bytes.get(at..at + 2) == Some(&[MARKER, MARKER]) {
            at += 1;
        }
        let Some(&[MARKER, marker]) = bytes.get(at..at + 2) else { return false };
        at += 2;
        match marker {
            END_OF_IMAGE => return true,
            // Markers without a segment: restarts and TEM.
            0xD0..=0xD7 | 0x01 => continue,
            _ => {}
        }
        let Some(&[high, low]) = bytes.get(at..at + 2) else { return false };
        let length = usize::from(u16::from_be_bytes([high, low]));
        if length < 2 {
            return false;
        }
        at += length;
        if marker == START_OF_SCAN {
            match end_of_scan_data(bytes, at) {
                Some(end) => at = end,
                None => return false,
            }
        }
    }
}

/// Where the compressed data starting at `at` ends: at the first marker that
/// is neither an escaped 0xFF (0xFF00) nor a restart; None when the file ends first.
fn end_of_scan_data(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        match bytes.get(at..at + 2)? {
            [MARKER, 0x00 | 0xD0..=0xD7] => at += 2,
            [MARKER, MARKER] => at += 1,
            [MARKER, _] => return Some(at),
            _ => at += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(progressive_like_rows: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(96, progressive_like_rows, |x, y| image::Rgb([(x * 3) as u8, (y * 5) as u8, 70]));
        let mut bytes = Vec::new();
        image.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Jpeg).unwrap();
        bytes
    }

    #[test]
    fn a_whole_jpeg_is_whole_even_with_data_after_it() {
        let mut whole = jpeg(64);
        assert!(jpeg_is_whole(&whole));
        whole.extend_from_slice(b"ftypmp42 a motion photo's video");
        assert!(jpeg_is_whole(&whole));
    }

    #[test]
    fn a_jpeg_cut_anywhere_is_not_whole() {
        let whole = jpeg(64);
        for end in [0, 1, 2, 3, 20, whole.len() / 2, whole.len() - 2, whole.len() - 1] {
            assert!(!jpeg_is_whole(&whole[..end]), "cut at {end} of {}", whole.len());
        }
        assert!(!jpeg_is_whole(b"%PDF-1.7"));
    }
}
