//! Modules point one way: a lower pipeline stage never imports a higher one.
//!
//! The test reads every file under `src/`, finds each path into the crate (`crate::x`, `crate::{x, y}`)
//! outside comments, and checks it against the ranking below, the same one `docs/architecture.md`
//! lists. A module may use modules of a lower rank and itself; two modules of the same rank stay
//! independent of each other. A new top-level module has to be ranked here before the test passes.

use std::path::{Path, PathBuf};

/// The module order, lowest first. Keep it in step with `docs/architecture.md`.
const RANKS: &[(&str, u32)] = &[
    // The zlib encoder: the PDF writer's streams and the bitmap's PNG data.
    ("deflate", 0),
    // Foundations every stage may use: pixels, fonts, atomic files, read limits.
    ("bitmap", 1),
    ("font", 1),
    ("output", 1),
    ("limits", 1),
    ("sys", 1),
    ("dirs", 1),
    // Millimetres, points and dots: templates, barcode sizing, composing and the backends use them.
    ("units", 1),
    // The domain and the symbologies, independent of each other.
    ("order", 2),
    ("barcode", 2),
    // The composed label's data: its barcode items name their symbology.
    ("scene", 3),
    // What a label shows and which labels a posting gets.
    ("label", 4),
    ("template", 5),
    ("compose", 6),
    // Backends over a scene or a bitmap.
    ("render", 7),
    ("printer", 7),
    // Persistence only.
    ("store", 8),
    // The packing workflow over store, composer and printer.
    ("station", 9),
    // The Ozon Seller API client (feature `ozon`): pulls and ships into the store, independent of the station.
    ("ozon", 9),
    // Postings → labels → files, and the sheets and reports; both callers of the stages.
    ("pipeline", 10),
    ("report", 10),
    // The user's settings file: defaults and per-printer calibration over a printer profile.
    ("config", 10),
    // The command line, a thin adapter over all of it.
    ("cli", 11),
];

fn rank(module: &str) -> Option<u32> {
    RANKS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

/// The top-level modules a source text uses through `crate::`, with the line of each use.
fn crate_uses(text: &str) -> Vec<(String, usize)> {
    // Comments (doc comments included) may name any module: links are not imports.
    let code: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(n, l)| (n + 1, without_comment(l)))
        .collect();
    let mut joined = String::new();
    let mut line_of = Vec::new();
    for (n, l) in &code {
        joined.push_str(l);
        joined.push('\n');
        line_of.resize(joined.len(), *n);
    }
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut uses = Vec::new();
    let mut from = 0;
    while let Some(at) = joined[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        // `$crate::` in a macro and `shiplabel_crate::` are not this crate's paths.
        let before = joined[..start].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &joined[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::X, b}`: the first segment of each top-level item.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&group[i..]);
                        if !name.is_empty() && name != "self" {
                            uses.push((name, line_of[from + 1 + i]));
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                uses.push((name, line_of[from]));
            }
        }
    }
    uses
}

/// A line without its `//` comment (a `//` inside a string literal is not one).
fn without_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '/' if !in_string && previous == '/' => return &line[..i - 1],
            _ => {}
        }
        previous = c;
    }
    line
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file under `src/` belongs to (`None` for the crate root and the binary).
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    match first {
        "lib.rs" | "main.rs" => None,
        f => Some(f.trim_end_matches(".rs").to_string()),
    }
}

#[test]
fn no_module_imports_a_higher_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    assert!(
        files.len() > 50,
        "found only {} files under src/",
        files.len()
    );
    let mut problems = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let Some(module) = module_of(relative) else {
            continue;
        };
        let Some(own) = rank(&module) else {
            problems.push(format!(
                "src/{}: module `{module}` is not ranked in tests/module_order.rs",
                relative.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (used, line) in crate_uses(&text) {
            if used == module {
                continue;
            }
            match rank(&used) {
                Some(r) if r < own => {}
                Some(r) => problems.push(format!(
                    "src/{}:{line}: `{module}` (rank {own}) uses `crate::{used}` (rank {r}): \
                     a stage may use only lower ones",
                    relative.display()
                )),
                // Crate-root items (`crate::render_pdf`, re-exports) are the facade's.
                None if rank("pipeline").is_some_and(|p| p < own) => {}
                None => problems.push(format!(
                    "src/{}:{line}: `{module}` uses the crate root's `crate::{used}`",
                    relative.display()
                )),
            }
        }
    }
    assert!(problems.is_empty(), "back edges:\n{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_plain_grouped_and_multiline_uses_but_not_comments() {
    let text = "//! See [`crate::cli`].\n\
                use crate::order::Posting;\n\
                use crate::{\n    label::LabelData,\n    template::{Align, Template},\n};\n\
                fn f() { let _ = crate::scene::MM_PER_INCH; } // crate::store\n\
                macro_rules! m { () => { $crate::x } }\n";
    let names: Vec<(String, usize)> = crate_uses(text);
    assert_eq!(
        names,
        vec![
            ("order".to_string(), 2),
            ("label".to_string(), 4),
            ("template".to_string(), 5),
            ("scene".to_string(), 7),
        ]
    );
}

#[test]
fn the_ranking_puts_the_pipeline_in_order() {
    let order = [
        "order", "label", "template", "compose", "render", "store", "station", "pipeline", "cli",
    ];
    for pair in order.windows(2) {
        assert!(
            rank(pair[0]) < rank(pair[1]),
            "{} must rank below {}",
            pair[0],
            pair[1]
        );
    }
}
