//! An output directory is all from one run or visibly incomplete. A run writes into a
//! hidden staging directory beside the target (`.NAME.partial-PID`), and
//! [`OutputDir::commit`] puts it in place as a whole: renamed into place when the target
//! is new, swapped with it in one step (Linux `renameat2(RENAME_EXCHANGE)`) when `--force`
//! replaces an earlier run, whose files are then removed, stale charts included. A
//! process killed before the commit leaves the target as it was and the staging
//! directory behind, under a name that says it is partial. One writer at a time: a lock
//! file beside the target (`.NAME.lock`, locked with `flock`, released by the kernel if
//! the process dies) refuses a second concurrent writer.

use super::dir::{OutputError, io};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A directory that outputs are written into (see the module documentation).
#[derive(Debug)]
pub struct OutputDir {
    /// Where the outputs end up.
    target: PathBuf,
    /// Where they are written until the commit (the target itself for
    /// [`OutputDir::existing`]).
    staging: PathBuf,
    /// Held until the commit; `None` for [`OutputDir::existing`].
    lock: Option<File>,
    committed: bool,
}

/// The longest file name most file systems take, in bytes.
pub const MAX_FILE_NAME: usize = 255;

fn sibling(target: &Path, tag: &str) -> Result<PathBuf, OutputError> {
    let name = target
        .file_name()
        .ok_or_else(|| OutputError::BadOut(format!("{}: name a directory, not a root or `..`", target.display())))?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok(parent.join(format!(".{}.{tag}", name.to_string_lossy())))
}

impl OutputDir {
    /// Takes the lock for `path`, checks it can hold a run (a directory or nothing; empty
    /// unless `force`) and creates the staging directory, so an unwritable place is
    /// refused before any simulation. Stale staging directories of killed runs are
    /// removed (the lock says nobody is writing them).
    pub fn prepare(path: &Path, force: bool) -> Result<Self, OutputError> {
        // `DIR/.` is DIR: its name, parent and staging sibling are those of DIR (read
        // as written, the run failed at its end renaming into `DIR/.`).
        let path: &Path = &path.components().collect::<PathBuf>();
        // A link to a directory is that directory: the run is put in place by renames
        // beside it, which a link in its place would refuse ("internal error: Not a
        // directory" after the whole run). A dangling link names nothing to write.
        let resolved;
        let path: &Path = if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            match std::fs::canonicalize(path) {
                Ok(target) => {
                    resolved = target;
                    &resolved
                }
                Err(_) => {
                    let target = std::fs::read_link(path).unwrap_or_default();
                    return Err(OutputError::BadOut(format!(
                        "{}: a symbolic link to {}, which does not exist: create that directory, or name another --out",
                        path.display(),
                        target.display()
                    )));
                }
            }
        } else {
            path
        };
        if path.exists() && !path.is_dir() {
            return Err(OutputError::BadOut(format!(
                "{}: --out names a file; name a directory (new or empty, or an earlier run with --force)",
                path.display()
            )));
        }
        if path.is_dir() {
            let mut entries = std::fs::read_dir(path).map_err(io(path))?;
            if entries.next().is_some() && !force {
                return Err(OutputError::NotEmpty(path.display().to_string()));
            }
            // --force replaces an earlier run as a whole: only a directory holding
            // nothing but repatsim's own outputs, never someone's other files.
            let foreign: Vec<String> = std::fs::read_dir(path)
                .map_err(io(path))?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !is_output_file(n))
                .collect();
            if !foreign.is_empty() {
                let mut shown = foreign.clone();
                shown.sort();
                shown.truncate(5);
                return Err(OutputError::BadOut(format!(
                    "{}: holds files repatsim did not write ({}{}); --force replaces only the directory of an earlier run: choose another --out",
                    path.display(),
                    shown.join(", "),
                    if foreign.len() > 5 { ", ..." } else { "" }
                )));
            }
        }
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .map_err(|e| OutputError::BadOut(format!("{}: cannot create the directory: {e}", parent.display())))?;
        let lock_path = sibling(path, "lock")?;
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| OutputError::BadOut(format!("{}: cannot write here: {e}", parent.display())))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(OutputError::BadOut(format!(
                    "{}: another repatsim is writing this output directory (lock {}); wait for it or choose another --out",
                    path.display(),
                    lock_path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&lock_path)(e)),
        }
        remove_stale_staging(path);
        let staging = sibling(path, &format!("partial-{}", std::process::id()))?;
        if staging.exists() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        std::fs::create_dir(&staging)
            .map_err(|e| OutputError::BadOut(format!("{}: cannot write here: {e}", parent.display())))?;
        Ok(Self {
            target: path.to_path_buf(),
            staging,
            lock: Some(lock),
            committed: false,
        })
    }

    /// An existing output directory whose derived files (charts, report) are rewritten
    /// in place from its own saved results (`repatsim report`).
    pub fn existing(path: &Path) -> Self {
        Self {
            target: path.to_path_buf(),
            staging: path.to_path_buf(),
            lock: None,
            committed: true,
        }
    }

    /// Where the outputs end up (for messages).
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Writes `bytes` to `name` through a temporary file and a rename.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.write_with(name, |w| w.write_all(bytes))
    }

    /// Streams `name` through `write` into a temporary file, then renames it into place.
    pub fn write_with(
        &self,
        name: &str,
        write: impl FnOnce(&mut std::io::BufWriter<File>) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        if name.len() + 16 > MAX_FILE_NAME {
            return Err(OutputError::BadOut(format!(
                "the file name `{name}` is too long for the file system ({} bytes): shorten the element names it comes from",
                name.len()
            )));
        }
        write_atomic_with(&self.staging, name, write)
    }

    /// Puts every file written into place at once (see the module documentation);
    /// later calls do nothing.
    pub fn commit(&mut self) -> Result<(), OutputError> {
        if self.committed {
            return Ok(());
        }
        sync_dir(&self.staging);
        let target = &self.target;
        if target.is_dir() && std::fs::read_dir(target).map_err(io(target))?.next().is_none() {
            std::fs::remove_dir(target).map_err(io(target))?;
        }
        if !target.exists() {
            std::fs::rename(&self.staging, target).map_err(io(target))?;
        } else {
            swap(&self.staging, target)?;
            // The staging path now holds the earlier run's files.
            std::fs::remove_dir_all(&self.staging).map_err(io(&self.staging))?;
        }
        if let Some(parent) = target.parent() {
            sync_dir(parent);
        }
        self.committed = true;
        drop(self.lock.take());
        Ok(())
    }
}

impl Drop for OutputDir {
    /// A run that failed before its commit leaves no staging directory behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// True for the names of files repatsim writes into an output directory.
fn is_output_file(name: &str) -> bool {
    const NAMES: [&str; 19] = [
        "summary.json",
        "replications.csv",
        "metrics.csv",
        "dictionary.csv",
        "timeseries.csv",
        "scenario.toml",
        "merge-data.json",
        "report.html",
        "network.svg",
        "timeline.svg",
        "compare.json",
        "compare.csv",
        "compare-statistics.csv",
        "sweep.csv",
        "people.csv",
        "people-dictionary.csv",
        "sensitivity.json",
        "sensitivity-part.json",
        "fit.json",
    ];
    NAMES.contains(&name)
        || name.ends_with(".png")
        || name.ends_with(".svg")
        || (name.starts_with('.') && name.contains(".tmp-"))
}

/// Removes `.NAME.partial-*` siblings of `target` left by killed runs.
fn remove_stale_staging(target: &Path) {
    let (Some(name), Some(parent)) = (target.file_name(), target.parent()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let prefix = format!(".{}.partial-", name.to_string_lossy());
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Exchanges two directories in one step where the system can (Linux), else by two
/// renames (with a moment in which the target is missing: visibly incomplete, never
/// mixed).
fn swap(staging: &Path, target: &Path) -> Result<(), OutputError> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            return Ok(());
        }
    }
    let old = sibling(target, &format!("old-{}", std::process::id()))?;
    std::fs::rename(target, &old).map_err(io(target))?;
    std::fs::rename(staging, target).map_err(io(target))?;
    std::fs::rename(&old, staging).map_err(io(staging))
}

fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Writes `bytes` to the file a user named (`trace --out`, `check --junit`): an existing
/// pipe, terminal or other non-file (`/dev/stdout`, a FIFO, or a link to one) is written
/// into as a stream, not replaced by a file; a regular file, or one a symbolic link
/// names, is replaced whole through a temporary file and a rename beside the file itself,
/// so a link keeps pointing at the new contents instead of being replaced.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        let mut f = std::fs::OpenOptions::new().write(true).open(path).map_err(io(path))?;
        return f.write_all(bytes).and_then(|_| f.flush()).map_err(io(path));
    }
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    // A link is followed to where it points, a dangling one too (the callers ask for
    // --force before writing through one).
    let resolved = if is_link {
        let target = std::fs::read_link(path).map_err(io(path))?;
        match path.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        }
    } else {
        path.to_path_buf()
    };
    let dir = resolved
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(OutputError::BadOut(format!(
            "{}: the directory {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    let name = resolved
        .file_name()
        .ok_or_else(|| io(path)(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name")))?;
    write_atomic(dir, &name.to_string_lossy(), bytes)
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic_with(dir, name, |w| w.write_all(bytes))
}

/// Streams `dir/name` through `write` into a temporary file, then renames it into place.
pub fn write_atomic_with(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut std::io::BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let target = dir.join(name);
    // Errors name the file asked for, not the temporary one beside it.
    let f = File::create(&tmp).map_err(io(&target))?;
    let mut w = std::io::BufWriter::new(f);
    let result = write(&mut w)
        .and_then(|_| w.flush())
        .and_then(|_| w.get_ref().sync_all());
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(&target)(e));
    }
    drop(w);
    std::fs::rename(&tmp, &target).map_err(io(&target))
}
