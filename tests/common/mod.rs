//! Helpers shared by the command-line tests.

use std::io::Write as _;
use std::path::Path;
use std::process::Child;

/// The names of the files in `dir`, sorted.
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
