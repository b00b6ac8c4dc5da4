#!/usr/bin/env bash
#
# tools/gradescope/test.sh: builds the Gradescope autograder and tries it out here, the way
# Gradescope would use it, in a scratch folder standing in for /autograder:
#   1. build.sh makes the zip; it is unpacked into source/, as Gradescope does;
#   2. setup.sh runs (it installs nothing where a JDK 21 exists, and warms the Maven cache);
#   3. run_autograder grades a sample submission: the finished UdpEchoServer.java, uploaded as a
#      loose file beside a file that is no exercise; it must earn every point of UdpEchoServer
#      and none elsewhere;
#   4. run_autograder grades an empty submission: no points, and a message saying why.
# Prints "N passed, N failed" and exits non-zero when a check fails.

set -uo pipefail
repo=$(CDPATH='' cd -P "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
for tool in jq unzip zip base64; do
  command -v "$tool" > /dev/null || { echo "$0 needs $tool (e.g. apt-get install $tool)."; echo "0 passed, 1 failed"; exit 1; }
done

check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" > /dev/null; then passed=$((passed + 1)); echo "ok: $what"; else failed=$((failed + 1)); echo "FAILED: $what"; fi
}

ag=$scratch/autograder
mkdir -p "$ag/source" "$ag/submission" "$ag/results"
"$repo/tools/gradescope/build.sh" "$scratch/autograder.zip"
check "the zip has setup.sh and run_autograder at its root" \
  bash -c "unzip -Z1 '$scratch/autograder.zip' | grep -qx setup.sh && unzip -Z1 '$scratch/autograder.zip' | grep -qx run_autograder"
check "the zip holds no solutions and no mutants" \
  bash -c "! unzip -Z1 '$scratch/autograder.zip' | grep -q -e '^netbasics/solutions/' -e '^netbasics/tests/mutants/'"
unzip -q "$scratch/autograder.zip" -d "$ag/source"
cp "$ag/source/run_autograder" "$ag/run_autograder"

check "setup.sh succeeds" env AUTOGRADER_ROOT="$ag" bash "$ag/source/setup.sh"

# A finished exercise, uploaded as a loose file, and a file that is no exercise.
cp "$repo/solutions/02-datagrams/UdpEchoServer.java" "$ag/submission/"
printf 'public class Notes {}\n' > "$ag/submission/Notes.java"
(cd "$ag" && AUTOGRADER_ROOT="$ag" ./run_autograder > "$scratch/run.log" 2>&1)
json=$ag/results/results.json
check "run_autograder wrote results.json" test -s "$json"
check "UdpEchoServer earned every one of its points" \
  jq -e '[.tests[] | select(.tags[1] == "UdpEchoServer")] | length > 0 and all(.score == .max_score and .status == "passed")' "$json"
check "the score is UdpEchoServer's points and nothing else" \
  jq -e '.score == ([.tests[] | select(.tags[1] == "UdpEchoServer") | .max_score] | add)' "$json"
check "the exercises not submitted were graded as stubs, with no points" \
  jq -e '[.tests[] | select(.tags[1] != "UdpEchoServer") | .score] | add // 0 | . == 0' "$json"
check "the file that is no exercise was ignored" grep -q "ignored: Notes.java" "$scratch/run.log"

rm -rf "$ag/submission" "$ag/results" && mkdir -p "$ag/submission" "$ag/results"
(cd "$ag" && AUTOGRADER_ROOT="$ag" ./run_autograder > "$scratch/empty.log" 2>&1)
check "an empty submission gets no points and a reason" \
  jq -e '.score == 0 and (.output | test("No exercise found"))' "$ag/results/results.json"

if [ "$failed" -gt 0 ]; then
  echo "--- run_autograder's log:"; cat "$scratch/run.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
