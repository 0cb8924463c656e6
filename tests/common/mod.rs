//! Helpers shared by the command-line tests.

use std::io::Write as _;
use std::path::Path;
use std::process::Child;

/// The names of the files in `dir`, sorted.
#[allow(dead_code)] // Not every test binary that shares these helpers lists folders.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("listable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Writes `bytes` to the standard input of `child` and closes it. A command may refuse before
/// it reads its input and exit: the pipe is then broken, which is no failure of the test.
#[allow(dead_code)] // Not every test binary that shares these helpers feeds standard input.
pub fn feed(child: &mut Child, bytes: &[u8]) {
    let mut stdin = child.stdin.take().expect("stdin is piped");
    match stdin.write_all(bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.expect("stdin takes the input"),
    }
}

/// A command that runs the binary `bin` as a user who may not write `read_only` (a file of mode
/// 0444): the binary itself when this user cannot write it; under root, who may write any file,
/// the binary as `nobody` through `setpriv` (whose folders and files the caller made readable,
/// and writable where meant); `None` when neither is possible.
#[cfg(unix)]
#[allow(dead_code)] // Not every test binary that shares these helpers writes files.
pub fn as_one_who_may_not_write(bin: &str, read_only: &Path) -> Option<std::process::Command> {
    if std::fs::File::options()
        .write(true)
        .open(read_only)
        .is_err()
    {
        return Some(std::process::Command::new(bin));
    }
    as_nobody(bin)
}

/// A command that runs the binary `bin` as `nobody` (user and group 65534, no other groups)
/// through `setpriv`, for tests run as root; `None` when `setpriv` is missing.
#[cfg(unix)]
#[allow(dead_code)] // Not every test binary that shares these helpers writes files.
pub fn as_nobody(bin: &str) -> Option<std::process::Command> {
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let mut cmd = std::process::Command::new(setpriv);
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
    Some(cmd)
}

/// Opens `dir` and everything below it to every user: folders 0777, files 0644.
#[cfg(unix)]
#[allow(dead_code)] // Not every test binary that shares these helpers writes files.
pub fn open_to_all(dir: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walkable");
        let mode = if entry.file_type().is_dir() {
            0o777
        } else {
            0o644
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode))
            .expect("permissions set");
    }
}
