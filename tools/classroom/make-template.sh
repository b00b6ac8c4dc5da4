#!/usr/bin/env bash
#
# tools/classroom/make-template.sh DIR [CHAPTER...]: makes the students' template repository.
#
#     tools/classroom/make-template.sh ../netbasics-fall 01-endpoints 02-datagrams
#
# Copies this workbook (the files git tracks) into DIR, a new folder, leaving out what students
# must not have or cannot use: solutions/, the planted mistakes (tests/mutants/), the workbook's
# own self-check (tests/java/netbasics/verification/, .ci/) and the tools that run the solutions.
# With CHAPTER names, only those chapters are kept: their text and stubs, suites, hints and
# aliases; the classroom workflow is rewritten to grade exactly them. Then DIR is ready for
# `git init`, a push, and GitHub Classroom's "template repository" setting.

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

# The suite files of the chapters left out: found by their @Exercise(chapter = ...).
dropped_suites=$(for chapter in $all; do
  case $kept in *" $chapter "*) ;; *) grep -rl --include='*.java' "chapter = \"$chapter\"" tests/java/netbasics/chapters || true ;; esac
done)

mkdir -p "$out"
out=$(CDPATH='' cd -P "$out" && pwd)
git ls-files -z | while IFS= read -r -d '' file; do
  case $file in
    solutions/*|tests/mutants/*|tests/java/netbasics/verification/*|.ci/*) continue ;;
    tools/EchoDemo.java|tools/gradescope/test.sh|tools/classroom/test.sh|tools/classroom/make-template.sh|docs/instructors.md) continue ;;
    chapters/cli/*) ;; # the command line every script pulls in with //SOURCES: kept whatever the chapters
    chapters/*/*|tests/hints/*/*)
      chapter=${file#*/}; [ "${file%%/*}" = tests ] && chapter=${file#tests/hints/}
      chapter=${chapter%%/*}
      case $kept in *" $chapter "*) ;; *) continue ;; esac ;;
  esac
  if grep -qxF "$file" <<< "$dropped_suites"; then continue; fi
  mkdir -p "$out/$(dirname "$file")"
  cp -p "$file" "$out/$file"
done

# Aliases whose script is no longer there (other chapters', the demo of the solutions) go.
jq --indent 2 '.aliases |= with_entries(select(.value["script-ref"] as $ref | $ARGS.named.files | index($ref)))' \
  --argjson files "$(cd "$out" && find . -name '*.java' | sed 's|^\./||' | jq -R . | jq -s .)" \
  jbang-catalog.json > "$out/jbang-catalog.json"

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

echo "The template is in $out, with the chapters: $*."
echo "Next: cd $out && git init && git add -A && git commit -m 'Assignment template', push it, and"
echo "mark the repository as a template; docs/instructors.md has the rest."
