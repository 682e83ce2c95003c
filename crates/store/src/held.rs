//! Rows a store keeps in memory because a page reads them again and again and they (nearly)
//! never change: people, organisations, logins and each organisation's staff. A course page
//! asks for its members' people and logins, the organisations and the staff of each role it
//! may appoint; each answer from the database is a round trip.
//!
//! A person changes only when a coordinator corrects a family member. Logins change (an
//! administrator closes one or changes its roles) and lists grow (a new organisation, a login):
//! a store that is its database's only user drops them when it writes one (and keeps no read
//! that raced the write: `cache`); a store shared by several server
//! processes (PostgreSQL) also trusts a list, or "this person has no login", only for
//! `SHARED_FOR`, so what another process added shows within that time.

use std::sync::Arc;
use std::time::Duration;

use tovholder_core::ids::{OrgId, PersonId};

use crate::cache::Cache;
use crate::{Org, Person, Result, User};

/// How long a list is trusted when other processes may add to it.
pub const SHARED_FOR: Duration = Duration::from_secs(5);

/// Most logins (or people without one) remembered; beyond it the cache starts over.
const MAX_USERS: usize = 50_000;
/// Most people remembered (a course page names a few dozen, Mine opgaver a few hundred).
const MAX_PERSONS: usize = 20_000;
/// Most organisations whose staff is remembered.
const MAX_STAFF_LISTS: usize = 10_000;

pub struct Held {
    orgs: Cache<(), Arc<[Org]>>,
    staff: Cache<i64, Arc<[User]>>,
    users: Cache<i64, Option<User>>,
    /// Changed only by a correction: dropped by this store when it writes one, and trusted for
    /// `SHARED_FOR` where other processes may.
    persons: Cache<i64, Person>,
}

impl Held {
    /// For a store that is its database's only user.
    pub fn one_process() -> Held {
        Held::new(None)
    }

    /// For a store that several server processes share.
    pub fn shared() -> Held {
        Held::new(Some(SHARED_FOR))
    }

    fn new(trust_for: Option<Duration>) -> Held {
        Held { orgs: Cache::new(1, trust_for), staff: Cache::new(MAX_STAFF_LISTS, trust_for), users: Cache::new(MAX_USERS, trust_for), persons: Cache::new(MAX_PERSONS, trust_for) }
    }

    /// The organisations: held, or by `read`. Shared, not copied: a page asks several times.
    pub async fn orgs_or(&self, read: impl Future<Output = Result<Vec<Org>>>) -> Result<Arc<[Org]>> {
        self.orgs.get_or((), async { read.await.map(Arc::from) }).await
    }

    /// An organisation's staff: held, or by `read`.
    pub async fn staff_or(&self, org: OrgId, read: impl Future<Output = Result<Vec<User>>>) -> Result<Arc<[User]>> {
        self.staff.get_or(org.0, async { read.await.map(Arc::from) }).await
    }

    /// A person's login (or none): held, or by `read`. An administrator may change or close a
    /// login, so it is trusted like a list: until this store writes one, or for `SHARED_FOR`
    /// where other processes may.
    pub async fn user_or(&self, person: PersonId, read: impl Future<Output = Result<Option<User>>>) -> Result<Option<User>> {
        self.users.get_or(person.0, read).await
    }

    /// The people of `ids` in id order, once each: those held, and the others by `read`.
    pub async fn persons_or<F: Future<Output = Result<Vec<Person>>>>(&self, ids: &[PersonId], read: impl FnOnce(Vec<i64>) -> F) -> Result<Vec<Person>> {
        let (mut found, missing) = self.persons.get_many(ids.iter().map(|p| p.0));
        if !missing.is_empty() {
            let ticket = self.persons.ticket();
            let read = read(missing).await?;
            self.persons.put_many(ticket, read.iter().map(|p| (p.id.0, p.clone())));
            found.extend(read);
        }
        found.sort_by_key(|p| p.id);
        found.dedup_by_key(|p| p.id);
        Ok(found)
    }

    /// After this store corrected a person (a family member's name, e-mail or CPR number).
    pub fn forget_person(&self, person: PersonId) {
        self.persons.remove(&person.0);
    }

    /// After this store wrote an organisation or a login (or failed to): logins and lists are read again.
    pub fn invalidate(&self) {
        self.orgs.clear();
        self.staff.clear();
        self.users.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64) -> Org {
        Org { id: OrgId(id), name: format!("Org {id}"), kind: "kommune".into(), codes: Default::default(), sign_on_only: false }
    }

    #[tokio::test]
    async fn a_write_drops_the_lists_and_the_logins() {
        let held = Held::one_process();
        let user = User {
            person: PersonId(1),
            name: "A".into(),
            email: None,
            username: "a".into(),
            password_hash: String::new(),
            org: OrgId(1),
            org_name: "Org 1".into(),
            org_roles: vec![],
            department: None,
            active: true,
            instance_admin: false,
            totp_sealed: None,
            deputy_for: vec![],
        };
        held.orgs_or(async { Ok(vec![org(1)]) }).await.ok();
        held.user_or(PersonId(1), async { Ok(Some(user.clone())) }).await.ok();
        held.user_or(PersonId(2), async { Ok(None) }).await.ok();
        held.invalidate();
        let orgs = held.orgs_or(async { Ok(vec![org(1), org(2)]) }).await.ok();
        assert_eq!(orgs.map(|o| o.len()), Some(2), "read again");
        let again = held.user_or(PersonId(1), async { Ok(None) }).await.ok();
        assert_eq!(again.flatten().map(|u| u.username), None, "a login may have been closed: read again");
        let added = held.user_or(PersonId(2), async { Ok(Some(user)) }).await.ok();
        assert!(added.flatten().is_some(), "no login was read again");
    }
}
