#!/usr/bin/env bash
# /usr/share/doc/kad/copyright in Debian's machine-readable format: kad itself, then one stanza
# per bundled Node.js module, its license read from its package.json. Usage: package-copyright.sh MODULES
set -euo pipefail
M=$1

cat <<'HEAD'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: kad
Comment: kad bundles the Node.js modules it runs on in /usr/lib/kad/node_modules.

Files: *
Copyright: 2026 kad maintainers
License: Expat
HEAD

seen=" Expat "
while IFS=$'\t' read -r dir name version license; do
  case "$license" in MIT) license=Expat ;; esac
  case "$license" in Expat|ISC|Apache-2.0|MIT-0) ;; *) echo "package-copyright: $name: license $license has no text here" >&2; exit 1 ;; esac
  case "$seen" in *" $license "*) ;; *) seen="$seen$license " ;; esac
  # The notice lines of the module's own LICENSE, else its package.json author.
  notice=$( { cat "$M/$dir"/LICEN[CS]E* "$M/$dir"/licen[cs]e* 2>/dev/null || true; } | sed -n 's/^[[:space:]]*\(Copyright .*\)/\1/p' | sort -u)
  [ -n "$notice" ] || notice="the authors of $name $version"
  printf '\nFiles: usr/lib/kad/node_modules/%s/*\nCopyright: %s\nLicense: %s\n' \
    "$dir" "$(printf '%s\n' "$notice" | sed '2,$s/^/ /')" "$license"
done < <(cd "$M/.." && find node_modules -regextype posix-extended \
  -regex '(.*/)?node_modules/(@[^/]+/)?[^/@][^/]*/package.json' | sed 's|^node_modules/||; s|/package.json$||' \
  | LC_ALL=C sort | while read -r d; do
      node -e 'const p=require(process.argv[1]); console.log([process.argv[2], p.name, p.version, p.license].join("\t"))' "$M/$d/package.json" "$d"
    done)

cat <<'EXPAT'

License: Expat
 Permission is hereby granted, free of charge, to any person obtaining a copy
 of this software and associated documentation files (the "Software"), to deal
 in the Software without restriction, including without limitation the rights
 to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 copies of the Software, and to permit persons to whom the Software is
 furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in
 all copies or substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 SOFTWARE.
EXPAT

case "$seen" in *" ISC "*) cat <<'ISC'

License: ISC
 Permission to use, copy, modify, and/or distribute this software for any
 purpose with or without fee is hereby granted, provided that the above
 copyright notice and this permission notice appear in all copies.
 .
 THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
ISC
;; esac

case "$seen" in *" MIT-0 "*) cat <<'MIT0'

License: MIT-0
 Permission is hereby granted, free of charge, to any person obtaining a copy
 of this software and associated documentation files (the "Software"), to deal
 in the Software without restriction, including without limitation the rights
 to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 copies of the Software, and to permit persons to whom the Software is
 furnished to do so.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 SOFTWARE.
MIT0
;; esac

case "$seen" in *" Apache-2.0 "*) cat <<'APACHE'

License: Apache-2.0
 On Debian systems, the complete text of the Apache License, Version 2.0 can be
 found in "/usr/share/common-licenses/Apache-2.0".
APACHE
;; esac
