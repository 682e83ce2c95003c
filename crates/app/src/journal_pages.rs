//! The newest journal entries of a course as its page describes them, kept by the course's
//! version. Entries are never changed once written, and neither are the people and
//! organisations they name, so what the page shows of a course at a version is fixed: a course
//! page shown again skips reading, parsing and describing its entries. A new entry makes a new
//! version, and the next page reads again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tovholder_core::ids::CourseId;

use crate::views::JournalView;

/// Most courses kept; beyond it the map starts over.
const MAX_COURSES: usize = 1024;

/// A course's described entries, with the version they were read at.
type Page = (i64, Arc<Vec<JournalView>>);

#[derive(Default)]
pub struct JournalPages {
    map: Mutex<HashMap<CourseId, Page>>,
}

impl JournalPages {
    pub fn get(&self, course: CourseId, version: i64) -> Option<Arc<Vec<JournalView>>> {
        let map = self.map.lock().ok()?;
        map.get(&course).filter(|(v, _)| *v == version).map(|(_, page)| page.clone())
    }

    pub fn put(&self, course: CourseId, version: i64, page: Arc<Vec<JournalView>>) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= MAX_COURSES && !map.contains_key(&course) {
                map.clear();
            }
            map.insert(course, (version, page));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(seq: i64) -> Arc<Vec<JournalView>> {
        Arc::new(vec![JournalView { seq, at_da: String::new(), by: String::new(), text: String::new(), doc: None, unreadable: String::new() }])
    }

    #[test]
    fn a_page_is_kept_for_its_version_only() {
        let pages = JournalPages::default();
        pages.put(CourseId(1), 3, page(3));
        assert_eq!(pages.get(CourseId(1), 3).map(|p| p[0].seq), Some(3));
        assert!(pages.get(CourseId(1), 4).is_none(), "a newer version reads again");
        assert!(pages.get(CourseId(2), 3).is_none());
        pages.put(CourseId(1), 4, page(4));
        assert!(pages.get(CourseId(1), 3).is_none(), "the older page is replaced");
    }

    #[test]
    fn the_map_stays_bounded() {
        let pages = JournalPages::default();
        for id in 0..(MAX_COURSES as i64 + 10) {
            pages.put(CourseId(id), 1, page(1));
        }
        assert!(pages.map.lock().is_ok_and(|m| m.len() <= MAX_COURSES));
        assert!(pages.get(CourseId(MAX_COURSES as i64 + 9), 1).is_some(), "the newest is kept");
    }
}
