#!/usr/bin/python3
"""measure.py — CPU time, peak memory and paired ratios for tools/bench/run.sh.

  measure.py run  [options] -- CMD...
  measure.py pair [options] -- CMD_A... --- CMD_B...

run   runs CMD --runs times and prints one line of JSON: the median CPU time
      (user + sys of the process and its children, from wait4), the median
      server CPU time when --pg-port names a PostgreSQL server whose
      postmaster can be read, their sum ("cpu"), the largest peak RSS, and
      the exit status of the last run.
pair  alternates A and B --runs times and prints both, with the median (and
      the least and largest) of the per-pair ratios B / A: on a machine that
      others load, two commands run side by side see the same load, so
      their ratio is steadier than either time.  The pairs run A B, B A,
      A B, ... so that neither command is always the one that runs after
      the other (on a virtual machine a run's CPU time can depend on what
      the run before it left in memory).

CPU time, not wall time: a shared machine makes wall time a measure of the
neighbours.  On PostgreSQL the work of a catalog query is the server's, so
the server's CPU for the connection is added: the postmaster's reaped
children (cutime + cstime in /proc/PID/stat) grow by what each backend used
once it has exited, which this script waits for.

Options:
  --runs N          timed runs (default 5)
  --cwd DIR         run in DIR
  --env K=V         set a variable (repeatable)
  --prepare SH      a shell command run before each run, not timed
  --pg-port PORT    the PostgreSQL server to add the CPU of (local, readable)
  --log FILE        the last run's stdout and stderr
"""
import json
import os
import statistics
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def find_postmaster(port):
    """The pid of the process listening on 127.0.0.1:port (or ::), or None."""
    if not port:
        return None
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    local, state, inode = parts[1], parts[3], parts[9]
                    if state == "0A" and int(local.rsplit(":", 1)[1], 16) == int(port):
                        inodes.add(inode)
        except OSError:
            pass
    if not inodes:
        return None
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            for fd in os.listdir("/proc/%s/fd" % pid):
                link = os.readlink("/proc/%s/fd/%s" % (pid, fd))
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(pid)
        except OSError:
            continue
    return None


def children_cpu(pid):
    """cutime + cstime of pid, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / TICK


class Runner:
    def __init__(self, opts):
        self.opts = opts
        self.postmaster = find_postmaster(opts["pg_port"])
        self.env = dict(os.environ)
        for kv in opts["env"]:
            k, v = kv.split("=", 1)
            self.env[k] = v

    def settled(self):
        """The postmaster's children CPU once it stops moving: the backend
        of a --prepare command (a CREATE DATABASE) is reaped after it
        returns, and is not the measured command's."""
        last = children_cpu(self.postmaster)
        deadline = time.time() + 3.0
        while time.time() < deadline:
            time.sleep(0.1)
            now = children_cpu(self.postmaster)
            if now == last:
                return now
            last = now
        return last

    def once(self, cmd):
        if self.opts["prepare"]:
            subprocess.run(self.opts["prepare"], shell=True, cwd=self.opts["cwd"], env=self.env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log = open(self.opts["log"], "wb") if self.opts["log"] else subprocess.DEVNULL
        s0 = self.settled() if self.postmaster else 0.0
        p = subprocess.Popen(cmd, cwd=self.opts["cwd"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(p.pid, 0)
        if log is not subprocess.DEVNULL:
            log.close()
        server = 0.0
        if self.postmaster:
            # The backend exits after the client; the postmaster reaps it.
            deadline = time.time() + 2.0
            s1 = children_cpu(self.postmaster)
            while s1 == s0 and time.time() < deadline:
                time.sleep(0.02)
                s1 = children_cpu(self.postmaster)
            time.sleep(0.05)
            server = children_cpu(self.postmaster) - s0
        rc = os.waitstatus_to_exitcode(status)
        return {"client": ru.ru_utime + ru.ru_stime, "server": server, "rss_kb": ru.ru_maxrss, "rc": rc}


def summary(results, postmaster):
    med = lambda k: statistics.median(r[k] for r in results)
    out = {"client": round(med("client"), 4), "runs": len(results),
           "rss_kb": max(r["rss_kb"] for r in results), "rc": results[-1]["rc"]}
    out["server"] = round(med("server"), 4) if postmaster else None
    out["cpu"] = round(statistics.median(r["client"] + r["server"] for r in results), 4)
    return out


def parse(argv):
    opts = {"runs": 5, "cwd": None, "env": [], "prepare": None, "pg_port": None, "log": None}
    i = 0
    while i < len(argv) and argv[i] != "--":
        k = argv[i]
        if k == "--runs": opts["runs"] = int(argv[i + 1])
        elif k == "--cwd": opts["cwd"] = argv[i + 1]
        elif k == "--env": opts["env"].append(argv[i + 1])
        elif k == "--prepare": opts["prepare"] = argv[i + 1]
        elif k == "--pg-port": opts["pg_port"] = argv[i + 1] or None
        elif k == "--log": opts["log"] = argv[i + 1]
        else: sys.exit("measure.py: unknown option %s" % k)
        i += 2
    return opts, argv[i + 1:]


def main(argv):
    if len(argv) < 2 or argv[0] not in ("run", "pair"):
        sys.exit(__doc__)
    opts, rest = parse(argv[1:])
    r = Runner(opts)
    if argv[0] == "run":
        results = [r.once(rest) for _ in range(opts["runs"])]
        print(json.dumps(summary(results, r.postmaster)))
        return 0
    k = rest.index("---")
    a, b = rest[:k], rest[k + 1:]
    ra, rb = [], []
    for i in range(opts["runs"]):
        if i % 2 == 0:
            ra.append(r.once(a))
            rb.append(r.once(b))
        else:
            rb.append(r.once(b))
            ra.append(r.once(a))
    ratios = [(y["client"] + y["server"]) / max(x["client"] + x["server"], 1e-6) for x, y in zip(ra, rb)]
    print(json.dumps({"a": summary(ra, r.postmaster), "b": summary(rb, r.postmaster),
                      "ratio": round(statistics.median(ratios), 3), "ratio_min": round(min(ratios), 3),
                      "ratio_max": round(max(ratios), 3), "server_counted": bool(r.postmaster)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
