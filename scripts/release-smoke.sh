#!/usr/bin/env bash
# make release-check, after the goreleaser snapshot build: run the linux/amd64
# binary it built. Its name must carry the version, `version` must print the
# version and commit that the ldflags injected, and its sandbox must start and
# answer GET /sandbox/stats. Nothing is left running.
set -euo pipefail

dist=${1:-dist}
bin=$(find "$dist" -type f -name 'terraform-provider-moka_v*' -path '*linux_amd64*' | sed -n 1p)
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "release-smoke: no linux/amd64 terraform-provider-moka_v* binary under $dist" >&2
  exit 1
fi
echo "release-smoke: $bin"

# goreleaser's metadata.json names the version it built, such as 0.1.0-SNAPSHOT-1a2b3c4.
want=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$dist/metadata.json" | sed -n 1p)
commit=$(sed -n 's/.*"commit": *"\([^"]*\)".*/\1/p' "$dist/metadata.json" | sed -n 1p)
if [ -z "$want" ]; then
  echo "release-smoke: no version in $dist/metadata.json" >&2
  exit 1
fi
case "$(basename "$bin")" in
  "terraform-provider-moka_v$want") ;;
  *) echo "release-smoke: binary $(basename "$bin") is not named terraform-provider-moka_v$want" >&2; exit 1 ;;
esac

got=$("$bin" version)
echo "release-smoke: version prints: $got"
case "$got" in
  "$want ("*")") ;;
  *) echo "release-smoke: version printed \"$got\", want \"$want (<commit>)\"" >&2; exit 1 ;;
esac
if [ -n "$commit" ] && [ "$got" != "$want ($commit)" ]; then
  echo "release-smoke: version printed \"$got\", want \"$want ($commit)\"" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/moka-release-smoke.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" && wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

mkfifo "$work/out"
"$bin" sandbox --listen 127.0.0.1:0 --quiet >"$work/out" 2>"$work/err" &
pid=$!
exec 3<"$work/out"
if ! read -r -t 20 first <&3; then
  echo "release-smoke: the sandbox did not start:" >&2
  cat "$work/err" >&2
  exit 1
fi
cat <&3 >/dev/null &
echo "release-smoke: sandbox says: $first"
url=${first#listening on }
case "$url" in
  http://127.0.0.1:*) ;;
  *) echo "release-smoke: unexpected first line \"$first\"" >&2; exit 1 ;;
esac
stats=$(curl -fsS --max-time 10 "$url/sandbox/stats")
echo "release-smoke: GET /sandbox/stats: $stats"
case "$stats" in
  *'"calls"'*) ;;
  *) echo "release-smoke: /sandbox/stats did not answer with calls" >&2; exit 1 ;;
esac
echo "release-smoke: ok"
