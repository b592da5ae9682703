# Differential test: the free-cluster count of FAT12 volumes (statvfs), which reads the
# 12-bit entries two to three bytes, some across a sector boundary: volumes of odd and
# even cluster counts, entries set in every position of a 3-byte group, and a corrupt
# entry (1, a link to the FAT's own reserved cluster: EIO) at each such position,
# including the last cluster and either side of a sector boundary.  The device counts its
# reads, so the sectors read must match too.  Expected output: stock's.
import vfs


class RAM:
    def __init__(self, blocks):
        self.data = bytearray(blocks * 512)
        self.reads = 0

    def readblocks(self, n, buf):
        self.reads += 1
        buf[:] = self.data[n * 512 : n * 512 + len(buf)]

    def writeblocks(self, n, buf):
        self.data[n * 512 : n * 512 + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // 512
        if op == 5:
            return 512


def geometry(dev):
    d = dev.data
    rsvd = d[14] | d[15] << 8
    nfats = d[16]
    fatsz = d[22] | d[23] << 8
    spc = d[13]
    nroot = d[17] | d[18] << 8
    total = d[19] | d[20] << 8
    data = rsvd + nfats * fatsz + nroot * 32 // 512
    return rsvd * 512, (total - data) // spc + 2  # FAT offset, n_fatent


def set12(dev, fat, c, v):
    o = fat + c + c // 2
    d = dev.data
    if c & 1:
        d[o] = (d[o] & 0x0F) | (v << 4 & 0xF0)
        d[o + 1] = v >> 4 & 0xFF
    else:
        d[o] = v & 0xFF
        d[o + 1] = (d[o + 1] & 0xF0) | (v >> 8 & 0x0F)


def free(dev):
    dev.reads = 0
    try:
        fs = vfs.VfsFat(dev)
        s = fs.statvfs("/")
        return "%d free, %d reads" % (s[3], dev.reads)
    except OSError as e:
        return "OSError %d, %d reads" % (e.args[0], dev.reads)


for blocks in (60, 61, 200, 343, 700, 1400):
    dev = RAM(blocks)
    vfs.VfsFat.mkfs(dev)
    fat, n = geometry(dev)
    span = fat, fat + n * 3 // 2 + 1
    base = bytes(dev.data[span[0] : span[1]])
    # clusters whose entry bytes straddle the first FAT sector's end (byte 511/512)
    edge = [c for c in range(2, n) if (c + c // 2) // 512 != (c + c // 2 + 1) // 512]
    picks = sorted(set([2, 3, 4, 5, 6, 7, n - 3, n - 2, n - 1] + edge + [c + 1 for c in edge] + [c - 1 for c in edge]))
    picks = [c for c in picks if 2 <= c < n]
    print(blocks, "clusters", n - 2, "edge", edge, free(dev))
    for c in picks:
        dev.data[span[0] : span[1]] = base
        set12(dev, fat, c, 0xFFF)
        used = free(dev)
        dev.data[span[0] : span[1]] = base
        set12(dev, fat, c, 1)
        print(" ", c, used, "|", free(dev))
