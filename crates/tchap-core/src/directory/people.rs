//! The agents' directory: the homeserver's user directory search (local
//! users, and remote users its rooms brought in), shown as Tchap shows
//! people: name, ministry, or an "Externe" badge.

use serde::Serialize;

use crate::context::SessionContext;
use crate::error::{AppError, AppResult};
use crate::identity::person_name;

/// Shorter terms match half the directory; the UI waits for more.
pub const MIN_SEARCH_LENGTH: usize = 2;
const MAX_RESULTS: u64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub user_id: String,
    /// The name without Tchap's "[Domaine]" suffix.
    pub name: String,
    /// The person's ministry or organisation; none for externals.
    pub domain: Option<String>,
    pub is_external: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PersonSearch {
    pub people: Vec<Person>,
    /// More people match than shown: the user should type more.
    pub limited: bool,
}

/// Searches the directory by name or Matrix ID; the user themself is left out.
pub async fn search_people(session: &SessionContext, term: &str) -> AppResult<PersonSearch> {
    let term = term.trim();
    if term.chars().count() < MIN_SEARCH_LENGTH {
        return Ok(PersonSearch { people: Vec::new(), limited: false });
    }
    let client = session.client();
    let response = client.search_users(term, MAX_RESULTS).await.map_err(|e| AppError::from_http("user directory search", &e))?;
    let own_id = client.user_id();
    let people = response
        .results
        .into_iter()
        .filter(|user| Some(&*user.user_id) != own_id)
        .map(|user| {
            let name = person_name(user.display_name.as_deref(), user.user_id.as_str());
            Person { user_id: user.user_id.to_string(), name: name.name, domain: name.domain, is_external: name.is_external }
        })
        .collect();
    Ok(PersonSearch { people, limited: response.limited })
}
