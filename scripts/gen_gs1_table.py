#!/usr/bin/env python3
"""Generate src/barcode/gs1/table.rs from GS1's Barcode Syntax Dictionary.

The dictionary (data/gs1/gs1-syntax-dictionary.txt, Apache-2.0, see data/gs1/README.md) describes every GS1
application identifier: its components, their character sets and lengths, the linters that check their content,
and the association rules between AIs (req=, ex=). The code lists some linters need (ISO 3166, ISO 4217, package
types, AIDC media types) live in data/gs1/lists/, one code a line.

When GS1 publishes a new edition:

    # 1. take the release from a checkout of github.com/gs1/gs1-syntax-dictionary
    cp CHECKOUT/gs1-syntax-dictionary.txt data/gs1/
    # 2. refresh the code lists from the same checkout's linter sources
    python3 scripts/gen_gs1_table.py --lists-from CHECKOUT
    # 3. regenerate the Rust table
    python3 scripts/gen_gs1_table.py

Step 3 alone reads only files of this repository and always writes the same output for the same input.
"""

import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DICT = os.path.join(ROOT, "data", "gs1", "gs1-syntax-dictionary.txt")
LISTS = os.path.join(ROOT, "data", "gs1", "lists")
OUT = os.path.join(ROOT, "src", "barcode", "gs1", "table.rs")

# Linter name in the dictionary → variant of `Lint` in src/barcode/gs1/lint.rs.
LINTS = {
    "csum": "Csum",
    "csumalpha": "CsumAlpha",
    "gcppos1": "GcpPos1",
    "gcppos2": "GcpPos2",
    "yymmd0": "YyMmD0",
    "yymmdd": "YyMmDd",
    "yyyymmd0": "YyyyMmD0",
    "yyyymmdd": "YyyyMmDd",
    "hh": "Hh",
    "mi": "Mi",
    "ss": "Ss",
    "hhmi": "HhMi",
    "iso3166": "Iso3166",
    "iso3166999": "Iso3166Or999",
    "iso3166alpha2": "Iso3166Alpha2",
    "iso4217": "Iso4217",
    "iso5218": "Iso5218",
    "iban": "Iban",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "mediatype": "MediaType",
    "nonzero": "NonZero",
    "nozeroprefix": "NoZeroPrefix",
    "zero": "Zero",
    "packagetype": "PackageType",
    "pcenc": "PercentEncoded",
    "pieceoftotal": "PieceOfTotal",
    "posinseqslash": "PositionInSequence",
    "winding": "Winding",
    "yesno": "YesNo",
    "hyphen": "Hyphen",
    "importeridx": "ImporterIndex",
    "hasnondigit": "HasNonDigit",
    "couponcode": "CouponCode",
    "couponposoffer": "CouponPositiveOffer",
}

CSETS = {"N": "Numeric", "X": "Cset82", "Y": "Cset39", "Z": "Cset64"}

# Code lists: file name, linter source, how an index of the bit field becomes a code.
BITFIELD_LISTS = {
    "iso3166.txt": ("lint_iso3166.c", lambda i: "%03d" % i),
    "iso4217.txt": ("lint_iso4217.c", lambda i: "%03d" % i),
    "iso3166alpha2.txt": ("lint_iso3166alpha2.c", lambda i: chr(65 + i // 26) + chr(65 + i % 26)),
    "mediatype.txt": ("lint_mediatype.c", lambda i: "%02d" % i),
}


def extract_lists(checkout):
    """Write data/gs1/lists/*.txt from the bit fields and arrays of the dictionary's linter sources."""
    os.makedirs(LISTS, exist_ok=True)
    for name, (source, code) in BITFIELD_LISTS.items():
        text = open(os.path.join(checkout, "src", source), encoding="utf-8").read()
        # The C23 branch spells the bit field as binary literals, most significant bit first.
        c23 = text.split("#if __STDC_VERSION__ >= 202311L", 1)[1].split("#else", 1)[0]
        bits = "".join(re.findall(r"0b([01]+)", c23))
        codes = [code(i) for i, b in enumerate(bits) if b == "1"]
        write_list(name, source, codes)
    text = open(os.path.join(checkout, "src", "lint_packagetype.c"), encoding="utf-8").read()
    array = re.split(r"packagetypes\[\]\S* = \{", text, maxsplit=1)[1].split("};", 1)[0]
    codes = re.findall(r'"([0-9A-Z]+)"', array)
    write_list("packagetype.txt", "lint_packagetype.c", codes)


def write_list(name, source, codes):
    with open(os.path.join(LISTS, name), "w", encoding="utf-8") as f:
        f.write("# Extracted by scripts/gen_gs1_table.py from src/%s of gs1/gs1-syntax-dictionary (Apache-2.0)\n" % source)
        for c in codes:
            f.write(c + "\n")
    print("%s: %d codes" % (name, len(codes)))


def read_list(name):
    with open(os.path.join(LISTS, name), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def parse_component(token):
    """'N13,csum,gcppos1' or '[N3],iso3166' or '[X..17]' → (cset, min, max, optional, lints)."""
    optional = token.startswith("[")
    if optional:
        close = token.index("]")
        token = token[1:close] + token[close + 1:]
    kind, *lints = token.split(",")
    m = re.fullmatch(r"([NXYZ])(\.\.)?(\d+)", kind)
    if not m:
        sys.exit("unreadable component %r" % token)
    cset, variable, n = m.group(1), m.group(2), int(m.group(3))
    for lint in lints:
        if lint not in LINTS:
            sys.exit("linter %r is not implemented: add it to src/barcode/gs1/lint.rs and LINTS" % lint)
    return (CSETS[cset], 1 if variable else n, n, optional, lints)


def parse_dictionary():
    release = None
    entries = []
    for line in open(DICT, encoding="utf-8"):
        m = re.match(r"#\s*Release:\s*(\S+)", line)
        if m:
            release = m.group(1)
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        body, _, title = line.partition("#")
        title = title.strip()
        tokens = body.split()
        ais = tokens.pop(0)
        flags = ""
        if tokens and re.fullmatch(r"[*!?\"$%&'()+,\-./:;<=>@\[\\\]^_`{|}~]+", tokens[0]) and not tokens[0].startswith("["):
            flags = tokens.pop(0)
        components, attrs = [], []
        for t in tokens:
            if re.match(r"\[?[NXYZ](\.\.)?\d", t):
                components.append(parse_component(t))
            else:
                attrs.append(t)
        req, ex = [], []
        for a in attrs:
            key, _, value = a.partition("=")
            if key == "req":
                req.append([alt.split("+") for alt in value.split(",")])
            elif key == "ex":
                ex.extend(value.split(","))
            elif key in ("dlpkey",):
                pass
            else:
                sys.exit("unknown attribute %r in %r" % (a, line))
        if "-" in ais:
            lo, hi = ais.split("-")
            width = len(lo)
            ai_list = ["%0*d" % (width, n) for n in range(int(lo), int(hi) + 1)]
        else:
            ai_list = [ais]
        for ai in ai_list:
            entries.append((ai, "*" in flags, components, req, ex, title))
    return release, entries


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate():
    release, entries = parse_dictionary()
    out = []
    w = out.append
    w("// @generated by scripts/gen_gs1_table.py from data/gs1/gs1-syntax-dictionary.txt")
    w("// (GS1 Barcode Syntax Dictionary, release %s, Apache-2.0) and data/gs1/lists/. Do not edit: rerun the script." % release)
    w("")
    w("use super::lint::Lint;")
    w("use super::spec::{AiSpec, Cset, Part};")
    w("")
    w("/// The dictionary release this table was generated from.")
    w("pub const RELEASE: &str = %s;" % rust_str(release))
    w("")
    w("/// Every application identifier of the dictionary, ranges expanded, in the dictionary's (lexical) order.")
    w("pub static AIS: &[AiSpec] = &[")
    for ai, predefined, components, req, ex, title in entries:
        parts = []
        for cset, lo, hi, optional, lints in components:
            lint_list = ", ".join("Lint::" + LINTS[l] for l in lints)
            parts.append(
                "Part { cset: Cset::%s, min: %d, max: %d, optional: %s, lints: &[%s] }"
                % (cset, lo, hi, "true" if optional else "false", lint_list)
            )
        req_rs = ", ".join(
            "&[" + ", ".join("&[" + ", ".join(rust_str(p) for p in alt) + "]" for alt in rule) + "]" for rule in req
        )
        ex_rs = ", ".join(rust_str(e) for e in ex)
        w("    AiSpec {")
        w("        ai: %s," % rust_str(ai))
        w("        predefined_length: %s," % ("true" if predefined else "false"))
        w("        parts: &[%s]," % ", ".join(parts))
        w("        req: &[%s]," % req_rs)
        w("        ex: &[%s]," % ex_rs)
        w("        title: %s," % rust_str(title))
        w("    },")
    w("];")
    for name, const, numeric in [
        ("iso3166.txt", "ISO3166", True),
        ("iso3166alpha2.txt", "ISO3166_ALPHA2", False),
        ("iso4217.txt", "ISO4217", True),
        ("mediatype.txt", "MEDIA_TYPES", True),
        ("packagetype.txt", "PACKAGE_TYPES", False),
    ]:
        codes = sorted(read_list(name))
        w("")
        w("/// From data/gs1/lists/%s, sorted (binary search)." % name)
        if numeric:
            w("pub static %s: &[u16] = &[" % const)
            line = "   "
            for c in codes:
                item = " %d," % int(c)
                if len(line) + len(item) > 116:
                    w(line)
                    line = "   "
                line += item
            w(line)
        else:
            w("pub static %s: &[&str] = &[" % const)
            line = "   "
            for c in codes:
                item = " %s," % rust_str(c)
                if len(line) + len(item) > 116:
                    w(line)
                    line = "   "
                line += item
            w(line)
        w("];")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("%s: %d AIs from release %s" % (os.path.relpath(OUT, ROOT), len(entries), release))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lists-from", metavar="CHECKOUT", help="refresh data/gs1/lists/ from a gs1-syntax-dictionary checkout")
    args = p.parse_args()
    if args.lists_from:
        extract_lists(args.lists_from)
    else:
        generate()


if __name__ == "__main__":
    main()
