//! The store story: one scenario every backend must pass, written once against the trait.
//! Each backend's tests call `run` on a fresh store. Checks return a message instead of
//! panicking, so this module can live outside `cfg(test)`.

use jiff::Timestamp;
use jiff::civil::date;
use tovholder_core::course::{CourseState, Event, Stamp};
use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::span::Window;
use tovholder_core::tasks::{Owner, Task};

use tovholder_store::access::Access;
use tovholder_store::{AccessRecord, Blob, Channel, Commit, Keys, LoginToken, NewEntry, NewMail, NewModelVersion, NewPerson, NewUser, Session, Store, StoreError, UserChange, verify_course};

type Check = Result<(), String>;

fn ensure(cond: bool, what: &str) -> Check {
    if cond { Ok(()) } else { Err(format!("story: {what}")) }
}

fn e<T: std::fmt::Display>(what: &'static str) -> impl FnOnce(T) -> String {
    move |err| format!("story: {what}: {err}")
}

pub async fn run(store: &dyn Store, keys: &Keys) -> Check {
    let t0 = Timestamp::from_second(1_790_000_000).map_err(e("time"))?;
    // Directory.
    let home = store.add_org("Julemærkehjemmet Testlyst", "julemaerkehjem").await.map_err(e("add_org"))?;
    let kommune = store.add_org("Prøvekommune", "kommune").await.map_err(e("add_org"))?;
    ensure(store.orgs().await.map_err(e("orgs"))?.len() == 2, "two orgs")?;
    // Local passwords off for an organisation's staff, and on again; seen at once.
    store.set_sign_on_only(kommune, true).await.map_err(e("set_sign_on_only"))?;
    let signs_on = |orgs: &[tovholder_store::Org]| orgs.iter().filter(|o| o.sign_on_only).map(|o| o.id).collect::<Vec<_>>();
    ensure(signs_on(&store.orgs().await.map_err(e("orgs"))?) == [kommune], "the municipality signs on only")?;
    store.set_sign_on_only(kommune, false).await.map_err(e("set_sign_on_only"))?;
    ensure(signs_on(&store.orgs().await.map_err(e("orgs"))?).is_empty(), "and no longer")?;
    ensure(matches!(store.set_sign_on_only(OrgId(-5), true).await, Err(StoreError::NotFound)), "no such organisation")?;
    // Meeting places are each organisation's own.
    let hall = store.add_meeting_place(kommune, "Rådhuset, mødelokale 2", "Torvet 1, 9999 Prøveby").await.map_err(e("add_meeting_place"))?;
    store.add_meeting_place(kommune, "Familiehuset", "Skolevej 4, 9999 Prøveby").await.map_err(e("add_meeting_place"))?;
    let places = store.meeting_places(kommune).await.map_err(e("meeting_places"))?;
    ensure(places.iter().map(|p| p.name.as_str()).collect::<Vec<_>>() == ["Familiehuset", "Rådhuset, mødelokale 2"], "a municipality's places, by name")?;
    ensure(places[1].label() == "Rådhuset, mødelokale 2, Torvet 1, 9999 Prøveby", "a place's label")?;
    ensure(store.meeting_places(home).await.map_err(e("meeting_places"))?.is_empty(), "the home has none")?;
    ensure(matches!(store.remove_meeting_place(home, hall).await, Err(StoreError::NotFound)), "a place is removed only by its own organisation")?;
    store.remove_meeting_place(kommune, hall).await.map_err(e("remove_meeting_place"))?;
    ensure(store.meeting_places(kommune).await.map_err(e("meeting_places"))?.len() == 1, "one place left")?;
    // Model versions: numbered per model from 1, the same text stored once.
    let version = |model: &str, text: &str| NewModelVersion { model: model.into(), sha256: format!("sha-{text}"), text: text.into(), source: "upload".into(), added_by: None, at: t0 };
    ensure(store.add_model_version(&version("m", "a")).await.map_err(e("add_model_version"))? == 1, "a model's first version")?;
    ensure(store.add_model_version(&version("m", "b")).await.map_err(e("add_model_version"))? == 2, "its second")?;
    ensure(store.add_model_version(&version("m", "a")).await.map_err(e("add_model_version"))? == 1, "the same text again keeps its number")?;
    ensure(store.add_model_version(&version("n", "a")).await.map_err(e("add_model_version"))? == 1, "each model counts its own")?;
    let stored = store.model_versions().await.map_err(e("model_versions"))?;
    let listed: Vec<(&str, u32, &str)> = stored.iter().map(|v| (v.model.as_str(), v.version, v.text.as_str())).collect();
    ensure(listed == [("m", 1, "a"), ("m", 2, "b"), ("n", 1, "a")], "the versions, by model and number")?;
    ensure(stored[0].added == t0 && stored[0].source == "upload" && stored[0].added_by.is_none(), "who and when")?;
    let cpr = tovholder_core::cpr::Cpr::parse("010115-4321").map_err(e("cpr"))?;
    let child = store.add_person(&NewPerson { name: "Åse Ødegård".into(), email: None, org: None, cpr: Some(keys.seal_cpr(&cpr).map_err(e("seal"))?) }).await.map_err(e("add_person"))?;
    let staff = store.add_person(&NewPerson { name: "Bo Berg".into(), email: Some("bo@x.example".into()), org: Some(kommune), cpr: None }).await.map_err(e("add_person"))?;
    store
        .add_user(&NewUser {
            person: staff,
            username: "bo".into(),
            password_hash: "$argon2id$x".into(),
            org_roles: vec!["tovholder".into()],
            department: Some("Familierådgivningen".into()),
            instance_admin: false,
            active: true,
        })
        .await
        .map_err(e("add_user"))?;
    let dup = store.add_user(&NewUser { person: staff, username: "bo".into(), password_hash: "x".into(), org_roles: vec![], department: None, instance_admin: false, active: true }).await;
    ensure(matches!(dup, Err(StoreError::Duplicate(_))), "a second user with the same name is a Duplicate")?;
    let u = store.user_by_name("bo").await.map_err(e("user_by_name"))?.ok_or("story: user_by_name finds bo")?;
    ensure(u.org == kommune && u.org_roles == ["tovholder"] && u.name == "Bo Berg" && u.department.as_deref() == Some("Familierådgivningen"), "user fields round-trip")?;
    ensure(store.staff(kommune).await.map_err(e("staff"))?.len() == 1, "staff of the municipality")?;
    // Administration: departments, and a login changed and deactivated while it is held.
    ensure(store.user_count().await.map_err(e("user_count"))? == 1, "one login")?;
    store.add_department(kommune, "Familierådgivningen", "familieraadgivning").await.map_err(e("add_department"))?;
    let dup = store.add_department(kommune, "Familierådgivningen", "sundhedspleje").await;
    ensure(matches!(dup, Err(StoreError::Duplicate(_))), "a department's name is used once in its organisation")?;
    let depts = store.departments(kommune).await.map_err(e("departments"))?;
    ensure(depts.len() == 1 && depts[0].kind == "familieraadgivning" && depts[0].org == kommune, "a department round-trips")?;
    ensure(store.departments(home).await.map_err(e("departments"))?.is_empty(), "departments are each organisation's own")?;
    let held = Session { token_hash: "held".into(), person: staff, csrf: "c".into(), created: t0, last_seen: t0 };
    store.put_session(&held).await.map_err(e("put_session"))?;
    ensure(store.session("held").await.map_err(e("session"))?.is_some() && store.user(staff).await.map_err(e("user"))?.is_some_and(|u| u.active), "session and login held")?;
    let off = UserChange { active: false, org_roles: vec!["leder".into()], department: None };
    store.update_user(staff, &off).await.map_err(e("update_user"))?;
    let u = store.user(staff).await.map_err(e("user"))?.ok_or("story: the login is still there")?;
    ensure(!u.active && u.org_roles == ["leder"] && u.department.is_none(), "a change shows at once, though the login was held")?;
    ensure(store.staff(kommune).await.map_err(e("staff"))?.is_empty(), "a deactivated login is not staff")?;
    ensure(store.users_of_org(kommune).await.map_err(e("users_of_org"))?.len() == 1, "but still a login of its organisation")?;
    ensure(store.session("held").await.map_err(e("session"))?.is_none(), "a deactivated login's sessions end")?;
    ensure(matches!(store.update_user(child, &off).await, Err(StoreError::NotFound)), "no login, nothing to change")?;
    let on = UserChange { active: true, org_roles: vec!["tovholder".into()], department: Some("Familierådgivningen".into()) };
    store.update_user(staff, &on).await.map_err(e("update_user"))?;
    ensure(store.staff(kommune).await.map_err(e("staff"))?.len() == 1, "reactivated")?;
    let found = store.person_by_cpr_index(&keys.cpr_index(&cpr)).await.map_err(e("by cpr"))?.ok_or("story: blind index finds the child")?;
    ensure(found.id == child && found.name == "Åse Ødegård", "the child by blind index, æøå intact")?;
    let sealed = found.cpr.ok_or("story: sealed cpr kept")?;
    ensure(keys.open_cpr(&sealed).map_err(e("open"))? == cpr, "CPR decrypts to the same number")?;

    // A course: create, append, conflict, journal, head, projections.
    let stamp = Stamp { at: t0, by: staff };
    let opened = vec![
        Event::CourseOpened { model: "m".into(), version: 1, parties: [("home".to_string(), home), ("municipality".to_string(), kommune)].into() },
        Event::PersonJoined { person: child, role: "barn".into(), custody: None, born: Some(date(2015, 1, 1)) },
    ];
    let mut state = CourseState::default();
    for ev in &opened {
        state.apply(&stamp, ev);
    }
    let task = |done| Task {
        id: "t".into(),
        label: "Ring til familien".into(),
        window: Window { from: date(2026, 12, 1), to: date(2026, 12, 8) },
        owners: vec![Owner::Person { person: staff, role: "kontaktperson".into() }, Owner::OrgRole { org: kommune, role: "tovholder".into() }],
        done,
    };
    let commit = Commit {
        entries: opened.into_iter().map(|event| NewEntry { stamp: stamp.clone(), event }).collect(),
        state: state.clone(),
        tasks: vec![task(None)],
        orgs: vec![("home".into(), home, true), ("municipality".into(), kommune, false)],
        recipients: vec![(kommune, Some("Jobcentret".into()))],
        mails: vec![NewMail::new("a@b.example".into(), "Ny opgave i Tovholder".into(), "Se http://x/".into(), None)],
        withdraw: vec![],
        blobs: vec![Blob { sha256: "ab".repeat(32), bytes: "Udtalelse om Åse".as_bytes().to_vec() }],
    };
    let id = store.create_course(&commit).await.map_err(e("create_course"))?;
    let c = store.course(id).await.map_err(e("course"))?.ok_or("story: course found")?;
    ensure(c.version == 2 && *c.state == state, "version counts entries and the state round-trips")?;
    for m in &state.members {
        ensure(store.courses_of_member(m.person).await.map_err(e("of member"))? == [id], "each member's courses")?;
    }
    ensure(!state.members.is_empty() && store.courses_of_member(PersonId(-5)).await.map_err(e("of member"))?.is_empty(), "nobody else's")?;
    ensure(store.courses_of_org(home, None, 10).await.map_err(e("of org"))? == [id], "the home's course list")?;
    ensure(store.courses_of_org(home, Some(id), 10).await.map_err(e("of org"))?.is_empty(), "nothing older than the first course")?;
    // The search by part of a member's name: by index (three letters or more) and without.
    for needle in ["ødeg", "Åse Ø", "ÅS", "å"] {
        ensure(store.search_courses_of_org(home, needle, 10).await.map_err(e("search"))? == [id], "a name part finds the course")?;
    }
    for needle in ["%", "ødegaard", "_se"] {
        ensure(store.search_courses_of_org(home, needle, 10).await.map_err(e("search"))?.is_empty(), "only the name's own letters match")?;
    }
    ensure(store.search_courses_of_org(kommune, "åse", 10).await.map_err(e("search"))?.is_empty(), "a party that does not share finds nothing")?;
    ensure(store.courses_of_org(kommune, None, 10).await.map_err(e("of org"))?.is_empty(), "a party that does not share does not list it")?;
    ensure(store.courses_shared_with(kommune, Some("Jobcentret"), 10).await.map_err(e("shared"))? == [id], "a department a consent names")?;
    ensure(store.courses_shared_with(kommune, Some("Sundhedsplejen"), 10).await.map_err(e("shared"))?.is_empty(), "not another department")?;
    let mine = store.open_tasks_for(staff, kommune, &["tovholder".into()]).await.map_err(e("tasks"))?;
    ensure(mine.len() == 2 && mine[0].due_to == date(2026, 12, 8), "both ways of owning the task are found")?;
    ensure(store.open_tasks_for(PersonId(-5), OrgId(-5), &[]).await.map_err(e("tasks"))?.is_empty(), "nobody else's tasks")?;

    let later = Stamp { at: t0 + jiff::SignedDuration::from_micros(1_500_001), by: staff };
    let ev = Event::DatesSet { dates: [("ophold_start".to_string(), date(2027, 3, 1))].into(), reason: Some("Udsat efter aftale".into()) };
    state.apply(&later, &ev);
    let next = Commit {
        entries: vec![NewEntry { stamp: later.clone(), event: ev }],
        state: state.clone(),
        tasks: vec![task(Some(tovholder_core::tasks::Done::Condition))],
        orgs: commit.orgs.clone(),
        recipients: vec![],
        mails: vec![],
        withdraw: vec![],
        blobs: vec![],
    };
    let stale = store.append(id, 1, &next).await;
    ensure(matches!(stale, Err(StoreError::Conflict { current: 2 })), "a stale version is refused as a conflict")?;
    ensure(store.append(id, 2, &next).await.map_err(e("append"))? == 3, "append returns the new version")?;
    // Read back one by one and as a list: a store that keeps versions in memory must see the append.
    let c = store.course(id).await.map_err(e("course"))?.ok_or("story: course found")?;
    ensure(c.version == 3 && *c.state == state, "the course read after the append is the new version")?;
    ensure(store.courses(&[id, id]).await.map_err(e("courses"))?.iter().map(|c| c.version).collect::<Vec<_>>() == [3], "the list too, once")?;
    ensure(store.open_tasks_for(staff, kommune, &["tovholder".into()]).await.map_err(e("tasks"))?.is_empty(), "a done task leaves the list")?;
    let journal = store.journal(id).await.map_err(e("journal"))?;
    ensure(journal.iter().map(|j| j.seq).collect::<Vec<_>>() == [1, 2, 3], "journal numbered 1..3")?;
    ensure(journal[2].stamp == later, "timestamps survive at microsecond precision")?;
    ensure(verify_course(store, keys, id).await.map_err(e("verify"))?.is_none(), "the chain verifies")?;
    let blob = store.blob(id, &"ab".repeat(32)).await.map_err(e("blob"))?;
    ensure(blob.as_deref() == Some("Udtalelse om Åse".as_bytes()), "a document's content round-trips")?;
    ensure(store.blob(id, "00").await.map_err(e("blob"))?.is_none(), "an unknown document has no content")?;
    let other = Keys::from_master(&[1u8; 32]);
    ensure(verify_course(store, &other, id).await.map_err(e("verify"))?.is_some(), "a wrong key does not verify")?;

    // Sessions and login attempts.
    let s = Session { token_hash: "h".into(), person: staff, csrf: "c".into(), created: t0, last_seen: t0 };
    store.put_session(&s).await.map_err(e("put_session"))?;
    // Read before and after the touch: a store that keeps sessions in memory must see the write.
    ensure(store.session("h").await.map_err(e("session"))?.is_some_and(|g| g.last_seen == t0), "session read back")?;
    ensure(store.session("h").await.map_err(e("session"))?.is_some_and(|g| g.last_seen == t0), "session read again")?;
    store.touch_session("h", later.at).await.map_err(e("touch"))?;
    let got = store.session("h").await.map_err(e("session"))?.ok_or("story: session found")?;
    ensure(got.last_seen == later.at && got.csrf == "c", "session touched")?;
    store.drop_session("h").await.map_err(e("drop"))?;
    ensure(store.session("h").await.map_err(e("session"))?.is_none(), "session dropped")?;
    for ok in [false, false, true] {
        store.note_login("bo", ok, later.at).await.map_err(e("note_login"))?;
    }
    let right = store.note_login("bo", false, later.at).await.map_err(e("note_login"))?;
    ensure(store.failed_logins_since("bo", t0).await.map_err(e("failed"))? == 3, "an attempt counts as failed until its password proves right")?;
    store.login_ok(right).await.map_err(e("login_ok"))?;
    ensure(store.failed_logins_since("bo", t0).await.map_err(e("failed"))? == 2, "two failures counted")?;
    ensure(store.failed_logins_since("bo", later.at + jiff::SignedDuration::from_secs(1)).await.map_err(e("failed"))? == 0, "old failures age out")?;

    // Credentials: a password set ends the sessions and links; tokens work once, for their
    // purpose, until they expire; a second factor's step works once; recovery codes once each.
    store.put_session(&Session { token_hash: "s2".into(), ..s.clone() }).await.map_err(e("put_session"))?;
    let token = |hash: &str, purpose: &str| LoginToken { token_hash: hash.into(), person: staff, purpose: purpose.into(), expires: later.at };
    // (The mail that carries a link is written with it; the HTTP tests read it from the outbox.)
    store.put_login_token(&token("t1", "set_password"), None, t0).await.map_err(e("put_login_token"))?;
    ensure(store.login_token("t1", "second_factor", t0).await.map_err(e("token"))?.is_none(), "a token is for its purpose only")?;
    ensure(store.login_token("t1", "set_password", later.at).await.map_err(e("token"))?.is_none(), "a token expires")?;
    ensure(store.login_token("t1", "set_password", t0).await.map_err(e("token"))? == Some(staff), "a token read, not used up")?;
    ensure(store.take_login_token("t1", "set_password", t0).await.map_err(e("take"))? == Some(staff), "a token taken")?;
    ensure(store.take_login_token("t1", "set_password", t0).await.map_err(e("take"))?.is_none(), "a token works once")?;
    store.put_login_token(&token("t2", "set_password"), None, t0).await.map_err(e("put_login_token"))?;
    store.set_password(staff, "new-hash").await.map_err(e("set_password"))?;
    ensure(store.user(staff).await.map_err(e("user"))?.is_some_and(|u| u.password_hash == "new-hash"), "the password set")?;
    ensure(store.session("s2").await.map_err(e("session"))?.is_none(), "a password set ends the sessions")?;
    ensure(store.login_token("t2", "set_password", t0).await.map_err(e("token"))?.is_none(), "and the links")?;
    store.set_second_factor(staff, Some("sealed"), &["r1".into(), "r2".into()]).await.map_err(e("set_second_factor"))?;
    ensure(store.user(staff).await.map_err(e("user"))?.is_some_and(|u| u.totp_sealed.as_deref() == Some("sealed")), "the factor read back")?;
    ensure(store.use_factor_step(staff, 100).await.map_err(e("step"))?, "a step used")?;
    ensure(!store.use_factor_step(staff, 100).await.map_err(e("step"))?, "the same step again is refused")?;
    ensure(!store.use_factor_step(staff, 99).await.map_err(e("step"))?, "an earlier step too")?;
    ensure(store.use_recovery_code(staff, "r1").await.map_err(e("recovery"))?, "a recovery code used")?;
    ensure(!store.use_recovery_code(staff, "r1").await.map_err(e("recovery"))?, "once")?;
    ensure(store.recovery_codes_left(staff).await.map_err(e("recovery"))? == 1, "one left")?;
    store.set_second_factor(staff, None, &[]).await.map_err(e("set_second_factor"))?;
    ensure(store.user(staff).await.map_err(e("user"))?.is_some_and(|u| u.totp_sealed.is_none()), "the factor removed")?;
    ensure(store.use_factor_step(staff, 1).await.map_err(e("step"))?, "a new factor starts its steps over")?;
    // Purging: old attempts, sessions past their time and expired tokens go; the rest stays.
    store.put_session(&Session { token_hash: "old".into(), last_seen: t0, ..s.clone() }).await.map_err(e("put_session"))?;
    store.put_session(&Session { token_hash: "new".into(), created: later.at, last_seen: later.at, ..s.clone() }).await.map_err(e("put_session"))?;
    store.put_login_token(&token("t3", "set_password"), None, t0).await.map_err(e("put_login_token"))?;
    let cut = later.at - jiff::SignedDuration::from_secs(1);
    store.purge_logins(later.at + jiff::SignedDuration::from_secs(1), cut, t0 - jiff::SignedDuration::from_secs(1), later.at).await.map_err(e("purge"))?;
    ensure(store.failed_logins_since("bo", t0).await.map_err(e("failed"))? == 0, "old attempts purged")?;
    ensure(store.session("old").await.map_err(e("session"))?.is_none() && store.session("new").await.map_err(e("session"))?.is_some(), "idle sessions purged, others kept")?;
    ensure(store.login_token("t3", "set_password", t0).await.map_err(e("token"))?.is_none(), "expired tokens purged")?;
    store.drop_session("new").await.map_err(e("drop"))?;

    // Access log and outbox.
    let rec = AccessRecord { at: t0, person: Some(staff), course: Some(id), action: "read:GET /forloeb/{id}".into(), allowed: false, reason: "no_relation".into() };
    store.write_access_log(&[Access::One(rec.clone()), Access::One(AccessRecord { course: None, ..rec.clone() })]).await.map_err(e("access"))?;
    ensure(store.access_log(Some(id), 10).await.map_err(e("access_log"))? == [rec.clone()], "the course's access log")?;
    ensure(store.access_log(None, 10).await.map_err(e("access_log"))?.len() == 2, "the whole access log")?;
    // A list view (one request's records of several courses) is stored as one row naming them;
    // each course's log still has its record, with its own decision, newest first.
    let other = CourseId(id.0 + 1_000);
    let view = |at: Timestamp, course: CourseId, allowed: bool| AccessRecord {
        at,
        person: Some(staff),
        course: Some(course),
        action: "read:GET /".into(),
        allowed,
        reason: if allowed { "role".into() } else { "no_relation".into() },
    };
    let first = vec![view(later.at, id, true), view(later.at, other, false)];
    let second_at = later.at + jiff::SignedDuration::from_secs(60);
    let second = vec![view(second_at, other, true), view(second_at, id, true)];
    store.write_access_log(&[Access::View(first.clone())]).await.map_err(e("access view"))?;
    store.write_access_log(&[Access::View(second.clone())]).await.map_err(e("access view"))?;
    let of_course = store.access_log(Some(id), 10).await.map_err(e("access_log"))?;
    ensure(of_course == [second[1].clone(), first[0].clone(), rec.clone()], "the course's log names both list views, newest first")?;
    ensure(store.access_log(Some(other), 10).await.map_err(e("access_log"))? == [second[0].clone(), first[1].clone()], "the other course's log, with the refusal")?;
    ensure(store.access_log(Some(id), 1).await.map_err(e("access_log"))? == [second[1].clone()], "the limit counts records")?;
    let all = store.access_log(None, 10).await.map_err(e("access_log"))?;
    ensure(all.len() == 6 && all[..4] == [second[1].clone(), second[0].clone(), first[1].clone(), first[0].clone()], "the whole log, a record per course")?;
    // Two reads in the same microsecond are two reads, not a list view; all of it is chained.
    store.write_access_log(&[Access::One(rec.clone()), Access::One(rec.clone())]).await.map_err(e("access twice"))?;
    ensure(store.access_log(Some(id), 10).await.map_err(e("access_log"))?[..2] == [rec.clone(), rec.clone()], "both reads, each its own record")?;
    let chain = store.check_access_chain().await.map_err(e("chain"))?;
    ensure(chain.broken.is_none() && (chain.batches, chain.rows, chain.views) == (4, 6, 2), "the access log's chain holds every batch")?;
    let out = store.outbox(10).await.map_err(e("outbox"))?;
    ensure(out.len() == 1 && out[0].mail.subject == "Ny opgave i Tovholder", "the mail written with the course")?;
    let claimed = store.claim_mail(t0, later.at, Channel::Mail).await.map_err(e("claim"))?.ok_or("story: a mail to claim")?;
    ensure(claimed.attempts == 1, "a claim counts an attempt")?;
    ensure(store.claim_mail(t0, later.at, Channel::Mail).await.map_err(e("claim"))?.is_none(), "a held mail is not claimed twice")?;
    store.mail_failed(claimed.id, t0).await.map_err(e("failed"))?;
    let again = store.claim_mail(t0, later.at, Channel::Mail).await.map_err(e("claim"))?.ok_or("story: a failed mail is tried again")?;
    store.mail_sent(again.id, later.at).await.map_err(e("sent"))?;
    ensure(
        store.claim_mail(later.at + jiff::SignedDuration::from_hours(1), later.at + jiff::SignedDuration::from_hours(2), Channel::Mail).await.map_err(e("claim"))?.is_none(),
        "a sent mail is never claimed again",
    )?;
    ensure(store.outbox(10).await.map_err(e("outbox"))?[0].sent == Some(later.at), "the outbox shows it sent")?;

    // A deferred mail with a calendar attachment: held until its time, withdrawn by its key.
    let due = later.at + jiff::SignedDuration::from_hours(24);
    let mut agenda = NewMail::new("c@d.example".into(), "Dagsorden".into(), "Se Tovholder".into(), Some(id));
    agenda.not_before = Some(due);
    agenda.key = Some("agenda:1:1".into());
    agenda.attachment = Some(tovholder_store::Attachment { filename: "invitation.ics".into(), content_type: "text/calendar; method=REQUEST".into(), text: "BEGIN:VCALENDAR".into() });
    let bare =
        |mails: Vec<NewMail>, withdraw: Vec<String>| Commit { entries: vec![], state: state.clone(), tasks: vec![], orgs: commit.orgs.clone(), recipients: vec![], mails, withdraw, blobs: vec![] };
    store.append(id, 3, &bare(vec![agenda.clone()], vec![])).await.map_err(e("append mail"))?;
    ensure(store.outbox(10).await.map_err(e("outbox"))?[0].mail == agenda, "the mail round-trips with its time, key and attachment")?;
    ensure(store.claim_mail(later.at, later.at + jiff::SignedDuration::from_hours(1), Channel::Mail).await.map_err(e("claim"))?.is_none(), "not before its time")?;
    let got = store.claim_mail(due, due + jiff::SignedDuration::from_hours(1), Channel::Mail).await.map_err(e("claim"))?.ok_or("story: due mail claimed")?;
    ensure(got.mail.attachment == agenda.attachment, "the claimed mail carries its attachment")?;
    store.mail_failed(got.id, due).await.map_err(e("failed"))?;
    store.append(id, 3, &bare(vec![], vec!["agenda:1:1".into()])).await.map_err(e("withdraw"))?;
    ensure(store.outbox(10).await.map_err(e("outbox"))?.len() == 1, "withdrawn before it was sent")?;

    // A text message waits in the same outbox; only the SMS worker claims it.
    store.append(id, 3, &bare(vec![NewMail::sms("+45 70 12 34 56", "Akut henvendelse".into(), Some(id))], vec![])).await.map_err(e("append sms"))?;
    ensure(store.claim_mail(due, due + jiff::SignedDuration::from_hours(1), Channel::Mail).await.map_err(e("claim"))?.is_none(), "the SMTP worker leaves a text message")?;
    let sms = store.claim_mail(due, due + jiff::SignedDuration::from_hours(1), Channel::Sms).await.map_err(e("claim sms"))?.ok_or("story: the text message claimed")?;
    ensure(sms.mail.sms_to() == Some("+4570123456") && sms.mail.body == "Akut henvendelse", "the text message round-trips")?;
    Ok(())
}
