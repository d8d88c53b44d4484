//! Attachments: their antivirus check, saving and opening them, and the
//! `tchap-media` scheme that serves their clean bytes to the webview (never
//! base64 through the IPC, never a homeserver URL in the page).

use std::path::PathBuf;

use tauri::{
    AppHandle, Manager, State, UriSchemeContext, UriSchemeResponder,
    http::{Request, Response, StatusCode, header},
};
use tauri_plugin_opener::OpenerExt;
use tchap_core::{
    error::{AppError, AppResult, ErrorCode},
    media::{
        display,
        range::{RangeAnswer, answer_range},
        service::{MediaCheck, MediaVariant},
    },
    state::AppState,
};

use super::logged;

pub const SCHEME: &str = "tchap-media";

#[tauri::command]
#[specta::specta]
pub async fn check_media(state: State<'_, AppState>, room_id: String, item_id: String, variant: MediaVariant) -> AppResult<MediaCheck> {
    logged("check_media", async {
        let session = state.session()?;
        Ok(session.media().check(session.timelines(), &room_id, &item_id, variant).await)
    })
    .await
}

/// Saves a clean attachment in the user's Downloads folder; returns where.
#[tauri::command]
#[specta::specta]
pub async fn save_media(app: AppHandle, state: State<'_, AppState>, room_id: String, item_id: String) -> AppResult<String> {
    logged("save_media", async {
        let session = state.session()?;
        let downloads = app.path().download_dir().map_err(|e| AppError::storage("downloads folder", e))?;
        let path = session.media().save(session.timelines(), &room_id, &item_id, downloads).await?;
        Ok(path.display().to_string())
    })
    .await
}

/// Opens a clean attachment with the system's viewer.
#[tauri::command]
#[specta::specta]
pub async fn open_media(app: AppHandle, state: State<'_, AppState>, room_id: String, item_id: String) -> AppResult<()> {
    logged("open_media", async {
        let session = state.session()?;
        let path: PathBuf = session.media().file_to_open(session.timelines(), &room_id, &item_id).await?;
        app.opener()
            .open_path(path.display().to_string(), None::<&str>)
            .map_err(|e| AppError::new(ErrorCode::Internal, format!("opening the attachment: {e}")))
    })
    .await
}

/// Serves `tchap-media://localhost/<what>/<room id>/<item id>` (WebView2:
/// `http://tchap-media.localhost/…`): an attachment's clean bytes, a
/// thumbnail made here, or its blurhash placeholder; `pending/<id>` is a file
/// being prepared for sending.
pub fn serve(context: UriSchemeContext<'_, tauri::Wry>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    let app = context.app_handle().clone();
    let path = request.uri().path().to_owned();
    let range = request.headers().get(header::RANGE).and_then(|v| v.to_str().ok()).map(ToOwned::to_owned);
    tauri::async_runtime::spawn(async move {
        let mut response = match media_bytes(&app, &path).await {
            Ok((bytes, mime)) => part(bytes, &mime, range.as_deref()),
            Err(error) => {
                tracing::debug!(code = ?error.code, "media not served");
                answer(StatusCode::NOT_FOUND, Vec::new(), "text/plain")
            }
        };
        // The page reads media with `fetch` where the webview's player cannot
        // open this scheme (WebKitGTK): the app's own pages only.
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static(APP_ORIGIN));
        responder.respond(response);
    });
}

/// Where the app's pages come from (Tauri's own scheme).
const APP_ORIGIN: &str = if cfg!(windows) { "http://tauri.localhost" } else { "tauri://localhost" };

/// The part of `bytes` the `Range` header asks for (media players seek).
fn part(bytes: Vec<u8>, mime: &str, range: Option<&str>) -> Response<Vec<u8>> {
    let len = bytes.len() as u64;
    let asked = answer_range(range, len);
    let (status, body) = match asked {
        RangeAnswer::Whole => (StatusCode::OK, bytes),
        // Within the body (`answer_range` cuts `end` to it), in place.
        RangeAnswer::Part { start, end } => {
            let mut bytes = bytes;
            bytes.truncate(end as usize + 1);
            bytes.drain(..start as usize);
            (StatusCode::PARTIAL_CONTENT, bytes)
        }
        RangeAnswer::Unsatisfiable => (StatusCode::RANGE_NOT_SATISFIABLE, Vec::new()),
    };
    let mut response = answer(status, body, mime);
    response.headers_mut().insert(header::ACCEPT_RANGES, header::HeaderValue::from_static("bytes"));
    if let Some(content_range) = asked.content_range(len).and_then(|v| header::HeaderValue::from_str(&v).ok()) {
        response.headers_mut().insert(header::CONTENT_RANGE, content_range);
    }
    response
}

fn answer(status: StatusCode, bytes: Vec<u8>, mime: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, mime)
        // The type is ours (sniffed and checked), never the webview's guess.
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        // Nothing served here may run or load anything.
        .header(header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox")
        .header(header::CACHE_CONTROL, "no-store")
        .body(bytes)
        .unwrap_or_default()
}

fn decoded(part: Option<&str>) -> AppResult<String> {
    let part = part.ok_or_else(|| AppError::new(ErrorCode::NotFound, "short media path"))?;
    let text = percent_encoding::percent_decode_str(part).decode_utf8().map_err(|_| AppError::new(ErrorCode::NotFound, "malformed media path"))?;
    Ok(text.into_owned())
}

async fn media_bytes(app: &AppHandle, path: &str) -> AppResult<(Vec<u8>, String)> {
    let session = app.state::<AppState>().session()?;
    let mut parts = path.trim_start_matches('/').split('/');
    let what = parts.next().unwrap_or_default();
    if what == "pending" {
        let id = decoded(parts.next())?;
        return session.attachments().preview(&id).ok_or_else(|| AppError::new(ErrorCode::NotFound, "no such attachment"));
    }
    let (room_id, item_id) = (decoded(parts.next())?, decoded(parts.next())?);
    let media = session.media();
    match what {
        "placeholder" => media.placeholder(session.timelines(), &room_id, &item_id).await,
        "thumbnail" | "original" => {
            let variant = if what == "thumbnail" { MediaVariant::Thumbnail } else { MediaVariant::Original };
            let clean = media.clean(session.timelines(), &room_id, &item_id, variant).await.map_err(|_| AppError::new(ErrorCode::MediaBlocked, "not clean"))?;
            // Only what a page may show inline: never SVG, HTML or unknown types.
            let mime = clean.mime.filter(|m| display::shown_inline(m)).ok_or_else(|| AppError::new(ErrorCode::NotFound, "not shown inline"))?;
            Ok((display::servable_original(clean.bytes, &mime).await?, mime))
        }
        _ => Err(AppError::new(ErrorCode::NotFound, "unknown media path")),
    }
}
