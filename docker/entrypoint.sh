#!/bin/sh
# The image's commands (Dockerfile: ENTRYPOINT tini -- this script, CMD figures).
#   figures [SELECTOR...]  execute the notebooks (npm run reproduce) and write the figures into
#                          /app/figures; mount it: -v "$PWD/figures:/app/figures". ZGR_PROFILE
#                          (quick, the default, or paper) is passed on.
#   lab [ARGS...]          JupyterLab on port 8888 (ZGR_LAB_PORT) serving /app/notebooks, where
#                          new notebooks are saved: mount it to keep them, with --user "$(id -u):$(id -g)"
#                          -v "$PWD/notebooks:/app/notebooks"; the login token is printed (or set
#                          one with -e JUPYTER_TOKEN=...)
#   test                   the test suite (as `npm test`, on the build made in the image)
#   gpu-check [ARGS...]    the backend and device in use and a timed matmul; exits non-zero when
#                          a GPU variant runs on the CPU
#   help                   this text
#   anything else          run as a command (e.g. bash)
set -eu

APP=/app
FIGURES="$APP/figures"
NOTEBOOKS="$APP/notebooks"

usage() {
  sed -n '2,16s/^# \{0,1\}//p' "$0"
}

# `--user "$(id -u):$(id -g)"` may give a uid with no home (HOME=/): use a private one in /tmp
if [ ! -w "${HOME:-/}" ] || [ "${HOME:-/}" = / ]; then
  HOME="/tmp/zgr-home-$(id -u)"
  mkdir -p "$HOME"
  export HOME
fi

is_mount_point() {
  # field 5 of /proc/self/mountinfo is the mount point
  awk -v d="$1" '$5 == d { found = 1 } END { exit !found }' /proc/self/mountinfo 2>/dev/null
}

cmd=${1:-figures}
[ $# -gt 0 ] && shift
cd "$APP"

case "$cmd" in
  figures)
    if [ ! -w "$FIGURES" ]; then
      echo "figures: $FIGURES is not writable by uid $(id -u)." >&2
      echo "  Run as yourself so that the mounted folder is yours:" >&2
      echo "  docker run ... --user \"\$(id -u):\$(id -g)\" -v \"\$PWD/figures:$FIGURES\" ... figures" >&2
      exit 3
    fi
    is_mount_point "$FIGURES" ||
      echo "figures: note: $FIGURES is not mounted from the host; the figures stay in the container (add -v \"\$PWD/figures:$FIGURES\")" >&2
    echo "figures: variant ${ZGR_VARIANT:-?}, profile ${ZGR_PROFILE:-quick}, writing into $FIGURES" >&2
    # = `npm run reproduce -- "$@"` without its `npm run build` step: dist/ was built with the
    # image (and /app is not writable by every --user uid)
    status=0
    node dist/scripts/reproduce.js "$@" || status=$?
    echo "figures: $(find "$FIGURES" -maxdepth 1 -type f ! -name '.*' | wc -l) file(s) in $FIGURES" >&2
    exit "$status"
    ;;
  lab)
    port=${ZGR_LAB_PORT:-8888}
    # listen on all of the container's interfaces (docker -p publishes the port), unless the
    # arguments say otherwise (Jupyter rejects an option given twice)
    ip=--ip=0.0.0.0
    for a in "$@"; do case "$a" in --ip | --ip=* | --*.ip=*) ip= ;; esac; done
    # the server's root is notebooks/: the launcher saves a new notebook there, the one folder
    # that is mounted from the host (anywhere else in /app it would go with the container); the
    # notebooks still import ../dist/lib, and their figures go to /app/figures
    if ! is_mount_point "$NOTEBOOKS"; then
      echo "lab: note: $NOTEBOOKS is not mounted from the host; new notebooks and edits stay in the container (add --user \"\$(id -u):\$(id -g)\" -v \"\$PWD/notebooks:$NOTEBOOKS\")" >&2
    elif [ ! -w "$NOTEBOOKS" ]; then
      echo "lab: note: the mounted $NOTEBOOKS is not writable by uid $(id -u): nothing can be saved; run as yourself: --user \"\$(id -u):\$(id -g)\"" >&2
    fi
    if command -v jupyter-lab >/dev/null 2>&1; then
      exec jupyter lab ${ip:+"$ip"} --port="$port" --no-browser --ServerApp.root_dir="$NOTEBOOKS" "$@"
    fi
    # images built with JUPYTER=debian on Debian 12 have the classic notebook server only
    echo "lab: JupyterLab is not installed in this image; starting the classic notebook server" >&2
    exec jupyter notebook ${ip:+"$ip"} --port="$port" --no-browser --notebook-dir="$NOTEBOOKS" "$@"
    ;;
  test)
    # shellcheck disable=SC2046 # one argument per test file is intended
    exec node --test --test-reporter=spec "$@" $(find dist/test -name '*.test.js' | sort)
    ;;
  gpu-check)
    exec node dist/scripts/gpu-check.js "$@"
    ;;
  help | --help | -h)
    usage
    ;;
  *)
    exec "$cmd" "$@"
    ;;
esac
