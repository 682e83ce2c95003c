//! `tovholder generate`: a synthetic data set shaped like the field, for benchmarks at scale.
//!
//! 98 municipalities (a few large, many small) with tovholdere, kontaktpersoner, family
//! coordinators and youth teams; five Julemærkehjem; and courses of the three shipped models
//! spread over six years up to today: Julemærkehjem stays (≈750 a year at 100,000 courses, ten
//! weeks each), Familiens Fremtid courses with network meetings, agreements, goals, measurements
//! and plan versions, and Ballerup youth courses with meetings every 6–12 weeks.
//!
//! Every event is decided by core's commands, on the day it is dated (the command's `today`),
//! by an actor allowed to do it, so each course replays to a state its model accepts. Courses are
//! written through the store's bulk path (`Store::create_courses`): one transaction per batch,
//! each journal numbered and HMAC-chained exactly like a normal write. Names are made up; CPR
//! numbers are random valid-looking ones (a real date, a serial of the right century).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use sha2::{Digest, Sha256};
use tovholder_app::Models;
use tovholder_core::calendar::{copenhagen, working_day_on_or_after, working_day_on_or_before};
use tovholder_core::commands::{self, CommandError, Ctx};
use tovholder_core::consent::Recipient as ConsentRecipient;
use tovholder_core::course::{CourseState, Event, Recipient, Stamp};
use tovholder_core::cpr::Cpr;
use tovholder_core::family_plan::{NetworkEntry, Quadrant};
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::meetings::{Minutes, Who};
use tovholder_core::model::Model;
use tovholder_core::policy::Actor;
use tovholder_core::tasks;
use tovholder_store::{Blob, BulkStore, Commit, Keys, NewEntry, NewPerson, NewUser};

/// The password of every generated login (the demo's).
pub const PASSWORD: &str = tovholder_app::demo::PASSWORD;
/// The family coordinator with many open tasks ("Mine opgaver"), in the largest municipality.
pub const BUSY_COORDINATOR: &str = "travl.koordinator";

/// Courses written per transaction.
const BATCH: usize = 500;
/// Years of history.
const YEARS: i64 = 6;

#[derive(Clone, Debug)]
pub struct Options {
    pub courses: usize,
    pub seed: u64,
    /// The last day events may carry (normally today in Copenhagen).
    pub today: Date,
}

/// What was generated, for printing and for the benchmark (`--summary FILE`).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Summary {
    pub courses: usize,
    pub journal_entries: usize,
    pub logins: usize,
    pub persons: usize,
    pub by_model: BTreeMap<String, usize>,
    pub busy_coordinator: String,
    pub password: String,
    /// The busy coordinator's open tasks, counted from the generated states.
    pub busy_open_tasks: usize,
    /// A Familiens Fremtid course of the busy coordinator with meetings and plans.
    pub sample_course: i64,
    /// A surname to search for in the busy coordinator's municipality.
    pub sample_search: String,
    /// Other logins, one per kind, for benchmarks (tovholder, kontaktperson, home staff, youth team).
    pub other_logins: Vec<String>,
    pub seconds: f64,
}

/// A tiny deterministic generator (SplitMix64): the same seed gives the same data.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0 ≤ n < bound.
    fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next() % bound }
    }
    /// lo ≤ n ≤ hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// An index drawn by weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(u64::from(total)) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

const PLACE_PREFIX: &[&str] =
    &["Ege", "Lin", "Fjord", "Bakke", "Sø", "Skov", "Lyng", "Hav", "Mølle", "Strand", "Høj", "Vester", "Øster", "Nør", "Sønder", "Kilde", "Rosen", "Bøge", "Ask", "Eng", "Hvid", "Grøn", "Rav", "Sol"];
const PLACE_SUFFIX: &[&str] = &["skov", "by", "holm", "rup", "sted", "løse", "bjerg", "havn", "lev", "købing", "vig", "dal", "ager", "strup", "bæk"];
const HOMES: &[&str] = &["Fjordlyst", "Bakkely", "Strandhøj", "Skovbrynet", "Lyngholm"];
const CHILD_NAMES: &[&str] = &[
    "Emma", "Ida", "Clara", "Freja", "Alma", "Ella", "Sofie", "Anna", "Laura", "Karla", "Agnes", "Olivia", "Lærke", "Asta", "Marie", "Esther", "Nora", "Liva", "Maja", "Josefine", "William", "Noah",
    "Oscar", "Lucas", "Carl", "Victor", "Malthe", "Alfred", "Oliver", "Emil", "Aksel", "Valdemar", "Magnus", "Frederik", "August", "Elias", "Storm", "Arthur", "Johan", "Søren",
];
const ADULT_NAMES: &[&str] = &[
    "Anne", "Mette", "Hanne", "Susanne", "Camilla", "Louise", "Maria", "Pernille", "Tina", "Helle", "Birgitte", "Rikke", "Peter", "Thomas", "Jens", "Lars", "Henrik", "Martin", "Søren", "Morten",
    "Jesper", "Anders", "Michael", "Kasper", "Brian", "Jakob",
];
const SURNAMES: &[&str] = &[
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Frederiksen",
    "Lund",
    "Holm",
    "Schmidt",
    "Eriksen",
    "Kristiansen",
    "Simonsen",
    "Clausen",
    "Svendsen",
    "Andreasen",
    "Iversen",
    "Østergaard",
    "Jeppesen",
    "Vestergaard",
    "Nissen",
    "Lauridsen",
    "Kjær",
    "Jespersen",
    "Mogensen",
    "Skov",
    "Bak",
    "Nørgaard",
    "Bech",
    "Dam",
    "Søndergaard",
    "Bruun",
    "Holst",
    "Ærø",
    "Åberg",
    "Krogh",
    "Friis",
    "Kofoed",
    "Lindhardt",
    "Bøgh",
];

/// ASCII for user names and addresses: æ → ae, ø → oe, å → aa.
fn slug(s: &str) -> String {
    s.to_lowercase().replace('æ', "ae").replace('ø', "oe").replace('å', "aa").chars().filter(char::is_ascii_alphanumeric).collect()
}

#[derive(Clone, Debug)]
struct Staff {
    person: PersonId,
    name: String,
    org: OrgId,
    roles: Vec<String>,
    username: String,
}

impl Staff {
    fn actor(&self) -> Actor {
        Actor { person: self.person, org: self.org, org_roles: self.roles.clone(), department: None, deputy_for: vec![] }
    }
}

struct Muni {
    org: OrgId,
    weight: u32,
    tovholdere: Vec<Staff>,
    kontakt: Vec<Staff>,
    koordinatorer: Vec<Staff>,
    ungeteam: Vec<Staff>,
}

struct Home {
    org: OrgId,
    staff: Vec<Staff>,
}

/// The organisations and staff every course draws on.
struct World {
    munis: Vec<Muni>,
    homes: Vec<Home>,
    busy: Staff,
    /// The chance that a Familiens Fremtid course is the busy coordinator's (in the largest municipality).
    busy_share: f64,
    jmh: Arc<Model>,
    ff: Arc<Model>,
    bu: Arc<Model>,
    keys: Keys,
    today: Date,
    start: Date,
    tz: TimeZone,
}

/// Fills an empty store. Prints progress to stderr.
pub async fn generate(store: Arc<dyn BulkStore>, keys: &Keys, models: &Models, opts: &Options) -> anyhow::Result<Summary> {
    let t0 = Instant::now();
    if !store.orgs().await?.is_empty() {
        bail!("the store is not empty: generate into a new database");
    }
    let model = |id: &str| models.get(id).with_context(|| format!("the built-in model {id} is missing"));
    let (jmh, ff, bu) = (model("julemaerkehjem")?, model("familiens_fremtid")?, model("ballerup_unge")?);
    let mut rng = Rng::new(opts.seed);
    let world = Arc::new(staff(store.as_ref(), keys, &mut rng, opts, jmh, ff, bu).await?);
    let logins = world.munis.iter().map(|m| m.tovholdere.len() + m.kontakt.len() + m.koordinatorer.len() + m.ungeteam.len()).sum::<usize>() + world.homes.iter().map(|h| h.staff.len()).sum::<usize>();
    eprintln!("generate: {} organisations, {logins} logins ({:.1} s)", world.munis.len() + world.homes.len(), t0.elapsed().as_secs_f64());

    let mut summary = Summary { logins, busy_coordinator: BUSY_COORDINATOR.into(), password: PASSWORD.into(), ..Summary::default() };
    summary.other_logins =
        vec![world.munis[0].tovholdere[0].username.clone(), world.munis[0].kontakt[0].username.clone(), world.homes[0].staff[0].username.clone(), world.munis[0].ungeteam[0].username.clone()];
    let n = opts.courses;
    // The previous batch is written while the next is simulated.
    let mut pending: Option<tokio::task::JoinHandle<anyhow::Result<Vec<CourseId>>>> = None;
    let mut pending_meta: Vec<CourseMeta> = Vec::new();
    let mut done = 0usize;
    let mut last_report = Instant::now();
    for first in (0..n).step_by(BATCH) {
        let last = (first + BATCH).min(n);
        // The family of each course first: their ids go into the events.
        let w = world.clone();
        let seed = opts.seed;
        let plans = tokio::task::spawn_blocking(move || (first..last).map(|i| plan_course(&w, seed, i, n)).collect::<anyhow::Result<Vec<CoursePlan>>>()).await??;
        let people: Vec<NewPerson> = plans.iter().flat_map(|p| p.family.iter().map(|f| f.person.clone())).collect();
        let ids = store.add_persons(&people).await?;
        summary.persons += ids.len();
        let mut ids = ids.into_iter();
        let mut plans = plans;
        for p in &mut plans {
            for f in &mut p.family {
                f.id = ids.next().ok_or_else(|| anyhow!("the store returned too few person ids"))?;
            }
        }
        let w = world.clone();
        let built = tokio::task::spawn_blocking(move || plans.into_iter().map(|p| simulate(&w, p)).collect::<anyhow::Result<Vec<(Commit, CourseMeta)>>>()).await??;
        if let Some(h) = pending.take() {
            let ids = h.await??;
            done += ids.len();
            for (id, meta) in ids.into_iter().zip(pending_meta.drain(..)) {
                note(&mut summary, id, meta);
            }
        }
        let (commits, metas): (Vec<Commit>, Vec<CourseMeta>) = built.into_iter().unzip();
        pending_meta = metas;
        let s = store.clone();
        pending = Some(tokio::spawn(async move { Ok(s.create_courses(&commits).await?) }));
        if last_report.elapsed().as_secs() >= 10 {
            eprintln!("generate: {done} of {n} courses ({:.0} s)", t0.elapsed().as_secs_f64());
            last_report = Instant::now();
        }
    }
    if let Some(h) = pending.take() {
        let ids = h.await??;
        for (id, meta) in ids.into_iter().zip(pending_meta.drain(..)) {
            note(&mut summary, id, meta);
        }
    }
    store.after_bulk_load().await?;
    if summary.sample_search.is_empty() {
        summary.sample_search = "hansen".into();
    }
    summary.seconds = t0.elapsed().as_secs_f64();
    Ok(summary)
}

fn note(summary: &mut Summary, id: CourseId, meta: CourseMeta) {
    summary.courses += 1;
    summary.journal_entries += meta.entries;
    *summary.by_model.entry(meta.model).or_default() += 1;
    summary.busy_open_tasks += meta.busy_open_tasks;
    if meta.busy_rich {
        summary.sample_course = id.0;
    }
    if let Some(s) = meta.searchable {
        summary.sample_search = s;
    }
}

/// The municipalities, homes and their staff, with logins (one password hash for all: argon2 is slow on purpose).
async fn staff(store: &dyn BulkStore, keys: &Keys, rng: &mut Rng, opts: &Options, jmh: Arc<Model>, ff: Arc<Model>, bu: Arc<Model>) -> anyhow::Result<World> {
    let hash = tovholder_app::passwords::hash_password(PASSWORD).map_err(|e| anyhow!("{e}"))?;
    let mut names = Vec::new();
    for p in PLACE_PREFIX {
        for s in PLACE_SUFFIX {
            names.push(format!("{p}{s}"));
        }
    }
    // A fixed shuffle of the place names, then the first 98.
    for i in (1..names.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        names.swap(i, j);
    }
    struct Pending {
        username: String,
        name: String,
        org: usize,
        roles: Vec<String>,
        kind: u8,
    }
    let mut orgs = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut weights = Vec::new();
    for (i, place) in names.iter().take(98).enumerate() {
        let org_name = format!("{place} Kommune");
        orgs.push(store.add_org(&org_name, "kommune").await?);
        // A few large municipalities, many small: weight ~ 1 / rank^0.8.
        let w = (1000.0 / ((i + 1) as f64).powf(0.8)) as u32;
        weights.push(w.max(1));
        let rel = f64::from(w) / 1000.0;
        let count = |base: f64, extra: f64| (base + extra * rel).round() as usize;
        let s = slug(place);
        let mut add = |role: &str, what: &str, n: usize, kind: u8, rng: &mut Rng| {
            for k in 1..=n {
                let name = format!("{} {}", rng.pick(ADULT_NAMES), rng.pick(SURNAMES));
                pending.push(Pending { username: format!("{s}.{what}{k}"), name, org: i, roles: if role.is_empty() { vec![] } else { vec![role.to_string()] }, kind });
            }
        };
        add("tovholder", "tovholder", count(1.0, 3.0), 0, rng);
        add("raadgiver", "kontakt", count(2.0, 14.0), 1, rng);
        add("familiekoordinator", "koordinator", count(2.0, 6.0), 2, rng);
        add("ungeteam", "ungeteam", count(1.0, 6.0), 3, rng);
    }
    pending.push(Pending { username: BUSY_COORDINATOR.into(), name: "Trine Vestergaard Holm".into(), org: 0, roles: vec!["familiekoordinator".into()], kind: 4 });
    let muni_count = orgs.len();
    for (h, home) in HOMES.iter().enumerate() {
        orgs.push(store.add_org(&format!("Julemærkehjemmet {home}"), "julemaerkehjem").await?);
        for k in 1..=8 {
            let name = format!("{} {}", rng.pick(ADULT_NAMES), rng.pick(SURNAMES));
            pending.push(Pending { username: format!("{}.personale{k}", slug(home)), name, org: muni_count + h, roles: vec!["personale".into()], kind: 5 });
        }
    }
    let persons: Vec<NewPerson> = pending
        .iter()
        .map(|p| NewPerson { name: p.name.clone(), email: Some(format!("{}@{}.example", p.username, if p.org < muni_count { "kommune" } else { "jmh" })), org: Some(orgs[p.org]), cpr: None })
        .collect();
    let ids = store.add_persons(&persons).await?;
    let mut munis: Vec<Muni> = (0..muni_count).map(|i| Muni { org: orgs[i], weight: weights[i], tovholdere: vec![], kontakt: vec![], koordinatorer: vec![], ungeteam: vec![] }).collect();
    let mut homes: Vec<Home> = (0..HOMES.len()).map(|h| Home { org: orgs[muni_count + h], staff: vec![] }).collect();
    let mut busy = None;
    for (p, id) in pending.into_iter().zip(ids) {
        store.add_user(&NewUser { person: id, username: p.username.clone(), password_hash: hash.clone(), org_roles: p.roles.clone(), department: None, instance_admin: false, active: true }).await?;
        let s = Staff { person: id, name: p.name, org: orgs[p.org], roles: p.roles, username: p.username };
        match p.kind {
            0 => munis[p.org].tovholdere.push(s),
            1 => munis[p.org].kontakt.push(s),
            2 => munis[p.org].koordinatorer.push(s),
            3 => munis[p.org].ungeteam.push(s),
            4 => busy = Some(s),
            _ => homes[p.org - muni_count].staff.push(s),
        }
    }
    let busy = busy.ok_or_else(|| anyhow!("the busy coordinator was not made"))?;
    // About 40 of the busy coordinator's courses are active (the last nine months) at any scale.
    let ff_recent = opts.courses as f64 * FF_SHARE * 0.75 / YEARS as f64;
    let busy_share = if ff_recent > 0.0 { (40.0 / ff_recent).min(1.0) } else { 1.0 };
    let start = opts.today.checked_sub((YEARS * 365).days())?;
    Ok(World { munis, homes, busy, busy_share, jmh, ff, bu, keys: keys.clone(), today: opts.today, start, tz: copenhagen()? })
}

const JMH_SHARE: f64 = 0.045;
const FF_SHARE: f64 = 0.30;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Jmh,
    Ff,
    Bu,
}

struct FamilyMember {
    person: NewPerson,
    id: PersonId,
    role: &'static str,
    name: String,
    born: Option<Date>,
    custody: Option<bool>,
}

/// One course before its events: who, where, when it begins, how far it is meant to go.
struct CoursePlan {
    rng: Rng,
    kind: Kind,
    muni: usize,
    home: usize,
    begin: Date,
    family: Vec<FamilyMember>,
    /// A Familiens Fremtid course of the busy coordinator.
    busy: bool,
}

/// What the summary needs from each course.
struct CourseMeta {
    model: String,
    entries: usize,
    busy_open_tasks: usize,
    busy_rich: bool,
    searchable: Option<String>,
}

fn plan_course(w: &World, seed: u64, i: usize, n: usize) -> anyhow::Result<CoursePlan> {
    let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // Course i begins at its place in the six years, so ids grow with time as in real use.
    let span = (w.today - w.start).get_days() as f64;
    let offset = ((i as f64 + 0.5) / n.max(1) as f64 * span) as i64;
    let begin = w.start.checked_add(offset.days())?;
    let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    let kind = if x < JMH_SHARE {
        Kind::Jmh
    } else if x < JMH_SHARE + FF_SHARE {
        Kind::Ff
    } else {
        Kind::Bu
    };
    let weights: Vec<u32> = w.munis.iter().map(|m| m.weight).collect();
    let mut muni = rng.weighted(&weights);
    // The busy coordinator's courses are in the largest municipality.
    let busy = kind == Kind::Ff && rng.chance(w.busy_share);
    if busy {
        muni = 0;
    }
    let home = rng.below(w.homes.len() as u64) as usize;
    let surname = rng.pick(SURNAMES).to_string();
    let mut family = Vec::new();
    let mut member = |rng: &mut Rng, role: &'static str, child: bool, cpr: bool, email: bool, custody: Option<bool>| -> anyhow::Result<()> {
        let first = if child { *rng.pick(CHILD_NAMES) } else { *rng.pick(ADULT_NAMES) };
        let name = format!("{first} {surname}");
        let age = if child { rng.range(7, 16) } else { rng.range(28, 52) };
        let born = begin.checked_sub((age * 365 + rng.range(0, 364)).days())?;
        let cpr = if cpr { Some(fictitious_cpr(rng, born)?) } else { None };
        let sealed = cpr.as_ref().map(|c| w.keys.seal_cpr(c)).transpose()?;
        let email = email.then(|| format!("{}.{}{}@familie.example", slug(first), slug(&surname), rng.below(1000)));
        family.push(FamilyMember { person: NewPerson { name: name.clone(), email, org: None, cpr: sealed }, id: PersonId(0), role, name, born: child.then_some(born), custody });
        Ok(())
    };
    match kind {
        Kind::Jmh => {
            member(&mut rng, "barn", true, true, false, None)?;
            for _ in 0..rng.range(1, 2) {
                member(&mut rng, "foraelder", false, false, true, Some(true))?;
            }
        }
        Kind::Ff => {
            for _ in 0..rng.range(1, 2) {
                member(&mut rng, "voksen", false, true, true, Some(true))?;
            }
            for _ in 0..rng.range(1, 3) {
                member(&mut rng, "barn", true, true, false, None)?;
            }
        }
        Kind::Bu => {
            member(&mut rng, "ung", true, true, true, None)?;
            for _ in 0..rng.range(1, 2) {
                member(&mut rng, "foraelder", false, false, true, Some(true))?;
            }
        }
    }
    Ok(CoursePlan { rng, kind, muni, home, begin, family, busy })
}

/// A random CPR number for someone born on `born`: the serial's first digit gives the century
/// as CPR-kontoret's rule says; the rest is random, so it is valid-looking and made up.
fn fictitious_cpr(rng: &mut Rng, born: Date) -> anyhow::Result<Cpr> {
    let y = born.year();
    let first = match y {
        1900..=1999 => rng.range(0, 3),
        2000..=2036 => *rng.pick(&[4, 9]),
        _ => rng.range(5, 8),
    };
    let s = format!("{:02}{:02}{:02}-{first}{:03}", born.day(), born.month(), y % 100, rng.below(1000));
    Cpr::parse(&s).map_err(|e| anyhow!("generated CPR number did not parse: {e}"))
}

/// One course being played forward in time, command by command.
struct Sim<'a> {
    model: &'a Model,
    state: CourseState,
    entries: Vec<NewEntry>,
    blobs: Vec<Blob>,
    today: Date,
    /// The last stamp, so entries keep their order.
    clock: Timestamp,
    tz: TimeZone,
}

impl Sim<'_> {
    /// Runs a command as `actor` on `day` (its `today`); false if the day has not come yet.
    fn act(&mut self, actor: &Actor, day: Date, f: impl FnOnce(&Ctx) -> Result<Vec<Event>, CommandError>) -> anyhow::Result<bool> {
        if day > self.today {
            return Ok(false);
        }
        let ctx = Ctx { model: self.model, state: &self.state, actor, today: day };
        let events = f(&ctx).map_err(|e| match e {
            CommandError::Invalid(errs) => anyhow!("{}: {:?}", self.model.id, errs),
            CommandError::Denied(d) => anyhow!("{}: denied: {}", self.model.id, d.reason.code()),
        })?;
        self.record(actor.person, day, events)?;
        Ok(true)
    }

    fn record(&mut self, by: PersonId, day: Date, events: Vec<Event>) -> anyhow::Result<()> {
        let at = day.at(8, 0, 0, 0).to_zoned(self.tz.clone())?.timestamp();
        let at = if at > self.clock { at } else { self.clock.checked_add(jiff::SignedDuration::from_secs(97))? };
        self.clock = at;
        let stamp = Stamp { at, by };
        for e in events {
            self.state.apply(&stamp, &e);
            self.entries.push(NewEntry { stamp: stamp.clone(), event: e });
        }
        Ok(())
    }

    /// A text document (kind, title, content) as `commands::NewDocument`, its blob kept.
    fn document(&mut self, kind: &str, title: &str, text: &str) -> commands::NewDocument {
        let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        if !self.blobs.iter().any(|b| b.sha256 == sha256) {
            self.blobs.push(Blob { sha256: sha256.clone(), bytes: text.as_bytes().to_vec() });
        }
        commands::NewDocument { kind: kind.into(), title: title.into(), sha256, content_type: "text/plain; charset=utf-8".into(), filename: None, size: text.len() as u64 }
    }

    fn last_doc(&self) -> u32 {
        self.state.documents.iter().map(|d| d.meta.doc).max().unwrap_or(0)
    }
}

fn add_days(d: Date, n: i64) -> anyhow::Result<Date> {
    Ok(d.checked_add(n.days())?)
}

fn open(sim: &mut Sim, actor: &Actor, day: Date, parties: BTreeMap<String, OrgId>, plan: &CoursePlan, dates: BTreeMap<String, Date>, decisions: BTreeMap<String, String>) -> anyhow::Result<()> {
    let input = commands::OpenCourse {
        parties,
        family: plan.family.iter().map(|f| commands::FamilyMember { person: f.id, role: f.role.into(), custody: f.custody, born: f.born }).collect(),
        dates,
        decisions,
    };
    let events = commands::open_course(sim.model, actor, &input, day).map_err(|e| anyhow!("{}: cannot open: {e}", sim.model.id))?;
    sim.record(actor.person, day, events)
}

fn simulate(w: &World, plan: CoursePlan) -> anyhow::Result<(Commit, CourseMeta)> {
    let model = match plan.kind {
        Kind::Jmh => w.jmh.clone(),
        Kind::Ff => w.ff.clone(),
        Kind::Bu => w.bu.clone(),
    };
    let mut sim = Sim { model: &model, state: CourseState::default(), entries: vec![], blobs: vec![], today: w.today, clock: Timestamp::UNIX_EPOCH, tz: w.tz.clone() };
    let mut rng = plan.rng.clone();
    let mut busy = false;
    let mut rich = false;
    match plan.kind {
        Kind::Jmh => jmh(w, &mut sim, &mut rng, &plan)?,
        Kind::Ff => (busy, rich) = ff(w, &mut sim, &mut rng, &plan)?,
        Kind::Bu => bu(w, &mut sim, &mut rng, &plan)?,
    }
    let busy_open_tasks = if busy {
        tasks::tasks(&model, &sim.state).iter().filter(|t| t.done.is_none() && t.owners.iter().any(|o| matches!(o, tasks::Owner::Person { person, .. } if *person == w.busy.person))).count()
    } else {
        0
    };
    let searchable = (busy && rich).then(|| plan.family.first().map(|f| f.name.split_whitespace().last().unwrap_or_default().to_lowercase())).flatten();
    let meta = CourseMeta { model: model.id.clone(), entries: sim.entries.len(), busy_open_tasks, busy_rich: busy && rich, searchable };
    let Sim { state, entries, blobs, .. } = sim;
    let commit = tovholder_app::actions::commit(&model, state, entries, vec![], blobs);
    Ok((commit, meta))
}

/// A Julemærkehjem stay: application, tilsagn, call-in with the dates, the letters to the
/// municipality, the kontaktperson, the statement and action plan, and the follow-up contact.
fn jmh(w: &World, sim: &mut Sim, rng: &mut Rng, plan: &CoursePlan) -> anyhow::Result<()> {
    let home = &w.homes[plan.home];
    let muni = &w.munis[plan.muni];
    let personale = rng.pick(&home.staff).clone();
    let pa = personale.actor();
    let applied = plan.begin;
    let yes = rng.chance(0.9);
    let parties: BTreeMap<String, OrgId> = [("home".to_string(), home.org), ("municipality".to_string(), muni.org)].into();
    open(sim, &pa, applied, parties, plan, [("ansoegning".to_string(), applied)].into(), [("samarbejde".to_string(), if yes { "ja" } else { "nej" }.to_string())].into())?;
    let tilsagn = add_days(applied, rng.range(5, 13))?;
    if !sim.act(&pa, tilsagn, |c| commands::set_dates(c, &[("tilsagn".to_string(), tilsagn)].into(), None))? {
        return Ok(());
    }
    if !yes {
        let day = add_days(applied, rng.range(7, 20))?;
        let kp = rng.pick(&home.staff).clone();
        sim.act(&pa, day, |c| commands::appoint(c, "kontaktpaedagog", kp.person, kp.org, None))?;
        sim.act(&kp.actor(), add_days(day, 1)?, |c| commands::complete_task(c, "opfoelg_nej", "fortsat_nej", Some("Familien ønsker fortsat ikke samarbejdet.".into())))?;
        return Ok(());
    }
    let called = add_days(tilsagn, rng.range(7, 21))?;
    let start = working_day_on_or_after(add_days(called, rng.range(75, 110))?).ok_or_else(|| anyhow!("no working day"))?;
    let end = add_days(start, 67)?;
    let opf = commands::suggest_date(sim.model, &[("ophold_slut".to_string(), end)].into(), "opfoelgningsdag", end).ok_or_else(|| anyhow!("no opfølgningsdag"))?;
    let forbesoeg = working_day_on_or_before(start.checked_sub(2.months())?).ok_or_else(|| anyhow!("no working day"))?;
    let dates: BTreeMap<String, Date> = [
        ("indkaldelse", called),
        ("forbesoeg", forbesoeg),
        ("infodag", add_days(forbesoeg, 14)?),
        ("ophold_start", start),
        ("ophold_slut", end),
        ("foraeldredag", add_days(start, 28)?),
        ("slutsamtale", add_days(end, -1)?),
        ("opfoelgningsdag", opf),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let kp = rng.pick(&home.staff).clone();
    let before = sim.state.clone();
    if !sim.act(&pa, called, |c| {
        let mut evs = commands::set_dates(c, &dates, None)?;
        let mut st = c.state.clone();
        let stamp = Stamp { at: Timestamp::UNIX_EPOCH, by: c.actor.person };
        evs.iter().for_each(|e| st.apply(&stamp, e));
        let ctx = Ctx { model: c.model, state: &st, actor: c.actor, today: c.today };
        evs.extend(commands::appoint(&ctx, "kontaktpaedagog", kp.person, kp.org, None)?);
        Ok(evs)
    })? {
        return Ok(());
    }
    // The letters the call-in sets off, as the web layer writes them, to the municipality's tovholdere.
    let names: HashMap<PersonId, String> = plan.family.iter().map(|f| (f.id, f.name.clone())).chain([(kp.person, kp.name.clone())]).collect();
    let title = plan.family.first().map(|f| f.name.clone()).unwrap_or_default();
    let letters: Vec<_> = tovholder_core::letters::triggered(sim.model, &before, &sim.state).into_iter().cloned().collect();
    for letter in letters {
        let text = tovholder_core::letters::render(sim.model, &sim.state, &letter, &names, &title);
        let doc = sim.document(&letter.document, &letter.title, &text);
        let meta = commands::document_meta(&sim.state, &pa, doc);
        let id = meta.doc;
        let to: Vec<Recipient> = muni.tovholdere.iter().map(|t| Recipient { person: t.person, role: "tovholder".into() }).collect();
        sim.record(pa.person, called, vec![Event::DocumentAdded(meta), Event::DocumentSent { doc: id, to, forwarded: false }])?;
    }
    let tov = rng.pick(&muni.tovholdere).clone();
    let kontakt = rng.pick(&muni.kontakt).clone();
    let appointed = add_days(called, rng.range(2, 12))?;
    let offer = "Familien tilbydes et forløb i Familiehuset efter opholdet, og skolen er orienteret om opholdet.";
    if !sim.act(&tov.actor(), appointed, |c| {
        let mut evs = commands::appoint(c, "kontaktperson", kontakt.person, kontakt.org, None)?;
        let mut st = c.state.clone();
        let stamp = Stamp { at: Timestamp::UNIX_EPOCH, by: c.actor.person };
        evs.iter().for_each(|e| st.apply(&stamp, e));
        let ctx = Ctx { model: c.model, state: &st, actor: c.actor, today: c.today };
        evs.extend(commands::record_field(&ctx, "aktiviteter", offer)?);
        Ok(evs)
    })? {
        return Ok(());
    }
    let written = add_days(end, rng.range(1, 6))?;
    for (kind, title, text) in [("udtalelse", "Udtalelse efter opholdet", UDTALELSE), ("handleplan", "Handleplan lavet med familien", HANDLEPLAN)] {
        let doc = sim.document(kind, title, text);
        if !sim.act(&kp.actor(), written, |c| commands::add_document(c, doc))? {
            return Ok(());
        }
        let id = sim.last_doc();
        sim.act(&kp.actor(), written, |c| commands::send_document(c, id, vec![Recipient { person: tov.person, role: "tovholder".into() }]))?;
    }
    let forwarded = add_days(written, rng.range(2, 7))?;
    let docs: Vec<u32> = sim.state.documents.iter().filter(|d| d.meta.kind == "udtalelse" || d.meta.kind == "handleplan").map(|d| d.meta.doc).collect();
    for doc in docs {
        if !sim.act(&tov.actor(), forwarded, |c| commands::send_document(c, doc, vec![Recipient { person: kontakt.person, role: "kontaktperson".into() }]))? {
            return Ok(());
        }
    }
    if rng.chance(0.93) {
        let day = add_days(opf, rng.range(1, 6))?;
        let outcome = if rng.chance(0.6) { "kontakt_holdt" } else { "ikke_noedvendigt" };
        sim.act(&kontakt.actor(), day, |c| commands::complete_task(c, "kontakt_efter_opfoelgning", outcome, None))?;
    }
    Ok(())
}

const UDTALELSE: &str = "Barnet har haft et godt ophold. Barnet har fundet gode venner, deltaget i idræt hver dag og spiser nu varieret. Vi anbefaler, at familien fortsætter de faste måltider og den daglige bevægelse.\n";
const HANDLEPLAN: &str = "Mål: Barnet trives i skolen og bevæger sig mindst en time om dagen.\nFamilien: faste måltider og en aktivitet sammen i weekenden.\nKommunen: kontaktpersonen følger op med familien efter opfølgningsdagen.\n";
const PLACE: &str = "Rådhuset, mødelokale 2";

fn who(p: PersonId) -> Who {
    Who::Person(p)
}

/// Closes every open cadence task (the family is called) and every open agreement: the course ends.
fn wind_up(sim: &mut Sim, actor: &Actor, day: Date, cadence: &str) -> anyhow::Result<()> {
    let open: Vec<String> = tasks::tasks(sim.model, &sim.state).into_iter().filter(|t| t.done.is_none() && t.id.starts_with(cadence)).map(|t| t.id).collect();
    for id in open {
        sim.act(actor, day, |c| commands::complete_task(c, &id, "ringet", Some("Forløbet er afsluttet.".into())))?;
    }
    let agreements: Vec<u32> = sim.state.agreements.iter().filter(|a| a.status == tovholder_core::family_plan::AgreementStatus::Open).map(|a| a.form.agreement).collect();
    for a in agreements {
        sim.act(actor, day, |c| commands::close_agreement(c, a, true, None))?;
    }
    Ok(())
}

/// A meeting on `day` at 9:00, planned `ahead` days before; minutes on the day; agreements.
#[allow(clippy::too_many_arguments)]
fn meeting(sim: &mut Sim, rng: &mut Rng, actor: &Actor, kind: &str, day: Date, ahead: i64, attendees: Vec<Who>, agreements: &[(&str, Who)], invite: bool) -> anyhow::Result<Option<u32>> {
    let planned = add_days(day, -ahead)?;
    let input = commands::MeetingInput { meeting: None, kind: kind.into(), start: Some(day.at(9, 0, 0, 0)), minutes: None, place: PLACE.into(), attendees: attendees.clone(), agenda: None };
    if !sim.act(actor, planned, |c| commands::plan_meeting(c, input))? {
        return Ok(None);
    }
    let id = sim.state.meetings.iter().map(|m| m.id).max().unwrap_or(0);
    if invite {
        sim.act(actor, planned, |c| commands::send_invitations(c, id))?;
    }
    // Agreements from the last meeting are followed up at this one.
    let open: Vec<u32> = sim.state.agreements.iter().filter(|a| a.status == tovholder_core::family_plan::AgreementStatus::Open).map(|a| a.form.agreement).collect();
    let minutes = Minutes {
        present: attendees.iter().copied().filter(|w| matches!(w, Who::Person(_))).collect(),
        story: "Familien fortæller om hverdagen: morgenerne er svære, men weekenderne går bedre.".into(),
        best_hope: "At der kommer mere ro på hjemme, og at skolen fungerer.".into(),
        rounds: vec![],
        dialogue: "Netværket drøftede, hvad der virker, og hvad der kan gøres anderledes.".into(),
    };
    if !sim.act(actor, day, |c| commands::record_minutes(c, id, minutes))? {
        return Ok(Some(id));
    }
    for a in open {
        let done = rng.chance(0.8);
        sim.act(actor, day, |c| commands::close_agreement(c, a, done, None))?;
    }
    for (what, responsible) in agreements {
        let due = add_days(day, rng.range(14, 42))?;
        sim.act(actor, day, |c| commands::make_agreement(c, Some(id), what, Some(*responsible), Some(due)))?;
    }
    Ok(Some(id))
}

/// A Familiens Fremtid course: visitation, screening, consent, network, network-meeting rounds
/// with agreements, goals, measurements and plan versions sent to the meeting leader; for
/// finished courses the exit. Returns (the busy coordinator's, has meetings and plans).
fn ff(w: &World, sim: &mut Sim, rng: &mut Rng, plan: &CoursePlan) -> anyhow::Result<(bool, bool)> {
    let muni = &w.munis[plan.muni];
    let fk = rng.pick(&muni.koordinatorer).clone();
    let busy = plan.busy;
    let koordinator = if busy { w.busy.clone() } else { rng.pick(&muni.koordinatorer).clone() };
    let leader = muni.koordinatorer.iter().find(|s| s.person != koordinator.person).unwrap_or(&fk).clone();
    let fa = fk.actor();
    let ka = koordinator.actor();
    let v = plan.begin;
    open(sim, &fa, v, [("kommune".to_string(), muni.org)].into(), plan, [("visiteret".to_string(), v)].into(), BTreeMap::new())?;
    sim.act(&fa, v, |c| commands::appoint(c, "koordinator", koordinator.person, koordinator.org, None))?;
    if leader.person != koordinator.person {
        sim.act(&fa, v, |c| commands::appoint(c, "moedeleder", leader.person, leader.org, None))?;
    }
    sim.act(&ka, v, |c| commands::set_phase(c, "visitation", v))?;
    let trust = add_days(v, 7)?;
    sim.act(&ka, trust, |c| commands::set_phase(c, "tillid", trust))?;
    let screened = add_days(v, rng.range(10, 28))?;
    if rng.chance(0.12) {
        sim.act(&ka, screened, |c| commands::complete_task(c, "screening", "fravalgt", None))?;
        return Ok((busy, false));
    }
    if !sim.act(&ka, screened, |c| commands::complete_task(c, "screening", "holdt", None))? {
        return Ok((busy, false));
    }
    sim.act(&ka, screened, |c| commands::set_phase(c, "udredning", screened))?;
    let adults: Vec<PersonId> = plan.family.iter().filter(|f| f.role == "voksen").map(|f| f.id).collect();
    let children: Vec<PersonId> = plan.family.iter().filter(|f| f.role == "barn").map(|f| f.id).collect();
    let purpose = sim.model.consent.as_ref().map(|c| c.purpose.clone()).unwrap_or_default();
    let consent = commands::ConsentInput {
        giver: adults[0],
        about: children.clone(),
        recipients: vec![ConsentRecipient { org: muni.org, department: Some("Folkeskole".into()) }, ConsentRecipient { org: muni.org, department: Some("Sundhedsplejen".into()) }],
        network: vec![],
        kinds: vec!["forloeb".into(), "familieplan".into()],
        purpose,
        valid_from: screened,
        valid_to: add_days(screened, 700)?,
    };
    sim.act(&ka, screened, |c| commands::record_consent(c, consent))?;
    sim.act(&ka, screened, |c| commands::sign_consent(c, 1, adults[0], "på papir ved screeningsmødet", screened))?;
    let granny = NetworkEntry { entry: 0, quadrant: Quadrant::Familie, name: "Mormor".into(), relation: "Mormor".into(), email: String::new(), phone: String::new(), person: None };
    sim.act(&ka, screened, |c| commands::set_network(c, granny, true))?;
    let rounds = [0, 0, 0, 1, 1, 1, 2, 3][rng.below(8) as usize];
    let mut day = working_day_on_or_after(add_days(screened, rng.range(28, 45))?).ok_or_else(|| anyhow!("no working day"))?;
    let mut rich = false;
    let mut finished = true;
    let phases = ["plan_1", "plan_2", "opfoelgning", "opfoelgning"];
    let mut attendees: Vec<Who> = adults.iter().map(|p| who(*p)).collect();
    attendees.extend([who(koordinator.person), Who::Network(1)]);
    if leader.person != koordinator.person {
        attendees.push(who(leader.person));
    }
    for (r, phase) in phases.iter().enumerate().take(rounds) {
        let agreements =
            [("Forælderen kontakter skolen om fremmødet", who(adults[0])), ("Koordinatoren samler netværkets tilbud", who(koordinator.person)), ("Mormor henter i SFO om torsdagen", Who::Network(1))];
        let n_agree = rng.range(1, 3) as usize;
        let ahead = rng.range(14, 24);
        let Some(m) = meeting(sim, rng, &ka, "netvaerksmoede", day, ahead, attendees.clone(), &agreements[..n_agree], true)? else {
            finished = false;
            break;
        };
        if day > w.today {
            finished = false;
            break;
        }
        if sim.state.phase().is_none_or(|(p, _)| p != *phase) {
            sim.act(&ka, day, |c| commands::set_phase(c, phase, day))?;
        }
        if r == 0 {
            for (text, when) in [("Mikkel kommer i skole hver dag", "inden sommerferien"), ("Mere ro om morgenen", "inden jul")] {
                let g = commands::GoalInput { goal: None, parent: None, text: text.into(), when: when.into(), who: "Familien".into(), criteria: String::new(), reached: false };
                sim.act(&ka, day, |c| commands::set_goal(c, g))?;
            }
        }
        let value = format!("{}", rng.range(2, 35));
        sim.act(&ka, day, |c| commands::measure(c, "fravaer", children.first().copied(), Some(day), &value))?;
        // The plan within a week, sent to the meeting leader.
        let issued = add_days(day, rng.range(1, 6))?;
        let version = tovholder_core::family_plan::next_version(&sim.state.plans);
        let text = format!("Familieplan {version}\nAftaler, netværk, mål og indsatser fra netværksmødet.\n");
        let doc = sim.document("familieplan", &format!("Familieplan {version}"), &text);
        if !sim.act(&ka, issued, |c| commands::issue_plan(c, doc, Some(m)))? {
            finished = false;
            break;
        }
        rich = true;
        if leader.person != koordinator.person {
            let id = sim.last_doc();
            let candidates = [commands::Candidate { person: leader.person, org: leader.org, department: None }];
            sim.act(&ka, issued, |c| commands::send_plan(c, id, &candidates))?;
        }
        day = working_day_on_or_after(add_days(day, rng.range(63, 84))?).ok_or_else(|| anyhow!("no working day"))?;
    }
    // Finished courses end some weeks after their last round.
    let end = add_days(day, rng.range(-40, -20))?;
    if finished && end <= w.today && end < add_days(v, 700)? && rng.chance(0.9) {
        let ended = end.max(add_days(v, 1)?);
        if sim.act(&ka, ended, |c| commands::set_dates(c, &[("udsluset".to_string(), ended)].into(), None))? {
            if sim.state.phase().is_none_or(|(p, on)| p != "udslusning" && on <= ended) {
                sim.act(&ka, ended, |c| commands::set_phase(c, "udslusning", ended))?;
            }
            wind_up(sim, &ka, ended, "naeste_netvaerksmoede:")?;
        }
    }
    Ok((busy, rich))
}

/// A Ballerup youth course: the report, the caseworker, the first contact, a start meeting and
/// follow-up meetings every 6–12 weeks with agreements, goals and absence measured.
fn bu(w: &World, sim: &mut Sim, rng: &mut Rng, plan: &CoursePlan) -> anyhow::Result<()> {
    let muni = &w.munis[plan.muni];
    let team = rng.pick(&muni.ungeteam).clone();
    let caseworker = rng.pick(&muni.ungeteam).clone();
    let ta = team.actor();
    let ca = caseworker.actor();
    let u = plan.begin;
    open(sim, &ta, u, [("kommune".to_string(), muni.org)].into(), plan, [("underretning".to_string(), u)].into(), BTreeMap::new())?;
    sim.act(&ta, u, |c| commands::appoint(c, "sagsbehandler", caseworker.person, caseworker.org, None))?;
    let first = add_days(u, rng.range(2, 12))?;
    if !sim.act(&ca, first, |c| commands::set_dates(c, &[("foerste_kontakt".to_string(), first)].into(), None))? {
        return Ok(());
    }
    let youth = plan.family.iter().find(|f| f.role == "ung").map(|f| f.id).ok_or_else(|| anyhow!("no youth"))?;
    let parents: Vec<Who> = plan.family.iter().filter(|f| f.role == "foraelder").map(|f| who(f.id)).collect();
    let meetings = [0, 0, 0, 0, 0, 1, 1, 2][rng.below(8) as usize];
    let mut day = working_day_on_or_after(add_days(first, rng.range(14, 28))?).ok_or_else(|| anyhow!("no working day"))?;
    let mut attendees = vec![who(youth), who(caseworker.person)];
    attendees.extend(parents.iter().copied());
    for k in 0..meetings {
        let kind = if k == 0 { "startmoede" } else { "opfoelgningsmoede" };
        let agreements = [("Den unge møder i skole hver dag i næste uge", who(youth)), ("Sagsbehandleren taler med skolen om et fleksskema", who(caseworker.person))];
        let n = rng.range(1, 2) as usize;
        let ahead = rng.range(7, 14);
        if meeting(sim, rng, &ca, kind, day, ahead, attendees.clone(), &agreements[..n], false)?.is_none() || day > w.today {
            return Ok(());
        }
        if k == 0 {
            let g = commands::GoalInput {
                goal: None,
                parent: None,
                text: "At komme i skole hver dag".into(),
                when: "inden jul".into(),
                who: "Den unge".into(),
                criteria: "Fravær under 10 %".into(),
                reached: false,
            };
            sim.act(&ca, day, |c| commands::set_goal(c, g))?;
            let doc = sim.document("plan", "Plan for den unge 1.0", "Plan for den unge 1.0\nMål, delmål og aftaler fra startmødet.\n");
            sim.act(&ca, day, |c| commands::issue_plan(c, doc, None))?;
        }
        let value = format!("{}", rng.range(3, 45));
        sim.act(&ca, day, |c| commands::measure(c, "fravaer", Some(youth), Some(day), &value))?;
        day = working_day_on_or_after(add_days(day, rng.range(42, 80))?).ok_or_else(|| anyhow!("no working day"))?;
    }
    // Finished: the caseworker closes the last call task and the agreements.
    let end = add_days(day, -rng.range(14, 30))?;
    if end <= w.today && rng.chance(0.9) {
        wind_up(sim, &ca, end.max(first), "ring_til_familien:")?;
    }
    Ok(())
}
