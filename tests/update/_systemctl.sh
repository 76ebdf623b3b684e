#!/bin/bash
# The host update test's service manager, installed as `systemctl` first on PATH: systemd cannot
# run as PID 1 in these containers (the VM test runs the real one). It does for the units the
# update touches what their unit files say — openskylab.service runs
# <root>/opt/openskylab/current/bin/openskylab serve; openskylab-update.service and
# openskylab-rollback.service run update-release apply / rollback as a job of their own — and
# answers only the verbs the app and update-release use (start [--no-block], stop, and show of
# NRestarts and ActiveState: it never restarts a service, so the guard's deadline decides here).
# env: OSL_ROOT (the box's root), OSL_CONFIG, OSL_DATA, OSL_UPDATE_RELEASE (the script)
set -euo pipefail

args=()
property=
while [ $# -gt 0 ]; do
	case "$1" in
	--no-ask-password | --no-block | --quiet | --value) ;;
	-p) property=$2; shift ;;
	*) args+=("$1") ;;
	esac
	shift
done
verb=${args[0]:?verb}
unit=${args[1]:?unit}
run="$OSL_ROOT/run"
mkdir -p "$run"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

case "$verb:$unit" in
start:openskylab.service)
	alive "$run/service.pid" && exit 0
	setsid "$OSL_ROOT/opt/openskylab/current/bin/openskylab" serve \
		--config "$OSL_CONFIG" --data-dir "$OSL_DATA" >>"$OSL_ROOT/service.log" 2>&1 </dev/null &
	echo $! >"$run/service.pid"
	echo "$(date +%s) started $(readlink "$OSL_ROOT/opt/openskylab/current") pid $!" >>"$OSL_ROOT/service.log"
	;;
stop:openskylab.service)
	alive "$run/service.pid" || exit 0
	pid=$(cat "$run/service.pid")
	kill -TERM "$pid"
	# TimeoutStopSec, then SIGKILL, as systemd does.
	for _ in $(seq 1 600); do
		kill -0 "$pid" 2>/dev/null || exit 0
		sleep 0.25
	done
	kill -KILL "$pid" 2>/dev/null || true
	;;
show:openskylab.service)
	case "$property" in
	NRestarts) echo 0 ;;
	ActiveState) if alive "$run/service.pid"; then echo active; else echo inactive; fi ;;
	*) echo "systemctl (update test): show -p $property is not handled" >&2; exit 1 ;;
	esac
	;;
start:openskylab-update.service | start:openskylab-rollback.service)
	command=apply
	[ "$unit" = openskylab-rollback.service ] && command=rollback
	setsid "$OSL_UPDATE_RELEASE" --root "$OSL_ROOT" "$command" >>"$OSL_ROOT/update.log" 2>&1 </dev/null &
	echo $! >"$run/update.pid"
	;;
*)
	echo "systemctl (update test): $verb $unit is not handled" >&2
	exit 1
	;;
esac
