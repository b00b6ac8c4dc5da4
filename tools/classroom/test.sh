#!/usr/bin/env bash
#
# tools/classroom/test.sh: tries tools/classroom/grade.sh here as the classroom workflow runs it,
# on a copy of this repository standing in for a student's, with UdpEchoServer finished:
#   - with nothing in its environment but PATH (without any JDK 21 on it) and HOME, as GitHub
#     Classroom's command runner would run it, plus the two files GitHub Actions provides;
#   - then it reads each step output back as GitHub Classroom's reporter does (base64, then JSON;
#     the points are the sum of the tests' scores, the maximum the result's max_score).
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

student=$scratch/student
(cd "$repo" && git ls-files -z | while IFS= read -r -d '' file; do
  mkdir -p "$student/$(dirname "$file")" && cp -p "$file" "$student/$file"
done)
cp "$repo/solutions/02-datagrams/UdpEchoServer.java" "$student/chapters/02-datagrams/UdpEchoServer.java"

out=$scratch/github-output
summary=$scratch/step-summary
: > "$out"
: > "$summary"
env -i PATH=/usr/bin:/bin HOME="$HOME" GITHUB_OUTPUT="$out" GITHUB_STEP_SUMMARY="$summary" \
  "$student/tools/classroom/grade.sh" 02-datagrams 99-nowhere > "$scratch/grade.log" 2>&1
check "grade.sh exits 0: grading ran" test "$?" -eq 0

# What the reporter does with a runner's output: base64 -> JSON.
result() { sed -n "s/^$1=//p" "$out" | base64 -d; }
result datagrams > "$scratch/datagrams.json"
result nowhere > "$scratch/nowhere.json"

check "an output for the runner 'datagrams'" test -s "$scratch/datagrams.json"
check "the command grader's format: version 1, a status, max_score, tests with name, status and score" \
  jq -e '.version == 1 and (.status | IN("pass", "fail")) and (.max_score | type == "number")
         and (.tests | length > 0 and all(has("name") and has("status") and has("score") and has("message")))' "$scratch/datagrams.json"
check "every UdpEchoServer test earned its points (partial credit is per test)" \
  jq -e '[.tests[] | select(.name | startswith("UdpEchoServer ")) | .status] | length > 0 and all(. == "pass")' "$scratch/datagrams.json"
check "the chapter's points agree with results.json" \
  jq -e --slurpfile g "$student/target/grades/results.json" \
  '([.tests[].score] | add) == ([$g[0].tests[] | select(.tags[0] == "02-datagrams") | .score] | add)
   and .max_score == ([$g[0].tests[] | select(.tags[0] == "02-datagrams") | .max_score] | add)' "$scratch/datagrams.json"
check "a chapter the repository lacks is reported as an error, by name" \
  jq -e '.status == "error" and (.tests[0].message | test("99-nowhere"))' "$scratch/nowhere.json"
check "the job summary holds the score table" grep -q "netbasics score" "$summary"

if [ "$failed" -gt 0 ]; then
  echo "--- grade.sh's log:"; tail -40 "$scratch/grade.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
