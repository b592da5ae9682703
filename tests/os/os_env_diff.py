# Differential test: the expected output is stock MicroPython's output for this same script.
# getenv/putenv/unsetenv/system/errno/sep/urandom with good and bad arguments.
import os


def show(label, f, *args):
    try:
        r = f(*args)
        print(label, "->", repr(r) if not isinstance(r, bytes) else (type(r).__name__, len(r)))
    except Exception as e:
        print(label, "raised", type(e).__name__, e)


print(os.sep)
os.putenv("RUSTOS_T1", "value one")
show("getenv set", os.getenv, "RUSTOS_T1")
show("getenv default", os.getenv, "RUSTOS_UNSET_XYZ", 42)
show("getenv none", os.getenv, "RUSTOS_UNSET_XYZ")
os.putenv("RUSTOS_T1", "")
show("getenv empty", os.getenv, "RUSTOS_T1")
os.unsetenv("RUSTOS_T1")
show("getenv after unset", os.getenv, "RUSTOS_T1")
show("unsetenv missing", os.unsetenv, "RUSTOS_NEVER_SET")
os.putenv("RUSTOS_U", "h\u00e9llo \u2603")
show("getenv unicode", os.getenv, "RUSTOS_U")

# wrong types and arity
show("getenv int", os.getenv, 1)
show("getenv bytes", os.getenv, b"HOME")
show("getenv none", os.getenv, None)
show("getenv no args", os.getenv)
show("getenv 3 args", os.getenv, "a", "b", "c")
show("putenv int key", os.putenv, 1, "x")
show("putenv int value", os.putenv, "x", 1)
show("putenv 1 arg", os.putenv, "x")
show("unsetenv int", os.unsetenv, 5)
show("system int", os.system, 5)
show("system list", os.system, ["true"])
show("errno str", os.errno, "x")
show("errno 2 args", os.errno, 1, 2)

# system: exit statuses are wait statuses, as in C
show("system true", os.system, "true")
show("system exit 3", os.system, "exit 3")
show("system output", os.system, "echo from-shell")

# errno round trip
os.errno(0)
show("errno zero", os.errno)
os.errno(13)
show("errno set", os.errno)

# urandom: lengths and types
for n in (0, 1, 16, 1000):
    show("urandom %d" % n, os.urandom, n)
show("urandom float", os.urandom, 1.5)
show("urandom str", os.urandom, "8")
show("urandom none", os.urandom, None)
show("urandom big", os.urandom, 2**100)
show("urandom bool", os.urandom, True)
print("done")
