#!/usr/bin/env bash
# `npm run package`: builds kad_VERSION_amd64.deb with dpkg-deb from this checkout (compiled
# into a staging directory), with production node_modules only. No network: the production modules are a pruned copy of
# the installed node_modules (npm prune --offline), so the native addons built by `npm ci` are
# reused as they are. Output: ./kad_VERSION_amd64.deb, or $1 when given (a directory or a path).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PKG=packaging

UPSTREAM=$(node -p 'require("./package.json").version')
VERSION="$UPSTREAM-${DEB_REVISION:-1}"
CHANGELOG_VERSION=$(sed -n '1s/^kad (\([^)]*\)).*/\1/p' "$PKG/changelog")
[ "$CHANGELOG_VERSION" = "$VERSION" ] || {
  echo "package: $PKG/changelog is at $CHANGELOG_VERSION, package.json makes $VERSION: add an entry" >&2
  exit 1
}
[ -x node_modules/.bin/tsc ] || { echo "package: node_modules is not installed: run npm ci first" >&2; exit 1; }
OUT=${1:-$ROOT}
[ -d "$OUT" ] && OUT="$OUT/kad_${VERSION}_amd64.deb"

WORK=$(mktemp -d /tmp/kad-package.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
STAGE=$WORK/root
LIB=$STAGE/usr/lib/kad
DOC=$STAGE/usr/share/doc/kad

# Build into the staging area, never into the checkout (tests may be running its dist/ and
# native/): JavaScript with tsc --outDir, the native parts from a copy of their sources, with
# Debian's hardening flags (lintian checks them).
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
HARDEN="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get LDFLAGS) -ffile-prefix-map=$WORK=."
mkdir -p "$WORK/native"
for part in ipvs runas; do
  cp -r "native/$part" "$WORK/native/$part"
  make -s -B -C "$WORK/native/$part" CFLAGS="$HARDEN"
done
node_modules/.bin/tsc -p tsconfig.json --outDir "$WORK/dist" --sourceMap false

install -d "$LIB/native/ipvs" "$LIB/native/runas" "$LIB/bin" "$STAGE/usr/bin" "$DOC" \
  "$STAGE/lib/systemd/system" "$STAGE/etc/default" "$STAGE/etc/kad" \
  "$STAGE/usr/share/man/man8" "$STAGE/usr/share/man/man5" "$STAGE/usr/share/lintian/overrides" \
  "$STAGE/DEBIAN"
cp -r "$WORK/dist" "$LIB/dist"
install -m 644 package.json package-lock.json "$LIB/"
install -m 755 bin/kad.js "$LIB/bin/kad.js"
install -m 644 "$WORK/native/ipvs/libkadipvs.so" "$LIB/native/ipvs/"
install -m 755 "$WORK/native/runas/kad-runas" "$LIB/native/runas/"
install -m 755 "$PKG/kad.sh" "$STAGE/usr/bin/kad"
install -m 644 systemd/kad.service "$STAGE/lib/systemd/system/kad.service"
install -m 644 systemd/kad.default "$STAGE/etc/default/kad"
install -m 644 keepalived.conf.sample "$STAGE/etc/kad/keepalived.conf.sample"
install -m 644 "$PKG/lintian-overrides" "$STAGE/usr/share/lintian/overrides/kad"

bash scripts/package-modules.sh "$ROOT" "$LIB"

# Documentation as Debian policy wants it: copyright as is, the rest gzip -9n.
bash scripts/package-copyright.sh "$LIB/node_modules" > "$DOC/copyright"
# Their notices and license texts are in copyright now.
find "$LIB/node_modules" -type f \( -iname 'LICENSE*' -o -iname 'LICENCE*' \) -delete
gzip -9n < "$PKG/changelog" > "$DOC/changelog.Debian.gz"
gzip -9n < README.md > "$DOC/README.md.gz"
gzip -9n < docs/configuration.md > "$DOC/configuration.md.gz"
gzip -9n < docs/migrating.md > "$DOC/migrating.md.gz"
gzip -9n < "$PKG/kad.8" > "$STAGE/usr/share/man/man8/kad.8.gz"
gzip -9n < "$PKG/kad.conf.5" > "$STAGE/usr/share/man/man5/kad.conf.5.gz"

# Native objects: stripped (debug info is not shipped), then their library dependencies.
ELVES=()
while IFS= read -r -d '' f; do
  if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then ELVES+=("$f"); fi
done < <(find "$LIB" -type f \( -name '*.node' -o -name '*.so' -o -name kad-runas \) -print0)
strip --strip-unneeded --remove-section=.comment --remove-section=.note "${ELVES[@]}"
mkdir -p "$WORK/shlibs/debian"
printf 'Source: kad\n\nPackage: kad\nArchitecture: amd64\n' > "$WORK/shlibs/debian/control"
SHLIBS=$(cd "$WORK/shlibs" && dpkg-shlibdeps -O "${ELVES[@]}" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$SHLIBS" ] || { echo "package: dpkg-shlibdeps found no library dependencies" >&2; exit 1; }

# Control area.
for s in postinst prerm postrm; do install -m 755 "$PKG/$s" "$STAGE/DEBIAN/$s"; done
printf '/etc/default/kad\n/etc/kad/keepalived.conf.sample\n' > "$STAGE/DEBIAN/conffiles"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@INSTALLED_SIZE@/$SIZE/" -e "s/@SHLIBS@/$SHLIBS/" \
  "$PKG/control" > "$STAGE/DEBIAN/control"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
  | xargs -0 md5sum > DEBIAN/md5sums)
chmod 644 "$STAGE/DEBIAN/md5sums" "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/conffiles"

# Reproducible: files owned by root and dated by the changelog entry.
EPOCH=$(date -d "$(sed -n 's/^ -- .*>  //p' "$PKG/changelog" | head -1)" +%s)
find "$STAGE" -exec touch -h -d "@$EPOCH" {} +
SOURCE_DATE_EPOCH=$EPOCH dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$OUT" >/dev/null
echo "$OUT"
