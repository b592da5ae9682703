//! rustos-image: build, list, extract and check filesystem images on the host with the
//! firmware's own littlefs (the MicroPython tree's lfs1.c and lfs2.c, through `rustos::lfs`).
mod image;
mod presets;
mod uf2;

use image::ImageFs;
use rustos::lfs::Config;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: rustos-image COMMAND ...  (rustos-image COMMAND --help for each)

commands:
  create   an image from a directory
  ls       list an image's files with their sizes
  extract  copy an image's files into a directory
  check    read everything in an image; exit 1 if it is damaged
  info     an image's kind, geometry, used and free space
  presets  the boards --preset knows, and where each number comes from";

const CREATE_HELP: &str = "usage: rustos-image create --fs lfs2|lfs1|fat (--preset NAME | --block-size N --blocks N)
                          [--readsize N] [--progsize N] [--lookahead N] [--uf2 FILE]
                          SRC_DIR IMAGE

Makes IMAGE (block size x blocks bytes) holding SRC_DIR's files and directories, formatted
as MicroPython's vfs.VfsLfs2 (or VfsLfs1) formats a device with the same readsize, progsize and
lookahead (defaults: the preset's, else 32 each, as VfsLfs2's and VfsLfs1's), or as
vfs.VfsFat.mkfs formats one of blocks of 512 to 4096 bytes (--fs fat; the size options are
littlefs's and do not apply).  --uf2 FILE also writes the image as
a UF2 file for the preset's flash offset, to copy to an rp2 board beside the firmware's own.
On any error nothing is left at IMAGE or FILE.";

const LS_HELP: &str = "usage: rustos-image ls IMAGE

Lists every directory (ending in /) and file (with its size in bytes) in IMAGE.";

const EXTRACT_HELP: &str = "usage: rustos-image extract IMAGE DIR

Copies IMAGE's files and directories into DIR, which must not exist yet or be empty.";

const CHECK_HELP: &str = "usage: rustos-image check IMAGE

Mounts IMAGE, reads every directory and every byte of every file, and walks littlefs's
blocks; on FAT it also follows every cluster chain and reports what fsck.fat would: chains
off the volume or into free clusters, cross-linked chains, sizes that disagree with their
chains, lost clusters.  Exit status 0 and a summary when all is well; 1 and what is wrong
when not.";

const INFO_HELP: &str = "usage: rustos-image info IMAGE

Prints the filesystem's kind, block size, block count, and used and free space.";

/// A command's code: its arguments after the command's name.
type Command = fn(&[String]) -> Result<(), Fail>;

/// A failure, as the message the user sees.
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Fail {
        Fail(e.to_string())
    }
}

fn fs_err(what: &str, e: image::Error) -> Fail {
    Fail(format!("{what}: {}", e.text))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let help = rest.iter().any(|a| a == "--help" || a == "-h");
    let (text, run): (&str, Command) = match cmd.as_str() {
        "create" => (CREATE_HELP, create),
        "ls" => (LS_HELP, ls),
        "extract" => (EXTRACT_HELP, extract),
        "check" => (CHECK_HELP, check),
        "info" => (INFO_HELP, info),
        "presets" => ("usage: rustos-image presets", show_presets),
        "--help" | "-h" | "help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("rustos-image: no command {other:?}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if help {
        println!("{text}");
        return ExitCode::SUCCESS;
    }
    match run(rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg)) => {
            eprintln!("rustos-image {cmd}: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// Options `--name VALUE` and positional arguments, as given.
struct Args {
    options: Vec<(String, String)>,
    positional: Vec<String>,
}

fn parse(args: &[String], known: &[&str]) -> Result<Args, Fail> {
    let mut out = Args {
        options: Vec::new(),
        positional: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(name) = a.strip_prefix("--") {
            if !known.contains(&name) {
                return Err(Fail(format!("unknown option --{name}")));
            }
            let v = it.next().ok_or_else(|| Fail(format!("--{name} needs a value")))?;
            out.options.push((name.to_string(), v.clone()));
        } else {
            out.positional.push(a.clone());
        }
    }
    Ok(out)
}

impl Args {
    fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> Result<Option<u32>, Fail> {
        let Some(v) = self.get(name) else { return Ok(None) };
        let n = match v.strip_prefix("0x") {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => v.parse(),
        };
        n.map(Some).map_err(|_| Fail(format!("--{name} {v:?} is not a number")))
    }

    fn paths<const N: usize>(&self, what: &str) -> Result<[&str; N], Fail> {
        let v: Vec<&str> = self.positional.iter().map(String::as_str).collect();
        v.try_into().map_err(|_| Fail(format!("expected {what}")))
    }
}

/// The geometry asked for: a preset's, with options that agree with it, or the options.
fn geometry(a: &Args, fs: &str) -> Result<(Config, Option<&'static presets::Preset>), Fail> {
    let preset = match a.get("preset") {
        Some(name) => Some(presets::find(name).ok_or_else(|| {
            let names: Vec<&str> = presets::PRESETS.iter().map(|p| p.name).collect();
            Fail(format!("no preset {name:?}; known: {}", names.join(", ")))
        })?),
        None => None,
    };
    let pick = |name: &str, preset_value: Option<u32>, default: Option<u32>| -> Result<u32, Fail> {
        match (a.number(name)?, preset_value) {
            (Some(v), Some(p)) if v != p => Err(Fail(format!(
                "--{name} {v} contradicts preset {}: it has {p}",
                preset.map_or("", |p| p.name)
            ))),
            (Some(v), _) => Ok(v),
            (None, Some(p)) => Ok(p),
            (None, None) => default.ok_or_else(|| Fail(format!("give --preset or --{name}"))),
        }
    };
    let cfg = Config::micropython(
        pick("block-size", preset.map(|p| p.block_size), None)?,
        pick("blocks", preset.map(|p| p.blocks), None)?,
        pick("readsize", preset.map(|p| p.read_size), Some(32))?,
        pick("progsize", preset.map(|p| p.prog_size), Some(32))?,
        pick("lookahead", preset.map(|p| p.lookahead), Some(32))?,
    );
    if cfg.block_count < 2 || !image::accepts(fs, &cfg) {
        return Err(Fail(format!(
            "littlefs cannot use this geometry: block size {}, {} blocks, readsize {}, progsize {}, \
             lookahead {} (v2: block size a multiple of the cache, {}, lookahead a multiple of 8; \
             v1: block size a multiple of progsize, progsize of readsize, lookahead of 32)",
            cfg.block_size,
            cfg.block_count,
            cfg.read_size,
            cfg.prog_size,
            cfg.lookahead_size,
            cfg.cache_size()
        )));
    }
    Ok((cfg, preset))
}

/// What goes into an image: directories before what they hold.
enum Item {
    Dir(String),
    File(String, PathBuf, u64),
}

fn collect(src: &Path, name_max: usize) -> Result<Vec<Item>, Fail> {
    let mut out = Vec::new();
    let mut todo = vec![(src.to_path_buf(), String::new())];
    while let Some((dir, inside)) = todo.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .map_err(|e| Fail(format!("cannot read directory {}: {e}", dir.display())))?
            .collect::<Result<_, _>>()
            .map_err(|e| Fail(format!("cannot read directory {}: {e}", dir.display())))?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let host = e.path();
            let name = e
                .file_name()
                .into_string()
                .map_err(|n| Fail(format!("{}: the name {n:?} is not UTF-8", dir.display())))?;
            let path = format!("{inside}/{name}");
            if name.len() > name_max {
                return Err(Fail(format!(
                    "{}: the name is {} bytes; the filesystem takes at most {name_max}",
                    host.display(),
                    name.len(),
                )));
            }
            let meta = std::fs::metadata(&host).map_err(|e| Fail(format!("cannot read {}: {e}", host.display())))?;
            if meta.is_dir() {
                out.push(Item::Dir(path.clone()));
                todo.push((host, path));
            } else if meta.is_file() {
                out.push(Item::File(path, host, meta.len()));
            } else {
                return Err(Fail(format!("{}: neither a file nor a directory", host.display())));
            }
        }
    }
    Ok(out)
}

/// A progress bar on stderr when it is a terminal.
struct Progress {
    total: usize,
    shown: bool,
}

impl Progress {
    fn step(&mut self, done: usize) {
        if self.total < 50 || !std::io::stderr().is_terminal() {
            return;
        }
        let width = 40;
        let filled = done * width / self.total;
        eprint!(
            "\r[{}{}] {done}/{} files",
            "#".repeat(filled),
            " ".repeat(width - filled),
            self.total
        );
        let _ = std::io::stderr().flush();
        self.shown = true;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown {
            eprintln!();
        }
    }
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

fn create(args: &[String]) -> Result<(), Fail> {
    let a = parse(
        args,
        &[
            "fs",
            "preset",
            "block-size",
            "blocks",
            "readsize",
            "progsize",
            "lookahead",
            "uf2",
        ],
    )?;
    let kind = match a.get("fs") {
        Some(k @ ("lfs2" | "lfs1" | "fat")) => k,
        Some(other) => return Err(Fail(format!("--fs {other}: the filesystems are lfs2, lfs1 and fat"))),
        None => return Err(Fail("give --fs lfs2, lfs1 or fat".into())),
    };
    let [src, image] = a.paths("SRC_DIR IMAGE")?;
    let (cfg, preset) = geometry(&a, kind)?;
    let uf2 = a.get("uf2");
    let family = match (uf2, preset) {
        (None, _) => None,
        (Some(_), Some(p)) => Some(
            p.uf2_family
                .map(|f| (f, p.flash_offset))
                .ok_or_else(|| Fail(format!("preset {} takes no UF2 files", p.name)))?,
        ),
        (Some(_), None) => return Err(Fail("--uf2 needs an rp2 --preset (the flash address)".into())),
    };
    let mut fs = image::create(kind, &cfg).map_err(|e| fs_err("format", e))?;
    let items = collect(Path::new(src), fs.name_max())?;
    let total_bytes: u64 = items
        .iter()
        .map(|i| if let Item::File(_, _, n) = i { *n } else { 0 })
        .sum();
    let files = items.iter().filter(|i| matches!(i, Item::File(..))).count();
    let mut progress = Progress {
        total: files,
        shown: false,
    };
    let (mut done_files, mut done_bytes) = (0, 0u64);
    let mtime = now_ns();
    for item in &items {
        let (path, r) = match item {
            Item::Dir(p) => (p, fs.mkdir(p)),
            Item::File(p, host, n) => {
                let data = std::fs::read(host).map_err(|e| Fail(format!("cannot read {}: {e}", host.display())))?;
                let r = fs.write_file(p, &data, mtime);
                if r.is_ok() {
                    done_files += 1;
                    done_bytes += n;
                    progress.step(done_files);
                }
                (p, r)
            }
        };
        match r {
            Ok(()) => {}
            Err(e) if e.no_space => {
                drop(progress);
                let capacity = u64::from(cfg.block_size) * u64::from(cfg.block_count);
                return Err(Fail(format!(
                    "{src} does not fit: {total_bytes} bytes in {files} files, and the filesystem filled up \
                     after {done_bytes} bytes in {done_files} files; at least {} bytes more than its {capacity} \
                     (the filesystem keeps metadata and whole blocks or clusters per file besides)",
                    total_bytes - done_bytes
                )));
            }
            Err(e) => return Err(fs_err(path, e)),
        }
    }
    drop(progress);
    let (unit, _, _, used) = fs.usage().map_err(|e| fs_err("walk", e))?;
    let what = fs.describe();
    let data = fs.finish().map_err(|e| fs_err("unmount", e))?;
    write_atomically(Path::new(image), &data)?;
    if let (Some(path), Some((family, offset))) = (uf2, family) {
        let encoded = uf2::encode(&data, presets::RP2_XIP_BASE + offset, family);
        if let Err(e) = write_atomically(Path::new(path), &encoded) {
            let _ = std::fs::remove_file(image);
            return Err(e);
        }
    }
    println!(
        "{image}: {what}, {} blocks of {}, {files} files, {} directories, {total_bytes} bytes; {used} {unit}s used",
        cfg.block_count,
        cfg.block_size,
        items.len() - files
    );
    Ok(())
}

/// Write `data` to `path` through a temporary file beside it, so that a failure leaves
/// nothing there.
fn write_atomically(path: &Path, data: &[u8]) -> Result<(), Fail> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    let r = std::fs::write(&tmp, data).and_then(|()| std::fs::rename(&tmp, path));
    r.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Fail(format!("cannot write {}: {e}", path.display()))
    })
}

/// The filesystem in an image file.
fn open_image(path: &str) -> Result<Box<dyn ImageFs>, Fail> {
    let data = std::fs::read(path).map_err(|e| Fail(format!("cannot read {path}: {e}")))?;
    image::open(data).map_err(|e| fs_err(path, e))
}

fn walk_image(fs: &mut dyn ImageFs, path: &str) -> Result<Vec<image::Entry>, Fail> {
    fs.walk().map_err(|e| fs_err(&format!("{path}: listing"), e))
}

fn ls(args: &[String]) -> Result<(), Fail> {
    let a = parse(args, &[])?;
    let [image] = a.paths("IMAGE")?;
    let mut fs = open_image(image)?;
    for e in walk_image(&mut *fs, image)? {
        if e.is_dir {
            println!("{:>10}  {}/", "", e.path);
        } else {
            println!("{:>10}  {}", e.size, e.path);
        }
    }
    Ok(())
}

fn extract(args: &[String]) -> Result<(), Fail> {
    let a = parse(args, &[])?;
    let [image, dir] = a.paths("IMAGE DIR")?;
    let dir = Path::new(dir);
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(Fail(format!("{} is not empty", dir.display())));
    }
    let mut fs = open_image(image)?;
    let entries = walk_image(&mut *fs, image)?;
    std::fs::create_dir_all(dir).map_err(|e| Fail(format!("cannot create {}: {e}", dir.display())))?;
    for e in entries {
        // Names hold no '/', and "." and ".." are not listed: each path stays inside DIR.
        let host = dir.join(e.path.trim_start_matches('/'));
        if e.is_dir {
            std::fs::create_dir(&host).map_err(|err| Fail(format!("cannot create {}: {err}", host.display())))?;
        } else {
            let data = fs.read_file(&e.path).map_err(|err| fs_err(&e.path, err))?;
            std::fs::write(&host, data).map_err(|err| Fail(format!("cannot write {}: {err}", host.display())))?;
        }
    }
    Ok(())
}

fn check(args: &[String]) -> Result<(), Fail> {
    let a = parse(args, &[])?;
    let [image] = a.paths("IMAGE")?;
    let mut fs = open_image(image)?;
    let entries = walk_image(&mut *fs, image)?;
    // The chains first: a file read stops at the first damage, the check reports it all.
    let damage = fs.damage().map_err(|e| fs_err("following the chains", e))?;
    if !damage.is_empty() {
        for line in &damage {
            eprintln!("{image}: {line}");
        }
        return Err(Fail(format!("{} problems in {image}", damage.len())));
    }
    let (mut files, mut bytes) = (0, 0u64);
    for e in &entries {
        if !e.is_dir {
            let data = fs.read_file(&e.path).map_err(|err| fs_err(&e.path, err))?;
            if data.len() as u64 != e.size {
                return Err(Fail(format!(
                    "{}: {} bytes read, {} listed",
                    e.path,
                    data.len(),
                    e.size
                )));
            }
            files += 1;
            bytes += data.len() as u64;
        }
    }
    let (unit, _, _, used) = fs.usage().map_err(|e| fs_err("walking the blocks", e))?;
    println!(
        "{image}: ok: {}, {files} files ({bytes} bytes), {} directories, {used} {unit}s in use",
        fs.describe(),
        entries.len() - files
    );
    Ok(())
}

fn info(args: &[String]) -> Result<(), Fail> {
    let a = parse(args, &[])?;
    let [image] = a.paths("IMAGE")?;
    let mut fs = open_image(image)?;
    let (unit, bs, blocks, used) = fs.usage().map_err(|e| fs_err("walking the blocks", e))?;
    let free = blocks.saturating_sub(used);
    println!("kind: {}", fs.describe());
    println!("{unit} size: {bs}");
    println!("{unit}s: {blocks}");
    println!("used: {used} {unit}s ({} bytes)", u64::from(used) * u64::from(bs));
    println!("free: {free} {unit}s ({} bytes)", u64::from(free) * u64::from(bs));
    Ok(())
}

fn show_presets(args: &[String]) -> Result<(), Fail> {
    parse(args, &[])?;
    for p in &presets::PRESETS {
        println!(
            "{}: {} blocks of {} ({} KiB) at flash offset {:#x}, readsize {} progsize {} lookahead {}{}\n    from {}",
            p.name,
            p.blocks,
            p.block_size,
            p.blocks * p.block_size / 1024,
            p.flash_offset,
            p.read_size,
            p.prog_size,
            p.lookahead,
            p.uf2_family.map_or(String::new(), |f| format!(", UF2 family {f:#x}")),
            p.source
        );
    }
    Ok(())
}
