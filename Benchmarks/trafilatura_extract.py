#!/usr/bin/env python3
"""The reference extractor under the dev-set contract: `trafilatura_extract.py [--fast] [--no-comments] DIR`
prints one JSON line {"file", "text"} per HTML file, with trafilatura's standard (or fast) settings;
--no-comments leaves readers' comments out, as gold texts without comments expect."""
import json
import os
import sys

import trafilatura

fast = "--fast" in sys.argv
comments = "--no-comments" not in sys.argv
folder = [a for a in sys.argv[1:] if not a.startswith("--")][0]
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), "rb") as f:
        html = f.read()
    text = trafilatura.extract(html, fast=fast, include_comments=comments) or ""
    print(json.dumps({"file": name, "text": text}, ensure_ascii=True))
