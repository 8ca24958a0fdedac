//! QR Code (crate `qrcode`) and DataMatrix ECC 200 (crate `datamatrix`): their module grids as a [`Shape`].

use super::{BarcodeError, Shape, Symbology};

/// QR Code, error correction level M (15 % of the symbol can be lost), in the smallest version that fits.
pub(crate) fn qr(data: &str) -> Result<Shape, BarcodeError> {
    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| BarcodeError::DoesNotFitSymbol {
            symbology: Symbology::Qr,
            length: data.len(),
        })?;
    let width = code.width() as u32;
    let cells = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok(Shape::Matrix {
        width,
        height: width,
        cells,
    })
}

/// DataMatrix in the smallest square symbol that fits. `gs1` puts FNC1 first (GS1 DataMatrix); GS
/// characters in `data` then separate the element strings, as Честный ЗНАК codes have them.
pub(crate) fn datamatrix(
    symbology: Symbology,
    data: &str,
    gs1: bool,
) -> Result<Shape, BarcodeError> {
    let symbols = datamatrix::SymbolList::default().enforce_square();
    // Macros off: datamatrix 0.3.3 panics (slice out of range) on data that starts with the macro 05/06
    // header `[)>RS06GS` but lacks its trailer, a crash our fuzz target found. Without macros such data is
    // encoded literally, which every decoder reads back.
    let builder = datamatrix::DataMatrixBuilder::new()
        .with_symbol_list(symbols)
        .with_fnc1_start(gs1)
        .with_macros(false);
    // GS1 data is ASCII (the GS1 parser checked it) and goes as is: `encode_str` would add a UTF-8 ECI
    // for the GS character, which GS1 scanners report as a different symbology (`]d5` instead of `]d2`).
    // Other text outside Latin-1 needs that ECI.
    let encoded = if gs1 {
        builder.encode(data.as_bytes())
    } else {
        builder.encode_str(data)
    };
    let code = encoded.map_err(|_| BarcodeError::DoesNotFitSymbol {
        symbology,
        length: data.len(),
    })?;
    let bitmap = code.bitmap();
    Ok(Shape::Matrix {
        width: bitmap.width() as u32,
        height: bitmap.height() as u32,
        cells: bitmap.bits().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_header_without_trailer_does_not_panic() {
        // Found by fuzz/fuzz_targets/barcode_encode.rs.
        let shape = datamatrix(Symbology::DataMatrix, ">[)>\u{1e}06\u{1d}", false).unwrap();
        assert!(matches!(shape, Shape::Matrix { width, .. } if width > 0));
        assert!(datamatrix(Symbology::DataMatrix, "[)>\u{1e}06\u{1d}", false).is_ok());
        assert!(datamatrix(Symbology::DataMatrix, "[)>\u{1e}05\u{1d}X", false).is_ok());
    }
}
