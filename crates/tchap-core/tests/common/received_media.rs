//! Helpers of the tests that receive attachments through the real content
//! scanner (`TCHAP_TEST_CONTENT_SCANNER`, started by scripts/with-scanner.sh).

use std::path::Path;

use tchap_core::{
    session::Session,
    timeline::{MediaInfo, MessageContent, TimelineItem},
};

use super::Mirror;

/// The EICAR test string, built here so that no file of the repository is
/// flagged by a developer's antivirus.
pub fn eicar() -> Vec<u8> {
    let halves = ["X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STA", "NDARD-ANTIVIRUS-TEST-FILE!$H+H*"];
    halves.concat().into_bytes()
}

pub fn scanner_url() -> String {
    std::env::var("TCHAP_TEST_CONTENT_SCANNER").expect("TCHAP_TEST_CONTENT_SCANNER is not set: run through scripts/with-scanner.sh")
}

/// The app's configuration file in `data_dir`, naming the content scanner.
pub fn configure_scanner(data_dir: &Path, url: &str) {
    std::fs::write(data_dir.join("config.json"), serde_json::json!({ "content_scanner_url": url }).to_string()).unwrap();
}

/// Opens the session's timeline of `room_id` and loads its history, as the
/// UI does when the screen is not full.
pub async fn open_timeline(session: &Session, room_id: &str) -> Mirror<TimelineItem> {
    let timeline = Mirror::new();
    session.timelines().open(room_id, timeline.sink()).await.unwrap();
    while !session.timelines().paginate_backwards(room_id).await.unwrap() {}
    timeline
}

/// The id and description of the received attachment named `name`, once it
/// is in the timeline.
pub async fn received_media(timeline: &Mirror<TimelineItem>, name: &str) -> (String, MediaInfo) {
    let find = |items: &[TimelineItem]| {
        items.iter().find_map(|i| match i {
            TimelineItem::Event { id, content: MessageContent::Media(m), is_own: false, .. } if m.name == name => Some((id.clone(), m.clone())),
            _ => None,
        })
    };
    let items = timeline.wait_until(&format!("{name} in the timeline"), |items| find(items).is_some()).await;
    find(&items).unwrap()
}
