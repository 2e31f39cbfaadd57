#!/usr/bin/env python3
"""The reference date finder for quality.py: `htmldate_dates.py MANIFEST` (a JSON object
file -> url) prints one JSON line {"file", "published"} per file, from htmldate's find_date with
the page's URL and original_date=True, as the date dev set's README measures it."""
import json
import sys

from htmldate import find_date

for path, url in json.load(open(sys.argv[1])).items():
    with open(path, "rb") as f:
        html = f.read()
    try:
        published = find_date(html, url=url, original_date=True)
    except Exception as error:  # a page htmldate cannot read counts as no date
        print(f"htmldate: {path}: {error}", file=sys.stderr)
        published = None
    print(json.dumps({"file": path, "published": published}))
