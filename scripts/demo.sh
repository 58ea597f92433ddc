#!/usr/bin/env bash
# Serve the bundled demo site on 127.0.0.1:8093, crawl it into archive/, and say where things went.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${DEMO_PORT:-8093}"
ARCHIVE="${ARCHIVE:-archive}"
portfile="$(mktemp)"
rm -f "$portfile"
python -m archiver.demo_site --host 127.0.0.1 --port "$PORT" --port-file "$portfile" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$portfile"' EXIT
for _ in $(seq 1 100); do [ -s "$portfile" ] && break; sleep 0.1; done
[ -s "$portfile" ] || { echo "demo site did not start on port $PORT" >&2; exit 1; }

status=0
archiver crawl configs/demo.yaml --archive "$ARCHIVE" || status=$?

echo
echo "WARC files:     $(ls "$ARCHIVE"/warc/demo/*.warc.gz 2>/dev/null | wc -l) in $ARCHIVE/warc/demo/"
echo "Article JSON:   $(find "$ARCHIVE"/articles/demo -name '*.json' 2>/dev/null | wc -l) in $ARCHIVE/articles/demo/"
echo "Snapshots:      $(find "$ARCHIVE"/sections/demo -name '*.json' 2>/dev/null | wc -l) in $ARCHIVE/sections/demo/"
echo "Catalog:        $ARCHIVE/catalog.sqlite"
echo
echo "Look at them:"
echo "  archiver list --archive $ARCHIVE --site demo"
echo "  archiver show <id> --archive $ARCHIVE"
echo "  archiver sections demo --archive $ARCHIVE --section news"
echo "  archiver history <id> --archive $ARCHIVE"
echo "  archiver search harbour --archive $ARCHIVE"
echo "  archiver replay --archive $ARCHIVE     # then open http://127.0.0.1:8090/"
echo "  warcio index $ARCHIVE/warc/demo/*.warc.gz | head"
echo "Run 'make demo' again: only what is new or due is fetched; unchanged pages become revisits."
echo "(the commands are in .venv/bin; 'source .venv/bin/activate' first)"
exit $status
