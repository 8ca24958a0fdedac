use super::*;

const PAGE: &str = "[page]\nsize = [120, 75]\norientation = \"landscape\"\n";

fn load(elements: &str) -> Result<Template, TemplateError> {
    Template::from_toml(&format!("{PAGE}{elements}"), "test.toml", None)
}

#[test]
fn every_builtin_loads_and_has_its_page() {
    let sizes = [
        ("ozon-fbs", 75.0, 120.0),
        ("ozon-fbs-landscape", 120.0, 75.0),
        ("generic-100x150", 100.0, 150.0),
        ("product-58x40", 58.0, 40.0),
    ];
    assert_eq!(builtin_names().len(), sizes.len());
    for (name, w, h) in sizes {
        let t = Template::builtin(name).unwrap();
        assert_eq!((t.page.width_mm, t.page.height_mm), (w, h), "{name}");
        assert_eq!(t.name, name);
    }
    assert_eq!(builtin_names()[0], DEFAULT_TEMPLATE);
}

#[test]
fn ozon_label_falls_back_to_the_posting_number() {
    let t = Template::builtin("ozon-fbs").unwrap();
    let fields = t.fields();
    for f in [
        Field::UpperBarcode,
        Field::LowerBarcode,
        Field::PostingNumber,
        Field::Warehouse,
        Field::DeliveryMethod,
        Field::ShipmentDate,
        Field::Items,
        Field::Box,
        Field::Boxes,
    ] {
        assert!(fields.contains(&f), "{f:?}");
    }
}

#[test]
fn unknown_field_names_the_element_and_the_field() {
    let err = load(
        "[[element]]\ntype = \"text\"\nname = \"addr\"\nx = 1\ny = 1\nwidth = 50\nheight = 8\nvalue = \"{adress}\"\n",
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("\"addr\"") && msg.contains("adress"), "{msg}");
}

#[test]
fn element_outside_the_page_is_an_error() {
    let err = load(
        "[[element]]\ntype = \"box\"\nname = \"frame\"\nx = 100\ny = 1\nwidth = 30\nheight = 8\n",
    )
    .unwrap_err();
    assert!(
        matches!(&err, TemplateError::OutsidePage { element, .. } if element == "frame"),
        "{err}"
    );
    assert!(err.to_string().contains("outside the 120 × 75 mm page"));
}

#[test]
fn overlapping_barcodes_are_an_error() {
    let bc = |name: &str, y: f64| {
        format!("[[element]]\ntype = \"barcode\"\nname = \"{name}\"\nx = 2\ny = {y}\nwidth = 100\nheight = 20\nvalue = \"{{posting_number}}\"\n")
    };
    let err = load(&format!("{}{}", bc("top", 2.0), bc("bottom", 15.0))).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("\"bottom\"") && msg.contains("\"top\""),
        "{msg}"
    );
    assert!(load(&format!("{}{}", bc("top", 2.0), bc("bottom", 22.0))).is_ok());
}

#[test]
fn text_over_a_barcode_is_an_error() {
    let err = load(
        "[[element]]\ntype = \"barcode\"\nname = \"bc\"\nx = 2\ny = 2\nwidth = 100\nheight = 20\nvalue = \"{posting_number}\"\n\
         [[element]]\ntype = \"text\"\nname = \"caption\"\nx = 2\ny = 20\nwidth = 50\nheight = 6\nvalue = \"x\"\n",
    )
    .unwrap_err();
    assert!(
        matches!(&err, TemplateError::OverlapsBarcode { element, barcode, .. } if element == "caption" && barcode == "bc"),
        "{err}"
    );
}

#[test]
fn keys_that_do_not_apply_and_bad_values_name_the_element() {
    let err = load(
        "[[element]]\ntype = \"line\"\nname = \"rule\"\nx = 1\ny = 1\nx2 = 5\ny2 = 1\nsize = 3\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("\"rule\"") && err.to_string().contains("size"));
    let err = load("[[element]]\ntype = \"barcode\"\nname = \"b\"\nx = 1\ny = 1\nwidth = 5\nheight = 5\nvalue = \"1\"\nsymbology = \"upc\"\n")
        .unwrap_err();
    assert!(err.to_string().contains("\"b\"") && err.to_string().contains("upc"));
    let err = load("[[element]]\ntype = \"text\"\nname = \"tiny\"\nx = 1\ny = 1\nwidth = 5\nheight = 1\nvalue = \"1\"\n")
        .unwrap_err();
    assert!(err.to_string().contains("\"tiny\"") && err.to_string().contains("height"));
    let err = load("[[element]]\ntype = \"circle\"\n").unwrap_err();
    assert!(err.to_string().contains("circle #1"), "{err}");
}

#[test]
fn toml_errors_give_the_line() {
    let err = Template::from_toml("[page]\nsize = [120, 75\n", "bad.toml", None).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("bad.toml") && msg.contains("line 2"), "{msg}");
}

#[test]
fn orientation_turns_the_page() {
    let t = Template::from_toml(
        "[page]\nsize = [120, 75]\norientation = \"portrait\"\n",
        "t",
        None,
    )
    .unwrap();
    assert_eq!((t.page.width_mm, t.page.height_mm), (75.0, 120.0));
}

#[test]
fn images_load_relative_to_the_template_and_are_thresholded() {
    let dir = tempfile::tempdir().unwrap();
    let mut logo = Bitmap::new(4, 2);
    logo.set(1, 0, true);
    std::fs::write(dir.path().join("logo.png"), logo.to_png(None)).unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        format!("{PAGE}[[element]]\ntype = \"image\"\nname = \"logo\"\nx = 1\ny = 1\nwidth = 8\nheight = 4\nfile = \"logo.png\"\n"),
    )
    .unwrap();
    let t = Template::from_file(&path).unwrap();
    assert_eq!(t.name, "t");
    match &t.elements[0].kind {
        ElementKind::Image { bitmap, .. } => assert_eq!(**bitmap, logo),
        other => panic!("{other:?}"),
    }
}
