//! Parts of a served attachment (HTTP `Range`, RFC 9110 §14): a media player
//! asks for the bytes it needs (the end of an MP4 for its index, the place
//! the user seeks to) rather than the whole file.

/// What to answer to a request's `Range` header for a body of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAnswer {
    /// No usable range (none asked, another unit, several ranges, or a
    /// malformed header, which RFC 9110 says to ignore): 200, the whole body.
    Whole,
    /// 206 with bytes `start..=end` (both within the body).
    Part { start: u64, end: u64 },
    /// 416: the range starts past the end of the body.
    Unsatisfiable,
}

impl RangeAnswer {
    /// The `Content-Range` header of a 206 or 416 answer.
    pub fn content_range(&self, len: u64) -> Option<String> {
        match self {
            Self::Whole => None,
            Self::Part { start, end } => Some(format!("bytes {start}-{end}/{len}")),
            Self::Unsatisfiable => Some(format!("bytes */{len}")),
        }
    }
}

/// The answer to `Range: <header>` for a body of `len` bytes.
pub fn answer_range(header: Option<&str>, len: u64) -> RangeAnswer {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else { return RangeAnswer::Whole };
    // Several ranges would need a multipart answer: the whole body is allowed instead.
    if spec.contains(',') {
        return RangeAnswer::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else { return RangeAnswer::Whole };
    let number = |text: &str| if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) { text.parse::<u64>().ok() } else { None };
    match (first.is_empty(), last.is_empty()) {
        // "-N": the last N bytes.
        (true, false) => match number(last) {
            Some(0) => RangeAnswer::Unsatisfiable,
            Some(_) if len == 0 => RangeAnswer::Unsatisfiable,
            Some(suffix) => RangeAnswer::Part { start: len.saturating_sub(suffix), end: len - 1 },
            None => RangeAnswer::Whole,
        },
        // "N-" or "N-M": from N, to M or the end.
        (false, _) => {
            let Some(start) = number(first) else { return RangeAnswer::Whole };
            let end = if last.is_empty() { Some(u64::MAX) } else { number(last) };
            match end {
                None => RangeAnswer::Whole,
                Some(end) if end < start => RangeAnswer::Whole,
                Some(_) if start >= len => RangeAnswer::Unsatisfiable,
                Some(end) => RangeAnswer::Part { start, end: end.min(len - 1) },
            }
        }
        (true, true) => RangeAnswer::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_player_gets_the_part_it_asks_for() {
        assert_eq!(answer_range(Some("bytes=0-"), 1000), RangeAnswer::Part { start: 0, end: 999 });
        assert_eq!(answer_range(Some("bytes=100-199"), 1000), RangeAnswer::Part { start: 100, end: 199 });
        assert_eq!(answer_range(Some("bytes=900-"), 1000), RangeAnswer::Part { start: 900, end: 999 });
        // An end past the body is cut to it.
        assert_eq!(answer_range(Some("bytes=990-5000"), 1000), RangeAnswer::Part { start: 990, end: 999 });
        // The last bytes (an MP4's index), more than the body is all of it.
        assert_eq!(answer_range(Some("bytes=-100"), 1000), RangeAnswer::Part { start: 900, end: 999 });
        assert_eq!(answer_range(Some("bytes=-5000"), 1000), RangeAnswer::Part { start: 0, end: 999 });
        assert_eq!(answer_range(Some(" bytes= 5-5"), 1000), RangeAnswer::Part { start: 5, end: 5 });
        assert_eq!(RangeAnswer::Part { start: 100, end: 199 }.content_range(1000).as_deref(), Some("bytes 100-199/1000"));
    }

    #[test]
    fn a_range_past_the_end_is_unsatisfiable() {
        assert_eq!(answer_range(Some("bytes=1000-"), 1000), RangeAnswer::Unsatisfiable);
        assert_eq!(answer_range(Some("bytes=5000-6000"), 1000), RangeAnswer::Unsatisfiable);
        assert_eq!(answer_range(Some("bytes=-0"), 1000), RangeAnswer::Unsatisfiable);
        assert_eq!(answer_range(Some("bytes=0-"), 0), RangeAnswer::Unsatisfiable);
        assert_eq!(answer_range(Some("bytes=-10"), 0), RangeAnswer::Unsatisfiable);
        assert_eq!(RangeAnswer::Unsatisfiable.content_range(1000).as_deref(), Some("bytes */1000"));
    }

    #[test]
    fn anything_else_gets_the_whole_body() {
        for header in [
            None,
            Some(""),
            Some("items=0-10"),
            Some("bytes=0-10,20-30"),
            Some("bytes=10-5"),
            Some("bytes=-"),
            Some("bytes=a-b"),
            Some("bytes=+5-10"),
            Some("bytes=5"),
            Some("bytes=99999999999999999999999-"),
        ] {
            assert_eq!(answer_range(header, 1000), RangeAnswer::Whole, "{header:?}");
        }
        assert_eq!(RangeAnswer::Whole.content_range(1000), None);
    }
}
