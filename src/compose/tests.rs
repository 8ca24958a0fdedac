use super::*;
use crate::units::mm_to_dots;

fn ozon() -> Template {
    Template::builtin("ozon-fbs").unwrap()
}

#[test]
fn bars_lie_on_the_dot_grid_with_x_3_dots() {
    for dpi in [203, 300] {
        let c = compose(&ozon(), &LabelData::sample(), Some(dpi)).unwrap();
        let barcodes: Vec<_> = c.scene.barcodes().collect();
        assert_eq!(barcodes.len(), 2);
        for b in barcodes {
            assert_eq!(b.module_dots, Some(3), "{} at {dpi}", b.element);
            for bar in &b.bars {
                for edge in [bar.x, bar.right(), bar.y, bar.bottom()] {
                    let dots = mm_to_dots(edge, dpi);
                    assert!((dots - dots.round()).abs() < 1e-6, "{edge} mm at {dpi} dpi");
                }
                let w = mm_to_dots(bar.w, dpi).round() as u32;
                assert_eq!(w % 3, 0, "bar width {w} dots");
            }
            // Quiet zones inside the template's box.
            assert!(b.bounds.x >= 1.5 - 1e-9 && b.bounds.right() <= 73.5 + 1e-9);
        }
    }
}

#[test]
fn a_long_value_falls_back_to_two_dots_and_too_long_fails_naming_the_element() {
    let mut data = LabelData::sample();
    data.upper_barcode = "0132112277-0101-1".into();
    let c = compose(&ozon(), &data, Some(203)).unwrap();
    let upper = c.scene.barcodes().next().unwrap();
    assert_eq!(upper.value, "0132112277-0101-1");
    assert_eq!(upper.module_dots, Some(2));

    data.upper_barcode = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl".into();
    let err = compose(&ozon(), &data, Some(203)).unwrap_err();
    assert!(matches!(&err, ComposeError::Size { element, .. } if element == "upper barcode"));
    assert!(err.to_string().contains("12345678-0001-1"), "{err}");
}

#[test]
fn a_missing_or_placeholder_barcode_is_refused_naming_the_posting_and_the_field() {
    for name in crate::template::builtin_names() {
        let template = Template::builtin(name).unwrap();
        if template.repeat != crate::label::Repeat::Posting {
            continue;
        }
        for (upper, lower, field, held) in [
            ("", "751420599146000", "upper_barcode", "is missing"),
            (
                "0",
                "751420599146000",
                "upper_barcode",
                "is the placeholder \"0\"",
            ),
            ("  ", "751420599146000", "upper_barcode", "is missing"),
            (
                "%101%806044518",
                "0",
                "lower_barcode",
                "is the placeholder \"0\"",
            ),
            ("%101%806044518", "", "lower_barcode", "is missing"),
        ] {
            let mut data = LabelData::sample();
            data.upper_barcode = upper.into();
            data.lower_barcode = lower.into();
            // A tracking number or the posting number is no stand-in for Ozon's barcodes.
            data.tracking_number = "TRK123".into();
            let err = compose(&template, &data, Some(203)).unwrap_err();
            let text = err.to_string();
            assert!(
                matches!(&err, ComposeError::EmptyBarcode { fields, .. } if fields == field),
                "{name} {upper:?}/{lower:?}: {text}"
            );
            assert!(
                text.contains("posting 12345678-0001-1")
                    && text.contains(&format!("{field} {held}")),
                "{name}: {text}"
            );
        }
    }
}

#[test]
fn a_fallback_the_template_declares_is_used_also_for_a_placeholder() {
    let template = Template::from_toml(
        "[page]\nsize = [120, 75]\n[[element]]\ntype = \"barcode\"\nname = \"code\"\n\
         x = 2\ny = 2\nwidth = 110\nheight = 30\nvalue = \"{upper_barcode|tracking_number}\"\n",
        "t.toml",
        None,
    )
    .unwrap();
    let mut data = LabelData::sample();
    data.upper_barcode = "0".into();
    data.tracking_number = "TRK123".into();
    let c = compose(&template, &data, Some(203)).unwrap();
    let values: Vec<_> = c.scene.barcodes().map(|b| b.value.clone()).collect();
    assert_eq!(values, vec!["TRK123"]);
    data.tracking_number = "0".into();
    let err = compose(&template, &data, Some(203))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "upper_barcode is the placeholder \"0\", tracking_number is the placeholder \"0\""
        ),
        "{err}"
    );
}

#[test]
fn box_n_of_m_only_for_multibox() {
    let mut data = LabelData::sample();
    let single = compose(&ozon(), &data, None).unwrap();
    assert!(!single
        .scene
        .text_lines()
        .iter()
        .any(|l| l.contains("Коробка")));
    data.boxes = 3;
    data.box_number = 2;
    let multi = compose(&ozon(), &data, None).unwrap();
    assert!(multi
        .scene
        .text_lines()
        .contains(&"Коробка 2 из 3".to_string()));
}

#[test]
fn missing_glyph_is_a_warning_naming_character_and_element() {
    let mut data = LabelData::sample();
    data.warehouse = "Склад \u{1F4E6}".into();
    let c = compose(&ozon(), &data, Some(203)).unwrap();
    assert_eq!(c.warnings.len(), 1);
    let msg = c.warnings[0].to_string();
    assert!(
        msg.contains("U+1F4E6") && msg.contains("\"warehouse\"") && msg.contains("12345678-0001-1"),
        "{msg}"
    );
    // Drawn (as the missing-glyph box), not dropped.
    assert!(c.scene.text_lines().iter().any(|l| l.contains('\u{1F4E6}')));
}

#[test]
fn text_stays_inside_its_box() {
    let mut data = LabelData::sample();
    data.delivery_method = "Очень длинное название способа доставки, которое никак не помещается в одну строку этикетки и даже в две".into();
    let t = ozon();
    let c = compose(&t, &data, Some(203)).unwrap();
    let runs: Vec<_> = c
        .scene
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text(r) if r.element == "delivery method" => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(runs.len(), 2);
    assert!(runs[1].text().ends_with('…'));
    for run in runs {
        let font = run.style.font();
        let width = f64::from(font.width_em(&run.text())) * run.em_mm();
        assert!(run.x >= 1.5 - 1e-9 && run.x + width <= 73.5 + 1e-9);
        assert!(run.baseline <= 41.0 + 9.0);
    }
}

#[test]
fn without_a_dpi_the_module_is_exact_millimetres() {
    let c = compose(&ozon(), &LabelData::sample(), None).unwrap();
    for b in c.scene.barcodes() {
        assert_eq!(b.module_dots, None);
        assert!((b.module_mm - 0.375).abs() < 1e-9, "{}", b.module_mm);
    }
}

#[test]
fn every_builtin_composes_the_sample() {
    for name in crate::template::builtin_names() {
        let t = Template::builtin(name).unwrap();
        for dpi in [Some(203), Some(300), None] {
            let c = compose(&t, &LabelData::sample(), dpi).unwrap();
            assert!(c.warnings.is_empty(), "{name}");
            assert!(c.scene.barcodes().count() >= 1, "{name}");
        }
    }
}
