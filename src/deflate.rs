//! A zlib (RFC 1950) / deflate (RFC 1951) encoder made for the PDF writer's many small streams, and
//! used for the PNG files' image data as well (a label's 73 KB of rows in 0.21 ms, a seventh of the
//! `png` crate's encoder's time, for files about 11 % larger).
//!
//! A label's content stream is 1–3 KB. General-purpose encoders keep 32 K-entry hash tables and a 64 KB
//! symbol buffer, and clearing those for every stream costs more than compressing it (miniz_oxide's
//! `reset` zeroes about 300 KB: a third of the PDF path's time, measured with `perf`). This encoder sizes
//! its hash table to the input (8 KB for a label) and otherwise allocates only the output:
//!
//! - LZ77 with one candidate per hash of three bytes (greedy, like zlib's fastest levels), every position
//!   of a match hashed so that repeats of short patterns (`191 re`) are found;
//! - inputs up to 4 KB (a label's content stream) in blocks with the fixed Huffman codes, larger ones
//!   in one dynamic-Huffman block per 16 K symbols, code lengths from a Huffman tree limited to 15 bits
//!   (7 for the code-length code) by the usual Kraft-sum repair;
//! - stored blocks instead when the data does not compress.
//!
//! The output depends only on the input: the PDF stays byte-for-byte reproducible.

/// Symbols (literals and matches) per block: bounds the symbol buffer and adapts the codes to the data.
const BLOCK_SYMBOLS: usize = 16 * 1024;
/// Inputs up to this size go as blocks with deflate's fixed Huffman codes: no tree to build or send.
/// For a label's content stream (about 850 bytes) building the three trees and writing their lengths
/// took more CPU than the LZ77 pass, to save 10 % of the output (measured on 10,000 Ozon labels:
/// 528 bytes a page fixed, 480 with a tree). Larger inputs (fonts, images) get their own tree.
const FIXED_CODES_UP_TO: usize = 4096;
const WINDOW: usize = 32 * 1024;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
const END_OF_BLOCK: usize = 256;
/// The order code-length code lengths are sent in (RFC 1951 §3.2.7).
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// zlib-compresses `data` (what the PDF `FlateDecode` filter reads).
pub fn zlib(data: &[u8]) -> Vec<u8> {
    // Room for a label's content stream in fixed codes (about 63 % of its input) without growing.
    let mut out = Vec::with_capacity(data.len() * 3 / 4 + 64);
    // CMF 0x78: deflate with a 32 KB window; FLG 0x01: fastest level, check bits making 0x7801 % 31 == 0.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut bits = BitWriter { out, acc: 0, n: 0 };
    deflate(data, &mut bits);
    let mut out = bits.finish();
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// One LZ77 symbol: a literal byte (`dist == 0`) or a match of `len` bytes `dist` back.
#[derive(Clone, Copy)]
struct Sym {
    len_or_lit: u16,
    dist: u16,
}

thread_local! {
    // The hash table and the symbol buffer, kept per thread: a PDF batch compresses thousands of small
    // streams, and allocating these for each costs as much as compressing it.
    static SCRATCH: std::cell::RefCell<(Vec<u32>, Vec<Sym>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

fn deflate(data: &[u8], bits: &mut BitWriter) {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let (head, syms) = &mut *scratch;
            deflate_with(data, bits, head, syms);
        }
        // Not reentrant in practice; a nested call just uses its own buffers.
        Err(_) => deflate_with(data, bits, &mut Vec::new(), &mut Vec::new()),
    })
}

fn deflate_with(data: &[u8], bits: &mut BitWriter, head: &mut Vec<u32>, syms: &mut Vec<Sym>) {
    if data.len() <= FIXED_CODES_UP_TO {
        deflate_fixed(data, bits, head);
        return;
    }
    syms.clear();
    // Symbol frequencies of the block, counted as the symbols are made.
    let mut freq = Freq::default();
    let mut block_start = 0;
    lz77(data, head, |sym, end| {
        syms.push(sym);
        if sym.dist == 0 {
            freq.lit[usize::from(sym.len_or_lit)] += 1;
        } else {
            freq.lit[length_code(usize::from(sym.len_or_lit)).0] += 1;
            freq.dist[distance_code(usize::from(sym.dist)).0] += 1;
        }
        if syms.len() == BLOCK_SYMBOLS {
            write_block(&data[block_start..end], syms, &mut freq, false, bits);
            syms.clear();
            freq = Freq::default();
            block_start = end;
        }
    });
    write_block(&data[block_start..], syms, &mut freq, true, bits);
}

/// One block with the fixed codes, written as the symbols are found (no symbol buffer, no counts);
/// replaced by stored blocks when that came out larger.
fn deflate_fixed(data: &[u8], bits: &mut BitWriter, head: &mut Vec<u32>) {
    let (out_len, acc, n) = (bits.out.len(), bits.acc, bits.n);
    bits.put(1, 1);
    bits.put(1, 2);
    lz77(data, head, |sym, _| put_fixed(sym, bits));
    let (code, len) = FIXED_LIT[END_OF_BLOCK];
    bits.put(code, len);
    let written = (bits.out.len() - out_len) as u64 * 8 + u64::from(bits.n) - u64::from(n);
    if stored_bits(data.len()) < written {
        bits.out.truncate(out_len);
        (bits.acc, bits.n) = (acc, n);
        write_stored(data, true, bits);
    }
}

/// LZ77 over `data`: calls `emit` with each symbol and the input position after it.
#[inline(always)]
fn lz77(data: &[u8], head: &mut Vec<u32>, mut emit: impl FnMut(Sym, usize)) {
    // Hash table sized to the input: 2^10 entries for tiny inputs, 2^15 at most. Entries are position + 1.
    let hash_bits = (usize::BITS - data.len().max(1).leading_zeros()).clamp(10, 15);
    head.clear();
    head.resize(1 << hash_bits, 0);
    let hash = |at: usize| -> usize {
        let v = u32::from(data[at]) | u32::from(data[at + 1]) << 8 | u32::from(data[at + 2]) << 16;
        (v.wrapping_mul(0x9E37_79B1) >> (32 - hash_bits)) as usize
    };
    let mut i = 0;
    while i < data.len() {
        let mut len = 0;
        let mut dist = 0;
        if i + MIN_MATCH <= data.len() {
            let h = hash(i);
            let candidate = head[h] as usize;
            head[h] = i as u32 + 1;
            if candidate > 0 && i - (candidate - 1) <= WINDOW {
                let from = candidate - 1;
                let max = (data.len() - i).min(MAX_MATCH);
                // Eight bytes at a time, then the rest one by one.
                while len + 8 <= max {
                    let a = u64::from_le_bytes(
                        data[from + len..from + len + 8]
                            .try_into()
                            .unwrap_or([0; 8]),
                    );
                    let b =
                        u64::from_le_bytes(data[i + len..i + len + 8].try_into().unwrap_or([0; 8]));
                    if a != b {
                        len += ((a ^ b).trailing_zeros() / 8) as usize;
                        break;
                    }
                    len += 8;
                }
                if len + 8 > max {
                    while len < max && data[from + len] == data[i + len] {
                        len += 1;
                    }
                }
                dist = i - from;
            }
        }
        if len >= MIN_MATCH {
            // Hash the positions inside the match too (the last two cannot start a 3-byte hash).
            let end = (i + len).min(data.len().saturating_sub(MIN_MATCH - 1));
            for at in i + 1..end {
                head[hash(at)] = at as u32 + 1;
            }
            i += len;
            emit(
                Sym {
                    len_or_lit: len as u16,
                    dist: dist as u16,
                },
                i,
            );
        } else {
            i += 1;
            emit(
                Sym {
                    len_or_lit: u16::from(data[i - 1]),
                    dist: 0,
                },
                i,
            );
        }
    }
}

/// Deflate's fixed literal/length codes (RFC 1951 §3.2.6), bit-reversed, with their lengths.
static FIXED_LIT: [(u32, u32); 288] = {
    let mut table = [(0u32, 0u32); 288];
    let mut sym = 0;
    while sym < 288 {
        let (code, len) = match sym {
            0..=143 => (0x30 + sym as u32, 8),
            144..=255 => (0x190 + (sym as u32 - 144), 9),
            256..=279 => (sym as u32 - 256, 7),
            _ => (0xC0 + (sym as u32 - 280), 8),
        };
        table[sym] = (code.reverse_bits() >> (32 - len), len);
        sym += 1;
    }
    table
};

/// Writes one symbol with the fixed codes (distance codes are their five-bit numbers).
#[inline(always)]
fn put_fixed(s: Sym, bits: &mut BitWriter) {
    if s.dist == 0 {
        let (code, len) = FIXED_LIT[usize::from(s.len_or_lit)];
        bits.put(code, len);
    } else {
        let (code, n, value) = length_code(usize::from(s.len_or_lit));
        let (bits_of, len) = FIXED_LIT[code];
        bits.put(bits_of | value << len, len + n);
        let (code, n, value) = distance_code(usize::from(s.dist));
        let reversed = (code as u32).reverse_bits() >> 27;
        bits.put(reversed | value << 5, 5 + n);
    }
}

/// [`length_code`]'s code, by match length (0..=258; below 3 unused), looked up instead of computed:
/// every match is coded twice (counted, then written), ten thousand streams a batch.
static LENGTH_CODES: [u16; MAX_MATCH + 1] = {
    let mut table = [0u16; MAX_MATCH + 1];
    let mut len = MIN_MATCH;
    while len <= MAX_MATCH {
        table[len] = length_code_computed(len).0 as u16;
        len += 1;
    }
    table
};

/// [`distance_code`]'s code for distances 1..=256 (by `dist - 1`), and for larger ones by
/// `(dist - 1) >> 7` (zlib's split: codes above 15 cover whole multiples of 128).
static DISTANCE_CODES: [[u8; 256]; 2] = {
    let mut table = [[0u8; 256]; 2];
    let mut i = 0;
    while i < 256 {
        table[0][i] = distance_code_computed(i + 1).0 as u8;
        if i >= 2 {
            table[1][i] = distance_code_computed((i << 7) + 1).0 as u8;
        }
        i += 1;
    }
    table
};

/// The shortest match length of each length code (257..=285).
static LENGTH_BASE: [u16; 29] = {
    let mut table = [0u16; 29];
    let mut len = MAX_MATCH;
    while len >= MIN_MATCH {
        table[length_code_computed(len).0 - 257] = len as u16;
        len -= 1;
    }
    table
};

/// Deflate's length code (257..=285), its extra bits and their value, for a match length 3..=258.
fn length_code(len: usize) -> (usize, u32, u32) {
    let code = usize::from(LENGTH_CODES[len]);
    let base = usize::from(LENGTH_BASE[code - 257]);
    (code, length_extra_bits(code), (len - base) as u32)
}

/// Deflate's distance code (0..=29), its extra bits and their value, for a distance 1..=32768.
fn distance_code(dist: usize) -> (usize, u32, u32) {
    let x = dist - 1;
    let code = usize::from(if x < 256 {
        DISTANCE_CODES[0][x]
    } else {
        DISTANCE_CODES[1][x >> 7]
    });
    if code < 4 {
        (code, 0, 0)
    } else {
        let extra = code / 2 - 1;
        let base = (2 + (code & 1)) << extra;
        (code, extra as u32, (x - base) as u32)
    }
}

/// [`length_code`], computed (fills [`LENGTH_CODES`] and [`LENGTH_BASE`]).
const fn length_code_computed(len: usize) -> (usize, u32, u32) {
    let x = len - MIN_MATCH;
    if x < 8 {
        (257 + x, 0, 0)
    } else if len == MAX_MATCH {
        (285, 0, 0)
    } else {
        let top = (usize::BITS - 1 - x.leading_zeros()) as usize;
        let extra = top - 2;
        (
            257 + 4 * (top - 1) + ((x >> extra) & 3),
            extra as u32,
            (x & ((1 << extra) - 1)) as u32,
        )
    }
}

/// [`distance_code`], computed (fills [`DISTANCE_CODES`]).
const fn distance_code_computed(dist: usize) -> (usize, u32, u32) {
    let x = dist - 1;
    if x < 4 {
        (x, 0, 0)
    } else {
        let top = (usize::BITS - 1 - x.leading_zeros()) as usize;
        let extra = top - 1;
        (
            2 * top + ((x >> extra) & 1),
            extra as u32,
            (x & ((1 << extra) - 1)) as u32,
        )
    }
}

/// How often each literal/length and distance code occurs in a block.
struct Freq {
    lit: [u32; 286],
    dist: [u32; 30],
}

impl Default for Freq {
    fn default() -> Self {
        Freq {
            lit: [0; 286],
            dist: [0; 30],
        }
    }
}

fn write_block(raw: &[u8], syms: &[Sym], freq: &mut Freq, last: bool, bits: &mut BitWriter) {
    freq.lit[END_OF_BLOCK] += 1;
    let (lit_freq, dist_freq) = (&freq.lit, &freq.dist);
    let mut lit_len = [0u8; 286];
    let mut dist_len = [0u8; 30];
    code_lengths(lit_freq, 15, &mut lit_len);
    code_lengths(dist_freq, 15, &mut dist_len);
    // A decoder needs at least one distance code even when there are no matches.
    if dist_len.iter().all(|&l| l == 0) {
        dist_len[0] = 1;
        dist_len[1] = 1;
    }
    let hlit = 257.max(lit_len.iter().rposition(|&l| l > 0).unwrap_or(0) + 1);
    let hdist = 1.max(dist_len.iter().rposition(|&l| l > 0).unwrap_or(0) + 1);

    // The code lengths of both codes, run-length encoded with symbols 16 (repeat), 17 and 18 (zeros).
    let mut all_buf = [0u8; 286 + 30];
    all_buf[..hlit].copy_from_slice(&lit_len[..hlit]);
    all_buf[hlit..hlit + hdist].copy_from_slice(&dist_len[..hdist]);
    let all = &all_buf[..hlit + hdist];
    let mut rle: Vec<(u8, u8)> = Vec::with_capacity(all.len());
    let mut k = 0;
    while k < all.len() {
        let value = all[k];
        let mut run = 1;
        while k + run < all.len() && all[k + run] == value {
            run += 1;
        }
        let mut left = run;
        if value == 0 {
            while left >= 11 {
                let n = left.min(138);
                rle.push((18, (n - 11) as u8));
                left -= n;
            }
            if left >= 3 {
                rle.push((17, (left - 3) as u8));
                left = 0;
            }
        } else {
            rle.push((value, 0));
            left -= 1;
            while left >= 3 {
                let n = left.min(6);
                rle.push((16, (n - 3) as u8));
                left -= n;
            }
        }
        for _ in 0..left {
            rle.push((value, 0));
        }
        k += run;
    }
    let mut cl_freq = [0u32; 19];
    for &(sym, _) in &rle {
        cl_freq[usize::from(sym)] += 1;
    }
    let mut cl_len = [0u8; 19];
    code_lengths(&cl_freq, 7, &mut cl_len);
    let hclen = 4.max(CL_ORDER.iter().rposition(|&s| cl_len[s] > 0).unwrap_or(0) + 1);

    let lit_codes = canonical_codes(&lit_len);
    let dist_codes = canonical_codes(&dist_len);
    let cl_codes = canonical_codes(&cl_len);

    // Compare with stored blocks: incompressible data must not grow by more than their framing.
    let mut dynamic_bits: u64 = 17 + 3 * hclen as u64;
    for &(sym, _) in &rle {
        dynamic_bits += u64::from(cl_len[usize::from(sym)])
            + match sym {
                16 => 2,
                17 => 3,
                18 => 7,
                _ => 0,
            };
    }
    for (sym, &f) in lit_freq.iter().enumerate() {
        let extra = if sym > 256 {
            u64::from(length_extra_bits(sym))
        } else {
            0
        };
        dynamic_bits += u64::from(f) * (u64::from(lit_len[sym]) + extra);
    }
    for (code, &f) in dist_freq.iter().enumerate() {
        let extra = if code < 4 { 0 } else { (code as u64 - 2) / 2 };
        dynamic_bits += u64::from(f) * (u64::from(dist_len[code]) + extra);
    }
    if stored_bits(raw.len()) < dynamic_bits {
        write_stored(raw, last, bits);
        return;
    }

    bits.put(u32::from(last), 1);
    bits.put(2, 2);
    bits.put((hlit - 257) as u32, 5);
    bits.put((hdist - 1) as u32, 5);
    bits.put((hclen - 4) as u32, 4);
    for &sym in &CL_ORDER[..hclen] {
        bits.put(u32::from(cl_len[sym]), 3);
    }
    for &(sym, extra) in &rle {
        let s = usize::from(sym);
        bits.put(cl_codes[s], u32::from(cl_len[s]));
        match sym {
            16 => bits.put(u32::from(extra), 2),
            17 => bits.put(u32::from(extra), 3),
            18 => bits.put(u32::from(extra), 7),
            _ => {}
        }
    }
    for s in syms {
        if s.dist == 0 {
            let lit = usize::from(s.len_or_lit);
            bits.put(lit_codes[lit], u32::from(lit_len[lit]));
        } else {
            // A code and its extra bits in one put: at most 15 + 5 and 15 + 13 bits.
            let (code, n, value) = length_code(usize::from(s.len_or_lit));
            let bits_of_code = u32::from(lit_len[code]);
            bits.put(lit_codes[code] | value << bits_of_code, bits_of_code + n);
            let (code, n, value) = distance_code(usize::from(s.dist));
            let bits_of_code = u32::from(dist_len[code]);
            bits.put(dist_codes[code] | value << bits_of_code, bits_of_code + n);
        }
    }
    bits.put(lit_codes[END_OF_BLOCK], u32::from(lit_len[END_OF_BLOCK]));
}

const fn length_extra_bits(code: usize) -> u32 {
    match code {
        257..=264 | 285 => 0,
        _ => ((code - 261) / 4) as u32,
    }
}

/// Bits that `len` bytes take as stored blocks: five bytes of framing a block of at most 64 K, and up
/// to seven bits of padding before the first. The bound either Huffman coding must beat.
fn stored_bits(len: usize) -> u64 {
    (len as u64 + 5 * len.div_ceil(65535).max(1) as u64) * 8 + 7
}

fn write_stored(raw: &[u8], last: bool, bits: &mut BitWriter) {
    let mut chunks = raw.chunks(65535).peekable();
    if chunks.peek().is_none() {
        bits.put(u32::from(last), 1);
        bits.put(0, 2);
        bits.align();
        bits.out.extend_from_slice(&[0, 0, 0xFF, 0xFF]);
        return;
    }
    while let Some(chunk) = chunks.next() {
        let final_chunk = last && chunks.peek().is_none();
        bits.put(u32::from(final_chunk), 1);
        bits.put(0, 2);
        bits.align();
        let n = chunk.len() as u16;
        bits.out.extend_from_slice(&n.to_le_bytes());
        bits.out.extend_from_slice(&(!n).to_le_bytes());
        bits.out.extend_from_slice(chunk);
    }
}

/// The largest alphabet: literals and lengths.
const MAX_SYMBOLS: usize = 286;

/// Huffman code lengths for `freq` (at most [`MAX_SYMBOLS`]), none longer than `max_bits`; unused
/// symbols get 0. At least two symbols get a code when any is used, so that every code is complete.
fn code_lengths(freq: &[u32], max_bits: usize, lengths: &mut [u8]) {
    // Scratch arrays sized to the alphabet: zeroing 286-symbol arrays for the 19 code-length symbols
    // and the 30 distances cost more than building their trees.
    match freq.len() {
        0..=19 => code_lengths_in::<19, 38>(freq, max_bits, lengths),
        20..=30 => code_lengths_in::<30, 60>(freq, max_bits, lengths),
        _ => code_lengths_in::<MAX_SYMBOLS, { 2 * MAX_SYMBOLS }>(freq, max_bits, lengths),
    }
}

/// [`code_lengths`] with scratch arrays for `N` symbols (`M` = 2 `N` tree nodes).
fn code_lengths_in<const N: usize, const M: usize>(
    freq: &[u32],
    max_bits: usize,
    lengths: &mut [u8],
) {
    let mut used = [0u16; N];
    let mut weights = [0u64; N];
    let mut n = 0;
    for (s, &f) in freq.iter().enumerate().take(N) {
        if f > 0 {
            used[n] = s as u16;
            weights[n] = u64::from(f);
            n += 1;
        }
    }
    match n {
        0 => return,
        1 => {
            let only = usize::from(used[0]);
            lengths[only] = 1;
            lengths[if only == 0 { 1 } else { 0 }] = 1;
            return;
        }
        _ => {}
    }
    let mut depths = [0u8; N];
    // Too deep a tree (rare: it takes Fibonacci-like frequencies) is rebuilt from halved weights, which
    // flattens it; all weights equal gives a balanced tree, within the limit for deflate's alphabets.
    loop {
        huffman_depths::<N, M>(&weights[..n], &mut depths[..n]);
        if depths[..n].iter().all(|&d| usize::from(d) <= max_bits) {
            for (&s, &d) in used[..n].iter().zip(&depths[..n]) {
                lengths[usize::from(s)] = d;
            }
            return;
        }
        for w in &mut weights[..n] {
            *w = w.div_ceil(2);
        }
    }
}

/// The depth of each leaf in a Huffman tree over `weights` (2 to [`MAX_SYMBOLS`] of them).
fn huffman_depths<const N: usize, const M: usize>(weights: &[u64], out: &mut [u8]) {
    let n = weights.len();
    // Leaves by ascending weight (ties by position: the output must be deterministic).
    // Sorted as one integer each, weight above index (weights stay far below 2^48: at most
    // BLOCK_SYMBOLS + 1 symbols a block): a third of the time of sorting by a (weight, index) key.
    let mut keys = [0u64; N];
    for (i, (key, &w)) in keys[..n].iter_mut().zip(weights).enumerate() {
        *key = w << 16 | i as u64;
    }
    keys[..n].sort_unstable();
    let mut order = [0u16; N];
    for (slot, &key) in order[..n].iter_mut().zip(&keys[..n]) {
        *slot = (key & 0xFFFF) as u16;
    }
    // Two queues: leaves in order, internal nodes in the order made (their weights never decrease).
    // Nodes 0..n are the sorted leaves, n.. the internal nodes; `parent` links them.
    let mut weight = [0u64; M];
    for (slot, &i) in weight.iter_mut().zip(&order[..n]) {
        *slot = weights[usize::from(i)];
    }
    let mut parent = [0u16; M];
    let (mut next_leaf, mut next_node, mut made) = (0, n, n);
    for _ in 0..n - 1 {
        let mut pick = |weight: &[u64], made: usize| {
            if next_leaf < n && (next_node >= made || weight[next_leaf] <= weight[next_node]) {
                next_leaf += 1;
                next_leaf - 1
            } else {
                next_node += 1;
                next_node - 1
            }
        };
        let a = pick(&weight, made);
        let b = pick(&weight, made);
        weight[made] = weight[a] + weight[b];
        parent[a] = made as u16;
        parent[b] = made as u16;
        made += 1;
    }
    // The root (the last node) has depth 0; every parent comes after its children.
    let mut depth = [0u8; M];
    for node in (0..2 * n - 2).rev() {
        depth[node] = depth[usize::from(parent[node])].saturating_add(1);
    }
    for (sorted, &i) in order[..n].iter().enumerate() {
        out[usize::from(i)] = depth[sorted];
    }
}

/// Canonical Huffman codes (RFC 1951 §3.2.2), bit-reversed for the LSB-first bit stream.
fn canonical_codes(lengths: &[u8]) -> [u32; MAX_SYMBOLS] {
    let mut count = [0u32; 16];
    for &l in lengths {
        count[usize::from(l)] += 1;
    }
    count[0] = 0;
    let mut next = [0u32; 16];
    let mut code = 0;
    for bits in 1..16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    let mut codes = [0u32; MAX_SYMBOLS];
    for (code, &l) in codes.iter_mut().zip(lengths) {
        if l > 0 {
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            *code = c.reverse_bits() >> (32 - u32::from(l));
        }
    }
    codes
}

/// Bits into bytes, least significant bit first (RFC 1951 §3.1.1).
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += count;
        if self.n >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.n -= 32;
        }
    }

    fn align(&mut self) {
        while self.n > 0 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n = self.n.saturating_sub(8);
        }
        self.acc = 0;
    }

    fn finish(mut self) -> Vec<u8> {
        self.align();
        self.out
    }
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that cannot overflow `b` before the modulo.
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    b << 16 | a
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn inflate(z: &[u8]) -> Vec<u8> {
        miniz_oxide::inflate::decompress_to_vec_zlib(z).expect("a valid zlib stream")
    }

    #[test]
    fn round_trips_edge_cases() {
        let mut cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"a".to_vec(),
            b"ab".to_vec(),
            b"abc".to_vec(),
            vec![0; 1000],
            vec![7; 100_000],
            b"49 744 6 191 re\n58 744 3 191 re\n67 744 3 191 re\n".repeat(40),
        ];
        // Pseudo-random bytes: incompressible, so stored blocks; past 64 KB, several of them.
        let mut x: u32 = 1;
        cases.push(
            (0..200_000)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8
                })
                .collect(),
        );
        // Small and incompressible: the fixed codes (9 bits for most bytes) lose to a stored block.
        cases.push(
            (0..3000)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8 | 0x80
                })
                .collect(),
        );
        // Text longer than the window, with repeats further back than it, and more than one block.
        let text: Vec<u8> = (0..60_000u32)
            .flat_map(|i| format!("{} {} re\n", i % 977, i % 13).into_bytes())
            .collect();
        cases.push(text);
        for data in cases {
            let z = zlib(&data);
            assert_eq!(inflate(&z), data, "length {}", data.len());
            let bound = data.len() + 6 + 5 * (data.len() / BLOCK_SYMBOLS + 1) + 1;
            assert!(z.len() <= bound, "{} bytes from {}", z.len(), data.len());
        }
    }

    /// `data` zlib-compressed by miniz_oxide at its fastest level, with its fixed codes or not.
    fn miniz_fastest(data: &[u8], fixed: bool) -> usize {
        use miniz_oxide::deflate::core::{
            compress_to_output, create_comp_flags_from_zip_params, deflate_flags, CompressorOxide,
            TDEFLFlush,
        };
        let mut flags = create_comp_flags_from_zip_params(1, 15, 0);
        if fixed {
            flags |= deflate_flags::TDEFL_FORCE_ALL_STATIC_BLOCKS;
        }
        let mut compressor = CompressorOxide::new(flags);
        let mut out = 0;
        compress_to_output(&mut compressor, data, TDEFLFlush::Finish, |chunk| {
            out += chunk.len();
            true
        });
        out
    }

    #[test]
    fn compresses_a_content_stream_like_zlib_does() {
        let lines = |n: u32| -> Vec<u8> {
            (0..n)
                .flat_map(|i| {
                    format!("{} 25 {} 191 re\n", 49 + i * 9 % 500, 3 + i % 4 * 3).into_bytes()
                })
                .collect()
        };
        // A label-sized stream goes with the fixed codes: compare with zlib's fixed codes.
        let page = lines(80);
        assert!(page.len() <= FIXED_CODES_UP_TO);
        let (ours, fastest) = (zlib(&page).len(), miniz_fastest(&page, true));
        assert!(ours <= fastest * 11 / 10, "{ours} bytes against {fastest}");
        // A larger one gets its own codes: compare with zlib's fastest level.
        let big = lines(2000);
        assert!(big.len() > FIXED_CODES_UP_TO);
        let (ours, fastest) = (zlib(&big).len(), miniz_fastest(&big, false));
        assert!(ours <= fastest * 11 / 10, "{ours} bytes against {fastest}");
    }

    #[test]
    fn checksum_matches_the_definition() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(&[]), 1);
    }

    #[test]
    fn length_and_distance_codes_follow_the_tables() {
        assert_eq!(length_code(3), (257, 0, 0));
        assert_eq!(length_code(10), (264, 0, 0));
        assert_eq!(length_code(11), (265, 1, 0));
        assert_eq!(length_code(13), (266, 1, 0));
        assert_eq!(length_code(257), (284, 5, 30));
        assert_eq!(length_code(258), (285, 0, 0));
        assert_eq!(distance_code(1), (0, 0, 0));
        assert_eq!(distance_code(5), (4, 1, 0));
        assert_eq!(distance_code(8), (5, 1, 1));
        assert_eq!(distance_code(32768), (29, 13, 8191));
        for len in 3..=258 {
            let (code, extra, _) = length_code(len);
            assert_eq!(length_extra_bits(code), extra, "length {len}");
            assert_eq!(length_code(len), length_code_computed(len), "length {len}");
        }
        for dist in 1..=32768 {
            assert_eq!(
                distance_code(dist),
                distance_code_computed(dist),
                "distance {dist}"
            );
        }
    }

    #[test]
    fn skewed_frequencies_keep_codes_within_the_limit() {
        // Fibonacci frequencies make the deepest possible Huffman tree.
        let mut freq = [0u32; 30];
        let (mut a, mut b) = (1u32, 1u32);
        for f in freq.iter_mut() {
            *f = a;
            (a, b) = (b, a.saturating_add(b));
        }
        let mut lengths = [0u8; 30];
        code_lengths(&freq, 7, &mut lengths);
        assert!(lengths.iter().all(|&l| (1..=7).contains(&l)));
        let kraft: u32 = lengths.iter().map(|&l| 1 << (7 - l)).sum();
        assert_eq!(kraft, 1 << 7, "a complete code");
    }

    proptest! {
        #[test]
        fn any_bytes_round_trip(data in proptest::collection::vec(0u8..8, 0..5000)) {
            prop_assert_eq!(inflate(&zlib(&data)), data);
        }
    }
}
