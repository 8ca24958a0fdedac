//! Who holds a print job, told apart well enough that a process id used again by another process is
//! not taken for the owner.
//!
//! An owner is written `host:pid` followed, where `/proc` tells them, by `;boot=ID;start=TICKS;pidns=N`:
//! the kernel's boot id, the process's start time in clock ticks since boot (`/proc/PID/stat` field 22)
//! and the inode of its PID namespace (`/proc/self/ns/pid`). A process can only check an owner that runs
//! on the same host, in the same boot and in the same PID namespace: then the owner is alive exactly
//! when `/proc/PID` exists with the same start time. Any other owner (another machine sharing the
//! database, another container whose PID 1 is not ours, an owner written before these fields existed)
//! is judged by its lease alone. An owner whose lease has expired is gone, whatever its process id says
//! (see [`super::journal`]).

use std::path::Path;

/// This process as the journal records it, and what it can check about other owners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerId {
    /// Host name.
    pub host: String,
    /// Process id (in the process's own PID namespace).
    pub pid: u32,
    /// Kernel boot id, when `/proc` has it.
    pub boot: Option<String>,
    /// Start time in clock ticks since boot.
    pub start: Option<u64>,
    /// PID namespace inode.
    pub pidns: Option<u64>,
}

impl OwnerId {
    /// This process on `host`.
    pub fn this_process(host: &str) -> OwnerId {
        let pid = std::process::id();
        OwnerId {
            host: host.to_owned(),
            pid,
            boot: boot_id(),
            start: start_time(&Path::new("/proc").join(pid.to_string())),
            pidns: pid_namespace(),
        }
    }

    /// The text stored in the journal's owner column.
    pub fn to_text(&self) -> String {
        let mut text = format!("{}:{}", self.host, self.pid);
        if let (Some(boot), Some(start), Some(ns)) = (&self.boot, self.start, self.pidns) {
            text.push_str(&format!(";boot={boot};start={start};pidns={ns}"));
        }
        text
    }

    /// Reads an owner column; `None` when it is not one.
    pub fn parse(text: &str) -> Option<OwnerId> {
        let mut parts = text.split(';');
        let (host, pid) = parts.next()?.rsplit_once(':')?;
        let mut owner = OwnerId {
            host: host.to_owned(),
            pid: pid.parse().ok()?,
            boot: None,
            start: None,
            pidns: None,
        };
        for part in parts {
            match part.split_once('=') {
                Some(("boot", v)) => owner.boot = Some(v.to_owned()),
                Some(("start", v)) => owner.start = v.parse().ok(),
                Some(("pidns", v)) => owner.pidns = v.parse().ok(),
                _ => {}
            }
        }
        Some(owner)
    }

    /// Whether `self` (this process) can see `other`'s process table: same host, boot and PID
    /// namespace, all known.
    fn can_check(&self, other: &OwnerId) -> bool {
        self.host == other.host
            && self.boot.is_some()
            && self.boot == other.boot
            && self.pidns.is_some()
            && self.pidns == other.pidns
            && other.start.is_some()
    }

    /// `Some(alive)` when this process can tell whether `other` still runs, `None` when only its lease
    /// can tell.
    pub fn is_alive(&self, other: &OwnerId) -> Option<bool> {
        if !self.can_check(other) {
            return None;
        }
        let proc_dir = Path::new("/proc").join(other.pid.to_string());
        Some(start_time(&proc_dir).is_some_and(|s| Some(s) == other.start))
    }
}

/// This process, read from `/proc` once.
pub fn this_process(host: &str) -> OwnerId {
    static ME: std::sync::OnceLock<OwnerId> = std::sync::OnceLock::new();
    let me = ME.get_or_init(|| OwnerId::this_process(host));
    if me.host == host {
        me.clone()
    } else {
        OwnerId::this_process(host)
    }
}

/// The kernel's boot id.
fn boot_id() -> Option<String> {
    let text = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let id = text.trim();
    (!id.is_empty() && !id.contains([';', '='])).then(|| id.to_owned())
}

/// Field 22 of `/proc/PID/stat`: the start time in clock ticks after boot. The command name (field 2)
/// is in parentheses and may itself hold spaces and parentheses, so the fields are counted after the
/// last `)`.
fn start_time(proc_dir: &Path) -> Option<u64> {
    let stat = std::fs::read_to_string(proc_dir.join("stat")).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    // After the name come field 3 (state) onwards: field 22 is the 20th.
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// The inode of this process's PID namespace (`/proc/self/ns/pid` reads `pid:[INODE]`).
fn pid_namespace() -> Option<u64> {
    let link = std::fs::read_link("/proc/self/ns/pid").ok()?;
    let text = link.to_str()?;
    text.strip_prefix("pid:[")?.strip_suffix(']')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_text_reads_back() {
        let me = OwnerId::this_process("station-1");
        assert_eq!(OwnerId::parse(&me.to_text()), Some(me.clone()));
        let old = OwnerId::parse("station-1:4242").unwrap();
        assert_eq!(
            (old.host.as_str(), old.pid, old.start),
            ("station-1", 4242, None)
        );
        assert!(OwnerId::parse("no-pid").is_none());
        assert!(OwnerId::parse("host:x").is_none());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn this_process_is_alive_and_a_reused_pid_is_not() {
        let me = OwnerId::this_process("station-1");
        assert!(
            me.start.is_some() && me.boot.is_some() && me.pidns.is_some(),
            "{me:?}"
        );
        assert_eq!(me.is_alive(&me), Some(true));
        // Same pid, another start time: a process that used this pid before.
        let earlier = OwnerId {
            start: me.start.map(|s| s.wrapping_sub(1)),
            ..me.clone()
        };
        assert_eq!(me.is_alive(&earlier), Some(false));
        // Another PID namespace or host: only the lease can tell.
        let elsewhere = OwnerId {
            pidns: me.pidns.map(|n| n + 1),
            ..me.clone()
        };
        assert_eq!(me.is_alive(&elsewhere), None);
        let legacy = OwnerId::parse(&format!("station-1:{}", me.pid)).unwrap();
        assert_eq!(me.is_alive(&legacy), None);
    }
}
