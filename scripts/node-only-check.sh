#!/usr/bin/env bash
# Node-only check: `npm ci && npm run reproduce` on a machine with nothing but Node (no Python, no
# Jupyter, no Chromium) regenerates every notebook (or notebook NN), with its outputs, and its figures' HTML + JSON
# (the SVG/PNG are skipped, and said so once). It runs on a scratch copy of the checkout (the
# committed notebook and figures are not touched) whose notebook NN has its outputs cleared and
# its figures deleted first, so that what is checked afterwards was made by this run.
#
#   bash scripts/node-only-check.sh            (from anywhere; about a minute with cached images)
#
# Where it runs (ZGR_NODE_ONLY_MODE):
#   container  (auto's choice as root with podman) the Debian base image that scripts/docker-smoke.sh
#              makes (debootstrap minbase: no Python, no Chromium) with Node mounted read-only
#              from its node image, no network: `npm ci --offline` from this machine's npm cache
#              (filled by its own npm ci), then reproduce; the images are made first when missing
#              (network, minutes, once: podman keeps them), so run it after docker-smoke in CI
#   env        (auto's choice otherwise) this machine with `env -i`: PATH holds only node, npm
#              and sh; ZGR_PYTHON and ZGR_CHROMIUM point nowhere (Debian's python3 and chromium
#              are found by absolute path otherwise)
#
# Environment: ZGR_NODE_ONLY_NOTEBOOK (NN, or all: every notebook; default 01), ZGR_NODE_ONLY_MODE (auto|container|env),
#   ZGR_NODE_ONLY_WORK (scratch folder, default /var/tmp/zgr-node-only).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NB=${ZGR_NODE_ONLY_NOTEBOOK:-01}
MODE=${ZGR_NODE_ONLY_MODE:-auto}
SCRATCH=${ZGR_NODE_ONLY_WORK:-/var/tmp/zgr-node-only}
START=$(date +%s)

say() { printf '== [node-only %4ds] %s\n' $(($(date +%s) - START)) "$*"; }
fail() {
  echo "node-only-check: FAILED: $*" >&2
  exit 1
}

# ---------------------------------------------------------------- the scratch copy

# the checkout as git sees it (tracked and untracked files, not ignored ones), without node_modules
copy_checkout() {
  rm -rf "$SCRATCH/repo"
  mkdir -p "$SCRATCH/repo"
  if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -co --exclude-standard -z |
      while IFS= read -r -d '' f; do if [ -f "$f" ]; then printf '%s\0' "$f"; fi; done |
      tar --null -T - -cf -) | tar -C "$SCRATCH/repo" -xf -
  else
    tar -C "$ROOT" --exclude=./node_modules --exclude=./dist --exclude=./.git -cf - . | tar -C "$SCRATCH/repo" -xf -
  fi
}

# the notebook's outputs cleared and its figures deleted, in the copy
blank_notebook() {
  local file=$1
  node -e '
    const fs = require("fs");
    const nb = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    for (const c of nb.cells) if (c.cell_type === "code") { c.outputs = []; c.execution_count = null; }
    delete nb.metadata.language_info;
    fs.writeFileSync(process.argv[1], JSON.stringify(nb, null, 1) + "\n");
  ' "$SCRATCH/repo/notebooks/$file"
  rm -f "$SCRATCH/repo/figures/${file%.ipynb}"-*
}

# the notebooks checked: NN's file, or every NN-*.ipynb for all
notebook_files() {
  local pattern="$NB-*.ipynb"
  [ "$NB" = all ] && pattern='[0-9][0-9]-*.ipynb'
  (cd "$SCRATCH/repo/notebooks" && ls $pattern 2>/dev/null) || true
}

# ---------------------------------------------------------------- running reproduce

run_in_container() {
  # the base images of the Docker smoke test (made once, then cached by podman)
  # shellcheck source=docker-smoke.sh
  source "$ROOT/scripts/docker-smoke.sh"
  trap - EXIT
  exec 9>"$WORK.lock"
  flock -w 3600 9 || fail "another docker-smoke holds $WORK.lock"
  mkdir -p "$WORK"
  make_debian_base
  make_node_base
  exec 9>&-
  say "podman: $DEBIAN_IMAGE + Node from $NODE_IMAGE, no network"
  podman run --rm --runtime runc --cgroup-manager=cgroupfs --network=none \
    --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
    --mount "type=image,source=$NODE_IMAGE,destination=/opt/node" \
    -v "$SCRATCH/repo:/app" -v "$NPM_CACHE:/npm-cache" -w /app \
    -e PATH=/opt/node/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    -e HOME=/tmp -e ZGR_PROFILE=quick -e NPM_CONFIG_UPDATE_NOTIFIER=false \
    "$DEBIAN_IMAGE" bash -c '
      for c in python3 python jupyter chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null; then echo "not Node-only: $c is here"; exit 9; fi
      done
      echo "in the container: node $(node --version), npm $(npm --version); no python3, jupyter or chromium"
      npm ci --offline --no-audit --no-fund --cache /npm-cache
      if [ "$1" = all ]; then npm run reproduce; else npm run reproduce -- "$1"; fi' bash "$NB"
}

run_in_env() {
  local bin=$SCRATCH/bin node_bin npm_bin
  node_bin=$(command -v node) || fail "no node on PATH"
  npm_bin=$(command -v npm) || fail "no npm on PATH"
  rm -rf "$bin" "$SCRATCH/home"
  mkdir -p "$bin" "$SCRATCH/home"
  ln -s "$(readlink -f "$node_bin")" "$bin/node"
  ln -s "$(readlink -f "$npm_bin")" "$bin/npm"
  ln -s "$(readlink -f /bin/sh)" "$bin/sh" # npm runs scripts with sh
  ln -s "$ROOT/node_modules" "$SCRATCH/repo/node_modules"
  say "env -i: PATH=$bin (node, npm, sh), ZGR_PYTHON and ZGR_CHROMIUM pointing nowhere"
  (cd "$SCRATCH/repo" && env -i PATH="$bin" HOME="$SCRATCH/home" LANG=C.UTF-8 ZGR_PROFILE=quick NPM_CONFIG_UPDATE_NOTIFIER=false \
    ZGR_PYTHON="$SCRATCH/no-python3" ZGR_CHROMIUM=none npm run reproduce $([ "$NB" = all ] || echo "-- $NB"))
}

# ---------------------------------------------------------------- checks

# the notebook was rewritten with outputs, its figures' HTML + JSON exist, the log says what it did
check_results() {
  local file=$1 log=$2
  grep -q 'reproduce: executor tslab' "$log" || fail "reproduce did not choose the tslab executor (log: $log)"
  [ "$(grep -c 'SVG/PNG SKIPPED' "$log")" = 1 ] || fail "the missing Chromium is not said exactly once (log: $log)"
  grep -q 'playwright-core install chromium' "$log" || fail "no hint how to get a Chromium (log: $log)"
  node -e '
    const fs = require("fs"), path = require("path");
    const [repo, file] = process.argv.slice(1);
    const nb = JSON.parse(fs.readFileSync(path.join(repo, "notebooks", file), "utf8"));
    const problems = [];
    if (nb.nbformat !== 4) problems.push("not nbformat 4");
    if (!nb.metadata.language_info) problems.push("no language_info (the kernel did not answer)");
    const code = nb.cells.filter((c) => c.cell_type === "code" && [].concat(c.source).join("").trim() !== "");
    code.filter((c) => c.execution_count == null).forEach((c) => problems.push(`cell ${c.id} was not executed`));
    const outputs = code.flatMap((c) => c.outputs);
    if (outputs.length === 0) problems.push("no outputs");
    if (/Chromium/.test(JSON.stringify(outputs.filter((o) => o.name === "stderr")))) problems.push("a kernel wrote about Chromium into a cell");
    const slug = file.replace(/\.ipynb$/, "");
    const figs = fs.readdirSync(path.join(repo, "figures")).filter((f) => f.startsWith(slug + "-"));
    const jsons = figs.filter((f) => f.endsWith(".json"));
    if (jsons.length === 0) problems.push(`no figures/${slug}-*.json`);
    for (const j of jsons) {
      const r = JSON.parse(fs.readFileSync(path.join(repo, "figures", j), "utf8"));
      if (!figs.includes(r.files.html)) problems.push(`${r.files.html} missing`);
      if (!/^skipped: no Chromium/.test(r.staticImages ?? "")) problems.push(`${j}: staticImages = ${JSON.stringify(r.staticImages)}`);
    }
    const images = figs.filter((f) => /\.(svg|png)$/.test(f));
    if (images.length > 0) problems.push(`static images without a Chromium: ${images.join(", ")}`);
    if (problems.length > 0) { console.error(problems.join("\n")); process.exit(1); }
    console.log(`${file}: ${code.length} cells executed, ${outputs.length} outputs; figures: ${figs.join(", ")}`);
  ' "$SCRATCH/repo" "$file" || fail "the notebook or its figures are not what a Node-only run makes"
}

main() {
  case "$MODE" in
    auto) if [ "$(id -u)" = 0 ] && command -v podman >/dev/null; then MODE=container; else MODE=env; fi ;;
    container | env) ;;
    *) fail "ZGR_NODE_ONLY_MODE must be auto, container or env, got '$MODE'" ;;
  esac
  [ -d "$ROOT/node_modules/tslab" ] || fail "node_modules is not installed: npm ci"
  mkdir -p "$SCRATCH"
  say "copy of the checkout in $SCRATCH/repo ($MODE)"
  copy_checkout
  local file files log=$SCRATCH/reproduce.log rc=0
  files=$(notebook_files)
  [ -n "$files" ] || fail "no notebooks/$NB-*.ipynb"
  for file in $files; do blank_notebook "$file"; done
  say "notebooks $(echo $files): outputs cleared, figures deleted; npm run reproduce ($NB)"
  NPM_CACHE=$(npm config get cache)
  if [ "$MODE" = container ]; then run_in_container >"$log" 2>&1 || rc=$?; else run_in_env >"$log" 2>&1 || rc=$?; fi
  sed 's/^/  | /' "$log"
  [ $rc = 0 ] || fail "npm run reproduce ($NB) exited $rc"
  for file in $files; do check_results "$file" "$log"; done
  say "node-only-check: ok ($MODE)"
}

main "$@"
exit
