//! Sending attachments through the room send queue, with image thumbnails made here.
//!
//! A file is first *prepared*: read (refused before any byte leaves when the
//! server would refuse it: too large, empty, a folder), typed from its
//! content, and for images measured, thumbnailed and blurhashed. The UI shows
//! the preparation to the user, who sends or cancels it. Sending hands it to
//! the room's send queue: persistent, retried after a network cut, encrypted
//! in encrypted rooms, its local echo in the timeline (progress, cancel with
//! the timeline's `discard_send`).

use std::{
    collections::HashMap,
    io::Read,
    path::Path,
    sync::Mutex,
};

use matrix_sdk::{
    attachment::{AttachmentConfig, AttachmentInfo, BaseAudioInfo, BaseFileInfo, BaseImageInfo, BaseVideoInfo, Thumbnail},
    ruma::UInt,
    send_queue::RoomSendQueueError,
};
use serde::Serialize;
use tracing::{debug, info};

use super::thumbnail::{ImageFacts, image_facts};
use crate::{
    context::SessionContext,
    error::{AppError, AppResult, ErrorCode},
};

/// Prepared files waiting for the user's "Envoyer" or "Annuler": a bound on
/// how much memory a forgotten dialog (or a hostile page) can hold.
const MAX_PENDING_FILES: usize = 20;
const MAX_PENDING_BYTES: u64 = 1024 * 1024 * 1024;
/// The name a pasted image gets: it comes without one.
const PASTED_NAME: &str = "image";
const FALLBACK_NAME: &str = "fichier";
const MAX_NAME_CHARS: usize = 255;

/// Sent and received attachments are of the same kinds.
pub use crate::timeline::MediaKind as AttachmentKind;

/// A file ready to be sent, as the preview dialog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PreparedAttachment {
    pub id: String,
    /// The base name, as it will be sent.
    pub name: String,
    #[specta(type = specta_typescript::Number)]
    pub size: u64,
    pub mime: String,
    pub kind: AttachmentKind,
    /// Known for images this app could decode (shown as is, EXIF orientation applied).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// A preview exists (`preview(id)`): decodable images only.
    pub has_preview: bool,
}

struct Pending {
    attachment: PreparedAttachment,
    data: Vec<u8>,
    image: Option<ImageFacts>,
}

/// The session's prepared files, kept in memory by id until sent or discarded.
#[derive(Default)]
pub struct PendingAttachments {
    files: Mutex<HashMap<String, Pending>>,
}

/// The largest file the server accepts (`m.upload.size`), asked once per
/// session and kept by the SDK.
pub async fn upload_size_limit(ctx: &SessionContext) -> AppResult<u64> {
    let limit = ctx.client().load_or_fetch_max_upload_size().await.map_err(|e| AppError::from_sdk("media config", &e))?;
    Ok(limit.into())
}

impl PendingAttachments {
    pub fn new(ctx: &SessionContext) -> Self {
        // Progress reports are off by default in the SDK; local echoes show
        // them, also for uploads queued before a restart.
        ctx.client().send_queue().enable_upload_progress(true);
        // Asked now, so that a file chosen after the network dropped is
        // still measured against it.
        let client = ctx.client().clone();
        ctx.spawn("upload-size-limit", async move {
            if let Err(error) = client.load_or_fetch_max_upload_size().await {
                debug!(%error, "the server's upload limit is not known yet");
            }
        });
        Self::default()
    }

    /// A file the user picked or dropped. Its size is checked against the
    /// server's limit before it is read.
    pub async fn prepare_path(&self, ctx: &SessionContext, path: &Path) -> AppResult<PreparedAttachment> {
        let limit = known_size_limit(ctx).await;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let path = path.to_owned();
        let data = tokio::task::spawn_blocking(move || read_bounded(&path, limit)).await.map_err(|e| AppError::internal("file task", e))??;
        self.prepare(name.as_deref(), data).await
    }

    /// A file whose bytes the UI already has (a pasted image), `name` as the
    /// UI got it (none for a screenshot).
    pub async fn prepare_bytes(&self, ctx: &SessionContext, name: Option<String>, bytes: Vec<u8>) -> AppResult<PreparedAttachment> {
        check_size(bytes.len() as u64, known_size_limit(ctx).await)?;
        self.prepare(name.as_deref(), bytes).await
    }

    async fn prepare(&self, name: Option<&str>, data: Vec<u8>) -> AppResult<PreparedAttachment> {
        self.check_room_for(data.len() as u64)?;
        let name = name.map(str::to_owned);
        let (pending, data_len) = super::display::decoding(move || {
            let len = data.len() as u64;
            Ok((describe(name.as_deref(), data), len))
        })
        .await?;
        let attachment = pending.attachment.clone();
        self.check_room_for(data_len)?;
        self.files.lock().unwrap().insert(attachment.id.clone(), pending);
        debug!(kind = ?attachment.kind, size = attachment.size, "attachment prepared");
        Ok(attachment)
    }

    fn check_room_for(&self, size: u64) -> AppResult<()> {
        let files = self.files.lock().unwrap();
        let held: u64 = files.values().map(|p| p.attachment.size).sum();
        if files.len() >= MAX_PENDING_FILES || held + size > MAX_PENDING_BYTES {
            return Err(AppError::new(ErrorCode::TooManyAttachments, format!("{} files, {held} bytes already waiting", files.len())));
        }
        Ok(())
    }

    /// The preview's bytes and mime type (the thumbnail): images only.
    pub fn preview(&self, id: &str) -> Option<(Vec<u8>, String)> {
        let files = self.files.lock().unwrap();
        let thumbnail = &files.get(id)?.image.as_ref()?.thumbnail;
        Some((thumbnail.data.clone(), thumbnail.mime.to_owned()))
    }

    /// Hands the prepared file to `room_id`'s send queue. The timeline shows
    /// it at once (local echo with upload progress). If the queue refuses it,
    /// it stays prepared, to try again or discard.
    pub async fn send(&self, ctx: &SessionContext, room_id: &str, id: &str) -> AppResult<()> {
        let room = ctx.known_room(room_id)?;
        let pending = self.files.lock().unwrap().remove(id).ok_or_else(|| AppError::new(ErrorCode::NotFound, "no such prepared attachment"))?;
        let mime = pending.attachment.mime.parse::<mime::Mime>().unwrap_or(mime::APPLICATION_OCTET_STREAM);
        let config = attachment_config(&pending);
        match room.send_queue().send_attachment(pending.attachment.name.clone(), mime, pending.data.clone(), config).await {
            Ok(_) => {
                info!(kind = ?pending.attachment.kind, size = pending.attachment.size, "attachment queued");
                Ok(())
            }
            Err(error) => {
                let error = send_error(&error);
                self.files.lock().unwrap().insert(id.to_owned(), pending);
                Err(error)
            }
        }
    }

    /// Forgets a prepared file ("Annuler"); nothing was sent.
    pub fn discard(&self, id: &str) {
        self.files.lock().unwrap().remove(id);
    }
}

/// The server's limit, or, when it cannot be asked (offline since the app
/// started), what the pending store can hold: the file is then prepared, and
/// the SDK checks the limit again before uploading it, so that a file too
/// large never leaves either way.
async fn known_size_limit(ctx: &SessionContext) -> u64 {
    match upload_size_limit(ctx).await {
        Ok(limit) => limit,
        Err(error) => {
            info!(code = ?error.code, "upload limit unknown; checked again before the upload");
            MAX_PENDING_BYTES
        }
    }
}

fn send_error(error: &RoomSendQueueError) -> AppError {
    match error {
        RoomSendQueueError::RoomNotJoined | RoomSendQueueError::RoomDisappeared => {
            AppError::new(ErrorCode::RoomNotFound, format!("send attachment: {error}"))
        }
        RoomSendQueueError::StorageError(e) => AppError::storage("send attachment", e),
        other => AppError::internal("send attachment", other),
    }
}

fn check_size(size: u64, limit: u64) -> AppResult<()> {
    match size {
        0 => Err(AppError::new(ErrorCode::EmptyFile, "empty file")),
        size if size > limit => Err(AppError::new(ErrorCode::FileTooLarge, format!("{size} bytes, the server accepts {limit}"))),
        _ => Ok(()),
    }
}

/// Reads a regular file of at most `limit` bytes. The size is checked before
/// reading, and the read is capped in case the file grows meanwhile.
fn read_bounded(path: &Path, limit: u64) -> AppResult<Vec<u8>> {
    let unreadable = |e: std::io::Error| AppError::new(ErrorCode::FileNotAccessible, format!("attachment: {e}"));
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(AppError::new(ErrorCode::NotAFile, "a folder or a special file"));
    }
    check_size(metadata.len(), limit)?;
    let mut data = Vec::with_capacity(metadata.len() as usize);
    std::fs::File::open(path).and_then(|file| file.take(limit + 1).read_to_end(&mut data)).map_err(unreadable)?;
    check_size(data.len() as u64, limit)?;
    Ok(data)
}

/// Types and, for images, measures a file: blocking (image decoding).
fn describe(name: Option<&str>, data: Vec<u8>) -> Pending {
    let mime = mime_of(&data, name.unwrap_or_default());
    let kind = kind_of(&mime);
    let image = match kind {
        AttachmentKind::Image => image_facts(&data).inspect_err(|e| debug!(%e, "image sent without thumbnail")).ok(),
        _ => None,
    };
    let attachment = PreparedAttachment {
        id: hex::encode(rand::random::<[u8; 16]>()),
        name: sent_name(name, &data),
        size: data.len() as u64,
        kind,
        width: image.as_ref().map(|i| i.width),
        height: image.as_ref().map(|i| i.height),
        has_preview: image.is_some(),
        mime,
    };
    Pending { attachment, data, image }
}

/// From the content first (a renamed file keeps its real type), then the
/// extension (text files have no signature).
pub fn mime_of(data: &[u8], name: &str) -> String {
    if let Some(found) = infer::get(data) {
        return found.mime_type().to_owned();
    }
    mime_guess::from_path(name).first_raw().unwrap_or("application/octet-stream").to_owned()
}

pub fn kind_of(mime: &str) -> AttachmentKind {
    match mime.split('/').next() {
        Some("image") => AttachmentKind::Image,
        Some("video") => AttachmentKind::Video,
        Some("audio") => AttachmentKind::Audio,
        _ => AttachmentKind::File,
    }
}

/// The base name only (never the sender's folders), without control
/// characters; a pasted image without a name gets "image.png".
pub fn sent_name(name: Option<&str>, data: &[u8]) -> String {
    let base = name.unwrap_or_default().rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(MAX_NAME_CHARS).collect();
    let clean = clean.trim();
    if !clean.is_empty() && clean != "." && clean != ".." {
        return clean.to_owned();
    }
    let stem = if kind_of(&mime_of(data, "")) == AttachmentKind::Image { PASTED_NAME } else { FALLBACK_NAME };
    match infer::get(data) {
        Some(found) => format!("{stem}.{}", found.extension()),
        None => stem.to_owned(),
    }
}

fn attachment_config(pending: &Pending) -> AttachmentConfig {
    let size = UInt::new(pending.attachment.size);
    let info = match (pending.attachment.kind, &pending.image) {
        (AttachmentKind::Image, image) => AttachmentInfo::Image(BaseImageInfo {
            width: image.as_ref().map(|i| UInt::from(i.width)),
            height: image.as_ref().map(|i| UInt::from(i.height)),
            blurhash: image.as_ref().map(|i| i.blurhash.clone()),
            size,
            ..Default::default()
        }),
        (AttachmentKind::Video, _) => AttachmentInfo::Video(BaseVideoInfo { size, ..Default::default() }),
        (AttachmentKind::Audio, _) => AttachmentInfo::Audio(BaseAudioInfo { size, ..Default::default() }),
        (AttachmentKind::File, _) => AttachmentInfo::File(BaseFileInfo { size }),
    };
    let thumbnail = pending.image.as_ref().map(|image| Thumbnail {
        data: image.thumbnail.data.clone(),
        content_type: image.thumbnail.mime.parse().unwrap_or(mime::IMAGE_JPEG),
        width: UInt::from(image.thumbnail.width),
        height: UInt::from(image.thumbnail.height),
        size: UInt::new(image.thumbnail.data.len() as u64).unwrap_or_default(),
    });
    AttachmentConfig::new().info(info).thumbnail(thumbnail)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn the_type_comes_from_the_content_before_the_extension() {
        // A PNG renamed ".pdf" is still an image…
        assert_eq!(mime_of(PNG_SIGNATURE, "rapport.pdf"), "image/png");
        // …and a text file, which has no signature, is typed by its extension.
        assert_eq!(mime_of(b"nom;service\n", "agents.csv"), "text/csv");
        assert_eq!(mime_of(b"\x00\x01\x02", "inconnu"), "application/octet-stream");
        assert_eq!(kind_of("video/mp4"), AttachmentKind::Video);
        assert_eq!(kind_of("audio/mpeg"), AttachmentKind::Audio);
        assert_eq!(kind_of("application/pdf"), AttachmentKind::File);
    }

    #[test]
    fn only_the_base_name_is_sent() {
        assert_eq!(sent_name(Some("/home/marie/Documents/Secret/note.pdf"), b""), "note.pdf");
        assert_eq!(sent_name(Some("C:\\Users\\marie\\Bureau\\plan.docx"), b""), "plan.docx");
        assert_eq!(sent_name(Some("compte\u{0}-rendu\n.txt"), b""), "compte-rendu.txt");
        // A pasted screenshot has no name: "image.png".
        assert_eq!(sent_name(Some(""), PNG_SIGNATURE), "image.png");
        assert_eq!(sent_name(None, b"abc"), "fichier");
        assert_eq!(sent_name(Some(".."), b"abc"), "fichier");
    }

    #[test]
    fn sizes_are_refused_when_empty_or_over_the_server_limit() {
        assert_eq!(check_size(0, 100).unwrap_err().code, ErrorCode::EmptyFile);
        assert_eq!(check_size(101, 100).unwrap_err().code, ErrorCode::FileTooLarge);
        assert!(check_size(100, 100).is_ok());
    }

    #[test]
    fn reading_refuses_folders_empty_and_too_large_files_before_reading_them() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_bounded(dir.path(), 100).unwrap_err().code, ErrorCode::NotAFile);
        let missing = dir.path().join("absent.pdf");
        assert_eq!(read_bounded(&missing, 100).unwrap_err().code, ErrorCode::FileNotAccessible);
        let empty = dir.path().join("vide.txt");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(read_bounded(&empty, 100).unwrap_err().code, ErrorCode::EmptyFile);
        let big = dir.path().join("gros.bin");
        std::fs::write(&big, vec![7u8; 101]).unwrap();
        assert_eq!(read_bounded(&big, 100).unwrap_err().code, ErrorCode::FileTooLarge);
        assert_eq!(read_bounded(&big, 101).unwrap(), vec![7u8; 101]);
        #[cfg(unix)]
        assert_eq!(read_bounded(Path::new("/dev/zero"), 100).unwrap_err().code, ErrorCode::NotAFile);
    }

    #[tokio::test]
    async fn pending_files_are_bounded_and_discarded_on_cancel() {
        let pending = PendingAttachments::default();
        let mut ids = Vec::new();
        for n in 0..MAX_PENDING_FILES {
            ids.push(pending.prepare(Some(&format!("note{n}.txt")), b"texte".to_vec()).await.unwrap().id);
        }
        let refused = pending.prepare(Some("une de trop.txt"), b"texte".to_vec()).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::TooManyAttachments);
        pending.discard(&ids[0]);
        let prepared = pending.prepare(Some("une de trop.txt"), b"texte".to_vec()).await.unwrap();
        assert_eq!((prepared.name.as_str(), prepared.size, prepared.mime.as_str()), ("une de trop.txt", 5, "text/plain"));
        assert!(!prepared.has_preview && pending.preview(&prepared.id).is_none());
    }

    #[tokio::test]
    async fn an_image_is_prepared_with_its_dimensions_and_a_preview() {
        let mut png = Vec::new();
        image::DynamicImage::new_rgb8(1200, 900).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let pending = PendingAttachments::default();
        let prepared = pending.prepare(Some(""), png).await.unwrap();
        assert_eq!(prepared.name, "image.png");
        assert_eq!((prepared.kind, prepared.width, prepared.height), (AttachmentKind::Image, Some(1200), Some(900)));
        let (bytes, mime) = pending.preview(&prepared.id).unwrap();
        assert_eq!(mime, "image/jpeg");
        let thumbnail = image::load_from_memory(&bytes).unwrap();
        assert_eq!((thumbnail.width(), thumbnail.height()), (800, 600));
        let config = attachment_config(pending.files.lock().unwrap().get(&prepared.id).unwrap());
        let Some(AttachmentInfo::Image(info)) = config.info else { panic!("image info") };
        assert!(info.blurhash.is_some());
        assert_eq!(config.thumbnail.unwrap().width, UInt::from(800u32));
    }
}
