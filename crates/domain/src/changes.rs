//! Changes that must reach every replica at once: a sign-out, a password change, a
//! deactivation or role change, a publication, an enrolment or a completed lesson. An
//! operation that made one calls [`Lentera::changed`] after committing it: this process
//! forgets what it cached, and on PostgreSQL every other replica hears it through
//! `LISTEN`/`NOTIFY` ([`listen`]) and forgets too. The caches' short lifetime stays as the
//! fallback; when the listening connection drops, the replica forgets everything it cached
//! (anything announced meanwhile was missed) and listens again.

use std::time::Duration;

use lentera_store::bus::{self, Heard, Listener};

use crate::{Lentera, Result, UserId};

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// One session ended (sign-out).
    Session(String),
    /// A user's account changed: password, roles, activity, language. Their sessions and
    /// everything cached about them are forgotten.
    User(UserId),
    /// A learner's progress changed (enrolment, a lesson completed).
    Progress(UserId),
    /// A course was published, hidden or rolled back.
    Courses,
}

impl Change {
    fn encode(&self) -> String {
        match self {
            Change::Session(id) => format!("s:{id}"),
            Change::User(id) => format!("u:{id}"),
            Change::Progress(id) => format!("p:{id}"),
            Change::Courses => "c".to_owned(),
        }
    }

    fn decode(payload: &str) -> Option<Change> {
        let (kind, rest) = payload.split_once(':').unwrap_or((payload, ""));
        let user = || rest.parse().ok().map(UserId);
        match kind {
            "s" if !rest.is_empty() => Some(Change::Session(rest.to_owned())),
            "u" => user().map(Change::User),
            "p" => user().map(Change::Progress),
            "c" => Some(Change::Courses),
            _ => None,
        }
    }
}

impl Lentera {
    /// Forgets what this process cached about `change` and tells the other replicas.
    pub async fn changed(&self, change: Change) -> Result<()> {
        self.forget(&change);
        if let Err(e) = bus::notify(&self.db, &change.encode()).await {
            // The change itself is committed; the others see it when their caches expire.
            tracing::warn!(error = %e, "could not tell the other replicas of a change");
        }
        Ok(())
    }

    fn forget(&self, change: &Change) {
        match change {
            Change::Session(id) => self.sessions.forget_session(id),
            Change::User(id) => {
                self.sessions.forget_user(*id);
                self.progress.forget(*id);
            }
            Change::Progress(id) => self.progress.forget(*id),
            Change::Courses => self.courses.forget_heads(),
        }
    }

    /// Forgets everything cached about sessions, people and courses (compiled versions are
    /// immutable and stay).
    pub fn forget_everything(&self) {
        self.sessions.forget_all();
        self.progress.forget_all();
        self.courses.forget_heads();
    }
}

/// Listens for the other replicas' changes for as long as the process runs (PostgreSQL
/// only; on SQLite it returns at once).
pub async fn listen(state: &Lentera) {
    let url = &state.config.database_url;
    if !url.starts_with("postgres") {
        return;
    }
    let mut wait = Duration::from_millis(100);
    loop {
        match Listener::connect(url).await {
            Ok(mut listener) => {
                wait = Duration::from_millis(100);
                // Whatever was announced before this connection listened was missed.
                state.forget_everything();
                tracing::info!("listening for the other replicas' changes");
                loop {
                    match listener.next().await {
                        Ok(Heard::Change(payload)) => {
                            if let Some(change) = Change::decode(&payload) {
                                state.forget(&change);
                            }
                        }
                        Ok(Heard::Reconnected) => {
                            tracing::warn!("change listener reconnected; caches forgotten");
                            state.forget_everything();
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "change listener lost its connection");
                            state.forget_everything();
                            break;
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for changes; retrying"),
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(5));
    }
}

#[cfg(test)]
mod tests {
    use super::Change;
    use crate::UserId;

    #[test]
    fn changes_travel_as_short_text_and_back() {
        for change in [
            Change::Session("abc-123".into()),
            Change::User(UserId(7)),
            Change::Progress(UserId(42)),
            Change::Courses,
        ] {
            assert_eq!(Change::decode(&change.encode()), Some(change));
        }
        assert_eq!(Change::decode("u:x"), None);
        assert_eq!(Change::decode("zz"), None);
        assert_eq!(Change::decode("s:"), None);
    }
}
