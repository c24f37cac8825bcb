# retry CMD…: run a command (a network install) up to 5 times, waiting 10, 20, 30, 40 s between tries.
# Sourced by .ci/run, scripts/docker-smoke.sh and cluster/slurm/ci-test.sh.
retry() {
  local n
  for n in 1 2 3 4; do
    "$@" && return 0
    echo "retry $n failed: $*" >&2
    sleep $((n * 10))
  done
  "$@"
}
