# For a build with a GIL (make firmware-gil; esp32 runs threads so): two reader threads
# and the main thread on one mount, with a block device whose Python code runs long enough
# for the VM to hand the GIL over in the middle of a filesystem call.  A thread that then
# finds the filesystem's lock taken must give the GIL up while it waits, or the holder
# never gets it back: the run hangs (tools/reliability.py times it out).  Prints
# "<fs> done True" for littlefs v2 and FAT.
import _thread, os, time, vfs


class SlowRAM:
    def __init__(self, blocks, bs):
        self.bs = bs
        self.n = blocks
        self.data = bytearray(blocks * bs)

    def readblocks(self, n, buf, off=0):
        for _ in range(40):  # bytecode jumps: the VM gives up the GIL every 32
            pass
        a = n * self.bs + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        for _ in range(40):
            pass
        a = n * self.bs + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return self.n
        if op == 5:
            return self.bs
        if op == 6:
            self.data[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
        return 0


for name, cls, bs in (("lfs2", vfs.VfsLfs2, 512), ("fat", vfs.VfsFat, 512)):
    dev = SlowRAM(256, bs)
    cls.mkfs(dev)
    vfs.mount(cls(dev), "/m")
    with open("/m/f", "wb") as f:
        f.write(bytes(range(256)) * 40)
    done = []

    def reader():
        for _ in range(20):
            with open("/m/f", "rb") as f:
                assert f.read() == bytes(range(256)) * 40
        done.append(1)

    _thread.start_new_thread(reader, ())
    _thread.start_new_thread(reader, ())
    n = 0
    t0 = time.time()
    while len(done) < 2 and time.time() - t0 < 60:
        os.stat("/m/f")
        n += 1
    print(name, "done" if len(done) == 2 else "stuck", n > 0)
    vfs.umount("/m")
