//! `shiplabel render` end to end, checked by tools that were not written here: poppler (`pdfinfo`,
//! `pdffonts`, `pdftotext`, `pdftoppm`), zbar (`zbarimg`) and the rxing decoder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::cli::{data, data_arg, shiplabel};
use shiplabel::label::labels_of;
use shiplabel::order::{read_files, Posting};
use shiplabel::template::Template;

const NOW: &str = "2026-11-23T10:00:00Z";

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{program} is needed for this test (apt-get install poppler-utils zbar-tools): {e}"
            )
        });
    assert!(
        out.status.success() || program == "zbarimg",
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn render(args: &[&str]) -> Output {
    let mut all = vec!["render", "--now", NOW];
    all.extend_from_slice(args);
    let out = shiplabel(&all);
    assert!(
        out.status.success(),
        "render {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The sample batch: every labelable posting of the sample files.
fn sample_postings(files: &[&str]) -> Vec<Posting> {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    // Read as the CLI reads them: a posting in two files is one record.
    let paths: Vec<_> = files.iter().map(|f| data(f)).collect();
    read_files(&paths)
        .unwrap()
        .postings
        .into_iter()
        .filter(|p| p.labelable(now).is_ok())
        .collect()
}

/// What each page's two barcodes must read, in page order.
fn expected_barcodes(postings: &[Posting], template: &Template) -> Vec<Vec<String>> {
    postings
        .iter()
        .flat_map(|p| labels_of(p, template.repeat).unwrap())
        .map(|l| {
            // No fallbacks: both barcodes are the posting's own.
            let (upper, lower) = (&l.data.upper_barcode, &l.data.lower_barcode);
            assert!(!upper.is_empty() && !lower.is_empty(), "{}", l.name());
            let mut v = vec![format!("CODE-128:{upper}"), format!("CODE-128:{lower}")];
            v.sort();
            v
        })
        .collect()
}

fn zbar(image: &Path) -> Vec<String> {
    let mut found: Vec<String> = tool("zbarimg", &["-q", &image.display().to_string()])
        .lines()
        .map(str::to_string)
        .collect();
    found.sort();
    found
}

const FILES: [&str; 2] = ["ozon_v3_list.json", "ozon_v4_list.json"];

#[test]
fn pdf_pages_fonts_text_and_barcodes() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("labels.pdf");
    let files: Vec<String> = FILES.iter().map(|f| data_arg(f)).collect();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    let pdf_arg = pdf.display().to_string();
    args.extend(["-o", &pdf_arg]);
    let out = render(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("skipped: posting"), "{stderr}");

    let template = Template::builtin("ozon-fbs").unwrap();
    let postings = sample_postings(&FILES);
    let expected = expected_barcodes(&postings, &template);
    assert!(expected.len() >= 5);

    let info = tool("pdfinfo", &[&pdf_arg]);
    assert!(
        info.contains(&format!("Pages:           {}", expected.len())),
        "{info}"
    );
    // 75 × 120 mm exactly.
    assert!(
        info.contains("Page size:       212.598 x 340.157 pts"),
        "{info}"
    );
    assert!(info.contains("Producer:        shiplabel"), "{info}");
    assert!(!info.contains("CreationDate"), "{info}");

    let fonts = tool("pdffonts", &[&pdf_arg]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    // The two text fonts, subset, and the bar font the linear barcodes are drawn with (Type 3,
    // its glyphs made in the file: "embedded", not subset, with a ToUnicode map).
    let (text_fonts, bar_fonts): (Vec<&str>, Vec<&str>) =
        rows.into_iter().partition(|row| !row.contains("Type 3"));
    assert_eq!(bar_fonts.len(), 1, "{fonts}");
    assert!(bar_fonts[0].contains("yes no  yes"), "{fonts}");
    for row in text_fonts {
        assert!(row.contains("+DejaVuSans"), "{row}");
        assert!(row.contains("CID TrueType"), "{row}");
        assert!(
            row.contains("yes yes yes"),
            "embedded, subset, ToUnicode: {row}"
        );
    }

    let text = tool("pdftotext", &[&pdf_arg, "-"]);
    for p in &postings {
        assert!(
            text.contains(p.posting_number.as_str()),
            "{}",
            p.posting_number
        );
        if let Some(w) = &p.delivery_method.warehouse {
            assert!(text.contains(w.as_str()), "warehouse {w} not in the text");
        }
    }

    tool(
        "pdftoppm",
        &[
            "-r",
            "203",
            "-mono",
            &pdf_arg,
            &dir.path().join("page").display().to_string(),
        ],
    );
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pbm"))
        .collect();
    pages.sort();
    assert_eq!(pages.len(), expected.len());
    for (page, want) in pages.iter().zip(&expected) {
        assert_eq!(&zbar(page), want, "{}", page.display());
    }
}

#[test]
fn png_directory_at_203_and_300_dpi() {
    let template = Template::builtin("ozon-fbs").unwrap();
    let postings = sample_postings(&["ozon_v3_list.json"]);
    let expected = expected_barcodes(&postings, &template);
    // 75 × 120 mm rounded to whole dots: 599.4 × 959.1 at 203 dpi, 885.8 × 1417.3 at 300.
    for (dpi, size) in [("203", (599, 959)), ("300", (886, 1417))] {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = format!("{}/", dir.path().join("png").display());
        render(&[&data_arg("ozon_v3_list.json"), "--dpi", dpi, "-o", &out_dir]);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert_eq!(files.len(), expected.len(), "{files:?}");
        let mut got: Vec<Vec<String>> = Vec::new();
        for f in &files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                postings
                    .iter()
                    .any(|p| name.starts_with(p.posting_number.as_str())),
                "{name}"
            );
            let decoder =
                png::Decoder::new(std::io::BufReader::new(std::fs::File::open(f).unwrap()));
            let reader = decoder.read_info().unwrap();
            let info = reader.info();
            assert_eq!((info.width, info.height), size);
            assert_eq!(info.bit_depth, png::BitDepth::One, "no grey");
            got.push(zbar(f));
        }
        let mut want = expected.clone();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{dpi} dpi");
    }
}

#[test]
fn single_png_and_landscape_page_size() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("one.png").display().to_string();
    render(&[&data_arg("ozon_posting.json"), "-o", &png]);
    assert_eq!(zbar(Path::new(&png)).len(), 2);

    let pdf = dir.path().join("l.pdf").display().to_string();
    render(&[
        &data_arg("ozon_posting.json"),
        "--template",
        "ozon-fbs-landscape",
        "-o",
        &pdf,
    ]);
    let info = tool("pdfinfo", &[&pdf]);
    assert!(
        info.contains("Page size:       340.157 x 212.598 pts"),
        "{info}"
    );
}

#[test]
fn output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.pdf");
    let b = dir.path().join("b.pdf");
    for out in [&a, &b] {
        render(&[
            &data_arg("ozon_v3_list.json"),
            "-o",
            &out.display().to_string(),
        ]);
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn strict_refuses_skips_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("s.pdf");
    let out = shiplabel(&[
        "render",
        "--now",
        NOW,
        "--strict",
        &data_arg("ozon_v3_list.json"),
        "-o",
        &pdf.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--strict"));
    assert!(!pdf.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn missing_glyph_is_reported_with_character_and_element() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(data("ozon_posting.json")).unwrap();
    let mut posting: serde_json::Value = serde_json::from_str(&source).unwrap();
    posting["delivery_method"]["warehouse"] = "Склад \u{1F4E6}".into();
    let input = dir.path().join("p.json");
    std::fs::write(&input, posting.to_string()).unwrap();
    let pdf = dir.path().join("g.pdf").display().to_string();
    let input = input.display().to_string();
    let out = render(&[&input, "-o", &pdf]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("U+1F4E6") && stderr.contains("\"warehouse\""),
        "{stderr}"
    );
    let strict = shiplabel(&["render", "--now", NOW, "--strict", &input, "-o", &pdf]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn template_errors_name_the_element() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[page]\nsize = [120, 75]\n[[element]]\ntype = \"text\"\nname = \"sender\"\nx = 100\ny = 5\nwidth = 40\nheight = 6\nvalue = \"{warehouse}\"\n",
    )
    .unwrap();
    let out = shiplabel(&[
        "render",
        &data_arg("ozon_posting.json"),
        "--template",
        &path.display().to_string(),
        "-o",
        &dir.path().join("x.pdf").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("\"sender\"") && stderr.contains("outside"),
        "{stderr}"
    );
}

#[test]
fn templates_lists_the_builtins() {
    let out = shiplabel(&["templates"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    for name in [
        "ozon-fbs",
        "ozon-fbs-landscape",
        "generic-100x150",
        "product-58x40",
    ] {
        assert!(stdout.contains(name), "{stdout}");
    }
}

#[test]
fn a_single_file_without_any_label_says_so_and_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(data("ozon_posting.json")).unwrap();
    let mut posting: serde_json::Value = serde_json::from_str(&source).unwrap();
    posting["status"] = "awaiting_packaging".into();
    let input = dir.path().join("unpacked.json");
    std::fs::write(&input, posting.to_string()).unwrap();
    // A PNG used to say the labels "do not fit one PNG file"; a PDF without pages (invalid, poppler:
    // "Invalid page count 0") used to be written anyway.
    for name in ["one.png", "none.pdf"] {
        let output = dir.path().join(name);
        let out = shiplabel(&[
            "render",
            "--now",
            NOW,
            &input.display().to_string(),
            "-o",
            &output.display().to_string(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("no posting gave a label"),
            "{name}: {stderr}"
        );
        assert!(!stderr.contains("do not fit"), "{name}: {stderr}");
        assert!(!output.exists(), "{name} was written");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the input"
    );
}
