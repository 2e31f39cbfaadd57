#!/usr/bin/env python3
"""Unpacks the extraction dev set's gzip-compressed pages into a directory of .html files
(once; an existing directory is left as it is).  Usage: unpack_devset.py DEVSET_DIR OUT_DIR"""
import gzip
import os
import sys

src, dst = sys.argv[1], sys.argv[2]
if not os.path.isdir(dst):
    os.makedirs(dst + ".partial", exist_ok=True)
    for name in os.listdir(os.path.join(src, "html")):
        with gzip.open(os.path.join(src, "html", name)) as page, open(os.path.join(dst + ".partial", name[:-3]), "wb") as out:
            out.write(page.read())
    os.rename(dst + ".partial", dst)
