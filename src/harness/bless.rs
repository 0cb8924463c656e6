//! Regenerating sanitized files (`--bless`): when it is allowed, and writing each file so that a
//! reader never sees it half written.

use std::io::{self, Write as _};
use std::path::Path;

/// Whether the `CI` variable says the run is in continuous integration, where sanitized files
/// must be compared, never rewritten. Unset, empty, `false` and `0` mean no.
pub fn is_ci(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        let v = v.trim();
        !(v.is_empty() || v.eq_ignore_ascii_case("false") || v == "0")
    })
}

/// The bytes of a sanitized file holding `output` (the golden form): the text and a final
/// line break.
pub fn file_bytes(output: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(output.len() + 1);
    bytes.extend_from_slice(output);
    bytes.push(b'\n');
    bytes
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, creating
/// the folder if needed. An existing file keeps its permissions; a new one is made readable by
/// everyone (0644) rather than keeping the temporary file's private mode.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = crate::files::temp_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    crate::files::take_permissions(tmp.as_file(), path)?;
    tmp.persist(path).map_err(|e| e.error)?;
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

    #[test]
    fn atomic_write_creates_folders_and_replaces_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sanitized/a.json");
        write_atomic(&path, b"{ }\n").expect("written");
        write_atomic(&path, b"[ ]\n").expect("rewritten");
        assert_eq!(std::fs::read(&path).expect("readable"), b"[ ]\n");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sanitized"))
            .expect("listable")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["a.json"], "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_by_others() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.json");
        write_atomic(&path, b"1\n").expect("written");
        let mode = std::fs::metadata(&path)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[test]
    fn file_bytes_end_with_a_line_break() {
        assert_eq!(file_bytes(b"{ }"), b"{ }\n");
    }
}
