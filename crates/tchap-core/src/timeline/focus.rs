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

    /// The event a history around a message is focused on.
    pub(super) fn event_id(self) -> Option<OwnedEventId> {
        match self {
            Focus::Event(id) => EventId::parse(id).ok(),
            Focus::Live | Focus::Thread(_) => None,
        }
    }
}

pub(super) fn thread_key(room_id: &str, root: &str) -> String {
    format!("{room_id} {root}")
}

pub(super) async fn build(room: &matrix_sdk::Room, focus: Focus<'_>) -> AppResult<Timeline> {
    let event_id = |id: &str| EventId::parse(id).map_err(|_| AppError::new(ErrorCode::EventNotFound, "malformed event id"));
    let focus = match focus {
        Focus::Live => return room.timeline_builder().with_focus(TimelineFocus::Live { hide_threaded_events: true }).build().await.map_err(|e| AppError::internal("timeline", e)),
        Focus::Thread(root) => {
            let root_event_id = event_id(root)?;
            return room.timeline_builder().with_focus(TimelineFocus::Thread { root_event_id }).build().await.map_err(focus_error);
        }
        Focus::Event(id) => id,
    };
    let target = event_id(focus)?;
    // Asked first on its own: the SDK's event-focused cache, started on an
    // event the server does not know, leaves the room's cache unable to load
    // older messages (matrix-sdk 0.18: "Query returned no rows").
    room.load_or_fetch_event(&target, None).await.map_err(|e| out_of_reach(AppError::from_sdk("event to focus", &e)))?;
    room.timeline_builder()
        .with_focus(TimelineFocus::Event {
            target,
            num_context_events: CONTEXT_EVENTS,
            // A reply in a thread opens its thread's history; elsewhere
            // thread replies stay in their threads, as in the live timeline.
            thread_mode: TimelineEventFocusThreadMode::Automatic { hide_threaded_events: true },
        })
        .build()
        .await
        .map_err(focus_error)
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
pub(super) async fn forget(room: &matrix_sdk::Room, event_id: OwnedEventId) {
    if let Ok((cache, _handles)) = room.event_cache().await {
        let _ = cache.remove_event_focused_cache(event_id, EventFocusThreadMode::Automatic).await;
    }
}
