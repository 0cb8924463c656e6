//! Regenerating sanitized files (`--bless`): when it is allowed, and writing the files all or
//! none, each so that a reader never sees it half written.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::files::Staged;

/// Whether the `CI` variable says the run is in continuous integration, where sanitized files
/// must be compared, never rewritten. Unset, empty, `false` and `0` mean no.
pub fn is_ci(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        let v = v.trim();
        !(v.is_empty() || v.eq_ignore_ascii_case("false") || v == "0")
    })
}

/// The bytes of a sanitized file holding `output` (the golden form): the text and a final
/// line break; with `crlf`, every line ending in CR LF, as the file it replaces has them.
pub fn file_bytes(output: &[u8], crlf: bool) -> Vec<u8> {
    let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut bytes = Vec::with_capacity(output.len() + 2);
    let mut lines = output.split(|&b| b == b'\n');
    bytes.extend_from_slice(lines.next().unwrap_or_default());
    for line in lines {
        bytes.extend_from_slice(end);
        bytes.extend_from_slice(line);
    }
    bytes.extend_from_slice(end);
    bytes
}

/// Why [`write_all`] did not write every file.
#[derive(Debug)]
pub struct WriteFailure {
    /// Each file that could not be written (its index) and the system's reason, without the
    /// temporary file's name.
    pub failed: Vec<(usize, io::Error)>,
    /// The files written all the same (their indexes): renamed into place before another
    /// failed to be, and that could not be put back as they were. Normally none.
    pub written: Vec<usize>,
    /// Where the previous content of a file written all the same is kept (its index, the
    /// path), when it had one.
    pub previous: Vec<(usize, PathBuf)>,
}

/// Writes each file's bytes, all or none: every file is first written to a temporary file in
/// its folder (created if needed), and the temporary files are renamed into place only once all
/// of them were written, the files they replace kept aside until the last is in place. When one
/// cannot be written, the temporary files and the folders created for them are removed and no
/// file is touched; when one cannot be renamed into place (something appeared at its path in
/// the meantime), those renamed before it are put back as they were. An interruption waits for
/// the renames, or for their undoing, to end. An existing file keeps its permissions; a new one
/// gets the mode a shell's `>` gives (0666 less the umask), not a temporary file's private one.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<(), WriteFailure> {
    write_all_renaming(files, &mut |tmp, path, held| tmp.persist_while(path, held))
}

/// A temporary file renamed over its target.
type Rename<'r> = dyn FnMut(
        crate::files::Staged,
        &std::path::Path,
        &mut crate::files::Uninterrupted,
    ) -> io::Result<()>
    + 'r;

/// [`write_all`], each rename made by `rename` (a test makes one fail).
fn write_all_renaming(
    files: &[(PathBuf, Vec<u8>)],
    rename: &mut Rename<'_>,
) -> Result<(), WriteFailure> {
    let mut created = Vec::new();
    let mut staged = Vec::new();
    let mut kept = Vec::new();
    let mut failed = Vec::new();
    for (i, (path, bytes)) in files.iter().enumerate() {
        match stage(path, bytes, &mut created) {
            Ok(tmp) => staged.push(tmp),
            Err(e) => failed.push((i, crate::files::plain_error(&e))),
        }
    }
    if failed.is_empty() {
        for (i, (path, _)) in files.iter().enumerate() {
            match crate::files::keep(path) {
                Ok(k) => kept.push(k),
                Err(e) => failed.push((i, crate::files::plain_error(&e))),
            }
        }
    }
    let remove_created = |created: &[PathBuf]| {
        for dir in created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
        crate::files::forget_folders(created);
    };
    if !failed.is_empty() {
        drop(staged);
        drop(kept);
        remove_created(&created);
        return Err(WriteFailure {
            failed,
            written: Vec::new(),
            previous: Vec::new(),
        });
    }
    // Temporary files take the lock held off interruptions when they are dropped: those not
    // renamed are dropped after it is released, on a panic too (declared before it).
    let mut unused = Vec::new();
    let mut staged = staged.into_iter();
    let mut held = crate::files::uninterrupted();
    let mut renamed = Vec::new();
    for (i, (tmp, (path, _))) in staged.by_ref().zip(files).enumerate() {
        if !failed.is_empty() {
            unused.push(tmp);
            continue;
        }
        match rename(tmp, path, &mut held) {
            Ok(()) => renamed.push(i),
            Err(e) => failed.push((i, crate::files::plain_error(&e))),
        }
    }
    if failed.is_empty() {
        drop(held);
        // The files replaced are no longer needed, and the folders made hold the files.
        drop(kept);
        crate::files::forget_folders(&created);
        return Ok(());
    }
    // Put back, the last first, what the renames replaced; a file that was new goes.
    let mut written = Vec::new();
    let mut previous = Vec::new();
    for &i in renamed.iter().rev() {
        let path = &files[i].0;
        let undone = match kept[i].take() {
            Some(k) => k.restore_while(path, &mut held).map_err(|(_, left)| left),
            None => std::fs::remove_file(path).map_err(|_| None),
        };
        if let Err(left) = undone {
            written.push(i);
            previous.extend(left.map(|at| (i, at)));
        }
    }
    drop(held);
    drop(unused);
    drop(kept);
    remove_created(&created);
    written.sort_unstable();
    previous.sort_unstable();
    Err(WriteFailure {
        failed,
        written,
        previous,
    })
}

/// `bytes` in a temporary file beside `path`, complete and with the permissions `path` is to
/// have.
fn stage(path: &Path, bytes: &[u8], created: &mut Vec<PathBuf>) -> io::Result<Staged> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    crate::files::check_writable(path)?;
    create_folders(dir, created)?;
    let mut tmp = crate::files::temp_in(dir)?;
    tmp.as_file_mut().write_all(bytes)?;
    tmp.as_file().sync_all()?;
    crate::files::take_permissions(tmp.as_file(), path)?;
    // Closed: a run that writes thousands of files holds no descriptor for each.
    Ok(tmp.close())
}

/// Creates `dir` and the folders above it that are missing, adding each one created to
/// `created`, outermost first.
fn create_folders(dir: &Path, created: &mut Vec<PathBuf>) -> io::Result<()> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
        .collect();
    for d in missing.into_iter().rev() {
        match std::fs::create_dir(d) {
            Ok(()) => {
                crate::files::note_folder(d);
                created.push(d.to_owned());
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_is_set_unless_empty_false_or_zero() {
        assert!(is_ci(Some("true")));
        assert!(is_ci(Some("1")));
        assert!(is_ci(Some("yes")));
        assert!(!is_ci(None));
        assert!(!is_ci(Some("")));
        assert!(!is_ci(Some("false")));
        assert!(!is_ci(Some("0")));
    }

    fn names(dir: &Path) -> Vec<std::ffi::OsString> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .expect("listable")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        names
    }

    /// Staged files wait closed: a run blessing thousands of files is not stopped by the limit
    /// of open files (256 by default on some systems).
    #[cfg(target_os = "linux")]
    #[test]
    fn staged_files_hold_no_descriptor() {
        let open = || {
            std::fs::read_dir("/proc/self/fd")
                .expect("listable")
                .count()
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let before = open();
        let mut created = Vec::new();
        let staged: Vec<Staged> = (0..300)
            .map(|i| {
                stage(&dir.path().join(format!("{i}.json")), b"1\n", &mut created).expect("staged")
            })
            .collect();
        // Other tests may open files meanwhile: far fewer than one per staged file.
        assert!(open() < before + 100, "{} descriptors", open() - before);
        drop(staged);
        assert!(
            names(dir.path()).is_empty(),
            "dropped staged files are removed"
        );
    }

    #[test]
    fn files_are_written_creating_folders_and_replacing_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = dir.path().join("sanitized/a.json");
        let b = dir.path().join("sanitized/deep/b.json");
        write_all(&[(a.clone(), b"{ }\n".to_vec()), (b.clone(), b"1\n".to_vec())])
            .expect("written");
        write_all(&[(a.clone(), b"[ ]\n".to_vec())]).expect("rewritten");
        assert_eq!(std::fs::read(&a).expect("readable"), b"[ ]\n");
        assert_eq!(std::fs::read(&b).expect("readable"), b"1\n");
        assert_eq!(
            names(&dir.path().join("sanitized")),
            ["a.json", "deep"],
            "no temporary file is left behind"
        );
    }

    #[test]
    fn a_target_that_cannot_be_kept_aside_stops_every_write() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sanitized = dir.path().join("sanitized");
        std::fs::create_dir(&sanitized).expect("folder");
        let a = sanitized.join("a.json");
        std::fs::write(&a, "old\n").expect("written");
        let new = dir.path().join("new/n.json");
        // A folder with a file in it, which no rename replaces, stands at the third target: it
        // cannot be kept aside to be put back, so nothing is renamed.
        let blocked = sanitized.join("b.json");
        std::fs::create_dir(&blocked).expect("folder");
        std::fs::write(blocked.join("inside"), "").expect("written");
        let c = sanitized.join("c.json");
        let failure = write_all(&[
            (a.clone(), b"{ }\n".to_vec()),
            (new.clone(), b"1\n".to_vec()),
            (blocked, b"2\n".to_vec()),
            (c.clone(), b"3\n".to_vec()),
        ])
        .expect_err("refused");
        assert_eq!(failure.failed.len(), 1);
        assert_eq!(failure.failed[0].0, 2);
        assert!(failure.written.is_empty(), "{:?}", failure.written);
        assert_eq!(std::fs::read(&a).expect("readable"), b"old\n");
        assert!(!c.exists());
        assert_eq!(
            names(dir.path()),
            ["sanitized"],
            "the new file and the folder made for it are removed"
        );
        assert_eq!(
            names(&sanitized),
            ["a.json", "b.json"],
            "no temporary file is left behind"
        );
    }

    #[test]
    fn a_rename_that_fails_puts_back_the_files_renamed_before_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sanitized = dir.path().join("sanitized");
        std::fs::create_dir(&sanitized).expect("folder");
        let a = sanitized.join("a.json");
        std::fs::write(&a, "old\n").expect("written");
        let new = dir.path().join("new/n.json");
        let b = sanitized.join("b.json");
        std::fs::write(&b, "old b\n").expect("written");
        let c = sanitized.join("c.json");
        let files = [
            (a.clone(), b"{ }\n".to_vec()),
            (new.clone(), b"1\n".to_vec()),
            (b.clone(), b"2\n".to_vec()),
            (c.clone(), b"3\n".to_vec()),
        ];
        // The third rename fails, as when something appears at its path meanwhile. Its
        // temporary file is dropped once interruptions are no longer held off.
        let mut n = 0;
        let mut failed_aside = Vec::new();
        let failure = write_all_renaming(&files, &mut |tmp, path, held| {
            n += 1;
            if n == 3 {
                failed_aside.push(tmp);
                return Err(io::Error::other("in the way"));
            }
            tmp.persist_while(path, held)
        })
        .expect_err("refused");
        drop(failed_aside);
        assert_eq!(failure.failed.len(), 1);
        assert_eq!(failure.failed[0].0, 2);
        assert!(failure.written.is_empty(), "{:?}", failure.written);
        assert_eq!(std::fs::read(&a).expect("readable"), b"old\n");
        assert_eq!(std::fs::read(&b).expect("readable"), b"old b\n");
        assert!(!c.exists());
        assert_eq!(
            names(dir.path()),
            ["sanitized"],
            "the new file and its folder go"
        );
        assert_eq!(
            names(&sanitized),
            ["a.json", "b.json"],
            "no temporary file is left"
        );
    }

    #[test]
    fn a_file_that_cannot_be_put_back_keeps_its_previous_content_beside_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = dir.path().join("a.json");
        std::fs::write(&a, "old\n").expect("written");
        let b = dir.path().join("b.json");
        let files = [(a.clone(), b"new\n".to_vec()), (b.clone(), b"2\n".to_vec())];
        // The second rename fails, and meanwhile a folder has taken the place of the first
        // file, so that it cannot be put back.
        let mut n = 0;
        let mut failed_aside = Vec::new();
        let failure = write_all_renaming(&files, &mut |tmp, path, held| {
            n += 1;
            if n == 2 {
                std::fs::remove_file(&a).expect("removed");
                std::fs::create_dir(&a).expect("folder");
                std::fs::write(a.join("inside"), "").expect("written");
                failed_aside.push(tmp);
                return Err(io::Error::other("in the way"));
            }
            tmp.persist_while(path, held)
        })
        .expect_err("refused");
        drop(failed_aside);
        assert_eq!(failure.written, [0]);
        let previous = dir.path().join("a.json.previous");
        assert_eq!(failure.previous, [(0, previous.clone())]);
        assert_eq!(std::fs::read(&previous).expect("kept"), b"old\n");
        assert!(!b.exists());
    }

    #[test]
    fn one_file_that_cannot_be_written_writes_none() {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = dir.path().join("sanitized/a.json");
        std::fs::write(dir.path().join("blocker"), "").expect("written");
        let b = dir.path().join("blocker/b.json");
        let c = dir.path().join("new/deeper/c.json");
        let failure = write_all(&[
            (a.clone(), b"{ }\n".to_vec()),
            (b, b"1\n".to_vec()),
            (c, b"2\n".to_vec()),
        ])
        .expect_err("refused");
        assert!(failure.written.is_empty());
        assert_eq!(failure.failed.len(), 1);
        assert_eq!(failure.failed[0].0, 1);
        assert!(
            !failure.failed[0].1.to_string().contains(".tmp"),
            "{}",
            failure.failed[0].1
        );
        assert!(!a.exists());
        assert_eq!(
            names(dir.path()),
            ["blocker"],
            "the temporary files and the folders made for them are removed"
        );
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_mode_a_shell_gives() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("temp dir");
        let mode = |path: &std::path::Path| {
            std::fs::metadata(path)
                .expect("exists")
                .permissions()
                .mode()
                & 0o777
        };
        // What `>` would make: 0666 less the umask this test runs under.
        let shell = dir.path().join("shell.json");
        std::fs::write(&shell, "").expect("created");
        let path = dir.path().join("a.json");
        write_all(&[(path.clone(), b"1\n".to_vec())]).expect("written");
        assert_eq!(mode(&path), mode(&shell));
    }

    #[test]
    fn file_bytes_end_with_a_line_break() {
        assert_eq!(file_bytes(b"{ }", false), b"{ }\n");
        assert_eq!(file_bytes(b"{\n  \"a\":1\n}", false), b"{\n  \"a\":1\n}\n");
        // As the file replaced has them.
        assert_eq!(
            file_bytes(b"{\n  \"a\":1\n}", true),
            b"{\r\n  \"a\":1\r\n}\r\n"
        );
        assert_eq!(file_bytes(b"", true), b"\r\n");
    }
}
