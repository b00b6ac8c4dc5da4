#!/usr/bin/env bash
#
# Runs once, when the dev container has been created. It downloads and builds now what the
# workbook would otherwise fetch on first use, so that a learner's first command is quick:
#   - Maven, the build's plugins and libraries, the compiled suites, and the test runner that
#     Surefire fetches only when tests first run (one quick self-check test runs for that);
#   - JBang, and the workbook command: its libraries, its build, and a first grading of the
#     untouched stubs, so `./jbang workbook` answers at once.
# A failure here is reported but doesn't stop the container: the same commands simply do the
# work later, when first run.

set -u
cd "$(dirname "$0")/.." || exit 1

status=0
warm() {
  echo "post-create: $*"
  "$@" || { echo "post-create: '$*' failed; it will be retried when you first run it." >&2; status=1; }
}

warm ./mvnw -B -q test -Dtest='WorkbookCommandTest#a_wrong_name_gets_the_list_of_valid_ones' -Dsurefire.failIfNoSpecifiedTests=false
warm ./jbang --version

# `workbook status` exits 1 while an exercise is unfinished, as every one is now; 2 and up is a failure.
echo "post-create: ./jbang workbook status"
./jbang workbook status > /dev/null
if [ "$?" -gt 1 ]; then
  echo "post-create: './jbang workbook status' failed; it will be retried when you first run it." >&2
  status=1
fi

exit "$status"
