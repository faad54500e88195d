#!/usr/bin/env bash
# The Slurm deployment tested on a real (one-node) Slurm cluster, as CI runs it:
#  1. installs Slurm and MUNGE from Debian's packages when missing (slurm-wlm, munge);
#  2. starts munged (unless one answers), slurmctld and slurmd with a slurm.conf
#     generated under a temporary directory (the system's /etc/slurm is not touched);
#  3. submits deploy/slurm-array.sbatch as a 4-task array and deploy/slurm-merge.sbatch
#     with --dependency=afterok; while the array runs, requeues one running task as a
#     preemption would (SIGTERM, then back in the queue) and checks that it resumed;
#  4. checks that the merged files are byte-identical to an unsharded run's;
#  5. stops the daemons it started and prints one last line with the verdict.
# Run as root from anywhere: deploy/slurm-test.sh  (exit 0 when the verdict is PASS).
# Settings: SCENARIO (default scenarios/full-return.toml), REPLICATIONS (default 480),
# REPATSIM (default target/release/repatsim, built when missing), KEEP=1 keeps the
# temporary directory (logs, parts) for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
SCENARIO="${SCENARIO:-scenarios/full-return.toml}"
REPLICATIONS="${REPLICATIONS:-480}"
REPATSIM="${REPATSIM:-$root/target/release/repatsim}"
tasks=4

verdict() { echo "slurm-test: $*"; }
fail() {
  echo "slurm-test: FAIL: $*" >&2
  exit 1
}

[[ $(id -u) == 0 ]] || fail "run as root (it starts slurmctld, slurmd and munged)"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  echo "installing slurm-wlm and munge from Debian's packages" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
if [[ ! -x $REPATSIM ]]; then
  cargo build --release --quiet
fi

tmp=$(mktemp -d /tmp/repatsim-slurm.XXXXXX)
chmod 755 "$tmp"
started_munge=0
cleanup() {
  local code=$?
  for pidfile in "$tmp/slurmd.pid" "$tmp/slurmctld.pid"; do
    if [[ -f $pidfile ]]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  if [[ $started_munge == 1 && -f /run/munge/munged.pid ]]; then
    kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
  fi
  # Wait for the daemons to go (they write their pid files' removal on exit).
  for _ in $(seq 50); do
    [[ -f "$tmp/slurmd.pid" || -f "$tmp/slurmctld.pid" ]] || break
    sleep 0.1
  done
  if [[ $code != 0 ]]; then
    for log in "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/logs/*; do
      [[ -f $log ]] && { echo "--- $log (last lines)" >&2; tail -n 15 "$log" >&2; }
    done
  fi
  if [[ ${KEEP:-0} == 1 ]]; then
    echo "kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

# MUNGE: Slurm's authentication. Debian's package creates the key; munged runs as munge.
if ! munge -n </dev/null >/dev/null 2>&1; then
  mkdir -p /run/munge
  chown munge:munge /run/munge
  su -s /bin/sh munge -c /usr/sbin/munged
  started_munge=1
  for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n </dev/null >/dev/null 2>&1 || fail "munged did not start"
fi

host=$(hostname -s)
cpus=$(nproc)
mem_mb=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10))
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/logs" "$tmp/out"
cat >"$tmp/slurm.conf" <<EOF
ClusterName=repatsim-test
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmUser=root
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
MinJobAge=3600
KillWait=30
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -i
slurmd
for _ in $(seq 100); do
  [[ $(sinfo -h -o %t 2>/dev/null) == idle ]] && break
  sleep 0.2
done
[[ $(sinfo -h -o %t 2>/dev/null) == idle ]] || fail "the node did not come up idle: $(sinfo 2>&1)"

state() { scontrol show job -o "$1" | grep -o 'JobState=[A-Z_]*' | head -n 1 | cut -d= -f2; }
# The state of each task of an array, one per line.
task_states() { scontrol show job -o "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }

out="$tmp/out"
array=$(sbatch --parsable --array=1-$tasks --cpus-per-task=1 --mem=100M \
  --output="$tmp/logs/%A_%a.out" \
  --export=ALL,SCENARIO="$root/$SCENARIO",REPLICATIONS="$REPLICATIONS",OUT="$out",REPATSIM="$REPATSIM",THREADS=1 \
  deploy/slurm-array.sbatch)
merge=$(sbatch --parsable --dependency=afterok:"$array" --mem=100M \
  --output="$tmp/logs/merge.out" --export=ALL,OUT="$out",REPATSIM="$REPATSIM" \
  deploy/slurm-merge.sbatch)
echo "submitted array $array ($tasks tasks, $REPLICATIONS replications of $SCENARIO) and merge $merge" >&2

# Preemption: once task 1 has run for a while, requeue it (Slurm sends SIGTERM, then puts
# the task back in the queue); when it runs again it must resume its partial folder.
for _ in $(seq 600); do
  [[ $(state "${array}_1") == RUNNING ]] && break
  sleep 0.1
done
[[ $(state "${array}_1") == RUNNING ]] || fail "task 1 never ran"
sleep 2
[[ $(state "${array}_1") == RUNNING ]] || fail "task 1 finished within 2 s: raise REPLICATIONS so it can be preempted"
scontrol requeue "${array}_1"
echo "requeued task 1 (as a preemption would)" >&2
# Slurm holds a requeued job back for a while (its begin time is set ahead); let it run as
# soon as a core is free, to keep the test short.
for _ in $(seq 300); do
  [[ $(state "${array}_1") == PENDING ]] && break
  sleep 0.1
done
scontrol update JobId="${array}_1" StartTime=now

deadline=$((SECONDS + 1200))
while :; do
  s=$(state "$merge")
  case $s in
    COMPLETED) break ;;
    PENDING | RUNNING | CONFIGURING | COMPLETING) ;;
    *) fail "merge job $merge ended $s; array tasks: $(task_states "$array" | tr '\n' ' ')" ;;
  esac
  ((SECONDS < deadline)) || fail "timed out waiting for the jobs"
  sleep 1
done

# Task 1 was stopped part-way and resumed rather than started again.
grep -q "interrupted:" "$tmp/logs/${array}_1.out" ||
  fail "task 1's log does not show it stopped: $(cat "$tmp/logs/${array}_1.out")"
grep -q "^resuming: " "$tmp/logs/${array}_1.out" ||
  fail "task 1's log does not show it resumed: $(cat "$tmp/logs/${array}_1.out")"
resumed=$(grep -m1 "^resuming: " "$tmp/logs/${array}_1.out")
echo "task 1: $resumed" >&2

# With the shards' own options (they leave the what-if to the merge, which runs it as
# the unsharded run does; merge-data.json records whether it was wanted).
"$REPATSIM" run "$root/$SCENARIO" -n "$REPLICATIONS" --threads 2 --quiet \
  --out "$tmp/whole" >/dev/null
for f in replications.csv timeseries.csv metrics.csv dictionary.csv merge-data.json; do
  cmp -s "$out/merged/$f" "$tmp/whole/$f" || fail "merged $f differs from the unsharded run's"
done
verdict "PASS: $tasks Slurm array tasks (one preempted and resumed: ${resumed#resuming: }) merged by a dependent job; replications.csv, timeseries.csv, metrics.csv, dictionary.csv and merge-data.json are byte-identical to an unsharded run of $REPLICATIONS replications"
