//! Replays every saved input in fuzz/regressions/<target>/ through its target's
//! properties, without libFuzzer: what the fuzzers once found stays fixed.
use std::fs;
use std::path::Path;

#[test]
fn regressions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut n = 0;
    let mut failed = Vec::new();
    for target in rustos_fuzz::TARGETS {
        let dir = root.join(target);
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            if f.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                continue;
            }
            let data = fs::read(&f).unwrap();
            if std::panic::catch_unwind(|| rustos_fuzz::run(target, &data)).is_err() {
                failed.push(format!("{target}/{}", f.file_name().unwrap().to_string_lossy()));
            }
            n += 1;
        }
    }
    // Every directory there names a target.
    for e in fs::read_dir(&root).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            rustos_fuzz::TARGETS.contains(&name.as_str()),
            "regressions/{name}: no such target"
        );
    }
    eprintln!("{n} regression inputs replayed");
    assert!(failed.is_empty(), "{} of {n} fail again: {failed:?}", failed.len());
}
