#!/usr/bin/env bash
# Stops the Slurm daemons that .ci/slurm-up.sh started (slurmd, slurmctld, munged), each by its pid
# file, never by name; daemons that were already running before slurm-up are left alone.
# Idempotent; always exits 0.
set -uo pipefail
STATE=/var/lib/sluice-ci-slurm

stop() { # name pidfile
  local pid
  [ -e "$STATE/started-$1" ] || return 0
  rm -f "$STATE/started-$1"
  [ -s "$2" ] || return 0
  pid=$(cat "$2")
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  echo "slurm-down: $1 (pid $pid) did not stop on SIGTERM, killing it" >&2
  kill -KILL "$pid" 2>/dev/null
}

# Jobs the tests left running would otherwise keep their processes under slurmd.
if [ -e "$STATE/started-slurmctld" ] && command -v scancel >/dev/null; then
  scancel --quiet --user="$(id -un)" 2>/dev/null || true
  for _ in $(seq 25); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
fi
stop slurmd /run/slurmd.pid
stop slurmctld /run/slurmctld.pid
stop munged /run/munge/munged.pid
exit 0
