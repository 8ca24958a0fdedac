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
    line(&mut out, &widths, header);
    for row in rows {
        line(&mut out, &widths, row);
    }
    out
}

/// Appends one row, each cell but the last padded to its column's width plus two spaces.
fn line(out: &mut String, widths: &[usize], cells: &[impl AsRef<str>]) {
    let last = cells.len().saturating_sub(1);
    for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
        let cell = cell.as_ref();
        out.push_str(cell);
        if i < last {
            out.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
        }
    }
    // An empty last cell would leave the padding of the column before it.
    let kept = out.trim_end_matches(' ').len();
    out.truncate(kept);
    out.push('\n');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_by_characters_and_leaves_no_trailing_spaces() {
        let rows = vec![
            vec!["Склад".to_owned(), "1".to_owned(), String::new()],
            vec!["A".to_owned(), "22".to_owned(), "note".to_owned()],
        ];
        assert_eq!(
            render(&["WH", "N", "NOTE"], &rows),
            "WH     N   NOTE\nСклад  1\nA      22  note\n"
        );
        assert_eq!(minutes(-90), "-1 h 30 min");
        assert_eq!(minutes(45), "45 min");
    }
}
