#!/usr/bin/env bash
# Tests @zgr/estimators the way a user gets it (npm run package:check; well under 2 minutes):
#   1. npm run package, then npm pack in packages/estimators;
#   2. a fresh project outside the repo installs the tarball + @tensorflow/tfjs from the registry;
#   3. the README's example runs in Node as ESM (.mjs) and as CommonJS (.cjs), and its printed
#      tf.grad gradient must equal the float64 form (zgrGradient) to 1e-5;
#   4. the example and its CommonJS twin type-check against the package's types (node16 resolution,
#      so through the exports map's import and require conditions);
#   5. the example is bundled for the browser by esbuild (platform browser: a Node builtin anywhere
#      in the graph fails the bundle) and run in headless Chromium (ZGR_CHROMIUM or the usual
#      paths, as for the figures): same numbers, no console error, no page error.
# Keeps the temporary project when ZGR_KEEP_PACKAGE_CHECK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source scripts/retry.sh

t0=$SECONDS
step() { echo "== $* ($((SECONDS - t0)) s)"; }
die() { echo "package-check: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/zgr-package-check.XXXXXX")
if [ "${ZGR_KEEP_PACKAGE_CHECK:-0}" = 1 ]; then echo "keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
esbuild="$root/node_modules/.bin/esbuild"
tsc="$root/node_modules/typescript/bin/tsc" # the root's typescript (node_modules/.bin/tsc may be another copy)

step "build and pack @zgr/estimators"
npm run --silent package
tarball=$(cd packages/estimators && npm pack --silent --pack-destination "$work" | tail -n 1)
[ -f "$work/$tarball" ] || die "npm pack made no $tarball"
tar -tzf "$work/$tarball" | sort > "$work/contents.txt"
for f in package/package.json package/README.md package/LICENSE package/dist/index.mjs package/dist/index.cjs \
  package/dist/index.d.mts package/dist/index.d.cts package/dist/types/lib/package/index.d.ts; do
  grep -qx "$f" "$work/contents.txt" || die "$tarball lacks $f"
done
! grep -q '^package/\(lib\|test\|scripts\|build.mjs\|tsconfig.json\)' "$work/contents.txt" || die "$tarball ships sources: $(grep '^package/\(lib\|test\|scripts\)' "$work/contents.txt" | head -3)"

step "a user's project: npm install the tarball + @tensorflow/tfjs"
tfjs=$(node -p "require('./package.json').dependencies['@tensorflow/tfjs']")
app="$work/app"
mkdir -p "$app"
printf '{ "name": "zgr-package-check", "version": "1.0.0", "private": true }\n' > "$app/package.json"
(cd "$app" && retry npm install --no-audit --no-fund --prefer-offline --loglevel=error "$work/$tarball" "@tensorflow/tfjs@$tfjs")

# the README's example, verbatim: the js block after <!-- example:esm …, and the CommonJS twin
# with its import lines replaced by the block after <!-- example:cjs-imports
block() { awk -v tag="<!-- example:$1" 'index($0, tag) == 1 { on = 1; next } on && /^```js/ { inside = 1; next } inside && /^```/ { exit } inside { print }' packages/estimators/README.md; }
block esm > "$app/example.mjs"
[ "$(grep -c . "$app/example.mjs")" -ge 5 ] || die "no example:esm block in packages/estimators/README.md"
{ block cjs-imports; grep -v '^import ' "$app/example.mjs"; } > "$app/example.cjs"

# lines 'zgr a,b,c' and 'float64 a,b,c': the same three numbers to 1e-5 (and ZGR's known values)
check_output() {
  node -e '
    const [label, file] = process.argv.slice(1);
    const lines = require("fs").readFileSync(file, "utf8").split("\n");
    const row = (key) => {
      const line = lines.find((l) => l.startsWith(key + " "));
      if (!line) throw new Error(`${label}: no "${key} …" line in\n${lines.join("\n")}`);
      return line.slice(key.length + 1).split(",").map(Number);
    };
    const tfjs = row("zgr"), f64 = row("float64"), known = [0.0438226, -0.0488907, 0.0050681];
    const gap = (a, b) => a.length === b.length && a.every(Number.isFinite) ? Math.max(...a.map((ai, i) => Math.abs(ai - b[i]))) : Infinity;
    if (!(gap(tfjs, f64) <= 1e-5)) throw new Error(`${label}: tf.grad ${tfjs} differs from zgrGradient ${f64} by more than 1e-5`);
    if (!(gap(f64, known) <= 1e-6)) throw new Error(`${label}: zgrGradient ${f64}, expected ${known}`);
    console.log(`${label}: tf.grad = ${tfjs.map((g) => g.toFixed(6))}, |tf.grad − zgrGradient| = ${gap(tfjs, f64).toExponential(1)}`);
  ' "$1" "$2"
}

step "Node: the example as ESM and as CommonJS"
for ext in mjs cjs; do
  (cd "$app" && node "example.$ext" > "out-$ext.txt" 2> "err-$ext.txt") || { cat "$app/err-$ext.txt" >&2; die "example.$ext failed"; }
  check_output "node $ext" "$app/out-$ext.txt"
done

step "types: the example type-checks through the exports map (import and require)"
cp "$app/example.mjs" "$app/example-types.mts"
cp "$app/example.cjs" "$app/example-types.cts"
sed -i 's/(l) =>/(l: tf.Tensor) =>/' "$app/example-types.mts" "$app/example-types.cts"
sed -i "s/^const tf = require('@tensorflow\/tfjs');/import tf = require('@tensorflow\/tfjs');/; s/^const { zgr, zgrGradient } = require('@zgr\/estimators');/import estimators = require('@zgr\/estimators');\nconst { zgr, zgrGradient } = estimators;/" "$app/example-types.cts"
cat > "$app/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "noEmit": true, "strict": true, "skipLibCheck": true, "target": "ES2022", "lib": ["ES2022", "DOM"],
    "types": [], "module": "node16", "moduleResolution": "node16"
  },
  "files": ["example-types.mts", "example-types.cts"]
}
JSON
(cd "$app" && node "$tsc" -p .) || die "the example does not type-check against the package's types"

step "browser: esbuild bundle (platform browser) in headless Chromium"
"$esbuild" "$app/example.mjs" --bundle --platform=browser --format=iife --log-level=warning --outfile="$app/web/bundle.js"
printf '<!doctype html>\n<meta charset="utf-8">\n<title>@zgr/estimators</title>\n<script src="bundle.js"></script>\n' > "$app/web/index.html"
# the runner: scripts/package-browser.ts with lib/plots/browser.ts (Chromium lookup + flags), bundled
# here so that no full build is needed; playwright-core is the root's
"$esbuild" scripts/package-browser.ts --bundle --platform=node --format=cjs --packages=external --log-level=warning --outfile="$work/package-browser.cjs"
NODE_PATH="$root/node_modules" node "$work/package-browser.cjs" "$app/web/index.html" float64 > "$app/out-browser.txt" \
  || { cat "$app/out-browser.txt"; die "the browser example failed"; }
check_output "chromium" "$app/out-browser.txt"

step "@zgr/estimators: pack, install, Node ESM + CJS, types, browser all pass"
