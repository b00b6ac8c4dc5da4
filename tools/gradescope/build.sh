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

for tool in zip; do
  command -v "$tool" > /dev/null || { echo "build.sh needs $tool (e.g. apt-get install $tool)." >&2; exit 2; }
done
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/netbasics"

cp "$here/setup.sh" "$here/run_autograder" "$stage/"
cd "$repo"
# What git tracks (nothing from target/, no editor leftovers) or, outside git (say, a template not
# yet committed), the files themselves; minus what must not ship.
shipped=(pom.xml mvnw .mvn tools/find-jdk.sh jbang-catalog.json chapters grader tests)
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  files() { git ls-files -z -- "${shipped[@]}" | tr '\0' '\n'; }
else
  files() { find "${shipped[@]}" -type f ! -path '*/target/*' ! -name '*.class'; }
fi
files | grep -v -e '^tests/mutants/' -e '^tests/hints/' \
  | while IFS= read -r file; do
      mkdir -p "$stage/netbasics/$(dirname "$file")"
      cp -p "$file" "$stage/netbasics/$file"
    done
# New files not yet committed would be missing: warn rather than ship a different autograder.
if git rev-parse --is-inside-work-tree > /dev/null 2>&1 && [ -n "$(git status --porcelain -- pom.xml tests chapters tools/find-jdk.sh)" ]; then
  echo "build.sh: note: pom.xml, tests/ or chapters/ have uncommitted changes; the zip holds the files git tracks, as they are now on disk." >&2
fi

mkdir -p "$(dirname "$out")"
rm -f "$out"
(cd "$stage" && zip -q -r -X "$out" setup.sh run_autograder netbasics)
echo "$out"
