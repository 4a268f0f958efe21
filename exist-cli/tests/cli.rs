//! The `exist` binary as users run it, on real fixture data.

use assert_cmd::Command;
use exist_tests::{all_databases, fixture};
use predicates::prelude::*;

fn exist(home: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("exist").expect("binary");
    c.env("EXIST_HOME", home).env_remove("EXIST_DATABASE_URL");
    c
}

/// Runs `cmd`, expects success, and parses its standard output as JSON.
fn json_stdout(cmd: &mut Command) -> serde_json::Value {
    json_of(&cmd.assert().success().get_output().stdout)
}

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

#[test]
fn normalize_prints_kind_and_value_or_fails_with_2() {
    let home = tempfile::tempdir().expect("tmp");
    exist(home.path())
        .args(["normalize", "hxxps://Evil[.]Example:443/A?b=C"])
        .assert()
        .success()
        .stdout("{\"kind\":\"url\",\"value\":\"https://evil.example/A?b=C\"}\n");
    exist(home.path())
        .args(["normalize", "invoice.pdf"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("not an indicator")
                .and(predicate::str::contains("invoice.pdf")),
        );
}

#[test]
fn extract_reads_stdin_and_prints_json_lines_with_spans() {
    let home = tempfile::tempdir().expect("tmp");
    let text = "Beacon to evil[.]example then 198.51.100.7:443.";
    let out = exist(home.path())
        .arg("extract")
        .write_stdin(text)
        .assert()
        .success();
    let out = out.get_output().stdout.clone();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out)
        .lines()
        .map(|l| json_of(l.as_bytes()))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        serde_json::json!({"kind": "domain", "value": "evil.example", "start": 10, "end": 24})
    );
    assert_eq!(lines[1]["value"], "198.51.100.7");
    let start = lines[1]["start"].as_u64().expect("start") as usize;
    assert_eq!(&text[start..start + 12], "198.51.100.7");
    exist(home.path())
        .args(["extract", "--format", "table"])
        .arg(fixture("misp/event_existing_unwrapped.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("domain  movieultimate.com"));
}

#[test]
fn import_then_lookup_then_reimport() {
    let home = tempfile::tempdir().expect("tmp");
    let ipsum = fixture("feeds/ipsum/ipsum.txt");
    exist(home.path())
        .args(["import", "--source", "ipsum"])
        .arg(&ipsum)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ipsum: read 393, new 393, updated 0, rejected 0",
        ));
    let out = json_stdout(exist(home.path()).args(["lookup", "77.90.185[.]20", "--json"]));
    let v = out;
    assert_eq!(v["indicator"]["value"], "77.90.185.20");
    assert_eq!(v["local"]["groups"][0]["kind"], "reputation");
    assert_eq!(v["local"]["groups"][0]["source"], "ipsum");
    assert_eq!(v["local"]["groups"][0]["sightings"], 1);
    exist(home.path())
        .args(["import", "--source", "ipsum"])
        .arg(&ipsum)
        .assert()
        .success()
        .stdout(predicate::str::contains("new 0, updated 393"));
    let out = json_stdout(exist(home.path()).args(["lookup", "77.90.185.20", "--json"]));
    assert_eq!(out["local"]["groups"][0]["sightings"], 2);
    exist(home.path())
        .args(["lookup", "192.0.2.1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing stored mentions it"));
    assert!(
        home.path().join("exist.db").exists(),
        "default database lives in EXIST_HOME"
    );
}

#[test]
fn import_reports_malformed_lines_with_numbers() {
    let home = tempfile::tempdir().expect("tmp");
    let csv = home.path().join("list.csv");
    std::fs::write(
        &csv,
        "# exported\nindicator,category,description\nevil.example,c2,Emotet\nnot an indicator,x,y\n,,\nhxxp://x[.]example/p,phishing,\n",
    )
    .expect("write");
    let out = json_stdout(
        exist(home.path())
            .args(["import", "--source", "mine", "--json"])
            .arg(&csv),
    );
    let v = out;
    assert_eq!(
        (
            v["read"].as_u64(),
            v["new"].as_u64(),
            v["rejected"].as_u64()
        ),
        (Some(4), Some(2), Some(2))
    );
    assert_eq!(v["rejected_samples"][0]["line"], 4);
    let out = json_stdout(exist(home.path()).args(["search", "emotet", "--json"]));
    assert_eq!(out["hits"][0]["title"], "evil.example");
    let out = json_stdout(exist(home.path()).args(["stats", "--json"]));
    let s = out;
    assert_eq!(s["indicators"], 2);
    assert_eq!(s["records_by_kind"]["reputation"], 2);
}

#[test]
fn help_documents_exit_codes_and_db_info_hides_passwords() {
    let home = tempfile::tempdir().expect("tmp");
    exist(home.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"));
    exist(home.path())
        .args([
            "--database-url",
            "postgres://u:hunter2@127.0.0.1:1/none",
            "db",
            "info",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("u:***@").and(predicate::str::contains("hunter2").not()));
}

#[tokio::test]
async fn import_and_lookup_on_every_backend() {
    for db in all_databases("cli_backends").await {
        let home = tempfile::tempdir().expect("tmp");
        let url = db.url.clone();
        let backend = db.backend;
        let out = tokio::task::spawn_blocking(move || {
            exist(home.path())
                .args(["--database-url", &url, "import", "--source", "maltrail"])
                .arg(fixture("feeds/maltrail/emotet.txt"))
                .assert()
                .success();
            json_stdout(exist(home.path()).args([
                "--database-url",
                &url,
                "lookup",
                "66.210.228.178",
                "--json",
            ]))
        })
        .await
        .expect("join");
        let v = out;
        let hits = v["local"]["groups"][0]["reputation"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let urls: Vec<&str> = hits
            .iter()
            .filter_map(|h| h["matched"]["value"].as_str())
            .collect();
        assert_eq!(
            urls,
            ["http://66.210.228.178/", "http://66.210.228.178:443/"],
            "{backend}"
        );
        db.cleanup().await;
    }
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let home = tempfile::tempdir().expect("tmp");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("exist"))
        .env("EXIST_HOME", home.path())
        .env_remove("EXIST_DATABASE_URL")
        .arg("stats")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("stats");
    // The reader goes away before anything is printed, as `| head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}

#[test]
fn demo_load_stores_the_bundled_dataset_once() {
    let home = tempfile::tempdir().expect("tmp");
    let report = json_stdout(exist(home.path()).args(["demo", "load", "--json"]));
    let runs = report["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 8);
    assert!(runs.iter().all(|r| r["outcome"] == "ok"), "{report}");
    let ipsum = runs.iter().find(|r| r["source"] == "ipsum").expect("ipsum");
    assert_eq!(ipsum["new"], 393);
    assert_eq!(
        (report["events"].clone(), report["posts"].clone()),
        (3.into(), 23.into())
    );
    let lookup = json_stdout(exist(home.path()).args(["lookup", "77.90.185.20", "--json"]));
    assert_eq!(lookup["local"]["groups"][0]["source"], "ipsum");
    let found = json_stdout(exist(home.path()).args(["search", "PUBG", "--json"]));
    assert!(found.to_string().contains("misp-demo"), "{found}");

    let again = json_stdout(exist(home.path()).args(["demo", "load", "--json"]));
    let again = again["runs"].as_array().expect("runs");
    assert!(
        again
            .iter()
            .all(|r| r["outcome"] == "not_modified" && r["new"] == 0)
    );
    exist(home.path())
        .args(["demo", "load"])
        .assert()
        .success()
        .stderr(predicate::str::contains("3 threat events, 23 posts"));
}
