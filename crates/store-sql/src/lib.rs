//! The Rust both SQL stores share, written once over sqlx's `Database`: the store's state, the
//! row decoders, the commit writer and every `Store` method that differs between SQLite and
//! PostgreSQL only in its SQL. A backend (`store-sqlite`, `store-postgres`) is a `Dialect`: its
//! statements (`Sql`), its migrations, how it opens, and the few operations it does its own
//! way (lists of ids, the course cache, the access-log batch, the search, bulk loads).
//!
//! What sqlx must be able to do with a backend's types is said once, in `for_every_dialect!`,
//! which puts that `where` list on each generic `impl` block: Rust does not carry bounds on
//! other types (`i64: Encode<D::Db>`) along from a trait, and six copies of the list would
//! drift apart. (rustfmt leaves the macro's blocks alone: format them by hand.)

use async_trait::async_trait;
use sqlx::{Database, Pool};

use tovholder_core::ids::{CourseId, OrgId, PersonId};
use tovholder_core::tasks::Task;
use tovholder_store::access::Access;
use tovholder_store::{Keys, Person, Result, StoreError, StoredCourse, TaskRow};

/// `impl<D: Dialect> [Trait for] SqlStore<D> { … }` with the one list of what sqlx must do with
/// a dialect's types.
macro_rules! for_every_dialect {
    ($(#[$attr:meta])* impl $($part:ident)::+ { $($body:tt)* }) => {
        for_every_dialect!(@bounded [$(#[$attr])* impl<D: $crate::Dialect> $($part)::+ for $crate::SqlStore<D>] { $($body)* });
    };
    (impl { $($body:tt)* }) => {
        for_every_dialect!(@bounded [impl<D: $crate::Dialect> $crate::SqlStore<D>] { $($body)* });
    };
    // The impl's head with the one list of bounds.
    (@bounded [$($head:tt)*] { $($body:tt)* }) => {
        $($head)*
        where
            for<'c> &'c mut <<D as $crate::Dialect>::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = <D as $crate::Dialect>::Db>,
            <<D as $crate::Dialect>::Db as sqlx::Database>::Arguments: sqlx::IntoArguments<<D as $crate::Dialect>::Db>,
            for<'a> &'a str: sqlx::ColumnIndex<<<D as $crate::Dialect>::Db as sqlx::Database>::Row> + sqlx::Type<<D as $crate::Dialect>::Db> + sqlx::Encode<'a, <D as $crate::Dialect>::Db>,
            for<'a> Option<&'a str>: sqlx::Encode<'a, <D as $crate::Dialect>::Db>,
            i64: sqlx::Type<<D as $crate::Dialect>::Db> + for<'r> sqlx::Decode<'r, <D as $crate::Dialect>::Db> + for<'q> sqlx::Encode<'q, <D as $crate::Dialect>::Db>,
            bool: sqlx::Type<<D as $crate::Dialect>::Db> + for<'r> sqlx::Decode<'r, <D as $crate::Dialect>::Db> + for<'q> sqlx::Encode<'q, <D as $crate::Dialect>::Db>,
            String: sqlx::Type<<D as $crate::Dialect>::Db> + for<'r> sqlx::Decode<'r, <D as $crate::Dialect>::Db> + for<'q> sqlx::Encode<'q, <D as $crate::Dialect>::Db>,
            Vec<u8>: sqlx::Type<<D as $crate::Dialect>::Db> + for<'r> sqlx::Decode<'r, <D as $crate::Dialect>::Db> + for<'q> sqlx::Encode<'q, <D as $crate::Dialect>::Db>,
            Option<i64>: for<'q> sqlx::Encode<'q, <D as $crate::Dialect>::Db>,
            Option<String>: for<'q> sqlx::Encode<'q, <D as $crate::Dialect>::Db>,
            Option<Vec<u8>>: for<'q> sqlx::Encode<'q, <D as $crate::Dialect>::Db>,
        { $($body)* }
    };
}

mod access_chain;
mod commit;
mod rows;
mod sql;
mod store;

pub use sql::Sql;

/// What one SQL database does its own way.
#[async_trait]
pub trait Dialect: Send + Sync + Sized + 'static {
    type Db: Database;
    /// Its statements.
    const SQL: Sql;
    /// Whether several server processes may share the database: its lists are then trusted
    /// in memory only briefly (`tovholder_store::held`).
    const SHARED: bool;

    /// People by id (`missing`: those not held in memory).
    async fn read_persons(s: &SqlStore<Self>, missing: Vec<i64>) -> Result<Vec<Person>>;
    /// Courses by id, in id order, each once; from memory where the state held is current.
    async fn courses(s: &SqlStore<Self>, ids: &[CourseId]) -> Result<Vec<StoredCourse>>;
    async fn open_tasks_for(s: &SqlStore<Self>, person: PersonId, org: OrgId, org_roles: &[String]) -> Result<Vec<TaskRow>>;
    /// A batch of access records, durable when this returns.
    async fn write_access_log(s: &SqlStore<Self>, batch: &[Access]) -> Result<()>;
    async fn search_courses_of_org(s: &SqlStore<Self>, org: OrgId, needle: &str, limit: i64) -> Result<Vec<CourseId>>;
    /// Expires the access log's links up to `link` and their rows, moving the cut to it first;
    /// how many rows went. (PostgreSQL: through the owner's checking function.)
    async fn expire_access_links(s: &SqlStore<Self>, link: i64, at_us: i64) -> Result<i64>;
    /// After an import: ids made later continue above the imported ones.
    async fn finish_import(_s: &SqlStore<Self>) -> Result<()> {
        Ok(())
    }
    /// After a bulk load: whatever the query planner needs to know of it.
    async fn after_bulk_load(_s: &SqlStore<Self>) -> Result<()> {
        Ok(())
    }

    /// After a write to course `id` (committed or failed), with its open tasks as written.
    fn written(&self, _id: CourseId, _tasks: &[Task]) {}
    /// After a write to many courses at once.
    fn all_written(&self) {}
}

/// A store on one SQL database.
pub struct SqlStore<D: Dialect> {
    /// Where every write goes (SQLite: its one connection).
    pub writer: Pool<D::Db>,
    pub reader: Pool<D::Db>,
    pub keys: Keys,
    pub states: tovholder_store::states::States,
    /// Every text is sealed (`seal_text` found nothing left): text in clear is then refused.
    pub text_sealed: std::sync::atomic::AtomicBool,
    /// Behind `Arc`: PostgreSQL's listener drops them when another process writes logins.
    pub held: std::sync::Arc<tovholder_store::held::Held>,
    pub sessions: std::sync::Arc<tovholder_store::sessions::Sessions>,
    /// The dialect's own state (SQLite: what it knows to be current).
    pub dialect: D,
}

impl<D: Dialect> SqlStore<D> {
    pub fn new(writer: Pool<D::Db>, reader: Pool<D::Db>, keys: Keys, dialect: D) -> SqlStore<D> {
        use tovholder_store::{held::Held, sessions::Sessions};
        let (held, sessions) = if D::SHARED { (Held::shared(), Sessions::shared()) } else { (Held::one_process(), Sessions::one_process()) };
        SqlStore { writer, reader, keys, states: Default::default(), text_sealed: Default::default(), held: std::sync::Arc::new(held), sessions: std::sync::Arc::new(sessions), dialect }
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// A database error as the store's, a duplicate key as `Duplicate`.
pub fn db(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate(d.message().to_string()),
        _ => StoreError::Database(e.to_string()),
    }
}

pub fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Encrypting for the database failed (no randomness).
pub fn sealing(e: tovholder_store::KeyError) -> StoreError {
    StoreError::Database(e.to_string())
}

pub fn json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(corrupt)
}
