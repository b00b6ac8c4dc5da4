#!/usr/bin/env bash
#
# Runs once, when the dev container has been created. It downloads now what
# the workbook would otherwise download on first use (Maven itself, the test
# libraries, JBang), so that a learner's first `./mvnw` or `./jbang` is quick.
# A failure here is reported but doesn't stop the container: the same commands
# simply do the work later, when first run.

set -u
cd "$(dirname "$0")/.." || exit 1

status=0
warm() {
  echo "post-create: $*"
  "$@" || { echo "post-create: '$*' failed; it will be retried when you first run it." >&2; status=1; }
}

warm ./mvnw -B -q test-compile    # Maven, the build's plugins and libraries, the compiled suites
warm ./jbang --version            # JBang, ready to run the chapters' scripts

exit "$status"
