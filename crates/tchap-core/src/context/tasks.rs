//! The background tasks of one session, aborted together when it stops.

use std::{collections::HashMap, sync::Mutex};

use tokio::task::JoinHandle;

/// Named tasks: starting one under a name aborts the previous one of that name.
#[derive(Default)]
pub struct TaskGroup {
    tasks: Mutex<HashMap<String, JoinHandle<()>>>,
}

impl TaskGroup {
    /// Runs `task` until the group stops; a task already running under `name` is aborted.
    pub fn spawn(&self, name: &str, task: impl Future<Output = ()> + Send + 'static) {
        let handle = tokio::spawn(task);
        let mut tasks = self.tasks.lock().unwrap();
        // Finished one-off tasks (verification flows…) would pile up otherwise.
        tasks.retain(|_, task| !task.is_finished());
        if let Some(previous) = tasks.insert(name.to_owned(), handle) {
            previous.abort();
        }
    }

    pub fn abort(&self, name: &str) {
        if let Some(task) = self.tasks.lock().unwrap().remove(name) {
            task.abort();
        }
    }

    pub fn abort_all(&self) {
        for (_, task) in self.tasks.lock().unwrap().drain() {
            task.abort();
        }
    }
}

impl Drop for TaskGroup {
    fn drop(&mut self) {
        self.abort_all();
    }
}
