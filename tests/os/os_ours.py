# Behaviour where we deliberately differ from stock (it has no check, or lacks the
# function on unix) or where the values are ours to define.
import os
import sys
import gc


def show(label, f, *args):
    try:
        r = f(*args)
        print(label, "->", r)
    except Exception as e:
        print(label, "raised", type(e).__name__, e)


# uname: five fields, attribute and index access; on unix the host's values, as CPython
# (tests/os/posix_ours.py compares them with the host's), not the firmware's
u = os.uname()
print(len(u), type(u).__name__)
print(u.sysname == sys.platform, u.release == "%d.%d.%d" % sys.implementation.version[:3])
print(u[0] == u.sysname and u[4] == u.machine)
print(all(isinstance(x, str) and len(x) > 0 for x in u))
show("uname arg", os.uname, 1)

# urandom: stock C trusts its argument; we check it
show("urandom -1", os.urandom, -1)
show("urandom -2**40", os.urandom, -(2**40))
try:
    os.urandom(2**62)
except MemoryError:
    print("urandom 2**62 raised MemoryError")
# the heap is intact after a failed huge allocation
b = os.urandom(64)
print(len(b), type(b).__name__)
# random enough: 4 KiB has many distinct byte values and two draws differ
r = os.urandom(4096)
print(len(set(r)) > 200, os.urandom(16) != os.urandom(16))

# embedded NUL would silently truncate in C: a ValueError here, as in CPython
show("getenv nul", os.getenv, "HO\x00ME")
show("putenv nul key", os.putenv, "A\x00B", "x")
show("putenv nul value", os.putenv, "RUSTOS_NUL", "x\x00y")
show("unsetenv nul", os.unsetenv, "A\x00B")
show("system nul", os.system, "true\x00false")
print(os.getenv("RUSTOS_NUL"))

# errno out of C int range is an OverflowError, not silent truncation
show("errno 2**40", os.errno, 2**40)

# many calls and a collection in between: nothing Rust holds is lost
for i in range(200):
    os.putenv("RUSTOS_LOOP", str(i))
    if i % 50 == 0:
        gc.collect()
print(os.getenv("RUSTOS_LOOP"), len(os.urandom(300)))
print("done")
