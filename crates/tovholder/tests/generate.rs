//! The benchmark's data generator makes data that passes the same invariants as real data:
//! every journal verifies (chain, head, state = replay), every course's model is known and its
//! dates, roles and decisions are ones the model accepts, the tasks projection is exactly what
//! `tasks::tasks` computes, and the server started afterwards reads it with the same key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;

use tovholder_app::Models;
use tovholder_core::course::replay;
use tovholder_core::ids::CourseId;
use tovholder_store::{BulkStore, Keys, task_rows};

fn run(args: &[&str], key: &std::path::Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tovholder")).args(args).env("TOVHOLDER_KEY_FILE", key).env("TOVHOLDER_LOG", "error").output().unwrap();
    assert!(out.status.success(), "{args:?}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every invariant a course must meet, checked on every course of the store.
async fn check_invariants(store: Arc<dyn BulkStore>, keys: &Keys) -> usize {
    let models = Models::builtin().unwrap();
    let ids = store.course_ids().await.unwrap();
    let mut expected = Vec::new();
    for id in &ids {
        assert_eq!(tovholder_store::verify_course(store.as_ref(), keys, *id).await.unwrap(), None, "course {id}");
        let course = store.course(*id).await.unwrap().unwrap();
        let journal = store.journal(*id).await.unwrap();
        assert_eq!(*course.state, replay(journal.iter().map(|e| (&e.stamp, &e.event))), "course {id}: state = replay");
        assert_eq!(course.version, journal.len() as i64);
        let model = models.of(&course.state).unwrap_or_else(|| panic!("course {id}: unknown model {}", course.state.model));
        let st = &course.state;
        for (date, value) in &st.dates {
            tovholder_core::commands::check_date(&model, &st.dates, date, *value, jiff::civil::Date::MIN).unwrap_or_else(|e| panic!("course {id}: {e}"));
        }
        for m in &st.members {
            assert!(model.role(&m.role).is_some(), "course {id}: role {}", m.role);
        }
        for (d, r) in &st.decisions {
            assert!(model.decisions.get(d).is_some_and(|def| def.options.contains_key(&r.value)), "course {id}: decision {d}");
        }
        for party in model.parties.keys() {
            assert!(st.parties.contains_key(party), "course {id}: party {party}");
        }
        for doc in &st.documents {
            assert!(store.blob(*id, &doc.meta.sha256).await.unwrap().is_some(), "course {id}: document {} has its content", doc.meta.doc);
        }
        let tasks = tovholder_core::tasks::tasks(&model, st);
        expected.extend(task_rows(*id, &tasks).into_iter().filter(|r| !r.done));
    }
    // The projection's open tasks are exactly those `tasks::tasks` computes, course by course.
    let far = jiff::civil::date(9999, 12, 31);
    let mut stored = store.open_tasks_due(far, i64::MAX).await.unwrap();
    let key = |r: &tovholder_store::TaskRow| (r.course, r.task.clone(), format!("{:?}", r.owner), r.due_from, r.due_to);
    stored.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(stored, expected);
    ids.len()
}

#[test]
#[allow(clippy::zombie_processes)] // killed and waited for below
fn a_generated_data_set_passes_the_invariants_of_real_data() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.key");
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let summary = dir.path().join("s.json");
    let out = run(&["generate", "--database", &db, "--courses", "240", "--seed", "7", "--summary", summary.to_str().unwrap()], &key);
    assert!(out.contains("Generated 240 courses"), "{out}");
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(s["busy_coordinator"], "travl.koordinator");
    assert!(s["busy_open_tasks"].as_u64().unwrap() > 0, "{s}");
    let models: BTreeMap<String, u64> = serde_json::from_value(s["by_model"].clone()).unwrap();
    assert_eq!(models.keys().map(String::as_str).collect::<Vec<_>>(), ["ballerup_unge", "familiens_fremtid", "julemaerkehjem"], "every model");
    assert!(run(&["audit", "verify", "--database", &db], &key).contains("ok: 240 journals verified"));
    // Generating into a store that has data is refused.
    let again = Command::new(env!("CARGO_BIN_EXE_tovholder")).args(["generate", "--database", &db, "--courses", "1"]).env("TOVHOLDER_KEY_FILE", &key).output().unwrap();
    assert!(!again.status.success());

    let rt = tokio::runtime::Runtime::new().unwrap();
    let keys = Keys::load(&key).unwrap();
    rt.block_on(async {
        let store: Arc<dyn BulkStore> = Arc::new(tovholder_store_sqlite::open_url(&db, keys.clone()).await.unwrap());
        assert_eq!(check_invariants(store.clone(), &keys).await, 240);
        // The indexed search finds the sample family among the busy coordinator's municipality's courses.
        let sample = CourseId(s["sample_course"].as_i64().unwrap());
        let course = store.course(sample).await.unwrap().unwrap();
        let org = course.state.parties["kommune"];
        let found = store.search_courses_of_org(org, s["sample_search"].as_str().unwrap(), 500).await.unwrap();
        assert!(found.contains(&sample), "{found:?}");
        assert!(store.search_courses_of_org(org, "ingen-hedder-sådan", 500).await.unwrap().is_empty());
        // A name part shorter than the index's three letters is still found.
        let short: String = s["sample_search"].as_str().unwrap().chars().take(2).collect();
        assert!(!store.search_courses_of_org(org, &short, 500).await.unwrap().is_empty(), "{short}");
        // Paging the organisation's list reaches every course once, newest first.
        let all = store.courses_of_org(org, None, 100_000).await.unwrap();
        let (mut paged, mut before): (Vec<CourseId>, Option<CourseId>) = (Vec::new(), None);
        loop {
            let page = store.courses_of_org(org, before, 7).await.unwrap();
            paged.extend(&page);
            if page.len() < 7 {
                break;
            }
            before = page.last().copied();
        }
        assert!(all.len() > 7 && all.windows(2).all(|w| w[0] > w[1]), "{all:?}");
        assert_eq!(paged, all);
    });

    // The server reads it with the same key: the busy coordinator's tasks and course.
    let (mut serve, url) = common::start(&["serve", "--listen", "127.0.0.1:0", "--database", &db], &[("TOVHOLDER_KEY_FILE", key.display().to_string())]);
    rt.block_on(async {
        let (c, csrf) = common::login(&url, "travl.koordinator").await;
        let tasks: Vec<serde_json::Value> = c.get(format!("{url}/api/v1/me/tasks")).send().await.unwrap().json().await.unwrap();
        assert_eq!(tasks.len() as u64, s["busy_open_tasks"].as_u64().unwrap());
        let page = c.get(format!("{url}/forloeb/{}", s["sample_course"])).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let found = c.post(format!("{url}/forloeb/soeg")).header("x-csrf-token", csrf).form(&[("q", s["sample_search"].as_str().unwrap())]).send().await.unwrap();
        assert_eq!(found.status(), 200);
        assert!(found.text().await.unwrap().contains(&format!("/forloeb/{}", s["sample_course"])));
    });
    serve.kill().unwrap();
    serve.wait().unwrap();
}

#[test]
fn generates_into_postgresql_too() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.key");
    let db = format!("tovholder_generate_{}", std::process::id());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(&common::pg_url("test")).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).execute(&pool).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&pool).await.unwrap();
    });
    let url = common::pg_url(&db);
    let out = run(&["generate", "--database", &url, "--courses", "60", "--seed", "3"], &key);
    assert!(out.contains("Generated 60 courses"), "{out}");
    assert!(run(&["audit", "verify", "--database", &url], &key).contains("ok: 60 journals verified"));
    let keys = Keys::load(&key).unwrap();
    rt.block_on(async {
        let store: Arc<dyn BulkStore> = Arc::new(tovholder_store_postgres::open_url(&url, keys.clone()).await.unwrap());
        assert_eq!(check_invariants(store, &keys).await, 60);
        // The generator refreshed the planner's statistics (else searches run on plans for empty tables).
        let generated = sqlx::PgPool::connect(&url).await.unwrap();
        let analysed: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('persons', 'course_members', 'course_orgs') AND last_analyze IS NOT NULL")
            .fetch_one(&generated)
            .await
            .unwrap();
        assert_eq!(analysed, 3, "ANALYZE after the bulk load");
        generated.close().await;
        let pool = sqlx::PgPool::connect(&common::pg_url("test")).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).execute(&pool).await.unwrap();
    });
}
