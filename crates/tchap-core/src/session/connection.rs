//! The connection as the banner across the main screen shows it: online,
//! offline with the messages waiting in the send queue, or reconnecting.
//! Also where the send queue is turned back on: the SDK pauses a room's queue
//! after a failed send, and messages must leave when the server answers again
//! without the user doing anything.

use std::sync::Weak;

use matrix_sdk::{
    Client,
    send_queue::{LocalEchoContent, RoomSendQueueUpdate, SendQueueUpdate},
};
use matrix_sdk_ui::room_list_service::State as RoomListState;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;
use tracing::{info, warn};

use super::{Session, SyncState};

/// What the banner says. `waiting` counts the messages and attachments in
/// the send queue of every room (not those the server refused for good:
/// they wait for the user, not for the network).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum ConnectionState {
    Online,
    Offline { waiting: u32 },
    /// The sync tries again after having lost the server, no answer yet.
    Reconnecting { waiting: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    Online,
    Offline,
    Reconnecting,
}

/// The banner's state from the sync's state and whether the server answered
/// since the sync last (re)started. Pure: the watcher below feeds it.
#[derive(Debug)]
pub(crate) struct ConnectionMachine {
    link: Link,
    waiting: u32,
}

impl Default for ConnectionMachine {
    fn default() -> Self {
        Self { link: Link::Online, waiting: 0 }
    }
}

impl ConnectionMachine {
    /// Takes the sync's state; `answered`: a sync response came since it
    /// (re)started. True when the server is back after having been lost.
    pub(crate) fn observe(&mut self, sync: SyncState, answered: bool) -> bool {
        let previous = self.link;
        self.link = match sync {
            // A server that answers with errors holds messages back just the same.
            SyncState::Offline | SyncState::Error => Link::Offline,
            SyncState::Running if answered => Link::Online,
            SyncState::Running if previous != Link::Online => Link::Reconnecting,
            // Starting, or running with the first answer on its way: nothing to say.
            SyncState::Running | SyncState::Starting => previous,
        };
        previous != Link::Online && self.link == Link::Online
    }

    pub(crate) fn set_waiting(&mut self, waiting: u32) {
        self.waiting = waiting;
    }

    pub(crate) fn state(&self) -> ConnectionState {
        match self.link {
            Link::Online => ConnectionState::Online,
            Link::Offline => ConnectionState::Offline { waiting: self.waiting },
            Link::Reconnecting => ConnectionState::Reconnecting { waiting: self.waiting },
        }
    }
}

/// Whether the room list's sync got an answer since it last stopped: the SDK
/// sets these states only after a successful response.
fn answered(state: &RoomListState) -> bool {
    matches!(state, RoomListState::SettingUp | RoomListState::Recovering | RoomListState::Running)
}

/// Messages and attachments waiting to leave, every room together; `None`
/// when the store can't say (the last count stays).
async fn waiting_messages(client: &Client) -> Option<u32> {
    match client.send_queue().local_echoes().await {
        Ok(rooms) => {
            let waiting = rooms.values().flatten().filter(|echo| matches!(echo.content, LocalEchoContent::Event { send_error: None, .. }));
            Some(u32::try_from(waiting.count()).unwrap_or(u32::MAX))
        }
        Err(error) => {
            warn!(%error, "could not count the messages waiting to be sent");
            None
        }
    }
}

/// Whether an update of the send queue may change how many messages wait
/// (upload progress and edits don't).
fn changes_count(update: &SendQueueUpdate) -> bool {
    !matches!(update.update, RoomSendQueueUpdate::MediaUpload { .. } | RoomSendQueueUpdate::ReplacedLocalEvent { .. })
}

enum Input {
    Sync,
    SyncAnswer,
    Queue,
    QueuePaused,
}

/// Follows the sync, its answers and the send queue into the session's
/// connection state, and turns the send queue back on once the server
/// answers after a failure (the sync's or a send's).
pub(super) async fn follow_connection(session: Weak<Session>) {
    let Some((client, mut sync, out, room_list)) = session
        .upgrade()
        .map(|s| (s.client().clone(), s.sync_state(), s.connection.clone(), s.context.sync_service().room_list_service()))
    else {
        return;
    };
    let mut answers = room_list.state();
    let queue = client.send_queue();
    let (mut updates, mut errors) = (queue.subscribe(), queue.subscribe_errors());
    let mut machine = ConnectionMachine::default();
    let mut queue_paused = false;
    let mut next = Some(Input::Queue);
    loop {
        if let Some(input) = next {
            match input {
                Input::Queue => {
                    if let Some(waiting) = waiting_messages(&client).await {
                        machine.set_waiting(waiting);
                    }
                }
                Input::QueuePaused => queue_paused = true,
                Input::Sync | Input::SyncAnswer => {}
            }
            let answered_now = answered(&answers.get());
            let back = machine.observe(*sync.borrow_and_update(), answered_now);
            // After a send error with the sync still fine, wait for a fresh answer
            // rather than retrying at once (a server in trouble would be hammered).
            if back || (queue_paused && answered_now && matches!(input, Input::SyncAnswer)) {
                queue_paused = false;
                info!("the server answers: resuming the send queue");
                queue.set_enabled(true).await;
            }
            out.send_if_modified(|shown| std::mem::replace(shown, machine.state()) != machine.state());
        }
        next = tokio::select! {
            changed = sync.changed() => match changed {
                Ok(()) => Some(Input::Sync),
                Err(_) => return,
            },
            state = answers.next() => match state {
                Some(_) => Some(Input::SyncAnswer),
                None => return,
            },
            update = updates.recv() => match update {
                Ok(update) if !changes_count(&update) => None,
                Ok(_) | Err(RecvError::Lagged(_)) => Some(Input::Queue),
                Err(RecvError::Closed) => return,
            },
            error = errors.recv() => match error {
                Ok(_) | Err(RecvError::Lagged(_)) => Some(Input::QueuePaused),
                Err(RecvError::Closed) => return,
            },
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(steps: &[(SyncState, bool)]) -> Vec<ConnectionState> {
        let mut machine = ConnectionMachine::default();
        machine.set_waiting(2);
        steps
            .iter()
            .map(|&(sync, answered)| {
                machine.observe(sync, answered);
                machine.state()
            })
            .collect()
    }

    #[test]
    fn a_start_says_nothing_until_the_network_fails() {
        let states = run(&[(SyncState::Starting, false), (SyncState::Running, false), (SyncState::Running, true)]);
        assert!(states.iter().all(|s| *s == ConnectionState::Online), "{states:?}");
    }

    #[test]
    fn a_lost_server_is_offline_then_reconnecting_until_it_answers() {
        let states = run(&[
            (SyncState::Running, true),
            // The room list stops first, while the service still says running.
            (SyncState::Running, false),
            (SyncState::Offline, false),
            // The sync is restarted: no answer yet.
            (SyncState::Running, false),
            (SyncState::Offline, false),
            (SyncState::Running, false),
            (SyncState::Running, true),
        ]);
        use ConnectionState::*;
        let offline = Offline { waiting: 2 };
        let reconnecting = Reconnecting { waiting: 2 };
        assert_eq!(states, [Online, Online, offline, reconnecting, offline, reconnecting, Online]);
    }

    #[test]
    fn server_errors_hold_messages_back_too() {
        let states = run(&[(SyncState::Running, true), (SyncState::Error, false), (SyncState::Running, false)]);
        assert_eq!(states[1..], [ConnectionState::Offline { waiting: 2 }, ConnectionState::Reconnecting { waiting: 2 }]);
    }

    #[test]
    fn the_send_queue_resumes_once_when_the_server_answers_again() {
        let mut machine = ConnectionMachine::default();
        let resumed: Vec<bool> = [(SyncState::Running, true), (SyncState::Offline, false), (SyncState::Running, false), (SyncState::Running, true), (SyncState::Running, true)]
            .into_iter()
            .map(|(sync, answered)| machine.observe(sync, answered))
            .collect();
        assert_eq!(resumed, [false, false, false, true, false]);
    }

    #[test]
    fn the_waiting_count_follows_the_queue() {
        let mut machine = ConnectionMachine::default();
        machine.observe(SyncState::Offline, false);
        machine.set_waiting(1);
        assert_eq!(machine.state(), ConnectionState::Offline { waiting: 1 });
        machine.set_waiting(3);
        assert_eq!(machine.state(), ConnectionState::Offline { waiting: 3 });
    }
}
