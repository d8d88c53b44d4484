//! The attachments of the timelines the UI shows: each one asked for by its
//! timeline item (never by a URL the webview names), fetched through the
//! antivirus, kept in the encrypted cache, and handed out only once clean.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use matrix_sdk::{
    media::{MediaFormat, MediaRequestParameters},
    ruma::events::room::{MediaSource, message::MessageType},
};
use matrix_sdk_base::media::MediaEventContent;
use matrix_sdk_ui::timeline::EventTimelineItem;
use serde::Serialize;
use tokio::sync::Mutex;

use super::{
    cache::{CacheKey, CacheLimits, CachedVerdict, MediaCache},
    display,
    scanner::{BlockReason, ContentScanner, ScanFailure},
};
use crate::{
    context::SessionContext,
    error::{AppError, AppResult, ErrorCode},
    timeline::{TimelineService, media_message},
};

/// The most an attachment may weigh to be fetched (Synapse's default upload
/// limit is 50 MiB; Tchap's servers allow 100 MiB).
const MAX_MEDIA_BYTES: u64 = 200 * 1024 * 1024;

/// Which bytes of an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MediaVariant {
    /// A small image for the timeline (made here from whatever the sender gave).
    Thumbnail,
    /// The file itself.
    Original,
}

/// Why the antivirus refused an attachment, as the tile says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum BlockedBecause {
    /// The scanner found a threat (`MCS_MEDIA_NOT_CLEAN`).
    Infected,
    /// A kind of file the administration does not allow (`MCS_MIME_TYPE_FORBIDDEN`).
    TypeForbidden,
    Other,
}

/// What came of checking an attachment: only `clean` ones can be shown,
/// opened or saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum MediaCheck {
    Clean,
    Blocked { because: BlockedBecause },
    /// The scanner could not be asked (down, unreachable, 5xx): fail closed.
    Unavailable,
    /// The file is damaged, undecryptable or not what it claims.
    Unreadable,
    TooLarge,
}

/// Clean bytes, ready to serve or save.
pub struct CleanMedia {
    pub bytes: Vec<u8>,
    /// Sniffed from the bytes, not the sender's claim.
    pub mime: Option<String>,
    /// The sender's file name (to be cleaned before any use as a name).
    pub name: String,
}

/// Where the media service keeps its files, in the session's folder (so
/// that logging out deletes them with the account).
const CACHE_DIR: &str = "media-cache";
const OPEN_DIR: &str = "media-open";
/// The cache key is derived from the store key the OS keyring holds.
const CACHE_KEY_CONTEXT: &str = "tchap-desktop 2026 media cache key";

/// The administrator's choices for attachments (configuration file).
#[derive(Debug, Clone, Default)]
pub struct MediaSettings {
    /// The content scanner's address; Tchap's default is the homeserver's.
    pub scanner_url: Option<url::Url>,
    pub cache_limits: CacheLimits,
}

pub struct MediaService {
    context: Arc<SessionContext>,
    scanner_url: std::sync::RwLock<Option<url::Url>>,
    /// The scanner client for the current address and access token (a
    /// refreshed token makes a new one).
    scanner: std::sync::Mutex<Option<(url::Url, Option<String>, Arc<ContentScanner>)>>,
    /// None when the cache could not be opened: attachments are then
    /// scanned at every view, never shown unscanned.
    cache: Option<Arc<MediaCache>>,
    /// One fetch at a time per attachment: a second asker waits for the
    /// first one's verdict (then finds it in the cache).
    in_flight: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Where "Ouvrir" puts the files it hands to the system's viewer.
    open_dir: PathBuf,
}

/// Logs how long an attachment took to hand out (at debug level), and how
/// much of it went to finding its item.
struct TimingLog {
    started: std::time::Instant,
    found: std::time::Duration,
    variant: MediaVariant,
}

impl Drop for TimingLog {
    fn drop(&mut self) {
        tracing::debug!(variant = ?self.variant, item_ms = self.found.as_millis() as u64, total_ms = self.started.elapsed().as_millis() as u64, "attachment asked");
    }
}

/// The attachment an item carries.
struct Attachment {
    name: String,
    source: MediaSource,
    thumbnail: Option<MediaSource>,
    is_image: bool,
    /// Our own message still being sent: its bytes are in the SDK's store.
    is_local: bool,
}

fn attachment_of(item: &EventTimelineItem) -> AppResult<Attachment> {
    let not_media = || AppError::new(ErrorCode::NotFound, "no attachment in this message");
    let (name, source, thumbnail, is_image) = match media_message(item.content()).ok_or_else(not_media)? {
        MessageType::Image(c) => (c.filename().to_owned(), c.source(), c.thumbnail_source(), true),
        MessageType::Video(c) => (c.filename().to_owned(), c.source(), c.thumbnail_source(), false),
        MessageType::Audio(c) => (c.filename().to_owned(), c.source(), c.thumbnail_source(), false),
        MessageType::File(c) => (c.filename().to_owned(), c.source(), c.thumbnail_source(), false),
        _ => return Err(not_media()),
    };
    Ok(Attachment { name, source: source.ok_or_else(not_media)?, thumbnail, is_image, is_local: item.is_local_echo() })
}

/// The cache's name for bytes of a source (its mxc, and which variant).
fn cache_key(source: &MediaSource, variant: &str) -> String {
    let mxc = match source {
        MediaSource::Plain(uri) => uri.as_str(),
        MediaSource::Encrypted(file) => file.url.as_str(),
    };
    format!("{variant}|{mxc}")
}

fn check_of(failure: &ScanFailure) -> MediaCheck {
    match failure {
        ScanFailure::Blocked { reason, .. } => MediaCheck::Blocked { because: blocked_because(reason) },
        ScanFailure::Unavailable { .. } => MediaCheck::Unavailable,
        ScanFailure::Unreadable { .. } | ScanFailure::NotFound => MediaCheck::Unreadable,
        ScanFailure::TooLarge => MediaCheck::TooLarge,
    }
}

fn blocked_because(reason: &BlockReason) -> BlockedBecause {
    match reason {
        BlockReason::NotClean => BlockedBecause::Infected,
        BlockReason::MimeTypeForbidden => BlockedBecause::TypeForbidden,
        BlockReason::Other(_) => BlockedBecause::Other,
    }
}

/// The scanner's own words for a refusal, as the cache keeps them.
fn code_of(reason: &BlockReason) -> String {
    match reason {
        BlockReason::NotClean => "MCS_MEDIA_NOT_CLEAN".to_owned(),
        BlockReason::MimeTypeForbidden => "MCS_MIME_TYPE_FORBIDDEN".to_owned(),
        BlockReason::Other(code) => code.clone(),
    }
}

fn because_of_code(code: &str) -> BlockedBecause {
    match code {
        "MCS_MEDIA_NOT_CLEAN" => BlockedBecause::Infected,
        "MCS_MIME_TYPE_FORBIDDEN" => BlockedBecause::TypeForbidden,
        _ => BlockedBecause::Other,
    }
}

fn error_of(check: &MediaCheck) -> AppError {
    match check {
        MediaCheck::Clean => AppError::internal("media", "clean media refused"),
        MediaCheck::Blocked { .. } => AppError::new(ErrorCode::MediaBlocked, "blocked by the content scanner"),
        MediaCheck::Unavailable => AppError::new(ErrorCode::ScannerUnavailable, "content scanner unavailable"),
        MediaCheck::Unreadable => AppError::new(ErrorCode::MediaUnreadable, "attachment unreadable"),
        MediaCheck::TooLarge => AppError::new(ErrorCode::MediaTooLarge, "attachment too large"),
    }
}

impl MediaService {
    pub async fn start(context: &Arc<SessionContext>, session_dir: &Path, store_key: &[u8; 32], settings: &MediaSettings) -> Self {
        let key = CacheKey::from_bytes(blake3::derive_key(CACHE_KEY_CONTEXT, store_key));
        let cache = match MediaCache::open(&session_dir.join(CACHE_DIR), key, settings.cache_limits.clone()).await {
            Ok(cache) => Some(Arc::new(cache)),
            Err(error) => {
                tracing::warn!(code = ?error.code, message = %error.message, "media cache unavailable; attachments scanned at every view");
                None
            }
        };
        Self {
            context: context.clone(),
            scanner_url: std::sync::RwLock::new(settings.scanner_url.clone()),
            scanner: std::sync::Mutex::default(),
            cache,
            in_flight: Mutex::default(),
            open_dir: session_dir.join(OPEN_DIR),
        }
    }

    /// The configured scanner, or the homeserver itself (Tchap's setup).
    fn scanner(&self) -> AppResult<Arc<ContentScanner>> {
        let client = self.context.client();
        let url = self.scanner_url.read().unwrap().clone().unwrap_or_else(|| client.homeserver());
        let token = client.access_token();
        let mut current = self.scanner.lock().unwrap();
        if let Some((u, t, scanner)) = current.as_ref()
            && *u == url
            && *t == token
        {
            return Ok(scanner.clone());
        }
        let scanner = Arc::new(ContentScanner::new(url.clone(), token.clone(), self.context.network())?);
        *current = Some((url, token, scanner.clone()));
        Ok(scanner)
    }

    /// Checks (scans, once) an attachment of an open timeline; the verdict
    /// the tile shows.
    pub async fn check(&self, timelines: &TimelineService, room_id: &str, item_id: &str, variant: MediaVariant) -> MediaCheck {
        match self.clean(timelines, room_id, item_id, variant).await {
            Ok(_) => MediaCheck::Clean,
            Err(check) => check,
        }
    }

    /// The clean bytes of an attachment, or why there are none.
    pub async fn clean(
        &self,
        timelines: &TimelineService,
        room_id: &str,
        item_id: &str,
        variant: MediaVariant,
    ) -> Result<CleanMedia, MediaCheck> {
        let started = std::time::Instant::now();
        let item = timelines.event_item(room_id, item_id).await.map_err(|_| MediaCheck::Unreadable)?;
        let found = started.elapsed();
        let attachment = attachment_of(&item).map_err(|_| MediaCheck::Unreadable)?;
        let _timing = TimingLog { started, found, variant };
        let (bytes, mime) = match variant {
            MediaVariant::Thumbnail => self.made_thumbnail(&attachment).await?,
            MediaVariant::Original => {
                let bytes = self.original_or_thumbnail_bytes(&attachment, variant).await?;
                let bytes = if attachment.is_image { display::checked_image(bytes).await.map_err(|_| MediaCheck::Unreadable)? } else { bytes };
                let mime = display::sniff(&bytes);
                (bytes, mime)
            }
        };
        Ok(CleanMedia { bytes, mime, name: attachment.name })
    }

    /// Whatever the sender sent as a picture, the webview only ever decodes
    /// what we made from it, with bounded memory. Made once and kept in the
    /// cache beside its source: decoding a photo costs far more than reading
    /// the small result back (BENCHMARKS.md), and a tile asks twice (its
    /// check, then its image).
    async fn made_thumbnail(&self, attachment: &Attachment) -> Result<(Vec<u8>, Option<String>), MediaCheck> {
        let source = attachment.thumbnail.as_ref().unwrap_or(&attachment.source);
        let key = cache_key(source, "made-thumbnail");
        let cache = self.cache.as_ref().filter(|_| !attachment.is_local);
        if let Some(cache) = cache
            && let Ok(Some(made)) = cache.get(&key).await
            && !made.verdict_is_stale
            && made.verdict == CachedVerdict::Clean
            && let Some(bytes) = made.bytes
        {
            return Ok((bytes, made.mime));
        }
        let bytes = self.original_or_thumbnail_bytes(attachment, MediaVariant::Thumbnail).await?;
        let (bytes, mime) = display::thumbnail(bytes).await.map_err(|_| MediaCheck::Unreadable)?;
        if let Some(cache) = cache
            && let Err(error) = cache.put_clean(&key, &bytes, mime.as_deref()).await
        {
            tracing::warn!(code = ?error.code, "thumbnail not cached");
        }
        Ok((bytes, mime))
    }

    async fn original_or_thumbnail_bytes(&self, attachment: &Attachment, variant: MediaVariant) -> Result<Vec<u8>, MediaCheck> {
        // A thumbnail is made from the sender's thumbnail when there is one,
        // else from the image itself; files other than images have none.
        let source = match variant {
            MediaVariant::Thumbnail if !attachment.is_image => return Err(MediaCheck::Unreadable),
            MediaVariant::Thumbnail => attachment.thumbnail.clone().unwrap_or_else(|| attachment.source.clone()),
            MediaVariant::Original => attachment.source.clone(),
        };
        if attachment.is_local {
            // Our own file, not yet sent: it never left this computer.
            let request = MediaRequestParameters { source, format: MediaFormat::File };
            return self.context.client().media().get_media_content(&request, true).await.map_err(|_| MediaCheck::Unreadable);
        }
        self.scanned(&source).await
    }

    /// The bytes of `source` through the antivirus, from the cache when its
    /// verdict is recent.
    async fn scanned(&self, source: &MediaSource) -> Result<Vec<u8>, MediaCheck> {
        let key = cache_key(source, "file");
        let lock = self.in_flight.lock().await.entry(key.clone()).or_default().clone();
        let _one_at_a_time = lock.lock().await;
        let result = self.scanned_once(source, &key).await;
        self.in_flight.lock().await.remove(&key);
        result
    }

    async fn scanned_once(&self, source: &MediaSource, key: &str) -> Result<Vec<u8>, MediaCheck> {
        let cached = match &self.cache {
            Some(cache) => cache.get(key).await,
            None => Ok(None),
        };
        match cached {
            Ok(Some(cached)) => match (cached.verdict, cached.bytes) {
                (CachedVerdict::Clean, Some(bytes)) if cached.verdict_is_stale => return self.rescanned(source, key, bytes).await,
                (CachedVerdict::Clean, Some(bytes)) => return Ok(bytes),
                (CachedVerdict::Blocked { reason, .. }, _) if !cached.verdict_is_stale => {
                    return Err(MediaCheck::Blocked { because: because_of_code(&reason) });
                }
                _ => {}
            },
            Ok(None) => {}
            Err(error) => tracing::warn!(code = ?error.code, "media cache unreadable; asking the scanner"),
        }
        let scanner = self.scanner().map_err(|_| MediaCheck::Unavailable)?;
        let fetched = match source {
            MediaSource::Encrypted(file) => scanner.fetch_encrypted(file, MAX_MEDIA_BYTES).await,
            MediaSource::Plain(uri) => scanner.fetch_plain(uri, MAX_MEDIA_BYTES).await.map(|(bytes, _)| bytes),
        };
        match fetched {
            Ok(bytes) => {
                if let Some(cache) = &self.cache
                    && let Err(error) = cache.put_clean(key, &bytes, display::sniff(&bytes).as_deref()).await
                {
                    // Shown anyway; only the next view is slower.
                    tracing::warn!(code = ?error.code, "attachment not cached");
                }
                Ok(bytes)
            }
            Err(failure) => Err(self.refused(key, &failure).await),
        }
    }

    /// Cached bytes whose clean verdict is past its time: the scanner is
    /// asked about them again (the cache's `confirm_clean`), and they are
    /// handed out only if it still calls them clean.
    async fn rescanned(&self, source: &MediaSource, key: &str, bytes: Vec<u8>) -> Result<Vec<u8>, MediaCheck> {
        let scanner = self.scanner().map_err(|_| MediaCheck::Unavailable)?;
        if let Err(failure) = scanner.rescan(source).await {
            return Err(self.refused(key, &failure).await);
        }
        if let Some(cache) = &self.cache
            && let Err(error) = cache.confirm_clean(key).await
        {
            tracing::warn!(code = ?error.code, "renewed verdict not cached");
        }
        Ok(bytes)
    }

    /// Keeps a refusal in the cache (a blocked file stays blocked); what the tile says.
    async fn refused(&self, key: &str, failure: &ScanFailure) -> MediaCheck {
        if let ScanFailure::Blocked { reason, info } = failure
            && let Some(cache) = &self.cache
            && let Err(error) = cache.put_blocked(key, &code_of(reason), info.as_deref()).await
        {
            tracing::warn!(code = ?error.code, "verdict not cached");
        }
        tracing::info!(check = ?check_of(failure), "attachment refused");
        check_of(failure)
    }

    /// The blurhash placeholder of an image, drawn here (no download: the
    /// hash is in the event).
    pub async fn placeholder(&self, timelines: &TimelineService, room_id: &str, item_id: &str) -> AppResult<(Vec<u8>, String)> {
        let item = timelines.event_item(room_id, item_id).await?;
        let blurhash = match media_message(item.content()) {
            Some(MessageType::Image(image)) => image.info.as_ref().and_then(|info| info.blurhash.clone()),
            _ => None,
        };
        let blurhash = blurhash.ok_or_else(|| AppError::new(ErrorCode::NotFound, "no placeholder"))?;
        Ok((display::placeholder(blurhash).await?, "image/png".to_owned()))
    }

    /// Saves a clean attachment in `folder` under a safe, unused name.
    pub async fn save(&self, timelines: &TimelineService, room_id: &str, item_id: &str, folder: PathBuf) -> AppResult<PathBuf> {
        let media = self.clean(timelines, room_id, item_id, MediaVariant::Original).await.map_err(|c| error_of(&c))?;
        crate::files::blocking(move || {
            std::fs::create_dir_all(&folder).map_err(|e| AppError::storage("downloads folder", e))?;
            super::save::save_new_file(&folder, &media.name, &media.bytes).map_err(|e| AppError::storage("saving the attachment", e))
        })
        .await
    }

    /// Writes a clean attachment where the system's viewer can open it (a
    /// private folder of the session, emptied at logout with the rest).
    pub async fn file_to_open(&self, timelines: &TimelineService, room_id: &str, item_id: &str) -> AppResult<PathBuf> {
        self.save(timelines, room_id, item_id, self.open_dir.clone()).await
    }
}
