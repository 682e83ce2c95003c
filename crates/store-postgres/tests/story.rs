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
    let schema = schema();
    let keys = Keys::from_master(&[3u8; 32]);
    let store = tovholder_store_postgres::open_in_schema(&url(), &schema, keys.clone()).await.unwrap();
    tovholder_test_kit::story::run(&store, &keys).await.unwrap();
    let id = store.course_ids().await.unwrap()[0];
    let opts: sqlx::postgres::PgConnectOptions = url().parse().unwrap();
    let raw = sqlx::PgPool::connect_with(opts.options([("search_path", schema.as_str())])).await.unwrap();
    let err = sqlx::query("UPDATE journal SET payload = '{}' WHERE seq = 2").execute(&raw).await.unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    sqlx::query("ALTER TABLE journal DISABLE TRIGGER journal_no_update").execute(&raw).await.unwrap();
    sqlx::query("UPDATE journal SET payload = replace(payload, 'Udsat', 'Flyttet') WHERE seq = 3").execute(&raw).await.unwrap();
    let broken = tovholder_store::verify_course(&store, &keys, id).await.unwrap();
    raw.close().await;
    store.close().await;
    tovholder_store_postgres::drop_schema(&url(), &schema).await.unwrap();
    assert!(broken.unwrap().contains("entry 3"));
}
