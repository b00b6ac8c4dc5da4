#!/usr/bin/env python3
# Peak memory of a command's whole process tree: usage `bench/peak-memory.py [-i SECONDS] [--] COMMAND...`, e.g.
#   bench/peak-memory.py ./mvnw -q -o test -Pgrade -Dworkbook.root=solutions
"""Runs COMMAND and samples /proc every 100 ms (-i changes it): the sum of the resident set sizes
(RSS) of COMMAND and all its descendants (Maven's JVM, the Surefire fork, the grading workers, the
learners' mains), and the same sum of proportional set sizes (PSS: a page shared by n processes,
such as the JDK's class-data archive, counts 1/n in each, so the PSS sum is what the tree holds in
RAM, near what a cgroup such as Gradescope's container charges for). Prints the peak of each, the
processes at the RSS peak, the wall time and the CPU time of the tree (less
sensitive than wall time to what else the machine runs), and exits with COMMAND's status. Orphans are reparented
to this sampler (a child subreaper), so a worker whose parent died is still counted.

A benchmark, not a test: the figures depend on the machine and its load."""

import argparse
import ctypes
import os
import resource
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def children_map():
    """pid -> parent pid, for every process readable in /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: the fields after the last ')'
        fields = stat[stat.rfind(b")") + 2:].split()
        parents[int(entry)] = int(fields[1])
    return parents


def tree(root, parents):
    kids = {}
    for pid, ppid in parents.items():
        kids.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(kids.get(pid, []))
    return found


def kib(path, key):
    """The value in kB of the line `key:` of a /proc status-like file, or 0."""
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def label(pid):
    """A short name for the process: what kind of JVM it is, or its command."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return "?"
    text = b" ".join(argv).decode(errors="replace")
    if "org.codehaus.plexus.classworlds" in text:
        return "maven"
    if "surefirebooter" in text and argv[0].endswith(b"java"):
        return "surefire fork"
    if "netbasics.grader.Worker" in text:
        return "grading worker"
    if argv and argv[0].endswith(b"java"):
        # a learner's main: java [options] -cp CLASSES Name arguments...
        words = [a.decode(errors="replace") for a in argv]
        if "-cp" in words and words.index("-cp") + 2 < len(words):
            return "main " + words[words.index("-cp") + 2]
        return "java"
    if not argv or not argv[0]:
        return "ending"  # a zombie, or a process on its way out
    name = os.path.basename(argv[0].decode(errors="replace"))
    return "surefire fork (sh)" if "surefirebooter" in text else name


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-i", "--interval", type=float, default=0.1, help="seconds between samples (0.1)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    started = time.monotonic()
    child = subprocess.Popen(command)
    peak_rss, peak_pss, at_peak, most_processes, samples = 0, 0, [], 0, 0
    most_of = {}  # label -> the most processes of that kind seen at once
    while True:
        status = child.poll()
        # the command's tree, and orphans reparented to this sampler: all descendants of this sampler
        members = [p for p in tree(os.getpid(), children_map()) if p != os.getpid()]
        rows = []
        for pid in members:
            rss = kib(f"/proc/{pid}/status", b"VmRSS:")
            if rss:
                rows.append((pid, rss))
        rss_sum = sum(r for _, r in rows)
        pss_sum = sum(kib(f"/proc/{pid}/smaps_rollup", b"Pss:") for pid, _ in rows)
        samples += 1
        most_processes = max(most_processes, len(rows))
        labels = {pid: label(pid) for pid, _ in rows}
        counts = {}
        for pid, _ in rows:
            counts[labels[pid]] = counts.get(labels[pid], 0) + 1
        for name, n in counts.items():
            most_of[name] = max(most_of.get(name, 0), n)
        if rss_sum > peak_rss:
            peak_rss = rss_sum
            at_peak = sorted(((rss, labels[pid]) for pid, rss in rows), reverse=True)
        peak_pss = max(peak_pss, pss_sum)
        if status is not None:
            # reap any orphans of ours that ended
            try:
                while os.waitpid(-1, os.WNOHANG)[0] > 0:
                    pass
            except ChildProcessError:
                pass
            break
        time.sleep(args.interval)
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime

    out = sys.stderr
    print(f"peak-memory: peak RSS sum {peak_rss / 1024:.0f} MB, peak PSS sum {peak_pss / 1024:.0f} MB, "
          f"wall {wall:.1f} s, CPU {cpu:.1f} s, {samples} samples, at most {most_processes} processes, exit status {status}", file=out)
    print("peak-memory: at the RSS peak: " + ", ".join(f"{name} {rss / 1024:.0f}" for rss, name in at_peak if rss >= 1024), file=out)
    several = [f"{n} {name}" for name, n in sorted(most_of.items(), key=lambda kv: -kv[1]) if n > 1 or name == "grading worker"]
    if several:
        print("peak-memory: most at once: " + ", ".join(several), file=out)
    with open("/proc/loadavg") as f:
        print("peak-memory: load average at the end: " + " ".join(f.read().split()[:3]), file=out)
    sys.exit(status)


if __name__ == "__main__":
    main()
