//! A scene's barcodes as the printer's own barcode commands.

use super::lang::{supports, NativeBarcode};
use super::profile::Language;
use crate::scene::{Item, Scene};
use crate::units::mm_to_dots;

/// A scene split in two for a printer that draws some of its barcodes itself: what is rasterised and
/// what is sent as barcode commands ([`native_barcodes`]).
#[derive(Debug, Clone)]
pub struct NativeSplit {
    /// The scene without the barcodes in [`NativeSplit::barcodes`]: rasterise it at the scene's
    /// [`Scene::grid_dpi`] and send it with them
    /// ([`encode_label_with_barcodes`](crate::printer::encode_label_with_barcodes)).
    pub raster: Scene,
    /// The barcodes the printer draws, in the dots of the rasterised scene.
    pub barcodes: Vec<NativeBarcode>,
}

/// Takes out of a scene the barcodes that `language` can draw with its own command (see
/// [`NativeBarcode`] for which), as commands at the scene's dot grid; every other item stays in
/// [`NativeSplit::raster`]. A scene not laid out for a resolution ([`Scene::grid_dpi`] `None`), ESC/POS
/// and barcodes off the dot grid keep everything as raster. The barcodes' human-readable text is a text
/// item of the scene and stays in the raster.
///
/// ```
/// use shiplabel::barcode::Symbology;
/// use shiplabel::printer::{native_barcodes, Language};
/// use shiplabel::template::Template;
///
/// let posting = &shiplabel::order::parse_json("p.json", r#"{"posting_number": "0132112277-0101-1",
///     "status": "awaiting_deliver", "barcodes": {"upper_barcode": "%101%806044518",
///     "lower_barcode": "23024930500000"}}"#)?[0];
/// let options = shiplabel::RenderOptions { dpi: 203, ..Default::default() };
/// let labels = shiplabel::posting_labels(posting, &Template::builtin("ozon-fbs")?, &options)?;
/// let split = native_barcodes(&labels[0].composed.scene, Language::Zpl);
/// assert!(split.barcodes.iter().all(|b| b.symbology == Symbology::Code128));
/// assert_eq!(split.barcodes.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn native_barcodes(scene: &Scene, language: Language) -> NativeSplit {
    let mut raster = Scene {
        width_mm: scene.width_mm,
        height_mm: scene.height_mm,
        grid_dpi: scene.grid_dpi,
        items: Vec::with_capacity(scene.items.len()),
        label_name: scene.label_name.clone(),
    };
    let mut barcodes = Vec::new();
    for item in &scene.items {
        if let (Item::Barcode(b), Some(dpi)) = (item, scene.grid_dpi) {
            let dots = |mm: f64| mm_to_dots(mm, dpi).round().max(0.0) as u32;
            if let (Some(module_dots), Some(first), false) =
                (b.module_dots, b.bars.first(), b.symbology.is_matrix())
            {
                // The rows every bar covers (EAN's longer guard bars end lower).
                let top = b.bars.iter().map(|r| dots(r.y)).max().unwrap_or(0);
                let bottom = b.bars.iter().map(|r| dots(r.bottom())).min().unwrap_or(0);
                let code = NativeBarcode {
                    symbology: b.symbology,
                    value: b.value.clone(),
                    x: dots(first.x),
                    y: top,
                    module_dots,
                    height_dots: bottom.saturating_sub(top),
                };
                if supports(language, &code).is_ok() {
                    barcodes.push(code);
                    continue;
                }
            }
        }
        raster.items.push(item.clone());
    }
    NativeSplit { raster, barcodes }
}
