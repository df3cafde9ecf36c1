"""Run many `alembic` command lines in one Python process (tests only).

usage: alembic_server.py REQUESTS RESPONSES PARENT_PID
(two FIFOs in a folder of their own, and the test's shell; see lib.sh's
use_alembic).  The process ends, removing that folder, when the shell does.

Starting Python, SQLAlchemy and Alembic costs 0.4 s (Debian's Alembic 1.8.1)
to 1 s (the pure-Python SQLAlchemy 2.0 of ../shared/vendor) per command
line; the comparison suites run hundreds.  This process imports Alembic
once and runs each command line as `python3 -m alembic ARGS` would: a new
CommandLine and Config each time (so ALEMBIC_CONFIG and the working
directory are read again), env.py and the revision files loaded afresh (no
bytecode is written for them: a file rewritten within the same second keeps
its size and mtime), stdout and stderr captured at the file-descriptor level
(Alembic's Config binds sys.stdout when it is imported; logging handlers
write to fd 2), the exit status as the CLI's (argparse: 2, "FAILED:": 255,
a traceback: 1), sys.path and the environment restored afterwards.

A request is one line of fields separated by \\x1f: the file for stdout, the
file for stderr, the working directory, then NAME=VALUE or NAME (unset) for
each variable of ENV_VARS, then "--" and the arguments.  The response is
one line: the exit status.
"""
import os
import shutil
import sys
import threading
import time
import traceback

import alembic
import alembic.command
import alembic.config
import alembic.ddl.postgresql
import alembic.ddl.sqlite
import sqlalchemy.dialects.postgresql
import sqlalchemy.dialects.sqlite

try:
    import psycopg2  # noqa: F401  (what the PostgreSQL URLs load)
except ImportError:
    pass

# The libraries' bytecode may be cached (PYTHONPYCACHEPREFIX); not the
# revision files', which the tests rewrite.
sys.dont_write_bytecode = True
ENV_VARS = ("DATABASE_URL", "ALEMBIC_CONFIG", "PYTHONWARNINGS")


def run(argv):
    try:
        alembic.config.main(argv=argv, prog="alembic")
        return 0
    except SystemExit as e:
        if e.code is None:
            return 0
        if isinstance(e.code, int):
            return e.code & 0xFF
        print(e.code, file=sys.stderr)
        return 1
    except BaseException:  # what the interpreter does with an uncaught one
        traceback.print_exc()
        return 1


def serve(requests, responses):
    fin = os.fdopen(os.open(requests, os.O_RDWR), "rb", buffering=0)
    fout = os.open(responses, os.O_RDWR)
    line = b""
    while True:
        c = fin.read(1)
        if not c:
            return
        if c != b"\n":
            line += c
            continue
        fields = line.decode("utf-8", "surrogateescape").split("\x1f")
        line = b""
        out, err, cwd = fields[:3]
        k = fields.index("--")
        env, argv = fields[3:k], fields[k + 1:]
        saved_env = {n: os.environ.get(n) for n in ENV_VARS}
        saved_path, saved_cwd = list(sys.path), os.getcwd()
        for item in env:
            name, eq, value = item.partition("=")
            if eq:
                os.environ[name] = value
            else:
                os.environ.pop(name, None)
        sys.stdout.flush()
        sys.stderr.flush()
        keep_out, keep_err = os.dup(1), os.dup(2)
        fo = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        fe = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fo, 1)
        os.dup2(fe, 2)
        os.close(fo)
        os.close(fe)
        try:
            os.chdir(cwd)
            status = run(argv)
        except OSError as e:
            print("alembic_server: %s" % e, file=sys.stderr)
            status = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(keep_out, 1)
            os.dup2(keep_err, 2)
            os.close(keep_out)
            os.close(keep_err)
            os.chdir(saved_cwd)
            sys.path[:] = saved_path
            for name, value in saved_env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        os.write(fout, b"%d\n" % status)


def exit_with_parent(parent, folder):
    """The test that started this process may end without stopping it
    (a failing check under set -e): then end too, and leave nothing."""
    while os.getppid() == parent:
        time.sleep(0.5)
    shutil.rmtree(folder, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    folder = os.path.dirname(os.path.abspath(sys.argv[1]))
    threading.Thread(target=exit_with_parent, args=(int(sys.argv[3]), folder), daemon=True).start()
    serve(sys.argv[1], sys.argv[2])
