//! The embedded store: SQLite in WAL mode through sqlx.
//!
//! Writes go through one connection (SQLite has one writer anyway), so a transaction never has
//! to upgrade a read lock and fail with "database is locked"; reads use a small pool of their own.
//! `synchronous = FULL` makes each commit durable before it is acknowledged. The Rust shared with
//! PostgreSQL is `tovholder_store_sql`; here are the SQL, the migrations and what SQLite does its
//! own way.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::tasks::Task;
use tovholder_store::{Keys, Person, Result, StoreError, StoredCourse, TaskRow, task_rows};
use tovholder_store_sql::{Dialect, Sql, SqlStore, db, json};

mod current;
mod scale;
mod sql;

/// SQLite: one process, so it knows what is current (`current.rs`).
#[derive(Default)]
pub struct Lite {
    current: current::Current,
}

pub type SqliteStore = SqlStore<Lite>;

fn options(opts: SqliteConnectOptions) -> SqliteConnectOptions {
    opts.create_if_missing(true).journal_mode(SqliteJournalMode::Wal).synchronous(SqliteSynchronous::Full).foreign_keys(true).busy_timeout(Duration::from_secs(10))
}

/// Opens (creating if needed) the database file and runs the migrations.
pub async fn open(path: &Path, keys: Keys) -> Result<SqliteStore> {
    connect(options(SqliteConnectOptions::new().filename(path)), keys).await
}

/// Opens from a `sqlite://PATH` URL.
pub async fn open_url(url: &str, keys: Keys) -> Result<SqliteStore> {
    connect(options(SqliteConnectOptions::from_str(url).map_err(db)?), keys).await
}

async fn connect(opts: SqliteConnectOptions, keys: Keys) -> Result<SqliteStore> {
    // Each connection keeps 8 MB of pages (SQLite's default is 2 MB): at 100,000 courses the
    // hot index pages (the access log's among them) no longer fit, and each page missed is a
    // system call.
    // Temporary data in memory: the access log's batch is several INSERTs in one
    // transaction, and each keeps a statement journal in case it fails halfway.
    let opts = opts.pragma("cache_size", "-8000").pragma("temp_store", "memory");
    let writer = SqlitePoolOptions::new().max_connections(1).connect_with(opts.clone()).await.map_err(db)?;
    sqlx::migrate!("./migrations").run(&writer).await.map_err(|e| StoreError::Database(e.to_string()))?;
    SqliteStore::backfill_names(&writer).await?;
    let reader = SqlitePoolOptions::new().max_connections(4).connect_with(opts.read_only(true)).await.map_err(db)?;
    let store = SqlStore::new(writer, reader, keys, Lite::default());
    // Sealing replaces text in place: with secure_delete the old content is zeroed rather than
    // left in the file's free space, and the WAL is emptied after.
    sqlx::query("PRAGMA secure_delete = ON").execute(&store.writer).await.map_err(db)?;
    let documents = store.seal_documents().await?;
    let text = store.seal_text(true).await?;
    sqlx::query("PRAGMA secure_delete = OFF").execute(&store.writer).await.map_err(db)?;
    if documents + text > 0 {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&store.writer).await.map_err(db)?;
        tracing::info!(documents, text, "what was stored before encryption at rest was encrypted");
    }
    Ok(store)
}

/// Writes a consistent copy of the live database to `path` (which must not exist), while
/// the server keeps running: SQLite's `VACUUM INTO` reads one snapshot.
pub async fn backup_to(store: &SqliteStore, path: &Path) -> Result<()> {
    let target = path.to_str().ok_or_else(|| StoreError::Database("the backup path is not UTF-8".into()))?;
    sqlx::query(sql::BACKUP).bind(target).execute(&store.reader).await.map_err(db)?;
    Ok(())
}

/// `PRAGMA integrity_check`: "ok" for a sound file.
pub async fn integrity_check(store: &SqliteStore) -> Result<String> {
    let r = sqlx::query(sql::INTEGRITY_CHECK).fetch_one(&store.reader).await.map_err(db)?;
    r.try_get(0).map_err(db)
}

#[async_trait]
impl Dialect for Lite {
    type Db = Sqlite;
    const SQL: Sql = sql::SQL;
    const SHARED: bool = false;

    async fn read_persons(s: &SqliteStore, missing: Vec<i64>) -> Result<Vec<Person>> {
        let rows = sqlx::query(sql::SQL.persons).bind(json(&missing)?).fetch_all(&s.reader).await.map_err(db)?;
        rows.iter().map(SqliteStore::person_row).collect()
    }

    async fn courses(s: &SqliteStore, ids: &[CourseId]) -> Result<Vec<StoredCourse>> {
        scale::courses_current(s, ids).await
    }

    async fn open_tasks_for(s: &SqliteStore, person: PersonId, org: OrgId, org_roles: &[String]) -> Result<Vec<TaskRow>> {
        scale::open_tasks_of(s, person, org, org_roles).await
    }

    async fn expire_access_links(s: &SqliteStore, link: i64, at_us: i64) -> Result<i64> {
        // The cut first: the log's triggers let deletes through only at or below it.
        let mut tx = s.writer.begin().await.map_err(db)?;
        // Rows written before the chain began go with the first links expired.
        let from = "COALESCE((SELECT last_row FROM access_chain_cut WHERE id = 1), -1)";
        let gone: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM access_log WHERE id <= (SELECT last_id FROM access_chain WHERE id = ?) AND id > {from}")))
            .bind(link)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query(
            "INSERT INTO access_chain_cut (id, link_id, last_row, hash, rows, at_us) SELECT 1, id, last_id, hash, ?2, ?3 FROM access_chain WHERE id = ?1 \
             ON CONFLICT (id) DO UPDATE SET link_id = excluded.link_id, last_row = excluded.last_row, hash = excluded.hash, rows = access_chain_cut.rows + excluded.rows, at_us = excluded.at_us",
        )
        .bind(link)
        .bind(gone)
        .bind(at_us)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        sqlx::query("DELETE FROM access_log WHERE id <= (SELECT last_row FROM access_chain_cut WHERE id = 1)").execute(&mut *tx).await.map_err(db)?;
        sqlx::query("DELETE FROM access_chain WHERE id <= ?").bind(link).execute(&mut *tx).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(gone)
    }

    async fn write_access_log(s: &SqliteStore, batch: &[tovholder_store::access::Access]) -> Result<()> {
        // One durable transaction.
        scale::access_batch(s, batch).await
    }

    async fn search_courses_of_org(s: &SqliteStore, org: OrgId, needle: &str, limit: i64) -> Result<Vec<CourseId>> {
        scale::search_of_org(s, org, needle, limit).await
    }

    // INTEGER PRIMARY KEY continues above the largest id by itself: `finish_import` has nothing to do.

    fn written(&self, id: CourseId, tasks: &[Task]) {
        self.current.written(id, &task_rows(id, tasks));
    }

    fn all_written(&self) {
        self.current.all_written();
    }
}
