//! The library's raster path checked in-process with the rxing decoder, and bar widths on the dot grid.

use shiplabel::order::load_file;
use shiplabel::template::Template;

fn sample() -> shiplabel::order::Posting {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ozon_posting.json");
    load_file(&path).unwrap().remove(0)
}

#[test]
fn rxing_reads_both_barcodes_at_203_and_300_dpi() {
    let posting = sample();
    let template = Template::builtin("ozon-fbs").unwrap();
    let upper = posting
        .upper_barcode
        .clone()
        .unwrap_or(posting.posting_number.to_string());
    for dpi in [203, 300] {
        let bitmap = shiplabel::label_bitmap(&posting, &template, dpi).unwrap();
        let found = rxing::helpers::detect_multiple_in_luma(
            bitmap.to_luma(),
            bitmap.width(),
            bitmap.height(),
        )
        .unwrap();
        let texts: Vec<String> = found.iter().map(|r| r.getText().to_string()).collect();
        assert!(texts.contains(&upper), "{dpi} dpi: {texts:?}");
        assert_eq!(texts.len(), 2, "{dpi} dpi: {texts:?}");
    }
}

#[test]
fn every_bar_and_space_is_a_whole_number_of_modules() {
    let posting = sample();
    let template = Template::builtin("ozon-fbs").unwrap();
    for dpi in [203u32, 300] {
        let options = shiplabel::RenderOptions::at_dpi(dpi);
        let labels = shiplabel::posting_labels(&posting, &template, &options).unwrap();
        let scene = &labels[0].composed.scene;
        let bitmap = shiplabel::render::rasterize(scene, dpi);
        for barcode in scene.barcodes() {
            let x = barcode.module_dots.unwrap();
            // A scan line through the middle of the symbol.
            let y =
                shiplabel::scene::mm_to_dots(barcode.bounds.y + barcode.bounds.h / 2.0, dpi) as u32;
            let x0 = shiplabel::scene::mm_to_dots(barcode.bounds.x, dpi).round() as u32;
            let x1 = shiplabel::scene::mm_to_dots(barcode.bounds.right(), dpi).round() as u32;
            let mut runs = Vec::new();
            let mut current = (bitmap.get(x0, y), 0u32);
            for px in x0..x1 {
                let black = bitmap.get(px, y);
                if black == current.0 {
                    current.1 += 1;
                } else {
                    runs.push(current);
                    current = (black, 1);
                }
            }
            runs.push(current);
            // Quiet zones are at least 10 modules of white.
            assert!(!runs[0].0 && runs[0].1 >= 10 * x, "{runs:?}");
            assert!(!runs.last().unwrap().0 && runs.last().unwrap().1 >= 10 * x);
            for (black, len) in &runs[1..runs.len() - 1] {
                assert_eq!(
                    len % x,
                    0,
                    "{} at {dpi} dpi: run {black} {len}",
                    barcode.element
                );
            }
        }
    }
}

#[test]
fn png_is_one_bit_with_its_resolution() {
    let png =
        shiplabel::render_png(&sample(), &Template::builtin("ozon-fbs").unwrap(), 300).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!(info.bit_depth, png::BitDepth::One);
    let dims = info.pixel_dims.unwrap();
    assert_eq!(dims.xppu, (300.0f64 / 0.0254).round() as u32);
}

#[test]
fn render_pdf_makes_one_page_per_label_and_the_same_bytes_twice() {
    let posting = sample();
    let template = Template::builtin("ozon-fbs").unwrap();
    let postings = vec![posting.clone(), posting];
    let a = shiplabel::render_pdf(&postings, &template).unwrap();
    let b = shiplabel::render_pdf(&postings, &template).unwrap();
    assert_eq!(a.pdf, b.pdf);
    let text = String::from_utf8_lossy(&a.pdf);
    assert!(text.contains("/Count 2"));
    // One embedded font program per style used, however many pages.
    assert_eq!(text.matches("/FontFile2").count(), 2);
}

#[test]
fn images_are_drawn_in_pdf_and_bitmap() {
    use shiplabel::bitmap::Bitmap;
    let dir = tempfile::tempdir().unwrap();
    let mut logo = Bitmap::new(8, 8);
    logo.fill_rect(0, 0, 8, 8);
    std::fs::write(dir.path().join("logo.png"), logo.to_png(None)).unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        "[page]\nsize = [58, 40]\n\
         [[element]]\ntype = \"image\"\nname = \"logo\"\nx = 2\ny = 2\nwidth = 10\nheight = 10\nfile = \"logo.png\"\n\
         [[element]]\ntype = \"barcode\"\nname = \"bc\"\nx = 2\ny = 14\nwidth = 54\nheight = 20\nvalue = \"{posting_number}\"\n",
    )
    .unwrap();
    let template = Template::from_file(&path).unwrap();
    let posting = sample();
    // 10 mm square at 203 dpi: about 80 × 80 black dots.
    let bitmap = shiplabel::label_bitmap(&posting, &template, 203).unwrap();
    let black_in_logo = (16..95)
        .flat_map(|y| (16..95).map(move |x| (x, y)))
        .filter(|&(x, y)| bitmap.get(x, y))
        .count();
    assert!(black_in_logo > 70 * 70, "{black_in_logo}");
    let pdf = shiplabel::render_pdf(&[posting.clone(), posting], &template).unwrap();
    let text = String::from_utf8_lossy(&pdf.pdf);
    // Written once, used by both pages.
    assert_eq!(text.matches("/Subtype/Image").count(), 1);
    assert_eq!(text.matches("/Im0").count(), 2);
}
