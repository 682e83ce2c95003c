//! The one kind of cache the stores keep: a map of at most `max` entries (beyond it, it starts
//! over), each trusted for a while or until dropped, that will not keep a read which raced a
//! write. A read takes a `ticket` before it asks the database; every write (or failed write)
//! drops what it changed and so voids the tickets taken before it: `put` with a void ticket
//! keeps nothing. A poisoned lock is a cache miss, never an error.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct Cache<K, V> {
    max: usize,
    /// `None`: an entry is good until dropped (this process is the database's only writer).
    trust_for: Option<Duration>,
    writes: AtomicU64,
    map: RwLock<HashMap<K, (Instant, V)>>,
}

/// Taken before a read from the database, handed back with what it read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Ticket(u64);

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    pub fn new(max: usize, trust_for: Option<Duration>) -> Cache<K, V> {
        Cache { max, trust_for, writes: AtomicU64::new(0), map: Default::default() }
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(self.writes.load(Ordering::Acquire))
    }

    /// The entry, if it is still trusted.
    pub fn get<Q: Eq + Hash + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.get_if(key, |_, fresh| fresh)
    }

    /// The entry, if `good` says so given whether it is still within its trusted time.
    pub fn get_if<Q: Eq + Hash + ?Sized>(&self, key: &Q, good: impl FnOnce(&V, bool) -> bool) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let map = self.map.read().ok()?;
        let (at, v) = map.get(key)?;
        good(v, self.trust_for.is_none_or(|d| at.elapsed() < d)).then(|| v.clone())
    }

    /// The values held of `keys`, and the keys not held.
    pub fn get_many(&self, keys: impl IntoIterator<Item = K>) -> (Vec<V>, Vec<K>) {
        let (mut found, mut missing) = (Vec::new(), Vec::new());
        let map = self.map.read().ok();
        for k in keys {
            match map.as_ref().and_then(|m| m.get(&k)).filter(|(at, _)| self.trust_for.is_none_or(|d| at.elapsed() < d)) {
                Some((_, v)) => found.push(v.clone()),
                None => missing.push(k),
            }
        }
        (found, missing)
    }

    /// The entry if trusted, else what `read` (a future: it runs only if needed) finds, which is
    /// kept unless something was written meanwhile.
    pub async fn get_or<E>(&self, key: K, read: impl Future<Output = Result<V, E>>) -> Result<V, E> {
        self.get_if_or(key, |_, fresh| fresh, read).await
    }

    /// `get_or`, with `good` as in `get_if`.
    pub async fn get_if_or<E>(&self, key: K, good: impl FnOnce(&V, bool) -> bool, read: impl Future<Output = Result<V, E>>) -> Result<V, E> {
        if let Some(v) = self.get_if(&key, good) {
            return Ok(v);
        }
        let ticket = self.ticket();
        let v = read.await?;
        self.put(ticket, key, v.clone());
        Ok(v)
    }

    /// Keeps what a read found, unless something was written since its ticket.
    pub fn put(&self, ticket: Ticket, key: K, value: V) {
        self.put_many(ticket, [(key, value)]);
    }

    pub fn put_many(&self, ticket: Ticket, entries: impl IntoIterator<Item = (K, V)>) {
        if let Ok(mut map) = self.map.write()
            && self.ticket() == ticket
        {
            let now = Instant::now();
            for (k, v) in entries {
                if map.len() >= self.max && !map.contains_key(&k) {
                    map.clear();
                }
                map.insert(k, (now, v));
            }
        }
    }

    /// After a write to `key` (or a failed one): the next read goes to the database.
    pub fn remove<Q: Eq + Hash + ?Sized>(&self, key: &Q)
    where
        K: Borrow<Q>,
    {
        self.retain(|k, _| k.borrow() != key);
    }

    /// After a write: keeps only what `keep` says it did not change.
    pub fn retain(&self, mut keep: impl FnMut(&K, &V) -> bool) {
        self.writes.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut map) = self.map.write() {
            map.retain(|k, (_, v)| keep(k, v));
        }
    }

    pub fn clear(&self) {
        self.retain(|_, _| false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let c: Cache<i64, &str> = Cache::new(10, None);
        let before = c.ticket();
        c.remove(&1);
        c.put(before, 1, "old");
        assert_eq!(c.get(&1), None);
        c.put(c.ticket(), 1, "new");
        assert_eq!(c.get(&1), Some("new"));
    }

    #[test]
    fn it_holds_at_most_max_and_starts_over() {
        let c: Cache<i64, i64> = Cache::new(2, None);
        c.put_many(c.ticket(), [(1, 1), (2, 2)]);
        c.put(c.ticket(), 2, 20);
        assert_eq!((c.get(&1), c.get(&2)), (Some(1), Some(20)), "replacing a key does not start over");
        c.put(c.ticket(), 3, 3);
        assert_eq!((c.get(&1), c.get(&3)), (None, Some(3)));
    }

    #[test]
    fn a_shared_entry_is_trusted_only_for_a_while() {
        let c: Cache<i64, Option<i64>> = Cache::new(10, Some(Duration::from_millis(30)));
        c.put_many(c.ticket(), [(1, Some(1)), (2, None)]);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(c.get(&1), None);
        assert_eq!(c.get_if(&1, |v, fresh| v.is_some() || fresh), Some(Some(1)), "a found row is good for ever");
        assert_eq!(c.get_if(&2, |v, fresh| v.is_some() || fresh), None, "a row not found may have been added since");
        assert_eq!(c.get_many([1, 2]), (vec![], vec![1, 2]));
    }
}
