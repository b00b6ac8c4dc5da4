# tools/find-jdk.sh: find a JDK 21 or newer, export it as JAVA_HOME and put
# its bin/ first on PATH.
#
# Source it, don't run it, so that the caller's environment changes:
#
#     . tools/find-jdk.sh || exit 1
#
# Where it looks, first match wins:
#   1. $JAVA_HOME
#   2. the `javac` on PATH (symlinks followed, e.g. Debian's /etc/alternatives)
#   3. the newest JDK under /usr/lib/jvm and /Library/Java/JavaVirtualMachines;
#      NETBASICS_JVM_DIRS (colon-separated) replaces that list of places.
#
# It never settles for an older Java: the workbook compiles with --release 21,
# and an old JDK would only fail later with a far more confusing message.
#
# Written for plain POSIX sh because mvnw runs under /bin/sh (dash on Debian),
# with `set -euf` possibly already on. Its helpers and variables start with
# _nb_ and are removed at the end so they don't leak into the caller.

_nb_min=21
_nb_seen='|'    # canonical dirs already looked at, so a JDK reached twice is judged once
_nb_found=''    # what we saw and turned down, for the error message

# Prints the feature release (8, 17, 21, 25, ...) of the JDK in $1, or nothing.
_nb_major() {
  _nb_v=''
  if [ -r "$1/release" ]; then
    _nb_v=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\).*/\1/p' "$1/release")
  fi
  if [ -z "$_nb_v" ] && [ -x "$1/bin/java" ]; then
    _nb_v=$("$1/bin/java" -version 2>&1 | sed -n '1s/^[^"]*"\([^"]*\)".*/\1/p')
  fi
  case $_nb_v in 1.*) _nb_v=${_nb_v#1.} ;; esac    # "1.8.0_392" is Java 8
  printf '%s\n' "${_nb_v%%[!0-9]*}"                 # "21.0.2", "25-ea" -> 21, 25
}

# Judges the directory $1. Returns 0 and sets _nb_home and _nb_ver if it is a
# JDK not seen before; otherwise returns 1. Every JDK seen is noted in _nb_found.
_nb_judge() {
  [ -d "$1" ] || return 1
  _nb_dir=$(CDPATH='' cd -P "$1" 2>/dev/null && pwd) || return 1
  case $_nb_seen in *"|$_nb_dir|"*) return 1 ;; esac
  _nb_seen="$_nb_seen$_nb_dir|"
  if [ ! -x "$_nb_dir/bin/javac" ]; then
    # A JRE can run Java but not compile it, and JBang and Maven both compile.
    if [ -x "$_nb_dir/bin/java" ]; then _nb_found="$_nb_found${_nb_found:+, }a JRE without javac at $_nb_dir"; fi
    return 1
  fi
  _nb_ver=$(_nb_major "$_nb_dir")
  _nb_found="$_nb_found${_nb_found:+, }${_nb_ver:-an unknown version} at $_nb_dir"
  _nb_home=$_nb_dir
}

_nb_ok() { [ -n "$_nb_ver" ] && [ "$_nb_ver" -ge "$_nb_min" ]; }

_nb_pick=''

# 1. JAVA_HOME: the user's explicit choice comes first.
if [ -n "${JAVA_HOME-}" ] && [ ! -d "$JAVA_HOME" ]; then
  _nb_found="JAVA_HOME=$JAVA_HOME, which does not exist"
elif [ -n "${JAVA_HOME-}" ] && _nb_judge "$JAVA_HOME" && _nb_ok; then
  _nb_pick=$_nb_home
fi

# 2. The javac on PATH, followed to the JDK it belongs to.
if [ -z "$_nb_pick" ]; then
  _nb_javac=$(command -v javac 2>/dev/null || :)
  while [ -h "$_nb_javac" ]; do
    _nb_link=$(readlink "$_nb_javac")
    case $_nb_link in
      /*) _nb_javac=$_nb_link ;;
      *) _nb_javac=$(dirname "$_nb_javac")/$_nb_link ;;
    esac
  done
  if [ -n "$_nb_javac" ]; then
    _nb_javac_home=$(dirname "$(dirname "$_nb_javac")")
    # macOS's /usr/bin/javac is a stub, not a JDK; step 3 finds the real ones.
    if [ "$_nb_javac_home" != /usr ] && _nb_judge "$_nb_javac_home" && _nb_ok; then
      _nb_pick=$_nb_home
    fi
  fi
fi

# 3. Installed JDKs, the newest one. Globbing may be off (mvnw runs `set -f`),
#    so switch it on just for this loop.
if [ -z "$_nb_pick" ]; then
  case $- in *f*) _nb_noglob=1; set +f ;; *) _nb_noglob='' ;; esac
  _nb_best=0
  _nb_rest=${NETBASICS_JVM_DIRS-/usr/lib/jvm:/Library/Java/JavaVirtualMachines}
  while [ -n "$_nb_rest" ]; do
    _nb_parent=${_nb_rest%%:*}
    case $_nb_rest in *:*) _nb_rest=${_nb_rest#*:} ;; *) _nb_rest='' ;; esac
    for _nb_cand in "$_nb_parent"/*; do
      # macOS bundles keep the JDK in Contents/Home.
      if [ -d "$_nb_cand/Contents/Home" ]; then _nb_cand=$_nb_cand/Contents/Home; fi
      if _nb_judge "$_nb_cand" && _nb_ok && [ "$_nb_ver" -gt "$_nb_best" ]; then
        _nb_best=$_nb_ver
        _nb_pick=$_nb_home
      fi
    done
  done
  if [ -n "$_nb_noglob" ]; then set -f; fi
fi

# Removes this file's helpers and variables from the caller's shell.
_nb_forget() {
  unset -f _nb_major _nb_judge _nb_ok _nb_forget
  unset _nb_min _nb_seen _nb_found _nb_v _nb_dir _nb_ver _nb_home _nb_pick _nb_javac \
    _nb_link _nb_javac_home _nb_noglob _nb_best _nb_rest _nb_parent _nb_cand
}

# What to install, for this machine: the package its distribution has (Ubuntu 22.04 and 24.04
# have openjdk-21-jdk, Debian 12 has not), Homebrew's on macOS, else Temurin from adoptium.net.
_nb_advice() {
  if command -v apt-cache > /dev/null 2>&1; then
    for _nb_cand in openjdk-21-jdk openjdk-25-jdk; do
      if apt-cache policy "$_nb_cand" 2> /dev/null | grep -q 'Candidate: [^(]'; then
        echo "\`sudo apt-get install $_nb_cand\`"
        return
      fi
    done
    _nb_v=$( (. /etc/os-release 2> /dev/null && echo "${PRETTY_NAME:-this distribution}") || echo 'this distribution')
    echo "Temurin 21 (\`sudo apt-get install temurin-21-jdk\` once Adoptium's repository is added: $_nb_v has no openjdk-21 package; see https://adoptium.net/installation/linux/), or run \`sudo apt-get update\` first if its package lists are empty"
  elif command -v dnf > /dev/null 2>&1; then
    echo "\`sudo dnf install java-21-openjdk-devel\`"
  elif command -v brew > /dev/null 2>&1; then
    echo "\`brew install openjdk@21\`"
  else
    echo "Temurin 21 from https://adoptium.net"
  fi
}

# `return`, not `exit`: this file runs inside the caller's shell.
if [ -z "$_nb_pick" ]; then
  echo "netbasics needs a JDK $_nb_min or newer (found: ${_nb_found:-no JDK at all}); install one (here: $(_nb_advice)) or set JAVA_HOME to it." >&2
  unset -f _nb_advice
  _nb_forget
  return 1
fi
unset -f _nb_advice
JAVA_HOME=$_nb_pick
export JAVA_HOME
case ":$PATH:" in
  ":$JAVA_HOME/bin:"*) ;;    # already first: don't grow PATH on every call
  *) PATH="$JAVA_HOME/bin:$PATH"; export PATH ;;
esac
_nb_forget    # last command, so sourcing this file succeeds
