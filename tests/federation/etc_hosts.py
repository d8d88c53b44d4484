#!/usr/bin/env python3
"""Adds or removes the test federation's /etc/hosts lines, and only those.

  etc_hosts.py add NAME...     append "127.0.0.1 NAME  # tchap-federation" when missing
  etc_hosts.py remove          drop every line ending with that marker, nothing else
  etc_hosts.py list            print the marked lines

glibc does not resolve *.localhost by itself, so the federation's names need
these lines. The file is rewritten atomically (temporary file in /etc, same
mode and owner, fsync, rename); if a rename is impossible (a bind-mounted
/etc/hosts) it is rewritten in place. Every other line is kept as is, and the
result is checked to contain them all, in order, before it is written.
"""
import os
import sys
import tempfile

HOSTS = os.environ.get("TCHAP_ETC_HOSTS", "/etc/hosts")
MARKER = "# tchap-federation"


def marked(line):
    return line.rstrip("\n").endswith(MARKER)


def write(lines, old):
    keep_old = [l.rstrip("\n") for l in old if not marked(l)]
    keep_new = [l.rstrip("\n") for l in lines if not marked(l)]
    if keep_old != keep_new:
        sys.exit("etc_hosts.py: refusing to write: other lines would change")
    data = "".join(lines)
    st = os.stat(HOSTS)
    d = os.path.dirname(os.path.abspath(HOSTS))
    fd, tmp = tempfile.mkstemp(prefix=".hosts.tchap-", dir=d)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except PermissionError:
            pass
        try:
            os.replace(tmp, HOSTS)
            tmp = None
        except OSError:
            # e.g. EBUSY on a bind-mounted file: same content, written in place.
            with open(HOSTS, "r+") as f:
                f.write(data)
                f.truncate()
                f.flush()
                os.fsync(f.fileno())
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("add", "remove", "list"):
        sys.exit(__doc__)
    with open(HOSTS) as f:
        old = f.readlines()
    cmd, names = sys.argv[1], sys.argv[2:]
    if cmd == "list":
        sys.stdout.write("".join(l for l in old if marked(l)))
        return
    if cmd == "add":
        lines = list(old)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        present = {l.split()[1] for l in old if marked(l) and len(l.split()) > 1}
        added = [n for n in names if n not in present]
        lines += ["127.0.0.1 %s  %s\n" % (n, MARKER) for n in added]
    else:
        lines = [l for l in old if not marked(l)]
        added = None
    if lines != old:
        write(lines, old)


if __name__ == "__main__":
    main()
