#!/usr/bin/env python3
"""Collect the runs recorded by run.sh into results.md and results.json.

    report.py DIR

Reads DIR/runs/rows.tsv (section, name, time file, score file, exit code, output
file, input file, note), the `/usr/bin/time -v` reports and the scorer JSON files,
prints the Markdown tables to stdout and writes DIR/results.md and DIR/results.json.
"""
import json
import os
import re
import sys


def parse_time_v(path):
    """wall, user+sys seconds and peak RSS (KiB) from a GNU time -v report."""
    res = {}
    try:
        txt = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return res
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", txt)
    if m:
        secs = 0.0
        for part in m.group(1).split(":"):
            secs = secs * 60 + float(part)
        res["wall_s"] = secs
    u = re.search(r"User time \(seconds\): ([\d.]+)", txt)
    s = re.search(r"System time \(seconds\): ([\d.]+)", txt)
    if u and s:
        res["cpu_s"] = float(u.group(1)) + float(s.group(1))
    try:
        # run.sh's own clock (microseconds) is finer than time -v's centiseconds
        res["wall_s"] = int(open(path + ".wall_us").read().strip()) / 1e6
    except (OSError, ValueError):
        pass
    try:
        res["load_before"] = float(open(path + ".load").read().strip())
    except (OSError, ValueError):
        pass
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", txt)
    if m:
        res["peak_rss_mb"] = int(m.group(1)) / 1024
    return res


def count_lines(path):
    n = 0
    try:
        with open(path, "rb") as f:
            for line in f:
                n += bool(line.strip())
    except OSError:
        return None
    return n


def fmt(v, spec, scale=1.0):
    if v is None:
        return "-"
    return format(v * scale, spec)


def fmt_wall(v):
    if v is None:
        return "-"
    return format(v, ".3f") if v < 10 else format(v, ".1f")


def main():
    d = sys.argv[1]
    rows = []
    with open(os.path.join(d, "runs", "rows.tsv"), encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            section, name, tfile, sfile, rc, out, inp, note = (line.rstrip("\n").split("\t") + [""] * 8)[:8]
            r = {"section": section, "tool": name, "exit_code": int(rc) if rc.lstrip("-").isdigit() else None, "note": note}
            r.update(parse_time_v(tfile) if tfile else {})
            in_bytes = os.path.getsize(inp) if inp and os.path.exists(inp) else None
            r["input_bytes"] = in_bytes
            if in_bytes and r.get("wall_s") and r["exit_code"] == 0:
                r["mb_per_s"] = in_bytes / 1e6 / r["wall_s"] if r["wall_s"] > 0 else None
            if inp and section != "floor":
                r["docs_in"] = count_lines(inp)
            if out and section != "floor":
                r["docs_out"] = count_lines(out)
            if sfile and os.path.exists(sfile) and os.path.getsize(sfile) > 0:
                try:
                    r["score"] = json.loads(open(sfile, encoding="utf-8").read().strip().splitlines()[-1])
                except (ValueError, IndexError) as e:
                    r["score_error"] = f"{sfile}: {e}"
            py = sfile[: -len(".score.json")] + ".pyscore.json" if sfile.endswith(".score.json") else ""
            if py and os.path.exists(py) and os.path.getsize(py) > 0:
                try:
                    r["score_py"] = json.loads(open(py, encoding="utf-8").read().strip().splitlines()[-1])
                except (ValueError, IndexError):
                    pass
            rows.append(r)

    md = []
    synth = [r for r in rows if r["section"] in ("synthetic", "floor")]
    real = [r for r in rows if r["section"] == "real"]
    if synth:
        md.append("### Synthetic corpus (labelled; same scorer for every row)\n")
        has_py = any("score_py" in r for r in synth)
        extra_h = " F1 (py) | lost % (py) |" if has_py else ""
        md.append("| tool | wall s | CPU s | peak RSS MB | MB/s | P | R | F1 | article lost % |" + extra_h + " docs out | note |")
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if has_py else "") + "---:|---|")
        for r in synth:
            sc = r.get("score") or {}
            note = r["note"]
            if r["exit_code"] not in (0, None):
                note = f"FAILED exit {r['exit_code']}; " + note
            if r.get("score_error"):
                note += " score error"
            docs = f"{r['docs_out']}/{r['docs_in']}" if r.get("docs_out") is not None and r.get("docs_in") else "-"
            md.append(
                f"| {r['tool']} | {fmt_wall(r.get('wall_s'))} | {fmt(r.get('cpu_s'), '.2f')} | "
                f"{fmt(r.get('peak_rss_mb'), '.0f')} | {fmt(r.get('mb_per_s'), '.1f')} | "
                f"{fmt(sc.get('precision'), '.3f')} | {fmt(sc.get('recall'), '.3f')} | {fmt(sc.get('f1'), '.3f')} | "
                f"{fmt(sc.get('article_lost'), '.2f', 100)} | "
                + (f"{fmt(r.get('score_py', {}).get('f1'), '.3f')} | {fmt(r.get('score_py', {}).get('article_lost'), '.2f', 100)} | " if has_py else "")
                + f"{docs} | {note.strip()} |"
            )
        md.append("")
    if real:
        md.append("### Real pages: big9.jsonl (gold_article; multiset word overlap)\n")
        md.append("| tool | wall s | CPU s | peak RSS MB | MB/s | article kept % | page removed % | non-gold removed % | repeated non-gold removed % | isolated pages | note |")
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in real:
            sc = r.get("score") or {}
            note = r["note"]
            if r["exit_code"] not in (0, None):
                note = f"FAILED exit {r['exit_code']}; " + note
            iso = f"{sc['isolated_pages']}/{sc['pages']}" if "pages" in sc else "-"
            md.append(
                f"| {r['tool']} | {fmt_wall(r.get('wall_s'))} | {fmt(r.get('cpu_s'), '.2f')} | "
                f"{fmt(r.get('peak_rss_mb'), '.0f')} | {fmt(r.get('mb_per_s'), '.1f')} | "
                f"{fmt(sc.get('article_kept'), '.2f', 100)} | {fmt(sc.get('page_removed'), '.2f', 100)} | "
                f"{fmt(sc.get('nongold_removed'), '.2f', 100)} | {fmt(sc.get('repeated_removed'), '.2f', 100)} | {iso} | {note.strip()} |"
            )
        md.append("")
    info_path = os.path.join(d, "runs", "info.md")
    header = open(info_path, encoding="utf-8").read() if os.path.exists(info_path) else ""
    loads = [r["load_before"] for r in rows if "load_before" in r]
    if loads:
        md.append(
            f"1-minute load average before each timed row: {min(loads):.2f} to {max(loads):.2f} "
            f"on {os.cpu_count()} cores (above ~0.5 other jobs were sharing the machine; "
            "per-row values in results.json)."
        )
        md.append("")
    text = header + "\n" + "\n".join(md)
    with open(os.path.join(d, "results.md"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(d, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"rows": rows}, f, indent=1)
    print(text)


if __name__ == "__main__":
    main()
