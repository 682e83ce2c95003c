#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tovholder_store::Keys;
use tovholder_store::parts::*;
use tovholder_store_sqlite::SqliteStore;

async fn fresh() -> (SqliteStore, Keys, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let keys = Keys::from_master(&[3u8; 32]);
    let store = tovholder_store_sqlite::open(&dir.path().join("story.db"), keys.clone()).await.unwrap();
    (store, keys, dir)
}

#[tokio::test]
async fn the_store_story() {
    let (store, keys, _dir) = fresh().await;
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
}

/// The journal refuses edits, and an edit made behind its back (trigger dropped) is found by
/// the chain; so is an entry cut off the end.
#[tokio::test]
async fn tampering_is_refused_or_detected() {
    let (store, keys, dir) = fresh().await;
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
    let id = store.course_ids().await.unwrap()[0];
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("story.db").display())).await.unwrap();
    let err = sqlx::query("UPDATE journal SET payload = '{}' WHERE seq = 2").execute(&raw).await.unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert!(sqlx::query("DELETE FROM journal WHERE seq = 3").execute(&raw).await.is_err());
    // A stored model version never changes either.
    let err = sqlx::query("UPDATE model_versions SET text = ''").execute(&raw).await.unwrap_err();
    assert!(err.to_string().contains("never change"), "{err}");
    assert!(sqlx::query("DELETE FROM model_versions").execute(&raw).await.is_err());

    sqlx::query("DROP TRIGGER journal_no_update").execute(&raw).await.unwrap();
    // An event written in clear, or sealed for another entry, is refused; one sealed again by
    // someone with the key is found by the chain.
    let third = store.journal(id).await.unwrap()[2].payload.replace("Udsat", "Flyttet");
    assert_ne!(third, store.journal(id).await.unwrap()[2].payload, "the story's third entry says Udsat");
    for (forged, found) in [
        (third.clone(), "entry 3 is stored in clear"),
        (sqlx::query_scalar("SELECT payload FROM journal WHERE seq = 2").fetch_one(&raw).await.unwrap(), "entry 3 does not open"),
        (keys.seal_text(tovholder_store::keys::TextRow::Entry(id.0, 3), &third).unwrap(), "entry 3 does not match its hash"),
    ] {
        sqlx::query("UPDATE journal SET payload = ? WHERE seq = 3").bind(&forged).execute(&raw).await.unwrap();
        let broken = tovholder_store::verify_course(&store, &keys, id).await.unwrap().unwrap();
        assert!(broken.contains(found), "{broken}");
    }

    let (store, keys, dir) = fresh().await;
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("story.db").display())).await.unwrap();
    sqlx::query("DROP TRIGGER journal_no_delete").execute(&raw).await.unwrap();
    sqlx::query("DELETE FROM journal WHERE seq = 3").execute(&raw).await.unwrap();
    let broken = tovholder_store::verify_course(&store, &keys, id).await.unwrap().unwrap();
    assert!(broken.contains("head says 3"), "{broken}");
}

/// A projection changed behind the journal's back (e.g. someone adds themselves as a member in
/// the state, with the key) is found by `audit verify`; without the key, a state in clear or
/// sealed for another course is refused.
#[tokio::test]
async fn a_tampered_projection_is_detected() {
    let (store, keys, dir) = fresh().await;
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
    let id = store.course_ids().await.unwrap()[0];
    assert_eq!(tovholder_store::verify_course(&store, &keys, id).await.unwrap(), None);
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("story.db").display())).await.unwrap();
    let stored = store.course_as_stored(id).await.unwrap().unwrap();
    let state = serde_json::to_string(&*stored.state).unwrap().replace("\"barn\"", "\"kontaktperson\"");
    let sealed = |course: i64, version: i64| keys.seal_text(tovholder_store::keys::TextRow::State(course, version), &state).unwrap();
    for (forged, found) in [
        (sealed(id.0, stored.version), "stored state differs"),
        (state.clone(), "the stored state is stored in clear"),
        // Another course's, or this one's of an earlier version (put back from a backup).
        (sealed(id.0 + 1, stored.version), "the stored state does not open"),
        (sealed(id.0, stored.version - 1), "the stored state does not open"),
    ] {
        sqlx::query("UPDATE courses SET state = ? WHERE id = ?").bind(&forged).bind(id.0).execute(&raw).await.unwrap();
        let broken = tovholder_store::verify_course(&store, &keys, id).await.unwrap().unwrap();
        assert!(broken.contains(found), "{broken}");
    }
}

/// Courses' states, tasks' labels and journal entries' events (where minutes, agreements and
/// notes are) are encrypted at rest: no free text in the database; text stored before (as an
/// older version wrote it) is sealed at the next start and the journal's chain still holds.
#[tokio::test]
async fn text_is_encrypted_at_rest() {
    let (store, keys, dir) = fresh().await;
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
    let id = store.course_ids().await.unwrap()[0];
    let entries = store.journal(id).await.unwrap();
    assert!(entries.iter().any(|e| e.payload.contains("Udsat")), "the story writes a reason in words");
    let path = dir.path().join("story.db");
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let in_clear = async |raw: &sqlx::SqlitePool| {
        let mut n = 0i64;
        for (table, column) in [("journal", "payload"), ("courses", "state"), ("tasks", "label")] {
            n += sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table} WHERE {column} NOT LIKE 'sealed1:%'"))).fetch_one(raw).await.unwrap();
        }
        n
    };
    assert_eq!(in_clear(&raw).await, 0);
    let file = std::fs::read(&path).unwrap();
    assert!(!file.windows(5).any(|w| w == b"Udsat"), "no free text in the database file");
    // As an older version wrote it: in clear, and not yet marked sealed.
    let state = serde_json::to_string(&*store.course_as_stored(id).await.unwrap().unwrap().state).unwrap();
    store.close().await;
    sqlx::query("DROP TRIGGER journal_no_update").execute(&raw).await.unwrap();
    for e in &entries {
        sqlx::query("UPDATE journal SET payload = ? WHERE course_id = ? AND seq = ?").bind(&e.payload).bind(id.0).bind(e.seq).execute(&raw).await.unwrap();
    }
    sqlx::query("UPDATE courses SET state = ? WHERE id = ?").bind(&state).bind(id.0).execute(&raw).await.unwrap();
    sqlx::query(
        "INSERT INTO tasks (course_id, task, label, due_from, due_to, done, owner_person, owner_org, owner_role) VALUES (?, 'x', 'Opgave i klar tekst', '2026-01-01', '2026-01-02', 0, 1, NULL, 'r')",
    )
    .bind(id.0)
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query("DELETE FROM sealed_at_rest").execute(&raw).await.unwrap();
    // The journal takes this one change only: an entry's event sealed, nothing else changed.
    let trigger = include_str!("../migrations/0012_sealed_text.sql").split("CREATE TABLE").next().unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(trigger)).execute(&raw).await.unwrap();
    assert!(in_clear(&raw).await > 0);
    let store = tovholder_store_sqlite::open(&path, keys.clone()).await.unwrap();
    assert_eq!(in_clear(&raw).await, 0);
    // Nor is what was in clear left behind in the file's free space or its WAL.
    for file in [path.clone(), path.with_extension("db-wal")] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(!bytes.windows(5).any(|w| w == b"Udsat"), "{}", file.display());
    }
    assert_eq!(store.journal(id).await.unwrap(), entries);
    assert_eq!(tovholder_store::verify_course(&store, &keys, id).await.unwrap(), None);
    assert!(store.open_tasks_due(jiff::civil::date(2099, 1, 1), 1000).await.unwrap().iter().any(|t| t.label == "Opgave i klar tekst"));
    // Sealing is the one change the journal takes.
    let err = sqlx::query("UPDATE journal SET hash = 'x' WHERE seq = 1").execute(&raw).await.unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

/// The access log takes inserts only, and its chain finds a row changed, removed or slipped in
/// behind the server's back (triggers dropped, as someone with the database file could).
#[tokio::test]
async fn the_access_log_refuses_edits_and_its_chain_finds_them() {
    let tampered = async |sql: &[&str]| {
        let (store, keys, dir) = fresh().await;
        tovholder_test_kit::story::run(&store, &keys).await.unwrap();
        assert_eq!(store.check_access_chain().await.unwrap().broken, None);
        let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("story.db").display())).await.unwrap();
        for s in sql {
            sqlx::query(sqlx::AssertSqlSafe(*s)).execute(&raw).await.unwrap();
        }
        store.check_access_chain().await.unwrap().broken.unwrap_or_default()
    };
    let (store, keys, dir) = fresh().await;
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("story.db").display())).await.unwrap();
    let err = sqlx::query("UPDATE access_log SET allowed = 1").execute(&raw).await.unwrap_err();
    assert!(err.to_string().contains("insert-only"), "{err}");
    assert!(sqlx::query("DELETE FROM access_log").execute(&raw).await.is_err());
    assert!(sqlx::query("DELETE FROM access_chain").execute(&raw).await.is_err());

    let changed = tampered(&["DROP TRIGGER access_log_no_update", "UPDATE access_log SET allowed = 1, reason = 'role' WHERE id = 1"]).await;
    assert!(changed.contains("changed after they were written"), "{changed}");
    let removed = tampered(&["DROP TRIGGER access_log_no_delete", "DELETE FROM access_log WHERE id = 1"]).await;
    assert!(removed.contains("covers 2 rows, but 1 are there"), "{removed}");
    let added = tampered(&["INSERT INTO access_log (at_us, person_id, course_id, action, allowed, reason) VALUES (1, 1, 1, 'read', 1, 'role')"]).await;
    assert!(added.contains("behind the chain's back"), "{added}");
}

/// Documents' contents are encrypted at rest and bound to their row: the file holds no
/// plaintext, a document stored before encryption is sealed when the store opens, and a
/// ciphertext moved to another row does not open.
#[tokio::test]
async fn documents_are_encrypted_at_rest_and_bound_to_their_row() {
    let (store, keys, dir) = fresh().await;
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
    let id = store.course_ids().await.unwrap()[0];
    let path = dir.path().join("story.db");
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT bytes FROM document_blobs").fetch_one(&raw).await.unwrap();
    let plain = "Udtalelse om Åse".as_bytes();
    assert!(!stored.windows(plain.len()).any(|w| w == plain), "no plaintext in the database");
    assert_eq!(store.blob(id, &"ab".repeat(32)).await.unwrap().unwrap(), plain);
    // One stored before encryption at rest (as an older version did) is sealed at the next start.
    let old = hex::encode(<sha2::Sha256 as sha2::Digest>::digest("Referat fra før".as_bytes()));
    sqlx::query("INSERT INTO document_blobs (course_id, sha256, bytes) VALUES (?, ?, ?)").bind(id.0).bind(&old).bind("Referat fra før".as_bytes()).execute(&raw).await.unwrap();
    // One changed behind the server's back (its content not what its hash says) is not sealed,
    // and not served.
    let forged = "ef".repeat(32);
    sqlx::query("INSERT INTO document_blobs (course_id, sha256, bytes) VALUES (?, ?, ?)").bind(id.0).bind(&forged).bind("noget andet".as_bytes()).execute(&raw).await.unwrap();
    store.close().await;
    let store = tovholder_store_sqlite::open(&path, keys.clone()).await.unwrap();
    let unsealed: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM document_blobs WHERE sealed = 0").fetch_all(&raw).await.unwrap();
    assert_eq!(unsealed, std::slice::from_ref(&forged));
    assert!(matches!(store.blob(id, &forged).await, Err(tovholder_store::StoreError::Corrupt(_))));
    assert_eq!(store.blob(id, &old).await.unwrap().unwrap(), "Referat fra før".as_bytes());
    // Moved to another row, a ciphertext does not open.
    sqlx::query("UPDATE document_blobs SET bytes = (SELECT bytes FROM document_blobs WHERE sha256 = ?) WHERE sha256 = ?").bind("ab".repeat(32)).bind(&old).execute(&raw).await.unwrap();
    assert!(matches!(store.blob(id, &old).await, Err(tovholder_store::StoreError::Corrupt(_))));
}
