#!/usr/bin/env bash
# Runs one shard of a repatsim batch; used by the Slurm and Kubernetes examples in this
# folder (see docs/SCALING.md). Which shard comes from the scheduler's environment:
#   Slurm job array:          SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT
#   Kubernetes Indexed Job:   JOB_COMPLETION_INDEX (0-based) and SHARD_COUNT
#   anything else:            SHARD_INDEX (1-based) and SHARD_COUNT
# Settings: SCENARIO (file), REPLICATIONS (total over all shards), OUT (results folder),
# THREADS (default: all cores of the task), REPATSIM (the binary; default: repatsim),
# FRESH=1 (start the shard afresh even if its folder holds a stopped run to resume).
set -euo pipefail

: "${SCENARIO:?set SCENARIO to the scenario file}"
: "${REPLICATIONS:?set REPLICATIONS to the total number of replications}"
: "${OUT:?set OUT to the results folder shared by all shards}"
REPATSIM="${REPATSIM:-repatsim}"

if [[ -n "${SLURM_ARRAY_TASK_ID:-}" ]]; then
  index=$(( SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-1} + 1 ))
  count="${SLURM_ARRAY_TASK_COUNT:?Slurm did not set SLURM_ARRAY_TASK_COUNT}"
elif [[ -n "${JOB_COMPLETION_INDEX:-}" ]]; then
  index=$(( JOB_COMPLETION_INDEX + 1 ))
  count="${SHARD_COUNT:?set SHARD_COUNT to the number of completions of the Job}"
else
  index="${SHARD_INDEX:?set SHARD_INDEX (1-based) and SHARD_COUNT}"
  count="${SHARD_COUNT:?set SHARD_COUNT}"
fi

threads=()
if [[ -n "${THREADS:-${SLURM_CPUS_PER_TASK:-}}" ]]; then
  threads=(--threads "${THREADS:-$SLURM_CPUS_PER_TASK}")
fi

mkdir -p "$OUT"
part="$OUT/part-$index"
# A shard that was stopped (preempted, requeued, timed out, Ctrl-C) left its finished
# replications in its folder, marked partial: continue from them (the log says
# "resuming: ..."; stderr is the log, no progress bar is drawn there). A complete folder of
# the same run is left as it is. FRESH=1 starts the shard again from nothing.
if [[ -f "$part/summary.json" && "${FRESH:-0}" != 1 ]]; then
  where=(--resume "$part")
else
  where=(--force --out "$part")
fi
exec "$REPATSIM" run "$SCENARIO" -n "$REPLICATIONS" --shard "$index/$count" \
  "${threads[@]}" "${where[@]}" >/dev/null
