#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine for the Slurm tests (run as root; idempotent).
# Installs Debian's slurm-wlm and munge if missing, writes a minimal slurm.conf naming this host
# (CPUs = this machine's cores), starts munged, slurmctld and slurmd, and waits until the node is idle.
# .ci/slurm-down.sh stops the daemons this started (by pid file; running ones are left as they are).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-up: must run as root (it installs packages and starts daemons)" >&2
  exit 1
fi

STATE=/var/lib/sluice-ci-slurm            # our marker: the conf below is ours to rewrite
CONF=/etc/slurm/slurm.conf
NODE=$(hostname -s)
CPUS=$(nproc)
LOG=/var/log/slurm

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm-up: installing slurm-wlm and munge from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Other jobs may hold the dpkg lock for a while: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

mkdir -p "$STATE"
# munge: a key owned by munge, then the daemon as the munge user.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  if command -v mungekey >/dev/null; then
    mungekey -c -f -k /etc/munge/munge.key
  else
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if ! alive /run/munge/munged.pid; then
  runuser -u munge -- /usr/sbin/munged
  touch "$STATE/started-munged"
fi
for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.2; done
munge -n </dev/null | unmunge >/dev/null || { echo "slurm-up: munge does not work" >&2; exit 1; }

# slurm.conf: written when missing or when it is ours (a conf someone else wrote is left alone).
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd "$LOG"
if [ ! -e "$CONF" ] || [ -e "$STATE/conf-is-ours" ]; then
  MEM_MB=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
  cat >"$CONF" <<EOF
# Written by sluice .ci/slurm-up.sh: a single-node cluster for tests.
ClusterName=sluice-ci
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=300
NodeName=$NODE CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
  touch "$STATE/conf-is-ours"
fi

# A marker per daemon started here: slurm-down.sh stops those and leaves daemons someone else ran.
if ! alive /run/slurmctld.pid; then
  slurmctld
  touch "$STATE/started-slurmctld"
fi
if ! alive /run/slurmd.pid; then
  slurmd
  touch "$STATE/started-slurmd"
fi

# Wait until the node is idle (or mixed/allocated by a job already); a node left down by an earlier
# run is resumed.
for i in $(seq 120); do
  st=$(sinfo -h -N -n "$NODE" -o '%t' 2>/dev/null | head -n 1 || true)
  case "$st" in
    idle | mix | alloc) echo "slurm-up: node $NODE is $st" >&2; exit 0 ;;
    down* | drain* | drng*) scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
done
echo "slurm-up: node $NODE did not become idle (last state: ${st:-none}); see $LOG/slurmctld.log and $LOG/slurmd.log" >&2
exit 1
