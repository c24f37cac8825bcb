#!/usr/bin/env bash
# device-check.sh: gpu-check on the webgpu backend from the bundle that `npm run device-bundle`
# builds, beside this script (payload.tar.gz), on a Linux x86-64 machine with a GPU and its Vulkan
# driver; no Node and no network needed (Node, the code, MNIST and the Vulkan loader travel in the
# payload, unpacked into a temporary folder that is removed at the end).
#
#   bash device-check.sh [--steps S] [--epoch [STEPS]]
#
#   --steps S       VAE training steps compared with wasm (default 10)
#   --epoch [N]     also time one E3 epoch (600 steps; N: only the first N) on webgpu: minutes on a
#                   GPU, far longer on a software Vulkan driver, so off by default
#
# Prints ONE JSON line: the adapter, each estimator's gradient check, the training check, steps/s
# on webgpu and on wasm, the epoch's wall time (null unless --epoch), gpu-check's exit status
# (0 ok, 1 on the CPU though a GPU was expected, 2 error, 3 mismatch), which is also this
# script's. ZGR_EXPECT_GPU=1 makes a software adapter (llvmpipe) a failure (exit 1);
# ZGR_BUNDLED_VULKAN=1 uses the carried Vulkan loader even when the machine has one.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
STEPS=10
EPOCH=
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) STEPS=${2:?--steps needs a number}; shift 2 ;;
    --epoch) if [[ "${2:-}" =~ ^[0-9]+$ ]]; then EPOCH=$2; shift 2; else EPOCH=600; shift; fi ;;
    *) echo "device-check: unknown argument '$1' (use --steps S, --epoch [N])" >&2; exit 2 ;;
  esac
done
[[ "$STEPS" =~ ^[1-9][0-9]*$ ]] || { echo "device-check: --steps must be a positive integer, got '$STEPS'" >&2; exit 2; }
[ "$(uname -sm)" = "Linux x86_64" ] || { echo "device-check: needs Linux x86_64, this is $(uname -sm)" >&2; exit 2; }
[ -f "$HERE/payload.tar.gz" ] || { echo "device-check: $HERE/payload.tar.gz is missing: run npm run device-bundle" >&2; exit 2; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
tar -xzf "$HERE/payload.tar.gz" -C "$T" || { echo "device-check: could not unpack the payload into $T" >&2; exit 2; }
NODE=$T/bin/node
chmod +x "$NODE"
"$NODE" -e 0 || { echo "device-check: cannot run $NODE (a noexec temporary folder? set TMPDIR to another one)" >&2; exit 2; }

# the machine's Vulkan loader when it has one (it matches its driver); else Debian's, carried along
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
if [ "${ZGR_BUNDLED_VULKAN:-}" != 1 ] && "$LDCONFIG" -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then VULKAN=system; else VULKAN=bundled; export LD_LIBRARY_PATH="$T/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then export XDG_RUNTIME_DIR=$T/xdg; mkdir -m 700 -p "$XDG_RUNTIME_DIR"; fi
export ZGR_MNIST_DIR=$T/mnist HOME=${HOME:-$T}

cd "$T/app"
ZGR_BACKEND=webgpu "$NODE" gpu-check.js --steps "$STEPS" --json >"$T/gpu.out" 2>"$T/gpu.err"
CODE=$?
: >"$T/epoch.out"
if [ -n "$EPOCH" ] && [ "$CODE" -ne 2 ]; then ZGR_BACKEND=webgpu "$NODE" e3-epoch.js --steps "$EPOCH" >"$T/epoch.out" 2>>"$T/gpu.err"; fi

"$NODE" - "$T" "$CODE" "$VULKAN" <<'JS'
const fs = require('fs');
const [dir, code, vulkan] = process.argv.slice(2);
const read = (f) => fs.readFileSync(`${dir}/${f}`, 'utf8');
const json = read('gpu.out').match(/^\{[\s\S]*?^\}$/m);
const r = json ? JSON.parse(json[0]) : null;
const epochLine = read('epoch.out').split('\n').find((l) => l.startsWith('{'));
const epoch = epochLine ? JSON.parse(epochLine) : null;
const t = r?.training;
console.log(JSON.stringify({
  check: 'zgr device-check',
  exit: Number(code),
  ok: Number(code) === 0,
  backend: r?.backend ?? null,
  adapter: r?.adapter ?? null,
  device: r?.device ?? null,
  onGpu: r?.onGpu ?? null,
  nvidiaSmi: r?.nvidiaSmi ?? null,
  vulkanLoader: vulkan,
  matmul: r ? { size: r.size, gflops: r.gflops } : null,
  estimators: r ? Object.fromEntries(r.estimators.map((e) => [e.label, e.ok ? 'pass' : `fail (${e.error ?? `max error ${e.maxError}`})`])) : null,
  training: t ? { steps: t.steps, vs: t.reference, ok: t.ok, maxLossRelError: t.maxLossRelError, weightRelError: t.weightRelError } : null,
  stepsPerSecond: t?.stepsPerSecond ?? null,
  e3Epoch: epoch ? { backend: epoch.backend, steps: epoch.steps, seconds: epoch.seconds, stepsPerSecond: epoch.stepsPerSecond } : null,
  notes: r?.notes ?? [],
  error: r ? null : read('gpu.err').trim().split('\n').filter((l) => !/^\s+at /.test(l)).slice(-3).join(' | '),
  node: process.version,
}));
JS
exit "$CODE"
