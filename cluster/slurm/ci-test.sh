#!/usr/bin/env bash
# The Slurm route tested for real (called by .ci/run; as root, on a Debian machine with a built
# checkout): a one-node Slurm on this machine (Debian's slurm-wlm and munge; slurmctld + slurmd
# on localhost, no cgroups), then
#   1. the CI sweep (cluster/examples/ci-sweep.json: 8 runs of 1 epoch on 500 images) run locally
#      in one process: the reference;
#   2. the same sweep through cluster/slurm/submit.sh as the README and docs/scale-out.md give it:
#      a 4-task array job, then the figures job (--dependency=afterok); its summary, figures and
#      every run's numbers (per-epoch −ELBOs, weights checksum) must equal the reference's;
#   3. pre-emption: a run of 12 epochs as a one-task array job, requeued by `scontrol requeue`
#      after its epoch-2 checkpoint; Slurm runs the task again, the run resumes from its
#      checkpoint and ends with the numbers of an uninterrupted local run;
#   4. failure: a task that fails is requeued by sweep.sbatch (ZGR_MAX_REQUEUES) and then fails
#      for good, and its figures job is cancelled rather than left pending.
# The daemons are started here and stopped at the end (by pid); the Slurm configuration lives
# in the scratch folder (SLURM_CONF), not in /etc/slurm.
#
#   bash cluster/slurm/ci-test.sh          (after npm ci && npm run build)
#
# Environment: ZGR_SLURM_WORK scratch folder (default /var/tmp/zgr-slurm-ci, emptied first);
# ZGR_SLURM_SKIP_APT=1 when slurm-wlm, munge and chromium are installed already;
# ZGR_SLURM_IMAGE=TAG also runs the CI sweep through the image with podman (5.), e.g. the one
# scripts/docker-smoke.sh builds, localhost/zgr-companion:cpu-smoke (it must hold this checkout).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${ZGR_SLURM_WORK:-/var/tmp/zgr-slurm-ci}
T0=$(date +%s)
PIDS=()

log() { printf '\n== [slurm-ci %4ds] %s\n' $(($(date +%s) - T0)) "$*"; }
fail() {
  echo "slurm-ci: FAILED: $*" >&2
  exit 1
}
source "$ROOT/scripts/retry.sh"

cleanup() {
  local status=$?
  if [ "$status" != 0 ]; then
    echo "--- slurmctld log (tail)"; tail -n 30 "$WORK/log/slurmctld.log" 2>/dev/null || true
    echo "--- slurmd log (tail)"; tail -n 30 "$WORK/log/slurmd.log" 2>/dev/null || true
    for f in "$WORK"/logs/*.out; do [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done
  fi
  scancel --quiet --user=root 2>/dev/null || true
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  printf '\nslurm-ci: %s in %ds\n' "$([ "$status" = 0 ] && echo passed || echo failed)" $(($(date +%s) - T0))
  exit "$status"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || fail "run as root (it starts slurmctld, slurmd and munged)"
[ -f "$ROOT/dist/scripts/train-vae.js" ] || fail "build first: npm ci && npm run build"

if [ "${ZGR_SLURM_SKIP_APT:-0}" != 1 ]; then
  log "apt: slurm-wlm, munge (and chromium for the figures job)"
  export DEBIAN_FRONTEND=noninteractive
  retry apt-get update -q
  retry apt-get install -y -q --no-install-recommends slurm-wlm munge chromium
fi

log "a one-node Slurm on localhost (configuration in $WORK/slurm.conf)"
rm -rf "$WORK"
mkdir -p "$WORK"/{spool/ctld,spool/d,log,run,logs}
export SLURM_CONF=$WORK/slurm.conf
mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.8) }' /proc/meminfo)
cat >"$SLURM_CONF" <<EOF
# one node, no cgroups (PLATFORM.md): written by cluster/slurm/ci-test.sh
ClusterName=zgrci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# a requeued job waits this long before it starts again (default 120 s)
AuthInfo=cred_expire=10
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
StateSaveLocation=$WORK/spool/ctld
SlurmdSpoolDir=$WORK/spool/d
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
NodeName=localhost CPUs=$(nproc) RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

if ! munge -n >/dev/null 2>&1; then
  mkdir -p /run/munge && chown munge:munge /run/munge
  su -s /bin/sh munge -c /usr/sbin/munged
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n >/dev/null || fail "munged did not start"
  PIDS+=("$(cat /run/munge/munged.pid)")
fi
slurmctld -D -c >"$WORK/log/slurmctld.stdout" 2>&1 &
PIDS+=($!)
slurmd -D -N localhost >"$WORK/log/slurmd.stdout" 2>&1 &
PIDS+=($!)
for _ in $(seq 60); do
  state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 1
done
[ "$state" = idle ] || fail "the node is not idle after 60 s (sinfo: ${state:-no answer})"
sinfo

# job_field ID NAME: a field of the job (while slurmctld remembers it: MinJobAge, 5 minutes)
job_field() { scontrol show job -o "$1" | grep -o "$2=[^ ]*" | head -n 1 | cut -d= -f2; }
# wait_job ID SECONDS: until the job (every task of an array) has ended; prints the final state
wait_job() {
  local id=$1 deadline=$(($(date +%s) + $2)) states
  while :; do
    states=$(scontrol show job -o "$id" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | tr '\n' ' ')
    case "$states" in
      *PENDING* | *RUNNING* | *CONFIGURING* | *COMPLETING* | *REQUEUE* | *SUSPENDED* | "") ;;
      *) echo "$states" && return 0 ;;
    esac
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timeout: $states"; return 1; }
    sleep 1
  done
}
# the commands below are those of docs/scale-out.md (test/cluster/docs.test.ts holds them equal),
# run from the checkout with the scratch folder as the shared one
cd "$ROOT"
SHARED=$WORK
export ZGR_BACKEND=wasm # the same backend on both sides: same seeds, same numbers
export ZGR_LOG_DIR=$WORK/logs

log "1. the CI sweep locally, one process (the reference)"
start=$(date +%s)
node dist/scripts/train-vae.js --sweep-file cluster/examples/ci-sweep.json --workers 1 --results-dir "$SHARED/ci-local"
echo "local sweep: $(($(date +%s) - start)) s"

log "2. the CI sweep on Slurm: 4 array tasks, then the figures job (afterok)"
start=$(date +%s)
ZGR_SUBMIT_WAIT=1 cluster/slurm/submit.sh 4 --sweep-file cluster/examples/ci-sweep.json --results-dir "$SHARED/ci-sweep"
echo "Slurm sweep + figures job: $(($(date +%s) - start)) s"
cat "$WORK"/logs/zgr-sweep-*_0.out
ls "$SHARED/ci-sweep" "$SHARED/ci-sweep/figures"
for f in summary.json summary.md figures/e3-sweep-8x4-test.svg figures/e3-sweep-8x4-train.png; do
  [ -s "$SHARED/ci-sweep/$f" ] || fail "the figures job did not write $SHARED/ci-sweep/$f"
done
runs=$(find "$SHARED/ci-sweep" -mindepth 1 -maxdepth 1 -type d -name '8x4-*' | wc -l)
[ "$runs" = 8 ] || fail "expected 8 run folders in $SHARED/ci-sweep, found $runs"
leftovers=$(find "$SHARED/ci-sweep" -name '*.tmp' -o -name 'checkpoint*' | head -n 5)
[ -z "$leftovers" ] || fail "temporary files or checkpoints left behind: $leftovers"
# every task ran its own share: 2 runs each
for i in 0 1 2 3; do
  n=$(grep -c 'test −ELBO' "$WORK/logs/"zgr-sweep-*_"$i".out || true)
  [ "$n" = 2 ] || fail "array task $i reported $n runs, expected 2"
done
node dist/scripts/e3-summary.js --sweep-file cluster/examples/ci-sweep.json --results-dir "$SHARED/ci-sweep" --compare "$SHARED/ci-local"

log "3. pre-emption: scontrol requeue of a running task; the run resumes from its checkpoint"
cat >"$WORK/requeue.json" <<'EOF'
[{ "C": 8, "numLatents": 4, "estimator": { "name": "zgr" }, "seed": 7, "epochs": 12, "trainSize": 500, "testSize": 200 }]
EOF
node "$ROOT/dist/scripts/train-vae.js" --sweep-file "$WORK/requeue.json" --workers 1 --results-dir "$WORK/requeue-local" --no-progress
job=$(sbatch --parsable --chdir="$ROOT" --array=0-0 --output="$WORK/logs/%x-%A_%a.out" \
  "$ROOT/cluster/slurm/sweep.sbatch" --sweep-file "$WORK/requeue.json" --results-dir "$WORK/requeue")
deadline=$(($(date +%s) + 120))
until grep -qs '"epoch": [2-9]' "$WORK"/requeue/*/checkpoint.json; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "no epoch-2 checkpoint after 120 s"
  sleep 0.2
done
scontrol requeue "${job}_0"
echo "requeued ${job}_0 after its checkpoint: $(grep -o '"epoch": [0-9]*' "$WORK"/requeue/*/checkpoint.json | head -n 1)"
final=$(wait_job "${job}_0" 300) || fail "the requeued task did not finish: $final"
[ "$final" = "COMPLETED " ] || fail "the requeued task ended $final"
restarts=$(job_field "${job}_0" Restarts)
[ "$restarts" -ge 1 ] || fail "the task was not restarted (Restarts=$restarts)"
resumes=$(grep -o '"resumes": [0-9]*' "$WORK"/requeue/*/result.json | grep -o '[0-9]*$')
[ "$resumes" -ge 1 ] || fail "the run did not resume from a checkpoint (resumes $resumes)"
node "$ROOT/dist/scripts/e3-summary.js" --sweep-file "$WORK/requeue.json" --results-dir "$WORK/requeue" --compare "$WORK/requeue-local"
echo "requeued task: Restarts=$restarts, the run resumed $resumes time(s), same numbers as the uninterrupted run"

log "4. failure: a failing task is requeued (ZGR_MAX_REQUEUES=1), then fails; its figures job is cancelled"
out=$(ZGR_MAX_REQUEUES=1 cluster/slurm/submit.sh 1 --sweep-file "$WORK/no-such-sweep.json" --results-dir "$WORK/failing")
echo "$out"
job=$(sed -n 's/^submitted sweep: array job \([0-9]*\).*/\1/p' <<<"$out")
figures=$(sed -n 's/^submitted figures: job \([0-9]*\).*/\1/p' <<<"$out")
[ -n "$job" ] && [ -n "$figures" ] || fail "submit.sh did not print the job ids"
final=$(wait_job "${job}_0" 120) || fail "the failing task did not end: $final"
[ "$final" = "FAILED " ] || fail "the failing task ended $final, expected FAILED"
[ "$(job_field "${job}_0" Restarts)" = 1 ] || fail "the failing task was restarted $(job_field "${job}_0" Restarts) time(s), expected 1"
final=$(wait_job "$figures" 60) || fail "its figures job did not end: $final"
[ "$final" = "CANCELLED " ] || fail "its figures job ended $final, expected CANCELLED"
out=$WORK/logs/zgr-sweep-${job}_0.out
grep -q 'requeueing' "$out" || fail "the failing task was not requeued by sweep.sbatch ($out)"
grep -q 'failed with status 1 after 1 restart' "$out" || fail "the failing task did not stop after 1 requeue ($out)"
echo "failing task: requeued once by sweep.sbatch, then FAILED; its figures job CANCELLED"

if [ -n "${ZGR_SLURM_IMAGE:-}" ]; then
  log "5. the CI sweep on Slurm through the image (podman, $ZGR_SLURM_IMAGE); results equal the local run"
  # PLATFORM.md: podman here needs runc, cgroupfs and explicit ulimits
  ZGR_RUNNER=podman ZGR_IMAGE=$ZGR_SLURM_IMAGE ZGR_PODMAN_FLAGS="--runtime runc --cgroup-manager=cgroupfs --ulimit nofile=4096:4096 --ulimit nproc=4096:4096" \
    ZGR_SUBMIT_WAIT=1 cluster/slurm/submit.sh 4 --sweep-file cluster/examples/ci-sweep.json --results-dir "$SHARED/ci-podman"
  node dist/scripts/e3-summary.js --sweep-file cluster/examples/ci-sweep.json --results-dir "$SHARED/ci-podman" --compare "$SHARED/ci-local"
fi

log "passed"
