//! Replacing a file through a temporary file and a rename, so that a reader never sees it half
//! written, without changing who may read it.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// A temporary file in `dir`, to be renamed over a file of that folder once complete.
pub(crate) fn temp_in(dir: &Path) -> io::Result<NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".psoxy-rules-")
        .suffix(".tmp")
        .tempfile_in(dir)
}

/// Gives `tmp`, about to be renamed over `path`, the permissions of the file it replaces, or
/// for a new file 0644 (readable by everyone) rather than the temporary file's private mode.
pub(crate) fn take_permissions(tmp: &File, path: &Path) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) => tmp.set_permissions(m.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => set_default_permissions(tmp),
        Err(e) => Err(e),
    }
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

/// The system's reason for `e`, without the temporary file's name that some errors carry.
pub(crate) fn plain_error(e: &io::Error) -> io::Error {
    match e.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::from(e.kind()),
    }
}

#[cfg(unix)]
fn set_default_permissions(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_default_permissions(_file: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_new_one_is_readable_by_others() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = dir.path().join("old.json");
        std::fs::write(&old, "1").expect("written");
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        for (path, expected) in [(old, 0o640), (dir.path().join("new.json"), 0o644)] {
            let tmp = tempfile::NamedTempFile::new_in(dir.path()).expect("temp file");
            take_permissions(tmp.as_file(), &path).expect("set");
            tmp.persist(&path).expect("renamed");
            assert_eq!(mode(&path), expected, "{}", path.display());
        }
    }
}
