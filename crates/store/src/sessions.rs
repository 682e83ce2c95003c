//! Sessions kept in memory by token hash: every request reads one, and a round trip to the
//! database for it was most of a bare request's time.
//!
//! Every session write of this process (login, "last seen" once a minute, logout) passes here
//! and drops its own entry; a counter of session writes keeps a read that raced a write from
//! putting back what it read before. A store that is its database's only user (SQLite) trusts a
//! session until then. A store shared by several server processes (PostgreSQL) trusts it for
//! `SHARED_FOR` only: a logout in another process ends the session here within that time (the
//! browser's cookie is gone at once), and "last seen" from another process shows within it.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::held::SHARED_FOR;
use crate::{Result, Session};

/// Most sessions remembered; beyond it the map starts over.
const MAX_SESSIONS: usize = 50_000;

pub struct Sessions {
    /// `None`: this process is the database's only user.
    trust_for: Option<Duration>,
    sessions: RwLock<HashMap<String, (Instant, Session)>>,
    writes: AtomicU64,
}

impl Sessions {
    /// For a store that is its database's only user.
    pub fn one_process() -> Sessions {
        Sessions::new(None)
    }

    /// For a store that several server processes share.
    pub fn shared() -> Sessions {
        Sessions::new(Some(SHARED_FOR))
    }

    fn new(trust_for: Option<Duration>) -> Sessions {
        Sessions { trust_for, sessions: Default::default(), writes: AtomicU64::new(0) }
    }

    /// A session: held, or by `read` (a future: it runs only if needed), which is kept unless
    /// this process wrote a session meanwhile.
    pub async fn get_or(&self, token_hash: &str, read: impl Future<Output = Result<Option<Session>>>) -> Result<Option<Session>> {
        if let Some(s) = self.get(token_hash) {
            return Ok(Some(s));
        }
        let writes = self.writes();
        let session = read.await?;
        if let Some(s) = &session {
            self.put(writes, s);
        }
        Ok(session)
    }

    fn writes(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    fn get(&self, token_hash: &str) -> Option<Session> {
        let held = self.sessions.read().ok()?;
        held.get(token_hash).filter(|(at, _)| self.trust_for.is_none_or(|d| at.elapsed() < d)).map(|(_, s)| s.clone())
    }

    /// Keeps a session read from the database, unless a session was written since the read began.
    fn put(&self, writes: u64, session: &Session) {
        if let Ok(mut s) = self.sessions.write()
            && self.writes() == writes
        {
            if s.len() >= MAX_SESSIONS {
                s.clear();
            }
            s.insert(session.token_hash.clone(), (Instant::now(), session.clone()));
        }
    }

    /// After a session was written (or its write failed): the next read goes to the database.
    pub fn written(&self, token_hash: &str) {
        self.writes.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut s) = self.sessions.write() {
            s.remove(token_hash);
        }
    }
}

#[cfg(test)]
mod tests {
    use tovholder_core::ids::PersonId;

    use super::*;

    fn session() -> Session {
        let t = jiff::Timestamp::constant(1_800_000_000, 0);
        Session { token_hash: "h".into(), person: PersonId(1), csrf: "c".into(), created: t, last_seen: t }
    }

    #[test]
    fn a_write_drops_the_session_and_a_raced_read_is_not_kept() {
        let s = Sessions::one_process();
        let before = s.writes();
        s.put(before, &session());
        assert!(s.get("h").is_some());
        s.written("h");
        assert!(s.get("h").is_none(), "dropped by the write");
        s.put(before, &session());
        assert!(s.get("h").is_none(), "read before the write");
    }

    #[test]
    fn a_shared_store_trusts_a_session_only_for_a_while() {
        let s = Sessions::new(Some(Duration::from_millis(30)));
        s.put(s.writes(), &session());
        assert!(s.get("h").is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(s.get("h").is_none(), "another process may have ended it");
    }
}
