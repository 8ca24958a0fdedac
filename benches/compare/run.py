#!/usr/bin/env python3
"""Side by side: 10,000 Ozon labels, JSON in -> one PDF out, shiplabel against ReportLab.

usage: python3 benches/compare/run.py [--labels N] [--runs R] [--no-build] [--png] [--keep DIR]

Builds the release binary (cargo build --release), generates N postings with gen_postings.py, then runs
shiplabel and ReportLab (reportlab_labels.py) alternately R times each under /usr/bin/time -v, and prints
the medians and ranges of wall time, CPU time (user + sys), peak RSS and file size, with the ratios. The
two programs run one after the other in the same run, so a busy machine slows both; the load average at
the start and the end is printed so a reader can tell an idle run from a loaded one.

--png also renders the same postings to a folder of 203-dpi PNGs (one per label) with shiplabel.
Needs: python3, /usr/bin/time (GNU time), cargo, `pip install reportlab`. The label font for ReportLab is
the repository's fonts/DejaVuSans.ttf, the one shiplabel embeds.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# A fixed "now" keeps the passport gate's verdicts (and so the set of labels) the same on any day.
NOW = "2026-11-01T00:00:00Z"
MIB = 1024 * 1024


def timed(cmd, out_path):
    """Runs cmd under GNU time; returns wall s, cpu s, peak RSS bytes, output size bytes."""
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    fields = {}
    for line in proc.stderr.splitlines():
        key, sep, value = line.strip().rpartition(": ")
        if sep:
            fields[key] = value
    wall = 0.0
    for part in fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
        wall = wall * 60 + float(part)
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    rss = int(fields["Maximum resident set size (kbytes)"]) * 1024
    if os.path.isdir(out_path):
        size = sum(e.stat().st_size for e in os.scandir(out_path))
    else:
        size = os.path.getsize(out_path)
    return wall, cpu, rss, size


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def spread(values, fmt):
    med = statistics.median(values)
    return f"{fmt(med)} ({fmt(min(values))}–{fmt(max(values))})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/shiplabel")
    ap.add_argument("--png", action="store_true", help="also time shiplabel to a folder of PNGs")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep the files")
    args = ap.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "shiplabel"], cwd=ROOT,
                       check=True)
    binary = os.path.join(ROOT, "target", "release", "shiplabel")
    font = os.path.join(ROOT, "fonts", "DejaVuSans.ttf")
    work = args.keep or tempfile.mkdtemp(prefix="shiplabel-compare-")
    os.makedirs(work, exist_ok=True)
    postings = os.path.join(work, "postings.json")
    with open(postings, "w") as f:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_postings.py"), str(args.labels)],
                       stdout=f, check=True)
    ours_pdf = os.path.join(work, "shiplabel.pdf")
    theirs_pdf = os.path.join(work, "reportlab.pdf")
    png_dir = os.path.join(work, "png") + os.sep
    programs = {
        "shiplabel": ([binary, "render", postings, "-o", ours_pdf, "--now", NOW], ours_pdf),
        "reportlab": ([sys.executable, os.path.join(HERE, "reportlab_labels.py"), postings, theirs_pdf,
                       font], theirs_pdf),
    }
    if args.png:
        programs["shiplabel png"] = ([binary, "render", postings, "-o", png_dir, "--now", NOW], png_dir)

    load_before = load()
    results = {name: [] for name in programs}
    for _ in range(args.runs):
        for name, (cmd, out) in programs.items():
            if name == "shiplabel png":
                shutil.rmtree(png_dir, ignore_errors=True)
            results[name].append(timed(cmd, out))
    load_after = load()

    def column(name, i):
        return [r[i] for r in results[name]]

    print(f"{args.labels} postings ({os.path.getsize(postings) / 1e6:.1f} MB JSON), {args.runs} runs each, "
          f"alternating; {os.cpu_count()} cores; load average {load_before} before, {load_after} after")
    print()
    print("| | wall s | CPU s (user+sys) | peak RSS MiB | output MB |")
    print("|---|---|---|---|---|")
    for name in programs:
        print(f"| {name} | {spread(column(name, 0), lambda v: f'{v:.2f}')} "
              f"| {spread(column(name, 1), lambda v: f'{v:.2f}')} "
              f"| {spread(column(name, 2), lambda v: f'{v / MIB:.1f}')} "
              f"| {statistics.median(column(name, 3)) / 1e6:.2f} |")
    print()
    ours, theirs = "shiplabel", "reportlab"
    # Ratios of the medians; a wall or CPU time below the clock's 10 ms resolution counts as 10 ms.
    med = {(n, i): max(statistics.median(column(n, i)), 0.01) for n in programs for i in range(4)}
    wall_x = med[theirs, 0] / med[ours, 0]
    cpu_x = med[theirs, 1] / med[ours, 1]
    rss = med[ours, 2] / MIB
    print(f"shiplabel against ReportLab: {wall_x:.0f}× faster (wall), {cpu_x:.0f}× less CPU, "
          f"{100 * med[ours, 2] / med[theirs, 2]:.0f} % of the memory ({rss:.1f} MiB), "
          f"{100 * med[ours, 3] / med[theirs, 3]:.0f} % of the file size")
    if args.png:
        print(f"PNG folder: {args.labels} labels at 203 dpi in {statistics.median(column('shiplabel png', 0)):.2f} s "
              f"wall, {statistics.median(column('shiplabel png', 1)):.2f} s CPU")
    verdict = "met" if wall_x >= 60 and cpu_x >= 60 and rss <= 50 else "NOT met"
    print(f"target (≥ 60× wall and CPU, ≤ 50 MiB): {verdict}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
