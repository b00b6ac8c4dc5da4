#!/usr/bin/env bash
#
# tools/classroom/make-template.sh DIR [CHAPTER...]: makes the students' template repository.
#
#     tools/classroom/make-template.sh ../netbasics-fall 01-endpoints 02-datagrams
#
# Copies this workbook (the files git tracks) into DIR, a new folder, leaving out what students
# must not have or cannot use: solutions/, the planted mistakes (tests/mutants/), the workbook's
# own self-check (tests/java/netbasics/verification/, .ci/), the benchmarks (bench/), the
# instructor guide (docs/) and the tools that run the solutions or test these scripts. With
# CHAPTER names, only those chapters are kept: their text and stubs, suites and the test helpers
# only they use, fixtures no kept suite needs go too, and so do their hints and aliases. Then:
#   - the README is one written for students of those chapters (every command in it works there:
#     tools/classroom/template-test.sh runs them all);
#   - `./mvnw test` grades (the self-check it runs here is not in the template);
#   - the classroom workflow grades exactly the chapters kept.
# DIR is then ready for `git init`, a push, and GitHub Classroom's "template repository" setting.

set -euo pipefail
repo=$(CDPATH='' cd -P "$(dirname "$0")/../.." && pwd)
if [ "$#" -lt 1 ]; then
  echo "usage: tools/classroom/make-template.sh DIR [CHAPTER...]" >&2
  exit 2
fi
out=$1; shift
if [ -e "$out" ]; then
  echo "make-template: $out already exists; name a new folder." >&2
  exit 2
fi

command -v jq > /dev/null || { echo "make-template.sh needs jq (e.g. apt-get install jq)." >&2; exit 2; }
cd "$repo"
all=$(cd chapters && ls -d [0-9][0-9]-*/ | tr -d /)
if [ "$#" -eq 0 ]; then set -- $all; fi
for chapter in "$@"; do
  if ! grep -qx "$chapter" <<< "$all"; then
    echo "make-template: there is no chapter '$chapter'. The chapters are: $(echo $all | tr ' ' ',')." >&2
    exit 2
  fi
done
kept=" $* "
is_kept() { case $kept in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# The suites' folders of the chapters left out (tests/java/netbasics/chapters/<topic>/, found by the
# @Exercise(chapter = ...) of their suites), with every helper class in them.
dropped_folders=$(for chapter in $all; do
  is_kept "$chapter" || grep -rl --include='*.java' "chapter = \"$chapter\"" tests/java/netbasics/chapters | xargs -r -n1 dirname
done | sort -u)

mkdir -p "$out"
out=$(CDPATH='' cd -P "$out" && pwd)
git ls-files -z | while IFS= read -r -d '' file; do
  [ -e "$file" ] || continue
  case $file in
    solutions/*|tests/mutants/*|tests/java/netbasics/verification/*|tests/hostile/*|.ci/*|bench/*|docs/*) continue ;;
    tools/EchoDemo.java|tools/gradescope/test.sh|tools/classroom/test.sh|tools/classroom/make-template.sh|tools/classroom/template-test.sh) continue ;;
    chapters/cli/*) ;; # the command line every script pulls in with //SOURCES: kept whatever the chapters
    chapters/*/*|tests/hints/*/*)
      chapter=${file#*/}; [ "${file%%/*}" = tests ] && chapter=${file#tests/hints/}
      chapter=${chapter%%/*}
      is_kept "$chapter" || continue ;;
  esac
  if grep -qxF "$(dirname "$file")" <<< "$dropped_folders"; then continue; fi
  mkdir -p "$out/$(dirname "$file")"
  cp -p "$file" "$out/$file"
done

# Fixtures go unless a kept suite, the grading machinery or the workbook command reaches them,
# directly or through other fixtures (a cluster of fixtures using one another goes as a whole).
(
  cd "$out"
  pending=$(find tests/java/netbasics/fixtures -name '*.java' | sort)
  frontier=$(find tests grader tools -name '*.java' ! -path 'tests/java/netbasics/fixtures/*' | sort)
  while [ -n "$frontier" ] && [ -n "$pending" ]; do
    reached='' left=''
    for fixture in $pending; do
      if grep -qw "$(basename "$fixture" .java)" $frontier; then reached="$reached $fixture"; else left="$left $fixture"; fi
    done
    frontier=$reached pending=$left
  done
  [ -z "$pending" ] || rm -f $pending
)
find "$out/tests" -type d -empty -delete

# Aliases whose script is no longer there (other chapters', the demo of the solutions) go.
jq --indent 2 '.aliases |= with_entries(select(.value["script-ref"] as $ref | $ARGS.named.files | index($ref)))' \
  --argjson files "$(cd "$out" && find . -name '*.java' | sed 's|^\./||' | jq -R . | jq -s .)" \
  jbang-catalog.json > "$out/jbang-catalog.json"

# `./mvnw test` grades: the template has no self-check for it to run.
sed -i 's|<netbasics.tests>\*\*/verification/\*Test.java</netbasics.tests>|<netbasics.tests>**/grade/GradeTree.java</netbasics.tests>|' "$out/pom.xml"
grep -qF '<netbasics.tests>**/grade/GradeTree.java</netbasics.tests>' "$out/pom.xml" \
  || { echo "make-template: could not make ./mvnw test grade in $out/pom.xml (is <netbasics.tests> still there?)." >&2; exit 1; }

# The classroom workflow grades exactly the chapters kept: one reporter runner per chapter.
workflow=$out/.github/workflows/classroom.yml
runners=()
for chapter in "$@"; do runners+=("$(printf '%s' "${chapter#[0-9][0-9]-}" | tr -cd 'A-Za-z0-9')"); done
awk -v chapters="$*" -v runners="${runners[*]}" '
  /run: tools\/classroom\/grade.sh/ { sub(/grade\.sh.*/, "grade.sh " chapters) }
  /_RESULTS:/ { if (!done) { n = split(runners, r, " "); for (i = 1; i <= n; i++)
      printf "          %s_RESULTS: \"${{ steps.grade.outputs.%s }}\"\n", toupper(r[i]), r[i]; done = 1 } next }
  /runners:/ { line = runners; gsub(/ /, ",", line); sub(/runners:.*/, "runners: " line) }
  { print }' "$workflow" > "$workflow.new" && mv "$workflow.new" "$workflow"

# The students' README: the chapters they have, and commands that work here.
first=$1
first_alias=$(jq -r --arg dir "chapters/$first/" '[.aliases | to_entries[] | select(.value["script-ref"] | startswith($dir))][0].key' "$out/jbang-catalog.json")
first_script=$(jq -r --arg alias "$first_alias" '.aliases[$alias]["script-ref"]' "$out/jbang-catalog.json")
first_exercise=$(basename "$first_script" .java)
commented() { printf '   %-46s # %s\n' "$1" "$2"; }
{
  cat <<TEXT
# netbasics: network programming in Java

Your assignment: the chapters below. Each one explains an idea of network programming and hands
you small programs to finish. You fill in the \`TODO\`s of single-file Java scripts, run them, and
grade them: tests start real servers and clients on your machine's loopback interface, talk to
your code over real sockets, and print your score. The score you see is the score your
instructor collects.

## Start

All you need is a JDK 21 or newer (the commands below find it through \`JAVA_HOME\`, your \`PATH\`
or \`/usr/lib/jvm\`, and say what to install if there is none). No Maven, no JBang installation:
\`./mvnw\` and \`./jbang\` fetch what they need on first use. Or open this repository in GitHub
Codespaces or a VS Code dev container, where everything is ready.

\`\`\`sh
./jbang workbook                  # where you are: each exercise done, partial or not started, and what to do next
./mvnw test                       # grade everything; it fails until every test passes
\`\`\`

## Your chapters

| chapter | what you build |
|---|---|
TEXT
  for chapter in "$@"; do
    row=$(grep -m1 "^| \`$chapter\` |" README.md || true)
    if [ -n "$row" ]; then
      printf '%s\n' "$row" | sed "s#^| \`$chapter\` |#| [$chapter](chapters/$chapter/README.md) |#"
    else
      printf '| [%s](chapters/%s/README.md) | |\n' "$chapter" "$chapter"
    fi
  done
  cat <<TEXT

## Work a chapter

1. Read the chapter: start with [chapters/$first/README.md](chapters/$first/README.md).
2. Open one of its scripts, e.g. \`$first_script\`, and replace each
   \`throw new UnsupportedOperationException("TODO ...")\` with your code. The \`TODO\` says what
   to do and which section of the chapter explains it. Keep the method signatures: they are what
   the tests call.
3. Run it, by its file or by its alias in \`jbang-catalog.json\` (until you finish it, it stops at
   its \`TODO\`):

   \`\`\`sh
   ./jbang $first_alias
   ./jbang $first_script
   \`\`\`

4. Grade it:

   \`\`\`sh
$(commented "./jbang workbook check $first_exercise" "one exercise: each failing test with its message and hint"
  commented "./jbang workbook check $first" "one chapter"
  commented "./jbang workbook hint $first_exercise" "the next hint: a nudge, then the API, then the shape of the answer"
  commented "./jbang workbook watch $first" "grade again at every save; Ctrl-C stops"
  commented "./mvnw test -Dworkbook.chapter=$first" "the same grading through Maven"
  commented "./mvnw test -Dworkbook.exercise=$first_exercise" "one exercise through Maven")
   \`\`\`

   Each failing test says what it sent, what came back and what it expected, and gives a hint.
   A run ends with a score table and writes \`target/grades/results.json\` and
   \`target/grades/summary.md\`. \`./jbang workbook reset\` followed by an exercise's name puts its
   stub back from git (it asks first).

Each exercise is compiled on its own, so a script that does not compile fails only its own
tests, with the compiler's message. A test that waits for your code gives up after a few seconds
and says so, so a hanging server costs one test, not the run.

## Scripts

| alias | script |
|---|---|
TEXT
  jq -r '.aliases | to_entries[] | select(.key != "workbook") | "| `\(.key)` | `\(.value["script-ref"])` |"' "$out/jbang-catalog.json"
  cat <<TEXT

## Handing in

Commit and push: each push is graded by GitHub Actions (the "Autograding Tests" workflow); its
page shows your points per chapter and every failing test with its message and hint.
TEXT
} > "$out/README.md"

echo "The template is in $out, with the chapters: $*."
echo "Next: cd $out && git init && git add -A && git commit -m 'Assignment template', push it, and"
echo "mark the repository as a template; docs/instructors.md (in the workbook) has the rest."
