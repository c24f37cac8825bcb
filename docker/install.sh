#!/bin/sh
# Build steps of the Dockerfile, one subcommand per RUN (so each is its own cached layer):
#   system    apt packages, the user `zgr` (uid 1000), the CUDA cache folder      (root)
#   node      npm/npx links for the Node copied from NODE_IMAGE; checks Node 20    (root)
#   jupyter   JupyterLab + plotly renderer (JUPYTER=pip) or Debian's Jupyter      (root)
#   npm       npm ci and the variant's backend packages                           (zgr, in /app)
#   chromium  Chromium for static figure export (CHROMIUM=auto|apt|playwright)    (root)
#   finish    folders the commands write to, writable for any --user uid          (root)
# Reads the build arguments VARIANT, JUPYTER, JUPYTERLAB_VERSION, PLOTLY_VERSION, CHROMIUM,
# TFJS_VERSION, WEBGPU_VERSION from the environment (Docker passes ARGs to RUN that way).
set -eu

log() { printf '[zgr install] %s\n' "$*" >&2; }
die() { printf '[zgr install] ERROR: %s\n' "$*" >&2; exit 1; }

# retry CMD...: network installs get 4 tries, 10/20/30 s apart
retry() {
  n=1
  while ! "$@"; do
    [ "$n" -ge 4 ] && die "failed 4 times: $*"
    log "try $n failed, again in $((n * 10)) s: $*"
    sleep $((n * 10))
    n=$((n + 1))
  done
}

apt_install() {
  retry apt-get update -q
  retry apt-get install -y -q --no-install-recommends "$@"
  # base images made without Docker's apt clean-up hook would keep the .deb files in the layer
  apt-get clean
}

# the figures' first font, where fonts-dejavu-core puts it (Debian and Ubuntu)
dejavu_sans=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

os_id() { (. /etc/os-release && echo "$ID"); }

case "${VARIANT:-}" in
  gpu | webgpu | cpu) ;;
  *) die "VARIANT must be gpu, webgpu or cpu, got '${VARIANT:-}'" ;;
esac

step_system() {
  # the figures' fonts (lib/plots/style.ts: DejaVu Sans first, Liberation Sans next), both named:
  # fontconfig needs only one of them, and with fonts-liberation it leaves DejaVu out, so SVG
  # legends made here would be measured with the narrower Liberation Sans and clip in viewers
  # that have DejaVu Sans. The same package names in Debian and Ubuntu.
  pkgs="ca-certificates tini python3 fonts-dejavu-core fonts-liberation"
  [ "$VARIANT" = webgpu ] && pkgs="$pkgs libvulkan1"
  [ "${JUPYTER:-pip}" = pip ] && pkgs="$pkgs python3-venv"
  log "system ($(os_id), variant $VARIANT): $pkgs"
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt_install $pkgs
  rm -rf /var/lib/apt/lists/*
  [ -f "$dejavu_sans" ] || die "fonts-dejavu-core installed no $dejavu_sans"
  # the unprivileged user; uid 1000 is the usual first user of a Linux desktop
  if ! getent passwd zgr >/dev/null; then
    if getent passwd 1000 >/dev/null; then useradd --create-home --shell /bin/bash zgr; else
      groupadd --gid 1000 zgr && useradd --uid 1000 --gid 1000 --create-home --shell /bin/bash zgr
    fi
  fi
  install -d -o zgr -g zgr /app
  # CUDA's JIT cache (CUDA_CACHE_PATH in the gpu variant), shared by whichever uid runs
  install -d -m 1777 /var/cache/zgr /var/cache/zgr/cuda
}

step_node() {
  [ -x /usr/local/bin/node ] || die "no /usr/local/bin/node: NODE_IMAGE must have Node at /usr/local/bin/node"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" = 20 ] || die "NODE_IMAGE gave Node $(node --version); this project is built and tested on Node 20"
  log "node $(node --version), npm $(npm --version)"
}

step_jupyter() {
  case "${JUPYTER:-pip}" in
    pip)
      python3 -m venv /opt/jupyter
      retry /opt/jupyter/bin/pip install --no-cache-dir --disable-pip-version-check \
        "jupyterlab==${JUPYTERLAB_VERSION}" "plotly==${PLOTLY_VERSION}"
      # JupyterLab draws plotly figures only with this extension (shipped in plotly's wheel)
      /opt/jupyter/bin/jupyter labextension list 2>&1 | grep -q 'jupyterlab-plotly' ||
        die "the plotly JupyterLab renderer extension is missing after pip install plotly==${PLOTLY_VERSION}"
      ;;
    debian)
      pkgs="jupyter-core jupyter-client jupyter-nbconvert python3-nbclient python3-ipykernel"
      # JupyterLab is packaged from Debian 13 on; before that, the classic notebook server
      if apt-get update -q >/dev/null && [ -n "$(apt-cache policy jupyterlab 2>/dev/null | sed -n 's/^ *Candidate: \([^(].*\)$/\1/p')" ]; then
        pkgs="$pkgs jupyterlab"
      else
        pkgs="$pkgs jupyter-notebook"
      fi
      log "jupyter from $(os_id): $pkgs"
      # shellcheck disable=SC2086
      apt_install $pkgs
      rm -rf /var/lib/apt/lists/*
      ;;
    *) die "JUPYTER must be pip or debian, got '${JUPYTER}'" ;;
  esac
  # what scripts/reproduce.ts needs to execute notebooks, from the python3 first on PATH
  python3 -c 'import nbconvert, nbclient, jupyter_client' || die "python3 on PATH cannot import nbconvert, nbclient, jupyter_client"
  log "jupyter: $(jupyter --version 2>/dev/null | tr -s ' \n' ' ')"
}

step_npm() {
  cd /app
  case "$VARIANT" in
    # package.json lists @tensorflow/tfjs-node as optional: npm ci tries its libtensorflow
    # download and goes on without it when that fails (then the wasm backend is used)
    cpu) retry npm ci --no-audit --no-fund ;;
    # no CPU tfjs-node: the GPU build replaces it (gpu), lib/backend.ts would prefer it (webgpu)
    gpu | webgpu) retry npm ci --no-audit --no-fund --omit=optional ;;
  esac
  # npm can exit 0 after failed fetches ("Exit handler never called!"): check the tree
  npm ls --all --omit=optional >/dev/null || die "node_modules is incomplete after npm ci (npm ls above)"
  case "$VARIANT" in
    gpu)
      retry npm install --no-save --no-audit --no-fund --omit=optional "@tensorflow/tfjs-node-gpu@${TFJS_VERSION}"
      ls node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v*/tfjs_binding.node >/dev/null 2>&1 ||
        die "@tensorflow/tfjs-node-gpu installed without its native binding (libtensorflow download failed?)"
      ;;
    webgpu)
      retry npm install --no-save --no-audit --no-fund --omit=optional \
        "webgpu@${WEBGPU_VERSION}" "@tensorflow/tfjs-backend-webgpu@${TFJS_VERSION}"
      node -e 'require.resolve("webgpu"); require.resolve("@tensorflow/tfjs-backend-webgpu")' ||
        die "webgpu packages missing after npm install"
      ;;
  esac
  for pkg in tfjs-node tfjs-node-gpu; do
    if ls node_modules/@tensorflow/$pkg/lib/napi-v*/tfjs_binding.node >/dev/null 2>&1; then
      log "@tensorflow/$pkg: installed"
    elif [ "$VARIANT" = cpu ] && [ $pkg = tfjs-node ]; then
      log "@tensorflow/tfjs-node: not installed (its libtensorflow download failed): the wasm backend will be used"
    fi
  done
  npm cache clean --force 2>/dev/null || true
}

step_chromium() {
  mode=${CHROMIUM:-auto}
  if [ "$mode" = auto ]; then
    if [ "$(os_id)" = debian ]; then mode=apt; else mode=playwright; fi
  fi
  case "$mode" in
    apt)
      apt_install chromium
      rm -rf /var/lib/apt/lists/*
      target=/usr/lib/chromium/chromium
      ;;
    playwright)
      # the browser build that /app's playwright-core expects, with its system libraries
      cd /app
      # (the headless shell only: figures are exported headless)
      retry node node_modules/playwright-core/cli.js install --with-deps --only-shell chromium
      apt-get clean
      rm -rf /var/lib/apt/lists/*
      target=$(find "$PLAYWRIGHT_BROWSERS_PATH" -type f \( -name chrome-headless-shell -o -name headless_shell -o -name chrome \) | sort | head -n 1)
      [ -n "$target" ] || die "playwright installed no Chromium under $PLAYWRIGHT_BROWSERS_PATH"
      chmod -R a+rX "$PLAYWRIGHT_BROWSERS_PATH"
      ;;
    *) die "CHROMIUM must be auto, apt or playwright, got '$mode'" ;;
  esac
  [ -x "$target" ] || die "no Chromium at $target"
  ln -sf "$target" "$ZGR_CHROMIUM"
  log "chromium ($mode): $("$ZGR_CHROMIUM" --version 2>/dev/null || echo "$target")"
}

step_finish() {
  # `--user "$(id -u):$(id -g)"` runs as a uid that owns nothing in /app: the folders that
  # `figures` and `lab` write (figures, executed notebooks, the kernelspec, Jupyter's runtime
  # files) are writable by every uid. Not sticky: the notebook runner renames over notebooks.
  cd /app
  install -d -o zgr -g zgr figures notebooks .jupyter .jupyter-runtime
  chmod 0777 figures notebooks .jupyter .jupyter-runtime
  find notebooks -maxdepth 1 -type f -exec chmod 0666 {} +
  # a new notebook in JupyterLab (or the classic server) gets the TypeScript kernel, not Python 3
  install -d /etc/jupyter
  for app in server notebook; do
    printf '{ "MultiKernelManager": { "default_kernel_name": "tslab" } }\n' >"/etc/jupyter/jupyter_${app}_config.json"
  done
  # JupyterLab's defaults for every user, in the labconfig folder of the Jupyter config path (pip's
  # and Debian's JupyterLab both read it): no "receive official Jupyter news?" prompt and no
  # update check (a user can turn them on in Settings > Notifications); no build check, which
  # ran yarn at every page load (an error with Debian's yarn) for a JupyterLab that is prebuilt
  # and cannot be rebuilt as --user
  install -d /etc/jupyter/labconfig
  printf '%s\n' '{ "@jupyterlab/apputils-extension:notification": { "fetchNews": "false", "checkForUpdates": false } }' \
    >/etc/jupyter/labconfig/default_setting_overrides.json
  printf '%s\n' '{ "buildCheck": false, "buildAvailable": false }' >/etc/jupyter/labconfig/page_config.json
}

case "${1:-}" in
  system) step_system ;;
  node) step_node ;;
  jupyter) step_jupyter ;;
  npm) step_npm ;;
  chromium) step_chromium ;;
  finish) step_finish ;;
  *) die "usage: install.sh system|node|jupyter|npm|chromium|finish" ;;
esac
