//! Writing output files atomically: a failed or interrupted run never leaves a half-written PDF or PNG.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same directory, then renames it into place.
///
/// The rename is atomic on the same file system, so readers see either the old file or the complete new
/// one. The temporary file is removed when anything fails.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// Like [`write_atomic`], but lets the caller stream into the temporary file (for batches that must not be
/// held in memory whole).
pub fn write_atomic_with<F>(path: &Path, fill: F) -> std::io::Result<()>
where
    F: FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
{
    let temp = temp_path(path);
    let result = write_temp(&temp, fill).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Writes several files so that a failure changes none of them: each is written to its temporary file
/// first, and only when all are complete are they renamed into place (a rename failing in that last
/// step, which takes no new space, would leave the files before it in place). The error names the
/// file that failed. A path given twice gets its last contents.
pub fn write_all_atomic(files: &[(PathBuf, Vec<u8>)]) -> Result<(), (PathBuf, std::io::Error)> {
    let mut seen = std::collections::HashSet::new();
    let mut last: Vec<&(PathBuf, Vec<u8>)> = files
        .iter()
        .rev()
        .filter(|(path, _)| seen.insert(path))
        .collect();
    last.reverse();
    let mut temps = Vec::with_capacity(last.len());
    let result = (|| {
        for (path, bytes) in &last {
            // The one common reason a rename fails later, when some files are already in place.
            if path.is_dir() {
                return Err((path.clone(), std::io::Error::other("it is a directory")));
            }
            let temp = temp_path(path);
            temps.push(temp.clone());
            write_temp(&temp, |file| file.write_all(bytes)).map_err(|e| (path.clone(), e))?;
        }
        for ((path, _), temp) in last.iter().zip(&temps) {
            std::fs::rename(temp, path).map_err(|e| (path.clone(), e))?;
        }
        Ok(())
    })();
    if result.is_err() {
        for temp in &temps {
            let _ = std::fs::remove_file(temp);
        }
    }
    result
}

fn write_temp<F>(temp: &Path, fill: F) -> std::io::Result<()>
where
    F: FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
{
    let file = std::fs::File::create(temp)?;
    let mut writer = std::io::BufWriter::new(file);
    fill(&mut writer)?;
    let file = writer.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failure_keeps_old_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.bin");
        write_atomic(&path, b"old").unwrap();
        let err = write_atomic_with(&path, |_| Err(std::io::Error::other("boom")));
        assert!(err.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_batch_that_fails_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.png");
        write_atomic(&a, b"old").unwrap();
        let missing = dir.path().join("no-such-dir").join("c.png");
        let files = vec![
            (a.clone(), b"new".to_vec()),
            (dir.path().join("b.png"), b"b".to_vec()),
            (missing.clone(), b"c".to_vec()),
        ];
        let (path, _) = write_all_atomic(&files).unwrap_err();
        assert_eq!(path, missing);
        assert_eq!(std::fs::read(&a).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_batch_writes_every_file_and_the_last_of_a_repeated_path() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.png");
        let b = dir.path().join("b.png");
        let files = vec![
            (a.clone(), b"first".to_vec()),
            (b.clone(), b"b".to_vec()),
            (a.clone(), b"second".to_vec()),
        ];
        write_all_atomic(&files).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"second");
        assert_eq!(std::fs::read(&b).unwrap(), b"b");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
