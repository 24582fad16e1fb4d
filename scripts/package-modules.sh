#!/usr/bin/env bash
# Production node_modules for the package: a copy of the checkout's node_modules pruned with
# `npm prune --omit=dev --offline` (no download, no rebuild: the addons `npm ci` built are kept),
# then stripped of what only builds or other machines use. Usage: package-modules.sh ROOT LIBDIR
set -euo pipefail
ROOT=$1
LIB=$2

cp -a "$ROOT/node_modules" "$LIB/node_modules"
(cd "$LIB" && npm prune --omit=dev --offline --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
M=$LIB/node_modules

# Prebuilt addons for other architectures and for musl: dead weight on amd64 Debian.
find "$M" -type d \( -path '*/prebuilds/*' ! -name 'linux-x64' -prune \) -exec rm -rf {} +
rm -rf "$M/@koromix/koffi-linux-x64/musl_x64"
# node-gyp's build tree: only the addon itself is loaded (build/Release/*.node).
for b in "$M"/*/build "$M"/@*/*/build; do
  [ -d "$b/Release" ] || continue
  find "$b" -mindepth 1 ! -path "$b/Release" ! -path "$b/Release/*.node" -delete 2>/dev/null || true
  find "$b/Release" -mindepth 1 -type d -exec rm -rf {} +
done
# Addon sources, type declarations, tests and editor/CI files are not run.
find "$M" \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' -o -name '*.ts' \
  -o -name '*.cc' -o -name '*.cpp' -o -name '*.c' -o -name '*.h' -o -name '*.hpp' -o -name '*.gyp' \
  -o -name '*.gypi' -o -name '.npmignore' -o -name '.travis.yml' -o -name '.eslintrc*' \
  -o -name '.github' -o -name '.editorconfig' -o -name '.gitattributes' -o -name 'tsconfig*.json' \
  -o -name '.prettierrc*' -o -name '.taprc' -o -name 'CHANGELOG*' -o -name '*.md' -o -name '*.html' \
  -o -name 'CMakeLists.txt' -o -name '.husky' -o -name '*.sh' -o -name 'cnoke.cjs' \) \
  -prune -exec rm -rf {} +
find "$M" -depth -type d \( -name test -o -name tests -o -name benchmarks -o -name example \
  -o -name examples -o -name docs -o -name doc -o -name .bin \) -prune -exec rm -rf {} +
# @types/* only carries declarations.
rm -rf "$M/@types" "$M"/*/node_modules/@types
find "$M" -depth -type d -empty -delete
# Modes as Debian wants them: data 644, a script with a #! line 755 (as npm leaves its bins).
find "$M" -type d -exec chmod 755 {} +
find "$M" -type f -exec chmod 644 {} +
find "$M" -type f -name '*.*js' -exec grep -l -m1 '^#!' {} + | while read -r f; do
  [ "$(head -c 2 "$f")" = '#!' ] && chmod 755 "$f"
done
