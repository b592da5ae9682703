# Run by tests/image/run.py on our firmware and on stock: mount a littlefs image file as a
# RAM block device and print every directory, and every file with its size and SHA-256,
# in sorted order.
#   micropython mount_read.py IMAGE BLOCK_SIZE VfsLfs2|VfsLfs1
import sys
import os
import vfs
import hashlib
import binascii


class RAM:
    def __init__(self, data, bs):
        self.data = data
        self.bs = bs

    def readblocks(self, n, buf, off=0):
        a = n * self.bs + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        a = n * self.bs + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            self.data[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
        return 0


with open(sys.argv[1], "rb") as f:
    data = bytearray(f.read())
vfs.mount(getattr(vfs, sys.argv[3])(RAM(data, int(sys.argv[2]))), "/img", readonly=True)
out = []


def walk(d):
    for name, kind, *_ in os.ilistdir(d):
        p = d + "/" + name
        if kind == 0x4000:
            out.append(p[4:] + "/")
            walk(p)
        else:
            h = hashlib.sha256()
            with open(p, "rb") as f:
                while True:
                    b = f.read(1024)
                    if not b:
                        break
                    h.update(b)
            out.append("%s %d %s" % (p[4:], os.stat(p)[6], binascii.hexlify(h.digest()).decode()))


walk("/img")
for line in sorted(out):
    print(line)
