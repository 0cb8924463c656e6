//! Reading a file with a size cap, whatever it is (a device or a pipe has no size to check
//! first); and replacing a file through a temporary file and a rename, so that a reader never
//! sees it half written, without changing who may read it, and without leaving the temporary
//! file behind when the process is interrupted.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tempfile::NamedTempFile;

use crate::diag::Location;

/// Why a file could not be read whole by [`read_capped`].
#[derive(Debug)]
pub(crate) enum CappedRead {
    /// The file could not be opened or read.
    Io(io::Error),
    /// The file holds more than the cap: its size when the system knows it (a regular file),
    /// or `None` when more than the cap was read from it (a device, a pipe).
    TooLarge(Option<u64>),
}

impl CappedRead {
    /// `what` is too large: "the file is N bytes" or "the file holds more than CAP bytes",
    /// then `; {what} are refused above CAP bytes`.
    pub(crate) fn too_large_message(size: Option<u64>, cap: u64, what: &str) -> String {
        match size {
            Some(size) => format!("the file is {size} bytes; {what} are refused above {cap} bytes"),
            None => format!(
                "the file holds more than {cap} bytes; {what} are refused above {cap} bytes"
            ),
        }
    }
}

/// Whether `path` leads to a named pipe (or a socket): what opening it for reading does
/// depends on another process, and without a writer it waits for ever.
pub(crate) fn is_named_pipe(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo() || m.file_type().is_socket())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// The reason a file of an example set that is a named pipe is not read.
pub(crate) const NAMED_PIPE: &str =
    "is a named pipe, which would wait for a writer: the files of an example set are regular files";

/// [`read_capped`] for a file of an example set, which is not read when it is a named pipe.
pub(crate) fn read_capped_in_set(path: &Path, cap: u64) -> Result<Vec<u8>, CappedRead> {
    if is_named_pipe(path) {
        return Err(CappedRead::Io(io::Error::other(NAMED_PIPE)));
    }
    read_capped(path, cap)
}

/// The contents of the file at `path`, refused when it holds more than `cap` bytes. A regular
/// file is refused by its size before it is read; anything else (a device such as
/// `/dev/zero`, a pipe) is read up to one byte past the cap, so that a source without end
/// costs neither unbounded memory nor unbounded time.
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, CappedRead> {
    let file = File::open(path).map_err(CappedRead::Io)?;
    let meta = file.metadata().map_err(CappedRead::Io)?;
    if meta.is_file() && meta.len() > cap {
        return Err(CappedRead::TooLarge(Some(meta.len())));
    }
    let reserve = if meta.is_file() { meta.len() } else { 0 };
    let mut bytes = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(CappedRead::Io)?;
    if bytes.len() as u64 > cap {
        // A regular file that grew while it was read is still measured by what was read.
        return Err(CappedRead::TooLarge(None));
    }
    Ok(bytes)
}

/// The start and end of the names of temporary files.
const TEMP_PREFIX: &str = ".psoxy-rules-";
const TEMP_SUFFIX: &str = ".tmp";
/// The start of the name of a file kept aside by [`keep`]: a temporary file too.
const KEPT_PREFIX: &str = ".psoxy-rules-kept-";

/// The temporary files this process has open, removed if it is interrupted.
static LIVE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn live() -> MutexGuard<'static, BTreeSet<PathBuf>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The folders this process made for temporary files, outermost first, removed (when empty)
/// if it is interrupted.
static FOLDERS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn folders() -> MutexGuard<'static, Vec<PathBuf>> {
    FOLDERS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Notes that this process made `dir` for temporary files: an interruption removes it if it is
/// still empty then.
pub(crate) fn note_folder(dir: &Path) {
    folders().push(dir.to_owned());
}

/// Forgets the folders `dirs` noted by [`note_folder`]: they are kept, or already removed.
pub(crate) fn forget_folders(dirs: &[PathBuf]) {
    folders().retain(|d| !dirs.contains(d));
}

/// A temporary file, to be renamed over a file of its folder once complete. It is removed when
/// dropped, and when the process is interrupted (see [`remove_temporaries_on_signals`]).
#[derive(Debug)]
pub(crate) struct TempFile {
    // Removed before it is forgotten, so an interruption in between still finds it.
    file: NamedTempFile,
    noted: Noted,
}

/// A temporary file's entry among the files an interruption removes.
#[derive(Debug)]
struct Noted(Option<PathBuf>);

impl Noted {
    /// Removes the entry from `live`, the set held by the caller.
    fn forget_in(mut self, live: &mut BTreeSet<PathBuf>) {
        if let Some(path) = self.0.take() {
            live.remove(&path);
        }
    }
}

impl Drop for Noted {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            live().remove(&path);
        }
    }
}

/// While this is held, an interruption waits: a series of renames ends whole before the
/// process does. Temporary files are not made or dropped meanwhile (that would wait for it).
pub(crate) struct Uninterrupted(MutexGuard<'static, BTreeSet<PathBuf>>);

/// Holds off interruptions until the result is dropped.
pub(crate) fn uninterrupted() -> Uninterrupted {
    Uninterrupted(live())
}

/// A temporary file in `dir`, to be renamed over a file of that folder once complete.
pub(crate) fn temp_in(dir: &Path) -> io::Result<TempFile> {
    // Created and noted under the lock, so an interruption finds every file that exists.
    let mut live = live();
    // Owner only (the default of `tempfile`) until [`take_permissions`] gives it the mode it is
    // to have, just before the rename: what is being written, and what a killed process leaves
    // behind, is no more readable than the file it replaces.
    let file = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    live.insert(file.path().to_owned());
    let noted = Noted(Some(file.path().to_owned()));
    Ok(TempFile { file, noted })
}

impl TempFile {
    pub(crate) fn as_file(&self) -> &File {
        self.file.as_file()
    }

    pub(crate) fn as_file_mut(&mut self) -> &mut File {
        self.file.as_file_mut()
    }

    /// Renames the file over `path`; on failure the temporary file is removed. An interruption
    /// waits for the rename, so `path` is either the old file or the new one.
    pub(crate) fn persist(self, path: &Path) -> io::Result<()> {
        self.persist_while(path, &mut uninterrupted())
    }

    /// Closes the file, to be renamed later.
    pub(crate) fn close(self) -> Staged {
        let TempFile { file, noted } = self;
        Staged {
            path: file.into_temp_path(),
            noted,
        }
    }

    /// [`TempFile::persist`], while interruptions are already held off.
    pub(crate) fn persist_while(self, path: &Path, held: &mut Uninterrupted) -> io::Result<()> {
        let TempFile { file, noted } = self;
        let result = file.persist(path).map(drop).map_err(|e| e.error);
        noted.forget_in(&mut held.0);
        result
    }
}

/// A complete temporary file of [`temp_in`], closed (so that many can wait at once without
/// holding a file descriptor each), still removed when dropped or on an interruption.
#[derive(Debug)]
pub(crate) struct Staged {
    path: tempfile::TempPath,
    noted: Noted,
}

impl Staged {
    /// [`TempFile::persist_while`] for a closed file.
    pub(crate) fn persist_while(self, path: &Path, held: &mut Uninterrupted) -> io::Result<()> {
        let Staged { path: tmp, noted } = self;
        let result = tmp.persist(path).map_err(|e| e.error);
        noted.forget_in(&mut held.0);
        result
    }
}

/// A file kept under a temporary name beside it (a second link to it, or else a copy), so
/// that it can be put back once something else was renamed over it. The temporary name is
/// removed when this is dropped, and when the process is interrupted.
#[derive(Debug)]
pub(crate) struct Kept {
    path: tempfile::TempPath,
    noted: Noted,
}

/// Keeps the regular file at `path` under a temporary name in its folder; `None` when there is
/// no file there.
pub(crate) fn keep(path: &Path) -> io::Result<Option<Kept>> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut live = live();
    let linked = tempfile::Builder::new()
        .prefix(KEPT_PREFIX)
        .suffix(TEMP_SUFFIX)
        .make_in(dir, |name| std::fs::hard_link(path, name));
    let kept = match linked {
        Ok(file) => file.into_temp_path(),
        Err(e) if e.kind() == io::ErrorKind::NotFound && !path.exists() => return Ok(None),
        // A file system without links: a copy, with the permissions of the file.
        Err(_) => {
            let copy = tempfile::Builder::new()
                .prefix(KEPT_PREFIX)
                .suffix(TEMP_SUFFIX)
                .tempfile_in(dir)?;
            std::fs::copy(path, copy.path())?;
            copy.as_file().sync_all()?;
            copy.into_temp_path()
        }
    };
    live.insert(kept.to_path_buf());
    let noted = Noted(Some(kept.to_path_buf()));
    Ok(Some(Kept { path: kept, noted }))
}

impl Kept {
    /// Renames the kept file back to `path`, over what is there, while interruptions are held
    /// off. When that fails, the kept file is not removed: it is renamed `NAME.previous` beside
    /// `path` where it can (else it stays under its temporary name), and that name is returned
    /// with the error.
    pub(crate) fn restore_while(
        self,
        path: &Path,
        held: &mut Uninterrupted,
    ) -> Result<(), (io::Error, Option<PathBuf>)> {
        let Kept { path: kept, noted } = self;
        let result = kept.persist(path).map_err(|e| {
            let left = e.path.keep().ok().map(|at| {
                let mut previous = path.as_os_str().to_owned();
                previous.push(".previous");
                let previous = PathBuf::from(previous);
                if previous.symlink_metadata().is_err() && std::fs::rename(&at, &previous).is_ok() {
                    previous
                } else {
                    at
                }
            });
            (e.error, left)
        });
        noted.forget_in(&mut held.0);
        result
    }
}

/// Whether `name` is the name of a temporary file of [`temp_in`].
pub(crate) fn is_temporary(name: &OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(TEMP_SUFFIX))
}

/// Whether `name` is the name of a file kept aside by [`keep`]: a second link to a file being
/// replaced, which carries that file's modification time.
pub(crate) fn is_kept(name: &OsStr) -> bool {
    is_temporary(name) && name.to_str().is_some_and(|n| n.starts_with(KEPT_PREFIX))
}

/// From now on, SIGINT, SIGTERM and SIGHUP (a closed terminal) remove the temporary files of
/// [`temp_in`] that are still open, then end the process by the signal itself, so that a parent
/// sees how it ended (a shell reports 130, 143, 129).
#[cfg(unix)]
pub(crate) fn remove_temporaries_on_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until the process ends: no temporary file is made or renamed meanwhile.
                let live = live();
                remove_left_behind(&live, &folders());
                // Back to the default action, unblocked, and raised again: the process ends.
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// What an interruption removes: the temporary files `live`, then the `folders` made for them
/// (listed outermost first), removed innermost first; one that holds a file (written whole
/// before the interruption) stays.
#[cfg(unix)]
fn remove_left_behind(live: &BTreeSet<PathBuf>, folders: &[PathBuf]) {
    for path in live {
        let _ = std::fs::remove_file(path);
    }
    for dir in folders.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

#[cfg(not(unix))]
pub(crate) fn remove_temporaries_on_signals() -> io::Result<()> {
    Ok(())
}

/// Checks that `path`, when it is a file already, may be written by this process, as a shell's
/// `>` would check it: replacing a file through a rename needs only the folder's permission,
/// which would get round the file's own (a read-only file, or one of another user). Opening
/// for writing without truncating changes nothing in the file.
pub(crate) fn check_writable(path: &Path) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => File::options().write(true).open(path).map(drop),
        _ => Ok(()),
    }
}

/// Gives `tmp` (made by [`temp_in`]), about to be renamed over `path`, the owner, group and
/// permissions of the file it replaces, as a shell's `>` keeps them; for a new file, the mode a
/// shell's `>` gives it.
pub(crate) fn take_permissions(tmp: &File, path: &Path) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) => {
            // Before the mode: a change of owner clears the set-user-ID and set-group-ID bits.
            let permissions = take_owner(tmp, &m);
            tmp.set_permissions(permissions)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => give_new_file_mode(tmp, path),
        Err(e) => Err(e),
    }
}

/// Gives `tmp` the owner and group of the file `of`, as far as this process may: root gives
/// both; another user, who owns `tmp`, may give it a group they belong to. What cannot be kept
/// is left as it is (this user and their group), and the file is written all the same. Returns
/// the permissions of `of` to give `tmp`, without the set-user-ID bit when its owner is not
/// kept, nor the set-group-ID bit when its group is not: they would pass to another account.
#[cfg(unix)]
fn take_owner(tmp: &File, of: &std::fs::Metadata) -> std::fs::Permissions {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let wanted = (of.uid(), of.gid());
    let Ok(now) = tmp.metadata() else {
        return std::fs::Permissions::from_mode(of.mode() & !0o6000 & 0o7777);
    };
    if (now.uid(), now.gid()) != wanted
        && std::os::unix::fs::fchown(tmp, Some(wanted.0), Some(wanted.1)).is_err()
    {
        let _ = std::os::unix::fs::fchown(tmp, None, Some(wanted.1));
    }
    let (uid, gid) = tmp
        .metadata()
        .map_or((now.uid(), now.gid()), |m| (m.uid(), m.gid()));
    let mut mode = of.mode() & 0o7777;
    if uid != wanted.0 {
        mode &= !0o4000;
    }
    if gid != wanted.1 {
        mode &= !0o2000;
    }
    std::fs::Permissions::from_mode(mode)
}

#[cfg(not(unix))]
fn take_owner(_tmp: &File, of: &std::fs::Metadata) -> std::fs::Permissions {
    of.permissions()
}

/// Gives `tmp` the mode the system gives a new file made beside `path` with mode 0666, as a
/// shell's `>` makes it: 0666 less the umask, or what a default ACL of the folder allows. The
/// mode is read from an empty file made there and removed at once.
#[cfg(unix)]
fn give_new_file_mode(tmp: &File, path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Made and removed while an interruption waits, so that it never outlives the process.
    let held = live();
    let probe = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    let permissions = probe.as_file().metadata().map(|m| m.permissions());
    probe.close()?;
    drop(held);
    tmp.set_permissions(permissions?)
}

/// Elsewhere a new file has the permissions the temporary file was made with.
#[cfg(not(unix))]
fn give_new_file_mode(_tmp: &File, _path: &Path) -> io::Result<()> {
    Ok(())
}

/// The file that writing to `path` should replace: `path` itself, or the file a symbolic link
/// there points to (followed through further links, even to a file that does not exist yet).
/// Links that go on for more than 40 steps (a loop) are refused, as the system refuses to open
/// them.
pub(crate) fn through_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_owned();
    for _ in 0..40 {
        match std::fs::read_link(&path) {
            Ok(target) => {
                path = match path.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            Err(_) => return Ok(path),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Why `bytes`, the contents of the file `name`, are not UTF-8 (given the error of reading
/// them as UTF-8), and where: the first bad byte at its line and column, counted in the text
/// with that byte shown as U+FFFD, or the whole file when it is UTF-16.
pub(crate) fn not_utf8(name: &str, bytes: &[u8], e: &std::str::Utf8Error) -> (String, Location) {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return (
            "the file is UTF-16 (it starts with a UTF-16 byte order mark)".to_owned(),
            Location::File {
                file: name.to_owned(),
            },
        );
    }
    let at = e.valid_up_to();
    let lossy = String::from_utf8_lossy(bytes);
    // In the lossy text the bad bytes are one U+FFFD at the same offset.
    let replacement = '\u{FFFD}'.len_utf8();
    (
        format!("byte 0x{:02X} is not UTF-8", bytes[at]),
        Location::in_source(name, &lossy, at..at + replacement),
    )
}

/// What makes two paths the same file: the device and inode on Unix (hard links included),
/// the resolved path elsewhere.
#[cfg(unix)]
pub(crate) type FileId = (u64, u64);
#[cfg(not(unix))]
pub(crate) type FileId = PathBuf;

/// The identity of the file at `path`, links followed; `None` when there is none.
#[cfg(unix)]
pub(crate) fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub(crate) fn file_id(path: &Path) -> Option<FileId> {
    std::fs::canonicalize(path).ok()
}

/// Which file a path names, whether it exists or not: two paths with one key name one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum FileKey {
    /// A file that exists, by its identity.
    Existing(FileId),
    /// A file that does not exist (yet), by its path with the deepest folder that exists
    /// resolved (links followed) and the rest as written.
    Missing(PathBuf),
}

impl FileKey {
    /// The key of `path`; `.` and `..` in the part that does not exist are taken as written.
    pub(crate) fn of(path: &Path) -> FileKey {
        if let Some(id) = file_id(path) {
            return FileKey::Existing(id);
        }
        FileKey::Missing(resolve_existing(path))
    }
}

/// `path` with its deepest part that exists resolved (links followed), and the rest as written.
fn resolve_existing(path: &Path) -> PathBuf {
    let here = |p: &Path| {
        if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p.to_owned()
        }
    };
    let resolved = path.ancestors().find_map(|a| {
        let real = std::fs::canonicalize(here(a)).ok()?;
        let rest = path.strip_prefix(a).ok()?;
        Some(real.join(rest))
    });
    resolved.unwrap_or_else(|| path.to_owned())
}

/// The directory entry `path` names: its folder with links followed (as far as it exists), and
/// its last name as written. Two paths through linked folders that lead to one entry have one
/// place, and a write to either replaces the same file; hard links keep places of their own.
pub(crate) fn place(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(folder), Some(name)) => resolve_existing(folder).join(name),
        _ => path.to_owned(),
    }
}

/// The system's reason for `e`, without the temporary file's name that some errors carry.
/// Such an error (of `tempfile`) hides the system's error code from `raw_os_error` but prints
/// it (`… (os error 24) at path …`): it is read from there.
pub(crate) fn plain_error(e: &io::Error) -> io::Error {
    let printed = || {
        let text = e.to_string();
        let (_, after) = text.split_once("(os error ")?;
        after.split_once(')')?.0.parse::<i32>().ok()
    };
    match e.raw_os_error().or_else(printed) {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::from(e.kind()),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn an_interruption_removes_temporary_files_then_the_folders_made_for_them_left_empty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b, c) = (
            dir.path().join("a"),
            dir.path().join("a/b"),
            dir.path().join("c"),
        );
        for d in [&a, &b, &c] {
            std::fs::create_dir(d).expect("folder");
        }
        let tmp = b.join(".psoxy-rules-x.tmp");
        std::fs::write(&tmp, "partial").expect("temporary");
        // A file renamed into place before the interruption keeps its folder.
        std::fs::write(c.join("done.json"), "{}").expect("written");
        let live: BTreeSet<PathBuf> = [tmp].into_iter().collect();
        remove_left_behind(&live, &[a.clone(), b, c.clone()]);
        assert!(!a.exists());
        assert!(c.join("done.json").is_file());
    }

    #[test]
    fn folders_noted_for_an_interruption_are_forgotten_once_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path().join("made");
        note_folder(&d);
        assert!(folders().contains(&d));
        forget_folders(std::slice::from_ref(&d));
        assert!(!folders().contains(&d));
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn the_reason_of_an_error_is_the_systems_without_the_temporary_files_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let e = temp_in(&dir.path().join("missing")).expect_err("no such folder");
        assert_eq!(e.raw_os_error(), None, "the error names the file: {e}");
        let plain = plain_error(&e);
        assert_eq!(plain.raw_os_error(), Some(2));
        assert!(!plain.to_string().contains(".tmp"), "{plain}");
    }

    #[test]
    fn an_interruption_finds_each_temporary_file_until_it_is_renamed_or_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let renamed = temp_in(dir.path()).expect("temp file");
        let dropped = temp_in(dir.path()).expect("temp file");
        let (a, b) = (
            renamed.file.path().to_owned(),
            dropped.file.path().to_owned(),
        );
        for p in [&a, &b] {
            assert!(live().contains(p), "{}", p.display());
            assert!(is_temporary(p.file_name().expect("a name")));
        }
        renamed
            .persist(&dir.path().join("a.json"))
            .expect("renamed");
        drop(dropped);
        for p in [&a, &b] {
            assert!(!live().contains(p), "{}", p.display());
            assert!(!p.exists(), "{}", p.display());
        }
        assert!(!is_temporary(OsStr::new("a.json")));
    }

    /// The mode a new file gets here, 0666 less the umask, as `File::create` (and a shell's
    /// `>`) makes it.
    fn created_mode(dir: &Path) -> u32 {
        let probe = dir.join(".probe");
        File::create(&probe).expect("probe file");
        let created = mode(&probe);
        std::fs::remove_file(&probe).expect("probe removed");
        created
    }

    #[test]
    fn a_temporary_file_is_readable_by_its_owner_only_until_it_takes_its_mode() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = dir.path().join("old.json");
        std::fs::write(&old, "1").expect("written");
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let tmp = temp_in(dir.path()).expect("temp file");
        assert_eq!(mode(tmp.file.path()), 0o600);
        take_permissions(tmp.as_file(), &old).expect("set");
        assert_eq!(mode(tmp.file.path()), 0o644);
        // The file that gave a new file's mode is gone.
        assert_eq!(std::fs::read_dir(dir.path()).expect("listable").count(), 2);
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_mode_of_a_new_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = dir.path().join("old.json");
        std::fs::write(&old, "1").expect("written");
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let new = created_mode(dir.path());
        for (path, expected) in [(old, 0o640), (dir.path().join("new.json"), new)] {
            let tmp = temp_in(dir.path()).expect("temp file");
            take_permissions(tmp.as_file(), &path).expect("set");
            tmp.persist(&path).expect("renamed");
            assert_eq!(mode(&path), expected, "{}", path.display());
        }
    }
}
