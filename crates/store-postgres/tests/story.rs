//! The store story and the tamper checks on PostgreSQL (the server on 127.0.0.1:5432, database
//! `test`, or TOVHOLDER_TEST_POSTGRES), each test in a fresh schema that is dropped afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tovholder_store::Keys;
use tovholder_store::parts::*;

fn url() -> String {
    std::env::var("TOVHOLDER_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn schema() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    format!("t_{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>())
}

/// A connection of the tests' own to `schema`, behind the store's back.
async fn raw_in(schema: &str) -> sqlx::PgPool {
    let opts: sqlx::postgres::PgConnectOptions = url().parse().unwrap();
    sqlx::PgPool::connect_with(opts.options([("search_path", schema)])).await.unwrap()
}

/// A fresh schema with the story's course in it: its keys, the store, the course and a
/// connection of the tests' own.
async fn after_story() -> (String, Keys, tovholder_store_postgres::PgStore, tovholder_core::ids::CourseId, sqlx::PgPool) {
    let schema = schema();
    let keys = Keys::from_master(&[3u8; 32]);
    let store = tovholder_store_postgres::open_in_schema(&url(), &schema, keys.clone()).await.unwrap();
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
    let id = store.course_ids().await.unwrap()[0];
    let raw = raw_in(&schema).await;
    (schema, keys, store, id, raw)
}

#[tokio::test]
async fn the_store_story() {
    let schema = schema();
    let keys = Keys::from_master(&[3u8; 32]);
    let store = tovholder_store_postgres::open_in_schema(&url(), &schema, keys.clone()).await.unwrap();
    let result = tovholder_test_kit::story::run(&store, &keys).await;
    store.close().await;
    tovholder_store_postgres::drop_schema(&url(), &schema).await.unwrap();
    result.unwrap();
}

#[tokio::test]
async fn tampering_is_refused_or_detected() {
    let (schema, keys, store, id, raw) = after_story().await;
    let err = sqlx::query("UPDATE journal SET payload = '{}' WHERE seq = 2").execute(&raw).await.unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    sqlx::query("ALTER TABLE journal DISABLE TRIGGER journal_no_update").execute(&raw).await.unwrap();
    // Sealed again with the key, a changed event is found by the chain.
    let third = store.journal(id).await.unwrap()[2].payload.replace("Udsat", "Flyttet");
    let forged = keys.seal_text(tovholder_store::keys::TextRow::Entry(id.0, 3), &third).unwrap();
    sqlx::query("UPDATE journal SET payload = $1 WHERE seq = 3").bind(&forged).execute(&raw).await.unwrap();
    let broken = tovholder_store::verify_course(&store, &keys, id).await.unwrap();
    raw.close().await;
    store.close().await;
    tovholder_store_postgres::drop_schema(&url(), &schema).await.unwrap();
    assert!(broken.unwrap().contains("entry 3 does not match its hash"));
}

/// Free text is encrypted at rest on PostgreSQL too; journal entries stored in clear before
/// are sealed when the owner opens the store (the server's own role may not change them), and
/// the chain still holds.
#[tokio::test]
async fn text_is_encrypted_at_rest() {
    let (schema, keys, store, id, raw) = after_story().await;
    let entries = store.journal(id).await.unwrap();
    let clear = "SELECT (SELECT count(*) FROM journal WHERE payload NOT LIKE 'sealed1:%') + (SELECT count(*) FROM courses WHERE state NOT LIKE 'sealed1:%') \
                 + (SELECT count(*) FROM journal WHERE payload LIKE '%Udsat%')";
    let at_first: i64 = sqlx::query_scalar(clear).fetch_one(&raw).await.unwrap();
    store.close().await;
    sqlx::query("ALTER TABLE journal DISABLE TRIGGER journal_no_update").execute(&raw).await.unwrap();
    for e in &entries {
        sqlx::query("UPDATE journal SET payload = $1 WHERE course_id = $2 AND seq = $3").bind(&e.payload).bind(id.0).bind(e.seq).execute(&raw).await.unwrap();
    }
    sqlx::query("ALTER TABLE journal ENABLE TRIGGER journal_no_update").execute(&raw).await.unwrap();
    sqlx::query("DELETE FROM sealed_at_rest").execute(&raw).await.unwrap();
    let before: i64 = sqlx::query_scalar(clear).fetch_one(&raw).await.unwrap();
    let store = tovholder_store_postgres::open_in_schema(&url(), &schema, keys.clone()).await.unwrap();
    let after: i64 = sqlx::query_scalar(clear).fetch_one(&raw).await.unwrap();
    let (read, verified) = (store.journal(id).await.unwrap(), tovholder_store::verify_course(&store, &keys, id).await.unwrap());
    raw.close().await;
    store.close().await;
    tovholder_store_postgres::drop_schema(&url(), &schema).await.unwrap();
    assert_eq!((at_first, after, verified), (0, 0, None));
    assert!(before > entries.len() as i64, "{before}");
    assert_eq!(read, entries);
}

/// The access log takes inserts only, and its chain finds a row changed, removed or slipped in
/// behind the server's back (triggers disabled, as the tables' owner could).
#[tokio::test]
async fn the_access_log_refuses_edits_and_its_chain_finds_them() {
    let tampered = async |sql: &[&str]| {
        let schema = schema();
        let keys = Keys::from_master(&[3u8; 32]);
        let store = tovholder_store_postgres::open_in_schema(&url(), &schema, keys.clone()).await.unwrap();
        tovholder_test_kit::story::run(&store, &keys).await.unwrap();
        let clean = store.check_access_chain().await.unwrap().broken;
        let raw = raw_in(&schema).await;
        let mut refused = vec![];
        for s in ["UPDATE access_log SET allowed = TRUE", "DELETE FROM access_log", "TRUNCATE access_chain"] {
            refused.push(sqlx::query(sqlx::AssertSqlSafe(s)).execute(&raw).await.map_err(|e| e.to_string()).err().unwrap_or_default());
        }
        for s in sql {
            sqlx::query(sqlx::AssertSqlSafe(*s)).execute(&raw).await.unwrap();
        }
        let broken = store.check_access_chain().await.unwrap().broken.unwrap_or_default();
        raw.close().await;
        store.close().await;
        tovholder_store_postgres::drop_schema(&url(), &schema).await.unwrap();
        assert_eq!(clean, None);
        assert!(refused.iter().all(|e| e.contains("insert-only")), "{refused:?}");
        broken
    };
    let changed = tampered(&["ALTER TABLE access_log DISABLE TRIGGER access_log_no_change", "UPDATE access_log SET allowed = TRUE, reason = 'role' WHERE id = 1"]).await;
    assert!(changed.contains("changed after they were written"), "{changed}");
    let removed = tampered(&["ALTER TABLE access_log DISABLE TRIGGER access_log_no_change", "DELETE FROM access_log WHERE id = 1"]).await;
    assert!(removed.contains("covers 2 rows, but 1 are there"), "{removed}");
    let added = tampered(&["INSERT INTO access_log (at_us, person_id, course_id, action, allowed, reason) VALUES (1, 1, 1, 'read', TRUE, 'role')"]).await;
    assert!(added.contains("behind the chain's back"), "{added}");
}

/// Least privilege, as an installation runs it: the migrations run as the tables' owner and
/// grant the server's role what it needs. The whole store story passes as the server's role,
/// which can neither change nor empty the journal or the access log, nor turn their triggers
/// off, nor change the schema.
#[tokio::test]
async fn the_server_role_runs_the_story_and_cannot_rewrite_the_record() {
    let schema = schema();
    let (owner, server) = (format!("{schema}_owner"), format!("{schema}_server"));
    let admin = sqlx::PgPool::connect(&url()).await.unwrap();
    for s in [format!("CREATE ROLE {owner} LOGIN"), format!("CREATE ROLE {server} LOGIN"), format!("CREATE SCHEMA {schema} AUTHORIZATION {owner}")] {
        sqlx::query(sqlx::AssertSqlSafe(s)).execute(&admin).await.unwrap();
    }
    // The test server trusts local connections: a role logs in by its name alone.
    let as_role = |role: &str| {
        let u = url();
        let (scheme, rest) = u.split_once("://").unwrap();
        format!("{scheme}://{role}@{}", rest.rsplit_once('@').map_or(rest, |(_, host)| host))
    };
    let keys = Keys::from_master(&[3u8; 32]);
    let outcome = async {
        let store = tovholder_store_postgres::open_in_schema_as(&as_role(&owner), &as_role(&server), &server, &schema, keys.clone()).await.map_err(|e| e.to_string())?;
        let story = tovholder_test_kit::story::run(&store, &keys).await;
        store.close().await;
        story?;
        let opts: sqlx::postgres::PgConnectOptions = as_role(&server).parse().unwrap();
        let raw = sqlx::PgPool::connect_with(opts.options([("search_path", schema.as_str())])).await.unwrap();
        let mut refused = vec![];
        for s in [
            "DELETE FROM journal",
            "UPDATE access_log SET allowed = TRUE",
            "DELETE FROM access_log",
            "TRUNCATE journal",
            "DELETE FROM access_chain",
            "ALTER TABLE journal DISABLE TRIGGER journal_no_update",
            "DROP TABLE access_log",
            "DELETE FROM _sqlx_migrations",
            "UPDATE model_versions SET text = ''",
            "DELETE FROM model_versions",
        ] {
            refused.push((s, sqlx::query(sqlx::AssertSqlSafe(s)).execute(&raw).await.map_err(|e| e.to_string()).err()));
        }
        // The one way to delete a journal checks first: an open course is not erased.
        let erase = sqlx::query("SELECT erase_course((SELECT min(id) FROM courses))").execute(&raw).await.map_err(|e| e.to_string());
        if !erase.as_ref().is_err_and(|e| e.contains("is not closed")) {
            return Err(format!("the server's role erased an open course: {erase:?}"));
        }
        // And the one way to expire the access log keeps it at least a year.
        let expire = sqlx::query("SELECT expire_access_log((SELECT max(id) FROM access_chain))").execute(&raw).await.map_err(|e| e.to_string());
        if !expire.as_ref().is_err_and(|e| e.contains("kept at least a year")) {
            return Err(format!("the server's role expired a young access log: {expire:?}"));
        }
        raw.close().await;
        Ok::<_, String>(refused)
    }
    .await;
    for s in [format!("DROP SCHEMA {schema} CASCADE"), format!("DROP OWNED BY {server}, {owner}"), format!("DROP ROLE {server}"), format!("DROP ROLE {owner}")] {
        sqlx::query(sqlx::AssertSqlSafe(s)).execute(&admin).await.unwrap();
    }
    admin.close().await;
    for (sql, err) in outcome.unwrap() {
        let err = err.unwrap_or_else(|| panic!("the server's role could: {sql}"));
        assert!(err.contains("permission denied") || err.contains("must be owner"), "{sql}: {err}");
    }
}

/// Documents' contents are encrypted at rest on PostgreSQL too, and one stored before is sealed
/// when the store opens.
#[tokio::test]
async fn documents_are_encrypted_at_rest() {
    let (schema, keys, store, id, raw) = after_story().await;
    let stored: Vec<u8> = sqlx::query_scalar("SELECT bytes FROM document_blobs").fetch_one(&raw).await.unwrap();
    let old = hex::encode(<sha2::Sha256 as sha2::Digest>::digest("Referat fra før".as_bytes()));
    sqlx::query("INSERT INTO document_blobs (course_id, sha256, bytes) VALUES ($1, $2, $3)").bind(id.0).bind(&old).bind("Referat fra før".as_bytes()).execute(&raw).await.unwrap();
    store.close().await;
    let store = tovholder_store_postgres::open_in_schema(&url(), &schema, keys.clone()).await.unwrap();
    let unsealed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM document_blobs WHERE NOT sealed").fetch_one(&raw).await.unwrap();
    let (first, before) = (store.blob(id, &"ab".repeat(32)).await.unwrap(), store.blob(id, &old).await.unwrap());
    raw.close().await;
    store.close().await;
    tovholder_store_postgres::drop_schema(&url(), &schema).await.unwrap();
    let plain = "Udtalelse om Åse".as_bytes();
    assert!(!stored.windows(plain.len()).any(|w| w == plain), "no plaintext in the database");
    assert_eq!(unsealed, 0);
    assert_eq!((first.unwrap(), before.unwrap()), (plain.to_vec(), "Referat fra før".as_bytes().to_vec()));
}
