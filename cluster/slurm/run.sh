#!/usr/bin/env bash
# Run one of the project's scripts on this node, natively or in the project's image: what the
# Slurm jobs (sweep.sbatch, figures.sbatch) call on each node.
#
#   cluster/slurm/run.sh train-vae --sweep-file FILE --results-dir DIR --shard 0/4 --workers 2
#   cluster/slurm/run.sh e3-summary --sweep-file FILE --results-dir DIR
#   cluster/slurm/run.sh reproduce 06 07        (the notebooks: figures into the checkout's figures/,
#                                                or the image's `figures` command into $ZGR_FIGURES_DIR)
#
# NAME is a script of scripts/ (run as node dist/scripts/NAME.js); the other arguments are its own.
#
# Environment:
#   ZGR_RUNNER    native (default): node ≥ 20 and a built checkout (npm ci && npm run build)
#                 podman:    podman run … $ZGR_IMAGE
#                 apptainer: apptainer exec … $ZGR_IMAGE (singularity where apptainer is absent)
#   ZGR_IMAGE     the image (see docs/docker.md): a registry reference, e.g.
#                 docker://registry.example.org/you/zgr-companion:cpu (apptainer converts it once
#                 into its cache; podman pulls it), a local podman tag, or a .sif file
#   ZGR_BIND      more folders for the container, colon-separated (those named by --results-dir,
#                 --figures, --compare and --sweep-file are mounted at the same path anyway)
#   ZGR_GPU=1     the node's GPUs into the container (podman: --device nvidia.com/gpu=all, CDI;
#                 apptainer: --nv); use the image's gpu variant
#   ZGR_PODMAN_FLAGS  extra podman run flags (e.g. --runtime runc --cgroup-manager=cgroupfs)
#   ZGR_REPO      the checkout for native runs (default: the one this script is in)
#   ZGR_FIGURES_DIR   where the image's `figures` command writes (reproduce in a container)
#   Passed on into the container: ZGR_BACKEND ZGR_PROFILE ZGR_CACHE_E3_VAE_TRAINING ZGR_EXPECT_GPU ZGR_CELL_TIMEOUT
set -euo pipefail

if [ $# -lt 1 ]; then
  sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
name=$1
shift
ROOT=${ZGR_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
RUNNER=${ZGR_RUNNER:-native}
PASS_ENV=(ZGR_BACKEND ZGR_PROFILE ZGR_CACHE_E3_VAE_TRAINING ZGR_EXPECT_GPU ZGR_CELL_TIMEOUT)

# the folders a container sees at the same path: those of the arguments (created when missing)
# and ZGR_BIND's
binds=()
if [ -n "${ZGR_BIND:-}" ]; then
  IFS=: read -r -a binds <<<"$ZGR_BIND"
fi
# path arguments made absolute (the script runs in the checkout, or in /app in the image)
args=("$@")
for ((k = 0; k < ${#args[@]}; k++)); do
  opt=${args[k]%%=*}
  case "$opt" in
    --results-dir | --figures | --compare | --sweep-file) ;;
    *) continue ;;
  esac
  if [ "$opt" = "${args[k]}" ]; then # "--opt VALUE", else "--opt=VALUE"
    inline=0
    k=$((k + 1))
    value=${args[k]:-}
  else
    inline=1
    value=${args[k]#*=}
  fi
  [ -n "$value" ] || continue # the script names what is missing
  if [ "$opt" = --sweep-file ]; then
    dir=$(cd "$(dirname "$value")" && pwd) || exit 2
    value="$dir/$(basename "$value")"
  else
    mkdir -p "$value"
    dir=$(cd "$value" && pwd)
    value=$dir
  fi
  binds+=("$dir")
  if [ "$inline" = 1 ]; then args[k]="$opt=$value"; else args[k]=$value; fi
done
set -- "${args[@]}"

need_image() {
  if [ -z "${ZGR_IMAGE:-}" ]; then
    echo "run.sh: ZGR_RUNNER=$RUNNER needs ZGR_IMAGE (e.g. docker://registry.example.org/you/zgr-companion:cpu; docs/docker.md)" >&2
    exit 2
  fi
}

case "$RUNNER" in
  native)
    script="$ROOT/dist/scripts/$name.js"
    if [ ! -f "$script" ]; then
      echo "run.sh: $script not found: build the checkout first (cd $ROOT && npm ci && npm run build)" >&2
      exit 2
    fi
    cd "$ROOT"
    exec node "$script" "$@"
    ;;
  podman)
    need_image
    flags=(--rm --network=none)
    # rootless podman: the container runs as the submitting user, so the shared folder stays theirs
    if [ "$(id -u)" != 0 ]; then flags+=(--userns=keep-id); fi
    flags+=(--user "$(id -u):$(id -g)")
    for d in "${binds[@]}"; do flags+=(-v "$d:$d"); done
    for v in "${PASS_ENV[@]}"; do [ -n "${!v:-}" ] && flags+=(-e "$v=${!v}"); done
    if [ "${ZGR_GPU:-0}" = 1 ]; then flags+=(--device nvidia.com/gpu=all); fi
    # shellcheck disable=SC2206 # extra flags are words
    extra=(${ZGR_PODMAN_FLAGS:-})
    if [ "$name" = reproduce ]; then
      # the image's own command: notebooks run, figures into the mounted folder
      mkdir -p "${ZGR_FIGURES_DIR:?run.sh: set ZGR_FIGURES_DIR for reproduce in a container}"
      exec podman run "${flags[@]}" "${extra[@]}" -v "$ZGR_FIGURES_DIR:/app/figures" "$ZGR_IMAGE" figures "$@"
    fi
    exec podman run "${flags[@]}" "${extra[@]}" "$ZGR_IMAGE" node "dist/scripts/$name.js" "$@"
    ;;
  apptainer | singularity)
    need_image
    tool=$(command -v apptainer || command -v singularity || true)
    if [ -z "$tool" ]; then
      echo "run.sh: neither apptainer nor singularity is on PATH (module load apptainer?)" >&2
      exit 2
    fi
    # --cleanenv: the image's environment (PATH, NODE paths), not the node's; /app is the checkout in the image
    flags=(--cleanenv --pwd /app)
    for d in "${binds[@]}"; do flags+=(--bind "$d"); done
    for v in "${PASS_ENV[@]}"; do [ -n "${!v:-}" ] && flags+=(--env "$v=${!v}"); done
    if [ "${ZGR_GPU:-0}" = 1 ]; then
      # the image's CUDA kernel cache (/var/cache/zgr/cuda) is read-only in a SIF: keep it in $HOME
      flags+=(--nv --env "CUDA_CACHE_PATH=${HOME}/.cache/zgr/cuda")
    fi
    if [ "$name" = reproduce ]; then
      mkdir -p "${ZGR_FIGURES_DIR:?run.sh: set ZGR_FIGURES_DIR for reproduce in a container}"
      # the notebooks are executed in place: a writable layer over the read-only image
      exec "$tool" exec "${flags[@]}" --writable-tmpfs --bind "$ZGR_FIGURES_DIR:/app/figures" "$ZGR_IMAGE" node dist/scripts/reproduce.js "$@"
    fi
    exec "$tool" exec "${flags[@]}" "$ZGR_IMAGE" node "dist/scripts/$name.js" "$@"
    ;;
  *)
    echo "run.sh: ZGR_RUNNER must be native, podman or apptainer, got \"$RUNNER\"" >&2
    exit 2
    ;;
esac
