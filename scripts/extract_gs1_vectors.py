#!/usr/bin/env python3
"""Extract the GS1 element-string test vectors of two peers into tests/data/gs1_peer_vectors.json.

Sources (their test tables, read from a checkout):
  - GS1 Barcode Syntax Engine (github.com/gs1/gs1-syntax-engine, Apache-2.0): src/c-lib/ai.c, the tests of
    gs1_parseAIdata, gs1_processAIdata, the linter table, the error mark-up and validateAIs (repeats,
    mutually exclusive, requisite AIs).
  - zint (github.com/zint/zint, BSD-3-Clause): backend/tests/test_gs1.c, the tables of test_gs1_verify and
    test_gs1_lint.

Every vector keeps the peer's input and verdict, and gets the input in shiplabel's forms:
  - bracketed "[01]…" (zint) becomes parenthesised "(01)…", a "(" inside a value written "\\(";
  - "^01…" (FNC1 written as a caret: zint's caret mode, the engine's processAIdata) becomes the raw element
    string with GS (0x1D) for every FNC1 after the first (the first is the symbology's, not data);
  - zint's GS1RAW_MODE input is already the raw element string.
"checks" says which rules the peer applied: "elements" (each AI and value on its own) or one association rule
("repeats", "exclusive", "requisite", "digsig"), so our verdict is taken on the same rules.

Usage:
    python3 scripts/extract_gs1_vectors.py --engine ENGINE_CHECKOUT --engine-commit SHA \\
        --zint ZINT_CHECKOUT --zint-commit SHA
"""

import argparse
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "data", "gs1_peer_vectors.json")

C_STRING = r'"(?:[^"\\\n]|\\.)*"'


def c_unescape(literals):
    """Concatenated C string literals (each with its quotes) → bytes."""
    out = bytearray()
    for lit in re.findall(C_STRING, literals):
        body = lit[1:-1]
        i = 0
        while i < len(body):
            c = body[i]
            if c != "\\":
                out += c.encode("utf-8")
                i += 1
                continue
            n = body[i + 1]
            if n in "01234567":
                m = re.match(r"[0-7]{1,3}", body[i + 1:])
                out.append(int(m.group(0), 8))
                i += 1 + len(m.group(0))
            elif n == "x":
                m = re.match(r"[0-9A-Fa-f]+", body[i + 2:])
                out.append(int(m.group(0), 16) & 0xFF)
                i += 2 + len(m.group(0))
            else:
                out += {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\", '"': b'"', "'": b"'", "?": b"?"}.get(
                    n, n.encode()
                )
                i += 2
    return bytes(out)


def text(b):
    return b.decode("utf-8", errors="replace")


def from_brackets(s):
    """zint's "[01]…[10]…" → "(01)…(10)…": literal '(' in values escaped as "\\(", brackets become parentheses."""
    out = []
    depth = 0
    for c in s:
        if c == "[":
            out.append("(")
            depth += 1
        elif c == "]":
            out.append(")")
            depth -= 1
        elif c == "(":
            out.append("\\(")
        else:
            out.append(c)
    return "".join(out)


def from_caret(s):
    """"^01…^10…" → the raw element string: the first FNC1 dropped, the others GS."""
    return s[1:].replace("^", "\x1d") if s.startswith("^") else s.replace("^", "\x1d")


def engine_vectors(path):
    src = open(path, encoding="utf-8").read()
    vectors = []

    def add(fn, line, valid, checks, peer_input, ours):
        vectors.append(
            {
                "source": "gs1-syntax-engine",
                "where": "src/c-lib/ai.c:%d %s" % (line, fn),
                "checks": checks,
                "valid": valid,
                "peer_input": peer_input,
                "input": ours,
            }
        )

    lines = src.split("\n")
    rules = {"validateAIrepeats": "repeats", "validateAImutex": "exclusive", "validateAIrequisites": "requisite", "validateDigSigRequiresSerialisedKey": "digsig"}
    for no, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        m = re.match(r"\s*test_parseAIdata\((true|false),\s*(" + C_STRING + r"(?:\s*" + C_STRING + r")*)", line)
        if m:
            d = text(c_unescape(m.group(2)))
            add("test_parseAIdata", no, m.group(1) == "true", "elements", d, d)
            continue
        m = re.match(r"\s*test_processAIdata\((true|false),\s*(" + C_STRING + r"(?:\s*" + C_STRING + r")*)\)", line)
        if m:
            d = text(c_unescape(m.group(2)))
            add("test_processAIdata", no, m.group(1) == "true", "elements", d, from_caret(d))
            continue
        m = re.match(r"\s*test_validateAIs\((true|false),\s*(\w+),\s*(" + C_STRING + r")", line)
        if m:
            d = text(c_unescape(m.group(3)))
            add("test_validateAIs/" + m.group(2), no, m.group(1) == "true", rules[m.group(2)], d, d)
            continue
        m = re.match(r"\s*\{\s*(" + C_STRING + r"),\s*(GS1_LINTER_\w+)\s*\},", line)
        if m:
            d = text(c_unescape(m.group(1)))
            add("test_ai_linters", no, m.group(2) == "GS1_LINTER_OK", "elements", d, d)
            continue
        m = re.match(r"\s*test_errMarkup\((" + C_STRING + r"),", line)
        if m:
            d = text(c_unescape(m.group(1)))
            add("test_errMarkup", no, False, "elements", d, d)
    return vectors


def zint_vectors(path):
    src = open(path, encoding="utf-8").read()
    vectors = []
    for fn in ("test_gs1_verify", "test_gs1_lint"):
        start = src.index("static void %s(" % fn)
        body = src[start : src.index("const int data_size", start)]
        first_line = src[:start].count("\n") + 1
        for m in re.finditer(
            r"/\*\s*(\d+)\*/ \{ (-1|GS1RAW_MODE), ((?:" + C_STRING + r"\s*)+), (\w+),", body
        ):
            mode, raw, ret = m.group(2), c_unescape(m.group(3)), m.group(4)
            d = text(raw)
            if mode == "GS1RAW_MODE":
                ours = d
            elif d.startswith("["):
                ours = from_brackets(d)
            elif d.startswith("^"):
                ours = from_caret(d)
            else:
                ours = d
            line = first_line + body[: m.start()].count("\n")
            vectors.append(
                {
                    "source": "zint",
                    "where": "backend/tests/test_gs1.c:%d %s #%s%s" % (line, fn, m.group(1), " GS1RAW_MODE" if mode != "-1" else ""),
                    "checks": "elements",
                    "valid": ret == "0",
                    "peer_input": d,
                    "input": ours,
                }
            )
    return vectors


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", required=True)
    p.add_argument("--engine-commit", required=True)
    p.add_argument("--zint", required=True)
    p.add_argument("--zint-commit", required=True)
    a = p.parse_args()
    engine = engine_vectors(os.path.join(a.engine, "src", "c-lib", "ai.c"))
    zint = zint_vectors(os.path.join(a.zint, "backend", "tests", "test_gs1.c"))
    doc = {
        "about": "GS1 element strings with the verdicts of two peers' test suites, extracted by "
        "scripts/extract_gs1_vectors.py; checked by tests/barcode_gs1_vectors.rs.",
        "sources": [
            {
                "name": "gs1-syntax-engine",
                "repository": "https://github.com/gs1/gs1-syntax-engine",
                "commit": a.engine_commit,
                "file": "src/c-lib/ai.c",
                "licence": "Apache-2.0, Copyright (c) 2021-2026 GS1 AISBL",
                "vectors": len(engine),
            },
            {
                "name": "zint",
                "repository": "https://github.com/zint/zint",
                "commit": a.zint_commit,
                "file": "backend/tests/test_gs1.c",
                "licence": "BSD-3-Clause, Copyright (C) 2019-2026 Robin Stuart <rstuart114@gmail.com>",
                "vectors": len(zint),
            },
        ],
    }
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("{\n")
        for k in ("about", "sources"):
            f.write("  %s: %s,\n" % (json.dumps(k), json.dumps(doc[k], ensure_ascii=False)))
        f.write('  "vectors": [\n')
        allv = engine + zint
        for i, v in enumerate(allv):
            f.write("    " + json.dumps(v, ensure_ascii=False) + ("," if i + 1 < len(allv) else "") + "\n")
        f.write("  ]\n}\n")
    print("%s: %d engine + %d zint vectors" % (os.path.relpath(OUT, ROOT), len(engine), len(zint)))


if __name__ == "__main__":
    main()
