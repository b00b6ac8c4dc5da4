#!/usr/bin/env bash
# What recording the conversation costs: grades one chapter's solutions the way ./mvnw test -Pgrade
# does (the engine, a sandboxed worker JVM per exercise), with recording on and off, alternating,
# several times, and prints each run's grading time, then the medians and their ratio. Off means
# NETBASICS_CONVERSATION=off in the environment, which the grading workers inherit: their fixtures
# then record nothing (see Conversation). The solutions pass, so what is measured is the recording
# itself, paid by every test; a failing test also pays for its JSON and its diagram, once.
# A benchmark, not a test: the machine's load makes single runs noisy, so read the medians, and
# the load printed with each run. The CPU time (user + system, of Maven, Surefire and every worker
# JVM) says what the machine spent, and is much less moved by what else runs than the grading's
# time on the clock.
#
#   bench/conversation-overhead.sh [CHAPTER] [RUNS]      default 02-datagrams, 3 runs of each
set -uo pipefail
cd "$(dirname "$0")/.."
. tools/find-jdk.sh || exit 1
chapter=${1:-02-datagrams}
runs=${2:-3}
times=$(mktemp)
trap 'rm -f "$times" "$times.status"' EXIT
./mvnw -q -o test-compile || exit 1

# The grading's own time: GradeTree's test in Surefire's report (the JVM's and Maven's start left out).
grading_seconds() {
  grep -o '<testsuite [^>]*>' target/surefire-reports/TEST-netbasics.grade.GradeTree.xml 2>/dev/null \
    | grep -o ' time="[0-9.,]*"' | tr -d ' time="' | tr ',' '.'
}

grade() { # $1: on|off
  local env=()
  [ "$1" = off ] && env=(NETBASICS_CONVERSATION=off)
  rm -rf target/surefire-reports
  local start end seconds cpu status
  start=$(date +%s.%N)
  # bash's time of a subshell counts the CPU of every process it waited for, and theirs: the workers too.
  cpu=$( { TIMEFORMAT='%U %S'; time (env "${env[@]}" ./mvnw -q -o test -Pgrade -Dworkbook.root=solutions \
    -Dworkbook.chapter="$chapter" > /dev/null 2>&1; echo $? > "$times.status"); } 2>&1 | awk '{ print $1 + $2 }')
  status=$(cat "$times.status")
  end=$(date +%s.%N)
  seconds=$(grading_seconds)
  printf "%-4s  grading %6s s   cpu %6.1f s   wall %6.1f s   exit %d   load %s\n" "$1" "${seconds:-?}" "$cpu" \
    "$(echo "$end - $start" | bc)" "$status" "$(cut -d' ' -f1-3 /proc/loadavg)"
  [ "$status" -eq 0 ] && [ -n "$seconds" ] && echo "$1 $seconds $cpu" >> "$times"
}

echo "grading solutions/$chapter, recording off and on, alternating ($runs each), on $(nproc) cores"
for round in $(seq "$runs"); do
  # Off first, then on first: a load that rises or falls through a round weighs on both alike.
  if [ $((round % 2)) -eq 1 ]; then grade off; grade on; else grade on; grade off; fi
done
median() { # median MODE FIELD (2: grading time, 3: CPU time)
  grep "^$1 " "$times" | cut -d' ' -f"$2" | sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
fastest() { grep "^$1 " "$times" | cut -d' ' -f2 | sort -n | head -1; }
percent() { echo "scale=1; ($2 - $1) * 100 / $1" | bc; }
off=$(median off 2)
on=$(median on 2)
if [ -n "$off" ] && [ -n "$on" ]; then
  echo "median grading time: off $off s, on $on s: recording costs $(percent "$off" "$on") %" \
    "($(grep -c '^off ' "$times") + $(grep -c '^on ' "$times") runs that passed; fastest: off $(fastest off) s, on $(fastest on) s)"
  echo "median CPU time: off $(median off 3) s, on $(median on 3) s: $(percent "$(median off 3)" "$(median on 3)") %"
else
  echo "no complete pair of runs to compare (a run failed: see its exit status above)"
fi
