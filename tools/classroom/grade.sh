#!/usr/bin/env bash
#
# tools/classroom/grade.sh CHAPTER...: grades a student's chapters/ for GitHub Classroom.
#
#     tools/classroom/grade.sh 01-endpoints 02-datagrams
#
# Runs the same grading as `./mvnw test -Pgrade` (the score table and every failure in full go to
# the log), then, for each CHAPTER, hands the reporting step that chapter's result: the JSON that
# autograding-command-grader would produce (version 1, status, max_score, one entry per test with
# the points it earned, so a chapter earns partial credit), base64-encoded, as the step output
# named after the chapter without its number (02-datagrams -> datagrams). The reporter
# (tools/classroom/report.sh) reads it from an environment variable DATAGRAMS_RESULTS; see
# .github/workflows/classroom.yml. Linux caps one variable at 128 KiB, so the grader cuts a
# chapter's messages to fit (GradeReport.CLASSROOM_RESULT_BYTES) and says so in each cut message.
#
# WORKBOOK_ROOT=DIR grades another tree laid out like chapters/ (e.g. a student's, checked out
# beside a private copy of the tests: see "Hide the tests" in docs/instructors.md).
#
# Outside GitHub Actions (no GITHUB_OUTPUT) it prints those lines instead, so it can be tried
# anywhere. It needs nothing from the environment but PATH and HOME: tools/find-jdk.sh finds a
# JDK 21 or newer by itself. It exits 0 whenever grading ran, failing tests or not (the reporter
# marks the run failed then), and non-zero only when grading itself could not run.

set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

. tools/find-jdk.sh || exit 2

if [ "$#" -eq 0 ]; then
  echo "usage: tools/classroom/grade.sh CHAPTER... (e.g. 02-datagrams)" >&2
  exit 2
fi

# Grade only the chapters this copy of the workbook has; a chapter named in the workflow but
# missing here gets an error result below, so the reporter says which one instead of crashing.
root=${WORKBOOK_ROOT:-chapters}
present=()
for chapter in "$@"; do
  if [ -d "$root/$chapter" ]; then present+=("$chapter"); fi
done

rm -rf target/grades
if [ "${#present[@]}" -gt 0 ]; then
  list=$(IFS=,; echo "${present[*]}")
  ./mvnw --batch-mode --no-transfer-progress -q test -Pgrade -Dworkbook.chapter="$list" -Dworkbook.root="$root"
  status=$?
  if [ ! -f target/grades/results.json ]; then
    echo "Grading did not run (./mvnw exited with $status); see the messages above." >&2
    exit 2
  fi
fi

# Prints the GitHub Actions output line for one chapter.
output() {
  local chapter=$1 runner result
  runner=$(printf '%s' "${chapter#[0-9][0-9]-}" | tr -cd 'A-Za-z0-9')
  result=target/grades/classroom/$chapter.json
  if [ ! -f "$result" ]; then
    mkdir -p target/grades/classroom
    printf '{"version":1,"status":"error","max_score":0,"tests":[{"name":"%s","status":"error","score":0,"max_score":0,"message":"This repository has no graded chapter %s: add it, or remove it from the workflow.","test_code":"","filename":"","line_no":0,"duration":0}]}\n' \
      "$chapter" "$chapter" > "$result"
  fi
  printf '%s=%s\n' "$runner" "$(base64 < "$result" | tr -d '\n')"
}

for chapter in "$@"; do
  if [ -n "${GITHUB_OUTPUT:-}" ]; then output "$chapter" >> "$GITHUB_OUTPUT"; else output "$chapter"; fi
done

# The Markdown score table on the run's summary page.
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f target/grades/summary.md ]; then
  cat target/grades/summary.md >> "$GITHUB_STEP_SUMMARY"
fi
exit 0
