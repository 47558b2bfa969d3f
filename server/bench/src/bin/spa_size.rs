//! `spa-size [DIST_DIR]`: the size of the web UI's wasm and JavaScript, raw and as
//! brotli sends it (quality 11, what the server serves).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "dist".to_owned()));
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("spa-size: cannot read {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let mut files: Vec<(String, usize, usize)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("wasm" | "js")))
        .filter_map(|p| {
            let data = std::fs::read(&p).ok()?;
            let br = server::infra::compress::brotli(&data).len();
            Some((
                p.file_name()?.to_string_lossy().into_owned(),
                data.len(),
                br,
            ))
        })
        .collect();
    if files.is_empty() {
        eprintln!(
            "spa-size: no .wasm or .js files in {} (build the UI first)",
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    files.sort();
    let kib = |n: usize| n as f64 / 1024.0;
    println!("{:<48} {:>12} {:>12}", "file", "raw KiB", "brotli KiB");
    for (name, raw, br) in &files {
        println!("{name:<48} {:>12.1} {:>12.1}", kib(*raw), kib(*br));
    }
    let raw: usize = files.iter().map(|f| f.1).sum();
    let br: usize = files.iter().map(|f| f.2).sum();
    println!(
        "{:<48} {:>12.1} {:>12.1}",
        "total (wasm + js)",
        kib(raw),
        kib(br)
    );
    ExitCode::SUCCESS
}
