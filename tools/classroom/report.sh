#!/usr/bin/env bash
#
# tools/classroom/report.sh RUNNER[,RUNNER...]: reports the chapters' points to GitHub Classroom,
# in place of classroom-resources/autograding-grading-reporter, reading the same input: each
# runner's result, base64-encoded JSON in the command grader's format, from <RUNNER>_RESULTS
# (e.g. DATAGRAMS_RESULTS; tools/classroom/grade.sh writes them). It prints:
#
#   - per chapter, every test with the points it earned, and each failing test's message and hint
#     (the official reporter prints messages only for tests whose status is "error");
#   - a table of the chapters' points: the sum of their tests' scores (the official reporter's
#     table and "Total points" lines count passed tests instead, passed / tests × max_score);
#   - the two notices GitHub Classroom reads from the run, exactly as the official reporter makes
#     them (its src/notify-classroom.js): "Points X/Y" titled "Autograding complete" and
#     {"totalPoints":X,"maxPoints":Y} titled "Autograding report";
#   - the same table on the job summary page ($GITHUB_STEP_SUMMARY), and one error annotation per
#     chapter with failing tests.
#
# Like the official reporter it fails (exit 1) when a test failed or a result is an error, so a
# push with failing tests shows a red mark. Messages come from the student's code (what it sent),
# so they are printed between ::stop-commands:: markers: a message cannot pose as a notice.

set -uo pipefail
if [ "$#" -ne 1 ] || ! [[ $1 =~ ^([a-zA-Z0-9]+,)*[a-zA-Z0-9]+$ ]]; then
  echo "usage: tools/classroom/report.sh RUNNER[,RUNNER...] (runner ids: letters and digits, comma-separated)" >&2
  exit 2
fi
command -v jq > /dev/null || { echo "report.sh needs jq (GitHub's runners have it; elsewhere apt-get install jq)." >&2; exit 2; }

# One JSON array of {runner, results}; a runner without a readable result becomes an error result.
IFS=, read -r -a runners <<< "$1"
all=$(for runner in "${runners[@]}"; do
  variable="$(printf '%s' "$runner" | tr '[:lower:]' '[:upper:]')_RESULTS"
  decoded=$(printf '%s' "${!variable:-}" | base64 -d 2> /dev/null)
  if [ -n "$decoded" ] && jq -e 'type == "object" and (.tests | type == "array")' > /dev/null 2>&1 <<< "$decoded"; then
    jq -c --arg runner "$runner" '{runner: $runner, results: .}' <<< "$decoded"
  else
    jq -nc --arg runner "$runner" --arg variable "$variable" '{runner: $runner, results: {version: 1, status: "error",
      max_score: 0, tests: [{name: $runner, status: "error", score: 0,
      message: "No result in \($variable): is the Grade step'"'"'s output named \($runner)?"}]}}'
  fi
done | jq -sc .)

# The points, as GitHub Classroom counts them (src/notify-classroom.js): the tests' scores, over
# the max_score of each result that has one.
read -r total max < <(jq -r '[.[].results | select((.max_score // 0) != 0)]
  | "\([.[].tests[].score] | add // 0) \([.[].max_score] | add // 0)"' <<< "$all")

# The log: each chapter's tests, the failing ones with their messages, between stop-commands markers.
token=netbasics-$RANDOM$RANDOM$RANDOM
echo "::stop-commands::$token"
jq -r '.[] | "",
  "── \(.runner): \([.results.tests[].score] | add // 0) / \(.results.max_score // 0) points",
  (.results.tests[] |
    (if .status == "pass" then "✅ " else "❌ " end) + .name
      + (if .max_score != null then "  (\(.score) / \(.max_score))" else "" end),
    (select(.status != "pass" and (.message // "") != "") | .message | split("\n") | map("     " + .) | join("\n")))' <<< "$all"
echo "::$token::"

table=$(jq -r --arg total "$total" --arg max "$max" '
  "| chapter | points | max |", "|---|---:|---:|",
  (.[] | "| \(.runner) | \([.results.tests[].score] | add // 0) | \(.results.max_score // 0) |"),
  "| **total** | **\($total)** | **\($max)** |"' <<< "$all")
echo
echo "$table"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  printf '\n## Points reported to GitHub Classroom\n\n%s\n' "$table" >> "$GITHUB_STEP_SUMMARY"
fi

# The chapters with failing tests, as annotations on the run's page (GitHub shows at most 10 a step).
jq -r '.[] | select(.results.status != "pass") | .runner as $r | .results
  | "::error title=\($r)::\([.tests[] | select(.status != "pass")] | length) of \(.tests | length) tests not passing, \([.tests[].score] | add // 0) / \(.max_score // 0) points; each one'"'"'s message and hint is in the log of this step and on the summary page"' \
  <<< "$all" | head -8

if [ "$max" != 0 ]; then
  echo "::notice title=Autograding complete::Points $total/$max"
  echo "::notice title=Autograding report::{\"totalPoints\":$total,\"maxPoints\":$max}"
fi

if jq -e 'any(.[]; .results.status == "fail")' > /dev/null <<< "$all"; then
  echo "::error::Some tests failed."
  exit 1
elif jq -e 'any(.[]; .results.status == "error")' > /dev/null <<< "$all"; then
  echo "::error::Some tests errored."
  exit 1
fi
