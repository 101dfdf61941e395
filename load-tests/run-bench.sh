#!/usr/bin/env bash
# Runs the benchmark harness: `./trestle bench <scenario> [options]` lands here (see
# docs/benchmarks.md); running this script directly works the same way.
#
# Builds the load-tests module and what it depends on with Maven (main code only; tests are not
# compiled) when its outputs are missing or a source is newer than the last build, then runs
# dev.trestle.loadtest.Bench on the classpath Maven wrote (load-tests/target/classpath.txt).
# Results go to load-tests/results/.
#
# Environment (the same names as the ./trestle launcher):
#   JAVA_HOME           Java 17 or newer to run with (default: java on PATH)
#   TRESTLE_JAVA_OPTS   extra JVM options, e.g. "-Xmx4g"
#   TRESTLE_SKIP_BUILD  1 = never build; fail if the build outputs are missing
#   TRESTLE_MVN         Maven command (default: mvn)
#   TRESTLE_MVN_OPTS    extra Maven arguments for the build, e.g. "-o" to stay offline
set -euo pipefail

HERE="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -P "$HERE/.." && pwd)"
TARGET="$HERE/target"
CLASSPATH_FILE="$TARGET/classpath.txt"
STAMP="$TARGET/.bench-stamp"

die() {
  echo "trestle bench: $*" >&2
  exit 1
}

bench_jar() {
  local jar
  for jar in "$TARGET"/trestle-load-tests-*.jar; do
    case "$jar" in
      *-sources.jar | *-tests.jar | *-javadoc.jar) continue ;;
    esac
    [[ -f "$jar" ]] && { printf '%s\n' "$jar"; return 0; }
  done
  return 1
}

needs_build() {
  [[ -s "$CLASSPATH_FILE" ]] || return 0
  bench_jar >/dev/null || return 0
  [[ -f "$STAMP" ]] || return 0
  local newer
  newer="$(cd "$ROOT" && find protobuf modules/*/src load-tests/src pom.xml modules/*/pom.xml load-tests/pom.xml \
    -newer "$STAMP" -print -quit 2>/dev/null || true)"
  [[ -n "$newer" ]]
}

build() {
  command -v "${TRESTLE_MVN:-mvn}" >/dev/null 2>&1 \
    || die "Maven (mvn) is needed to build the load tests; install it or set TRESTLE_MVN"
  echo "building trestle load tests…" >&2
  mkdir -p "$TARGET"
  local started="$TARGET/.bench-stamp.new"
  touch "$started"
  # shellcheck disable=SC2086
  if ! (cd "$ROOT" && "${TRESTLE_MVN:-mvn}" -B -q -Dstyle.color=never -Dmaven.test.skip=true \
      ${TRESTLE_MVN_OPTS:-} -pl load-tests -am install 2>&1 \
      | sed -e $'s/\033\\[[0-9;]*m//g' -e '/^[[:space:]]*$/d') 1>&2; then
    rm -f "$started"
    die "build failed (see the Maven output above)"
  fi
  mv -f "$started" "$STAMP"
}

if [[ "${TRESTLE_SKIP_BUILD:-0}" == "1" ]]; then
  [[ -s "$CLASSPATH_FILE" ]] && bench_jar >/dev/null \
    || die "TRESTLE_SKIP_BUILD=1 but the build outputs are missing; run: mvn -B -DskipTests -pl load-tests -am install"
elif needs_build; then
  mkdir -p "$TARGET"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$TARGET/.bench.lock"
    flock 9
    if needs_build; then build; fi
    flock -u 9
    exec 9>&-
  else
    build
  fi
fi

if [[ -n "${JAVA_HOME:-}" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="$(command -v java || true)"
fi
[[ -n "$JAVA" && -x "$JAVA" ]] || die "java not found; install Java 17+ or set JAVA_HOME"

# The commit the figures belong to ("-dirty" when the work tree has changes).
COMMIT="unknown"
if command -v git >/dev/null 2>&1 && git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  COMMIT="$(git -C "$ROOT" rev-parse --short HEAD)"
  [[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]] || COMMIT="$COMMIT-dirty"
fi

# CompletableFuture's default async executor is the common ForkJoinPool only when its parallelism
# is at least 2 (cores - 1 by default); below that, every async continuation starts a new thread.
# Pekko's asks and pekko-grpc's handlers chain such continuations on every API call, so a 1- or
# 2-core machine would start threads per request. A pool of 2 keeps them on reused threads.
# The same as the ./trestle launcher gives the server. TRESTLE_JAVA_OPTS comes after this and can override it.
POOL_OPTS=""
if [[ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 4)" -lt 3 ]]; then
  POOL_OPTS="-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
fi

# shellcheck disable=SC2086
exec "$JAVA" $POOL_OPTS ${TRESTLE_JAVA_OPTS:-} \
  -Dtrestle.bench.results="$HERE/results" -Dtrestle.bench.commit="$COMMIT" \
  -cp "$(bench_jar):$(cat "$CLASSPATH_FILE")" dev.trestle.loadtest.Bench "$@"
