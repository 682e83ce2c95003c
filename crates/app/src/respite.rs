//! Respite (core's `respite`): an organisation's offers, which its administrators add and its
//! staff see with the free places per day and who is booked; and a course's bookings: the roles
//! the model's `[respite]` names book the child on the offering party's offers, and each booking
//! and cancellation is written to the course's journal. The family sees the child's bookings.

use jiff::civil::Date;
use serde::Serialize;
use tovholder_core::calendar::format_date_da;
use tovholder_core::commands::closing::refuse_if_closed;
use tovholder_core::course::Event;
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::respite::{Booking, KINDS, Offer, check_booking, check_offer, free_places, kind_label};
use tovholder_store::{AccessRecord, User};

use crate::App;
use crate::admin::{AdminScope, scope};
use crate::course::{Course, log};
use crate::error::AppError;

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct OfferView {
    #[serde(flatten)]
    pub offer: Offer,
    pub kind_da: String,
    /// "12. mar. 2027 – 14. mar. 2027"
    pub dates_da: String,
    /// Free places by day: ("12. mar. 2027", 3).
    pub free: Vec<(String, u32)>,
    /// The fewest free places on any of its days.
    pub least_free: u32,
    /// Who is booked (the offering organisation's staff only).
    pub bookings: Vec<BookingLine>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct BookingLine {
    pub id: i64,
    pub course: CourseId,
    pub offer: i64,
    pub offer_title: String,
    pub child: String,
    pub dates_da: String,
}

fn dates_da(from: Date, to: Date) -> String {
    format!("{} – {}", format_date_da(from), format_date_da(to))
}

async fn names(app: &App, ids: Vec<PersonId>) -> Result<Vec<tovholder_store::Person>, AppError> {
    Ok(app.store.persons(&ids).await?)
}

/// An offer with its free places; `bookings` named only where the viewer may see them.
async fn offer_view(app: &App, offer: Offer, with_bookings: bool) -> Result<OfferView, AppError> {
    let bookings = app.store.respite_bookings(offer.id).await?;
    let free = free_places(&offer, &bookings);
    let people = if with_bookings { names(app, bookings.iter().map(|b| b.child).collect()).await? } else { vec![] };
    let name = |p: PersonId| people.iter().find(|x| x.id == p).map_or_else(|| "(ukendt)".to_string(), |x| x.name.clone());
    Ok(OfferView {
        kind_da: kind_label(&offer.kind).to_string(),
        dates_da: dates_da(offer.from, offer.to),
        least_free: free.iter().map(|(_, n)| *n).min().unwrap_or(0),
        free: free.iter().map(|(d, n)| (format_date_da(*d), *n)).collect(),
        bookings: if with_bookings {
            bookings.iter().map(|b| BookingLine { id: b.id, course: b.course, offer: b.offer, offer_title: offer.title.clone(), child: name(b.child), dates_da: dates_da(b.from, b.to) }).collect()
        } else {
            vec![]
        },
        offer,
    })
}

/// "Aflastning" of an organisation: its offers from today on.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct OrgRespite {
    pub org: OrgId,
    pub org_name: String,
    pub offers: Vec<OfferView>,
    pub may_edit: bool,
    /// (id, label)
    pub kinds: Vec<(String, String)>,
}

fn may_edit(user: &User, org: OrgId) -> bool {
    match scope(user) {
        Some(AdminScope::Instance) => true,
        Some(AdminScope::Org(o)) => o == org,
        None => false,
    }
}

pub async fn org_respite(app: &App, user: &User, org: OrgId) -> Result<OrgRespite, AppError> {
    if user.org != org && !may_edit(user, org) {
        return Err(AppError::NotFound);
    }
    let org_name = app.store.orgs().await?.iter().find(|o| o.id == org).map(|o| o.name.clone()).ok_or(AppError::NotFound)?;
    let mut offers = Vec::new();
    for o in app.store.respite_offers(org, app.clock.today()).await? {
        offers.push(offer_view(app, o, true).await?);
    }
    log(app, AccessRecord { at: app.clock.now(), person: Some(user.person), course: None, action: format!("read:respite:{}", org.0), allowed: true, reason: "organisation".into() }).await?;
    Ok(OrgRespite { org, org_name, offers, may_edit: may_edit(user, org), kinds: KINDS.iter().map(|(k, l)| (k.to_string(), l.to_string())).collect() })
}

/// A new offer of its organisation (`offer.org`'s administrators); refused by field in Danish.
pub async fn add_offer(app: &App, user: &User, offer: Offer) -> Result<i64, AppError> {
    let org = offer.org;
    if !may_edit(user, org) {
        return Err(AppError::NotFound);
    }
    let refused = check_offer(&offer.kind, &offer.title, offer.from, offer.to, offer.capacity);
    if !refused.is_empty() {
        return Err(AppError::Invalid(refused.into_iter().map(|(f, m)| tovholder_core::commands::FieldError { field: f.into(), message: m }).collect()));
    }
    let at = app.clock.now();
    let offer = Offer { id: 0, title: offer.title.trim().into(), ..offer };
    let id = app.store.add_respite_offer(&offer, user.person, at).await?;
    log(app, AccessRecord { at, person: Some(user.person), course: None, action: format!("admin:respite_offer:{}:{id}", org.0), allowed: true, reason: "administrator".into() }).await?;
    Ok(id)
}

/// A course's respite: the offers its child can be booked on, and the child's bookings.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CourseRespite {
    pub org_name: String,
    pub child: String,
    pub offers: Vec<OfferView>,
    pub bookings: Vec<BookingLine>,
    /// The viewer books and cancels (the model's `respite.booked_by`).
    pub may_book: bool,
}

/// The course's respite; None for a model without it.
pub async fn course_respite(app: &App, course: &Course) -> Result<Option<CourseRespite>, AppError> {
    let (model, state) = (course.model.as_ref(), course.state.as_ref());
    let Some(def) = &model.respite else { return Ok(None) };
    let Some(org) = state.parties.get(&def.party).copied() else { return Ok(None) };
    let org_name = app.store.orgs().await?.iter().find(|o| o.id == org).map(|o| o.name.clone()).unwrap_or_default();
    let child = state.holders(&def.child).next();
    let child_name = match child {
        Some(p) => names(app, vec![p]).await?.into_iter().next().map(|p| p.name).unwrap_or_default(),
        None => String::new(),
    };
    let mut offers = Vec::new();
    for o in app.store.respite_offers(org, app.clock.today()).await? {
        offers.push(offer_view(app, o, false).await?);
    }
    Ok(Some(CourseRespite {
        bookings: bookings(app, course.id, &child_name).await?,
        org_name,
        child: child_name,
        offers,
        may_book: state.closed.is_none() && tovholder_core::policy::holds_any(model, state, &course.actor(), &def.booked_by),
    }))
}

/// A course's bookings, by first day, with their offers' titles.
pub async fn bookings(app: &App, course: CourseId, child: &str) -> Result<Vec<BookingLine>, AppError> {
    let mut out = Vec::new();
    for b in app.store.course_respite(course).await? {
        let title = app.store.respite_offer(b.offer).await?.map(|o| o.title).unwrap_or_default();
        out.push(BookingLine { id: b.id, course, offer: b.offer, offer_title: title, child: child.to_string(), dates_da: dates_da(b.from, b.to) });
    }
    Ok(out)
}

/// Books the course's child on `offer` from `from` to `to`: refused (by field, in Danish) when a
/// day is full, the child is booked elsewhere then, or the dates are outside the offer's.
pub async fn book(app: &App, course: &Course, offer: i64, from: Date, to: Date) -> Result<i64, AppError> {
    let (model, state) = (course.model.as_ref(), course.state.as_ref());
    let def = model.respite.as_ref().ok_or(AppError::NotFound)?;
    refuse_if_closed(state)?;
    if !tovholder_core::policy::holds_any(model, state, &course.actor(), &def.booked_by) {
        let who: Vec<String> = def.booked_by.iter().map(|r| model.role_label(r).to_lowercase()).collect();
        return Err(AppError::invalid("offer", &format!("Aflastning bookes af {}.", who.join(" eller "))));
    }
    let org = state.parties.get(&def.party).copied();
    let offer = app.store.respite_offer(offer).await?.filter(|o| Some(o.org) == org).ok_or_else(|| AppError::invalid("offer", "Vælg et tilbud fra listen."))?;
    let child = state.holders(&def.child).next().ok_or_else(|| AppError::invalid("offer", "Forløbet har intet barn at booke."))?;
    let at = app.clock.now();
    let booking = Booking { id: 0, offer: offer.id, course: course.id, child, from, to };
    let held = offer.clone();
    let check = move |on: &[Booking], childs: &[Booking]| check_booking(&held, on, childs, from, to);
    let id = app.store.book_respite(&booking, course.viewer.person, at, &check).await?.map_err(|(field, message)| AppError::invalid(field, &message))?;
    let event = Event::RespiteBooked { booking: id, offer: offer.id, title: offer.title.clone(), child, from, to };
    if let Err(e) = crate::actions::record(app, course, event).await {
        // The course could not record it: the booking goes too, and nothing is half done.
        app.store.cancel_respite(course.id, id).await?;
        return Err(e);
    }
    Ok(id)
}

/// Cancels one of the course's bookings (those who book).
pub async fn cancel(app: &App, course: &Course, booking: i64) -> Result<(), AppError> {
    let (model, state) = (course.model.as_ref(), course.state.as_ref());
    let def = model.respite.as_ref().ok_or(AppError::NotFound)?;
    refuse_if_closed(state)?;
    if !tovholder_core::policy::holds_any(model, state, &course.actor(), &def.booked_by) {
        return Err(AppError::NotFound);
    }
    app.store.cancel_respite(course.id, booking).await?;
    crate::actions::record(app, course, Event::RespiteCancelled { booking }).await
}
