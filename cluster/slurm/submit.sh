#!/usr/bin/env bash
# Submit an E3 sweep to Slurm: the array job (one task per shard, sweep.sbatch) and the figures
# job that runs after it has succeeded (figures.sbatch, --dependency=afterok). Run it from
# anywhere; the jobs run in this checkout.
#
#   cluster/slurm/submit.sh SHARDS TRAIN-VAE-ARGS...
#
#   cluster/slurm/submit.sh 4 --sweep-file cluster/examples/ci-sweep.json --results-dir /shared/zgr
#   ZGR_PROFILE=paper ZGR_SBATCH_FLAGS="--cpus-per-task=8 --time=2-00:00:00" cluster/slurm/submit.sh 64 --sweep --results-dir /shared/zgr
#   ZGR_SBATCH_FLAGS="--gres=gpu:1 --cpus-per-task=4" ZGR_RUNNER=apptainer ZGR_GPU=1 \
#     ZGR_IMAGE=docker://registry.example.org/you/zgr-companion:gpu cluster/slurm/submit.sh 16 --sweep --profile paper --results-dir /shared/zgr
#
# TRAIN-VAE-ARGS: a whole sweep (--sweep with ZGR_PROFILE or --profile, or --sweep-file FILE) and
# --results-dir DIR on a file system every node sees. It prints the two job ids; with
# ZGR_SUBMIT_WAIT=1 it waits for the figures job and exits with its status (as CI does).
# Environment:
#   ZGR_SBATCH_FLAGS          extra sbatch options of the array tasks (--cpus-per-task, --gres=gpu:1,
#                             --time, --partition, --mem, an %K limit is --array's: use ZGR_ARRAY_LIMIT)
#   ZGR_FIGURES_SBATCH_FLAGS  extra sbatch options of the figures job (--time, --partition)
#   ZGR_ARRAY_LIMIT=K         at most K array tasks at once (--array=0-(N-1)%K)
#   ZGR_LOG_DIR               where the jobs' output files go (default: slurm-logs/ in the checkout)
#   ZGR_RUNNER, ZGR_IMAGE, ZGR_GPU, ZGR_BACKEND, ZGR_PROFILE: passed to the jobs (run.sh)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ $# -lt 2 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
  sed -n '2,16s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
shards=$1
shift

# the figures job's arguments: the same sweep and results folder (paths made absolute here:
# the jobs run in the checkout)
summary=() results="" profile_sweep=0 profile_given=0
args=("$@")
for ((k = 0; k < ${#args[@]}; k++)); do
  a=${args[k]}
  case "$a" in
    --sweep-file | --results-dir | --profile) v=${args[k + 1]:-} && k=$((k + 1)) ;;
    --sweep-file=* | --results-dir=* | --profile=*) v=${a#*=} a=${a%%=*} ;;
    --sweep) profile_sweep=1 && continue ;;
    *) continue ;;
  esac
  case "$a" in
    --sweep-file) v="$(cd "$(dirname "$v")" && pwd)/$(basename "$v")" ;;
    --results-dir) mkdir -p "$v" && v=$(cd "$v" && pwd) && results=$v ;;
    --profile) profile_given=1 ;;
  esac
  args[k]=$v
  summary+=("$a" "$v")
done
set -- "${args[@]}"
# --sweep runs ZGR_PROFILE's runs unless --profile names one
if [ "$profile_sweep" = 1 ] && [ "$profile_given" = 0 ]; then summary+=(--profile "${ZGR_PROFILE:-quick}"); fi
if [ -z "$results" ]; then
  echo "submit.sh: --results-dir DIR is required (a folder every node sees)" >&2
  exit 2
fi

logs=${ZGR_LOG_DIR:-$ROOT/slurm-logs}
mkdir -p "$logs"
array="0-$((shards - 1))${ZGR_ARRAY_LIMIT:+%$ZGR_ARRAY_LIMIT}"

# shellcheck disable=SC2086 # the flags are words
sweep=$(sbatch --parsable --chdir="$ROOT" --array="$array" --output="$logs/%x-%A_%a.out" ${ZGR_SBATCH_FLAGS:-} \
  "$ROOT/cluster/slurm/sweep.sbatch" "$@")
sweep=${sweep%%;*} # "id;cluster" on multi-cluster setups
echo "submitted sweep: array job $sweep, $shards shard(s) (--array=$array), results in $results, logs in $logs"

# afterok: only when every array task has succeeded; a dependency that can no longer be
# satisfied (a task failed for good) cancels the figures job instead of leaving it pending
# shellcheck disable=SC2086
figures=$(sbatch --parsable --chdir="$ROOT" --dependency="afterok:$sweep" --kill-on-invalid-dep=yes \
  --output="$logs/%x-%j.out" ${ZGR_FIGURES_SBATCH_FLAGS:-} "$ROOT/cluster/slurm/figures.sbatch" "${summary[@]}")
figures=${figures%%;*}
echo "submitted figures: job $figures, once array job $sweep has succeeded"
[ "${ZGR_SUBMIT_WAIT:-0}" = 1 ] || exit 0

# wait for the figures job (slurmctld remembers a finished job for MinJobAge, 5 minutes by default)
while :; do
  state=$(scontrol show job -o "$figures" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
  case "$state" in
    COMPLETED)
      echo "figures job $figures completed: summary and figures in $results"
      exit 0
      ;;
    PENDING | RUNNING | CONFIGURING | COMPLETING | REQUEUED | SUSPENDED) sleep 2 ;;
    *)
      echo "submit.sh: figures job $figures ended ${state:-unknown to slurmctld} (a failed array task cancels it); logs in $logs" >&2
      exit 1
      ;;
  esac
done
