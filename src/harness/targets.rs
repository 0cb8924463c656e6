//! What a sanitized file must not be: a file that an example set reads. `--bless` replaces
//! sanitized files, so a case naming the case file, rules or an original of any set of the run,
//! or of a set beside it, is refused before anything runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::cases::{self, CASE_FILE_NAME, Case, CaseFile};
use crate::diag::{Diagnostic, Location};
use crate::files::FileKey;

/// A file that an example set reads.
struct Input {
    /// The case file that reads it, as found.
    owner: PathBuf,
    owner_key: FileKey,
    kind: Kind,
}

enum Kind {
    CaseFile,
    Rules,
    /// An original, with the place of the case that reads it.
    Original(Location),
}

/// For each case file of `files`, the findings about the sanitized files its cases name that
/// are files an example set reads: a case file, rules or original of the run, or of another
/// case file in the folders of the run's case files, below them or above them (which a
/// `psoxy-rules test` of a folder would run).
pub(crate) fn check(files: &[CaseFile]) -> Vec<Vec<Diagnostic>> {
    let mut inputs: BTreeMap<FileKey, Input> = BTreeMap::new();
    let mut add = |path: &Path, owner: &Path, owner_key: &FileKey, kind: Kind| {
        inputs.entry(FileKey::of(path)).or_insert_with(|| Input {
            owner: owner.to_owned(),
            owner_key: owner_key.clone(),
            kind,
        });
    };
    let mut known = BTreeSet::new();
    for f in files {
        let key = FileKey::of(&f.path);
        known.insert(key.clone());
        add(&f.path, &f.path, &key, Kind::CaseFile);
        add(&f.rules, &f.path, &key, Kind::Rules);
        for c in &f.cases {
            add(
                &c.original,
                &f.path,
                &key,
                Kind::Original(c.location.clone()),
            );
        }
    }
    for other in neighbours(files) {
        let key = FileKey::of(&other);
        if !known.insert(key.clone()) {
            continue;
        }
        add(&other, &other, &key, Kind::CaseFile);
        // One that does not read as a case file names nothing that can be known.
        if let Some(named) = cases::named_inputs(&other) {
            add(&named.rules, &other, &key, Kind::Rules);
            for (original, place) in named.originals {
                add(&original, &other, &key, Kind::Original(place));
            }
        }
    }
    files
        .iter()
        .map(|f| {
            let own = FileKey::of(&f.path);
            f.cases
                .iter()
                .filter_map(|c| {
                    let input = inputs.get(&FileKey::of(&c.sanitized))?;
                    Some(finding(c, input, &own))
                })
                .collect()
        })
        .collect()
}

fn finding(case: &Case, input: &Input, own: &FileKey) -> Diagnostic {
    let mine = input.owner_key == *own;
    let owner = input.owner.display();
    let problem = match &input.kind {
        Kind::CaseFile if mine => "is this case file".to_owned(),
        Kind::CaseFile => format!("is the case file {owner}"),
        Kind::Rules if mine => "is the rules file".to_owned(),
        Kind::Rules => format!("is the rules file of {owner}"),
        Kind::Original(place) if mine && *place == case.location => {
            "is the original itself".to_owned()
        }
        Kind::Original(place) => format!("is the original of the case at {place}"),
    };
    cases::unfit_target(&problem, case.sanitized_location.clone(), None)
}

/// The case files in the folders of `files` and below them, and in the folders above them.
fn neighbours(files: &[CaseFile]) -> Vec<PathBuf> {
    let mut folders: Vec<(PathBuf, PathBuf)> = files
        .iter()
        .filter_map(|f| Some((std::fs::canonicalize(&f.folder).ok()?, f.folder.clone())))
        .collect();
    // A folder comes before the folders below it, which its walk covers.
    folders.sort();
    let here = std::env::current_dir().and_then(std::fs::canonicalize).ok();
    let mut walked: Vec<&Path> = Vec::new();
    let mut above = BTreeSet::new();
    let mut out = Vec::new();
    for (real, folder) in &folders {
        if walked.iter().any(|w| real.starts_with(w)) {
            continue;
        }
        walked.push(real);
        out.extend(
            cases::case_files_in(folder)
                .0
                .iter()
                .map(|p| cases::normalize(p)),
        );
        for a in real.ancestors().skip(1) {
            let file = a.join(CASE_FILE_NAME);
            if above.insert(file.clone()) && file.is_file() {
                // As named from here when it is below.
                let shown = here
                    .as_deref()
                    .and_then(|h| file.strip_prefix(h).ok())
                    .map_or_else(|| file.clone(), Path::to_owned);
                out.push(shown);
            }
        }
    }
    out
}
