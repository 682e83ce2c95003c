//! The `tovholder` command as a person or a script runs it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tovholder"))
}

const MODEL: &str = include_str!("../../../models/julemaerkehjem.toml");

#[test]
fn model_check_accepts_the_shipped_model_and_names_file_and_field_of_errors() {
    let ok = bin().args(["model", "check", concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/julemaerkehjem.toml")]).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("forkert.toml");
    std::fs::write(&bad, MODEL.replace(r#"due = { after = "opfoelgningsdag", within = "1w" }"#, r#"due = { after = "opfolgningsdag", within = "1w" }"#)).unwrap();
    let out = bin().args(["model", "check"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("forkert.toml: tasks[6].due.after: henviser til datoen 'opfolgningsdag', som modellen ikke definerer"), "{err}");
}

/// The issue's case: a stay ending Langfredag 2027 (summer time starts on Easter Sunday).
#[test]
fn model_preview_prints_the_time_line_for_the_dates_given() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/julemaerkehjem.toml");
    let out = bin().args(["model", "preview", file, "--date", "2027-03-26"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = |label: &str| text.lines().find(|l| l.contains(label)).unwrap_or_else(|| panic!("no {label}: {text}")).to_string();
    assert!(line("Opholdets afslutning").starts_with("2027-03-26 "), "{text}");
    let day = line("Opfølgningsdag");
    assert!(day.starts_with("2027-04-23 … 2027-05-07") && day.contains("dag 2027-04-23") && day.contains("ikke 2027-05-06 (Kristi himmelfartsdag)"), "{day}");
    assert!(line("Kontakt mellem kontaktperson").starts_with("2027-04-23 … 2027-04-30"), "{text}");
    // Named dates, and a wrong one refused with the model's dates listed.
    let named = bin().args(["model", "preview", file, "--date", "ophold_slut=2027-03-26", "--date", "opfoelgningsdag=2027-05-06"]).output().unwrap();
    let text = String::from_utf8_lossy(&named.stdout);
    assert!(text.lines().any(|l| l.contains("Opfølgningsdag") && l.contains("indtastet") && l.contains("Kristi himmelfartsdag")), "{text}");
    let wrong = bin().args(["model", "preview", file, "--date", "hjemkomst=2027-03-26"]).output().unwrap();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("the model has no date 'hjemkomst'"));
}

#[test]
fn serve_refuses_to_start_without_a_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin().args(["serve", "--listen", "127.0.0.1:0", "--database"]).arg(format!("sqlite://{}", dir.path().join("t.db").display())).env_remove("TOVHOLDER_KEY_FILE").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no key_file configured"));
    assert!(!dir.path().join("t.db").exists(), "nothing is created before the key is there");
}

#[test]
fn keygen_never_overwrites_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.key");
    assert!(bin().arg("keygen").arg(&key).status().unwrap().success());
    let first = std::fs::read_to_string(&key).unwrap();
    assert!(!bin().arg("keygen").arg(&key).status().unwrap().success());
    assert_eq!(std::fs::read_to_string(&key).unwrap(), first);
}

/// `demo` prints the URL and logins, answers /healthz, and its journals verify afterwards.
#[test]
fn demo_runs_and_its_journals_verify() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = bin().args(["demo", "--listen", "127.0.0.1:0", "--data"]).arg(&data).stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.split_whitespace().last().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    let rest: Vec<String> = lines.by_ref().take(9).map(Result::unwrap).collect();
    assert!(rest.iter().any(|l| l.contains("tove") && l.contains("tovholder")), "{rest:?}");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let status = rt.block_on(async { reqwest::get(format!("{url}/healthz")).await.unwrap().status() });
    assert_eq!(status, 200);
    // An online backup while the demo runs.
    let db = format!("sqlite://{}", data.join("tovholder.db").display());
    let key = data.join("tovholder.key");
    let backup = dir.path().join("backup.db");
    let out = bin().args(["backup", "--database", &db, "--to"]).arg(&backup).env("TOVHOLDER_KEY_FILE", &key).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    child.kill().unwrap();
    child.wait().unwrap();
    // Restore it elsewhere and verify every journal there.
    let restored = format!("sqlite://{}", dir.path().join("restored.db").display());
    let out = bin().args(["restore", "--database", &restored, "--from"]).arg(&backup).env("TOVHOLDER_KEY_FILE", &key).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = bin().args(["audit", "verify", "--database", &restored]).env("TOVHOLDER_KEY_FILE", &key).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("ok: 13 journals verified") && said.contains("ok: access log verified:") && said.contains("access log head: link "), "{said}");
    // Restoring over an existing database needs --force; a backup checked with another key is refused.
    let out = bin().args(["restore", "--database", &restored, "--from"]).arg(&backup).env("TOVHOLDER_KEY_FILE", &key).output().unwrap();
    assert!(!out.status.success());
    let other = dir.path().join("other.key");
    assert!(bin().arg("keygen").arg(&other).status().unwrap().success());
    let out = bin().args(["restore", "--force", "--database", &restored, "--from"]).arg(&backup).env("TOVHOLDER_KEY_FILE", &other).output().unwrap();
    assert!(!out.status.success(), "a backup that does not verify is not put in place");
    let out = bin().args(["audit", "verify", "--database", &restored]).env("TOVHOLDER_KEY_FILE", &key).output().unwrap();
    assert!(out.status.success(), "the restored database is untouched");
    let out = bin().args(["audit", "verify", "--database"]).arg(format!("sqlite://{}", data.join("tovholder.db").display())).env("TOVHOLDER_KEY_FILE", data.join("tovholder.key")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok: 13 journals verified"));
}

/// A real instance from empty, as the README sets one up: keygen, `serve` says how to make the
/// first administrator, `admin create-user` makes them (password on standard input, checked as
/// the browser checks it), and `serve` then starts without the hint.
#[test]
fn the_first_administrator_is_made_from_the_command_line() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.key");
    assert!(bin().arg("keygen").arg(&key).status().unwrap().success());
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let first_lines = |db: &str| {
        let mut child = bin().args(["serve", "--listen", "127.0.0.1:0", "--database", db]).env("TOVHOLDER_KEY_FILE", &key).stdout(Stdio::piped()).spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first.split_whitespace().last().unwrap().to_string();
        // The hint, if any, comes before the server answers.
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        assert_eq!(rt.block_on(async { reqwest::get(format!("{url}/healthz")).await.unwrap().status() }), 200);
        child.kill().unwrap();
        child.wait().unwrap();
        lines.map_while(Result::ok).collect::<Vec<String>>().join("\n")
    };
    let hint = first_lines(&db);
    assert!(hint.contains("tovholder admin create-user") && hint.contains("--admin"), "{hint}");
    let create = |password: &str| {
        let mut child = bin()
            .args(["admin", "create-user", "--database", &db, "--login", "rita", "--name", "Rita Root", "--email", "rita@kommune.example", "--org", "Nordby Kommune", "--admin", "--password-stdin"])
            .env("TOVHOLDER_KEY_FILE", &key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let short = create("kort");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("password: Adgangskoden skal være på mindst 12 tegn."), "{}", String::from_utf8_lossy(&short.stderr));
    let common = create("password1234");
    assert!(String::from_utf8_lossy(&common.stderr).contains("mest brugte"), "a common password is refused");
    let made = create("en lang og god adgangskode");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(String::from_utf8_lossy(&made.stdout).contains("«rita» i Nordby Kommune"));
    assert!(!first_lines(&db).contains("create-user"), "no hint once there is a login");
    // The demo does not touch a real instance's database.
    let demo = bin().args(["demo", "--listen", "127.0.0.1:0", "--database", &db]).arg("--data").arg(dir.path().join("demo")).output().unwrap();
    assert!(!demo.status.success());
    assert!(String::from_utf8_lossy(&demo.stderr).contains("not made by `tovholder demo`"), "{}", String::from_utf8_lossy(&demo.stderr));
}

/// `TOVHOLDER_LOG_FORMAT=json`: every log line is one JSON object with its time and level, for
/// a log collector.
#[test]
fn logs_can_be_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    // To a file: a pipe nobody reads while the demo starts would fill and stop it.
    let log = dir.path().join("log.jsonl");
    let mut child = bin()
        .args(["demo", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path().join("data"))
        .env("TOVHOLDER_LOG_FORMAT", "json")
        .env("TOVHOLDER_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    out.next().unwrap().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let err = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = err.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l["timestamp"].is_string() && l["level"].is_string()), "{lines:?}");
}

/// The systemd unit in deploy/ is one systemd accepts without a word (`systemd-analyze verify`
/// only warns about a key it does not know, so its warnings count as failures), runs as its own
/// user with the system read-only around it, and the check notices a wrong key.
#[test]
fn the_systemd_unit_verifies() {
    let unit = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/tovholder.service")).unwrap();
    for line in ["User=tovholder", "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "StateDirectory=tovholder"] {
        assert!(unit.contains(line), "{line}");
    }
    let verify = |text: &str| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tovholder.service");
        std::fs::write(&path, text.replace("/usr/local/bin/tovholder", env!("CARGO_BIN_EXE_tovholder"))).unwrap();
        let out = Command::new("systemd-analyze").arg("verify").arg(&path).output().expect("systemd-analyze (Debian's systemd; scripts/test installs it)");
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    assert_eq!(verify(&unit), (true, String::new()));
    let (_, warned) = verify(&unit.replace("RestartSec=5", "RestartSekunder=5"));
    assert!(warned.contains("Unknown key"), "{warned}");
}
