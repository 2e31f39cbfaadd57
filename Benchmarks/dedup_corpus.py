#!/usr/bin/env python3
"""Synthesizes N documents for the `store dedup` scale benchmark, as JSON Lines on stdout.

Each document is a real article text from the extraction dev set (`parser extract` output) with
every word of four or more letters replaced by a word drawn from the dev set's vocabulary at its
frequency: the function-word structure of real prose ("in the … of …") stays, so unrelated
documents overlap about as much as real ones do, and no two documents tell the same story.
One document in five is a copy of an earlier one with a few edits and other chrome, so the
index verifies candidates at a realistic rate.

Usage: dedup_corpus.py DEVTEXTS.jsonl N > corpus.jsonl
"""
import json
import random
import re
import sys

WORD = re.compile(r"\w{4,}")


def main(devtexts, count):
    rng = random.Random(11)
    skeletons, vocabulary = [], []
    for line in open(devtexts, encoding="utf-8"):
        text = json.loads(line).get("text") or ""
        if len(text.split()) < 80:
            continue
        parts = WORD.split(text)
        skeletons.append((parts, len(parts) - 1))
        vocabulary.extend(WORD.findall(text))
    recent = []
    out = sys.stdout
    for number in range(count):
        if recent and rng.random() < 0.2:
            text = rng.choice(recent)
            paragraphs = text.split("\n\n")
            if len(paragraphs) > 3:
                paragraphs = paragraphs[:-1]
            words = paragraphs[0].split(" ")
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
            paragraphs[0] = " ".join(words)
            text = "Share on Facebook\n\n" + "\n\n".join(paragraphs) + f"\n\n© 2025 Outlet {number % 97}. All rights reserved."
        else:
            parts, holes = rng.choice(skeletons)
            fill = rng.choices(vocabulary, k=holes)
            text = "".join(part + fill[i] if i < holes else part for i, part in enumerate(parts))
            recent.append(text)
            if len(recent) > 1000:
                recent.pop(rng.randrange(len(recent)))
        out.write(json.dumps({"id": number, "title": f"Document {number}", "text": text}, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]))
