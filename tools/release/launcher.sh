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
# Two malloc arenas instead of one per thread: the imaging and catalogue workers' freed frame
# buffers otherwise stay mapped (a soak's RSS ended at 444 MB with a 37 MB V8 heap; 365 MB with 2).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 NO_COLOR="${NO_COLOR:-1}"

exec "$root/lib/deno" run \
	--no-config --no-lock --node-modules-dir=manual --no-remote --cached-only \
	--allow-all --unstable-net --v8-flags=--optimize-for-size \
	"$root/app/main.js" "$@"
