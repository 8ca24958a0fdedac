//! A throw-away PostgreSQL cluster for the test binary: started once (initdb and the server from
//! Debian's `postgresql` package, on a free loopback port, data and socket in a temporary directory),
//! a fresh database per test. A watchdog process stops the server and removes its directory when the
//! test binary exits, however it exits. As root, the cluster runs as the `postgres` user (the server
//! refuses to run as root).
//!
//! Without PostgreSQL installed, [`database`] prints a loud `SKIPPED: PostgreSQL …` line and returns
//! `None`; with `CI` set it fails the test instead (`.ci/run` installs the package).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The running cluster: the URL prefix (`postgres://postgres@127.0.0.1:PORT/`).
struct Cluster {
    base: String,
    /// With `openssl` on the machine, the server has `ssl = on` with a certificate for 127.0.0.1 and
    /// localhost signed by this CA (PEM), and a second, unrelated CA: see [`tls`].
    tls: Option<Tls>,
}

/// The test cluster's TLS files.
#[derive(Clone)]
pub struct Tls {
    /// The CA that signed the server's certificate.
    pub ca: PathBuf,
    /// A CA that did not.
    pub wrong_ca: PathBuf,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static NEXT: AtomicUsize = AtomicUsize::new(0);
static DURABLE: AtomicBool = AtomicBool::new(false);

/// Makes the cluster (if not started yet) flush to disk as a real server does: the benchmark wants
/// real commits; the tests run with `fsync` off.
pub fn durable() {
    DURABLE.store(true, Ordering::SeqCst);
}

/// Where Debian puts the server binaries (the newest version installed).
fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A command run as the cluster's owner: `runuser -u postgres --` when root.
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start() -> Result<Cluster, String> {
    let bin = bin_dir().ok_or("no /usr/lib/postgresql/*/bin/initdb (Debian package postgresql)")?;
    // Not a tempfile::TempDir: the watchdog removes it after the test binary is gone.
    let dir = std::env::temp_dir().join(format!("shiplabel-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if is_root() {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            return Err("chown to the postgres user failed (is there a postgres user?)".into());
        }
    }
    let data = dir.join("data");
    let out = as_owner(&bin.join("initdb"))
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            "-D",
        ])
        .arg(&data)
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!("initdb: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let tls = make_certificates(&dir.join("tls"));
    if is_root() {
        let _ = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.join("tls"))
            .status();
    }
    let ssl = match &tls {
        Ok(_) => format!(
            " -c ssl=on -c ssl_cert_file={tls}/server.pem -c ssl_key_file={tls}/server.key",
            tls = dir.join("tls").display()
        ),
        Err(_) => String::new(),
    };
    let port = free_port();
    let fast = if DURABLE.load(Ordering::SeqCst) {
        ""
    } else {
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    };
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200 {fast}{ssl}",
        dir.display()
    );
    let out = as_owner(&bin.join("pg_ctl"))
        .args(["-w", "-t", "60", "-D"])
        .arg(&data)
        .args(["-o", &options, "-l"])
        .arg(dir.join("log"))
        .arg("start")
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("pg_ctl: {e}"))?;
    if !out.status.success() {
        let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
        return Err(format!(
            "pg_ctl start: {}{log}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // The watchdog: when this process is gone, stop the server and remove its directory.
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {runuser}{pg_ctl} -D {data} -m immediate stop \
         >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        runuser = if is_root() { "runuser -u postgres -- " } else { "" },
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &stop])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("watchdog: {e}"))?;
    Ok(Cluster {
        base: format!("postgres://postgres@127.0.0.1:{port}/"),
        tls: tls
            .map_err(|why| eprintln!("\n!!!! no TLS on the test cluster: {why} !!!!\n"))
            .ok(),
    })
}

/// A CA, a server certificate for 127.0.0.1 and localhost signed by it (key mode 0600, as the
/// server demands) and an unrelated CA, made with the `openssl` command in `dir`.
fn make_certificates(dir: &Path) -> Result<Tls, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n\
         basicConstraints=CA:FALSE\n",
    )
    .map_err(|e| e.to_string())?;
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let steps: [&[&str]; 4] = [
        &[
            &["req", "-x509"],
            &ec[..],
            &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"],
            &["-subj", "/CN=shiplabel test CA"],
        ]
        .concat(),
        &[
            &["req", "-x509"],
            &ec[..],
            &["-keyout", "wrong.key", "-out", "wrong-ca.pem"],
            &["-days", "2", "-subj", "/CN=shiplabel other CA"],
        ]
        .concat(),
        &[
            &["req"],
            &ec[..],
            &["-keyout", "server.key", "-out", "server.csr"],
            &["-subj", "/CN=localhost"],
        ]
        .concat(),
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
    ];
    for args in steps {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .map_err(|e| format!("openssl: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "openssl {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .map_err(|e| e.to_string())?;
    Ok(Tls {
        ca: dir.join("ca.pem"),
        wrong_ca: dir.join("wrong-ca.pem"),
    })
}

/// The test cluster's CA files, after [`database`] has started it; `None` (after a loud SKIPPED
/// line, or a failure with `CI` set) when the cluster has no TLS.
pub fn tls() -> Option<Tls> {
    match CLUSTER
        .get()
        .and_then(|c| c.as_ref().ok())
        .and_then(|c| c.tls.clone())
    {
        Some(tls) => Some(tls),
        None => {
            if std::env::var_os("CI").is_some() {
                panic!("the test cluster has no TLS and CI is set (is `openssl` installed?)");
            }
            eprintln!(
                "\n!!!! SKIPPED: PostgreSQL TLS: the test cluster has no TLS (openssl?) !!!!\n"
            );
            None
        }
    }
}

/// The URL of a new, empty database on the test cluster; `None` (after a loud SKIPPED line) when
/// PostgreSQL is not installed and `CI` is not set.
pub fn database() -> Option<String> {
    let cluster = match CLUSTER.get_or_init(start) {
        Ok(cluster) => cluster,
        Err(why) => {
            if std::env::var_os("CI").is_some() {
                panic!("PostgreSQL is needed and CI is set: {why} (see .ci/run)");
            }
            eprintln!("\n!!!! SKIPPED: PostgreSQL is not available: {why} !!!!\n");
            return None;
        }
    };
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = connect(&format!("{}postgres", cluster.base));
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    Some(format!("{}{name}", cluster.base))
}

/// A client on `url`, retried for a few seconds while the server starts.
pub fn connect(url: &str) -> postgres::Client {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match postgres::Client::connect(url, postgres::NoTls) {
            Ok(c) => return c,
            Err(e) if Instant::now() > deadline => panic!("connect {url}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}
