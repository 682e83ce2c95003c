//! Rows a store keeps in memory because a page reads them again and again and they (nearly)
//! never change: people, organisations, logins and each organisation's staff. A course page
//! asks for its members' people and logins, the organisations and the staff of each role it
//! may appoint; each answer from the database is a round trip.
//!
//! People and logins are never changed once stored (the store has no update for them), so a
//! person or a login read is good for ever. Lists can grow (a new organisation, a new login):
//! a store that is its database's only user drops them when it writes one, with a generation
//! counter so that a read that raced the write is not kept; a store shared by several server
//! processes (PostgreSQL) also trusts a list, or "this person has no login", only for
//! `SHARED_FOR`, so what another process added shows within that time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tovholder_core::ids::{OrgId, PersonId};

use crate::{Org, Person, Result, User};

/// How long a list is trusted when other processes may add to it.
pub const SHARED_FOR: Duration = Duration::from_secs(5);

/// Most logins (or people without one) remembered; beyond it the map starts over.
const MAX_USERS: usize = 50_000;
/// Most people remembered (a course page names a few dozen, Mine opgaver a few hundred).
const MAX_PERSONS: usize = 20_000;

/// A list and when it was read.
type Read<T> = (Instant, Arc<[T]>);

pub struct Held {
    /// `None`: this process is the database's only user.
    trust_for: Option<Duration>,
    generation: AtomicU64,
    orgs: RwLock<Option<Read<Org>>>,
    staff: RwLock<HashMap<i64, Read<User>>>,
    users: RwLock<HashMap<i64, (Instant, Option<User>)>>,
    persons: RwLock<HashMap<i64, Person>>,
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
        Held { trust_for, generation: AtomicU64::new(0), orgs: Default::default(), staff: Default::default(), users: Default::default(), persons: Default::default() }
    }

    fn fresh(&self, read: Instant) -> bool {
        self.trust_for.is_none_or(|d| read.elapsed() < d)
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// What is held, or else what `read` (a future: it runs only if needed) finds, which `keep`
    /// holds unless this store wrote meanwhile.
    async fn through<T>(&self, held: Option<T>, read: impl Future<Output = Result<T>>, keep: impl FnOnce(u64, &T)) -> Result<T> {
        if let Some(v) = held {
            return Ok(v);
        }
        let generation = self.generation();
        let v = read.await?;
        keep(generation, &v);
        Ok(v)
    }

    /// The organisations: held, or by `read`. Shared, not copied: a page asks several times.
    pub async fn orgs_or(&self, read: impl Future<Output = Result<Vec<Org>>>) -> Result<Arc<[Org]>> {
        self.through(self.orgs(), async { read.await.map(Arc::from) }, |g, orgs| self.put_orgs(g, orgs.clone())).await
    }

    /// An organisation's staff: held, or by `read`.
    pub async fn staff_or(&self, org: OrgId, read: impl Future<Output = Result<Vec<User>>>) -> Result<Arc<[User]>> {
        self.through(self.staff(org), async { read.await.map(Arc::from) }, |g, staff| self.put_staff(g, org, staff.clone())).await
    }

    /// A person's login (or none): held, or by `read`.
    pub async fn user_or(&self, person: PersonId, read: impl Future<Output = Result<Option<User>>>) -> Result<Option<User>> {
        self.through(self.user(person), read, |g, user| self.put_user(g, person, user)).await
    }

    /// The people of `ids` in id order, once each: those held, and the others by `read`.
    pub async fn persons_or<F: Future<Output = Result<Vec<Person>>>>(&self, ids: &[PersonId], read: impl FnOnce(Vec<i64>) -> F) -> Result<Vec<Person>> {
        let (mut found, missing) = self.persons(ids);
        if !missing.is_empty() {
            let read = read(missing).await?;
            self.put_persons(&read);
            found.extend(read);
        }
        found.sort_by_key(|p| p.id);
        found.dedup_by_key(|p| p.id);
        Ok(found)
    }

    /// After this store wrote an organisation or a login (or failed to): lists are read again.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut o) = self.orgs.write() {
            *o = None;
        }
        if let Ok(mut s) = self.staff.write() {
            s.clear();
        }
        if let Ok(mut u) = self.users.write() {
            u.retain(|_, (_, user)| user.is_some());
        }
    }

    fn orgs(&self) -> Option<Arc<[Org]>> {
        self.orgs.read().ok().and_then(|o| o.as_ref().filter(|(at, _)| self.fresh(*at)).map(|(_, orgs)| orgs.clone()))
    }

    fn put_orgs(&self, generation: u64, orgs: Arc<[Org]>) {
        if let Ok(mut o) = self.orgs.write()
            && self.generation() == generation
        {
            *o = Some((Instant::now(), orgs));
        }
    }

    fn staff(&self, org: OrgId) -> Option<Arc<[User]>> {
        self.staff.read().ok().and_then(|s| s.get(&org.0).filter(|(at, _)| self.fresh(*at)).map(|(_, staff)| staff.clone()))
    }

    fn put_staff(&self, generation: u64, org: OrgId, staff: Arc<[User]>) {
        if let Ok(mut s) = self.staff.write()
            && self.generation() == generation
        {
            s.insert(org.0, (Instant::now(), staff));
        }
    }

    /// A login, or that the person has none (trusted like a list: one may be added).
    fn user(&self, person: PersonId) -> Option<Option<User>> {
        self.users.read().ok().and_then(|u| u.get(&person.0).filter(|(at, user)| user.is_some() || self.fresh(*at)).map(|(_, user)| user.clone()))
    }

    fn put_user(&self, generation: u64, person: PersonId, user: &Option<User>) {
        if let Ok(mut u) = self.users.write()
            && self.generation() == generation
        {
            if u.len() >= MAX_USERS {
                u.clear();
            }
            u.insert(person.0, (Instant::now(), user.clone()));
        }
    }

    /// The people of `ids` held in memory, and the ids to read.
    fn persons(&self, ids: &[PersonId]) -> (Vec<Person>, Vec<i64>) {
        let Ok(held) = self.persons.read() else { return (vec![], ids.iter().map(|p| p.0).collect()) };
        let mut found = Vec::with_capacity(ids.len());
        let mut missing = Vec::new();
        for id in ids {
            match held.get(&id.0) {
                Some(p) => found.push(p.clone()),
                None => missing.push(id.0),
            }
        }
        (found, missing)
    }

    fn put_persons(&self, persons: &[Person]) {
        if let Ok(mut held) = self.persons.write() {
            if held.len() + persons.len() > MAX_PERSONS {
                held.clear();
            }
            held.extend(persons.iter().map(|p| (p.id.0, p.clone())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64) -> Org {
        Org { id: OrgId(id), name: format!("Org {id}"), kind: "kommune".into() }
    }

    #[test]
    fn a_shared_store_trusts_lists_for_a_while_and_logins_for_ever() {
        let held = Held::new(Some(Duration::from_millis(30)));
        let g = held.generation();
        held.put_orgs(g, Arc::from([org(1)]));
        held.put_user(g, PersonId(1), &None);
        assert_eq!(held.orgs().map(|o| o.len()), Some(1));
        assert!(matches!(held.user(PersonId(1)), Some(None)));
        std::thread::sleep(Duration::from_millis(40));
        assert!(held.orgs().is_none(), "another process may have added one");
        assert!(held.user(PersonId(1)).is_none(), "a login may have been added");
        assert!(Held::one_process().orgs().is_none());
    }

    #[test]
    fn a_write_drops_lists_and_a_raced_read_is_not_kept() {
        let held = Held::one_process();
        let before = held.generation();
        held.put_orgs(before, Arc::from([org(1)]));
        held.invalidate();
        assert!(held.orgs().is_none());
        held.put_orgs(before, Arc::from([org(1)]));
        assert!(held.orgs().is_none(), "read before the write");
    }
}
