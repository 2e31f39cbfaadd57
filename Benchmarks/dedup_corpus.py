#!/usr/bin/env python3
"""Synthesizes N documents for the `store dedup` scale benchmark, as JSON Lines on stdout.

Each document is a real article text from the extraction dev set (`parser extract` output) with
every word of four or more letters replaced by a word drawn from the dev set's vocabulary at its
frequency: the function-word structure of real prose ("in the … of …") stays, so unrelated
documents overlap about as much as real ones do, and no two documents tell the same story.
One document in five is a copy of an earlier one with a few edits and other chrome, so the
index verifies candidates at a realistic rate.

With --days D, the documents are a news stream over D simulated days (for the dedup window's
benchmark, Benchmarks/dedup_stream.sh): each carries "published", in time order, and a copy
is of an original published some days before it — within a day for half of them, up to a week
for 30%, up to 25 days for 15%, and 35 to 60 days (beyond a 30-day window) for 5%. Copies carry
"copy_of" (the original's id) and "lag_days", which `store dedup` skips as unknown members.

Usage: dedup_corpus.py DEVTEXTS.jsonl N [--days D] > corpus.jsonl
"""
import bisect
import datetime
import json
import random
import re
import sys

WORD = re.compile(r"\w{4,}")


def load(devtexts):
    skeletons, vocabulary = [], []
    for line in open(devtexts, encoding="utf-8"):
        text = json.loads(line).get("text") or ""
        if len(text.split()) < 80:
            continue
        parts = WORD.split(text)
        skeletons.append((parts, len(parts) - 1))
        vocabulary.extend(WORD.findall(text))
    return skeletons, vocabulary


def story(skeletons, vocabulary, rng):
    """A new story: a dev-set text's structure with its content words drawn anew."""
    parts, holes = rng.choice(skeletons)
    fill = rng.choices(vocabulary, k=holes)
    return "".join(part + fill[i] if i < holes else part for i, part in enumerate(parts))


def copy_of(text, number, vocabulary, rng):
    """A copy as another outlet runs it: last paragraph cut, a word changed, other chrome."""
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 3:
        paragraphs = paragraphs[:-1]
    words = paragraphs[0].split(" ")
    words[rng.randrange(len(words))] = rng.choice(vocabulary)
    paragraphs[0] = " ".join(words)
    return "Share on Facebook\n\n" + "\n\n".join(paragraphs) + f"\n\n© 2025 Outlet {number % 97}. All rights reserved."


def stream(devtexts, count, days):
    """The --days corpus: originals are kept as seeds (a million texts would not fit in memory)
    and made again when copied."""
    rng = random.Random(13)
    skeletons, vocabulary = load(devtexts)
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
    originals_at, originals = [], []  # times (ascending) and (id, seed) of the originals
    out = sys.stdout
    for number in range(count):
        at = start + days * 86400 * number / count
        line = {"id": number, "title": f"Document {number}"}
        lag = None
        if originals and rng.random() < 0.2:
            pick = rng.random()
            lag = rng.uniform(0, 1) if pick < 0.5 else rng.uniform(1, 7) if pick < 0.8 else rng.uniform(7, 25) if pick < 0.95 else rng.uniform(35, 60)
            target = at - lag * 86400
            index = min(bisect.bisect_left(originals_at, target), len(originals) - 1)
            if target < originals_at[0] or abs(originals_at[index] - target) > 3600:
                lag = None  # the stream is younger than the lag asked for: an original instead
            else:
                original, seed = originals[index]
                line["text"] = copy_of(story(skeletons, vocabulary, random.Random(seed)), number, vocabulary, rng)
                line["copy_of"] = original
                line["lag_days"] = round((at - originals_at[index]) / 86400, 3)
        if "text" not in line:
            seed = rng.getrandbits(64)
            line["text"] = story(skeletons, vocabulary, random.Random(seed))
            originals_at.append(at)
            originals.append((number, seed))
        line["published"] = datetime.datetime.fromtimestamp(at, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.write(json.dumps(line, ensure_ascii=False))
        out.write("\n")


def main(devtexts, count):
    rng = random.Random(11)
    skeletons, vocabulary = load(devtexts)
    recent = []
    out = sys.stdout
    for number in range(count):
        if recent and rng.random() < 0.2:
            text = copy_of(rng.choice(recent), number, vocabulary, rng)
        else:
            text = story(skeletons, vocabulary, rng)
            recent.append(text)
            if len(recent) > 1000:
                recent.pop(rng.randrange(len(recent)))
        out.write(json.dumps({"id": number, "title": f"Document {number}", "text": text}, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[3] == "--days":
        stream(sys.argv[1], int(sys.argv[2]), float(sys.argv[4]))
    elif len(sys.argv) == 3:
        main(sys.argv[1], int(sys.argv[2]))
    else:
        sys.exit(__doc__)
