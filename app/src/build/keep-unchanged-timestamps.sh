#!/usr/bin/env bash
# Run after jte's generate (generate-sources): jte rewrites every generated .java on every build, so the compiler
# saw "changed source code" and recompiled the whole module, and then all its tests, each time (≈ 20 s of a warm
# scripts/test --fast). A generated file whose content did not change gets back the time it had when it was last
# different, so only a changed template recompiles anything. A copy of each file as last generated is kept in SEEN.
#   keep-unchanged-timestamps.sh GENERATED_DIR SEEN_DIR
set -euo pipefail
gen="${1:?usage: keep-unchanged-timestamps.sh GENERATED_DIR SEEN_DIR}"
seen="${2:?usage: keep-unchanged-timestamps.sh GENERATED_DIR SEEN_DIR}"
[ -d "$gen" ] || exit 0
cd "$gen"
find . -type f -print0 | while IFS= read -r -d '' f; do
  if [ -f "$seen/$f" ] && cmp -s "$f" "$seen/$f"; then
    touch -r "$seen/$f" "$f"
  else
    mkdir -p "$seen/$(dirname "$f")"
    cp -p "$f" "$seen/$f"
  fi
done
