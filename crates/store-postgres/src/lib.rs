//! The store for larger installations and several server processes: PostgreSQL through sqlx.
//!
//! Appends lock the course row (`SELECT … FOR UPDATE`), so two processes writing one course
//! take turns and the version check holds; mail is claimed with `FOR UPDATE SKIP LOCKED`. The
//! Rust shared with SQLite is `tovholder_store_sql`; here are the SQL, the migrations and what
//! PostgreSQL does its own way.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, Postgres};

use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_store::{Keys, Person, Result, StoreError, StoredCourse, TaskRow, to_micros};
use tovholder_store_sql::{Dialect, Sql, SqlStore, db};

mod scale;
mod sql;

/// PostgreSQL: shared by several processes, so every read asks the database what is current.
pub struct Pg;

pub type PgStore = SqlStore<Pg>;

/// A schema's or role's name: letters, digits and underscores only, since it is formatted into SQL.
fn schema_name(s: &str) -> Result<&str> {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(s)
    } else {
        Err(StoreError::Database(format!("{s:?}: use a schema or role name of letters, digits and underscores")))
    }
}

/// Connects to a `postgres://` URL and runs the migrations (the URL's role owns the tables).
pub async fn open_url(url: &str, keys: Keys) -> Result<PgStore> {
    connect(PgConnectOptions::from_str(url).map_err(db)?, keys, true).await
}

/// Connects as the server's own role, which may not change the schema: the migrations must
/// have run (`migrate`, as the owner); a database behind this binary is refused.
pub async fn open_migrated(url: &str, keys: Keys) -> Result<PgStore> {
    connect(PgConnectOptions::from_str(url).map_err(db)?, keys, false).await
}

/// The role a `postgres://` URL logs in as.
pub fn role_of(url: &str) -> Result<String> {
    Ok(PgConnectOptions::from_str(url).map_err(db)?.get_username().to_string())
}

/// The tables the server may read and add to, but never change or empty: a record of what
/// happened.
const INSERT_ONLY: &str = "journal, access_log, access_chain, model_versions, course_erasures, access_chain_cut";

/// Runs the migrations as the tables' owner (the URL's role), then, if `server_role` is given,
/// lets that role read and write what the server needs: every table, but the journal and the
/// access log (and its chain) only read and added to; and `_sqlx_migrations` only read.
/// With the key file's `keys`, the owner also seals what was stored before encryption at rest
/// that only the owner may change (journal entries).
pub async fn migrate(owner_url: &str, server_role: Option<&str>, keys: Option<Keys>) -> Result<()> {
    migrate_with(PgConnectOptions::from_str(owner_url).map_err(db)?, server_role, keys).await
}

async fn migrate_with(opts: PgConnectOptions, server_role: Option<&str>, keys: Option<Keys>) -> Result<()> {
    let pool = PgPoolOptions::new().max_connections(1).connect_with(opts).await.map_err(db)?;
    let result = async {
        sqlx::migrate!("./migrations").run(&pool).await.map_err(|e| StoreError::Database(e.to_string()))?;
        if let Some(keys) = keys {
            seal_at_rest(&SqlStore::new(pool.clone(), pool.clone(), keys, Pg)).await?;
        }
        if let Some(role) = server_role {
            // Names go into the SQL text: only letters, digits and underscores get there.
            let role = schema_name(role)?;
            let schema: String = sqlx::query_scalar("SELECT current_schema()").fetch_one(&pool).await.map_err(db)?;
            let schema = schema_name(&schema)?;
            // Processes starting together take turns (GRANTs at once clash in the catalogue).
            sqlx::query("SELECT pg_advisory_lock(7401002)").execute(&pool).await.map_err(db)?;
            for grant in [
                format!("GRANT USAGE ON SCHEMA \"{schema}\" TO \"{role}\""),
                format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"{schema}\" TO \"{role}\""),
                format!("REVOKE UPDATE, DELETE, TRUNCATE ON {INSERT_ONLY} FROM \"{role}\""),
                format!("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON _sqlx_migrations FROM \"{role}\""),
                format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA \"{schema}\" TO \"{role}\""),
                // The one way for the server to delete a journal: an erasure that checks again.
                format!("GRANT EXECUTE ON FUNCTION \"{schema}\".erase_course(BIGINT) TO \"{role}\""),
                format!("GRANT EXECUTE ON FUNCTION \"{schema}\".expire_access_log(BIGINT) TO \"{role}\""),
                // The cut says where the chain is verified from: only the owner's function moves it.
                format!("REVOKE INSERT ON access_chain_cut FROM \"{role}\""),
            ] {
                sqlx::query(sqlx::AssertSqlSafe(grant)).execute(&pool).await.map_err(db)?;
            }
            sqlx::query("SELECT pg_advisory_unlock(7401002)").execute(&pool).await.map_err(db)?;
        }
        Ok(())
    }
    .await;
    pool.close().await;
    result
}

/// Connects with every table in `schema` (made if missing): for tests, each on a fresh schema.
pub async fn open_in_schema(url: &str, schema: &str, keys: Keys) -> Result<PgStore> {
    let opts = PgConnectOptions::from_str(url).map_err(db)?;
    let admin = PgPoolOptions::new().max_connections(1).connect_with(opts.clone()).await.map_err(db)?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", schema_name(schema)?))).execute(&admin).await.map_err(db)?;
    admin.close().await;
    connect(opts.options([("search_path", schema)]), keys, true).await
}

/// The same, split as an installation splits it: the migrations run as `owner_url`'s role and
/// grant `server_url`'s role what the server needs; the store connects as the latter.
pub async fn open_in_schema_as(owner_url: &str, server_url: &str, server_role: &str, schema: &str, keys: Keys) -> Result<PgStore> {
    let owner = PgConnectOptions::from_str(owner_url).map_err(db)?;
    migrate_with(owner.options([("search_path", schema)]), Some(server_role), Some(keys.clone())).await?;
    connect(PgConnectOptions::from_str(server_url).map_err(db)?.options([("search_path", schema)]), keys, false).await
}

/// Drops a schema made by `open_in_schema`, with everything in it.
pub async fn drop_schema(url: &str, schema: &str) -> Result<()> {
    let pool = PgPoolOptions::new().max_connections(1).connect_with(PgConnectOptions::from_str(url).map_err(db)?).await.map_err(db)?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", schema_name(schema)?))).execute(&pool).await.map_err(db)?;
    pool.close().await;
    Ok(())
}

async fn connect(opts: PgConnectOptions, keys: Keys, migrate: bool) -> Result<PgStore> {
    let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect_with(opts).await.map_err(db)?;
    if migrate {
        sqlx::migrate!("./migrations").run(&pool).await.map_err(|e| StoreError::Database(e.to_string()))?;
    } else {
        let needed = sqlx::migrate!("./migrations").iter().map(|m| m.version).max().unwrap_or(0);
        let done: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success").fetch_one(&pool).await.map_err(db)?;
        if done.unwrap_or(0) < needed {
            return Err(StoreError::Database(format!("the database's schema is at migration {}, this version needs {needed}: run `tovholder migrate` with the owner's URL first", done.unwrap_or(0))));
        }
    }
    PgStore::backfill_names(&pool).await?;
    let store = SqlStore::new(pool.clone(), pool.clone(), keys, Pg);
    seal_at_rest(&store).await?;
    listen(pool, store.held.clone(), store.sessions.clone());
    Ok(store)
}

/// Encrypts what was stored before encryption at rest: documents, and text (the journal's
/// entries only if this role may change the journal: the server's own role under least
/// privilege may not, its owner seals them). The old row versions stay in the database's
/// files until PostgreSQL vacuums them (README: VACUUM FULL).
async fn seal_at_rest(store: &PgStore) -> Result<()> {
    let journal: bool = sqlx::query_scalar("SELECT has_table_privilege('journal', 'UPDATE')").fetch_one(&store.writer).await.map_err(db)?;
    let documents = store.seal_documents().await?;
    let text = store.seal_text(journal).await?;
    if documents + text > 0 {
        tracing::info!(documents, text, "what was stored before encryption at rest was encrypted");
    }
    Ok(())
}

/// The channel on which a process says that logins, sessions or second factors changed.
const LOGINS: &str = "tovholder_logins";

/// Listens for other processes' changes to logins and drops what this process holds of them,
/// so a closed login or an ended session ends here within a moment. While the connection is
/// lost nothing is heard: everything held is dropped when it comes back (and, until then,
/// nothing held is trusted longer than `held::SHARED_FOR`).
fn listen(pool: sqlx::PgPool, held: std::sync::Arc<tovholder_store::held::Held>, sessions: std::sync::Arc<tovholder_store::sessions::Sessions>) {
    let drop_all = move || {
        held.invalidate();
        sessions.clear();
    };
    tokio::spawn(async move {
        loop {
            if let Ok(mut listener) = sqlx::postgres::PgListener::connect_with(&pool).await
                && listener.listen(LOGINS).await.is_ok()
            {
                drop_all();
                // `Ok(None)`: the connection was lost (the listener connects again on the next call).
                while let Ok(heard) = listener.try_recv().await {
                    if heard.is_none() {
                        tracing::warn!("the PostgreSQL listener lost its connection; logins held are dropped");
                    }
                    drop_all();
                }
            }
            if pool.is_closed() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

#[async_trait]
impl Dialect for Pg {
    type Db = Postgres;
    const SQL: Sql = sql::SQL;
    const SHARED: bool = true;

    async fn read_persons(s: &PgStore, missing: Vec<i64>) -> Result<Vec<Person>> {
        let rows = sqlx::query(sql::SQL.persons).bind(&missing).fetch_all(&s.reader).await.map_err(db)?;
        rows.iter().map(PgStore::person_row).collect()
    }

    async fn courses(s: &PgStore, ids: &[CourseId]) -> Result<Vec<StoredCourse>> {
        scale::courses_cached(s, ids).await
    }

    async fn open_tasks_for(s: &PgStore, person: PersonId, org: OrgId, org_roles: &[String]) -> Result<Vec<TaskRow>> {
        let rows = sqlx::query(sql::OPEN_TASKS_FOR).bind(person.0).bind(org.0).bind(org_roles).fetch_all(&s.reader).await.map_err(db)?;
        rows.iter().map(|r| s.task_row(r)).collect()
    }

    async fn expire_access_links(s: &PgStore, link: i64, _at_us: i64) -> Result<i64> {
        // The owner's function checks the rows' age by the database's clock and moves the cut.
        let r = sqlx::query("SELECT expire_access_log($1) AS n").bind(link).fetch_one(&s.writer).await.map_err(db)?;
        r.try_get("n").map_err(db)
    }

    async fn write_access_log(s: &PgStore, batch: &[tovholder_store::access::Access]) -> Result<()> {
        // One statement for the rows: a round trip per record made a batch of list views
        // thousands of round trips long. Then the chain's link, under a transaction lock that
        // orders the batches of every server process.
        let (rows, seen) = tovholder_store::access::log_rows(batch)?;
        let records = || rows.iter().map(|r| r.record);
        let mut tx = s.writer.begin().await.map_err(db)?;
        sqlx::query(sql::LOCK_ACCESS_CHAIN).execute(&mut *tx).await.map_err(db)?;
        let ids = sqlx::query(sql::INSERT_ACCESS)
            .bind(records().map(|a| to_micros(a.at)).collect::<Vec<i64>>())
            .bind(records().map(|a| a.person.map(|p| p.0)).collect::<Vec<Option<i64>>>())
            .bind(rows.iter().map(|r| if r.courses.is_some() { None } else { r.record.course.map(|c| c.0) }).collect::<Vec<Option<i64>>>())
            .bind(records().map(|a| a.action.as_str()).collect::<Vec<&str>>())
            .bind(rows.iter().map(|r| r.allowed).collect::<Vec<bool>>())
            .bind(rows.iter().map(|r| r.reason).collect::<Vec<&str>>())
            .bind(rows.iter().map(|r| r.courses.as_deref()).collect::<Vec<Option<&str>>>())
            .bind(seen.iter().map(|s| s.0).collect::<Vec<i64>>())
            .bind(seen.iter().map(|s| s.1).collect::<Vec<i64>>())
            .bind(seen.iter().map(|s| s.2).collect::<Vec<i64>>())
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.try_get::<i64, _>("id").map_err(db))
            .collect::<Result<Vec<i64>>>()?;
        s.link_access_rows(&mut tx, &ids).await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn search_courses_of_org(s: &PgStore, org: OrgId, needle: &str, limit: i64) -> Result<Vec<CourseId>> {
        scale::search_of_org(s, org, needle, limit).await
    }

    async fn finish_import(s: &PgStore) -> Result<()> {
        sqlx::query(sql::RESET_IDS).execute(&s.writer).await.map_err(db)?;
        Ok(())
    }

    async fn after_bulk_load(s: &PgStore) -> Result<()> {
        // Autovacuum analyses in its own time; until then a search over 100,000 freshly loaded
        // courses took 0.5 s instead of 12 ms, and 64 of them at once emptied the pool.
        sqlx::query("ANALYZE").execute(&s.writer).await.map_err(db)?;
        Ok(())
    }
}
