#!/usr/bin/env bash
# What recording the conversation costs: grades one chapter's solutions with and without the
# recorder, alternating, several times, and prints each run's Surefire test time and wall time.
# A benchmark, not a test: the machine's load makes single runs noisy, so read the medians.
#
#   bench/conversation-overhead.sh [CHAPTER] [RUNS]      default 02-datagrams, 3 runs of each
set -uo pipefail
cd "$(dirname "$0")/.."
. tools/find-jdk.sh || exit 1
chapter=${1:-02-datagrams}
runs=${2:-3}
tally=$(mktemp)
./mvnw -q -o test-compile || exit 1

surefire_seconds() {
  cat target/surefire-reports/TEST-*.xml 2>/dev/null | grep -o '<testsuite [^>]*>' | grep -o ' time="[0-9.,]*"' \
    | tr -d ' time="' | tr ',' '.' | awk '{ s += $1 } END { printf "%.1f", s }'
}

grade() { # $1: on|off
  local flags=()
  [ "$1" = on ] && flags=(-Djunit.jupiter.extensions.autodetection.enabled=true -Dnetbasics.conversation.tally="$tally")
  rm -rf target/surefire-reports
  local start end
  start=$(date +%s.%N)
  ./mvnw -q -o test -Pgrade -Dworkbook.root=solutions -Dworkbook.chapter="$chapter" "${flags[@]}" > /dev/null 2>&1
  local status=$?
  end=$(date +%s.%N)
  printf "%-4s  tests %6s s   wall %6.1f s   exit %d   load %s\n" "$1" "$(surefire_seconds)" "$(echo "$end - $start" | bc)" \
    "$status" "$(cut -d' ' -f1 /proc/loadavg)"
}

echo "grading solutions/$chapter, recording off and on, alternating ($runs each)"
for _ in $(seq "$runs"); do
  grade off
  grade on
done
echo "recorded: $(wc -l < "$tally") tests, $(awk -F'\t' '{ e += $2; j += $3 } END { printf "%d events, %d bytes of JSON", e, j }' "$tally")"
rm -f "$tally"
