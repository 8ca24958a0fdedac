//! Writing output files atomically: a failed or interrupted run never leaves a half-written PDF or PNG.
//!
//! Only a regular file (or a path that does not exist yet) is replaced, through a temporary file
//! `.NAME.shiplabel-PID.tmp` beside it and a rename. A character device or a FIFO named on purpose
//! (`-o /dev/stdout`, a pipe to another program) is written through, never replaced: `-o /dev/null` as
//! root leaves `/dev/null` a device. Anything else (a directory, a block device, a socket) is refused.
//! A symbolic link is followed, so the file it points to is replaced and the link stays.
//!
//! Temporary files are removed when the write fails, when the process gets SIGINT or SIGTERM (see
//! [`remove_temporaries`], called by the CLI's signal handler), and, for a process that was killed
//! outright, by the next write into the same directory once that process is gone.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written now, for the signal handler. A set: a folder of 10,000 PNGs registers
/// and unregisters 10,000 of them, and a list searched on each removal made that quadratic.
static TEMPORARIES: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// The suffix of this program's temporary files, before the process id.
const TEMP_MARK: &str = ".shiplabel-";

/// Removes every temporary file this process is writing (on SIGINT or SIGTERM), and makes sure no new
/// one is started: the list stays locked for good, so a thread about to create the next temporary
/// file waits there until the process ends. Call it only when the process is about to end.
pub fn remove_temporaries() {
    let guard = match TEMPORARIES.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    for temp in guard.iter() {
        let _ = std::fs::remove_file(temp);
    }
    std::mem::forget(guard);
}

/// A temporary file registered for removal on a signal; removed from the list (not from the disk)
/// when dropped.
struct Registered(PathBuf);

impl Registered {
    fn new(path: PathBuf) -> Registered {
        if let Ok(mut list) = TEMPORARIES.lock() {
            list.insert(path.clone());
        }
        Registered(path)
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut list) = TEMPORARIES.lock() {
            list.remove(&self.0);
        }
    }
}

/// How an output path is written.
enum Target {
    /// A regular file or a new path: replaced atomically (the real path, symbolic links followed).
    Replace(PathBuf),
    /// A character device or a FIFO: written through.
    Through,
}

/// Decides how `path` is written, refusing what must not be replaced.
fn target(path: &Path) -> std::io::Result<Target> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symbolic link would be replaced by a file: refuse it like any odd node.
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(std::io::Error::other(
                    "is a symbolic link to nothing: not replaced",
                ));
            }
            return Ok(Target::Replace(path.to_path_buf()));
        }
        Err(e) => return Err(e),
    };
    if meta.is_file() {
        let real = if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
            std::fs::canonicalize(path)?
        } else {
            path.to_path_buf()
        };
        return Ok(Target::Replace(real));
    }
    if meta.is_dir() {
        return Err(std::io::Error::other("is a directory: not replaced"));
    }
    if written_through(&meta) {
        return Ok(Target::Through);
    }
    Err(std::io::Error::other(
        "is neither a regular file nor a character device or FIFO: not replaced",
    ))
}

#[cfg(unix)]
fn written_through(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_char_device() || meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn written_through(_: &std::fs::Metadata) -> bool {
    false
}

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
    let path = match target(path)? {
        Target::Through => {
            let file = std::fs::OpenOptions::new().write(true).open(path)?;
            let mut writer = std::io::BufWriter::new(file);
            fill(&mut writer)?;
            return writer.flush();
        }
        Target::Replace(real) => real,
    };
    let temp = temp_path(&path);
    let _registered = Registered::new(temp.clone());
    let result = write_temp(&temp, fill).and_then(|()| std::fs::rename(&temp, &path));
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
    let mut batch = AtomicBatch::new();
    for (path, bytes) in files {
        batch.add(path, |file| file.write_all(bytes))?;
    }
    batch.commit()
}

/// Files written one by one into their temporary files and put in place together by
/// [`AtomicBatch::commit`], so a batch streams (only one file is in memory at a time) and still
/// changes nothing when it fails part way: dropping an uncommitted batch removes its temporary files.
#[derive(Debug, Default)]
pub struct AtomicBatch {
    /// (path as given, real path, temporary file), in the order first added.
    files: Vec<(PathBuf, PathBuf, PathBuf)>,
    /// Where each real path is in `files` (a path added again takes its place).
    index: HashMap<PathBuf, usize>,
    registered: Vec<Registered>,
}

impl std::fmt::Debug for Registered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl AtomicBatch {
    /// An empty batch.
    pub fn new() -> AtomicBatch {
        AtomicBatch::default()
    }

    /// Writes one file of the batch into its temporary file. A target that must not be replaced (a
    /// directory, a device) is refused; a path added again replaces its earlier contents.
    pub fn add<F>(&mut self, path: &Path, fill: F) -> Result<(), (PathBuf, std::io::Error)>
    where
        F: FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
    {
        let fail = |e| (path.to_path_buf(), e);
        // A batch of files is never written through a device.
        let real = match target(path).map_err(fail)? {
            Target::Replace(real) => real,
            Target::Through => {
                return Err(fail(std::io::Error::other(
                    "is a device or FIFO: not replaced",
                )))
            }
        };
        let temp = temp_path(&real);
        self.registered.push(Registered::new(temp.clone()));
        let entry = (path.to_path_buf(), real.clone(), temp.clone());
        match self.index.get(&real) {
            Some(&at) => self.files[at] = entry,
            None => {
                self.index.insert(real, self.files.len());
                self.files.push(entry);
            }
        }
        write_temp(&temp, fill).map_err(fail)
    }

    /// How many files the batch holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the batch holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Renames every temporary file into place.
    pub fn commit(mut self) -> Result<(), (PathBuf, std::io::Error)> {
        let files = std::mem::take(&mut self.files);
        for (n, (path, real, temp)) in files.iter().enumerate() {
            if let Err(e) = std::fs::rename(temp, real) {
                for (_, _, rest) in &files[n..] {
                    let _ = std::fs::remove_file(rest);
                }
                return Err((path.clone(), e));
            }
        }
        Ok(())
    }
}

impl Drop for AtomicBatch {
    fn drop(&mut self) {
        for (_, _, temp) in &self.files {
            let _ = std::fs::remove_file(temp);
        }
    }
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
    remove_stale_temporaries(path.parent());
    path.with_file_name(format!(".{name}{TEMP_MARK}{}.tmp", std::process::id()))
}

/// Removes the temporary files of killed runs from `dir`: `.NAME.shiplabel-PID.tmp` whose process no
/// longer exists (checked in `/proc`; where there is no `/proc`, nothing is removed). A process id
/// used again by a live process keeps its file until that process is gone too: a left-over file is
/// harmless, a file removed under a running writer is not. Once per directory per run.
fn remove_stale_temporaries(dir: Option<&Path>) {
    static DONE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let dir = match dir {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !Path::new("/proc/self").exists() {
        return;
    }
    match DONE.lock() {
        Ok(mut done) if !done.contains(&dir) => done.push(dir.clone()),
        _ => return,
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.starts_with('.'))
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.rsplit_once(TEMP_MARK))
            .and_then(|(_, pid)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let gone = pid != me && !Path::new("/proc").join(pid.to_string()).exists();
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if gone && regular {
            let _ = std::fs::remove_file(entry.path());
        }
    }
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
    #[cfg(unix)]
    fn devices_and_fifos_are_written_through_and_never_replaced() {
        use std::os::unix::fs::FileTypeExt;
        // /dev/null stays a device (as root a rename would replace it).
        write_atomic(Path::new("/dev/null"), b"label").unwrap();
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_atomic(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        let err = write_atomic(dir.path(), b"x").unwrap_err().to_string();
        assert!(err.contains("is a directory"), "{err}");
    }

    #[test]
    #[cfg(unix)]
    fn a_symbolic_link_keeps_pointing_at_the_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.pdf");
        let link = dir.path().join("link.pdf");
        std::fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn left_overs_of_a_killed_run_are_removed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        // A process that has exited: its id is free (and not reused within this test, most likely;
        // if it is, the file is merely kept).
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = dir.path().join(format!(".a.png{TEMP_MARK}{dead}.tmp"));
        let live = dir.path().join(format!(".b.png{TEMP_MARK}1.tmp"));
        let foreign = dir.path().join(".c.png.99999999.tmp");
        for f in [&stale, &live, &foreign] {
            std::fs::write(f, b"half").unwrap();
        }
        write_atomic(&dir.path().join("out.pdf"), b"pdf").unwrap();
        assert!(!stale.exists(), "the dead run's file is removed");
        assert!(live.exists(), "pid 1 runs: its file stays");
        assert!(foreign.exists(), "not our pattern: left alone");
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
