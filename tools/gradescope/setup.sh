#!/usr/bin/env bash
#
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu): it installs
# a JDK 21 if there is none and grades the untouched stubs once, so that Maven and every library
# and plugin are downloaded now, not while a student waits.

set -uo pipefail
home=${AUTOGRADER_ROOT:-/autograder}/source/netbasics
cd "$home" || exit 1

if ! (. tools/find-jdk.sh) 2>/dev/null; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-21-jdk-headless || exit 1
fi
. tools/find-jdk.sh || exit 1

# The stubs fail every test; that is expected. Only a build that cannot run at all is an error.
./mvnw --batch-mode --no-transfer-progress -q test -Pgrade > /dev/null 2>&1
if [ ! -f target/grades/results.json ]; then
  echo "setup.sh: a first grading did not run; see: ./mvnw test -Pgrade in $home" >&2
  exit 1
fi
rm -rf target/grades
exit 0
