#!/usr/bin/env bash
#
# tools/classroom/test.sh: tries the GitHub Classroom workflow's two steps here, on a copy of this
# repository standing in for a student's, with UdpEchoServer finished and UdpEchoClient finished
# but for one classic mistake (it decodes the whole receive buffer), whose failures must show
# their conversations (the transcripts) in the log and on the job summary page:
#   1. tools/classroom/grade.sh, with nothing in its environment but PATH (without any JDK 21 on
#      it) and HOME, as autograding-command-grader would run it, plus the two files GitHub Actions
#      provides (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY);
#   2. tools/classroom/report.sh, given each step output as <RUNNER>_RESULTS, as the workflow does;
#   3. grade.sh again on two hostile UdpEchoServers of tests/hostile/ (one forges the reports, one
#      floods its output), each beside a finished UdpEchoClient: nothing for the one, all for the other;
#   4. grade.sh on the finished chapter: every test passes and the log is the score table alone.
# It checks the outputs against what GitHub's side really does with them, reimplemented here from
# the sources of classroom-resources/autograding-grading-reporter (v1):
#   - src/main.js: the runner ids must match /^([a-zA-Z0-9]+,)*[a-zA-Z0-9]+$/ and each result is
#     read from process.env[`${runner.trim().toUpperCase()}_RESULTS`], base64, then JSON;
#   - src/notify-classroom.js: what GitHub Classroom reads is two notices, "Points X/Y" titled
#     "Autograding complete" and {"totalPoints":X,"maxPoints":Y} titled "Autograding report",
#     X the sum of every test's score and Y the sum of the results' max_score (results whose
#     max_score is 0 left out);
#   - src/helpers/test-helpers.js getTestScore: the official reporter's own table instead shows
#     passed tests / tests × max_score, which is not our points (the reason report.sh replaces it);
#   - Linux: one environment variable, NAME=value, holds at most 131,072 bytes (MAX_ARG_STRLEN).
# Prints "N passed, N failed" and exits non-zero when a check fails.

set -uo pipefail
repo=$(CDPATH='' cd -P "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
for tool in jq base64; do
  command -v "$tool" > /dev/null || { echo "$0 needs $tool (e.g. apt-get install $tool)."; echo "0 passed, 1 failed"; exit 1; }
done

check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" > /dev/null; then passed=$((passed + 1)); echo "ok: $what"; else failed=$((failed + 1)); echo "FAILED: $what"; fi
}

student=$scratch/student
(cd "$repo" && git ls-files -z | while IFS= read -r -d '' file; do
  [ -e "$file" ] || continue
  mkdir -p "$student/$(dirname "$file")" && cp -p "$file" "$student/$file"
done)
cp "$repo/solutions/02-datagrams/UdpEchoServer.java" "$student/chapters/02-datagrams/UdpEchoServer.java"
# The mutant tests/mutants/02-datagrams/UdpEchoClient/decodes-whole-buffer, planted with sed.
sed 's/new String(reply.getData(), reply.getOffset(), reply.getLength(), StandardCharsets.UTF_8)/new String(reply.getData(), StandardCharsets.UTF_8)/' \
  "$repo/solutions/02-datagrams/UdpEchoClient.java" > "$student/chapters/02-datagrams/UdpEchoClient.java"
check "the student's UdpEchoClient has its mistake" \
  grep -qF 'return new String(reply.getData(), StandardCharsets.UTF_8);' "$student/chapters/02-datagrams/UdpEchoClient.java"

# --- The workflow's shape, as the reporter's main.js reads it.
workflow=$repo/.github/workflows/classroom.yml
runners=$(sed -n 's/^ *runners: *//p' "$workflow")
check "the workflow's runners input is what main.js accepts (letters and digits, comma-separated)" \
  grep -Eqx '([a-zA-Z0-9]+,)*[a-zA-Z0-9]+' <<< "$runners"
every_runner_has_its_variable() {
  local runner
  for runner in ${runners//,/ }; do
    grep -q "^ *$(tr '[:lower:]' '[:upper:]' <<< "$runner")_RESULTS: \"\${{ steps.grade.outputs.$runner }}\"" "$workflow" || return 1
  done
}
check "each runner's result is passed as <RUNNER>_RESULTS, upper-cased as main.js looks it up" every_runner_has_its_variable

# --- Step 1: grade.
out=$scratch/github-output
summary=$scratch/step-summary
: > "$out"
: > "$summary"
started=$SECONDS
env -i PATH=/usr/bin:/bin HOME="$HOME" GITHUB_OUTPUT="$out" GITHUB_STEP_SUMMARY="$summary" \
  "$student/tools/classroom/grade.sh" 02-datagrams 99-nowhere > "$scratch/grade.log" 2>&1
check "grade.sh exits 0: grading ran ($((SECONDS - started)) s)" test "$?" -eq 0

value() { sed -n "s/^$1=//p" "$out"; }
result() { value "$1" | base64 -d; }
result datagrams > "$scratch/datagrams.json"
result nowhere > "$scratch/nowhere.json"
check "an output for the runner 'datagrams'" test -s "$scratch/datagrams.json"
check "the command grader's format: version 1, a status, max_score, tests with name, status, score and message" \
  jq -e '.version == 1 and (.status | IN("pass", "fail")) and (.max_score | type == "number")
         and (.tests | length > 0 and all(has("name") and has("status") and has("score") and has("message")))' "$scratch/datagrams.json"
check "every UdpEchoServer test earned its points (partial credit is per test)" \
  jq -e '[.tests[] | select(.name | startswith("UdpEchoServer ")) | .status] | length > 0 and all(. == "pass")' "$scratch/datagrams.json"
check "the chapter's points agree with results.json" \
  jq -e --slurpfile g "$student/target/grades/results.json" \
  '([.tests[].score] | add) == ([$g[0].tests[] | select(.tags[0] == "02-datagrams") | .score] | add)
   and .max_score == ([$g[0].tests[] | select(.tags[0] == "02-datagrams") | .max_score] | add)' "$scratch/datagrams.json"
check "the stubs' failing tests carry their messages and hints" \
  jq -e '[.tests[] | select(.status == "fail" and (.name | startswith("UdpEchoClient ") | not)) | .message] | length > 0
         and all(startswith("Not done yet: TODO") and contains("Hint: "))' "$scratch/datagrams.json"
check "the broken UdpEchoClient's failures carry their messages, cut to fit where long (the whole is on the summary page)" \
  jq -e '[.tests[] | select(.status == "fail" and (.name | startswith("UdpEchoClient "))) | .message] | length > 0
         and all(length > 0)' "$scratch/datagrams.json"
fits() { local name; name="$(tr '[:lower:]' '[:upper:]' <<< "$1")_RESULTS"; [ $(( ${#name} + 1 + $(value "$1" | wc -c) )) -le 131072 ]; }
check "each chapter's result fits one environment variable (131,072 bytes with its name)" bash -c "$(declare -f fits value); out='$out'; fits datagrams && fits nowhere"
check "a chapter the repository lacks is reported as an error, by name" \
  jq -e '.status == "error" and (.tests[0].message | test("99-nowhere"))' "$scratch/nowhere.json"
check "the job summary holds the score table" grep -q "netbasics score" "$summary"
check "the job summary shows the failing tests, the broken client's with their transcripts" \
  bash -c "grep -q '<summary>02-datagrams/UdpEchoClient — ' '$summary' && grep -qF 'The conversation (time since the test began, who → whom, what):' '$summary' \
           && grep -Eq 'your code → echo peer +datagram' '$summary'"

# --- Step 2: report, with the outputs as the workflow hands them over.
env -i PATH=/usr/bin:/bin HOME="$HOME" GITHUB_STEP_SUMMARY="$summary" \
  DATAGRAMS_RESULTS="$(value datagrams)" NOWHERE_RESULTS="$(value nowhere)" \
  "$repo/tools/classroom/report.sh" datagrams,nowhere > "$scratch/report.log" 2>&1
check "report.sh fails the step while a test fails, as the official reporter does" test "$?" -eq 1

# What GitHub Classroom reads, computed as src/notify-classroom.js computes it from the same results.
read -r total max < <(jq -rs '[.[] | select((.max_score // 0) != 0)]
  | "\([.[].tests[].score] | add // 0) \([.[].max_score] | add // 0)"' "$scratch/datagrams.json" "$scratch/nowhere.json")
check "the 'Autograding complete' notice: Points $total/$max" grep -qxF "::notice title=Autograding complete::Points $total/$max" "$scratch/report.log"
check "the 'Autograding report' notice GitHub Classroom parses" \
  grep -qxF "::notice title=Autograding report::{\"totalPoints\":$total,\"maxPoints\":$max}" "$scratch/report.log"
check "the log's chapter line shows the same points" grep -qF "── datagrams: $total / $max points" "$scratch/report.log"
check "the log's table and the job summary's table show the same points" \
  bash -c "grep -qxF '| datagrams | $total | $max |' '$scratch/report.log' && grep -qxF '| datagrams | $total | $max |' '$summary' && grep -qxF '| **total** | **$total** | **$max** |' '$summary'"
check "the job summary's score table agrees too" grep -qF "$total / $max points" "$summary"
check "the log shows each failing test with its message and hint" \
  bash -c "grep -q '^❌ ' '$scratch/report.log' && grep -q '^     Not done yet: TODO' '$scratch/report.log' && grep -q '^     Hint: ' '$scratch/report.log'"
# The official reporter's table (getTestScore) would show passed / tests × max_score instead:
official=$(jq -r '([.tests[] | select(.status == "pass")] | length) / (.tests | length) * .max_score' "$scratch/datagrams.json")
echo "   (for comparison, the official reporter's table would say datagrams $official/$max, and print no message)"

# Workflow commands in a message are text, not commands: replay the log as the runner reads it
# (leading blanks taken as insignificant, to be safe), skipping what lies between
# ::stop-commands::TOKEN and ::TOKEN::, and count the notices left.
forged=$(jq -c '.tests[0].status = "fail" | .tests[0].message = "::notice title=Autograding report::{\"totalPoints\":999,\"maxPoints\":999}"' \
  "$scratch/datagrams.json" | base64 | tr -d '\n')
env -i PATH=/usr/bin:/bin FORGED_RESULTS="$forged" "$repo/tools/classroom/report.sh" forged > "$scratch/forged.log" 2>&1
commands() { awk '
  { sub(/^[ \t]+/, "") }
  stop != "" { if ($0 == "::" stop "::") stop = ""; next }
  /^::stop-commands::/ { stop = substr($0, 18); next }
  /^::notice / { print }' "$1"; }
check "a message posing as a notice is not one: only report.sh's own two notices count" \
  bash -c "[ \"\$($(declare -f commands); commands '$scratch/forged.log' | grep -c 'totalPoints\":999')\" -eq 0 ] && [ \"\$($(declare -f commands); commands '$scratch/forged.log' | wc -l)\" -eq 2 ]"

# --- Hostile submissions (tests/hostile/), graded by grade.sh in the same bare environment: a
# UdpEchoServer that forges the reports and the grader's channel, and one that floods its output,
# each beside a finished UdpEchoClient. The hostile exercise earns nothing, its neighbour every
# point, the reporter's input is the grader's, and the log stays short.
cp "$repo/solutions/02-datagrams/UdpEchoClient.java" "$student/chapters/02-datagrams/UdpEchoClient.java"
for hostile in writes-a-fake-report-and-frames floods-output; do
  cp "$repo/tests/hostile/$hostile/02-datagrams/UdpEchoServer.java" "$student/chapters/02-datagrams/UdpEchoServer.java"
  : > "$out"
  started=$SECONDS
  env -i PATH=/usr/bin:/bin HOME="$HOME" GITHUB_OUTPUT="$out" GITHUB_STEP_SUMMARY="$scratch/hostile-summary" \
    "$student/tools/classroom/grade.sh" 02-datagrams > "$scratch/$hostile.log" 2>&1
  check "$hostile: grade.sh exits 0: grading ran ($((SECONDS - started)) s)" test "$?" -eq 0
  result datagrams > "$scratch/$hostile.json"
  check "$hostile: UdpEchoServer earns nothing, every test failed" \
    jq -e '[.tests[] | select(.name | startswith("UdpEchoServer "))] | length > 0 and all(.status == "fail" and .score == 0)' "$scratch/$hostile.json"
  check "$hostile: the finished UdpEchoClient beside it earns every point" \
    jq -e '[.tests[] | select(.name | startswith("UdpEchoClient "))] | length > 0 and all(.status == "pass" and .score > 0)' "$scratch/$hostile.json"
  check "$hostile: the chapter's points are the grader's, as results.json has them" \
    jq -e --slurpfile g "$student/target/grades/results.json" \
    '([.tests[].score] | add) == ([$g[0].tests[] | select(.tags[1] == "UdpEchoClient") | .max_score] | add)
     and ([$g[0].tests[] | select(.tags[0] == "02-datagrams") | .score] | add) == ([.tests[].score] | add)' "$scratch/$hostile.json"
  check "$hostile: the log stays short ($(wc -c < "$scratch/$hostile.log") bytes)" test "$(wc -c < "$scratch/$hostile.log")" -lt 1000000
done

# --- A passing run prints the score table and nothing else: not a line of what the learner's code
# or the tests' fixtures printed (that is kept per test, for a failure only).
cp "$repo"/solutions/02-datagrams/*.java "$student/chapters/02-datagrams/"
: > "$out"
started=$SECONDS
env -i PATH=/usr/bin:/bin HOME="$HOME" GITHUB_OUTPUT="$out" GITHUB_STEP_SUMMARY="$scratch/passing-summary" \
  "$student/tools/classroom/grade.sh" 02-datagrams > "$scratch/passing.log" 2>&1
check "a finished chapter: grade.sh exits 0 ($((SECONDS - started)) s)" test "$?" -eq 0
result datagrams > "$scratch/passing.json"
check "... and every test passes" jq -e '.status == "pass" and (.tests | length > 0)' "$scratch/passing.json"
not_the_table() { # prints the lines of $1 that are not the score table's
  grep -vxE -e '' -e 'netbasics score for .*' -e '  chapter +exercise +points' -e '  [0-9a-z-]* +[A-Za-z]+ +[0-9]+ / [0-9]+ *' \
    -e '  total +[0-9]+ / [0-9]+ +\(100 %\)' -e '  Graded code ran .*' -e '  Reports: .*' "$1"
}
check "... and its log is the score table alone ($(wc -l < "$scratch/passing.log") lines)" \
  bash -c "$(declare -f not_the_table); ! not_the_table '$scratch/passing.log' | grep -q ."

if [ "$failed" -gt 0 ]; then
  echo "--- grade.sh's log:"; tail -40 "$scratch/grade.log"
  echo "--- the passing run's log, what is not its score table:"; not_the_table "$scratch/passing.log" | head -20
  echo "--- report.sh's log:"; tail -40 "$scratch/report.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
