#!/usr/bin/env bash
#
# tools/gradescope/build.sh [OUTPUT.zip]: builds the Gradescope autograder from this repository.
#
# The zip holds, at its root, what Gradescope asks for: setup.sh (run once, when the autograder's
# image is built) and run_autograder (run for each submission), plus netbasics/, the grading side
# of this repository: the build, the suites, the fixtures and the stubs. The solutions, the planted
# mistakes and the hints stay out. Students never see any of it: Gradescope keeps the autograder
# apart from their submission, so the tests are hidden.
#
# Default output: target/gradescope/autograder.zip. tools/gradescope/test.sh tries it out.

set -euo pipefail
here=$(CDPATH='' cd -P "$(dirname "$0")" && pwd)
repo=$(dirname "$(dirname "$here")")
out=${1:-$repo/target/gradescope/autograder.zip}
case $out in /*) ;; *) out=$PWD/$out ;; esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/netbasics"

cp "$here/setup.sh" "$here/run_autograder" "$stage/"
cd "$repo"
# Only what git tracks (nothing from target/, no local edits' leftovers), minus what must not ship.
git ls-files -z -- pom.xml mvnw .mvn tools/find-jdk.sh jbang-catalog.json chapters tests \
  | tr '\0' '\n' | grep -v -e '^tests/mutants/' -e '^tests/hints/' \
  | while IFS= read -r file; do
      mkdir -p "$stage/netbasics/$(dirname "$file")"
      cp -p "$file" "$stage/netbasics/$file"
    done
# New files not yet committed would be missing: warn rather than ship a different autograder.
if [ -n "$(git status --porcelain -- pom.xml tests chapters tools/find-jdk.sh)" ]; then
  echo "build.sh: note: pom.xml, tests/ or chapters/ have uncommitted changes; the zip holds the files git tracks, as they are now on disk." >&2
fi

mkdir -p "$(dirname "$out")"
rm -f "$out"
(cd "$stage" && zip -q -r -X "$out" setup.sh run_autograder netbasics)
echo "$out"
