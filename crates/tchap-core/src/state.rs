//! What the app holds while it runs: its configuration and the open session.

use std::sync::{Arc, Mutex};

use crate::{
    config::{AppConfig, DemoLogin, Paths},
    error::{AppError, AppResult},
    session::Session,
};

pub struct AppState {
    pub paths: Paths,
    pub config: AppConfig,
    pub demo_login: Option<DemoLogin>,
    /// One account for now; a map keyed by user id when multi-account comes.
    session: Mutex<Option<Arc<Session>>>,
}

impl AppState {
    pub fn new(paths: Paths, config: AppConfig, demo_login: Option<DemoLogin>) -> Self {
        Self { paths, config, demo_login, session: Mutex::new(None) }
    }

    pub fn session(&self) -> AppResult<Arc<Session>> {
        self.session.lock().unwrap().clone().ok_or_else(AppError::not_logged_in)
    }

    pub fn current(&self) -> Option<Arc<Session>> {
        self.session.lock().unwrap().clone()
    }

    pub fn set_session(&self, session: Option<Arc<Session>>) -> Option<Arc<Session>> {
        std::mem::replace(&mut *self.session.lock().unwrap(), session)
    }
}
