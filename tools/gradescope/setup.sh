#!/usr/bin/env bash
#
# Gradescope runs this once, as root, when it builds the autograder's image (one of its Ubuntu
# base images). It says what it does, and fails loudly, with the reason, when something is wrong:
#   1. a JDK 21 or newer: none is installed if tools/find-jdk.sh finds one. Otherwise the
#      distribution's own package where it has one (openjdk-21-jdk-headless: Ubuntu 22.04 and
#      24.04 have it; Debian 12 has not), else Temurin 21 from Adoptium's package repository, if
#      packages.adoptium.net can be reached;
#   2. what the grader needs to run students' code apart: jq (to add the list of submitted files
#      to results.json), iproute2 and util-linux (a loopback-only network namespace), and the
#      unprivileged user netbasics-student that runs the students' code;
#   3. a first grading of the untouched stubs, so that Maven and every library and plugin are
#      downloaded now, not while a student waits, and the grading workers' class-data archive
#      (target/worker-classdata/, root's, readable by the workers' user) is made once for the image. The stubs fail every test; that is expected.
#      A build that cannot run at all is an error, shown with the end of Maven's output.
#
# NETBASICS_SETUP_SYSTEM=no (tools/gradescope/test.sh) leaves the machine alone: steps 1 and 2
# only say what they would do.

set -uo pipefail
home=${AUTOGRADER_ROOT:-/autograder}/source/netbasics
system=${NETBASICS_SETUP_SYSTEM:-yes}
say() { echo "setup.sh: $*"; }
die() { echo "setup.sh: FAILED: $*" >&2; exit 1; }
cd "$home" || die "$home is missing: the zip must hold netbasics/ at its root (build it with tools/gradescope/build.sh)."

distribution=$( (. /etc/os-release 2> /dev/null && echo "${PRETTY_NAME:-$ID $VERSION_ID}") || uname -s)
codename=$( (. /etc/os-release 2> /dev/null && echo "${VERSION_CODENAME:-${UBUNTU_CODENAME:-}}") || true)

# Runs a command, or in NETBASICS_SETUP_SYSTEM=no only shows it.
system() {
  if [ "$system" = no ]; then say "would run: $*"; return 0; fi
  "$@"
}
apt_install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"; }
# Whether apt knows a package it could install here.
apt_has() { apt-cache policy "$1" 2> /dev/null | grep -q 'Candidate: [^(]'; }

apt_updated=''
apt_update() {
  [ -n "$apt_updated" ] || [ "$system" = no ] || apt-get update -q > /dev/null || die "apt-get update failed on $distribution."
  apt_updated=1
}

install_jdk() {
  command -v apt-get > /dev/null || die "no JDK 21 or newer, and no apt-get to install one on $distribution."
  apt_update
  for package in openjdk-21-jdk-headless openjdk-25-jdk-headless; do
    if apt_has "$package"; then
      system apt_install "$package" || die "apt-get install $package failed on $distribution."
      say "installed $package, $distribution's own JDK package."
      return
    fi
  done
  say "$distribution has no openjdk-21 package; trying Temurin 21 from packages.adoptium.net."
  key=https://packages.adoptium.net/artifactory/api/gpg/key/public
  if [ "$system" = no ]; then
    say "would add $key and the repository https://packages.adoptium.net/artifactory/deb ${codename:-?} main, then install temurin-21-jdk."
    return
  fi
  command -v curl > /dev/null || apt_install curl ca-certificates > /dev/null || die "cannot install curl to reach packages.adoptium.net."
  mkdir -p /etc/apt/keyrings
  curl -fsSL --max-time 60 "$key" -o /etc/apt/keyrings/adoptium.asc \
    || die "no JDK 21 package in $distribution, and packages.adoptium.net cannot be reached. Install a JDK 21 in setup.sh by hand, or pick an Ubuntu 22.04 or 24.04 base image."
  echo "deb [signed-by=/etc/apt/keyrings/adoptium.asc] https://packages.adoptium.net/artifactory/deb $codename main" \
    > /etc/apt/sources.list.d/adoptium.list
  apt-get update -q > /dev/null && apt_install temurin-21-jdk \
    || die "installing temurin-21-jdk from packages.adoptium.net failed on $distribution ($codename)."
  say "installed temurin-21-jdk from packages.adoptium.net."
}

# 1. The JDK.
if (. tools/find-jdk.sh) > /dev/null 2>&1; then
  say "using the JDK that is there: $(. tools/find-jdk.sh && echo "$JAVA_HOME")."
else
  say "no JDK 21 or newer on $distribution; installing one."
  install_jdk
fi

# 2. The tools and the user that keep students' code apart.
missing=()
command -v jq > /dev/null || missing+=(jq)
command -v ip > /dev/null || missing+=(iproute2)
command -v unshare > /dev/null || missing+=(util-linux)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get > /dev/null || die "${missing[*]} missing, and no apt-get to install them on $distribution."
  apt_update
  system apt_install "${missing[@]}" > /dev/null || die "apt-get install ${missing[*]} failed on $distribution."
  say "installed ${missing[*]}."
fi
if id -u netbasics-student > /dev/null 2>&1; then
  say "the user netbasics-student exists."
else
  system useradd --system --no-create-home --shell /usr/sbin/nologin netbasics-student || die "useradd netbasics-student failed."
  say "created the user netbasics-student, who runs the students' code."
fi

# 3. A first grading: downloads Maven, the libraries and the plugins.
. tools/find-jdk.sh > /dev/null 2>&1 || die "no JDK 21 or newer, even after installing one; see above."
mkdir -p target
log=$home/target/setup-maven.log
say "grading the stubs once with $(java -version 2>&1 | head -1), to download Maven and the libraries (log: $log)."
./mvnw --batch-mode --no-transfer-progress test -Pgrade > "$log" 2>&1
status=$?
if [ ! -f target/grades/results.json ]; then
  echo "setup.sh: FAILED: the first grading did not run (./mvnw exited with $status). The end of Maven's output:" >&2
  tail -n 60 "$log" >&2
  exit 1
fi
say "ready: the first grading ran ($(jq -r '.tests | length' target/grades/results.json 2> /dev/null || echo 'all') tests; the stubs fail them, as they should)."
rm -rf target/grades
exit 0
