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

    sqlx::query("DROP TRIGGER journal_no_update").execute(&raw).await.unwrap();
    sqlx::query("UPDATE journal SET payload = replace(payload, 'Udsat', 'Flyttet') WHERE seq = 3").execute(&raw).await.unwrap();
    let broken = tovholder_store::verify_course(&store, &keys, id).await.unwrap().unwrap();
    assert!(broken.contains("entry 3"), "{broken}");

    let (store, keys, dir) = fresh().await;
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("story.db").display())).await.unwrap();
    sqlx::query("DROP TRIGGER journal_no_delete").execute(&raw).await.unwrap();
    sqlx::query("DELETE FROM journal WHERE seq = 3").execute(&raw).await.unwrap();
    let broken = tovholder_store::verify_course(&store, &keys, id).await.unwrap().unwrap();
    assert!(broken.contains("head says 3"), "{broken}");
}

/// A projection changed behind the journal's back (e.g. someone adds themselves as a member in
/// the state) is found by `audit verify`.
#[tokio::test]
async fn a_tampered_projection_is_detected() {
    let (store, keys, dir) = fresh().await;
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
    let id = store.course_ids().await.unwrap()[0];
    assert_eq!(tovholder_store::verify_course(&store, &keys, id).await.unwrap(), None);
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("story.db").display())).await.unwrap();
    sqlx::query("UPDATE courses SET state = replace(state, '\"barn\"', '\"kontaktperson\"')").execute(&raw).await.unwrap();
    let broken = tovholder_store::verify_course(&store, &keys, id).await.unwrap().unwrap();
    assert!(broken.contains("stored state differs"), "{broken}");
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
