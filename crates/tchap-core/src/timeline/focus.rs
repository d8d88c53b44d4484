//! Which part of a room's history a timeline shows: the latest messages, or
//! the messages around one event (a link to a message, a reply's original).

use matrix_sdk::{
    event_cache::EventCacheError,
    paginators::PaginatorError,
    ruma::EventId,
};
use matrix_sdk_ui::timeline::{Error as TimelineError, PaginationError, RoomExt, Timeline, TimelineEventFocusThreadMode, TimelineFocus};

use crate::error::{AppError, AppResult, ErrorCode};

/// Events loaded on each side of the event a timeline is opened at.
const CONTEXT_EVENTS: u16 = 20;

/// The room's live timeline, or the one around `focus`.
pub(super) async fn build(room: &matrix_sdk::Room, focus: Option<&str>) -> AppResult<Timeline> {
    let Some(focus) = focus else {
        return room.timeline().await.map_err(|e| AppError::internal("timeline", e));
    };
    let target = EventId::parse(focus).map_err(|_| AppError::new(ErrorCode::EventNotFound, "malformed event id"))?;
    // Asked first on its own: the SDK's event-focused cache, started on an
    // event the server does not know, leaves the room's cache unable to load
    // older messages (matrix-sdk 0.18: "Query returned no rows").
    room.load_or_fetch_event(&target, None).await.map_err(|e| out_of_reach(AppError::from_sdk("event to focus", &e)))?;
    room.timeline_builder()
        .with_focus(TimelineFocus::Event {
            target,
            num_context_events: CONTEXT_EVENTS,
            // Threads are shown inline for now, as in the live timeline.
            thread_mode: TimelineEventFocusThreadMode::Automatic { hide_threaded_events: false },
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
