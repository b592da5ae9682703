# Differential test: file objects of a mounted vfs.VfsPosix (stream protocol, text and
# binary modes, seek/tell, readinto, readline, iteration, context manager, finalisers).
# Expected output: stock's for this same script.
import os
import vfs
import gc

D = "/tmp/rustos_posix_file"
try:
    os.mkdir(D)
except OSError:
    pass
vfs.mount(vfs.VfsPosix(), "/p")  # no root: /p/tmp/... is the host's /tmp/...
P = "/p" + D

with open(P + "/t.txt", "w") as f:
    print(type(f).__name__, f.write("line one\nline two\n\nlast"), f.tell())
    print(f.flush())
with open(P + "/t.txt") as f:
    print(repr(f.readline()), repr(f.readline(3)), f.tell())
    print(f.seek(0), f.tell(), f.seek(0, 2), f.seek(-4, 2), f.read())
    f.seek(0)
    print([l for l in f])
    f.seek(0)
    print(f.readlines())
with open(P + "/t.txt", "rb") as f:
    b = bytearray(5)
    print(type(f).__name__, f.readinto(b), b, f.read(3), f.read(0), len(f.read()))
    print(f.read(), f.read(10))
with open(P + "/t.txt", "a") as f:
    f.write("+appended")
with open(P + "/t.txt", "r+b") as f:
    f.seek(5)
    f.write(b"ONE")
    f.seek(0)
    print(f.read())
with open(P + "/x.bin", "wb") as f:
    print(f.write(bytes(range(256))), f.write(b""), f.write(bytearray(b"ab")), f.write(memoryview(b"cd")))
with open(P + "/x.bin", "rb") as f:
    data = f.read()
    print(len(data), data[250:])
with open(P + "/x.bin", "w") as f:
    pass
print(os.stat(P + "/x.bin")[6])
# unicode round trip in text mode
with open(P + "/u.txt", "w") as f:
    f.write("h\u00e9llo \u2603\n")
with open(P + "/u.txt") as f:
    print(f.read())
with open(P + "/u.txt", "rb") as f:
    print(f.read())
# __exit__ closes; str/repr do not crash
f = open(P + "/u.txt")
print(str(f).startswith("<io.TextIOWrapper"))
with f:
    pass
try:
    f.read()
except (OSError, ValueError) as e:
    print("after with:", type(e).__name__)
# a read or write the descriptor refuses (EBADF), and either on a closed file
for mode, op in (("wb", lambda f: f.read(3)), ("rb", lambda f: f.write(b"x")), ("w", lambda f: f.readline())):
    f = open(P + "/t.txt", mode)
    for _ in range(2):
        try:
            print(mode, "->", op(f))
        except (OSError, ValueError) as e:
            print(mode, type(e).__name__, e.errno if isinstance(e, OSError) else e)
        f.close()
# finalisers close files: far more than the 1024 descriptors allowed, never closed
for i in range(1500):
    open(P + "/u.txt")
    if i % 100 == 0:
        gc.collect()
gc.collect()
with open(P + "/u.txt") as f:
    print("still opening files", len(f.read()))
# ilistdir iterators closed early by the finaliser too
for i in range(1500):
    it = os.ilistdir(P)
    next(it)
    if i % 100 == 0:
        gc.collect()
print(sorted(os.listdir(P)))
for n in os.listdir(P):
    os.remove(P + "/" + n)
os.rmdir(P)
vfs.umount("/p")
print("done")
