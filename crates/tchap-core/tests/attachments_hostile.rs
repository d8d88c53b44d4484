//! Hostile attachments from the real Synapse, through the real content
//! scanner (issue 13, point 6). Anyone in a room writes the events our user
//! receives and can put anything in an `m.room.message`: a decompression
//! bomb, absurd sizes, a lying type, a cut file, addresses meant to steer a
//! request, a virus, no address at all, a name meant to be a path. Each one
//! still shows as a tile with a verdict the tile can say, only clean bytes
//! are ever handed out, saving refuses the rest, and memory and time stay
//! bounded.

// The SDK's futures nest deeply in one test's async block.
#![recursion_limit = "256"]

mod common;

use std::{
    io::Write,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use common::{received_media::*, *};
use serde_json::{Value, json};
use tchap_core::{
    error::ErrorCode,
    media::service::{BlockedBecause, MediaCheck, MediaVariant},
    room_list::{self, RoomKind},
    rooms,
    session::{self, Session},
    timeline::MediaKind,
};

/// A tile waiting longer than this for its verdict looks frozen.
const CHECK_TIMEOUT: Duration = Duration::from_secs(60);
/// How much the process's peak memory may grow while every check runs at once.
const MAX_PEAK_GROWTH_KIB: u64 = 300 * 1024;
/// How late a timer of the async runtime may fire meanwhile (the app stays responsive).
const MAX_RUNTIME_LAG: Duration = Duration::from_secs(1);
/// The largest integer the server accepts in an event (canonical JSON).
const MAX_JSON_INTEGER: u64 = (1 << 53) - 1;

/// A PNG of `width`×`height` black pixels, written row by row: a few hundred
/// kilobytes that inflate to width × height × channels bytes.
fn black_png(width: u32, height: u32, color: png::ColorType) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(6));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().unwrap();
    let mut rows = writer.stream_writer().unwrap();
    let row = vec![0u8; width as usize * color.samples()];
    for _ in 0..height {
        rows.write_all(&row).unwrap();
    }
    rows.finish().unwrap();
    writer.finish().unwrap();
    bytes
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 90]));
    let mut bytes = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Jpeg).unwrap();
    bytes
}

/// The process's peak resident memory so far (`VmHWM`), in KiB.
fn peak_memory_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM in /proc/self/status");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn image_event(name: &str, url: &str, info: Value) -> Value {
    json!({ "msgtype": "m.image", "body": name, "url": url, "info": info })
}

fn file_event(name: &str, url: &str, mime: &str, size: usize) -> Value {
    json!({ "msgtype": "m.file", "body": name, "filename": name, "url": url, "info": { "mimetype": mime, "size": size } })
}

/// What our user's app made of one hostile attachment.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    thumbnail: MediaCheck,
    original: MediaCheck,
    /// Whether `clean()` handed out bytes, per variant.
    thumbnail_bytes: bool,
    original_bytes: bool,
    saved: Result<String, ErrorCode>,
}

/// Everything the UI can ask of one attachment, each within the deadline.
async fn everything_asked(session: &Session, room_id: &str, item: &str, downloads: &std::path::Path) -> Outcome {
    let (media, timelines) = (session.media(), session.timelines());
    let thumbnail = within(item, media.check(timelines, room_id, item, MediaVariant::Thumbnail)).await;
    let original = within(item, media.check(timelines, room_id, item, MediaVariant::Original)).await;
    let thumbnail_bytes = within(item, media.clean(timelines, room_id, item, MediaVariant::Thumbnail)).await.is_ok();
    let original_bytes = within(item, media.clean(timelines, room_id, item, MediaVariant::Original)).await.is_ok();
    let saved = within(item, media.save(timelines, room_id, item, downloads.to_owned())).await;
    let saved = saved.map(|path| path.file_name().unwrap().to_string_lossy().into_owned()).map_err(|e| e.code);
    Outcome { thumbnail, original, thumbnail_bytes, original_bytes, saved }
}

async fn within<T>(item: &str, asked: impl Future<Output = T>) -> T {
    tokio::time::timeout(CHECK_TIMEOUT, asked).await.unwrap_or_else(|_| panic!("{item}: no answer within {CHECK_TIMEOUT:?}"))
}

fn refused(thumbnail: MediaCheck, original: MediaCheck, code: ErrorCode) -> Outcome {
    Outcome { thumbnail, original, thumbnail_bytes: false, original_bytes: false, saved: Err(code) }
}

/// A timer on the runtime, noting how late it fires: a decoder hogging the
/// async workers would make the whole app (sync, IPC) wait.
fn lag_probe() -> (Arc<Mutex<Duration>>, tokio::task::JoinHandle<()>) {
    let worst = Arc::new(Mutex::new(Duration::ZERO));
    let noted = worst.clone();
    let probe = tokio::spawn(async move {
        loop {
            let asked = Instant::now();
            tokio::time::sleep(Duration::from_millis(20)).await;
            let late = asked.elapsed().saturating_sub(Duration::from_millis(20));
            let mut worst = noted.lock().unwrap();
            *worst = (*worst).max(late);
        }
    });
    (worst, probe)
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_attachments_each_get_a_verdict_and_hand_nothing_out() {
    let user = register("cible", "Claire Cible").await;
    let hostile = RawClient::new(&register("piege", "Pierre Piège").await);
    let room_id = hostile.create_room("Pièces piégées", &[&user.user_id]).await;

    // Anything a client may send, uploaded as plain media.
    let bomb = black_png(12_000, 12_000, png::ColorType::Rgba); // 576 MB once inflated
    assert!(bomb.len() < 2 * 1024 * 1024, "a bomb is small: {} bytes", bomb.len());
    let bomb_url = hostile.upload("image/png", bomb).await;
    let largest = black_png(16_000, 16_000, png::ColorType::Grayscale); // 256 MB: within the decoder's limits
    let largest_url = hostile.upload("image/png", largest).await;
    let small = black_png(64, 48, png::ColorType::Rgb);
    let small_url = hostile.upload("image/png", small.clone()).await;
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"#.to_vec();
    let svg_url = hostile.upload("image/png", svg).await;
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
    let pdf_url = hostile.upload("image/png", pdf.clone()).await;
    let whole_jpeg = jpeg(640, 480);
    let truncated = whole_jpeg[..whole_jpeg.len() / 2].to_vec();
    let truncated_url = hostile.upload("image/jpeg", truncated).await;
    let eicar_url = hostile.upload("text/plain", eicar()).await;
    let note = b"Rien de suspect ici.\n".to_vec();
    let note_url = hostile.upload("text/plain", note.clone()).await;
    // An address meant to be fetched directly: nothing may ever connect to it.
    let trap = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let trap_url = format!("http://{}/image.png", trap.local_addr().unwrap());
    let server_name = small_url.trim_start_matches("mxc://").split('/').next().unwrap().to_owned();

    // The server itself refuses integers past 2⁵³ (so 10¹⁸ never reaches a client):
    // the largest claims it lets through are sent instead.
    let txn = unique("t");
    let too_big = image_event("taille.png", &small_url, json!({ "size": 1_000_000_000_000_000_000u64 }));
    let (status, _) = hostile.call(reqwest::Method::PUT, &format!("/_matrix/client/v3/rooms/{room_id}/send/m.room.message/{txn}"), Some(too_big)).await;
    assert_eq!(status, 400, "Synapse refuses a size of 10¹⁸");

    let png_info = |size: usize| json!({ "mimetype": "image/png", "size": size, "w": 640, "h": 480 });
    let events = [
        image_event("bombe.png", &bomb_url, png_info(1_000)),
        image_event("immense-1.png", &largest_url, png_info(1_000)),
        image_event("immense-2.png", &largest_url, png_info(1_000)),
        image_event("immense-3.png", &largest_url, png_info(1_000)),
        image_event("menteur.png", &small_url, json!({ "mimetype": "image/png", "size": MAX_JSON_INTEGER, "w": 1_000_000_000u64, "h": 1_000_000_000u64 })),
        image_event("dessin.png", &svg_url, png_info(200)),
        image_event("document.png", &pdf_url, png_info(pdf.len())),
        image_event("coupee.jpg", &truncated_url, json!({ "mimetype": "image/jpeg", "w": 640, "h": 480 })),
        image_event("remonte.png", &format!("mxc://{server_name}/../etc"), png_info(1_000)),
        image_event("ailleurs.png", &trap_url, png_info(1_000)),
        file_event("eicar.com", &eicar_url, "text/plain", 68),
        json!({ "msgtype": "m.file", "body": "sans-adresse.pdf", "filename": "sans-adresse.pdf", "info": { "mimetype": "application/pdf", "size": 1_000 } }),
        file_event("../../.bashrc", &note_url, "text/plain", note.len()),
        file_event("rapport\u{7}\n\u{1b}[31m.txt", &note_url, "text/plain", note.len()),
        file_event("facture\u{202E}fdp.exe", &note_url, "text/plain", note.len()),
    ];
    for content in events {
        hostile.send_message(&room_id, content).await;
    }

    let data = data_dir();
    configure_scanner(data.path(), &scanner_url());
    let session = session::login(data.path(), &homeserver(), &user.localpart, PASSWORD).await.unwrap();
    let rooms_seen = Mirror::new();
    room_list::subscribe(session.context(), rooms_seen.sink()).await.unwrap();
    rooms_seen.wait_until("the invite", |r| r.iter().any(|s| s.id == room_id)).await;
    rooms::accept_invite(session.context(), &room_id).await.unwrap();
    rooms_seen.wait_until("joined", |r| r.iter().any(|s| s.id == room_id && s.kind == RoomKind::Room)).await;
    let timeline = open_timeline(&session, &room_id).await;

    // Every attachment still shows as a tile, with the sender's claims (names made readable).
    let names = [
        "bombe.png", "immense-1.png", "immense-2.png", "immense-3.png", "menteur.png", "dessin.png", "document.png", "coupee.jpg",
        "remonte.png", "ailleurs.png", "eicar.com", "sans-adresse.pdf", "../../.bashrc", "rapport[31m.txt", "facturefdp.exe",
    ];
    let mut items = Vec::new();
    for name in names {
        items.push(received_media(&timeline, name).await);
    }
    let (_, liar) = &items[4];
    assert_eq!((liar.kind, liar.size, liar.width, liar.height), (MediaKind::Image, Some(MAX_JSON_INTEGER), Some(1_000_000_000), Some(1_000_000_000)));
    let (_, no_address) = &items[11];
    assert_eq!((no_address.kind, no_address.size, no_address.mime.as_deref()), (MediaKind::File, Some(1_000), Some("application/pdf")));

    // Every question the UI may ask, all at once as a room's tiles do.
    let downloads = tempfile::tempdir().unwrap();
    let folder = downloads.path().join("Téléchargements");
    let peak_before = peak_memory_kib();
    let (lag, probe) = lag_probe();
    let started = Instant::now();
    // Each tile's questions in a task of its own, as the app's commands run.
    let asked = items.iter().map(|(item, _)| {
        let (session, room_id, item, folder) = (session.clone(), room_id.clone(), item.clone(), folder.clone());
        tokio::spawn(async move { everything_asked(&session, &room_id, &item, &folder).await })
    });
    let outcomes: Vec<Outcome> = futures_util::future::join_all(asked).await.into_iter().map(Result::unwrap).collect();
    let took = started.elapsed();
    probe.abort();
    let growth = peak_memory_kib().saturating_sub(peak_before);
    let lag = *lag.lock().unwrap();

    let outcome = |name: &str| outcomes[names.iter().position(|n| *n == name).unwrap()].clone();
    let unreadable = refused(MediaCheck::Unreadable, MediaCheck::Unreadable, ErrorCode::MediaUnreadable);
    let clean_file = |saved_as: &str| Outcome {
        // A file has no thumbnail: the tile asks for the original.
        thumbnail: MediaCheck::Unreadable,
        original: MediaCheck::Clean,
        thumbnail_bytes: false,
        original_bytes: true,
        saved: Ok(saved_as.to_owned()),
    };
    assert_eq!(outcome("bombe.png"), unreadable, "a decompression bomb is refused before it inflates");
    for name in ["immense-1.png", "immense-2.png", "immense-3.png"] {
        let largest = outcome(name);
        let shown = Outcome { thumbnail: MediaCheck::Clean, original: MediaCheck::Clean, thumbnail_bytes: true, original_bytes: true, saved: Ok(name.to_owned()) };
        assert_eq!(largest, shown, "{name}: the largest image the limits allow");
    }
    let claims_ignored = Outcome {
        thumbnail: MediaCheck::Clean,
        original: MediaCheck::Clean,
        thumbnail_bytes: true,
        original_bytes: true,
        saved: Ok("menteur.png".to_owned()),
    };
    assert_eq!(outcome("menteur.png"), claims_ignored, "absurd claims change nothing: the bytes decide");
    let blocked = MediaCheck::Blocked { because: BlockedBecause::Infected };
    // matrix-content-scanner 1.0.8 answers MCS_MEDIA_NOT_CLEAN for a forbidden type too.
    assert_eq!(outcome("dessin.png"), refused(blocked.clone(), blocked.clone(), ErrorCode::MediaBlocked), "an SVG sent as a PNG");
    assert_eq!(outcome("document.png"), unreadable, "a PDF sent as an image is not an image");
    assert_eq!(outcome("coupee.jpg"), unreadable, "a truncated JPEG");
    assert_eq!(outcome("remonte.png"), unreadable, "an mxc address with '..'");
    assert_eq!(outcome("ailleurs.png"), unreadable, "an http address");
    assert!(trap.accept().is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock), "nothing connected to the http address");
    assert_eq!(outcome("eicar.com"), refused(MediaCheck::Unreadable, blocked, ErrorCode::MediaBlocked), "the EICAR test file");
    assert_eq!(outcome("sans-adresse.pdf"), unreadable, "a file without an address");
    assert_eq!(outcome("../../.bashrc"), clean_file("bashrc"));
    assert_eq!(outcome("rapport[31m.txt"), clean_file("rapport[31m.txt"));
    assert_eq!(outcome("facturefdp.exe"), clean_file("facturefdp.exe"));

    // Only the clean attachments were written, and only in the chosen folder.
    let mut written: Vec<String> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    let clean = ["bashrc", "facturefdp.exe", "immense-1.png", "immense-2.png", "immense-3.png", "menteur.png", "rapport[31m.txt"];
    assert_eq!(written, clean);
    assert_eq!(std::fs::read(folder.join("bashrc")).unwrap(), note);
    assert_eq!(std::fs::read_dir(downloads.path()).unwrap().count(), 1, "nothing beside the folder");

    assert!(growth < MAX_PEAK_GROWTH_KIB, "peak memory grew by {} MiB", growth / 1024);
    assert!(lag < MAX_RUNTIME_LAG, "the runtime stalled for {lag:?}");
    eprintln!("hostile attachments: all checked in {took:?}, peak memory +{} MiB, worst timer lag {lag:?}", growth / 1024);
    session.stop().await;
}
