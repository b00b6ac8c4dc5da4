#!/usr/bin/env bash
#
# tools/gradescope/test.sh: builds the Gradescope autograder and tries it out here, the way
# Gradescope would use it, in a scratch folder standing in for /autograder:
#   1. build.sh makes the zip; it is unpacked into source/, as Gradescope does;
#   2. setup.sh runs, leaving the machine alone (NETBASICS_SETUP_SYSTEM=no: it says what it would
#      install), and warms the Maven cache; on a copy with a broken pom.xml it must fail and show
#      the end of Maven's output; without a JDK it must pick the JDK package this distribution has;
#   3. run_autograder grades a sample submission: the finished UdpEchoServer.java, uploaded as a
#      loose file beside a file that is no exercise, an exercise in the wrong chapter folder, a
#      test file of a whole repository and a UdpEchoClient.java with a classic mistake (it decodes
#      the whole receive buffer); it must earn every point of UdpEchoServer and none beyond the
#      broken client's, name every file it did not grade in results.json's Markdown output, and
#      show each of the client's failures with its conversation (the transcript) in its output;
#   4. run_autograder grades an empty submission: no points, and a message saying why.
# Prints "N passed, N failed" and exits non-zero when a check fails.

set -uo pipefail
repo=$(CDPATH='' cd -P "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
for tool in jq unzip zip base64; do
  command -v "$tool" > /dev/null || { echo "$0 needs $tool (e.g. apt-get install $tool)."; echo "0 passed, 1 failed"; exit 1; }
done

check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" > /dev/null; then passed=$((passed + 1)); echo "ok: $what"; else failed=$((failed + 1)); echo "FAILED: $what"; fi
}

ag=$scratch/autograder
mkdir -p "$ag/source" "$ag/submission" "$ag/results"
"$repo/tools/gradescope/build.sh" "$scratch/autograder.zip"
check "the zip has setup.sh and run_autograder at its root" \
  bash -c "unzip -Z1 '$scratch/autograder.zip' | grep -qx setup.sh && unzip -Z1 '$scratch/autograder.zip' | grep -qx run_autograder"
check "the zip holds no solutions and no mutants" \
  bash -c "! unzip -Z1 '$scratch/autograder.zip' | grep -q -e '^netbasics/solutions/' -e '^netbasics/tests/mutants/'"
unzip -q "$scratch/autograder.zip" -d "$ag/source"
cp "$ag/source/run_autograder" "$ag/run_autograder"

started=$SECONDS
env AUTOGRADER_ROOT="$ag" NETBASICS_SETUP_SYSTEM=no bash "$ag/source/setup.sh" > "$scratch/setup.log" 2>&1
check "setup.sh succeeds ($((SECONDS - started)) s)" test "$?" -eq 0
check "setup.sh says which JDK it uses" grep -q "using the JDK that is there" "$scratch/setup.log"

# A setup that cannot build fails loudly, with Maven's own words.
broken=$scratch/broken
mkdir -p "$broken/source" && cp -R "$ag/source/netbasics" "$broken/source/" && echo '<project>' > "$broken/source/netbasics/pom.xml"
env AUTOGRADER_ROOT="$broken" NETBASICS_SETUP_SYSTEM=no bash "$ag/source/setup.sh" > "$scratch/broken.log" 2>&1
check "setup.sh fails on a build that cannot run" test "$?" -ne 0
check "... and shows the end of Maven's output" \
  bash -c "grep -q \"The end of Maven's output\" '$scratch/broken.log' && grep -q '^\[ERROR\]' '$scratch/broken.log'"

# Without a JDK, setup.sh installs the package this distribution has (here only said, not done).
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$HOME" NETBASICS_JVM_DIRS=/nonexistent AUTOGRADER_ROOT="$ag" NETBASICS_SETUP_SYSTEM=no \
  bash "$ag/source/setup.sh" > "$scratch/nojdk.log" 2>&1
if apt-cache policy openjdk-21-jdk-headless 2> /dev/null | grep -q 'Candidate: [^(]'; then
  check "without a JDK, setup.sh picks openjdk-21-jdk-headless, which this distribution has" grep -q "apt_install openjdk-21-jdk-headless" "$scratch/nojdk.log"
elif command -v apt-get > /dev/null; then
  check "without a JDK, setup.sh falls back to Temurin: this distribution has no openjdk-21" grep -q "has no openjdk-21 package; trying Temurin 21" "$scratch/nojdk.log"
fi

# A finished exercise, uploaded as a loose file, a file that is no exercise, an exercise in the
# wrong chapter folder, and a test file of a whole repository.
cp "$repo/solutions/02-datagrams/UdpEchoServer.java" "$ag/submission/"
printf 'public class Notes {}\n' > "$ag/submission/Notes.java"
mkdir -p "$ag/submission/chapters/02-datagrams" "$ag/submission/tests/java"
cp "$repo/solutions/03-streams/TcpEchoServer.java" "$ag/submission/chapters/02-datagrams/"
printf 'class SomeTest {}\n' > "$ag/submission/tests/java/SomeTest.java"
# The mutant tests/mutants/02-datagrams/UdpEchoClient/decodes-whole-buffer, planted with sed.
sed 's/new String(reply.getData(), reply.getOffset(), reply.getLength(), StandardCharsets.UTF_8)/new String(reply.getData(), StandardCharsets.UTF_8)/' \
  "$repo/solutions/02-datagrams/UdpEchoClient.java" > "$ag/submission/UdpEchoClient.java"
check "the broken UdpEchoClient has its mistake" grep -qF 'return new String(reply.getData(), StandardCharsets.UTF_8);' "$ag/submission/UdpEchoClient.java"
(cd "$ag" && AUTOGRADER_ROOT="$ag" ./run_autograder > "$scratch/run.log" 2>&1)
json=$ag/results/results.json
check "run_autograder wrote results.json" test -s "$json"
check "UdpEchoServer earned every one of its points" \
  jq -e '[.tests[] | select(.tags[1] == "UdpEchoServer")] | length > 0 and all(.score == .max_score and .status == "passed")' "$json"
check "the score is UdpEchoServer's points and the broken UdpEchoClient's, nothing else" \
  jq -e '.score == ([.tests[] | select(.tags[1] == "UdpEchoServer" or .tags[1] == "UdpEchoClient") | .score] | add)' "$json"
check "the exercises not submitted were graded as stubs, with no points" \
  jq -e '[.tests[] | select(.tags[1] != "UdpEchoServer" and .tags[1] != "UdpEchoClient") | .score] | add // 0 | . == 0' "$json"
# test(), not contains(): the broken client's echoes hold NUL characters, at which jq's contains() stops looking.
check "the broken UdpEchoClient fails, and its failures with the echo peer show their conversation (the transcript)" \
  jq -e '[.tests[] | select(.tags[1] == "UdpEchoClient" and .status == "failed") | .output] | length > 0
         and any(test("The conversation \\(time since the test began, who → whom, what\\):\n")
                 and test("your code → echo peer +datagram") and test("echo peer → your code +datagram"))' "$json"
check "a test's output is preformatted text, so the transcript's columns stay put" jq -e '.test_output_format == "text"' "$json"
check "the misplaced TcpEchoServer was not graded" \
  jq -e '[.tests[] | select(.tags[1] == "TcpEchoServer") | .score] | add == 0' "$json"
check "output is Markdown, stdout hidden, deliberately" jq -e '.output_format == "md" and .stdout_visibility == "hidden"' "$json"
check "output holds the score table, rendered as a table" \
  jq -e '.output | test("\\| chapter \\| exercise \\| points \\| failing tests \\|\n\\|---\\|---\\|---:\\|---:\\|\n") and test("\\| 02-datagrams \\| UdpEchoServer \\| ")' "$json"
check "output names the graded file" jq -e '.output | contains("Graded `UdpEchoServer.java` as 02-datagrams/UdpEchoServer.java")' "$json"
check "output names the file that is no exercise" jq -e '.output | contains("Ignored `Notes.java`: no exercise is named Notes.java")' "$json"
check "output names the misplaced file and where it belongs" \
  jq -e '.output | contains("Not graded `chapters/02-datagrams/TcpEchoServer.java`: TcpEchoServer.java is an exercise of 03-streams")' "$json"
check "output counts the repository's test files it ignored" jq -e '.output | contains("Ignored 1 .java file(s) under `tests/`")' "$json"

rm -rf "$ag/submission" "$ag/results" && mkdir -p "$ag/submission" "$ag/results"
(cd "$ag" && AUTOGRADER_ROOT="$ag" ./run_autograder > "$scratch/empty.log" 2>&1)
check "an empty submission gets no points and a reason" \
  jq -e '.score == 0 and (.output | test("No exercise found"))' "$ag/results/results.json"

rm -rf "$ag/submission" "$ag/results" && mkdir -p "$ag/submission" "$ag/results"
printf 'public class Notes {}\n' > "$ag/submission/Notes.java"
(cd "$ag" && AUTOGRADER_ROOT="$ag" ./run_autograder > "$scratch/none.log" 2>&1)
check "a submission of no exercise gets no points, and names the file it ignored" \
  jq -e '.score == 0 and (.output | test("No exercise found")) and (.output | contains("Ignored `Notes.java`"))' "$ag/results/results.json"

# A hostile submission, graded as Gradescope would grade it: as the unprivileged user setup.sh makes
# (made here too, where this runs as root), in a loopback-only network namespace. Its TextCodec reads
# the hidden suite's source and forges results.json; beside it, a finished UdpEchoServer.
if [ "$(id -u)" -eq 0 ] && ! id netbasics-student > /dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin netbasics-student > /dev/null 2>&1
fi
rm -rf "$ag/submission" "$ag/results" && mkdir -p "$ag/submission" "$ag/results"
cp "$repo/solutions/02-datagrams/UdpEchoServer.java" "$ag/submission/"
cat > "$ag/submission/TextCodec.java" << HOSTILE
import java.nio.file.Files;
import java.nio.file.Path;

public class TextCodec {
    public static byte[] encode(String text) throws Exception {
        try {
            Files.writeString(Path.of("$ag/results/results.json"), "{\"score\": 999, \"tests\": []}");
        } catch (Exception cannotWrite) {
        }
        throw new IllegalStateException(Files.readString(Path.of("$ag/source/netbasics/tests/java/netbasics/chapters/endpoints/TextCodecTest.java")));
    }

    public static String decode(byte[] bytes) throws Exception {
        return new String(encode(""));
    }

    public static void main(String[] args) {}
}
HOSTILE
(cd "$ag" && AUTOGRADER_ROOT="$ag" ./run_autograder > "$scratch/hostile.log" 2>&1)
json=$ag/results/results.json
if id netbasics-student > /dev/null 2>&1; then
  check "graded code ran as the unprivileged user, loopback only" \
    jq -e '.output | contains("as the unprivileged user netbasics-student") and contains("loopback only")' "$json"
  check "the hidden suite's source did not reach the results" bash -c "! grep -q 'class TextCodecTest' '$json'"
fi
check "a hostile TextCodec earned nothing, and could not forge the results" \
  jq -e '.score == ([.tests[] | select(.tags[1] == "UdpEchoServer") | .max_score] | add)
         and ([.tests[] | select(.tags[1] == "TextCodec") | .score] | add) == 0' "$json"

if [ "$failed" -gt 0 ]; then
  echo "--- the hostile submission's log:"; tail -20 "$scratch/hostile.log"
  echo "--- setup.sh's log:"; tail -20 "$scratch/setup.log"
  echo "--- setup.sh's log without a JDK:"; tail -20 "$scratch/nojdk.log"
  echo "--- run_autograder's log:"; tail -40 "$scratch/run.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
