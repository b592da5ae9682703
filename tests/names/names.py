# Prints the names a user can reach in os, vfs, each filesystem type and each file type,
# one line each: `what: name name ...`.  tests/run_mp_tests.py runs it on stock and on
# ours and checks that ours has every name stock has.
import gc
import os
import vfs


def names(o):
    return " ".join(sorted(dir(o)))


class RAMBlockDevice:
    def __init__(self, block_size, blocks):
        self.block_size = block_size
        self.data = bytearray(block_size * blocks)

    def readblocks(self, block, buf, off=0):
        a = block * self.block_size + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, block, buf, off=None):
        a = block * self.block_size + (off or 0)
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.block_size
        if op == 5:
            return self.block_size
        if op == 6:
            return 0


print("os:", names(os))
print("vfs:", names(vfs))
for kind in ("VfsFat", "VfsLfs1", "VfsLfs2", "VfsPosix", "VfsRom"):
    if not hasattr(vfs, kind):
        continue
    cls = getattr(vfs, kind)
    print(kind + ":", names(cls))
    if kind in ("VfsFat", "VfsLfs1", "VfsLfs2"):
        dev = RAMBlockDevice(512, 50)  # small enough for the QEMU boards' heap
        cls.mkfs(dev)
        fs = cls(dev)
        fs.mount(False, False)
        path = "f"
    elif kind == "VfsPosix":
        fs = cls()
        path = "/tmp/rustos-names-%d" % id(fs)
    else:
        # A ROMFS image holding one empty file "f" (read-only: its files open to read).
        fs = cls(b"\xd2\xcd\x31\x06\x05\x04\x01f\x02\x00")
        for mode in ("r", "rb"):
            with fs.open("f", mode) as f:
                print(kind, "file", mode + ":", names(f))
        continue
    for mode in ("w", "wb"):
        with fs.open(path, mode) as f:
            print(kind, "file", mode + ":", names(f))
    if kind == "VfsPosix":
        os.remove(path)
    fs = dev = None
    gc.collect()
