//! Which part of a room's history a timeline shows: the latest messages, or
//! the messages around one event (a link to a message, a reply's original).

use matrix_sdk::{
    event_cache::{EventCacheError, EventFocusThreadMode},
    paginators::PaginatorError,
    ruma::{EventId, OwnedEventId},
};
use matrix_sdk_ui::timeline::{Error as TimelineError, PaginationError, RoomExt, Timeline, TimelineEventFocusThreadMode, TimelineFocus};

use crate::error::{AppError, AppResult, ErrorCode};

/// Events loaded on each side of the event a timeline is opened at.
const CONTEXT_EVENTS: u16 = 20;

/// What a timeline shows of its room.
#[derive(Clone, Copy)]
pub(super) enum Focus<'a> {
    /// The latest messages, as they arrive; thread replies are in their threads.
    Live,
    /// The history around an event.
    Event(&'a str),
    /// One thread: its root and replies.
    Thread(&'a str),
}

impl Focus<'_> {
    /// How the service knows the open timeline: a room has one main timeline
    /// (live or around an event) and any number of open threads.
    pub(super) fn key(self, room_id: &str) -> String {
        match self {
            Focus::Live | Focus::Event(_) => room_id.to_owned(),
            Focus::Thread(root) => thread_key(room_id, root),
        }
    }
}

/// What a built timeline shows (a `Focus` once its event ids are read).
#[derive(Clone, PartialEq)]
pub(super) enum Showing {
    Live,
    /// The history around this event.
    Around(OwnedEventId),
    Thread,
}

pub(super) fn thread_key(room_id: &str, root: &str) -> String {
    format!("{room_id} {root}")
}

fn parse_event_id(id: &str) -> AppResult<OwnedEventId> {
    EventId::parse(id).map_err(|_| AppError::new(ErrorCode::EventNotFound, "malformed event id"))
}

pub(super) async fn build(room: &matrix_sdk::Room, focus: Focus<'_>) -> AppResult<(Timeline, Showing)> {
    let focus = match focus {
        Focus::Live => {
            let timeline = room.timeline_builder().with_focus(TimelineFocus::Live { hide_threaded_events: true }).build().await;
            return Ok((timeline.map_err(|e| AppError::internal("timeline", e))?, Showing::Live));
        }
        Focus::Thread(root) => {
            let root_event_id = parse_event_id(root)?;
            let timeline = room.timeline_builder().with_focus(TimelineFocus::Thread { root_event_id }).build().await;
            return Ok((timeline.map_err(focus_error)?, Showing::Thread));
        }
        Focus::Event(id) => id,
    };
    let target = parse_event_id(focus)?;
    // Asked first on its own: the SDK's event-focused cache, started on an
    // event the server does not know, leaves the room's cache unable to load
    // older messages (matrix-sdk 0.18: "Query returned no rows").
    room.load_or_fetch_event(&target, None).await.map_err(|e| out_of_reach(AppError::from_sdk("event to focus", &e)))?;
    let timeline = room
        .timeline_builder()
        .with_focus(TimelineFocus::Event {
            target: target.clone(),
            num_context_events: CONTEXT_EVENTS,
            // A reply in a thread opens its thread's history; elsewhere
            // thread replies stay in their threads, as in the live timeline.
            thread_mode: TimelineEventFocusThreadMode::Automatic { hide_threaded_events: true },
        })
        .build()
        .await
        .map_err(focus_error)?;
    Ok((timeline, Showing::Around(target)))
}

/// Why the history around an event cannot be shown: the event does not
/// exist (or no longer), or it is out of reach (before we joined, with a
/// history not shared); or the server could not be asked.
fn focus_error(error: TimelineError) -> AppError {
    let TimelineError::PaginationError(PaginationError::EventCache(EventCacheError::InitialPaginationError(error))) = &error else {
        return AppError::internal("focused timeline", error);
    };
    match error {
        PaginatorError::EventNotFound(_) => AppError::new(ErrorCode::EventNotFound, format!("focused timeline: {error}")),
        PaginatorError::SdkError(sdk) => out_of_reach(AppError::from_sdk("focused timeline", sdk)),
        other => AppError::internal("focused timeline", other),
    }
}

/// The server says the event does not exist, or that it is not ours to read.
fn out_of_reach(error: AppError) -> AppError {
    match error.code {
        ErrorCode::NotFound | ErrorCode::Forbidden => AppError::new(ErrorCode::EventNotFound, error.message),
        _ => error,
    }
}

/// Forgets the SDK's cache of the history around `event_id` (see
/// vendor/matrix-sdk/PATCHES.md): no timeline of ours shows it any more.
/// Built with `Automatic`, the thread mode of `build`.
pub(super) async fn forget(room: &matrix_sdk::Room, showing: Showing) {
    let Showing::Around(event_id) = showing else { return };
    if let Ok((cache, _handles)) = room.event_cache().await {
        let _ = cache.remove_event_focused_cache(event_id, EventFocusThreadMode::Automatic).await;
    }
}
