#!/usr/bin/env bash
# Lays out the runtime of the trestle images from a finished Maven build (build stage of
# docker/Dockerfile; also runnable on a workstation to try the layout without Docker):
#
#   docker/bin/collect-runtime.sh OUT_DIR [PREFIX]
#
# Reads modules/launcher/target/classpath.txt (written by `mvn -pl modules/launcher -am package`, the same
# file the ./trestle launcher runs with) and copies into OUT_DIR/lib
#   - the module jars first, in the launcher's order (launcher cli protocol server edge translator xds),
#   - then the rest of that classpath in its order: other module jars (e.g. trestle-console, which
#     the server serves) under their own names, libraries named group~artifact-version.jar so two
#     artifacts with the same file name cannot overwrite each other.
# Writes OUT_DIR/classpath.args, a java @argfile "-cp PREFIX/lib/a.jar:..." in that order
# (PREFIX is where OUT_DIR ends up in the image: /opt/trestle by default).
# Fails when the build outputs are missing or a classpath entry does not exist.
set -euo pipefail

die() {
  echo "collect-runtime: $*" >&2
  exit 1
}

[[ $# -ge 1 && $# -le 2 ]] || die "usage: collect-runtime.sh OUT_DIR [PREFIX]"
OUT="$1"
PREFIX="${2:-/opt/trestle}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLASSPATH_FILE="$ROOT/modules/launcher/target/classpath.txt"
REPO="${MAVEN_REPOSITORY:-$HOME/.m2/repository}"
MODULES=(launcher cli protocol server edge translator xds)

[[ -s "$CLASSPATH_FILE" ]] || die "$CLASSPATH_FILE is missing: run mvn -DskipTests -pl modules/launcher -am package first"
mkdir -p "$OUT/lib"

entries=()
copy() { # copy SOURCE NAME: one jar into lib/ under NAME, remembered in classpath order
  [[ -f "$1" ]] || die "classpath entry $1 does not exist"
  cp "$1" "$OUT/lib/$2"
  entries+=("$PREFIX/lib/$2")
}

# The jar a module's build produced (not -sources/-tests/-javadoc), as ./trestle picks it.
module_jar() {
  local jar
  for jar in "$ROOT/modules/$1/target/trestle-$1-"*.jar; do
    case "$jar" in
      *-sources.jar | *-tests.jar | *-javadoc.jar) continue ;;
    esac
    [[ -f "$jar" ]] && { printf '%s\n' "$jar"; return 0; }
  done
  die "the $1 module's jar is missing under modules/$1/target"
}

declare -A first=() # the module jars copied first, by path
for m in "${MODULES[@]}"; do
  jar="$(module_jar "$m")"
  copy "$jar" "$(basename "$jar")"
  first["$jar"]=1
done

# classpath.txt is one line without a newline at its end.
IFS=':' read -r -a libs <<<"$(cat "$CLASSPATH_FILE")"
for path in "${libs[@]}"; do
  [[ -n "$path" ]] || continue
  case "$path" in
    "$ROOT"/modules/*)
      # A module jar: already first, or one the list above does not name (e.g. trestle-console).
      [[ -n "${first[$path]:-}" ]] || copy "$path" "$(basename "$path")"
      ;;
    "$REPO"/*)
      # .../repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar -> org.slf4j~slf4j-api-2.0.17.jar
      rel="${path#"$REPO"/}"
      group_dir="$(dirname "$(dirname "$(dirname "$rel")")")"
      copy "$path" "${group_dir//\//.}~$(basename "$path")"
      ;;
    *) copy "$path" "$(basename "$path")" ;;
  esac
done

(IFS=':'; printf -- '-cp %s\n' "${entries[*]}") >"$OUT/classpath.args"
echo "collect-runtime: ${#entries[@]} jars in $OUT/lib, classpath in $OUT/classpath.args" >&2
