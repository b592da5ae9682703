# VfsPosix beyond stock (issue 23): ilistdir gives 4-tuples (name, type, inode, size), as
# the other filesystems and upstream PR 19275 do, also on the unix root, which from the
# first import of os is our VfsPosix; os.uname() is the host's (libc uname), as CPython's.
import os
import vfs

D = "/tmp/rustos_posix_ours"


def rm_tree(p):
    try:
        for e in os.ilistdir(p):
            q = p + "/" + e[0]
            if e[1] == 0x4000:
                rm_tree(q)
            else:
                os.remove(q)
        os.rmdir(p)
    except OSError:
        pass


rm_tree(D)
os.mkdir(D)
for name, n in (("a", 0), ("b", 1), ("c", 12345)):
    with open(D + "/" + name, "wb") as f:
        f.write(b"x" * n)
os.mkdir(D + "/sub")
print("root is vfs.VfsPosix:", type(vfs.mount()[-1][0]) is vfs.VfsPosix, vfs.mount()[-1][1])
for label, entries in (
    ("os.ilistdir", os.ilistdir(D)),
    ("bytes", os.ilistdir(D.encode())),
    ("mounted", vfs.VfsPosix(D).ilistdir("/")),
):
    rows = sorted(entries)
    print(label, [(e[0], hex(e[1]), len(e)) for e in rows])
    for e in rows:
        st = os.stat(D + "/" + (e[0].decode() if isinstance(e[0], bytes) else e[0]))
        print("  ", e[0], "inode and size as stat:", e[2] == st[1], e[3] == st[6])
rm_tree(D)

u = os.uname()
print(len(u), u.sysname == u[0], u.machine == u[4])
with open("/proc/sys/kernel/ostype") as f:
    print("sysname:", u.sysname == f.read().strip())
with open("/proc/sys/kernel/osrelease") as f:
    print("release:", u.release == f.read().strip())
with open("/proc/sys/kernel/hostname") as f:
    print("nodename:", u.nodename == f.read().strip())
with open("/proc/sys/kernel/version") as f:
    print("version:", u.version == f.read().strip())
os.system("uname -m > /tmp/rustos_uname_m")
with open("/tmp/rustos_uname_m") as f:
    print("machine:", u.machine == f.read().strip())
os.remove("/tmp/rustos_uname_m")
