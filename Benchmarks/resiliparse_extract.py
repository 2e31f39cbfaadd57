#!/usr/bin/env python3
"""The speed reference under the dev-set contract: `resiliparse_extract.py DIR` prints one JSON
line {"file", "text"} per HTML file, from Resiliparse's main-content extraction (C++ on the
lexbor parser): charset detected from the bytes, `extract_plain_text(main_content=True)`."""
import json
import os
import sys

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree

folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), "rb") as f:
        html = f.read()
    tree = HTMLTree.parse(bytes_to_str(html, detect_encoding(html)))
    print(json.dumps({"file": name, "text": extract_plain_text(tree, main_content=True)}, ensure_ascii=True))
