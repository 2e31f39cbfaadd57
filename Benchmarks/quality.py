#!/usr/bin/env python3
"""Extraction and date quality of `parser extract` on every dev set, beside the references, with
paired bootstrap standard errors (Python 3 standard library only).

    quality.py --data DIR --parser PATH [--reference NAME=CMD ...] [--sets dev,dragnet,cleaneval,dates]
               [--sample N] [--save FILE] [--before FILE] [--gate FLOORS] [--work DIR] [--timing-runs N]

DIR is the evaluation data (`extraction-dev/`, `extraction-gold/`, `dates-dev/`). Every system is run
once per set: body extractors as `CMD FOLDER` printing JSON lines {"file", "text"}; date finders as
`CMD --url URL FILE` printing {"published"} (the parser) or, for a reference, `CMD MANIFEST` where
MANIFEST is a JSON object file -> url, printing {"file", "published"} lines.

Metrics, as the sets' own scorers define them:
  dev        snippets: TP/FP/FN summed over pages; F1 = 2TP / (2TP + FP + FN)
  dragnet,   4-word shingles of \\w+ runs, per-page precision (pages with output) and recall (pages
  cleaneval  with gold text) averaged over pages; F1 from the two means
  dates      right (same calendar day, or no date for a dateless page), wrong, missing;
             precision = right / (right + wrong), recall = right / pages
Each difference between two systems on one set comes with the standard error of a paired
bootstrap over pages (1000 resamples, fixed seed): a difference below two of them is noise.

--save writes the parser's per-page results; --before FILE compares the parser with such a saved
run (before and after a change, same pages). --gate FLOORS (a JSON object "set.metric": floor)
exits 1 naming every metric of the parser below its floor. --sample N keeps N pages of each set,
every k-th in name order (fixed, so runs compare). --timing-runs N runs every body extractor N times
on each set, taking turns, and reports its fastest run (on a machine whose speed drifts, one run
each measures the drift as much as the extractors); the texts scored are the first run's.
"""
import argparse, gzip, json, os, random, re, shutil, subprocess, sys, time
from collections import Counter

WORD = re.compile(r"\w+")
SPACE = re.compile(r"\s+")
BODY_SETS = ("dev", "dragnet", "cleaneval")


# ---------------------------------------------------------------- the sets

def load_set(data, name, sample):
    """[(page, source path, truth, url)] in name order, sampled."""
    if name == "dev":
        base = os.path.join(data, "extraction-dev")
        cases = json.load(open(os.path.join(base, "cases.json"), encoding="utf8"))
        pages = [(n, os.path.join(base, "html", n + ".gz"), cases[n], cases[n].get("url")) for n in sorted(cases)]
    elif name in ("dragnet", "cleaneval"):
        base = os.path.join(data, "extraction-gold", name)
        ids = sorted(n[:-len(".html.gz")] for n in os.listdir(os.path.join(base, "html")) if n.endswith(".html.gz"))
        pages = [(i + ".html", os.path.join(base, "html", i + ".html.gz"), os.path.join(base, "gold", i + ".txt.gz"), None) for i in ids]
    elif name == "dates":
        base = os.path.join(data, "dates-dev")
        gold = json.load(open(os.path.join(base, "gold.json"), encoding="utf8"))
        pages = [(n, os.path.join(base, "html", n + ".gz"), gold[n]["date"], gold[n]["url"]) for n in sorted(gold)]
    else:
        sys.exit(f"quality.py: no set named {name!r} (dev, dragnet, cleaneval, dates)")
    if sample and sample < len(pages):
        step = len(pages) / sample
        pages = [pages[int(k * step)] for k in range(sample)]
    return pages


def unpack(pages, folder):
    os.makedirs(folder, exist_ok=True)
    total = 0
    for page, source, _, _ in pages:
        raw = gzip.decompress(open(source, "rb").read())
        total += len(raw)
        open(os.path.join(folder, page), "wb").write(raw)
    return total


# ---------------------------------------------------------------- running systems

def json_lines(data, key):
    out = {}
    for line in data.decode("utf8", "replace").splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if isinstance(o, dict) and "file" in o:
            out[os.path.basename(str(o["file"]))] = o.get(key) or ""
    return out


def run_bodies(cmd, folder):
    start = time.perf_counter()
    r = subprocess.run(f"{cmd} {folder}", shell=True, capture_output=True)
    seconds = time.perf_counter() - start
    if r.returncode not in (0, 1):  # the parser exits 1 when some file could not be read
        sys.exit(f"quality.py: `{cmd}` exited {r.returncode}: {r.stderr.decode('utf8', 'replace')[-2000:]}")
    return json_lines(r.stdout, "text"), seconds


def run_parser_dates(parser, pages, folder):
    found = {}
    for page, _, _, url in pages:
        r = subprocess.run([parser, "extract", "--url", url, os.path.join(folder, page)], capture_output=True)
        found[page] = json_lines(r.stdout, "published").get(page, "")
    return found


def run_reference_dates(cmd, pages, folder, work):
    manifest = os.path.join(work, "dates-manifest.json")
    json.dump({os.path.join(folder, p): url for p, _, _, url in pages}, open(manifest, "w"))
    r = subprocess.run(f"{cmd} {manifest}", shell=True, capture_output=True)
    if r.returncode != 0:
        sys.exit(f"quality.py: `{cmd}` exited {r.returncode}: {r.stderr.decode('utf8', 'replace')[-2000:]}")
    return json_lines(r.stdout, "published")


# ---------------------------------------------------------------- scoring

def normalized(text):
    return SPACE.sub(" ", text or "").strip()


def snippet_counts(case, text):
    t = normalized(text)
    tp = sum(1 for w in case["with"] if normalized(w) in t)
    fp = sum(1 for w in case["without"] if normalized(w) in t)
    return (tp, fp, len(case["with"]) - tp)


def shingles(text):
    words = WORD.findall(text or "")
    if not words:
        return Counter()
    if len(words) < 4:
        return Counter([tuple(words)])
    return Counter(tuple(words[i:i + 4]) for i in range(len(words) - 3))


def shingle_scores(gold_path, text):
    """(precision or None, recall or None) of one page: None where the page has no output or no gold."""
    gold = shingles(gzip.decompress(open(gold_path, "rb").read()).decode("utf8"))
    got = shingles(text)
    tp = sum((gold & got).values())
    fp = sum((got - gold).values())
    fn = sum((gold - got).values())
    if tp + fp + fn == 0:
        return (None, None)
    if fp == 0 and fn == 0:
        return (1.0, 1.0)
    return (tp / (tp + fp) if tp + fp else None, tp / (tp + fn) if tp + fn else None)


def date_outcome(want, got):
    day = (got or "")[:10]
    if want is None:
        return "right" if not day else "wrong"
    if not day:
        return "missing"
    return "right" if day == want[:10] else "wrong"


def per_page(set_name, pages, outputs):
    if set_name == "dev":
        return [snippet_counts(truth, outputs.get(page)) for page, _, truth, _ in pages]
    if set_name == "dates":
        return [date_outcome(truth, outputs.get(page)) for page, _, truth, _ in pages]
    return [shingle_scores(truth, outputs.get(page, "")) for page, _, truth, _ in pages]


def metrics(set_name, rows):
    if set_name == "dev":
        tp, fp, fn = (sum(r[i] for r in rows) for i in range(3))
        return {"precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn), "f1": 2 * tp / max(1, 2 * tp + fp + fn)}
    if set_name == "dates":
        c = Counter(rows)
        n = max(1, len(rows))
        return {"precision": c["right"] / max(1, c["right"] + c["wrong"]), "recall": c["right"] / n,
                "wrong_share": c["wrong"] / n, "right": c["right"], "wrong": c["wrong"], "missing": c["missing"]}
    ps = [p for p, _ in rows if p is not None]
    rs = [r for _, r in rows if r is not None]
    p, r = sum(ps) / max(1, len(ps)), sum(rs) / max(1, len(rs))
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def paired_se(set_name, a, b, key, resamples=1000):
    """Standard error of metric(a) - metric(b) under a paired bootstrap over pages."""
    rng = random.Random(20261202)
    n = len(a)
    diffs = []
    for _ in range(resamples):
        idx = [rng.randrange(n) for _ in range(n)]
        diffs.append(metrics(set_name, [a[i] for i in idx])[key] - metrics(set_name, [b[i] for i in idx])[key])
    mean = sum(diffs) / len(diffs)
    return (sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)) ** 0.5


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--parser", required=True)
    ap.add_argument("--reference", action="append", default=[], metavar="NAME=CMD",
                    help="a body extractor (CMD FOLDER) or, with NAME starting 'dates:', a date finder (CMD MANIFEST)")
    ap.add_argument("--sets", default="dev,dragnet,cleaneval,dates")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--save")
    ap.add_argument("--before")
    ap.add_argument("--gate")
    ap.add_argument("--work", default="/var/tmp/wireroom-quality")
    ap.add_argument("--per-page", action="store_true", help="list the pages whose date the parser got wrong or missed")
    ap.add_argument("--timing-runs", type=int, default=1, help="runs of each body extractor per set, fastest reported")
    a = ap.parse_args()
    if not os.path.isdir(a.data):
        sys.exit(f"quality.py: the evaluation data is not here: {a.data}")
    references = [r.split("=", 1) for r in a.reference]
    before = json.load(open(a.before)) if a.before else None
    saved, below = {"sample": a.sample, "sets": {}}, []
    floors = json.load(open(a.gate)) if a.gate else {}

    for set_name in a.sets.split(","):
        pages = load_set(a.data, set_name, a.sample)
        folder = os.path.join(a.work, set_name)
        shutil.rmtree(folder, ignore_errors=True)
        size = unpack(pages, folder)
        systems = []  # (name, per-page rows, seconds or None)
        if set_name == "dates":
            found = run_parser_dates(a.parser, pages, folder)
            systems.append(("wireroom", per_page(set_name, pages, found), None))
            if a.per_page:
                for (page, _, want, _), outcome in zip(pages, systems[0][1]):
                    if outcome != "right":
                        print(f"  {outcome:<8} {page}: gave {found.get(page) or '-'}, want {want or 'no date'}")
            for name, cmd in references:
                if name.startswith("dates:"):
                    systems.append((name[6:], per_page(set_name, pages, run_reference_dates(cmd, pages, folder, a.work)), None))
        else:
            commands = [("wireroom", f"{a.parser} extract")] + [(n, c) for n, c in references if not n.startswith("dates:")]
            outputs, fastest = {}, {}
            for _ in range(max(1, a.timing_runs)):
                for name, cmd in commands:
                    texts, seconds = run_bodies(cmd, folder)
                    outputs.setdefault(name, texts)
                    fastest[name] = min(seconds, fastest.get(name, seconds))
            for name, _ in commands:
                systems.append((name, per_page(set_name, pages, outputs[name]), fastest[name]))
        if before and set_name in before["sets"] and before.get("sample") == a.sample:
            rows = [tuple(r) if isinstance(r, list) else r for r in before["sets"][set_name]]
            systems.append(("before", rows, None))
        shutil.rmtree(folder, ignore_errors=True)

        key = "f1" if set_name in BODY_SETS else "recall"
        ours = systems[0][1]
        print(f"== {set_name}: {len(pages)} pages, {size / 1e6:.1f} MB of HTML")
        for name, rows, seconds in systems:
            m = metrics(set_name, rows)
            if set_name == "dates":
                line = (f"  {name:<12} right {m['right']:>4}  wrong {m['wrong']:>4}  missing {m['missing']:>4}  "
                        f"precision {m['precision']:.3f}  recall {m['recall']:.3f}  wrong {100 * m['wrong_share']:.1f} %")
            else:
                line = f"  {name:<12} precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}"
                if seconds:
                    line += f"  {len(pages) / seconds:7.1f} docs/s"
            if rows is not ours:
                diff = metrics(set_name, ours)[key] - m[key]
                line += f"   wireroom {key} {diff:+.4f} ± {paired_se(set_name, ours, rows, key):.4f} (SE)"
            print(line)
        mine = metrics(set_name, ours)
        for metric, floor in floors.items():
            s, _, k = metric.partition(".")
            if s == set_name and mine[k] < floor:
                below.append(f"{metric} = {mine[k]:.4f}, below its floor {floor}")
        saved["sets"][set_name] = ours

    unknown = sorted({m.partition(".")[0] for m in floors} - set(saved["sets"]))
    if unknown:
        below.append(f"floors for sets not run: {', '.join(unknown)}")
    if a.save:
        json.dump(saved, open(a.save, "w"))
    if a.gate:
        if below:
            print("quality gate FAILED:\n  " + "\n  ".join(below))
            sys.exit(1)
        print(f"quality gate passed: {len(floors)} floors")


if __name__ == "__main__":
    main()
