//! ITF-14: interleaved 2 of 5 over 14 digits (GTIN of a shipping container), wide elements three modules.

/// Narrow (`false`) and wide (`true`) elements of each digit.
const DIGITS: [[bool; 5]; 10] = [
    [false, false, true, true, false],
    [true, false, false, false, true],
    [false, true, false, false, true],
    [true, true, false, false, false],
    [false, false, true, false, true],
    [true, false, true, false, false],
    [false, true, true, false, false],
    [false, false, false, true, true],
    [true, false, false, true, false],
    [false, true, false, true, false],
];
/// A wide element is three modules: the top of the 2:1 to 3:1 range the standard allows, the most forgiving
/// for a thermal head that spreads bars.
const WIDE: u8 = 3;

/// Bearer bar thickness in modules: GS1 asks for at least twice the narrow bar; 5 is zint's default, close to
/// the 4.8 mm GS1 shows at the nominal 1.016 mm module.
pub(crate) const BEARER_MODULES: u32 = 5;

/// Modules for an even number of digits (ITF-14: 14), start and stop patterns included.
pub(crate) fn modules(digits: &[u32]) -> Vec<bool> {
    let mut widths: Vec<u8> = vec![1, 1, 1, 1];
    for pair in digits.chunks(2) {
        let bars = DIGITS[pair[0] as usize];
        let spaces = DIGITS[pair.get(1).copied().unwrap_or(0) as usize];
        for (b, s) in bars.iter().zip(spaces.iter()) {
            widths.push(if *b { WIDE } else { 1 });
            widths.push(if *s { WIDE } else { 1 });
        }
    }
    widths.extend([WIDE, 1, 1]);
    let mut out = Vec::new();
    super::widths_to_modules(widths, &mut out);
    out
}
