#!/bin/sh
# bin/openskylab of a release: runs the bundled app (app/main.js) on the Deno runtime shipped
# beside it (lib/deno). Every argument goes to OpenSkyLab itself, so `--help` and `--version` are
# OpenSkyLab's; there is no way through here to the Deno command line. Nothing is fetched: npm
# resolution reads the release's own node_modules, remote imports are refused.
set -eu

self=$(readlink -f "$0")
root=$(dirname "$(dirname "$self")")

# V8's code cache. Without a writable DENO_DIR every start compiles the app again (slow on a
# Pi): systemd's CacheDirectory first, then the user's cache.
if [ -z "${DENO_DIR:-}" ]; then
	if [ -n "${CACHE_DIRECTORY:-}" ]; then
		DENO_DIR="${CACHE_DIRECTORY%%:*}/deno"
	else
		DENO_DIR="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/openskylab/deno"
	fi
fi
export DENO_DIR
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 NO_COLOR="${NO_COLOR:-1}"

exec "$root/lib/deno" run \
	--no-config --no-lock --node-modules-dir=manual --no-remote --cached-only \
	--allow-all --unstable-net --v8-flags=--optimize-for-size \
	"$root/app/main.js" "$@"
