//! Demo data: two municipalities, one Julemærkehjem, staff logins and ten children at different
//! stages, with dates relative to today. Made through the same command layer as real use, so
//! every course has a real, verifiable journal. All names and CPR numbers are made up.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use tovholder_core::calendar::{working_day_on_or_after, working_day_on_or_before};
use tovholder_core::cpr::Cpr;
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_store::{NewPerson, NewUser, User};

use crate::App;
use crate::actions::{self, Command, FamilyMember, Registration};
use crate::course::Course;
use crate::error::AppError;
use crate::passwords::hash_password;

mod families;
mod foster;
pub use foster::FOSTER_FAMILY;

pub const PASSWORD: &str = "demo1234";

/// The family members who can log in to the family's pages in the demo (the Bak family's
/// mother and grandmother, the youth Jonas Friis, and the foster mother Susanne Holm): their
/// link and code are in the demo's outbox.
pub const FAMILY_LOGINS: [&str; 4] = ["louise.bak@familie.example", "jonas.friis@familie.example", "inge.bak@familie.example", "susanne.holm@familie.example"];

/// A demo login, printed by `tovholder demo`.
#[derive(Clone, Debug)]
pub struct Login {
    pub username: &'static str,
    pub name: &'static str,
    pub org: &'static str,
    pub role: &'static str,
    pub department: Option<&'static str>,
}

pub const LOGINS: &[Login] = &[
    // Staff of the home, and of the institution that supports foster families (its on-call duty).
    Login { username: "mette", name: "Mette Pedersen", org: "Julemærkehjemmet Fjordlyst", role: "personale,institutionens_personale", department: None },
    Login { username: "jonas", name: "Jonas Holm", org: "Julemærkehjemmet Fjordlyst", role: "personale,institutionens_personale", department: None },
    Login { username: "tove", name: "Tove Lund", org: "Egeskov Kommune", role: "tovholder", department: None },
    Login { username: "karim", name: "Karim Aziz", org: "Egeskov Kommune", role: "raadgiver,sagsbehandler", department: None },
    Login { username: "sara", name: "Sara Berg", org: "Egeskov Kommune", role: "raadgiver", department: None },
    Login { username: "lars", name: "Lars Møller", org: "Lindeby Kommune", role: "tovholder", department: None },
    Login { username: "nina", name: "Nina Friis", org: "Lindeby Kommune", role: "raadgiver", department: None },
    Login { username: "ole", name: "Ole Dam", org: "Egeskov Kommune", role: "", department: Some("Jobcentret") },
    Login { username: "pia", name: "Pia Kjær", org: "Egeskov Kommune", role: "", department: Some("Folkeskole") },
    Login { username: "rikke", name: "Rikke Holt", org: "Region Syd, Børne- og Ungdomspsykiatrien", role: "", department: None },
    Login { username: "hanne", name: "Hanne Vestergaard", org: "Furesø Kommune", role: "familiekoordinator", department: Some("Familiens Fremtid") },
    Login { username: "bo", name: "Bo Winther", org: "Furesø Kommune", role: "", department: Some("Familierådgivningen") },
    Login { username: "gitte", name: "Gitte Skov", org: "Furesø Kommune", role: "", department: Some("Sundhedsplejen") },
    Login { username: "emil", name: "Emil Juhl", org: "Furesø Kommune", role: "", department: Some("Jobcentret") },
    Login { username: "camilla", name: "Camilla Krogh", org: "Ballerup Kommune", role: "ungeteam", department: Some("Ungeteamet") },
    Login { username: "jakob", name: "Jakob Lind", org: "Ballerup Kommune", role: "", department: Some("Skolen") },
    Login { username: "frida", name: "Frida Mørk", org: "Egeskov Kommune", role: "familiepleje", department: None },
    // The instance's administrator (Administration in the menu).
    Login { username: "admin", name: "Ada Andersen", org: "Egeskov Kommune", role: crate::admin::ADMINISTRATOR, department: None },
];

/// What each demo department works with (`crate::admin::DEPARTMENT_KINDS`).
fn department_kind(name: &str) -> &'static str {
    match name {
        "Jobcentret" => "jobcenter",
        "Folkeskole" | "Skolen" => "skole",
        "Familiens Fremtid" => "familiehus",
        "Sundhedsplejen" => "sundhedspleje",
        _ => "familieraadgivning",
    }
}

/// What the seeder made, for printing and for tests.
#[derive(Default)]
pub struct Seeded {
    pub orgs: BTreeMap<&'static str, OrgId>,
    pub users: BTreeMap<&'static str, User>,
    /// Course ids by the child's first name.
    pub courses: BTreeMap<&'static str, CourseId>,
}

/// Seeds an empty store. Does nothing (returns None) if it already has organisations.
const MADE_BY: &str = "made_by";
const DEMO: &str = "demo";
/// Why `demo` will not touch a store: its logins and settings are for trying Tovholder.
pub const NOT_DEMO: &str = "this database was not made by `tovholder demo`, and demo does not touch it (its logins print their passwords and keep mail unsent); run `tovholder serve` on it instead";

/// Was the store made by the demo? A demo made before the store said so is known by its
/// administrator's login in its municipality.
async fn made_by_demo(app: &App) -> Result<bool, AppError> {
    if let Some(by) = app.store.instance_fact(MADE_BY).await? {
        return Ok(by == DEMO);
    }
    let old_demo = app.store.user_by_name("admin").await?.is_some_and(|u| u.org_name == "Egeskov Kommune" && u.email.as_deref() == Some("admin@egeskov.example"));
    if old_demo {
        app.store.set_instance_fact(MADE_BY, DEMO).await?;
    }
    Ok(old_demo)
}

pub async fn seed(app: &App) -> Result<Option<Seeded>, AppError> {
    if !app.store.orgs().await?.is_empty() {
        return if made_by_demo(app).await? { Ok(None) } else { Err(AppError::Malformed(NOT_DEMO.into())) };
    }
    app.store.set_instance_fact(MADE_BY, DEMO).await?;
    let mut orgs = BTreeMap::new();
    for (name, kind) in [
        ("Julemærkehjemmet Fjordlyst", "julemaerkehjem"),
        ("Egeskov Kommune", "kommune"),
        ("Lindeby Kommune", "kommune"),
        ("Region Syd, Børne- og Ungdomspsykiatrien", "region"),
        ("Furesø Kommune", "kommune"),
        ("Ballerup Kommune", "kommune"),
        (foster::FOSTER_FAMILY, "plejefamilie"),
    ] {
        orgs.insert(name, app.store.add_org(name, kind).await?);
    }
    // Meeting places of their own: only these go into calendar invitations.
    for (org, name, address) in [
        ("Furesø Kommune", "Familiens Fremtid, mødelokale 2", "Paltholmterrasserne 1, 3520 Farum"),
        ("Ballerup Kommune", "Ballerup Rådhus, mødelokale 3", "Hold-An Vej 7, 2750 Ballerup"),
        ("Egeskov Kommune", "Egeskov Rådhus, mødelokale 1", "Torvet 1, 5999 Egeskov"),
        ("Julemærkehjemmet Fjordlyst", "Julemærkehjemmet, mødelokalet", "Fjordvej 12, 7999 Fjordlyst"),
    ] {
        app.store.add_meeting_place(orgs[org], name, address).await?;
    }
    // The departments the demo's staff work in, as an administrator would have set them up.
    for l in LOGINS {
        if let Some(d) = l.department
            && !app.store.departments(orgs[l.org]).await?.iter().any(|x| x.name == d)
        {
            app.store.add_department(orgs[l.org], d, department_kind(d)).await?;
        }
    }
    // One hash for all demo users: argon2 is slow on purpose, and they share the password.
    let hash = hash_password(PASSWORD)?;
    let mut users = BTreeMap::new();
    for l in LOGINS {
        let org = orgs[l.org];
        let person = app.store.add_person(&NewPerson { name: l.name.into(), email: Some(format!("{}@{}.example", l.username, org_domain(l.org))), org: Some(org), cpr: None }).await?;
        let roles = if l.role.is_empty() { vec![] } else { l.role.split(',').map(str::to_string).collect() };
        app.store
            .add_user(&NewUser {
                person,
                username: l.username.into(),
                password_hash: hash.clone(),
                org_roles: roles,
                department: l.department.map(str::to_string),
                instance_admin: l.role == crate::admin::ADMINISTRATOR,
                active: true,
            })
            .await?;
        let user = app.store.user(person).await?.ok_or(AppError::NotFound)?;
        users.insert(l.username, user);
    }
    let mut s = Seeder { app, orgs, users, today: app.clock.today(), courses: BTreeMap::new() };
    s.children().await?;
    s.families().await?;
    s.duty().await?;
    s.foster_family().await?;
    s.activities().await?;
    Ok(Some(Seeded { orgs: s.orgs, users: s.users, courses: s.courses }))
}

fn org_domain(org: &str) -> &'static str {
    match org {
        "Egeskov Kommune" => "egeskov",
        "Lindeby Kommune" => "lindeby",
        "Region Syd, Børne- og Ungdomspsykiatrien" => "regionsyd",
        "Furesø Kommune" => "furesoe",
        "Ballerup Kommune" => "ballerup",
        _ => "fjordlyst",
    }
}

struct Seeder<'a> {
    app: &'a App,
    orgs: BTreeMap<&'static str, OrgId>,
    users: BTreeMap<&'static str, User>,
    today: Date,
    courses: BTreeMap<&'static str, CourseId>,
}

/// Where a demo child is in the course.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Registered,
    Approved,
    CalledIn,
    Appointed,
    InStay,
    StayEnded,
    FollowUp,
    Closed,
}

impl Seeder<'_> {
    /// Julemærkehjemmet Fjordlyst's opening hours (weekdays 8–16) and its on-call duty from last
    /// night through the coming week: Jonas and Mette take turns with the evenings and nights, and the weekend
    /// days are left open, so "Beredskab" shows who is on call and where the gaps are.
    async fn duty(&self) -> Result<(), AppError> {
        let org = self.orgs["Julemærkehjemmet Fjordlyst"];
        let hours: Vec<(i64, String, String)> = (1..=5).map(|d| (d, "08:00".to_string(), "16:00".to_string())).collect();
        self.app.store.set_opening_hours(org, &hours).await?;
        let tz = tovholder_core::calendar::copenhagen().map_err(|e| AppError::Internal(e.to_string()))?;
        let at = |d: Date, h: i8| tovholder_core::duty::local_instant(&tz, d.at(h, 0, 0, 0)).map_err(AppError::Internal);
        let now = self.app.clock.now();
        // From last night on, so whoever opens the demo at night finds someone on call.
        for i in -1..7i64 {
            let who = self.users[if i.rem_euclid(2) == 0 { "jonas" } else { "mette" }].person;
            let shift = tovholder_store::DutyShift { id: 0, org, person: who, from: at(self.day(i), 16)?, to: at(self.day(i + 1), 8)?, phone: "+45 70 20 30 40".into() };
            self.app.store.add_duty_shift(&shift, self.users["jonas"].person, now).await?;
        }
        Ok(())
    }

    fn day(&self, offset: i64) -> Date {
        self.today.checked_add(offset.days()).unwrap_or(self.today)
    }

    fn as_user(&self, username: &str) -> Result<User, AppError> {
        self.users.get(username).cloned().ok_or(AppError::NotFound)
    }

    async fn course(&self, username: &str, id: CourseId) -> Result<Course, AppError> {
        Course::load(self.app, self.as_user(username)?, id, tovholder_core::model::Action::Read, "demo:seed".into()).await
    }

    async fn children(&mut self) -> Result<(), AppError> {
        // (first name, surname, CPR, municipality, parents' answer, stage, days to the key date)
        let kids: [(&'static str, &str, &str, &str, &str, Stage, i64); 10] = [
            ("Emma", "Jensen", "120315-4018", "Egeskov Kommune", "ja", Stage::Registered, -3),
            ("Oliver", "Nielsen", "030614-5137", "Egeskov Kommune", "nej", Stage::Registered, -25),
            ("Freja", "Hansen", "250916-4222", "Egeskov Kommune", "ja", Stage::Approved, -10),
            ("William", "Larsen", "110813-5351", "Egeskov Kommune", "ja", Stage::CalledIn, -20),
            ("Ida", "Sørensen", "070117-4406", "Lindeby Kommune", "ja", Stage::Appointed, 60),
            ("Noah", "Rasmussen", "300512-5519", "Egeskov Kommune", "ja", Stage::InStay, -30),
            ("Alma", "Christensen", "140215-4602", "Lindeby Kommune", "ja", Stage::StayEnded, -9),
            ("Lucas", "Andersen", "190711-5735", "Egeskov Kommune", "ja", Stage::FollowUp, -2),
            ("Clara", "Poulsen", "021014-4846", "Egeskov Kommune", "ja", Stage::FollowUp, -10),
            ("Victor", "Madsen", "281112-5913", "Lindeby Kommune", "ja", Stage::Closed, -20),
        ];
        for (first, last, cpr, municipality, answer, stage, offset) in kids {
            let id = self.child(first, last, cpr, municipality, answer, stage, offset).await?;
            self.courses.insert(first, id);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn child(&self, first: &str, last: &str, cpr: &str, municipality: &'static str, answer: &str, stage: Stage, offset: i64) -> Result<CourseId, AppError> {
        let cpr = Cpr::parse(cpr).map_err(|e| AppError::Internal(e.to_string()))?;
        let applied = if stage == Stage::Registered { self.day(offset) } else { self.day(offset - 120) };
        let reg = Registration {
            model: "julemaerkehjem".into(),
            parties: [("home".to_string(), self.orgs["Julemærkehjemmet Fjordlyst"]), ("municipality".to_string(), self.orgs[municipality])].into(),
            family: vec![
                FamilyMember { role: "barn".into(), name: format!("{first} {last}"), email: None, cpr: Some(cpr), custody: None, protected: false },
                FamilyMember {
                    role: "foraelder".into(),
                    name: format!("{} {last}", parent_name(first)),
                    email: Some(format!("{}.{}@familie.example", parent_name(first).to_lowercase(), last.to_lowercase().replace('ø', "oe"))),
                    cpr: None,
                    custody: Some(true),
                    protected: false,
                },
            ],
            dates: [("ansoegning".to_string(), applied)].into(),
            decisions: [("samarbejde".to_string(), answer.to_string())].into(),
        };
        let id = actions::open_course(self.app, &self.as_user("mette")?, reg).await?;
        if stage == Stage::Registered {
            return Ok(id);
        }
        let (tovholder, kontaktperson) = match (municipality, first) {
            ("Lindeby Kommune", _) => ("lars", "nina"),
            (_, "Clara") => ("tove", "sara"),
            _ => ("tove", "karim"),
        };
        // The key date: when the tilsagn was sent, the child called in, the stay started or ended,
        // or the follow-up day, depending on the stage.
        let (start, end, opf) = match stage {
            Stage::InStay => (self.day(offset), self.day(offset + 70), None),
            Stage::StayEnded => (self.day(offset - 70), self.day(offset), None),
            Stage::FollowUp | Stage::Closed => {
                let opf = working_day_on_or_before(self.day(offset)).unwrap_or(self.today);
                let end = opf.checked_sub(5.weeks()).unwrap_or(opf);
                (end.checked_sub(10.weeks()).unwrap_or(end), end, Some(opf))
            }
            _ => (self.day(offset.max(40)), self.day(offset.max(40) + 70), None),
        };
        let c = self.course("mette", id).await?;
        let tilsagn = if stage == Stage::Approved { self.day(offset) } else { applied.checked_add(7.days()).unwrap_or(applied) };
        actions::perform(self.app, &c, vec![Command::SetDates { dates: [("tilsagn".to_string(), tilsagn)].into(), reason: None }]).await?;
        if stage == Stage::Approved {
            return Ok(id);
        }
        let called_in = if stage == Stage::CalledIn { self.day(offset) } else { tilsagn.checked_add(7.days()).unwrap_or(tilsagn) };
        let forbesoeg = working_day_on_or_before(start.checked_sub(2.months()).unwrap_or(start)).unwrap_or(start);
        let mut dates: BTreeMap<String, Date> = [
            ("indkaldelse", called_in),
            ("forbesoeg", forbesoeg),
            ("infodag", forbesoeg.checked_add(14.days()).unwrap_or(forbesoeg)),
            ("ophold_start", start),
            ("ophold_slut", end),
            ("foraeldredag", start.checked_add(4.weeks()).unwrap_or(start)),
            ("slutsamtale", end.checked_sub(1.days()).unwrap_or(end)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let opf = opf.or_else(|| working_day_on_or_after(end.checked_add(5.weeks()).unwrap_or(end)));
        if let Some(o) = opf {
            dates.insert("opfoelgningsdag".into(), o);
        }
        let c = self.course("mette", id).await?;
        actions::perform(self.app, &c, vec![Command::SetDates { dates, reason: None }]).await?;
        let c = self.course("mette", id).await?;
        actions::perform(self.app, &c, vec![Command::Appoint { role: "kontaktpaedagog".into(), person: self.users["jonas"].person, handover: None }]).await?;
        if stage == Stage::CalledIn {
            return Ok(id);
        }
        let c = self.course(tovholder, id).await?;
        let offer = "Familien tilbydes et forløb i Familiehuset efter opholdet, og skolen er orienteret om opholdet.";
        let ops = vec![
            Command::Appoint { role: "kontaktperson".into(), person: self.users[kontaktperson].person, handover: None },
            Command::RecordField { field: "aktiviteter".into(), value: offer.into() },
        ];
        actions::perform(self.app, &c, ops).await?;
        if stage >= Stage::FollowUp {
            // The home's statement and action plan go to the tovholder, who forwards them.
            let tov = self.users[tovholder].person;
            for (kind, title, text) in [("udtalelse", "Udtalelse efter opholdet", UDTALELSE), ("handleplan", "Handleplan lavet med familien", HANDLEPLAN)] {
                let c = self.course("jonas", id).await?;
                let ops = vec![
                    Command::AddDocument { kind: kind.into(), title: title.into(), content: format!("{text}\n").into_bytes(), content_type: "text/plain; charset=utf-8".into(), filename: None },
                    Command::SendDocument { doc: 0, to: vec![tov] },
                ];
                actions::perform(self.app, &c, ops).await?;
            }
            let c = self.course(tovholder, id).await?;
            let docs: Vec<u32> = c.state.documents.iter().filter(|d| d.meta.kind == "udtalelse" || d.meta.kind == "handleplan").map(|d| d.meta.doc).collect();
            let kp = self.users[kontaktperson].person;
            actions::perform(self.app, &c, docs.into_iter().map(|doc| Command::SendDocument { doc, to: vec![kp] }).collect()).await?;
        }
        if stage == Stage::Closed {
            let c = self.course(kontaktperson, id).await?;
            actions::perform(
                self.app,
                &c,
                vec![Command::CompleteTask { task: "kontakt_efter_opfoelgning".into(), outcome: "kontakt_holdt".into(), note: Some("Telefonsamtale med kontaktpædagogen om handleplanen.".into()) }],
            )
            .await?;
        }
        Ok(id)
    }
}

const UDTALELSE: &str = "Barnet har haft et godt ophold. Barnet har fundet gode venner, deltaget i idræt hver dag og spiser nu varieret. Vi anbefaler, at familien fortsætter de faste måltider og den daglige bevægelse, og at skolen kender til de aftaler, barnet har gjort sig.";
const HANDLEPLAN: &str = "Mål: Barnet trives i skolen og bevæger sig mindst en time om dagen.\nFamilien: faste måltider og en aktivitet sammen i weekenden.\nKommunen: kontaktpersonen følger op med familien efter opfølgningsdagen.";

fn parent_name(child: &str) -> &'static str {
    match child.len() % 4 {
        0 => "Anne",
        1 => "Peter",
        2 => "Maria",
        _ => "Thomas",
    }
}

/// The persons a demo login acts as, by user name (for tests).
pub fn person(seeded: &Seeded, username: &str) -> Option<PersonId> {
    seeded.users.get(username).map(|u| u.person)
}
