#!/usr/bin/env python3
"""The chaos run: the whole pipeline through `coordinator serve` on a local test site, with a
random process (the coordinator included, and `coordinator purge` / `store compact` started
meanwhile) killed with SIGKILL every 0.3-1.2 s and started again as systemd would; then the
pipeline drains and the books are checked: every URL done or dead with a reason, every article
stored exactly once, no lease left. Prints the figures; exit 1 when a check fails.

With --storage-trouble (root: it mounts a tmpfs) there are no kills: the queue and article files
live on a small tmpfs that is filled up for 8 s and then given back; the figures add the processes
that exited meanwhile and SQLite's integrity check of both files.

With --read-only (root: it mounts a loop device) there are no kills either: the files live on an
ext4 file system that the kernel turns read-only under the running pipeline (as it does on a disk
error); after 8 s the operator's remedy follows: every process stopped with SIGTERM (the figures
count those that did not exit within 15 s), fsck, mount again, start again, and the books are
checked as after the kills.

    chaos.py --bin DIR --kills N [--pages N] [--fetchers N] [--parsers N] [--work DIR] [--storage-trouble | --read-only]
"""
import argparse, json, os, random, signal, socket, sqlite3, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SITE = os.path.join(HERE, "..", "Tests", "Fixtures", "site_server.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


class Role:
    """A long-running process of the pipeline, started again whenever it is killed."""

    def __init__(self, name, argv, log):
        self.name, self.argv, self.log = name, argv, log
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(self.argv, stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)

    def kill(self):
        self.process.kill()
        self.process.wait()

    def ensure_running(self):
        if self.process.poll() is not None:
            self.start()


def restart_exited(roles, seconds):
    """Restarts, as systemd would, every process that exits within `seconds`; returns how many did."""
    exits = 0
    until = time.time() + seconds
    while time.time() < until:
        for role in roles:
            if role.process.poll() is not None:
                exits += 1
                role.start()
        time.sleep(0.2)
    return exits


def storage_trouble(data, roles):
    """Fills the file system under the databases for 8 s, then gives the space back; counts the
    processes that exited meanwhile (restarting them, as systemd would)."""
    exits = {"exits_while_full": 0}
    time.sleep(3)
    filler = os.path.join(data, "filler")
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * (1 << 20))
                f.flush()
        except OSError:
            pass
    exits["exits_while_full"] = restart_exited(roles, 8)
    os.remove(filler)
    return exits


def read_only_trouble(data, image, roles):
    """Makes the file system under the databases read-only (ext4's emergency read-only, the
    state a disk error leaves it in), counts the processes that exit meanwhile (restarting them),
    then stops every process with SIGTERM, repairs and mounts the file system again and restarts
    them all: what an operator does."""
    figures = {"exits_while_read_only": 0, "stops_over_15s": 0}
    time.sleep(3)
    device = os.path.basename(subprocess.run(["findmnt", "-n", "-o", "SOURCE", data], stdout=subprocess.PIPE,
                                             text=True, check=True).stdout.strip())
    with open(f"/sys/fs/ext4/{device}/trigger_fs_error", "w") as f:
        f.write("1")
    figures["exits_while_read_only"] = restart_exited(roles, 8)
    for role in roles:
        role.process.send_signal(signal.SIGTERM)
    deadline = time.time() + 15
    for role in roles:
        try:
            role.process.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            figures["stops_over_15s"] += 1
            role.kill()
    subprocess.run(["umount", data], check=True)
    figures["fsck"] = subprocess.run(["e2fsck", "-fy", image], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    subprocess.run(["mount", "-o", "loop,errors=remount-ro", image, data], check=True)
    for role in roles:
        role.start()
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--fetchers", type=int, default=2)
    parser.add_argument("--parsers", type=int, default=2)
    parser.add_argument("--work", default=None)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--storage-trouble", action="store_true")
    parser.add_argument("--read-only", action="store_true")
    options = parser.parse_args()
    no_kills = options.storage_trouble or options.read_only
    rng = random.Random(options.seed)
    work = options.work or tempfile.mkdtemp(prefix="wireroom-chaos-")
    os.makedirs(work, exist_ok=True)
    binary = lambda name: os.path.join(options.bin, name)
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    if options.storage_trouble:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", data], check=True)
    image = os.path.join(work, "data.ext4")
    if options.read_only:
        subprocess.run(["truncate", "-s", "256M", image], check=True)
        subprocess.run(["mkfs.ext4", "-q", image], check=True)
        subprocess.run(["mount", "-o", "loop,errors=remount-ro", image, data], check=True)
    queue, store_db = os.path.join(data, "queue.sqlite"), os.path.join(data, "articles.sqlite")
    token = os.path.join(work, "token")
    with open(token, "w") as f:
        f.write("chaos-token-" + os.urandom(12).hex() + "\n")
    log = open(os.path.join(work, "processes.log"), "ab")

    site_port = free_port()
    site = subprocess.Popen([sys.executable, SITE, "--port", str(site_port), "--max-seconds", "3600"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_listening(site_port)
    urls = [f"http://127.0.0.1:{site_port}/article/{n}" for n in range(1, options.pages + 1)]
    subprocess.run([binary("coordinator"), "add", "--db", queue, "--file", "-"], input="\n".join(urls).encode(),
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([binary("coordinator"), "hosts", "--db", queue, f"127.0.0.1:{site_port}", "--delay", "0", "--concurrency", "16"],
                   check=True, stdout=subprocess.DEVNULL)

    api_port = free_port()
    coordinator = Role("coordinator", [binary("coordinator"), "serve", "--db", queue, "--store-db", store_db,
                                       "--listen", f"127.0.0.1:{api_port}", "--token-file", token], log)
    wait_listening(api_port)
    remote = ["--coordinator", f"http://127.0.0.1:{api_port}", "--token-file", token, "--lease-seconds", "4"]
    roles = [coordinator]
    roles += [Role(f"fetcher-{i}", [binary("fetcher"), "run", "--allow-loopback", "--in-flight", "8", "--worker-id", f"fetcher-{i}"] + remote, log)
              for i in range(options.fetchers)]
    roles += [Role(f"parser-{i}", [binary("parser"), "run", "--batch", "4", "--worker-id", f"parser-{i}"] + remote, log)
              for i in range(options.parsers)]
    roles.append(Role("store", [binary("store"), "run", "--db", queue, "--store-db", store_db, "--batch", "8", "--worker-id", "store"], log))

    kills = {}
    maintenance = []
    trouble = {}
    started = time.time()
    if options.storage_trouble:
        trouble = storage_trouble(data, roles)
    if options.read_only:
        trouble = read_only_trouble(data, image, roles)
    while not no_kills and sum(kills.values()) < options.kills:
        time.sleep(rng.uniform(0.3, 1.2))
        if rng.random() < 0.15:
            # Maintenance an operator runs while all this goes on; killed too, now and then.
            command = rng.choice([[binary("coordinator"), "purge", "--db", queue, "--older-than", "0s"],
                                  [binary("store"), "compact", "--store-db", store_db]])
            maintenance.append(subprocess.Popen(command, stdout=log, stderr=log))
        running = [p for p in maintenance if p.poll() is None]
        if running and rng.random() < 0.3:
            victim = rng.choice(running)
            victim.kill()
            victim.wait()
            name = "purge" if "purge" in victim.args else "compact"
        else:
            role = rng.choice(roles)
            role.kill()
            name = role.name.split("-")[0]
            role.start()
        kills[name] = kills.get(name, 0) + 1
        for role in roles:
            role.ensure_running()
    chaos_seconds = time.time() - started

    wait = subprocess.run([binary("coordinator"), "wait", "--db", queue, "--timeout", "600"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    drained_seconds = time.time() - started
    for role in roles:
        role.process.send_signal(signal.SIGTERM)
    for role in roles:
        try:
            role.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            role.kill()
    for process in maintenance:
        process.wait()
    site.kill()

    integrity = [sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] for path in (queue, store_db)]
    db = sqlite3.connect(queue)
    open_jobs = db.execute("SELECT count(*) FROM jobs WHERE state IN ('queued', 'leased', 'retry')").fetchone()[0]
    leased = db.execute("SELECT count(*) FROM jobs WHERE state = 'leased'").fetchone()[0]
    dead = db.execute("SELECT stage, last_error FROM jobs WHERE state = 'dead'").fetchall()
    dead_without_reason = [row for row in dead if not row[1]]
    dead_urls = {row[0] for row in db.execute(
        "SELECT urls.url FROM jobs JOIN urls ON urls.id = jobs.url_id WHERE jobs.state = 'dead'")}
    articles = sqlite3.connect(store_db)
    stored = dict(articles.execute("SELECT url, count(*) FROM articles GROUP BY url").fetchall())
    twice = {url: count for url, count in stored.items() if count > 1}
    lost = [url for url in urls if url not in stored and url not in dead_urls]

    figures = {
        "kills": sum(kills.values()), "kills_by_process": kills, "chaos_seconds": round(chaos_seconds, 1),
        "drain_seconds_after_chaos": round(drained_seconds - chaos_seconds, 1), "drained": wait.returncode == 0,
        "urls": len(urls), "articles_stored": len(stored), "dead_jobs": len(dead), "dead_without_reason": len(dead_without_reason),
        "lost": len(lost), "stored_twice": len(twice), "open_jobs": open_jobs, "leases_left": leased, "work": work,
        "integrity": integrity, **trouble,
    }
    print(json.dumps(figures, indent=1, sort_keys=True))
    if dead:
        print("dead jobs' errors:", sorted({(row[1] or "")[:80] for row in dead})[:10])
    failed = (not figures["drained"]) or lost or twice or leased or open_jobs or dead_without_reason or integrity != ["ok", "ok"]
    if no_kills:
        db.close()
        articles.close()
        subprocess.run(["umount", data], check=False)
    if lost:
        print("lost:", lost[:10])
    if twice:
        print("stored twice:", list(twice.items())[:10])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
