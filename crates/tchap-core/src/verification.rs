//! Interactive verification by emoji comparison (SAS), from either side.
//!
//! One task per flow drives the SDK's request and SAS state machines and
//! reports the steps a user sees; the user only compares and confirms. The
//! side that asked starts the emoji comparison once the other accepted.

use futures_util::StreamExt;
use matrix_sdk::{
    Client,
    encryption::{identities::RequestVerificationError, verification::{CancelInfo, SasState, SasVerification, Verification, VerificationRequest, VerificationRequestState}},
    event_handler::EventHandlerHandle,
    ruma::{
        UserId,
        events::{
            key::verification::request::ToDeviceKeyVerificationRequestEvent,
            room::message::{MessageType, OriginalSyncRoomMessageEvent},
        },
    },
};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tracing::{info, warn};

use crate::context::SessionContext;
use crate::error::{AppError, AppResult, ErrorCode};

/// Another session (ours or someone else's) asks to verify this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct IncomingVerification {
    pub flow_id: String,
    pub user_id: String,
    pub device_id: String,
    /// The asking session's name, as its user set it ("Tchap desktop", "Element Web"…).
    pub device_name: Option<String>,
    /// One of the user's own sessions.
    pub is_own_session: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SasEmoji {
    /// Position in the spec's table of 64 emojis, for translated names.
    pub index: u8,
    pub symbol: String,
    /// English name from the spec, when no translation is known.
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The user, here or on the other side, said the emojis differ.
    Mismatch,
    /// The other side declined or stopped.
    OtherSide,
    /// This side stopped it.
    ThisSide,
    Timeout,
    /// Anything else: a protocol error, an unsupported method.
    Other,
}

/// What the user sees of a verification, step by step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "step", rename_all = "camelCase")]
pub enum VerificationStep {
    /// Waiting for the other side to accept or to answer.
    Waiting,
    /// Compare these seven emojis with the other screen.
    Emojis { emojis: Vec<SasEmoji> },
    /// This side confirmed; waiting for the other side's confirmation.
    Confirmed,
    Done,
    Cancelled { reason: CancelReason },
}

/// What the UI learns of requests from others: a new one, or one withdrawn
/// (cancelled, timed out, answered by another of our sessions) before this
/// session answered it, so that its question goes away by itself.
#[derive(Clone)]
struct RequestSignals {
    requested: broadcast::Sender<IncomingVerification>,
    /// Flow ids.
    withdrawn: broadcast::Sender<String>,
    /// The watchers of pending requests, stopped with the session.
    watchers: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl RequestSignals {
    fn new() -> Self {
        Self { requested: broadcast::channel(8).0, withdrawn: broadcast::channel(8).0, watchers: Default::default() }
    }

    fn stop(&self) {
        for watcher in self.watchers.lock().unwrap().drain(..) {
            watcher.abort();
        }
    }

    /// Reports `incoming`, then its withdrawal if it ends before we answer.
    fn report(&self, request: VerificationRequest, incoming: IncomingVerification) {
        let _ = self.requested.send(incoming);
        let withdrawn = self.withdrawn.clone();
        let watcher = tokio::spawn(async move {
            let mut changes = request.changes();
            while let Some(state) = changes.next().await {
                match state {
                    VerificationRequestState::Created { .. } | VerificationRequestState::Requested { .. } => {}
                    VerificationRequestState::Cancelled(_) | VerificationRequestState::Done => {
                        let _ = withdrawn.send(request.flow_id().to_owned());
                        return;
                    }
                    // Accepted here: the flow's own task takes over.
                    _ => return,
                }
            }
        });
        let mut watchers = self.watchers.lock().unwrap();
        watchers.retain(|w| !w.is_finished());
        watchers.push(watcher.abort_handle());
    }
}

/// Reports incoming to-device verification requests.
fn watch_requests(client: &Client, requests: RequestSignals) -> EventHandlerHandle {
    client.add_event_handler(move |event: ToDeviceKeyVerificationRequestEvent, client: Client| {
        let requests = requests.clone();
        async move {
            let Some(request) = client.encryption().get_verification_request(&event.sender, &event.content.transaction_id).await else {
                return;
            };
            let device = client.encryption().get_device(&event.sender, &event.content.from_device).await.ok().flatten();
            info!(flow_id = %request.flow_id(), "verification requested by another session");
            let incoming = IncomingVerification {
                flow_id: request.flow_id().to_owned(),
                user_id: event.sender.to_string(),
                device_id: event.content.from_device.to_string(),
                device_name: device.and_then(|d| d.display_name().map(ToOwned::to_owned)),
                is_own_session: request.is_self_verification(),
            };
            requests.report(request, incoming);
        }
    })
}

/// Reports verification requests another user sends in a direct chat.
fn watch_room_requests(client: &Client, requests: RequestSignals) -> EventHandlerHandle {
    client.add_event_handler(move |event: OriginalSyncRoomMessageEvent, client: Client| {
        let requests = requests.clone();
        async move {
            let MessageType::VerificationRequest(content) = &event.content.msgtype else { return };
            if Some(&*event.sender) == client.user_id() {
                return; // our own request, seen in the room
            }
            let Some(request) = client.encryption().get_verification_request(&event.sender, &event.event_id).await else {
                return;
            };
            if request.is_done() || request.is_cancelled() || request.is_passive() {
                return; // an old request met again while paginating, or handled elsewhere
            }
            info!(flow_id = %request.flow_id(), "verification requested by another user");
            let incoming = IncomingVerification {
                flow_id: request.flow_id().to_owned(),
                user_id: event.sender.to_string(),
                device_id: content.from_device.to_string(),
                device_name: None,
                is_own_session: false,
            };
            requests.report(request, incoming);
        }
    })
}

/// Verification requests from others, as they arrive and as they end; the
/// flows themselves run in the session's task group.
pub struct VerificationService {
    signals: RequestSignals,
    handlers: Vec<EventHandlerHandle>,
}

impl VerificationService {
    pub fn start(context: &SessionContext) -> Self {
        let signals = RequestSignals::new();
        let client = context.client();
        let handlers = vec![watch_requests(client, signals.clone()), watch_room_requests(client, signals.clone())];
        Self { signals, handlers }
    }

    /// Verification requests from other sessions, as they arrive.
    pub fn requests(&self) -> broadcast::Receiver<IncomingVerification> {
        self.signals.requested.subscribe()
    }

    /// Flow ids of requests that ended before this session answered them.
    pub fn withdrawn(&self) -> broadcast::Receiver<String> {
        self.signals.withdrawn.subscribe()
    }

    pub fn stop(&self, client: &Client) {
        self.signals.stop();
        for handler in &self.handlers {
            client.remove_event_handler(handler.clone());
        }
    }
}

/// Asks another user to verify each other (in a direct chat, created if
/// needed); returns the flow id.
pub async fn verify_user(session: &SessionContext, user_id: &str, on_step: impl Fn(VerificationStep) + Send + Sync + 'static) -> AppResult<String> {
    let user_id = parse_user(user_id)?;
    let identity = session
        .client()
        .encryption()
        .request_user_identity(&user_id)
        .await
        .map_err(|e| AppError::internal("fetching the user's identity", e))?
        .ok_or_else(|| AppError::new(ErrorCode::NoIdentity, "this user has no encryption identity"))?;
    request_and_follow(session, identity, on_step).await
}

/// Asks the user's other sessions to verify this one; returns the flow id.
pub async fn verify_this_session(session: &SessionContext, on_step: impl Fn(VerificationStep) + Send + Sync + 'static) -> AppResult<String> {
    let client = session.client();
    let user_id = client.user_id().ok_or_else(AppError::not_logged_in)?;
    let identity = client
        .encryption()
        .get_user_identity(user_id)
        .await
        .map_err(|e| AppError::internal("reading our identity", e))?
        .ok_or_else(|| AppError::new(ErrorCode::NoOtherSession, "this account has no cross-signing identity yet"))?;
    request_and_follow(session, identity, on_step).await
}

/// Sends the request to `identity` (our other sessions, or another user's
/// direct chat) and follows the flow; returns its id.
async fn request_and_follow(
    session: &SessionContext,
    identity: matrix_sdk::encryption::identities::UserIdentity,
    on_step: impl Fn(VerificationStep) + Send + Sync + 'static,
) -> AppResult<String> {
    let request = identity.request_verification().await.map_err(|e| match e {
        RequestVerificationError::Sdk(e) => AppError::from_sdk("requesting verification", &e),
        other => AppError::internal("requesting verification", other),
    })?;
    let flow_id = request.flow_id().to_owned();
    spawn_flow(session, request, on_step);
    Ok(flow_id)
}

/// Accepts a verification another session asked for.
pub async fn accept(session: &SessionContext, user_id: &str, flow_id: &str, on_step: impl Fn(VerificationStep) + Send + Sync + 'static) -> AppResult<()> {
    let request = find_request(session, user_id, flow_id).await?;
    request.accept().await.map_err(|e| AppError::from_sdk("accepting verification", &e))?;
    spawn_flow(session, request, on_step);
    Ok(())
}

/// The emojis match on both screens.
pub async fn confirm(session: &SessionContext, user_id: &str, flow_id: &str) -> AppResult<()> {
    find_sas(session, user_id, flow_id).await?.confirm().await.map_err(|e| AppError::from_sdk("confirming verification", &e))
}

/// The emojis differ: the other side may be an impostor.
pub async fn mismatch(session: &SessionContext, user_id: &str, flow_id: &str) -> AppResult<()> {
    find_sas(session, user_id, flow_id).await?.mismatch().await.map_err(|e| AppError::from_sdk("refusing verification", &e))
}

/// Stops a verification at any step (or declines a request).
pub async fn cancel(session: &SessionContext, user_id: &str, flow_id: &str) -> AppResult<()> {
    let user_id = parse_user(user_id)?;
    let encryption = session.client().encryption();
    let result = match encryption.get_verification(&user_id, flow_id).await {
        Some(Verification::SasV1(sas)) => sas.cancel().await,
        _ => match encryption.get_verification_request(&user_id, flow_id).await {
            Some(request) => request.cancel().await,
            None => return Ok(()), // already over
        },
    };
    result.map_err(|e| AppError::from_sdk("cancelling verification", &e))
}

/// Follows the flow in its own task; one in a direct chat keeps that room
/// subscribed meanwhile, so that no step sent there is missed.
fn spawn_flow(session: &SessionContext, request: VerificationRequest, on_step: impl Fn(VerificationStep) + Send + Sync + 'static) {
    let subscription = request.room_id().map(|room_id| session.subscribe_room(room_id));
    let in_room = subscription.is_some().then(|| session.client().clone());
    session.spawn(&task_name(request.flow_id()), async move {
        let _subscription = subscription;
        drive_request(request, on_step, in_room).await;
    });
}

fn task_name(flow_id: &str) -> String {
    format!("verification-{flow_id}")
}

fn parse_user(user_id: &str) -> AppResult<matrix_sdk::ruma::OwnedUserId> {
    UserId::parse(user_id).map_err(|_| AppError::new(ErrorCode::InvalidUserId, "invalid user id"))
}

async fn find_request(session: &SessionContext, user_id: &str, flow_id: &str) -> AppResult<VerificationRequest> {
    let user_id = parse_user(user_id)?;
    session
        .client()
        .encryption()
        .get_verification_request(&user_id, flow_id)
        .await
        .ok_or_else(|| AppError::new(ErrorCode::VerificationNotFound, "no such verification request"))
}

async fn find_sas(session: &SessionContext, user_id: &str, flow_id: &str) -> AppResult<SasVerification> {
    let user_id = parse_user(user_id)?;
    match session.client().encryption().get_verification(&user_id, flow_id).await {
        Some(Verification::SasV1(sas)) => Ok(sas),
        _ => Err(AppError::new(ErrorCode::VerificationNotFound, "no emoji comparison under way")),
    }
}

/// `in_room`: the client, for a flow that goes through a direct chat.
async fn drive_request(request: VerificationRequest, on_step: impl Fn(VerificationStep) + Send + Sync + 'static, in_room: Option<Client>) {
    let mut changes = request.changes();
    let mut state = Some(request.state());
    while let Some(current) = state {
        if let Some(client) = &in_room {
            wake_encryption_sync(client).await;
        }
        match current {
            VerificationRequestState::Created { .. } | VerificationRequestState::Requested { .. } => on_step(VerificationStep::Waiting),
            VerificationRequestState::Ready { .. } => {
                on_step(VerificationStep::Waiting);
                if request.we_started() {
                    match request.start_sas().await {
                        Ok(Some(sas)) => return drive_sas(sas, on_step, in_room).await,
                        Ok(None) => warn!("the other session cannot compare emojis"),
                        Err(error) => warn!(%error, "could not start the emoji comparison"),
                    }
                    let _ = request.cancel().await;
                }
            }
            VerificationRequestState::Transitioned { verification: Verification::SasV1(sas), .. } => return drive_sas(sas, on_step, in_room).await,
            VerificationRequestState::Transitioned { .. } => {
                // Only emoji comparison is offered; a QR code flow is refused.
                let _ = request.cancel().await;
            }
            VerificationRequestState::Done => return on_step(VerificationStep::Done),
            VerificationRequestState::Cancelled(info) => return on_step(cancelled(&info)),
        }
        state = changes.next().await;
    }
}

async fn drive_sas(sas: SasVerification, on_step: impl Fn(VerificationStep), in_room: Option<Client>) {
    let mut changes = sas.changes();
    let mut state = Some(sas.state());
    while let Some(current) = state {
        if let Some(client) = &in_room {
            wake_encryption_sync(client).await;
        }
        match current {
            SasState::Created { .. } | SasState::Accepted { .. } => on_step(VerificationStep::Waiting),
            SasState::Started { .. } => {
                on_step(VerificationStep::Waiting);
                if !sas.we_started()
                    && let Err(error) = sas.accept().await
                {
                    warn!(%error, "could not accept the emoji comparison");
                }
            }
            SasState::KeysExchanged { emojis: Some(emojis), .. } => {
                let emojis = emojis
                    .indices
                    .iter()
                    .zip(emojis.emojis.iter())
                    .map(|(index, emoji)| SasEmoji { index: *index, symbol: emoji.symbol.to_owned(), description: emoji.description.to_owned() })
                    .collect();
                on_step(VerificationStep::Emojis { emojis });
            }
            SasState::KeysExchanged { emojis: None, .. } => {
                // Comparing numbers is not offered: emojis are what agents know.
                let _ = sas.cancel().await;
            }
            SasState::Confirmed => on_step(VerificationStep::Confirmed),
            SasState::Done { .. } => {
                info!("verification done");
                return on_step(VerificationStep::Done);
            }
            SasState::Cancelled(info) => return on_step(cancelled(&info)),
        }
        state = changes.next().await;
    }
}

/// matrix-sdk 0.18 queues the answers to a direct chat's verification steps
/// (SAS key, MAC) and sends them only when the encryption sync loop comes
/// round, which idles up to 30 s per step: the user would wait a minute
/// before seeing emojis (upstream pull request "sliding_sync: eagerly send
/// verification responses after a sync response", not released). A to-device
/// message to ourselves ends that wait at once. Remove with the fixed SDK.
async fn wake_encryption_sync(client: &Client) {
    use matrix_sdk::ruma::{
        TransactionId,
        api::client::to_device::send_event_to_device::v3::Request,
        events::ToDeviceEventType,
        serde::Raw,
        to_device::DeviceIdOrAllDevices,
    };
    let (Some(user_id), Some(device_id)) = (client.user_id(), client.device_id()) else { return };
    let Ok(empty) = Raw::from_json_string("{}".to_owned()) else { return };
    let mut messages = std::collections::BTreeMap::new();
    messages.insert(user_id.to_owned(), std::collections::BTreeMap::from([(DeviceIdOrAllDevices::DeviceId(device_id.to_owned()), empty)]));
    let request = Request::new_raw(ToDeviceEventType::from("fr.gouv.tchap.wake_up"), TransactionId::new(), messages);
    if let Err(error) = client.send(request).await {
        warn!(%error, "could not wake the encryption sync up");
    }
}

fn cancelled(info: &CancelInfo) -> VerificationStep {
    use matrix_sdk::ruma::events::key::verification::cancel::CancelCode;
    let reason = match info.cancel_code() {
        CancelCode::MismatchedSas | CancelCode::KeyMismatch => CancelReason::Mismatch,
        CancelCode::Timeout => CancelReason::Timeout,
        CancelCode::User | CancelCode::Accepted if info.cancelled_by_us() => CancelReason::ThisSide,
        CancelCode::User | CancelCode::Accepted => CancelReason::OtherSide,
        _ => CancelReason::Other,
    };
    VerificationStep::Cancelled { reason }
}
