# littlefs v1 and v2 on a RAM block device (extended interface, with offsets) on the
# bare-metal firmware, through os and vfs: the whole file API, and the interpreter's own
# import from the mounted filesystem.
import os
import vfs
import sys


class RAM:
    def __init__(self, blocks, bs=512):
        self.bs = bs
        self.data = bytearray(b"\xff" * (blocks * bs))

    def readblocks(self, block, buf, off=0):
        a = block * self.bs + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, block, buf, off=0):
        a = block * self.bs + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            return 0


for Fs in (vfs.VfsLfs2, vfs.VfsLfs1):
    print(Fs.__name__)
    dev = RAM(48)
    Fs.mkfs(dev)
    vfs.mount(dev, "/ram")  # auto-detected
    os.chdir("/ram")
    os.mkdir("pkg")
    with open("pkg/__init__.py", "w") as f:
        f.write("X = 42\n")
    with open("/ram/data.bin", "wb") as f:
        for i in range(8):
            f.write(bytes(range(i, i + 200)))
    print(sorted(os.listdir()), os.getcwd())
    print(os.stat("/ram/data.bin")[6], os.stat("pkg")[0] == 0x4000)
    with open("data.bin", "rb") as f:
        f.seek(1000)
        print(f.read(4), f.tell())
    os.rename("data.bin", "pkg/moved.bin")
    print(sorted(os.listdir("pkg")))
    sys.path.insert(0, "/ram")
    import pkg

    print("imported", pkg.X)
    del sys.modules["pkg"]
    sys.path.pop(0)
    os.remove("pkg/moved.bin")
    try:
        os.rmdir("/ram/nope")
    except OSError as e:
        print("rmdir nope", e.errno)
    st = os.statvfs("/ram")
    print(st[0], st[2], st[3] < st[2])
    os.chdir("/")
    vfs.umount("/ram")
print(vfs.mount())
try:
    os.urandom(4)
except OSError as e:
    print("urandom:", e)
