//! The command layer's part for meetings and the family plan: deciding their operations (with
//! what only the edge knows: the family's names, people's organisations, the rendered plan),
//! and the mails they set off: invitations with a calendar file, the agenda a week before,
//! cancellations. Nothing in these mails names the family.

use std::collections::HashMap;

use jiff::civil::Date;
use sha2::{Digest, Sha256};
use tovholder_core::calendar::{format_date_da, format_datetime_da};
use tovholder_core::commands::{self, Candidate, Ctx, NewDocument};
use tovholder_core::course::{CourseState, Event};
use tovholder_core::family_plan::{NetworkEntry, Quadrant};
use tovholder_core::ids::{CourseId, PersonId};
use tovholder_core::meetings::{Meeting, Who};
use tovholder_core::model::{Model, Scope};
use tovholder_docs::ics;
use tovholder_store::{Attachment, Blob, NewMail, Person};

use crate::App;
use crate::error::AppError;
use crate::meeting_views::Names;
use crate::text;

/// The family plan as it stands now, rendered as its next version: the document to record and
/// its PDF.
pub async fn render_plan(app: &App, ctx: &Ctx<'_>, meeting: Option<u32>) -> Result<(NewDocument, Blob), AppError> {
    let version = tovholder_core::family_plan::next_version(&ctx.state.plans);
    let data = plan_data(app, ctx, &version, meeting).await?;
    let bytes = tokio::task::spawn_blocking(move || tovholder_docs::render_pdf(tovholder_docs::templates::FAMILY_PLAN, &data))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let label = ctx.model.plan.as_ref().map_or("Familieplan", |p| p.label.as_str());
    let doc = NewDocument {
        kind: String::new(),
        title: format!("{label} {version}"),
        sha256: sha256.clone(),
        content_type: "application/pdf".into(),
        filename: Some(format!("familieplan-{version}.pdf")),
        size: bytes.len() as u64,
    };
    Ok((doc, Blob { sha256, bytes }))
}

/// Everyone a plan could go to: staff in the course and staff linked from the network, with
/// their organisation and department as the store has them.
pub async fn candidates(app: &App, state: &CourseState) -> Result<Vec<Candidate>, AppError> {
    let mut people: Vec<PersonId> = state.members.iter().map(|m| m.person).chain(state.network.iter().filter_map(|e| e.person)).collect();
    people.sort();
    people.dedup();
    let mut out = Vec::new();
    for p in people {
        if let Some(u) = app.store.user(p).await? {
            out.push(Candidate { person: p, org: u.org, department: u.department });
        }
    }
    Ok(out)
}

/// Names for a course: its members, the network's linked users and staff organisations.
pub async fn names_data(app: &App, state: &CourseState) -> Result<(HashMap<PersonId, Person>, HashMap<PersonId, String>), AppError> {
    let mut ids: Vec<PersonId> = state.members.iter().map(|m| m.person).collect();
    ids.extend(state.meetings.iter().flat_map(|m| m.checklist.values().map(|(_, s)| s.by).chain(m.minutes.iter().map(|(_, s)| s.by))));
    // People reached through the network (plan recipients, linked users) have names too.
    ids.extend(state.network.iter().filter_map(|e| e.person));
    ids.extend(state.documents.iter().flat_map(|d| d.sent.iter().map(|s| s.to.person)));
    ids.sort();
    ids.dedup();
    let people: HashMap<PersonId, Person> = app.store.persons(&ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let mut orgs = HashMap::new();
    for m in &state.members {
        if let Some(u) = app.store.user(m.person).await? {
            let dept = u.department.map(|d| format!("{d}, ")).unwrap_or_default();
            orgs.insert(m.person, format!("{dept}{}", u.org_name));
        }
    }
    Ok((people, orgs))
}

/// The plan's content as the PDF template reads it. Birth dates, never CPR numbers.
async fn plan_data(app: &App, ctx: &Ctx<'_>, version: &str, meeting: Option<u32>) -> Result<serde_json::Value, AppError> {
    let (model, state) = (ctx.model, ctx.state);
    let (mut people, orgs) = names_data(app, state).await?;
    let staff: Vec<PersonId> = candidates(app, state).await?.into_iter().map(|c| c.person).collect();
    // The plan goes to the family and the network: a protected name is in no copy.
    crate::views::shield(&mut people, state, None);
    let names = Names { model, state, people: &people, orgs: &orgs };
    let (from, to) = commands::plan_period(ctx);
    let family_ids = tovholder_core::commands::family::members(model, state);
    let family_names: Vec<String> = family_ids.iter().map(|p| names.name(Who::Person(*p))).collect();
    let all_orgs = app.store.orgs().await?;
    let organisation = state.parties.values().next().and_then(|o| all_orgs.iter().find(|x| x.id == *o)).map(|x| x.name.clone()).unwrap_or_default();
    let meeting_da = |m: &Meeting| format!("{} {}", model.meeting_types.get(&m.form.kind).map_or("Møde", |t| t.label.as_str()), format_datetime_da(m.form.start));
    let next = state.meetings.iter().filter(|m| m.status == tovholder_core::meetings::MeetingStatus::Planned && m.date() > ctx.today).min_by_key(|m| m.form.start);
    let agreements: Vec<serde_json::Value> = state
        .agreements
        .iter()
        .filter(|a| a.status == tovholder_core::family_plan::AgreementStatus::Open || meeting.is_some_and(|m| a.form.meeting == Some(m)))
        .map(|a| serde_json::json!({"content": a.form.what, "responsible": names.name(a.form.responsible), "deadline": format_date_da(a.form.due)}))
        .collect();
    let row = |name: String, role: String, e: Option<&NetworkEntry>| {
        let contact = e.map(|e| [e.phone.as_str(), e.email.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(", ")).unwrap_or_default();
        serde_json::json!({"name": name, "role": role, "contact": contact})
    };
    let mut municipal: Vec<serde_json::Value> = state
        .members
        .iter()
        .filter(|m| model.role(&m.role).is_some_and(|r| r.scope != Scope::Citizen))
        .map(|m| row(names.name(Who::Person(m.person)), names.role(Who::Person(m.person)), None))
        .collect();
    let (mut school, mut external, mut personal) = (vec![], vec![], vec![]);
    for e in &state.network {
        let r = row(e.name.clone(), e.relation.clone(), Some(e));
        match e.quadrant {
            Quadrant::Familie | Quadrant::Venner => personal.push(r),
            Quadrant::Arbejde => school.push(r),
            Quadrant::Professionelle if e.person.is_some_and(|p| staff.contains(&p)) => municipal.push(r),
            Quadrant::Professionelle => external.push(r),
        }
    }
    let centre: Vec<String> = family_names.clone();
    let entries: Vec<tovholder_docs::network_map::MapEntry> = network_entries(state);
    let born = |p: PersonId| state.members.iter().find(|m| m.person == p).and_then(|m| m.born).map(format_date_da).unwrap_or_default();
    let date_or = |d: Option<Date>| d.map(format_date_da).unwrap_or_default();
    let interventions: Vec<serde_json::Value> = state
        .interventions
        .iter()
        .map(|i| {
            let who = i.person.map(|p| names.name(Who::Person(p))).unwrap_or_default();
            serde_json::json!({"name": who, "born": i.person.map(born).unwrap_or_default(), "plan": i.plan, "offer": i.offer, "hours": i.hours, "follow_up": i.follow_up, "start": date_or(i.start), "end": date_or(i.end)})
        })
        .collect();
    let status: Vec<serde_json::Value> = state.statuses.iter().map(|(p, r)| serde_json::json!({"name": names.name(Who::Person(*p)), "situation": r.value})).collect();
    let goals: Vec<serde_json::Value> = state
        .goals
        .iter()
        .filter(|g| g.parent.is_none())
        .map(|g| {
            let sub: Vec<serde_json::Value> = state.goals.iter().filter(|s| s.parent == Some(g.goal)).map(|s| serde_json::json!({"goal": s.text, "when": s.when, "who": s.who})).collect();
            serde_json::json!({"goal": g.text, "when": g.when, "who": g.who, "sub": sub})
        })
        .collect();
    let person_plans: Vec<serde_json::Value> = family_ids
        .iter()
        .filter(|p| state.interventions.iter().any(|i| i.person == Some(**p)))
        .map(|p| {
            let items: Vec<serde_json::Value> = state
                .interventions
                .iter()
                .filter(|i| i.person == Some(*p))
                .map(|i| serde_json::json!({"intervention": i.offer, "purpose": i.purpose, "goal": i.goal, "responsible": i.responsible, "tasks": i.who_does_what}))
                .collect();
            serde_json::json!({"name": names.name(Who::Person(*p)), "items": items})
        })
        .collect();
    let surname = family_names.first().and_then(|n| n.split_whitespace().last()).unwrap_or("");
    Ok(serde_json::json!({
        "title": model.plan.as_ref().map_or("Familieplan", |p| p.label.as_str()),
        "organisation": organisation,
        "family": format!("Familien {surname}"),
        "version": version,
        "period": format!("{} – {}", format_date_da(from), format_date_da(to)),
        "updated": format_date_da(ctx.today),
        "meeting": meeting.and_then(|m| state.meeting(m)).map(meeting_da),
        "next_meeting": next.map(meeting_da),
        "agreements": agreements,
        "network": {"municipal": municipal, "school": school, "external": external, "personal": personal},
        "network_svg": tovholder_docs::network_map::network_map_svg(&centre, &entries),
        "network_alt": tovholder_docs::network_map::network_map_description(&centre, &entries),
        "interventions": interventions,
        "status": status,
        "goals": goals,
        "person_plans": person_plans,
    }))
}

/// The course's network as the map draws it.
pub fn network_entries(state: &CourseState) -> Vec<tovholder_docs::network_map::MapEntry> {
    state.network.iter().map(|e| tovholder_docs::network_map::MapEntry { name: e.name.clone(), relation: e.relation.clone(), quadrant: e.quadrant }).collect()
}

/// The meeting places registered by the course's parties' organisations, as meetings record
/// them (`MeetingPlace::label`): the only places a calendar invitation names.
pub async fn registered_places(app: &App, state: &CourseState) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    for org in state.parties.values().collect::<std::collections::BTreeSet<_>>() {
        out.extend(app.store.meeting_places(*org).await?.iter().map(tovholder_store::MeetingPlace::label));
    }
    Ok(out)
}

/// The mails meeting events set off, and the keys of queued mails they make obsolete.
pub async fn mails(app: &App, model: &Model, id: CourseId, after: &CourseState, events: &[Event], organizer: Option<String>) -> Result<(Vec<NewMail>, Vec<String>), AppError> {
    // Most writes touch no meeting: they need none of the look-ups below.
    if !events.iter().any(|e| matches!(e, Event::InvitationsSent { .. } | Event::MeetingCancelled { .. } | Event::MeetingPlanned(_))) {
        return Ok((vec![], vec![]));
    }
    let mut out = Vec::new();
    let mut withdraw = Vec::new();
    let (people, orgs) = names_data(app, after).await?;
    let names = Names { model, state: after, people: &people, orgs: &orgs };
    let host = app.mail_host();
    let organizer = organizer.unwrap_or_else(|| format!("tovholder@{host}"));
    let staff: Vec<PersonId> = {
        let mut v = Vec::new();
        for p in people.keys() {
            if app.store.user(*p).await?.is_some() {
                v.push(*p);
            }
        }
        v
    };
    // Only a registered place goes into calendars (Outlook, Exchange): any other may name the
    // family ("Sofies skole") in ways no filter catches, so it stays inside Tovholder.
    let registered = registered_places(app, after).await?;
    let family = tovholder_core::commands::family::members(model, after);
    for e in events {
        let (meeting, cancel) = match e {
            Event::InvitationsSent { meeting, .. } => (*meeting, false),
            Event::MeetingCancelled { meeting, .. } => (*meeting, true),
            Event::MeetingPlanned(f) => {
                // Re-planned: the queued agenda waits for the new invitations.
                withdraw.push(agenda_key(id, f.meeting));
                continue;
            }
            _ => continue,
        };
        let Some(m) = after.meeting(meeting) else { continue };
        withdraw.push(agenda_key(id, meeting));
        if cancel && m.invited.is_none() {
            continue;
        }
        let def = model.meeting_types.get(&m.form.kind);
        let label = def.map_or("Møde", |d| d.label.as_str());
        let link = format!("{}/forloeb/{id}/moeder/{meeting}", app.config.base_url);
        let family_link = format!("{}/familie/forloeb/{id}", app.config.base_url);
        for who in m.form.attendees.iter().filter(|w| m.apology(**w).is_none()) {
            let Some(to) = names.email(*who) else { continue };
            let person = match who {
                Who::Person(p) => Some(*p),
                Who::Network(n) => after.network.iter().find(|e| e.entry == *n).and_then(|e| e.person),
            };
            let is_staff = person.is_some_and(|p| staff.contains(&p));
            // A family member logs in to the family's pages, and so does a person of the network
            // whom a consent names; the rest of the network does not.
            let citizen = person.is_some_and(|p| family.contains(&p) || (!is_staff && tovholder_core::consent::network_reader(model, after, p, app.clock.today()).is_some()));
            let on_pages = |body: String| if citizen { text::on_family_pages(&body, &family_link) } else { body };
            let public_place = registered.contains(&m.form.place);
            let place_line = if public_place { String::new() } else { format!("{}\n\n", text::PLACE_IN_TOVHOLDER) };
            let description =
                format!("{}\n\n{place_line}{}", def.map_or("", |d| d.purpose.as_str()), if is_staff { format!("Dagsorden og deltagere: {link}") } else { text::INVITATION_ICS_FAMILY.to_string() });
            let inv = ics::Invitation {
                method: if cancel { ics::Method::Cancel } else { ics::Method::Request },
                uid: &format!("tovholder-{id}-{meeting}@{host}"),
                sequence: m.sequence,
                stamp: app.clock.now(),
                start: m.form.start,
                minutes: m.form.minutes,
                summary: label,
                location: if public_place { &m.form.place } else { text::PLACE_IN_TOVHOLDER_SHORT },
                description: &description,
                organizer: &organizer,
                attendee: &to,
            };
            let (subject, body) = if cancel {
                (text::cancelled_subject(label), text::CANCELLED_BODY.to_string())
            } else {
                (
                    text::invitation_subject(label),
                    match (is_staff, public_place) {
                        (true, _) => text::invitation_body_staff(&link),
                        (false, true) => on_pages(text::INVITATION_BODY_FAMILY.to_string()),
                        (false, false) => on_pages(text::INVITATION_BODY_FAMILY_NO_PLACE.to_string()),
                    },
                )
            };
            let method = if cancel { "CANCEL" } else { "REQUEST" };
            let mut mail = NewMail::new(to.clone(), subject, format!("{body}\n\n{}", text::MAIL_FOOTER), Some(id));
            mail.attachment = Some(Attachment { filename: "invitation.ics".into(), content_type: format!("text/calendar; charset=utf-8; method={method}"), text: ics::invitation(&inv) });
            out.push(mail);
            // The agenda a set time before the meeting, unless the meeting is cancelled.
            if let (false, Some(before)) = (cancel, def.and_then(|d| d.agenda_before)) {
                let when = before.shift(m.date(), -1).and_then(|d| d.at(8, 0, 0, 0).to_zoned(tovholder_core::calendar::copenhagen().ok()?).ok()).map(|z| z.timestamp());
                let body = if is_staff { text::agenda_body_staff(&format_datetime_da(m.form.start), &link) } else { on_pages(text::agenda_body_family(&format_datetime_da(m.form.start))) };
                let mut agenda = NewMail::new(to, text::agenda_subject(label, &format_date_da(m.date())), format!("{body}\n\n{}", text::MAIL_FOOTER), Some(id));
                agenda.not_before = when.filter(|w| *w > app.clock.now());
                agenda.key = Some(agenda_key(id, meeting));
                out.push(agenda);
            }
        }
    }
    Ok((out, withdraw))
}

fn agenda_key(id: CourseId, meeting: u32) -> String {
    format!("agenda:{id}:{meeting}")
}
