# For a build with a GIL (make firmware-gil): a thread blocked in a VfsPosix call must not
# hold the GIL meanwhile, as stock's calls do not (MP_HAL_RETRY_SYSCALL).  A reader thread
# opens a FIFO and reads it to the end, both of which block until the main thread, which
# needs the GIL to run, opens the FIFO for writing and closes it.  A call that kept the
# GIL hangs both threads (tools/reliability.py times the run out).  Prints "fifo b'...'".
import _thread
import os
import time
import vfs

D = "/tmp/rustos_gil_posix"
os.system("rm -rf %s; mkdir -p %s; mkfifo %s/fifo" % (D, D, D))
vfs.mount(vfs.VfsPosix(D), "/px")
got = []


def reader():
    with open("/px/fifo", "rb") as f:  # blocks until a writer opens
        got.append(f.read())  # blocks until the writer closes


_thread.start_new_thread(reader, ())
time.sleep(0.2)  # the reader is blocked in open() by now
with open("/px/fifo", "wb") as f:
    f.write(b"through the fifo")
t0 = time.time()
while not got and time.time() - t0 < 20:
    time.sleep(0.05)
print("fifo", got[0] if got else "nothing")
print("listed", sorted(os.listdir("/px")), os.stat("/px/fifo")[0] & 0xF000 == 0x1000)
vfs.umount("/px")
os.system("rm -rf %s" % D)
