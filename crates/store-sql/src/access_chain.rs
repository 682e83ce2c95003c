//! The access log's chain, the same in both stores: each batch of rows gets a link holding a
//! keyed hash over the previous link's hash and the batch's rows as stored (`access::chain_bytes`),
//! written in the batch's own transaction; `check` recomputes it.

use sqlx::{Row, Transaction};

use tovholder_store::Result;
use tovholder_store::access::{ChainLink, ChainReport, StoredRow, chain_bytes};

use crate::{Dialect, db};

type Tx<D> = Transaction<'static, <D as Dialect>::Db>;

/// Links read at a time when checking.
const PAGE: i64 = 1000;

for_every_dialect! {
    impl {
        /// Adds the link of the rows `ids` the batch in `tx` just wrote. The caller holds the
        /// chain's lock (SQLite: the one writer; PostgreSQL: a transaction lock), so no batch
        /// links between the last link and this one.
        pub async fn link_access_rows(&self, tx: &mut Tx<D>, ids: &[i64]) -> Result<()> {
            let (Some(first), Some(last)) = (ids.iter().min().copied(), ids.iter().max().copied()) else { return Ok(()) };
            let prev = match sqlx::query(D::SQL.access_chain_last).fetch_optional(&mut **tx).await.map_err(db)? {
                Some(r) => Self::link_row(&r)?.hash,
                None => String::new(),
            };
            let rows = sqlx::query(D::SQL.access_rows_between).bind(first).bind(last).fetch_all(&mut **tx).await.map_err(db)?;
            let rows = rows.iter().map(Self::stored_row).collect::<Result<Vec<_>>>()?;
            let hash = self.keys.access_chain(&prev, &chain_bytes(&rows)?);
            sqlx::query(D::SQL.insert_access_link).bind(first).bind(last).bind(rows.len() as i64).bind(hash).execute(&mut **tx).await.map_err(db)?;
            Ok(())
        }

        fn link_row(r: &<D::Db as sqlx::Database>::Row) -> Result<ChainLink> {
            Ok(ChainLink {
                id: r.try_get("id").map_err(db)?,
                first: r.try_get("first_id").map_err(db)?,
                last: r.try_get("last_id").map_err(db)?,
                rows: r.try_get("rows").map_err(db)?,
                hash: r.try_get("hash").map_err(db)?,
            })
        }

        fn stored_row(r: &<D::Db as sqlx::Database>::Row) -> Result<StoredRow> {
            Ok(StoredRow {
                id: r.try_get("id").map_err(db)?,
                at_us: r.try_get("at_us").map_err(db)?,
                person: r.try_get("person_id").map_err(db)?,
                course: r.try_get("course_id").map_err(db)?,
                action: r.try_get("action").map_err(db)?,
                allowed: r.try_get("allowed").map_err(db)?,
                reason: r.try_get("reason").map_err(db)?,
                courses: r.try_get("courses").map_err(db)?,
            })
        }

        /// The chain's cut, if the log has expired: (last link expired, its last row, its hash,
        /// rows expired in all).
        async fn cut(&self) -> Result<Option<(i64, i64, String, i64)>> {
            let row = sqlx::query(D::SQL.access_chain_cut).fetch_optional(&self.reader).await.map_err(db)?;
            row.map(|r| Ok((r.try_get("link_id").map_err(db)?, r.try_get("last_row").map_err(db)?, r.try_get("hash").map_err(db)?, r.try_get("rows").map_err(db)?))).transpose()
        }

        /// Expires whole links, oldest first, while every row of a link is older than `before`;
        /// never the newest link, on whose hash the next batch chains.
        pub(crate) async fn expire(&self, before: i64, now: i64) -> Result<i64> {
            let mut after = self.cut().await?.map_or(0, |c| c.0);
            let (mut last, mut before_last) = (None, None);
            let mut young = false;
            'walk: loop {
                let links = sqlx::query(D::SQL.access_links_aged).bind(after).bind(PAGE).fetch_all(&self.reader).await.map_err(db)?;
                for r in &links {
                    let id: i64 = r.try_get("id").map_err(db)?;
                    let newest: Option<i64> = r.try_get("newest").map_err(db)?;
                    if newest.is_none_or(|n| n >= before) {
                        young = true;
                        break 'walk;
                    }
                    (before_last, last) = (last, Some(id));
                    after = id;
                }
                if (links.len() as i64) < PAGE {
                    break;
                }
            }
            match if young { last } else { before_last } {
                Some(link) => D::expire_access_links(self, link, now).await,
                None => Ok(0),
            }
        }

        /// Walks the chain from its first link: each link's rows must hash to it, one after the
        /// other, and every row written since the chain began must be in a link.
        pub(crate) async fn check_chain(&self) -> Result<ChainReport> {
            let from: i64 = sqlx::query(D::SQL.instance_fact).bind("access_chain_from").fetch_optional(&self.reader).await.map_err(db)?
                .map(|r| r.try_get::<String, _>("value")).transpose().map_err(db)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut report = ChainReport { before_chain: from, ..ChainReport::default() };
            let (mut prev, mut after, mut last_row) = (String::new(), 0_i64, from);
            // An expired log walks on from its cut: the next link chains on the last one expired.
            let mut base = from;
            if let Some((link, row, hash, rows)) = self.cut().await? {
                (prev, after, last_row, base) = (hash, link, row, row);
                report.expired = rows;
            }
            // A batch's rows and its link are committed together, so rows counted beyond the
            // last link walked have their links there when asked after: a running server
            // writing meanwhile makes the walk longer, never a false break.
            loop {
                let links = sqlx::query(D::SQL.access_chain_after).bind(after).bind(PAGE).fetch_all(&self.reader).await.map_err(db)?;
                for link in links.iter().map(Self::link_row) {
                    let link = link?;
                    after = link.id;
                    let rows = sqlx::query(D::SQL.access_rows_between).bind(link.first).bind(link.last).fetch_all(&self.reader).await.map_err(db)?;
                    let rows = rows.iter().map(Self::stored_row).collect::<Result<Vec<_>>>()?;
                    let broken = if link.first <= last_row {
                        Some(format!("link {} starts at row {}, inside what came before", link.id, link.first))
                    } else if rows.len() as i64 != link.rows {
                        Some(format!("link {} covers {} rows, but {} are there (rows {}–{})", link.id, link.rows, rows.len(), link.first, link.last))
                    } else if self.keys.access_chain(&prev, &chain_bytes(&rows)?) != link.hash {
                        Some(format!("rows {}–{} do not match link {}: changed after they were written", link.first, link.last, link.id))
                    } else {
                        None
                    };
                    if broken.is_some() {
                        report.broken = broken;
                        return Ok(report);
                    }
                    report.batches += 1;
                    report.rows += link.rows;
                    report.views += rows.iter().filter(|r| r.courses.is_some()).count() as i64;
                    report.head = Some((link.id, link.hash.clone()));
                    prev = link.hash;
                    last_row = link.last;
                }
                if (links.len() as i64) == PAGE {
                    continue;
                }
                let count = |a: i64, b: i64| async move {
                    let r = sqlx::query(D::SQL.access_counts_between).bind(a).bind(b).fetch_one(&self.reader).await.map_err(db)?;
                    r.try_get::<i64, _>("n").map_err(db)
                };
                let within = count(base, last_row).await?;
                if within != report.rows {
                    report.broken = Some(format!("{within} rows are there up to row {last_row}, but the links cover {}: rows were added or removed behind the chain's back", report.rows));
                    return Ok(report);
                }
                if count(last_row, i64::MAX).await? == 0 {
                    break;
                }
                let more = sqlx::query(D::SQL.access_chain_after).bind(after).bind(1_i64).fetch_all(&self.reader).await.map_err(db)?;
                if more.is_empty() {
                    report.broken = Some(format!("rows after row {last_row} are in no link: added behind the chain's back"));
                    return Ok(report);
                }
            }
            Ok(report)
        }
    }
}
