#!/usr/bin/env python3
"""The raw SQLite limit on this machine, as the queue issue defines it: Python's sqlite3 on a
bare `jobs` table in WAL mode with synchronous=NORMAL. Prints one JSON object.

- bulk insert: rows/s for 1M rows inserted with executemany in one transaction;
- lease + complete: a lease is `UPDATE … RETURNING` over the oldest queued rows, a complete
  an UPDATE of the leased rows; each its own transaction; batch 1 and 100, 1 and 4 processes;
- single-row commits/s with synchronous NORMAL and FULL.
"""
import json, multiprocessing, os, sqlite3, sys, tempfile, time

SCHEMA = """
CREATE TABLE jobs (id INTEGER PRIMARY KEY, url TEXT NOT NULL, state TEXT NOT NULL,
                   lease_token TEXT, lease_expires REAL);
CREATE INDEX jobs_state ON jobs(state, id);
"""

def connect(path, synchronous="NORMAL"):
    db = sqlite3.connect(path, isolation_level=None, timeout=60)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    return db

def fresh(path, rows):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = connect(path)
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    db.executemany("INSERT INTO jobs (url, state) VALUES (?, 'queued')",
                   ((f"https://host{i % 1000}.example/news/{i}.html",) for i in range(rows)))
    db.execute("COMMIT")
    db.close()

def bulk_insert(path, rows=1_000_000):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = connect(path)
    db.executescript(SCHEMA)
    start = time.perf_counter()
    db.execute("BEGIN")
    db.executemany("INSERT INTO jobs (url, state) VALUES (?, 'queued')",
                   ((f"https://host{i % 1000}.example/news/{i}.html",) for i in range(rows)))
    db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return rows / elapsed

def worker(path, batch, token, result):
    db = connect(path)
    done = 0
    start = time.perf_counter()
    while True:
        db.execute("BEGIN IMMEDIATE")
        ids = [r[0] for r in db.execute(
            "UPDATE jobs SET state='leased', lease_token=?, lease_expires=? WHERE id IN "
            "(SELECT id FROM jobs WHERE state='queued' ORDER BY id LIMIT ?) RETURNING id",
            (token, time.time() + 60, batch))]
        db.execute("COMMIT")
        if not ids:
            break
        db.execute("BEGIN IMMEDIATE")
        db.executemany("UPDATE jobs SET state='done', lease_token=NULL WHERE id=? AND lease_token=?",
                       ((i, token) for i in ids))
        db.execute("COMMIT")
        done += len(ids)
    result.put((done, start, time.perf_counter()))

def lease_complete(path, batch, processes, jobs):
    fresh(path, jobs)
    result = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=worker, args=(path, batch, f"t{n}", result)) for n in range(processes)]
    for p in procs:
        p.start()
    outcomes = [result.get() for _ in procs]
    for p in procs:
        p.join()
    done = sum(o[0] for o in outcomes)
    elapsed = max(o[2] for o in outcomes) - min(o[1] for o in outcomes)
    return done / elapsed

def single_commits(path, synchronous, count):
    fresh(path, 0)
    db = connect(path, synchronous)
    start = time.perf_counter()
    for i in range(count):
        db.execute("INSERT INTO jobs (url, state) VALUES (?, 'queued')", (f"u{i}",))
    elapsed = time.perf_counter() - start
    db.close()
    return count / elapsed

def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
    path = os.path.join(directory, "reference.sqlite")
    out = {"bulk_insert_rows_per_s": bulk_insert(path)}
    for batch, jobs in ((1, 20_000), (100, 400_000)):
        for processes in (1, 4):
            out[f"lease_complete_batch{batch}_procs{processes}_jobs_per_s"] = lease_complete(path, batch, processes, jobs)
    out["single_commit_normal_per_s"] = single_commits(path, "NORMAL", 20_000)
    out["single_commit_full_per_s"] = single_commits(path, "FULL", 1_000)
    print(json.dumps(out))

if __name__ == "__main__":
    main()
