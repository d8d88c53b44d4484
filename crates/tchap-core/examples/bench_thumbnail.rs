//! Thumbnail of a 12-megapixel JPEG: ours (`media::thumbnail`, bounded
//! decoding, EXIF orientation, the blurhash when sending) beside the bare
//! `image` crate doing the least a thumbnail needs (decode, shrink, encode),
//! measured in the same run. Each measurement is a fresh process, so that its
//! peak memory (VmHWM) is its own. Prints a Markdown block for BENCHMARKS.md.
//!
//!   bench_thumbnail [--runs 7] [--out BENCHMARKS.md]

#[path = "common/bench_block.rs"]
mod bench_block;

use std::{io::Cursor, process::Command, time::Instant};

use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use tchap_core::media::thumbnail;

const MARK_START: &str = "<!-- thumbnail-bench:start -->";
const MARK_END: &str = "<!-- thumbnail-bench:end -->";
const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;

/// A photo-like picture: smooth shapes plus sensor noise, so that the JPEG
/// weighs what a phone's does (a flat image would compress to nothing).
fn photo() -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 24) as u8
    };
    let image = ImageBuffer::from_fn(WIDTH, HEIGHT, |x, y| {
        let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
        let sky = (200.0 * (1.0 - fy)) as u8;
        let hill = if fy > 0.6 + 0.1 * (fx * 12.0).sin() { 90 } else { 0 };
        Rgb([sky.saturating_add(noise()), (120 + hill) as u8 + noise(), (255 - hill) as u8 - noise()])
    });
    let mut bytes = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 92);
    DynamicImage::ImageRgb8(image).write_with_encoder(encoder).expect("encoding the test photo");
    bytes
}

/// What a program with only the `image` crate does for a thumbnail.
fn bare(bytes: &[u8]) -> usize {
    let image = image::load_from_memory_with_format(bytes, ImageFormat::Jpeg).expect("bare decode");
    let small = image.thumbnail(thumbnail::THUMBNAIL_WIDTH, thumbnail::THUMBNAIL_HEIGHT);
    let mut data = Vec::new();
    small.to_rgb8().write_to(&mut Cursor::new(&mut data), ImageFormat::Jpeg).expect("bare encode");
    data.len()
}

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// One measurement in this process: prints `ms peak_growth_kib`.
fn measure_one(which: &str, path: &str) {
    let bytes = std::fs::read(path).expect("reading the photo");
    let before = peak_kib();
    let start = Instant::now();
    let out = match which {
        "receive" => thumbnail::thumbnail(&bytes).expect("ours").data.len(),
        "send" => thumbnail::image_facts(&bytes).expect("ours").thumbnail.data.len(),
        _ => bare(&bytes),
    };
    let elapsed = start.elapsed().as_secs_f64() * 1000.0;
    assert!(out > 0);
    println!("{elapsed:.1} {}", peak_kib().saturating_sub(before));
}

fn run_child(which: &str, path: &str) -> (f64, f64) {
    let out = Command::new(std::env::current_exe().unwrap()).args(["--one", which, path]).output().expect("child");
    assert!(out.status.success(), "{which}: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut fields = text.split_whitespace().map(|f| f.parse::<f64>().unwrap());
    (fields.next().unwrap(), fields.next().unwrap() / 1024.0)
}

fn stats(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    (sorted[0], sorted[sorted.len() / 2], sorted[sorted.len() - 1])
}

fn cell(values: &[f64]) -> String {
    let (min, median, max) = stats(values);
    format!("{min:.0} / **{median:.0}** / {max:.0}")
}

fn ratio_cells(ours: &[f64], bare: &[f64]) -> String {
    let ratios: Vec<f64> = ours.iter().zip(bare).map(|(o, b)| o / b).collect();
    let (min, median, max) = stats(&ratios);
    format!("**{median:.2}×** | {min:.2}× – {max:.2}×")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--one") {
        return measure_one(&args[2], &args[3]);
    }
    let runs: usize = args.iter().position(|a| a == "--runs").and_then(|i| args.get(i + 1)).and_then(|r| r.parse().ok()).unwrap_or(7);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("photo.jpg");
    let bytes = photo();
    std::fs::write(&path, &bytes).expect("writing the photo");
    let path = path.to_str().unwrap();

    // Measured back to back in each run, in turns, so that load hits all alike.
    let (mut receive, mut send, mut bare) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        receive.push(run_child("receive", path));
        send.push(run_child("send", path));
        bare.push(run_child("bare", path));
    }
    let times = |v: &[(f64, f64)]| v.iter().map(|m| m.0).collect::<Vec<_>>();
    let peaks = |v: &[(f64, f64)]| v.iter().map(|m| m.1).collect::<Vec<_>>();

    let mut lines = vec![MARK_START.to_owned()];
    lines.push(format!("## Thumbnail of a 12-megapixel JPEG ({WIDTH}×{HEIGHT}, {:.1} MiB), {runs} runs\n", bytes.len() as f64 / 1048576.0));
    lines.push("Written by `cargo run -p tchap-core --example bench_thumbnail` (dev profile: the `image` crate at opt-level 2, as in the app's debug build; the release build is faster for both).".to_owned());
    lines.push("Each measurement is a fresh process; peak memory is its VmHWM growth during the work. Ratio: ours ÷ bare within each run, median, then min – max.\n".to_owned());
    lines.push("| measure | ours | bare `image` | ours/bare | per-run ratios |".to_owned());
    lines.push("| --- | --- | --- | --- | --- |".to_owned());
    lines.push(format!("| receive: thumbnail (ms) | {} | {} | {} |", cell(&times(&receive)), cell(&times(&bare)), ratio_cells(&times(&receive), &times(&bare))));
    lines.push(format!("| receive: peak memory (MiB) | {} | {} | {} |", cell(&peaks(&receive)), cell(&peaks(&bare)), ratio_cells(&peaks(&receive), &peaks(&bare))));
    lines.push(format!("| send: size, thumbnail, blurhash (ms) | {} | {} | {} |", cell(&times(&send)), cell(&times(&bare)), ratio_cells(&times(&send), &times(&bare))));
    lines.push(format!("| send: peak memory (MiB) | {} | {} | {} |", cell(&peaks(&send)), cell(&peaks(&bare)), ratio_cells(&peaks(&send), &peaks(&bare))));
    lines.push(MARK_END.to_owned());
    let block = lines.join("\n");
    println!("{block}");
    if let Some(out) = args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)) {
        bench_block::write_block(out, &block, MARK_START, MARK_END);
    }
}
