"""Mutation fuzzing of retort's two parsers, under the sanitizer build.

usage: /usr/bin/python3 tools/fuzz_inputs.py [SEED] [RUNS]

Takes the project's own model files and migration files, mutates them
(deletions, inserted delimiters and quotes, random bytes, spliced copies),
and runs `retort models` or `retort upgrade --sql heads` on each mutant with
the ASan + UBSan binary (build-sanitize/retort, or $RETORT).  Any exit status
other than 0, 1 or 2, or any sanitizer report, is a crash: the input is kept
in the work folder and printed.  Every mutant must get a located error or
work; none may crash.
"""
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RETORT = os.environ.get("RETORT", os.path.join(ROOT, "build-sanitize", "retort"))
TOKENS = ['(', ')', '"', "'", '\\', '@', '@@', ':', ',', '\n', '    ', '\t', '#', '"""', '?', '=',
          'model', 'abstract', '[', ']', '{', '}', '\x00', '\xff', 'é', '0', '-', '+']


def corpus(*patterns):
    return [open(f, encoding="utf-8").read() for p in patterns for f in glob.glob(os.path.join(ROOT, p))]


def mutate(text, rnd):
    s = list(text)
    for _ in range(rnd.randint(1, 8)):
        if not s:
            break
        i = rnd.randrange(len(s))
        k = rnd.random()
        if k < 0.3:
            del s[i:i + rnd.randint(1, 10)]
        elif k < 0.6:
            s[i:i] = list(rnd.choice(TOKENS))
        elif k < 0.8:
            s[i] = chr(rnd.randint(0, 127))
        else:
            j = rnd.randrange(len(s))
            s[i:i] = s[j:j + rnd.randint(1, 30)]
    return "".join(s)


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    rnd = random.Random(seed)
    models = corpus("models/*.model", "tests/integration/roundtrip/*.model")
    migrations = corpus("alembic/versions/*.py", "tests/golden/render/*.py", "tests/data/migrations/*.py")
    work = tempfile.mkdtemp(prefix="retort-fuzz-")
    crashes = 0
    for n in range(runs):
        d = os.path.join(work, "case")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(os.path.join(d, "models"))
        os.makedirs(os.path.join(d, "alembic", "versions"))
        shutil.copy(os.path.join(ROOT, "alembic.ini"), d)
        if rnd.random() < 0.5:
            with open(os.path.join(d, "models", "m.model"), "w", errors="surrogateescape") as f:
                f.write(mutate(rnd.choice(models), rnd))
            cmd = [RETORT, "models", "--models", os.path.join(d, "models")]
        else:
            with open(os.path.join(d, "alembic", "versions", "x.py"), "w", errors="surrogateescape") as f:
                f.write(mutate(rnd.choice(migrations), rnd))
            cmd = [RETORT, "-c", os.path.join(d, "alembic.ini"), "upgrade", "--sql", "heads"]
        env = dict(os.environ, DATABASE_URL="sqlite:///" + os.path.join(d, "x.db"),
                   ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
        p = subprocess.run(cmd, capture_output=True, env=env, timeout=60)
        err = p.stderr.decode(errors="replace")
        if p.returncode not in (0, 1, 2) or "Sanitizer" in err or "runtime error" in err:
            crashes += 1
            keep = os.path.join(work, "crash%d" % crashes)
            shutil.copytree(d, keep)
            print("CRASH (exit %d): %s\n  input kept in %s\n%s" % (p.returncode, " ".join(cmd), keep, err[-1500:]))
    print("%d runs, %d crashes (seed %d); work folder %s" % (runs, crashes, seed, work))
    if not crashes:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
