//! Plain-text tables padded by characters, not bytes: posting data is often Cyrillic.

/// Lays out `header` and `rows` in columns two spaces apart; the last column is not padded.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let cells: Vec<&str> = cells.collect();
        let last = cells.len().saturating_sub(1);
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            out.push_str(cell);
            if i < last {
                out.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
            }
        }
        // An empty last cell would leave the padding of the column before it.
        let kept = out.trim_end_matches(' ').len();
        out.truncate(kept);
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// `-90` minutes as `-1 h 30 min`, `45` as `45 min`.
pub fn minutes(total: i64) -> String {
    let sign = if total < 0 { "-" } else { "" };
    let m = total.unsigned_abs();
    if m >= 60 {
        format!("{sign}{} h {:02} min", m / 60, m % 60)
    } else {
        format!("{sign}{m} min")
    }
}
