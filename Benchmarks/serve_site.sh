#!/usr/bin/env bash
# Serves a directory of static pages (Benchmarks/bench_site.py's) with nginx on 127.0.0.1, one
# worker per core, no compression, no access log: the benchmarks measure the client, not this.
#   Benchmarks/serve_site.sh start DIR [PORT]      (default port 8089)
#   Benchmarks/serve_site.sh stop [PORT]
set -euo pipefail
command="${1:?usage: serve_site.sh start DIR [PORT] | stop [PORT]}"
if [[ "$command" == start ]]; then
    dir="$(cd "${2:?the directory to serve}" && pwd)"; port="${3:-8089}"
else
    port="${2:-8089}"
fi
run="/tmp/wireroom-bench-nginx-$port"
case "$command" in
    start)
        command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }
        mkdir -p "$run"
        cat > "$run/nginx.conf" <<CONF
worker_processes auto;
pid $run/nginx.pid;
error_log $run/error.log warn;
events { worker_connections 4096; }
http {
    types { text/html html; application/xml xml; text/plain txt; }
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path $run/body;
    proxy_temp_path $run/proxy;
    fastcgi_temp_path $run/fastcgi;
    uwsgi_temp_path $run/uwsgi;
    scgi_temp_path $run/scgi;
    server {
        listen 127.0.0.1:$port default_server;
        root $dir;
    }
}
CONF
        nginx -c "$run/nginx.conf" -p "$run"
        for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break; sleep 0.1; done
        echo "serving $dir on 127.0.0.1:$port" ;;
    stop)
        [[ -f "$run/nginx.pid" ]] && kill "$(cat "$run/nginx.pid")" 2>/dev/null || true
        echo "stopped 127.0.0.1:$port" ;;
    *) echo "serve_site.sh: start or stop, not $command" >&2; exit 2 ;;
esac
