//! What pages and the API show of phases, meetings, agreements, the network and the family
//! plan: plain data with Danish labels (see `views` for the rest of a course).

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;
use tovholder_core::calendar::{format_datetime_da, format_time_da, format_timestamp_da};
use tovholder_core::course::CourseState;
use tovholder_core::family_plan::AgreementStatus;
use tovholder_core::ids::PersonId;
use tovholder_core::meetings::{Meeting, MeetingStatus, Who, agenda_fit};
use tovholder_core::model::Model;
use tovholder_store::Person;

use tovholder_core::calendar::format_date_da as date_da;

/// Names and roles of everyone a course's meetings can name.
pub struct Names<'a> {
    pub model: &'a Model,
    pub state: &'a CourseState,
    pub people: &'a HashMap<PersonId, Person>,
    /// Staff members' organisation names.
    pub orgs: &'a HashMap<PersonId, String>,
}

impl Names<'_> {
    pub fn name(&self, who: Who) -> String {
        match who {
            Who::Person(p) => self.people.get(&p).map_or_else(|| "(ukendt)".into(), |p| p.name.clone()),
            Who::Network(n) => self.state.network.iter().find(|e| e.entry == n).map_or_else(|| "(fjernet fra netværket)".into(), |e| e.name.clone()),
        }
    }

    /// The role that tells the family who is who: "Familiens koordinator, Furesø Kommune",
    /// "Mormor", "Sundhedsplejerske, Sundhedsplejen".
    pub fn role(&self, who: Who) -> String {
        match who {
            Who::Person(p) => {
                let roles: Vec<&str> = self.state.members.iter().filter(|m| m.person == p).map(|m| self.model.role_label(&m.role)).collect();
                let org = self.orgs.get(&p).map(|o| format!(", {o}")).unwrap_or_default();
                format!("{}{org}", roles.join(" og "))
            }
            Who::Network(n) => self.state.network.iter().find(|e| e.entry == n).map_or_else(String::new, |e| e.relation.clone()),
        }
    }

    pub fn email(&self, who: Who) -> Option<String> {
        match who {
            Who::Person(p) => self.people.get(&p).and_then(|p| p.email.clone()),
            Who::Network(n) => self.state.network.iter().find(|e| e.entry == n).map(|e| e.email.clone()).filter(|e| !e.is_empty()),
        }
    }

    /// Everyone who can take part in a meeting: course members, then the network.
    pub fn choices(&self) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for m in &self.state.members {
            if !seen.contains(&m.person) {
                seen.push(m.person);
                let w = Who::Person(m.person);
                out.push((w.key(), format!("{} ({})", self.name(w), self.role(w))));
            }
        }
        for e in &self.state.network {
            if e.person.is_none_or(|p| !seen.contains(&p)) {
                let w = Who::Network(e.entry);
                out.push((w.key(), format!("{} ({})", e.name, e.relation)));
            }
        }
        out
    }
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PhaseView {
    pub id: String,
    pub label: String,
    pub description: String,
    pub since_da: String,
    /// "Forventet varighed: 6–8 måneder" when the model says.
    pub expected_da: String,
    /// Set when the phase has lasted longer than expected.
    pub overdue_da: Option<String>,
    pub current: bool,
    pub passed: bool,
}

/// The model's phases in order, marking the current one and those passed.
pub fn phases(model: &Model, state: &CourseState, today: Date) -> Vec<PhaseView> {
    let current = state.phase();
    let current_idx = current.and_then(|(p, _)| model.phases.get_index_of(p));
    model
        .phases
        .iter()
        .enumerate()
        .map(|(i, (id, def))| {
            let entered = state.phases.iter().rev().find(|(p, ..)| p == id).map(|(_, d, _)| *d);
            let is_current = current_idx == Some(i);
            let expected_da = match (def.min, def.max) {
                (Some(a), Some(b)) => format!("Forventet varighed: {}–{}", a.to_danish().split(' ').next().unwrap_or_default(), b.to_danish()),
                (None, Some(b)) => format!("Forventet varighed: op til {}", b.to_danish()),
                (Some(a), None) => format!("Forventet varighed: mindst {}", a.to_danish()),
                (None, None) => String::new(),
            };
            let overdue_da = match (is_current, entered, def.max) {
                (true, Some(d), Some(max)) if max.shift(d, 1).is_some_and(|end| end < today) => Some(format!("Fasen har varet længere end forventet ({}).", max.to_danish())),
                _ => None,
            };
            PhaseView {
                id: id.clone(),
                label: def.label.clone(),
                description: def.description.clone(),
                since_da: entered.filter(|_| is_current || current_idx.is_some_and(|c| i < c)).map(date_da).unwrap_or_default(),
                expected_da,
                overdue_da,
                current: is_current,
                passed: current_idx.is_some_and(|c| i < c),
            }
        })
        .collect()
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct MeetingSummary {
    pub id: u32,
    pub kind_da: String,
    pub when_da: String,
    pub date: Date,
    pub place: String,
    pub status_da: &'static str,
    pub attendees: usize,
    pub invitations_da: String,
}

fn status_da(m: &Meeting) -> &'static str {
    match m.status {
        MeetingStatus::Planned => "Planlagt",
        MeetingStatus::Held => "Holdt",
        MeetingStatus::Cancelled => "Aflyst",
    }
}

fn invitations_da(m: &Meeting) -> String {
    match &m.invited {
        None => "Invitationer er ikke sendt.".into(),
        Some(_) if !m.invitations_current() && m.status == MeetingStatus::Planned => "Mødet er ændret, efter invitationerne blev sendt: send dem igen.".into(),
        Some((_, s)) => format!("Invitationer sendt {}.", format_timestamp_da(s.at).unwrap_or_default()),
    }
}

pub fn meeting_summaries(model: &Model, state: &CourseState) -> Vec<MeetingSummary> {
    let mut out: Vec<MeetingSummary> = state
        .meetings
        .iter()
        .map(|m| MeetingSummary {
            id: m.id,
            kind_da: model.meeting_types.get(&m.form.kind).map_or_else(|| m.form.kind.clone(), |t| t.label.clone()),
            when_da: format_datetime_da(m.form.start),
            date: m.date(),
            place: m.form.place.clone(),
            status_da: status_da(m),
            attendees: m.form.attendees.len(),
            invitations_da: invitations_da(m),
        })
        .collect();
    out.sort_by_key(|m| m.date);
    out
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct AgreementView {
    pub id: u32,
    pub what: String,
    pub responsible: String,
    pub due_da: String,
    pub meeting: Option<u32>,
    pub meeting_da: String,
    pub open: bool,
    pub status_da: String,
    /// The viewer may mark it kept or dropped.
    pub closable: bool,
}

pub fn agreements(names: &Names, viewer: PersonId, may_plan: bool, today: Date) -> Vec<AgreementView> {
    let (model, state) = (names.model, names.state);
    let mut out: Vec<AgreementView> = state
        .agreements
        .iter()
        .map(|a| {
            let open = a.status == AgreementStatus::Open;
            let overdue = open && a.form.due < today;
            let closed_by = a.closed.as_ref().map(|r| format!(" ({})", format_timestamp_da(r.stamp.at).unwrap_or_default())).unwrap_or_default();
            AgreementView {
                id: a.form.agreement,
                what: a.form.what.clone(),
                responsible: format!("{} ({})", names.name(a.form.responsible), names.role(a.form.responsible)),
                due_da: date_da(a.form.due),
                meeting: a.form.meeting,
                meeting_da: a
                    .form
                    .meeting
                    .and_then(|m| state.meeting(m))
                    .map(|m| format!("{}, {}", model.meeting_types.get(&m.form.kind).map_or("Møde", |t| t.label.as_str()), date_da(m.date())))
                    .unwrap_or_default(),
                open,
                status_da: match a.status {
                    AgreementStatus::Open if overdue => "Overskredet".into(),
                    AgreementStatus::Open => "Åben".into(),
                    AgreementStatus::Done => format!("Overholdt{closed_by}"),
                    AgreementStatus::Dropped => format!("Droppet{closed_by}"),
                },
                closable: open && (may_plan || tovholder_core::tasks::responsible_person(model, state, a.form.responsible) == Some(viewer)),
            }
        })
        .collect();
    out.sort_by_key(|a| (!a.open, a.id));
    out
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct AttendeeView {
    pub key: String,
    pub name: String,
    pub role: String,
    pub has_email: bool,
    pub apology_da: Option<String>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct MeetingView {
    pub id: u32,
    pub kind: String,
    pub kind_da: String,
    pub purpose: String,
    pub when_da: String,
    pub start_iso: String,
    pub minutes: u32,
    pub room_da: String,
    pub place: String,
    pub status_da: &'static str,
    pub planned: bool,
    pub held: bool,
    pub attendees: Vec<AttendeeView>,
    /// (title, time box in Danish)
    pub agenda: Vec<(String, String)>,
    pub agenda_text: String,
    pub fit_da: String,
    pub fits: bool,
    pub invitations_da: String,
    pub invitations_current: bool,
    pub agenda_mail_da: String,
    /// Agreements still open from earlier meetings: followed up on this one.
    pub follow_up: Vec<AgreementView>,
    /// Agreements made at this meeting.
    pub agreements: Vec<AgreementView>,
    /// (step, label, done: "23. nov. 2026 (Tove Holm)")
    pub checklist: Vec<(String, String, Option<String>)>,
    pub minutes_text: Option<MinutesView>,
    /// A planned meeting on a public holiday or a weekend, named (a warning, not a refusal).
    pub day_warning: Option<String>,
    /// A planned meeting held only with the family, for which everyone from the family has sent
    /// apologies: it should be moved or cancelled.
    pub family_warning: Option<String>,
    /// The family's answers to the preparation questions (not to a reader by consent).
    pub preparations: Vec<PreparedView>,
    /// The children's "Mine ønsker" before a planned meeting (not to a reader by consent).
    pub wishes: Vec<WishView>,
}

/// A family member's preparation for a meeting: each question with their answer.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PreparedView {
    pub name: String,
    pub answered_da: String,
    /// (question, answer)
    pub answers: Vec<(String, String)>,
}

/// A child's "Mine ønsker".
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct WishView {
    pub name: String,
    pub text: String,
    pub written_da: String,
    pub parents_may_see: bool,
}

/// The children's wishes, as the staff of the course read them.
pub fn wishes(names: &Names) -> Vec<WishView> {
    names
        .state
        .wishes
        .iter()
        .map(|(p, w)| WishView { name: names.name(Who::Person(*p)), text: w.text.clone(), written_da: format_timestamp_da(w.stamp.at).unwrap_or_default(), parents_may_see: w.parents_may_see })
        .collect()
}

/// "Mødet ligger på 2. påskedag …" for a meeting on a Danish public holiday or a weekend.
pub fn day_warning(day: jiff::civil::Date) -> Option<String> {
    let what = match tovholder_core::calendar::holiday_name(day) {
        Some(h) => format!("{h}, en helligdag"),
        None if !tovholder_core::calendar::is_working_day(day) => format!("en {}", tovholder_core::calendar::weekday_da(day)),
        None => return None,
    };
    Some(format!("Bemærk: mødet ligger på {what} ({}). Mange har fri den dag; tjek, at deltagerne kan komme, eller flyt mødet.", date_da(day)))
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct MinutesView {
    pub present: Vec<String>,
    pub apologies: Vec<String>,
    pub story: String,
    pub best_hope: String,
    /// (name and role, what works, what challenges)
    pub rounds: Vec<(String, String, String)>,
    pub dialogue: String,
    pub written_da: String,
    /// Who wrote them (and decides whether the family reads them).
    pub by: PersonId,
    /// Whether the family reads them on their pages; None: the model keeps them from the family.
    pub family: Option<bool>,
}

pub fn meeting_view(names: &Names, m: &Meeting, all_agreements: &[AgreementView], restricted: bool) -> MeetingView {
    let (model, state) = (names.model, names.state);
    let def = model.meeting_types.get(&m.form.kind);
    // "5 minutter pr. deltager" is the network's round: those who come from the network (or,
    // with no network, everyone but the family), counting a substitute for one who cannot come.
    let coming: Vec<Who> = m.form.attendees.iter().copied().filter(|w| m.apology(*w).is_none_or(|a| a.substitute.is_some())).collect();
    let family = tovholder_core::commands::family::members(model, state);
    let network = coming.iter().filter(|w| matches!(w, Who::Network(_))).count();
    let n = if network > 0 { network } else { coming.iter().filter(|w| !matches!(w, Who::Person(p) if family.contains(p))).count() } as u32;
    let fit = agenda_fit(&m.form.agenda, n, m.form.minutes);
    let extra = def.map_or(0, |d| d.room_extra);
    let room_from = m.form.start.checked_sub(jiff::SignedDuration::from_mins(i64::from(extra / 2))).ok();
    let room_to = m.form.start.checked_add(jiff::SignedDuration::from_mins(i64::from(m.form.minutes + extra - extra / 2))).ok();
    let room_da = match (room_from, room_to, extra) {
        (Some(a), Some(b), e) if e > 0 => format!("Book lokalet kl. {}–{} ({} minutter til opstilling og oprydning).", format_time_da(a.time()), format_time_da(b.time()), e),
        _ => String::new(),
    };
    let agenda_mail_da = match def.and_then(|d| d.agenda_before) {
        Some(before) if m.status == MeetingStatus::Planned => match before.shift(m.date(), -1) {
            Some(d) if m.invitations_current() && m.invited.as_ref().is_some_and(|(_, s)| tovholder_core::calendar::today_in_copenhagen(s.at).is_ok_and(|sent| sent >= d)) => {
                "Dagsordenen blev sendt sammen med invitationerne, da mødet er mindre end en uge væk.".to_string()
            }
            Some(d) if m.invitations_current() => format!("Dagsordenen sendes automatisk til deltagerne {} ({} før mødet).", date_da(d), before.to_danish()),
            Some(_) => format!("Dagsordenen sendes automatisk {} før mødet, når invitationerne er sendt.", before.to_danish()),
            None => String::new(),
        },
        _ => String::new(),
    };
    let checklist = def
        .and_then(|d| d.checklist.as_ref())
        .and_then(|c| model.checklists.get(c))
        .map(|c| c.steps.iter().map(|(id, label)| (id.clone(), label.clone(), m.checklist.get(id).map(|(d, s)| format!("{} ({})", date_da(*d), names.name(Who::Person(s.by)))))).collect())
        .unwrap_or_default();
    // Open agreements from earlier meetings (or between meetings) come up for follow-up.
    let earlier = |a: &&AgreementView| a.open && a.meeting.is_none_or(|id| id != m.id && state.meeting(id).is_some_and(|o| o.form.start < m.form.start));
    MeetingView {
        id: m.id,
        kind: m.form.kind.clone(),
        kind_da: def.map_or_else(|| m.form.kind.clone(), |d| d.label.clone()),
        purpose: def.map_or_else(String::new, |d| d.purpose.clone()),
        when_da: format_datetime_da(m.form.start),
        start_iso: m.form.start.strftime("%Y-%m-%dT%H:%M").to_string(),
        minutes: m.form.minutes,
        room_da,
        day_warning: if m.status == MeetingStatus::Planned { day_warning(m.date()) } else { None },
        family_warning: (m.status == MeetingStatus::Planned
            && def.is_some_and(|d| d.with_family)
            && !m.form.attendees.iter().any(|w| matches!(w, Who::Person(p) if family.contains(p)) && m.apology(*w).is_none()))
        .then(|| "Mødet holdes kun med familien, men alle fra familien har meldt afbud: flyt mødet til en dag, hvor familien kan, eller aflys det.".to_string()),
        place: m.form.place.clone(),
        status_da: status_da(m),
        planned: m.status == MeetingStatus::Planned,
        held: m.status == MeetingStatus::Held,
        attendees: m
            .form
            .attendees
            .iter()
            .map(|w| AttendeeView {
                key: w.key(),
                name: names.name(*w),
                role: names.role(*w),
                has_email: names.email(*w).is_some(),
                apology_da: m.apology(*w).map(|a| match &a.substitute {
                    Some(s) => format!("Afbud; {s} kommer i stedet"),
                    None => "Afbud".into(),
                }),
            })
            .collect(),
        agenda: m.form.agenda.iter().map(|i| (i.title.clone(), i.time.to_danish())).collect(),
        agenda_text: m.form.agenda.iter().map(|i| format!("{} | {}", i.title, i.time)).collect::<Vec<_>>().join("\n"),
        fit_da: if fit.least == fit.most {
            format!("Dagsordenen er planlagt til {} minutter af mødets {} (med {n} i netværkets runde).", fit.most, fit.length)
        } else {
            format!("Dagsordenen er planlagt til {}–{} minutter af mødets {} (med {n} i netværkets runde).", fit.least, fit.most, fit.length)
        },
        fits: fit.fits(),
        invitations_da: invitations_da(m),
        invitations_current: m.invitations_current(),
        agenda_mail_da,
        follow_up: all_agreements.iter().filter(earlier).cloned().collect(),
        agreements: all_agreements.iter().filter(|a| a.meeting == Some(m.id)).cloned().collect(),
        checklist,
        minutes_text: m.minutes.as_ref().filter(|_| !restricted).map(|(mi, stamp)| MinutesView {
            present: mi.present.iter().map(|w| format!("{} ({})", names.name(*w), names.role(*w))).collect(),
            apologies: m.apologies.iter().map(|a| format!("{}{}", names.name(a.who), a.substitute.as_ref().map(|s| format!(" (afløser: {s})")).unwrap_or_default())).collect(),
            story: mi.story.clone(),
            best_hope: mi.best_hope.clone(),
            rounds: mi.rounds.iter().map(|r| (format!("{} ({})", names.name(r.who), names.role(r.who)), r.works.clone(), r.challenges.clone())).collect(),
            dialogue: mi.dialogue.clone(),
            written_da: format!("{}, {}", format_timestamp_da(stamp.at).unwrap_or_default(), names.name(Who::Person(stamp.by))),
            by: stamp.by,
            family: def.filter(|d| d.minutes_to_family).map(|_| m.minutes_shared),
        }),
        preparations: if restricted {
            vec![]
        } else {
            let questions = def.and_then(|d| d.preparation.as_ref()).map(|p| p.questions.as_slice()).unwrap_or_default();
            m.preparations
                .iter()
                .map(|p| PreparedView {
                    name: names.name(Who::Person(p.person)),
                    answered_da: format_timestamp_da(p.stamp.at).unwrap_or_default(),
                    answers: questions.iter().zip(&p.answers).filter(|(_, a)| !a.is_empty()).map(|(q, a)| (q.clone(), a.clone())).collect(),
                })
                .collect()
        },
        wishes: if restricted || m.status != MeetingStatus::Planned { vec![] } else { wishes(names) },
    }
}
