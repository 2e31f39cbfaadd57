#!/usr/bin/env python3
"""The event-linking evaluation of Benchmarks/events.sh (Python 3 standard library only).

  events_eval.py build OUT.jsonl TRUTH.json [--background TEXTS.jsonl]
      The evaluation: the stories of Benchmarks/events/*.txt (written for this evaluation:
      fictional events, each reported in two to four of English, German, French, Dutch and
      Spanish, with names spelled as each language transliterates them, and, within each topic,
      other events of the same people a day or two apart) and the five seed stories of
      samples/stories (the Belarus leak and prison visit in Dutch and English, the Putin call).
      With --background, real article texts (`parser extract` output of the dev sets) are mixed
      in, each its own event, dated at random within the evaluation's months: unrelated
      stories of every kind, in the window, that must link to nothing.
      Lines are in publication order, as a stream arrives.
  events_eval.py real OUT.jsonl TEXTS.jsonl... [--one-day]
      The check on real pages: every article text of the dev sets (`parser extract` output) with
      its own publication date, in publication order, each named by its page's file name. With
      --one-day, all dated within one day instead: a dense stream, where only the content keeps
      stories of different events apart.
  events_eval.py real-score OUT.jsonl OUTPUT.jsonl JUDGMENTS.tsv
      The stories `store dedup --events` linked on real pages, each linked pair with the verdict
      judged by hand in JUDGMENTS.tsv (same event or not; pairs not judged yet are listed as
      such), and the pairwise precision of the judged pairs. Copies of one text are left out.
  events_eval.py score TRUTH.json OUTPUT.jsonl [--name NAME]
      Pairwise precision and recall of `store dedup --events` output, overall and per language
      pair; links between background stories that `store dedup` found to be copies of one text
      are left out (they are one event). --show prints every wrong and missed pair.
"""
import argparse
import datetime
import glob
import itertools
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def hand_written():
    """Stories of Benchmarks/events/*.txt: blocks headed `=== id | event | language | published`,
    then the title line, then the text."""
    stories = []
    for path in sorted(glob.glob(os.path.join(HERE, "events", "*.txt"))):
        block = None
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if line.startswith("#") and block is None:
                continue
            if line.startswith("=== "):
                if block:
                    stories.append(block)
                sid, event, language, published = [part.strip() for part in line[4:].split("|")]
                block = {"id": sid, "event": event, "language": language, "published": published, "title": None, "lines": []}
            elif block is not None:
                if block["title"] is None:
                    block["title"] = line
                else:
                    block["lines"].append(line)
        if block:
            stories.append(block)
    return [{"id": s["id"], "event": s["event"], "language": s["language"], "published": s["published"], "title": s["title"],
             "text": "\n\n".join(l for l in s["lines"] if l.strip())} for s in stories]


def seeds():
    """The five seed stories of the sample site, with their own dates."""
    events = {"000": "seed-leak", "001": "seed-leak", "002": "seed-prison", "003": "seed-prison", "004": "seed-putin"}
    stories = []
    for path in sorted(glob.glob(os.path.join(HERE, "..", "samples", "stories", "00*.txt"))):
        header, _, body = open(path, encoding="utf-8").read().partition("\n\n")
        fields = dict(line.split(":", 1) for line in header.splitlines() if ":" in line)
        fields = {k.strip(): v.strip() for k, v in fields.items()}
        name = os.path.basename(path)[:3]
        paragraphs = [p[3:] if p.startswith("## ") else p for p in body.split("\n\n") if p.strip()]
        stories.append({"id": "seed-" + name, "event": events[name], "language": fields.get("language", "en"),
                        "published": fields["published"], "title": fields.get("headline"), "text": "\n\n".join(paragraphs)})
    return stories


def build(args):
    stories = hand_written() + seeds()
    if args.background:
        rng = random.Random(20251)
        dates = sorted(datetime.datetime.fromisoformat(s["published"].replace("Z", "+00:00")) for s in stories if s["published"] >= "2025")
        start, end = dates[0], dates[-1]
        for number, line in enumerate(open(args.background, encoding="utf-8")):
            record = json.loads(line)
            text = record.get("text") or ""
            if len(text.split()) < 50:
                continue
            moment = start + (end - start) * rng.random()
            stories.append({"id": f"bg-{number}", "event": f"bg-{number}", "language": record.get("language") or "?",
                            "published": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "title": None, "text": text})
    stories.sort(key=lambda s: (datetime.datetime.fromisoformat(s["published"].replace("Z", "+00:00")), s["id"]))
    with open(args.out, "w", encoding="utf-8") as out:
        for s in stories:
            out.write(json.dumps({"id": s["id"], "title": s["title"], "text": s["text"], "language": s["language"], "published": s["published"]},
                                 ensure_ascii=False) + "\n")
    json.dump({s["id"]: {"event": s["event"], "language": s["language"]} for s in stories}, open(args.truth, "w"), ensure_ascii=False)
    hand = [s for s in stories if not s["id"].startswith("bg-")]
    events = {s["event"] for s in hand}
    print(f"{len(hand)} stories of {len(events)} events, {len(stories) - len(hand)} background stories", file=sys.stderr)


def real(args):
    rows, seen = [], set()
    for path in args.texts:
        for line in open(path, encoding="utf-8"):
            record = json.loads(line)
            text, published = record.get("text") or "", record.get("published")
            if not published or len(text.split()) < 50 or text[:200] in seen:
                continue
            seen.add(text[:200])
            rows.append({"id": os.path.basename(record["file"]), "title": record.get("title"), "text": text,
                         "language": record.get("language"), "published": published})
    rows.sort(key=lambda r: (r["published"], r["id"]))
    if args.one_day:
        for number, row in enumerate(rows):
            row["published"] = f"2025-06-01T{number % 24:02d}:{number % 60:02d}:00Z"
    with open(args.out, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} real articles with their own dates", file=sys.stderr)


def real_score(args):
    titles = {}
    for line in open(args.input, encoding="utf-8"):
        record = json.loads(line)
        titles[record["id"]] = (record.get("language") or "?", record["published"][:10], (record.get("title") or "")[:80])
    groups, cluster = {}, {}
    for line in open(args.output, encoding="utf-8"):
        record = json.loads(line)
        groups.setdefault(record["event"], []).append(record["id"])
        cluster[record["id"]] = record["cluster"]
    verdicts = {}
    for line in open(args.judgments, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            a, b, verdict = line.rstrip("\n").split("\t")[:3]
            verdicts[tuple(sorted([a, b]))] = verdict
    right = wrong = unjudged = 0
    for members in groups.values():
        if len(members) < 2:
            continue
        print("  event")
        for member in members:
            language, day, title = titles[member]
            print(f"    {language}  {day}  {member[:48]:<48}  {title}")
        for a, b in itertools.combinations(sorted(members), 2):
            if cluster[a] == cluster[b]:
                continue
            verdict = verdicts.get((a, b))
            if verdict == "same":
                right += 1
            elif verdict == "different":
                wrong += 1
            else:
                unjudged += 1
                print(f"    not judged yet: {a}\t{b}")
    judged = right + wrong
    precision = f"{right / judged:.3f}" if judged else "-"
    print(f"  linked pairs on real pages (copies of one text left out): {right} same event, {wrong} different, {unjudged} not judged; "
          f"precision of the judged {precision}")


def pairs(groups):
    found = set()
    for members in groups.values():
        for a, b in itertools.combinations(sorted(members), 2):
            found.add((a, b))
    return found


def score(args):
    truth = json.load(open(args.truth, encoding="utf-8"))
    predicted, cluster = {}, {}
    for line in open(args.output, encoding="utf-8"):
        record = json.loads(line)
        if "id" in record and record.get("event") is not None:
            predicted.setdefault(str(record["event"]), []).append(str(record["id"]))
            cluster[str(record["id"])] = record.get("cluster")
    true_groups = {}
    for sid, info in truth.items():
        true_groups.setdefault(info["event"], []).append(sid)
    true_pairs, found_pairs = pairs(true_groups), pairs(predicted)

    def language_pair(a, b):
        return "–".join(sorted([truth[a]["language"], truth[b]["language"]]))

    def background(pair):
        return pair[0].startswith("bg-") or pair[1].startswith("bg-")

    # The dev sets hold a few copies of one text (one wire story on two sites): `store dedup`
    # puts them in one story, so in one event. They are one event, not a false link.
    copies = {pair for pair in found_pairs - true_pairs if cluster.get(pair[0]) == cluster.get(pair[1])}
    found_pairs -= copies
    rows = {}
    for pair in true_pairs | found_pairs:
        key = "with background" if background(pair) else language_pair(*pair)
        row = rows.setdefault(key, [0, 0, 0])  # right, wrong, missed
        if pair in true_pairs and pair in found_pairs:
            row[0] += 1
        elif pair in found_pairs:
            row[1] += 1
        else:
            row[2] += 1
    right = sum(r[0] for r in rows.values())
    wrong = sum(r[1] for r in rows.values())
    missed = sum(r[2] for r in rows.values())
    name = args.name or "store dedup --events"
    print(f"  {name}: {len(true_pairs)} true pairs, {len(found_pairs)} found (besides {len(copies)} pairs of copies of one text)")
    print(f"  {'pairs':<16}{'right':>7}{'wrong':>7}{'missed':>7}{'precision':>11}{'recall':>8}")
    for key in sorted(rows, key=lambda k: (k == "with background", "–" in k and k.split("–")[0] == k.split("–")[1], k)):
        r, w, m = rows[key]
        precision = f"{r / (r + w):.3f}" if r + w else "-"
        recall = f"{r / (r + m):.3f}" if r + m else "-"
        print(f"  {key:<16}{r:>7}{w:>7}{m:>7}{precision:>11}{recall:>8}")
    precision = right / (right + wrong) if right + wrong else 1.0
    recall = right / (right + missed) if right + missed else 1.0
    print(f"  {'all':<16}{right:>7}{wrong:>7}{missed:>7}{precision:>11.3f}{recall:>8.3f}")
    if args.show:
        for pair in sorted(found_pairs - true_pairs):
            print("    wrong:", pair[0], pair[1])
        for pair in sorted(true_pairs - found_pairs):
            print("    missed:", pair[0], pair[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("out")
    b.add_argument("truth")
    b.add_argument("--background")
    r = sub.add_parser("real")
    r.add_argument("out")
    r.add_argument("texts", nargs="+")
    r.add_argument("--one-day", action="store_true")
    rs = sub.add_parser("real-score")
    rs.add_argument("input")
    rs.add_argument("output")
    rs.add_argument("judgments")
    s = sub.add_parser("score")
    s.add_argument("truth")
    s.add_argument("output")
    s.add_argument("--name")
    s.add_argument("--show", action="store_true", help="print every wrong and missed pair")
    args = parser.parse_args()
    {"build": build, "score": score, "real": real, "real-score": real_score}[args.command](args)


if __name__ == "__main__":
    main()
