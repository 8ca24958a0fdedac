//! Output files: distinct labels get distinct file names, a device or FIFO is written through and never
//! replaced, and the temporary file of an interrupted write does not stay behind.

use std::process::Command;

fn shiplabel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shiplabel"))
}

const NOW: &str = "2026-11-22T12:00:00Z";

/// A records CSV whose shipments differ only in characters a file name cannot hold.
fn colliding_postings(dir: &std::path::Path) -> std::path::PathBuf {
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/records.csv"),
    )
    .unwrap();
    let mut lines = sample.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap();
    let rest = row.split_once(',').unwrap().1;
    let mut csv = format!("{header}\n");
    for id in ["X/1", "X_1", "X:1", "x_1"] {
        csv.push_str(&format!("\"{id}\",{rest}\n"));
    }
    let path = dir.join("colliding.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn distinct_labels_get_distinct_png_names_and_the_run_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let input = colliding_postings(dir.path());
    let out_dir = dir.path().join("labels");
    let out = shiplabel()
        .args(["render", "--now", NOW])
        .arg(&input)
        .arg("-o")
        .arg(format!("{}/", out_dir.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["X_1.png", "X_1~2.png", "X_1~3.png", "x_1~4.png"],
        "{stderr}"
    );
    assert!(stderr.contains("4 label(s)"), "{stderr}");
    assert!(
        stderr.contains("note: posting X_1 is written as X_1~2.png"),
        "{stderr}"
    );
}

#[test]
#[cfg(unix)]
fn print_output_to_dev_null_leaves_the_device() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let input = colliding_postings(dir.path());
    let out = shiplabel()
        .args(["print", "--now", NOW, "--profile", "zebra-gk420d"])
        .arg(&input)
        .args(["--output", "/dev/null"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(
        meta.file_type().is_char_device(),
        "/dev/null is still a device"
    );
}

#[test]
#[cfg(target_os = "linux")]
fn a_terminated_render_removes_its_temporary_file() {
    // A large batch, so the process is still writing when the signal comes.
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/records.csv"),
    )
    .unwrap();
    let mut lines = sample.lines();
    let header = lines.next().unwrap();
    let rest = lines.next().unwrap().split_once(',').unwrap().1;
    let mut csv = format!("{header}\n");
    for i in 0..3000 {
        csv.push_str(&format!("SHP-{i},{rest}\n"));
    }
    let input = dir.path().join("many.csv");
    std::fs::write(&input, csv).unwrap();
    let out_dir = dir.path().join("labels");
    let mut child = shiplabel()
        .args(["render", "--now", NOW])
        .arg(&input)
        .arg("-o")
        .arg(format!("{}/", out_dir.display()))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the first temporary files, then stop the run.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::read_dir(&out_dir).map_or(0, |d| d.count()) < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "no temporary file appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let ended = child.wait().unwrap();
    assert!(!ended.success(), "the run was stopped");
    let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn when_no_posting_gives_a_label_the_error_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/records.csv"),
    )
    .unwrap();
    let mut lines = sample.lines();
    let csv = format!(
        "{}\n{}\n",
        lines.next().unwrap(),
        lines
            .next()
            .unwrap()
            .replace("awaiting_deliver", "cancelled")
    );
    let input = dir.path().join("cancelled.csv");
    std::fs::write(&input, csv).unwrap();
    let out = shiplabel()
        .args(["render", "--now", NOW])
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("labels.pdf"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("skipped: ") && stderr.contains("cancelled"),
        "the reason comes before the error: {stderr}"
    );
    assert!(stderr.contains("no posting gave a label"), "{stderr}");
}
