//! A composed label as a printer job with the printer's own barcode commands.

use crate::printer::{
    encode_label, encode_label_with_barcodes, native_barcodes, Language, PrinterError, Profile,
};
use crate::render::rasterize;
use crate::scene::Scene;

/// A composed label as one printer job of `copies` copies, its barcodes drawn by the printer's own
/// barcode commands where the profile's language has one ([`native_barcodes`]) and everything else
/// rasterised at the profile's resolution.
///
/// Everything is raster when the scene was not laid out for the profile's resolution
/// ([`Scene::grid_dpi`]), for ESC/POS, and when the label has to be turned to fit the head (the
/// printer's barcode commands draw upright only).
pub fn encode_scene(
    scene: &Scene,
    profile: &Profile,
    copies: u32,
) -> Result<Vec<u8>, PrinterError> {
    let all_raster = || encode_label(&rasterize(scene, profile.dpi), profile, copies);
    if scene.grid_dpi != Some(profile.dpi) || profile.language == Language::Escpos {
        return all_raster();
    }
    let split = native_barcodes(scene, profile.language);
    if split.barcodes.is_empty() {
        return all_raster();
    }
    let label = rasterize(&split.raster, profile.dpi);
    match encode_label_with_barcodes(&label, &split.barcodes, profile, copies) {
        Err(PrinterError::NativeBarcode { .. }) => all_raster(),
        other => other,
    }
}
