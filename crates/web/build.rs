//! Front-end asset pipeline for tovholder-web.
//!
//! Third-party files come from the npm registry (`package.json` + the
//! committed `package-lock.json`), installed into `node_modules/` (git-ignored)
//! by `npm ci` when missing or stale. This script then writes
//! `$OUT_DIR/assets_table.rs`: a static table of every file served under
//! `/static/`, each embedded with `include_bytes!`, with its content type and
//! a short content hash for cache busting (included by `src/assets.rs`).
//!
//! Served layout (URL paths relative to `/static/`), mirroring `dkfds/dist/`
//! so the relative `url(../fonts/…)` / `url(../img/…)` references in the
//! DKFDS stylesheet keep working:
//!
//! * `css/dkfds.min.css`   DKFDS stylesheet; its `url()`s get `?v=<hash>`
//! * `fonts/IBMPlexSans/…` every font file the stylesheet references
//! * `img/…`               every image/icon the stylesheet references
//! * `img/all-svg-icons.svg` the icon sprite (for `<use href="…#name">`)
//! * `js/dkfds.min.js`     DKFDS components (header menu, overflow menus, …)
//! * `js/htmx.min.js`      htmx 2.0.x
//! * everything in `static/` (our own `app.css`, `app.js`, …) at its
//!   relative path, e.g. `app.css`
//!
//! No build dependencies: the hash is FNV-1a (64 bit, first 8 hex chars).

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Which DKFDS stylesheet to serve. `dkfds.min.css` is the neutral default
/// theme; `dkfds-virkdk.min.css` / `dkfds-borgerdk.min.css` only swap the
/// primary colour and put the Virk / borger.dk portal logo in the header,
/// which belongs to solutions hosted on those portals.
const DKFDS_CSS_FILE: &str = "dkfds.min.css";

/// npm packages that must be present, with a file that proves the install.
const REQUIRED: &[(&str, &str)] = &[("dkfds", "dist/css/dkfds.min.css"), ("dkfds", "dist/js/dkfds.min.js"), ("dkfds", "dist/img/all-svg-icons.svg"), ("htmx.org", "dist/htmx.min.js")];

type BoxError = Box<dyn std::error::Error>;

fn main() {
    if let Err(e) = run() {
        eprintln!("\nerror: tovholder-web asset build failed: {e}\n");
        std::process::exit(1);
    }
}

struct Entry {
    /// Absolute path of the bytes to embed.
    file: PathBuf,
    content_type: &'static str,
    hash: String,
}

fn run() -> Result<(), BoxError> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=package.json");
    println!("cargo:rerun-if-changed=package-lock.json");
    println!("cargo:rerun-if-changed=static");
    // One small file npm rewrites on every install: lets a deleted or
    // re-installed node_modules trigger a re-run without watching its contents.
    println!("cargo:rerun-if-changed=node_modules/.package-lock.json");

    ensure_node_modules(&manifest_dir)?;

    let node_modules = manifest_dir.join("node_modules");
    let dist = node_modules.join("dkfds").join("dist");
    let gen_dir = out_dir.join("assets");
    fs::create_dir_all(&gen_dir)?;

    let mut table: BTreeMap<String, Entry> = BTreeMap::new();

    // 1. DKFDS stylesheet + everything it references (fonts, icons, logos).
    let css_url = format!("css/{DKFDS_CSS_FILE}");
    let css_src = read_text(&dist.join("css").join(DKFDS_CSS_FILE))?;
    for reference in css_urls(&css_src) {
        let Some(target) = resolve(&css_url, &reference) else {
            continue; // data:, absolute or external URL: nothing to serve
        };
        if table.contains_key(&target) {
            continue;
        }
        let file = dist.join(&target);
        if !file.is_file() {
            return Err(format!("{css_url} references {reference}, but {} does not exist", file.display()).into());
        }
        add_file(&mut table, &target, file)?;
    }
    let css = strip_source_map(&rewrite_css(&css_url, &css_src, &table));
    add_text(&mut table, &gen_dir, &css_url, dist.join("css").join(DKFDS_CSS_FILE), &css_src, css)?;

    // 2. Scripts and the icon sprite.
    for (url, file) in [("js/dkfds.min.js", dist.join("js").join("dkfds.min.js")), ("js/htmx.min.js", node_modules.join("htmx.org").join("dist").join("htmx.min.js"))] {
        let src = read_text(&file)?;
        let js = strip_source_map(&src);
        add_text(&mut table, &gen_dir, url, file, &src, js)?;
    }
    add_file(&mut table, "img/all-svg-icons.svg", dist.join("img").join("all-svg-icons.svg"))?;

    // 3. Our own files in static/ (CSS last, so its url()s can be versioned
    //    against everything else).
    let static_dir = manifest_dir.join("static");
    let mut own = Vec::new();
    if static_dir.is_dir() {
        collect_files(&static_dir, &static_dir, &mut own)?;
    }
    own.sort_by_key(|(url, _)| url.ends_with(".css"));
    for (url, file) in own {
        if table.contains_key(&url) {
            return Err(format!("static/{url} clashes with a vendored asset of the same path").into());
        }
        if url.ends_with(".css") {
            let src = read_text(&file)?;
            let css = rewrite_css(&url, &src, &table);
            add_text(&mut table, &gen_dir, &url, file, &src, css)?;
        } else {
            add_file(&mut table, &url, file)?;
        }
    }

    // 4. The table.
    let mut code = String::new();
    code.push_str("// @generated by crates/web/build.rs. Do not edit.\n\n");
    code.push_str("/// All served assets, sorted by `path` (binary-searchable).\n");
    code.push_str("pub static ASSETS: &[Asset] = &[\n");
    for (url, entry) in &table {
        // A file of the package is named from the package's own directory when the library is
        // compiled, not from where this script last ran: a shared target directory used by two
        // checkouts (a git worktree) must not embed the other checkout's files.
        let bytes = match entry.file.strip_prefix(&manifest_dir) {
            Ok(rel) => {
                let rel = rel.to_str().ok_or_else(|| format!("non-UTF-8 path {}", entry.file.display()))?;
                format!("include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))", format!("/{rel}"))
            }
            Err(_) => format!("include_bytes!({:?})", entry.file.to_str().ok_or_else(|| format!("non-UTF-8 path {}", entry.file.display()))?),
        };
        writeln!(code, "    Asset {{ path: {url:?}, bytes: {bytes}, content_type: {:?}, hash: {:?} }},", entry.content_type, entry.hash)?;
    }
    code.push_str("];\n\n");
    for (name, path, doc) in [
        ("DKFDS_CSS", css_url.as_str(), "The DKFDS stylesheet."),
        ("DKFDS_JS", "js/dkfds.min.js", "DKFDS component JavaScript (call `DKFDS.init()`)."),
        ("HTMX_JS", "js/htmx.min.js", "htmx 2.0.x."),
        ("ICON_SPRITE", "img/all-svg-icons.svg", "DKFDS SVG icon sprite: `<use href=\"{url}#icon-name\">`."),
        ("APP_CSS", "app.css", "Our own stylesheet additions (load after DKFDS_CSS)."),
        ("APP_JS", "app.js", "Our own tiny script (load after DKFDS_JS and HTMX_JS)."),
    ] {
        writeln!(code, "/// {doc}\npub const {name}: &str = {path:?};")?;
    }
    fs::write(out_dir.join("assets_table.rs"), code)?;
    Ok(())
}

// ---------------------------------------------------------------- npm ----

/// Runs `npm ci` when a required package is missing or its installed version
/// differs from `package-lock.json`.
fn ensure_node_modules(manifest_dir: &Path) -> Result<(), BoxError> {
    if install_problem(manifest_dir)?.is_none() {
        return Ok(());
    }
    // Serialise concurrent build scripts (e.g. `cargo clippy` and
    // `cargo test` with different target dirs) so two `npm ci` never race
    // in the same node_modules.
    let lock_path = env::temp_dir().join(format!("tovholder-web-npm-{}.lock", &hash_hex(manifest_dir.to_string_lossy().as_bytes())));
    let lock = fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path)?;
    lock.lock()?;
    let Some(reason) = install_problem(manifest_dir)? else {
        return Ok(()); // another build installed it while we waited
    };
    println!("cargo:warning=tovholder-web: {reason}; running `npm ci`");

    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let output = Command::new(npm).args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"]).current_dir(manifest_dir).output().map_err(|e| {
        format!(
            "{reason}, and `npm` could not be run ({e}).\n  \
                 Install Node.js/npm (e.g. `apt-get install npm`) or run \
                 `npm ci` in {} yourself.",
            manifest_dir.display()
        )
    })?;
    if !output.status.success() {
        return Err(format!("`npm ci` in {} failed ({}):\n{}\n{}", manifest_dir.display(), output.status, String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)).into());
    }
    if let Some(still) = install_problem(manifest_dir)? {
        return Err(format!("`npm ci` succeeded but {still}").into());
    }
    Ok(())
}

/// `None` when node_modules is complete and matches the lock file, else why not.
fn install_problem(manifest_dir: &Path) -> Result<Option<String>, BoxError> {
    let lock_path = manifest_dir.join("package-lock.json");
    let lock = fs::read_to_string(&lock_path).map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    let node_modules = manifest_dir.join("node_modules");
    for (package, file) in REQUIRED {
        let pkg_dir = node_modules.join(package);
        if !pkg_dir.join(file).is_file() {
            return Ok(Some(format!("node_modules/{package}/{file} is missing")));
        }
        let wanted = lock_version(&lock, package).ok_or_else(|| format!("package-lock.json has no entry for {package}"))?;
        let installed = fs::read_to_string(pkg_dir.join("package.json")).ok().and_then(|json| json_string_field(&json, "version"));
        if installed.as_deref() != Some(wanted.as_str()) {
            return Ok(Some(format!("node_modules/{package} is {}, package-lock.json wants {wanted}", installed.as_deref().unwrap_or("unreadable"))));
        }
    }
    Ok(None)
}

/// Version of `node_modules/<package>` in a lockfileVersion 2/3 lock file.
fn lock_version(lock: &str, package: &str) -> Option<String> {
    let key = format!("\"node_modules/{package}\"");
    let at = lock.find(&key)?;
    json_string_field(&lock[at + key.len()..], "version")
}

/// Value of the first `"field": "value"` in `json` (enough for npm's files).
fn json_string_field(json: &str, field: &str) -> Option<String> {
    let key = format!("\"{field}\"");
    let rest = &json[json.find(&key)? + key.len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

// ---------------------------------------------------------------- css ----

/// The raw arguments of every `url(...)` in a stylesheet.
fn css_urls(css: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = css;
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        let Some(end) = rest.find(')') else { break };
        let arg = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'');
        found.push(arg.to_string());
        rest = &rest[end..];
    }
    found
}

/// Resolves a relative `url()` reference made from the stylesheet served at
/// `from` (a path under /static/) to the served path of the target, without
/// query or fragment. `None` for data:, absolute, external or escaping refs.
fn resolve(from: &str, reference: &str) -> Option<String> {
    let reference = reference.split(['?', '#']).next().unwrap_or_default();
    if reference.is_empty() || reference.starts_with('/') || reference.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop(); // the stylesheet's own file name
    for segment in reference.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Appends `?v=<hash>` to every `url()` in the stylesheet at `from` that
/// points to an asset already in the table, so those can be cached as
/// immutable too. Other references are left untouched. An `.eot` font
/// source without a `format()` hint (DKFDS lists one first) gets
/// `format("embedded-opentype")`, so browsers skip it instead of
/// downloading 70 kB they cannot use.
fn rewrite_css(from: &str, css: &str, table: &BTreeMap<String, Entry>) -> String {
    let mut out = String::with_capacity(css.len() + 4096);
    let mut rest = css;
    while let Some(at) = rest.find("url(") {
        out.push_str(&rest[..at + 4]);
        rest = &rest[at + 4..];
        let Some(end) = rest.find(')') else { break };
        let raw = &rest[..end];
        let arg = raw.trim();
        let quote = arg.chars().next().filter(|c| *c == '"' || *c == '\'');
        let inner = arg.trim_matches(|c| c == '"' || c == '\'');
        let versioned = resolve(from, inner).and_then(|target| table.get(&target)).filter(|_| !inner.contains('?')).map(|entry| {
            let (path, fragment) = match inner.find('#') {
                Some(i) => inner.split_at(i),
                None => (inner, ""),
            };
            format!("{path}?v={}{fragment}", entry.hash)
        });
        match (versioned, quote) {
            (Some(v), Some(q)) => {
                out.push(q);
                out.push_str(&v);
                out.push(q);
            }
            (Some(v), None) => out.push_str(&v),
            (None, _) => out.push_str(raw),
        }
        rest = &rest[end..];
        let after = rest.get(1..).unwrap_or_default();
        if inner.split(['?', '#']).next().is_some_and(|p| p.ends_with(".eot")) && !after.trim_start().starts_with("format(") {
            out.push_str(") format(\"embedded-opentype\")");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Drops a trailing `sourceMappingURL` comment: we do not serve the maps, so
/// it would only make devtools request a file that 404s.
fn strip_source_map(text: &str) -> String {
    let trimmed = text.trim_end();
    if let Some(at) = trimmed.rfind('\n') {
        let last = trimmed[at + 1..].trim();
        if last.starts_with("//# sourceMappingURL=") || last.starts_with("/*# sourceMappingURL=") {
            return format!("{}\n", &trimmed[..at]);
        }
    }
    text.to_string()
}

// -------------------------------------------------------------- table ----

fn add_file(table: &mut BTreeMap<String, Entry>, url: &str, file: PathBuf) -> Result<(), BoxError> {
    let bytes = fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let file = fs::canonicalize(&file)?;
    insert(table, url, file, &bytes)
}

/// Embeds `file` itself when `content` equals its `original` text, else a
/// copy of `content` written to OUT_DIR.
fn add_text(table: &mut BTreeMap<String, Entry>, gen_dir: &Path, url: &str, file: PathBuf, original: &str, content: String) -> Result<(), BoxError> {
    if content == original { add_file(table, url, file) } else { add_generated(table, gen_dir, url, content) }
}

/// Writes modified content to `$OUT_DIR/assets/<url>` and embeds that.
fn add_generated(table: &mut BTreeMap<String, Entry>, gen_dir: &Path, url: &str, content: String) -> Result<(), BoxError> {
    let file = gen_dir.join(url);
    if let Some(parent) = file.parent() {
        fs::create_dir_all(parent)?;
    }
    // Only rewrite when changed, so include_bytes! does not see a new mtime.
    if fs::read(&file).ok().as_deref() != Some(content.as_bytes()) {
        fs::write(&file, content.as_bytes())?;
    }
    insert(table, url, file, content.as_bytes())
}

fn insert(table: &mut BTreeMap<String, Entry>, url: &str, file: PathBuf, bytes: &[u8]) -> Result<(), BoxError> {
    let content_type = content_type(url).ok_or_else(|| format!("don't know the content type of {url}: add its extension to content_type() in build.rs"))?;
    table.insert(url.to_string(), Entry { file, content_type, hash: hash_hex(bytes) });
    Ok(())
}

fn content_type(url: &str) -> Option<&'static str> {
    let ext = url.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "eot" => "application/vnd.ms-fontobject",
        "webmanifest" => "application/manifest+json",
        _ => return None,
    })
}

/// Files under `dir`, as (path relative to `root` with '/' separators, file);
/// hidden files (e.g. `.gitkeep`, editor swap files) are skipped.
fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<(), BoxError> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Err(format!("non-UTF-8 file name in {}", dir.display()).into());
        };
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            collect_files(root, &path, out)?;
        } else {
            let rel = path.strip_prefix(root)?;
            let url: Vec<&str> = rel.iter().filter_map(|s| s.to_str()).collect();
            out.push((url.join("/"), path));
        }
    }
    Ok(())
}

fn read_text(path: &Path) -> Result<String, BoxError> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()).into())
}

/// 64-bit FNV-1a, folded to 32 bits: 8 hex digits.
fn hash_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:08x}", (h ^ (h >> 32)) & 0xffff_ffff)
}
