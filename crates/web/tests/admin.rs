//! Administration on an instance set up from empty: the first administrator (made as the
//! command line makes one) sets up an organisation, a department and a user; that user logs in;
//! a login closed is logged out and cannot log in; nobody else administers anything.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn an_instance_from_empty_is_set_up_in_the_browser() {
    let t = TestApp::spawn_empty().await;
    assert_eq!(t.app.store.user_count().await.unwrap(), 0);
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    let home = root.get(t.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("href=\"/admin\""), "the menu has Administration");
    // An organisation, refused first for want of a kind, then made.
    let (status, page) = post_form(&t, &root, &csrf, "/admin/organisationer", &[("name", "Nordby Kommune"), ("kind", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Vælg hvilken slags organisation det er.") && page.contains("value=\"Nordby Kommune\""), "the name typed is kept");
    let r = root.post(t.url("/admin/organisationer")).form(&[("csrf", csrf.as_str()), ("name", "Nordby Kommune"), ("kind", "kommune")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let org_page = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
    let org: i64 = org_page.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(post_form(&t, &root, &csrf, &format!("{org_page}/afdelinger"), &[("department_name", "Familierådgivningen"), ("department_kind", "familieraadgivning")]).await.0, StatusCode::SEE_OTHER);
    // A user: a short password is refused with the fields kept (the password never is).
    let form = |password: &'static str| {
        vec![("name", "Anna Berg"), ("login", "anna.berg"), ("email", "anna@nordby.example"), ("department", "Familierådgivningen"), ("roles", "tovholder"), ("password", password)]
    };
    let (status, page) = post_form(&t, &root, &csrf, &format!("{org_page}/brugere"), &form("kort")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Adgangskoden skal være på mindst 12 tegn.") && page.contains("value=\"anna.berg\"") && !page.contains("value=\"kort\""));
    assert_eq!(post_form(&t, &root, &csrf, &format!("{org_page}/brugere"), &form("korrekt hest batteri")).await.0, StatusCode::SEE_OTHER);
    let page = root.get(t.url(&org_page)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Anna Berg") && page.contains("Familierådgivningen"), "the organisation's page lists them");
    // Anna logs in, sees her tasks (none yet), and administers nothing.
    let (anna, acsrf) = t.login_as("anna.berg", "korrekt hest batteri").await;
    let tasks = anna.get(t.url("/")).send().await.unwrap();
    assert_eq!(tasks.status(), StatusCode::OK);
    assert!(!tasks.text().await.unwrap().contains("href=\"/admin\""));
    for path in ["/admin".to_string(), org_page.clone()] {
        assert_eq!(anna.get(t.url(&path)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = anna.post(t.url("/api/v1/admin/organisations")).header("x-csrf-token", &acsrf).json(&json!({"name": "Min egen", "kind": "kommune"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Closing Anna's login logs her out at once and keeps her out.
    let users: Vec<Value> = root.get(t.url(&format!("/api/v1/admin/organisations/{org}/users"))).send().await.unwrap().json().await.unwrap();
    let anna_id = users.iter().find(|u| u["login"] == "anna.berg").unwrap()["id"].as_i64().unwrap();
    assert_eq!(post_form(&t, &root, &csrf, &format!("/admin/brugere/{anna_id}"), &[("active", "nej")]).await.0, StatusCode::SEE_OTHER);
    let r = anna.get(t.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "logged out");
    let (_, r) = t.try_login("anna.berg", "korrekt hest batteri").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("Din adgang er lukket"));
    // Reopened through the API, she logs in again.
    let r = root.patch(t.url(&format!("/api/v1/admin/users/{anna_id}"))).header("x-csrf-token", &csrf).json(&json!({"active": true})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    t.login_as("anna.berg", "korrekt hest batteri").await;
    // Every act is in the access log.
    let log = t.app.store.access_log(None, 100).await.unwrap();
    for act in ["admin:create_org", "admin:add_department", "admin:create_user", "admin:deactivate_user", "admin:reactivate_user"] {
        assert!(log.iter().any(|r| r.action == act && r.allowed), "{act} logged");
    }
    assert!(log.iter().any(|r| r.action == "admin:create_org" && !r.allowed), "Anna's refused attempt is logged too");
}

/// The same set-up through the API, as a script would do it; an organisation's administrator
/// administers only their own organisation, and nobody closes their own login.
#[tokio::test]
async fn the_api_sets_up_an_organisation_and_an_organisation_administrator_keeps_to_it() {
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    let post = |path: &'static str, body: Value| {
        let (root, csrf) = (&root, &csrf);
        let url = t.url(path);
        async move { root.post(url).header("x-csrf-token", csrf).json(&body).send().await.unwrap() }
    };
    let r = post("/api/v1/admin/organisations", json!({"name": "Sydby Skole", "kind": "skole"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let school = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = root.post(t.url(&format!("/api/v1/admin/organisations/{school}/departments"))).header("x-csrf-token", &csrf).json(&json!({"name": "Indskolingen"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let body = json!({"login": "sune", "name": "Sune Skoleleder", "email": "sune@sydby.example", "organisation": school, "department": "Indskolingen", "roles": ["administrator"], "password": "skolen er et godt sted"});
    assert_eq!(post("/api/v1/admin/users", body.clone()).await.status(), StatusCode::CREATED);
    let r = post("/api/v1/admin/users", body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "the login is taken");
    let (sune, scsrf) = t.login_as("sune", "skolen er et godt sted").await;
    let orgs: Vec<Value> = sune.get(t.url("/api/v1/admin/organisations")).send().await.unwrap().json().await.unwrap();
    assert_eq!(orgs.len(), 1, "only his own: {orgs:?}");
    let kommune = t.app.store.orgs().await.unwrap().iter().find(|o| o.name == "Prøvekommune").unwrap().id.0;
    assert_eq!(sune.get(t.url(&format!("/api/v1/admin/organisations/{kommune}/users"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let r = sune
        .post(t.url("/api/v1/admin/users"))
        .header("x-csrf-token", &scsrf)
        .json(&json!({"login": "lis", "name": "Lis Lærer", "email": "lis@sydby.example", "organisation": kommune, "roles": [], "password": "en lang adgangskode"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "not in another organisation");
    let me: Value = sune.get(t.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    let sune_id = me["person"].as_i64().or_else(|| me["id"].as_i64()).expect("my id");
    let r = sune.patch(t.url(&format!("/api/v1/admin/users/{sune_id}"))).header("x-csrf-token", &scsrf).json(&json!({"active": false})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "nobody closes their own login");
}

/// The audit log: every administrative act with who did it, filtered by kind; an
/// organisation's administrator reads the acts of their own organisation's people only.
#[tokio::test]
async fn administrators_read_and_filter_the_log_of_administration() {
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    let r = root.post(t.url("/api/v1/admin/organisations")).header("x-csrf-token", &csrf).json(&json!({"name": "Sydby Skole", "kind": "skole"})).send().await.unwrap();
    let school = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let body = json!({"login": "sune", "name": "Sune Skoleleder", "email": "sune@sydby.example", "organisation": school, "roles": ["administrator"], "password": "skolen er et godt sted"});
    assert_eq!(root.post(t.url("/api/v1/admin/users")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap().status(), StatusCode::CREATED);
    let body = json!({"login": "lis", "name": "Lis Lærer", "email": "lis@sydby.example", "organisation": school, "roles": [], "password": "en lang adgangskode til lis"});
    let r = root.post(t.url("/api/v1/admin/users")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    let lis = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (sune, scsrf) = t.login_as("sune", "skolen er et godt sted").await;
    let r = sune.patch(t.url(&format!("/api/v1/admin/users/{lis}"))).header("x-csrf-token", &scsrf).json(&json!({"active": false})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let index = root.get(t.url("/admin")).send().await.unwrap().text().await.unwrap();
    assert!(index.contains("href=\"/admin/logg\""));
    let log = root.get(t.url("/admin/logg")).send().await.unwrap().text().await.unwrap();
    for seen in ["Organisation oprettet", "Bruger oprettet", "Adgang lukket", "Rita Root", "Sune Skoleleder", "Totrinsbekræftelse sat op"] {
        assert!(log.contains(seen), "{seen} in the log");
    }
    let closed = root.get(t.url("/admin/logg?handling=deactivate_user")).send().await.unwrap().text().await.unwrap();
    let table = closed.split("id=\"log\"").nth(1).unwrap();
    assert!(table.contains("Adgang lukket") && !table.contains("Bruger oprettet"), "filtered by kind");
    // Sune reads his own organisation's acts, not the instance administrator's.
    let his = sune.get(t.url("/admin/logg")).send().await.unwrap().text().await.unwrap();
    let table = his.split("id=\"log\"").nth(1).unwrap();
    assert!(table.contains("Sune Skoleleder") && !table.contains("Rita Root"), "only his organisation's people");
    // Lis, no administrator, is not shown the log at all.
    t.app.store.update_user(tovholder_core::ids::PersonId(lis), &tovholder_store::UserChange { active: true, org_roles: vec![], department: None }).await.unwrap();
    let (lis, _) = t.login_as("lis", "en lang adgangskode til lis").await;
    assert_eq!(lis.get(t.url("/admin/logg")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

/// An administrator changes a login's standing roles and department on its own page; refused
/// input keeps what was chosen; the change counts from the login's next request.
#[tokio::test]
async fn an_administrator_changes_roles_and_department_on_the_users_page() {
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    let org = t.app.store.orgs().await.unwrap()[0].id.0;
    let r = root.post(t.url(&format!("/api/v1/admin/organisations/{org}/departments"))).header("x-csrf-token", &csrf).json(&json!({"name": "PPR", "kind": "ppr"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let body = json!({"login": "bo", "name": "Bo Berg", "email": "bo@kommune.example", "organisation": org, "roles": ["tovholder"], "password": "bos egen lange adgangskode"});
    let bo = root.post(t.url("/api/v1/admin/users")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap().json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (bo_client, _) = t.login_as("bo", "bos egen lange adgangskode").await;
    let list = root.get(t.url(&format!("/admin/organisationer/{org}"))).send().await.unwrap().text().await.unwrap();
    assert!(list.contains(&format!("href=\"/admin/brugere/{bo}\"")), "the name leads to the user's page");
    let page = root.get(t.url(&format!("/admin/brugere/{bo}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"role-tovholder\" name=\"roles\" value=\"tovholder\" checked"), "today's roles are ticked");
    let (status, page) = post_form(&t, &root, &csrf, &format!("/admin/brugere/{bo}/roller"), &[("department", "Findes ikke"), ("roles", "familiekoordinator")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Vælg en af organisationens afdelinger.") && page.contains("value=\"familiekoordinator\" checked"), "the choice is kept");
    let (status, location) = post_form(&t, &root, &csrf, &format!("/admin/brugere/{bo}/roller"), &[("department", "PPR"), ("roles", "familiekoordinator")]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/admin/organisationer/{org}?gemt=rettet")));
    let users: Vec<Value> = root.get(t.url(&format!("/api/v1/admin/organisations/{org}/users"))).send().await.unwrap().json().await.unwrap();
    let row = users.iter().find(|u| u["login"] == "bo").unwrap();
    assert_eq!((row["roles"].clone(), row["department"].clone()), (json!(["familiekoordinator"]), json!("PPR")));
    let me: Value = bo_client.get(t.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["org_roles"], json!(["familiekoordinator"]), "his session sees the new roles at once");
    let log = t.app.store.access_log(None, 100).await.unwrap();
    assert!(log.iter().any(|r| r.action == "admin:change_user" && r.allowed));
}

/// An organisation's official numbers: checked (CVR and EAN by their check digits), shown on
/// its page, changed through the API.
#[tokio::test]
async fn an_organisation_has_its_official_numbers_checked() {
    let t = TestApp::spawn_empty().await;
    first_admin(&t).await;
    let (root, csrf) = t.login_as("root", ROOT_PASSWORD).await;
    let (status, page) =
        post_form(&t, &root, &csrf, "/admin/organisationer", &[("name", "Vestby Kommune"), ("kind", "kommune"), ("cvr", "29189847"), ("ean", "5790000000006"), ("kommunekode", "999")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in ["Et CVR-nummer er 8 cifre", "Et EAN-nummer er 13 cifre", "En kommunekode er 3 cifre"] {
        assert!(page.contains(msg), "{msg}");
    }
    assert!(page.contains("value=\"29189847\""), "what was typed is kept");
    let (status, location) =
        post_form(&t, &root, &csrf, "/admin/organisationer", &[("name", "Vestby Kommune"), ("kind", "kommune"), ("cvr", "2918 9846"), ("ean", "5790000000005"), ("kommunekode", "101")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = root.get(t.url(location.split('?').next().unwrap())).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("CVR 29189846") && page.contains("EAN 5790000000005") && page.contains("kommunekode 101"), "spaces dropped, shown");
    let org = location.split('?').next().unwrap().rsplit('/').next().unwrap().to_string();
    let r = root.patch(t.url(&format!("/api/v1/admin/organisations/{org}"))).header("x-csrf-token", &csrf).json(&json!({"cvr": "29189846", "sor": "123456789012345"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!((body["sor"].clone(), body["ean"].clone()), (json!("123456789012345"), Value::Null), "left out is removed");
    let r = root.patch(t.url(&format!("/api/v1/admin/organisations/{org}"))).header("x-csrf-token", &csrf).json(&json!({"cvr": "1234"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// Closing a login hands its courses over: the person leaves their course roles, their tasks
/// fall to the role standing in, and whoever appoints gets "Udpeg ny kontaktperson", done when
/// someone new is appointed.
#[tokio::test]
async fn a_closed_login_hands_its_courses_over() {
    let t = TestApp::spawn().await;
    let (mette, mcsrf, id) = fresh_course(&t).await;
    let dates = json!({"dates": {"tilsagn": "2026-11-10", "indkaldelse": "2026-11-23", "forbesoeg": "2026-12-03", "infodag": "2026-12-10", "ophold_start": "2027-02-22", "ophold_slut": "2027-04-16", "foraeldredag": "2027-03-20", "slutsamtale": "2027-04-15", "opfoelgningsdag": "2027-05-14"}});
    let r = mette.post(t.url(&format!("/api/v1/courses/{id}/dates"))).header("x-csrf-token", &mcsrf).json(&dates).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (tove, tcsrf) = t.login("tove").await;
    let person = |name: &str| t.seeded.users[name].person.0;
    let appoint = |who: i64| {
        let url = t.url(&format!("/api/v1/courses/{id}/appointments"));
        let (tove, tcsrf) = (&tove, &tcsrf);
        async move { tove.post(url).header("x-csrf-token", tcsrf).json(&json!({"role": "kontaktperson", "person": who})).send().await.unwrap().status() }
    };
    assert!(appoint(person("karim")).await.is_success());
    let (tove_ref, t_ref) = (&tove, &t);
    let toves = move |prefix: &'static str| async move {
        let tasks: Vec<Value> = tove_ref.get(t_ref.url("/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
        tasks.into_iter().filter(|x| x["course"] == id && x["task"].as_str().unwrap().starts_with(prefix)).collect::<Vec<_>>()
    };
    let open_appointing = || toves("udpeg:kontaktperson:");
    assert!(open_appointing().await.is_empty());
    assert!(toves("kontakt_efter_opfoelgning").await.is_empty(), "the kontaktperson's task is Karim's");
    let (ada, acsrf) = t.login("admin").await;
    let r = ada.patch(t.url(&format!("/api/v1/admin/users/{}", person("karim")))).header("x-csrf-token", &acsrf).json(&json!({"active": false})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let course = tovholder_core::ids::CourseId(id);
    assert!(members(&t, &tove, course, "kontaktperson").await.is_empty(), "Karim is no longer kontaktperson");
    let appointing = open_appointing().await;
    assert_eq!(appointing.len(), 1, "{appointing:?}");
    assert_eq!(appointing[0]["label"], "Udpeg ny kontaktperson");
    assert!(appointing[0]["step"]["link"]["href"].as_str().unwrap().contains("felt=role.kontaktperson"));
    let journal = tove.get(t.url(&format!("/api/v1/courses/{id}/journal"))).send().await.unwrap().text().await.unwrap();
    assert!(journal.contains("Karim Aziz er ikke længere kontaktperson: adgangen til Tovholder er lukket."), "{journal}");
    // The kontaktperson's tasks are the tovholder's again.
    assert_eq!(toves("kontakt_efter_opfoelgning").await.len(), 1);
    // Sara is appointed: the task is done.
    assert!(appoint(person("sara")).await.is_success());
    assert!(open_appointing().await.is_empty());
    let log = t.app.store.access_log(Some(course), 50).await.unwrap();
    assert!(log.iter().any(|r| r.action == "write:release_login" && r.allowed));
}
