//! The PostgreSQL store over TLS (feature `postgres-tls`), against the test cluster with `ssl = on`
//! (tests/common/pg.rs): `sslmode=verify-full&sslrootcert=CA` connects, imports and prints, and the
//! server sees the store's connection as SSL; a wrong CA and a missing CA file are refused by name.

use std::path::Path;

use shiplabel::store::{Actor, Store};

use crate::station::{print_args, shiplabel, station_in, FakePrinter, Target};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh database on the TLS cluster: its plain URL, and the same with the TLS parameters for
/// `ca`.
fn tls_url(ca: &Path) -> Option<(String, String)> {
    let plain = crate::common::pg::database()?;
    let url = format!("{plain}?sslmode=verify-full&sslrootcert={}", ca.display());
    Some((plain, url))
}

#[test]
fn verify_full_with_the_servers_ca_imports_prints_and_is_ssl() {
    let Some(tls) = crate::common::pg::database().and_then(|_| crate::common::pg::tls()) else {
        return;
    };
    let Some((plain, url)) = tls_url(&tls.ca) else {
        return;
    };
    let target = Target {
        dir: tempfile::tempdir().unwrap(),
        url: Some(url.clone()),
    };
    let (db, postings) = station_in(&target, 3);
    let printer = FakePrinter::start();
    let args = print_args(&printer.uri());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = shiplabel(&db, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("sent {} label(s)", postings.len())),
        "{}",
        text(&out.stdout)
    );
    let jobs = text(&shiplabel(&db, &["jobs"]).stdout);
    assert_eq!(jobs.matches(" sent ").count(), postings.len(), "{jobs}");

    // The server's view of the store's own connection, while it is open.
    let store = Store::open(Path::new(&url), Actor::new("tls-test")).unwrap();
    let name = plain.rsplit('/').next().unwrap().to_owned();
    let ssl: Vec<bool> = crate::common::pg::connect(&plain)
        .query(
            "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
             WHERE a.datname = $1 AND a.pid <> pg_backend_pid()",
            &[&name],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    drop(store);
    assert!(!ssl.is_empty() && ssl.iter().all(|s| *s), "{ssl:?}");
}

#[test]
fn a_wrong_ca_is_refused_by_name_without_the_password() {
    let Some(tls) = crate::common::pg::database().and_then(|_| crate::common::pg::tls()) else {
        return;
    };
    let Some((plain, _)) = tls_url(&tls.ca) else {
        return;
    };
    let with_password = plain.replacen("postgres@", "postgres:s3cret@", 1);
    let url = format!(
        "{with_password}?sslmode=verify-full&sslrootcert={}",
        tls.wrong_ca.display()
    );
    let out = shiplabel(Path::new(&url), &["jobs"]);
    let err = text(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("certificate"), "{err}");
    assert!(err.contains("postgres:***@"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");

    let missing = format!(
        "{plain}?sslmode=require&sslrootcert={}",
        target_missing().display()
    );
    let err = text(&shiplabel(Path::new(&missing), &["jobs"]).stderr);
    assert!(err.contains("no-such-ca.pem"), "{err}");

    let without = format!("{plain}?sslmode=verify-full");
    let err = text(&shiplabel(Path::new(&without), &["jobs"]).stderr);
    assert!(err.contains("needs sslrootcert=PATH"), "{err}");
}

fn target_missing() -> std::path::PathBuf {
    std::env::temp_dir().join("shiplabel-tls-test-no-such-ca.pem")
}
