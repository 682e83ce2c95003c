//! Static front-end assets embedded at build time (see `build.rs`).
//!
//! Served by [`serve`] under `/static/{*path}`. Templates should link assets
//! through [`url`], which appends `?v=<content hash>`; such versioned
//! requests are cached for a year as `immutable`. Unversioned (or stale
//! versioned) requests get `Cache-Control: no-cache` plus an `ETag`, so a
//! browser revalidates them cheaply (304) instead of keeping an old copy
//! after a deploy.

use axum::extract::{Path, RawQuery};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// Path below `/static/`, e.g. `css/dkfds.min.css`.
    pub path: &'static str,
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// Short content hash (8 hex digits), used as `?v=` and as the ETag.
    pub hash: &'static str,
}

// Defines `ASSETS` (sorted by path) and the path constants `DKFDS_CSS`,
// `DKFDS_JS`, `HTMX_JS`, `ICON_SPRITE`, `APP_CSS`, `APP_JS`.
include!(concat!(env!("OUT_DIR"), "/assets_table.rs"));

/// Cache policy for requests carrying the current `?v=` hash.
const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy for anything else: store, but revalidate (ETag → 304).
const CACHE_REVALIDATE: &str = "no-cache";

/// Every embedded asset, sorted by path.
pub fn all() -> &'static [Asset] {
    ASSETS
}

/// The asset served at `/static/<path>` (a leading `/` is ignored).
pub fn get(path: &str) -> Option<&'static Asset> {
    let path = path.strip_prefix('/').unwrap_or(path);
    ASSETS.binary_search_by(|asset| asset.path.cmp(path)).ok().and_then(|i| ASSETS.get(i))
}

/// Cache-busting URL for templates: `/static/<path>?v=<hash>`.
/// For an unknown path this is `/static/<path>` (which will 404).
pub fn url(path: &str) -> String {
    let path = path.strip_prefix('/').unwrap_or(path);
    match get(path) {
        Some(asset) => format!("/static/{}?v={}", asset.path, asset.hash),
        None => format!("/static/{path}"),
    }
}

/// Handler for `/static/{*path}`.
///
/// 200 with the asset's `Content-Type`; `Cache-Control` is one year
/// `immutable` when the query has the matching `v=<hash>`, else `no-cache`.
/// Answers 304 to a matching `If-None-Match`, 404 for unknown paths.
pub async fn serve(Path(path): Path<String>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    let Some(asset) = get(&path) else {
        return (StatusCode::NOT_FOUND, [(CACHE_CONTROL, HeaderValue::from_static("no-store"))], "Not Found").into_response();
    };

    let versioned = query.as_deref().is_some_and(|q| q.split('&').any(|pair| pair.strip_prefix("v=") == Some(asset.hash)));
    let cache_control = if versioned { CACHE_IMMUTABLE } else { CACHE_REVALIDATE };

    let mut response_headers = HeaderMap::new();
    response_headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", asset.hash)) {
        response_headers.insert(ETAG, etag);
    }

    if etag_matches(&headers, asset.hash) {
        return (StatusCode::NOT_MODIFIED, response_headers).into_response();
    }

    response_headers.insert(CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    response_headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    (StatusCode::OK, response_headers, asset.bytes).into_response()
}

/// Whether any `If-None-Match` header lists our ETag (weak or strong) or `*`.
fn etag_matches(headers: &HeaderMap, hash: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag).strip_prefix('"').and_then(|t| t.strip_suffix('"')) == Some(hash))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    async fn call(path: &str, query: Option<&str>, if_none_match: Option<&str>) -> Response {
        let mut headers = HeaderMap::new();
        if let Some(tag) = if_none_match {
            headers.insert(IF_NONE_MATCH, HeaderValue::from_str(tag).unwrap());
        }
        serve(Path(path.to_string()), RawQuery(query.map(str::to_string)), headers).await
    }

    #[test]
    fn table_is_sorted_and_complete() {
        assert!(ASSETS.windows(2).all(|w| w[0].path < w[1].path));
        for path in [DKFDS_CSS, DKFDS_JS, HTMX_JS, ICON_SPRITE, APP_CSS, APP_JS] {
            let asset = get(path).unwrap_or_else(|| panic!("{path} missing"));
            assert!(!asset.bytes.is_empty(), "{path} is empty");
            assert_eq!(asset.hash.len(), 8);
        }
        assert!(ASSETS.iter().any(|a| a.path.ends_with(".woff2")));
        assert_eq!(get(DKFDS_CSS).unwrap().content_type, "text/css; charset=utf-8");
    }

    #[test]
    fn every_css_url_is_served_and_versioned() {
        for asset in ASSETS.iter().filter(|a| a.content_type.starts_with("text/css")) {
            let css = std::str::from_utf8(asset.bytes).unwrap();
            let dir = asset.path.rsplit_once('/').map_or("", |(dir, _)| dir);
            for part in css.split("url(").skip(1) {
                let arg = part[..part.find(')').unwrap()].trim_matches(|c| c == '"' || c == '\'');
                if arg.starts_with("data:") || arg.starts_with('#') {
                    continue;
                }
                let (target, version) = arg.split_once("?v=").unwrap_or_else(|| panic!("{arg} in {} unversioned", asset.path));
                let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
                for seg in target.split('/') {
                    match seg {
                        ".." => {
                            parts.pop();
                        }
                        "." => {}
                        s => parts.push(s),
                    }
                }
                let resolved = parts.join("/");
                let served = get(&resolved).unwrap_or_else(|| panic!("{arg} -> {resolved} not served"));
                assert_eq!(version.split('#').next(), Some(served.hash));
            }
        }
    }

    #[test]
    fn url_has_hash() {
        let asset = get(HTMX_JS).unwrap();
        assert_eq!(url(HTMX_JS), format!("/static/js/htmx.min.js?v={}", asset.hash));
        assert_eq!(url("/js/htmx.min.js"), url(HTMX_JS));
        assert_eq!(url("nope.js"), "/static/nope.js");
    }

    #[tokio::test]
    async fn serve_versioned_unversioned_304_404() {
        let asset = get(DKFDS_CSS).unwrap();
        let query = format!("v={}", asset.hash);

        let ok = call(DKFDS_CSS, Some(&query), None).await;
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.headers()[CONTENT_TYPE], "text/css; charset=utf-8");
        assert_eq!(ok.headers()[CACHE_CONTROL], CACHE_IMMUTABLE);
        let body = axum::body::to_bytes(ok.into_body(), usize::MAX).await.unwrap();
        assert_eq!(body.as_ref(), asset.bytes);

        let plain = call(DKFDS_CSS, None, None).await;
        assert_eq!(plain.status(), StatusCode::OK);
        assert_eq!(plain.headers()[CACHE_CONTROL], CACHE_REVALIDATE);
        let stale = call(DKFDS_CSS, Some("v=00000000"), None).await;
        assert_eq!(stale.headers()[CACHE_CONTROL], CACHE_REVALIDATE);

        let etag = format!("\"{}\"", asset.hash);
        let not_modified = call(DKFDS_CSS, None, Some(&etag)).await;
        assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
        let weak = call(DKFDS_CSS, None, Some(&format!("\"x\", W/{etag}"))).await;
        assert_eq!(weak.status(), StatusCode::NOT_MODIFIED);
        let changed = call(DKFDS_CSS, None, Some("\"00000000\"")).await;
        assert_eq!(changed.status(), StatusCode::OK);

        assert_eq!(call("nope.css", None, None).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(call("../Cargo.toml", None, None).await.status(), StatusCode::NOT_FOUND);
    }
}
