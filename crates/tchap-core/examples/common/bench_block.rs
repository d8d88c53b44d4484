//! Each benchmark program writes its own block of BENCHMARKS.md, between its
//! start and end markers, and leaves the rest of the file as it is.

/// Replaces the block between `start` and `end` in `path`, else adds it
/// before "## How to repeat", else at the end. `block` holds both markers.
pub fn write_block(path: &str, block: &str, start: &str, end: &str) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let text = match (text.find(start), text.find(end)) {
        (Some(from), Some(to)) => format!("{}{block}{}", &text[..from], &text[to + end.len()..]),
        _ => match text.find("## How to repeat") {
            Some(at) => format!("{}{block}\n\n{}", &text[..at], &text[at..]),
            None => format!("{}\n\n{block}\n", text.trim_end()),
        },
    };
    std::fs::write(path, text).expect("writing the benchmarks file");
}
