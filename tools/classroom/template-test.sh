#!/usr/bin/env bash
#
# tools/classroom/template-test.sh: makes a template with tools/classroom/make-template.sh (one
# chapter, 02-datagrams, as an instructor would for a first assignment), commits it as a
# student's clone would have it, and checks that
#   - nothing is left behind that students must not have or that belongs to the chapters left
#     out (solutions, mutants, the self-check, bench/, docs/, other chapters' text, suites,
#     helper classes and the fixtures only they used);
#   - the README is written for these students: no other chapter, no demo of the solutions, and
#     every relative link leads to a file of the template;
#   - every command of the README's code blocks works there, run as written (the commands that
#     grade must grade: tests run and results are written; a script stopped by its TODO is
#     working as it should; `watch` is still watching when stopped after a while).
# Prints "N passed, N failed" and exits non-zero when a check fails.

set -uo pipefail
repo=$(CDPATH='' cd -P "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" > /dev/null 2>&1; then passed=$((passed + 1)); echo "ok: $what"; else failed=$((failed + 1)); echo "FAILED: $what"; fi
}
command -v jq > /dev/null || { echo "$0 needs jq (e.g. apt-get install jq)."; echo "0 passed, 1 failed"; exit 1; }

chapter=02-datagrams
template=$scratch/template
"$repo/tools/classroom/make-template.sh" "$template" "$chapter" > "$scratch/make.log" 2>&1
check "make-template.sh makes the template" test -f "$template/README.md"
cd "$template" || exit 1
git init -q && git add -A && git -c user.name=Student -c user.email=student@example.org commit -qm "Assignment template"

# --- What is there and what is not.
absent() { [ ! -e "$1" ]; }
for gone in solutions tests/mutants tests/java/netbasics/verification .ci bench docs tools/EchoDemo.java \
  tools/classroom/make-template.sh tools/classroom/test.sh tools/classroom/template-test.sh tools/gradescope/test.sh \
  chapters/03-streams tests/hints/03-streams tests/java/netbasics/chapters/streams tests/java/netbasics/chapters/modes \
  tests/java/netbasics/fixtures/tls tests/java/netbasics/fixtures/DnsTestServer.java; do
  check "left out: $gone" absent "$gone"
done
check "kept: the chapter's text, stubs, suites and hints" \
  test -f "chapters/$chapter/README.md" -a -f "chapters/$chapter/UdpEchoServer.java" \
    -a -f tests/java/netbasics/chapters/datagrams/UdpEchoServerTest.java -a -f "tests/hints/$chapter/UdpEchoServer.md"
check "the aliases are this chapter's and the workbook's only" \
  jq -e '[.aliases[]["script-ref"]] | all(startswith("chapters/02-datagrams/") or . == "tools/Workbook.java")' jbang-catalog.json
check "the classroom workflow grades exactly this chapter" \
  bash -c "grep -q 'grade.sh $chapter\$' .github/workflows/classroom.yml && grep -q 'runners: datagrams\$' .github/workflows/classroom.yml \
    && [ \$(grep -c '_RESULTS:' .github/workflows/classroom.yml) -eq 1 ]"

# --- The README.
check "the README names no chapter left out" bash -c "! grep -Eo '0[1-9]-[a-z]+' README.md | grep -vx '$chapter'"
check "the README offers no demo of the solutions, no docs/, no make-template.sh" \
  bash -c "! grep -E 'echo-demo|docs/|make-template|solutions/' README.md"
links_resolve() {
  local link
  for link in $(grep -o '](\([^)#]*\))' README.md | sed 's/^](//; s/)$//' | grep -v '^[a-z]*://'); do
    [ -e "$link" ] || { echo "dead link: $link"; return 1; }
  done
}
check "every relative link of the README leads to a file here" links_resolve

# --- Every command of the README, as written.
commands=$(awk '/^ *```sh/ { inside = 1; next } /^ *```/ { inside = 0; next } inside' README.md \
  | sed 's/[[:space:]]#.*$//; s/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$')
check "the README has commands to try" test -n "$commands"
broken='could not be found|command not found|No such file|[Uu]nknown (command|option)|[Uu]sage:|Could not find or load main class|BUILD FAILURE.*compil|COMPILATION ERROR'
. tools/find-jdk.sh > /dev/null || exit 1
n=0
while IFS= read -r line; do
  n=$((n + 1))
  log=$scratch/command-$n.log
  rm -rf target/grades target/surefire-reports
  started=$SECONDS
  case $line in
    *" watch "*) limit=90 ;;
    *) limit=900 ;;
  esac
  timeout --kill-after=10 "$limit" bash -c "$line" < /dev/null > "$log" 2>&1
  status=$?
  took=$((SECONDS - started))
  works() {
    ! grep -Eq "$broken" "$log" || return 1
    case $line in
      *" watch "*) [ "$status" -eq 124 ] && [ -s "$log" ] ;;   # still watching when stopped, having said something
      "./mvnw test"*)
        # It graded: tests ran (the stubs fail them) and the results were written.
        [ -f target/grades/results.json ] && jq -e '.tests | length > 0' target/grades/results.json > /dev/null ;;
      "./jbang workbook"*) [ "$status" -le 1 ] ;;   # 1: an exercise is unfinished
      *) grep -q 'TODO' "$log" ;;                   # a script: the stub runs and stops at its TODO
    esac
  }
  if works; then
    passed=$((passed + 1)); echo "ok: \`$line\` works (exit $status, $took s)"
  else
    failed=$((failed + 1)); echo "FAILED: \`$line\` (exit $status, $took s); its output ends:"; tail -15 "$log" | sed 's/^/    /'
  fi
done <<< "$commands"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
