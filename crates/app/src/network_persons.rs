//! Persons of the family's network whom a consent names (a grandmother, a teacher): each gets a
//! person of their own, with no organisation, when a consent first names them. That person logs
//! in to the family's pages with the entry's address and is who a plan is sent to.

use tovholder_core::course::{CourseState, Event, Stamp};
use tovholder_store::NewPerson;

use crate::App;
use crate::error::AppError;

/// Adds to `events` (and `state`) the link from each network entry a new consent in `events`
/// names to a person made for it. Called once the events are decided, so a refused consent
/// makes no one.
pub async fn link_named(app: &App, state: &mut CourseState, events: &mut Vec<Event>, stamp: &Stamp) -> Result<(), AppError> {
    let named: Vec<u32> = events.iter().filter_map(|e| if let Event::ConsentRecorded(f) = e { Some(f.network.clone()) } else { None }).flatten().collect();
    for n in named {
        let Some(entry) = state.network.iter().find(|e| e.entry == n && e.person.is_none()).cloned() else { continue };
        let person = app.store.add_person(&NewPerson { name: entry.name.clone(), email: Some(entry.email.clone()), org: None, cpr: None }).await?;
        let linked = Event::NetworkSet(tovholder_core::family_plan::NetworkEntry { person: Some(person), ..entry });
        state.apply(stamp, &linked);
        events.push(linked);
    }
    Ok(())
}
