# littlefs v2 images written by our firmware when it ran littlefs 2.9.3 (littlefs2-sys
# 0.4.0, before issue 21 moved VfsLfs2 to the MicroPython tree's littlefs 2.11) must mount
# and read unchanged, with any readsize/progsize, and take new writes (expected output:
# stock's, whose littlefs 2.11 reads them too).  The images were made by
# tools/lfs_images/write.py on commit b729efe and packed here by tools/lfs_images/pack.py
# (zlib, base64).  Every file's bytes are checked against the model write.py wrote from.
import binascii
import deflate
import io
import vfs

IMAGES = {}
# (block size, block count, readsize, progsize, size of the multi-block file)
GEOMETRY = {
    "lfs2_512": (512, 32, 32, 32, 1800),
    "lfs2_4096": (4096, 16, 32, 32, 9000),
    "lfs2_4096_p256": (4096, 16, 256, 256, 12000),
}
# stat()[8] of every file: the time write.py ran (seconds since 1970, the unix port's epoch)
MTIME = 1796681482


class RAM:
    def __init__(self, data, bs):
        self.bs = bs
        self.d = bytearray(data)

    def readblocks(self, n, buf, off=0):
        a = n * self.bs + off
        buf[:] = self.d[a : a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        a = n * self.bs + off
        self.d[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.d) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            self.d[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
            return 0


def text(n, tag):
    out = bytearray()
    i = 0
    while len(out) < n:
        out += b"%s %06d %s\n" % (tag, len(out), b"abcdefghijklmnopqrstuvwxyz"[: i % 27])
        i += 1
    return bytes(out[:n])


def model(big):
    patched = bytearray(700)
    patched[300:305] = b"PATCH"
    return {
        "/inline.txt": b"inline file, littlefs 2.9.3\n",
        "/a/big.txt": text(big // 2, b"big") + text(big - big // 2, b"app"),
        "/a/b/c/deep.bin": bytes(range(256)) * 3,
        "/a/patched.bin": bytes(patched),
        "/a/b/new_name.txt": b"renamed\n",
    }


def walk(fs, d, out):
    for e in fs.ilistdir(d):
        p = d.rstrip("/") + "/" + e[0]
        out.append((p, e[1], e[3] if len(e) > 3 else None))
        if e[1] == 0x4000:
            walk(fs, p, out)
    return out


def image(name):
    z = binascii.a2b_base64("".join(IMAGES[name]))
    return deflate.DeflateIO(io.BytesIO(z), deflate.ZLIB).read()


def check(name, rs, ps):
    bs, bc, _, _, big = GEOMETRY[name]
    raw = image(name)
    print(name, "readsize", rs, "progsize", ps, "image bytes", len(raw), len(raw) == bs * bc)
    dev = RAM(raw, bs)
    fs = vfs.VfsLfs2(dev, readsize=rs, progsize=ps)
    listing = walk(fs, "/", [])
    for p, kind, size in listing:
        print("  ", p, hex(kind), size)
    want = model(big)
    files = sorted(p for p, kind, _ in listing if kind == 0x8000)
    print("  files as written:", files == sorted(want))
    print("  dirs as written:", sorted(p for p, k, _ in listing if k == 0x4000) == ["/a", "/a/b", "/a/b/c", "/empty"])
    for p in sorted(want):
        with fs.open(p, "rb") as f:
            got = f.read()
        st = fs.stat(p)
        print("  ", p, "content ok:", got == want[p], "size ok:", st[6] == len(want[p]), "mtime ok:", st[8] == MTIME)
    # reads from the middle of the multi-block file
    with fs.open("/a/big.txt", "rb") as f:
        ok = True
        for pos in (0, 511, 512, 513, 4095, 4096, 4097, big - 1, big):
            f.seek(pos)
            ok = ok and f.read(100) == want["/a/big.txt"][pos : pos + 100]
        print("  seeks ok:", ok)
    # the old image takes new writes, and everything old is still there after a remount
    with fs.open("/a/big.txt", "ab") as f:
        f.write(b"appended by littlefs 2.11\n")
    with fs.open("/empty/new.txt", "w") as f:
        f.write("new\n")
    fs.rename("/a/b/new_name.txt", "/a/renamed_again.txt")
    fs.umount()
    fs = vfs.VfsLfs2(dev, readsize=rs, progsize=ps)
    want["/a/big.txt"] += b"appended by littlefs 2.11\n"
    want["/empty/new.txt"] = b"new\n"
    want["/a/renamed_again.txt"] = want.pop("/a/b/new_name.txt")
    ok = True
    for p in want:
        with fs.open(p, "rb") as f:
            ok = ok and f.read() == want[p]
    print("  after writes and a remount:", ok, sorted(p for p, k, _ in walk(fs, "/", []) if k == 0x8000) == sorted(want))
    fs.umount()


IMAGES['lfs2_4096'] = (
    'eNrtnXl8HVUVx6dN2qZJSl6x1bBonuBSKrZzl9lQpJViC4hlKVBEaLO8tsE0CW3oJpCKIiiKSqvi'
    'go11qwsC7ktREbe6VrBarEqtBcGKiRhs0Eicl8yZN8u9M/nIP1V+30/7+cw959w3b9677+T3zj3v'
    'MxMMwxhoGDnc0d7T01FasXbufqMwwZhoGIXRf8ZI+f/ISO9TVYbR2z9cKPrjwSVbjIYBo37bwpsO'
    'jgAAAAAAAAAAAOCIZ+LT+P6/+L6blxeahqrnGUZte2dHe2dpTs+GHj+itrd/qCYSefSy8+5+WH3+'
    '7qahyWNziyvaO0onF+mJFPkcb46o9Z/DjFXzFzx6ZmN/Y1f/kBE9P+++f9no+U1jQnOxaEyt8Z1T'
    '/f/zGoYMOj5twIhOmnLK7HnbI+cvNA02+PMnlVZ392z0H2PaUX5sw+hjDBp0nHiMqr2P3fN4OH+g'
    'zr/+mpVd4dXX9PYPRK9+xu27b3lA9/p3Nw0ct6a0umtdqc2/1IYdpaXBpQ5Ezzi9YfP1+5Xzm0YG'
    'jik0xM5Xvf+6PbdiZQMAAAAAAAAAiGJMmFhVPWnylJqptXX1045qKEw/+lkzZj77OY3HHHvc8c99'
    'XlPx+Sec+IIXvujFs06a/ZKTXzpnrsm4kJbtuN4pL3v5qa84bd78V56+4IxXLVx05llnv/qc1yw+'
    '97zzL1hy4UUXL73ktZe+7rLLly1vbmltK61Yuar9itd3rO7s6r5yzdqeq9at37Bx0xuuvuba3s1v'
    'vO5Nb77+LTfc+Na33fT2d9z8zne9+5YtW9/z3vfd+v4PfPBDt314W99Htn/0Yx//xCd3fOrTn/ns'
    '7Z+74867Pv+FL37py1/56te+/o2dd3/zW9++5zv3fvd73//BD3f96Mc/+enPfr77F/fd/8s9v/r1'
    '3gd+s++3v/v9g/v/cOCPBx96+E+PPPrnQ3957K/9A397/O+DT/zj8NCT//zX8L+fwvU/w68fAAAA'
    'AAAAAJ4ptLSvLJqjFGvpmPFiczjgVrG5JRwJzx+1hkNLlodt4dgxR8el0OA6Y4YVZGGmFVhWhiYu'
    'ybQqtMmKrT002lbFeEVoDc8x+iWTzJyZUXNHaBcyZl8dOiwv7ugMPa6V8HSRS5Rfq8Q33NAnzZTv'
    'ytBpe2nnmtDrqbxryS2FqXL3hH6bK/1XhQGepQ5YRxEW9zQR68MQW+pCNlCMbZramI1hkHD0QZvC'
    'KMcKl6hdfs9p4IyeIxwxGV2iTnAd4Vha8SXqhK9VaHHN5BJ1Iu8H2VzmpZeoG3vPQ2v8/QjNiXVF'
    'ds/01EvUS67dcIl6tqlbop7r6JYoM5mlXaLMlFK/RJn/SmYsURb5nKuWKGO69zwMcMzsJcq4KXOW'
    'KOPCy1uijDtW7hJlqs95aokyYYVZlAm7kkX9i41kUSbcaBZl0oxlUSZ5PIsyKRJZlEkrmUWZdFJZ'
    'lEkvnUWZxRRZlFlClUWZZSuzKLNcdRZltqnJoswWuizKbFubRZnt6bMoc1hGFmWOzMqiLPI5Vy5R'
    'l2VnUebKnCzq/2nKy6LMY7lZlHlWfhZlqs95aony8t/z8FhUsig3rUgW5aYdzaLcdGJZlJtePIty'
    'xhJZlDORzKKcyVQW5cxOZ1HOPEUW5ZypsijnQplFeerveehwNVmUC6bLolwIbRblwtZnUT8DZWRR'
    'LnlWFuWRz7lqiXLpZmdRbvGcLMotKy+LcsvNzaLc5vlZlNv2OLIodypalDsRLcqdqBblTkyL+lk8'
    'lkW5k9Ci3ElqUe6mtCh301rUXy7pLMpdlRblrlKLck+tRbmn0aLc02lR7mm1qDD1WlSYGVpUmFla'
    'VJiZWlSwbC0qWI4WFSxPiwqeq0UFz9eiQoxDiwoxHi0qREWLChHRor7kj2RRIWNaVMi4FhUyoUWF'
    'TGpRIVNaVMi0FhWWQosKS6VFhaXUosJSa1Fha7SosHVaVNhaLSpsvRYVToYWFU6WFhVOphYVbrYW'
    'FW6OFvXf4ZwsKrxcLSq8fC0qvHFoUWmOR4tKs6JFpRnRotKMalFpgHFz7vwlpy/Cy3DEgOodAAAA'
    'AAAAAIyfKv97lBnbj5Isvh8lWWI/SrLkfpRkqf0oydL7UZIp9qMkV+1HSa7cj5JcvR8luWY/Sgrd'
    'fpQU2v0oKfT7UVJk7EdJmbUfJWXmfpSU0f2o5u7usC+Djkdr4TQYq4XTKKiF05Bq4TQOa+FkqNTC'
    'A0u0L4NM0Vo42WK1cDLGa+FkTdTCA3OqL4PsqVo4OdK1cPIoauGBS9mXQT5lLZyc6lo4eTW18MCt'
    '7csgv7YWTgH6WngQkdWXQSFZtfAgJrsvg4Kya+EUVa6F0/FoLTwYBH0ZNApq4TSkWjiNw1o4GSq1'
    'cLJEauFkitbCA1u8L4OM8Vo4WRO1cDIna+GBPd2XQY50LZw8ilo4uVS18DGfpi+DnOpaOHk1tfDA'
    're3LIL+2Fk4B+lp4EJHVl0EhWbVwismshQdBOX0ZFGWFWTToy6CBE8miYV9GMAz7MmjM41k02pdB'
    'FiuZReN9GWTz0lk02ZdBVqHKoum+DLK76iyq6ssgj9BlUXVfBvk8fRbV9WWQV2ZlUX1fRuDX92VQ'
    'gMzJopl9GUFIZl8GxVj5WTSvL2Msaqwvg45FJYtSXwaN7GgWrfRl0NiLZ9FoXwZZRDKLxvsyyGan'
    's2iyLyOwJvsyyCyUWVTRl0EOV5NFlX0Z5BLaLKrpyyCnl5FFtX0Z5LYys2hGX0YQkNGXQRFWXhbN'
    '7ssIYrL7MijIHkcWHevLoOOIFqW+DBrFtGilL4PGCS0a7csILG5Ki8b7Msim0KLJvgyyKrVoui+D'
    '7BotqurLII9Wi6r7MsiXoUV1fRnkzdSi+r4M8udo0ay+jCCC52rR7L6MIEaMQ4vm9WVQVEWLBn0Z'
    'wUBGtWjYl0HDuBaN9GWQIalFY30ZZEpr0URfBhlVWjTVl0FmtRZV9GWQQ6dFlX0ZzZP87//lGkAQ'
    'otekmv4McmZpUm1/RuB2szVpRn8GBeRp0sz+DArJ16Q5/RljQXn9GRRV0aRBfwYNoppUmjFNWqnN'
    '0DihSaO1GbKkNGm8NkM2hSZN1mbIqtSk6doM2TWaVFWbIY9Wk6prM+TL0KS62gx5MzVpvDaDqiEA'
    'AAAAAADgfxF0kQP0/wMAAAAAAADA/z8T/O9RfUbV4ej948TVd4XfrQpNw/Xl++u1lO+vV+sH1Y3e'
    'G2/YoOPk/fV6Hpl8Q+Tx/fkN8wxjSkv7yuD2eFN6+4ejt6ubeaDYd0j7/LrnDs+s9oO3TjeMgmkY'
    'e084J7hB3nD0tIWdu846VTO/MNmPm3Xi2Pw7952vnH9H/5blqvmFpsFG//nXdTf3tK4qtc1pae/0'
    'p9X19g9Gr2H6g+LsrZrnPzh9ih+4c+LY+fu2XxicfzB2/j0LrnlSM79QHZl/Y99FyvmXbF36UMbz'
    'r+/qaFvW2bya7lFYn7iAwgUL65Yqz980WFhTKs9sK9+L0dhxYKny/LOPve0J1fymkcFGs2Gw3qgZ'
    'WEy3ZPTnVUfvj3i477JL8UkEAAAAAAAAAAAAAAAAAAAAAICnx3j3/1vL+//1ftC0YP+fjpP7/1su'
    '3rwv8viFpqHy/n99Z2l9dP+5WrWnvLh/qDpjn/j4p1ovP4h3DAAAAAAAAAAAAAAAAAAAAAAAAEgz'
    'rv1/w6hpK5W6gx+/1yR+wD9jd8u1m3SP3z13eMZEY+wmA+XfrzcuX6T8/X3fgtZdeDcAAAAAAAAA'
    'AAAAAAAAAAAAAACA/47y/v+2garD9Jv7xM/5Z917xqGT8CoBAAAAAAAAAAAAAAAAAAAAAAAARzb/'
    'ARpH8vE='
)
IMAGES['lfs2_4096_p256'] = (
    'eNrtnHt0XEUdx2/6oKEPExFsVTSrPFSEdub3m7n3jogU6qP4otYqKgokzbZNSdNtG/pSjKIggg8E'
    'Bd8gKooIPkARqaKAoIDQQotFEIsigoKJEm3UQLyb7Mzex8y9e45/WJbf55Bzdn6/OeyZne/97ndn'
    'u7fF87yhtrHdvT39/b3lZevm7fLaW7xJntc+/p83Vv0bGxt4crLnDQyOtnstnnf/cce1tA15t+11'
    'zuyFYwRBEARBEARBEARB7PFM+h8+/989dZ/bnurrb+8YuXG+503v6evt6SvP7d/YX4pGA4MjrbGV'
    '3smuGdnSnPtf6Ri5aWLtpWU9veVDS1oIJZir5uL0SAP7VlorjxwzZ3DO6sERL77/D5133vVNsf/M'
    'a+kslby994rEPi36m9824unHRw558UXffMkBLR1NtP/tHcN3ROufWl5V6d8UvQazZkbLnTX+Ggx7'
    '+nHqNbihc+D485tm/UO3Rtd/6/LV5upvHRgcil/92y+bdth9zer/lY6he9eWV61eX+6OLvW2kU1n'
    '1S71ofiObwvv2e/oplx/x9jQPe1tif1+8PJ7H3uYkgFBEARBEM2KRzTMoqOWLFhIL8MeA129BEEQ'
    'BEEQBEEQjdMWfY5ioSp1di2d3tWzvMSY4ExUh91mDGx8XDYFDCYKy0xFylpluSkFQpdWmJqq13p0'
    'EbisF1eaqnmOavVkU/ZZvNxr6qFI1FfpBjKVbPSZDspUZ7Vp+ZBuVUxPsUxvjW5GK8w215qusHXX'
    'mXbIbO1+3ZccrP1TzAQh7RPWmxmBcszYoKf4XLimbDRzJHPO2WQmhYF70mY9KwBZMo+re24G489h'
    'Rr6ISzSorcOMlUxKNDSvlakgS0s0jO2HqfkqK9Ewsee6qpL7YcopXZm6VHaJqrR2tUQl48whUckw'
    'cElUMl86JSqZEm6JRhITORKVsevcJlHJXXuuJwCwfIlKkKJAohJCVSRRiSALJSpt13lGolIwVjKP'
    'q3tuBuPPYUYYd9HoWky4qBRB0kWlCFMuKiVLu6iUkHFRKUXWRaX0LS4qZWhzUelzq4tKH+0uGv3P'
    'HS4q/dDlojLgTheVgXC7qAz8HBeNLCzPRWXsOrdKNPTzXVSGqsBFpYIiF5XKz3HRzkolmlOlZB6P'
    '60oPJnSlRzVd6aHWlR4bXelCXVe1Co/pSpfiutK1hK50MakrXU3pqlaGtK50PaMr3cjqSncsuqq1'
    '0KYr3bPqSjftutJdh65qbeHSle47daUnuHVVmyFzdKWnNKArn+W9O+tJmPvurGcF0kh0/P1cD4Lx'
    '5zCjicxghrV1mLHOJaZgXitTqWcfU4rth66F8Xxliok9N9XkfphySle6rtI50TRQOCSqfOaSqLK8'
    'D9Z6nHHplGgUvYVbopwFIkeiPHad2yTKuWvPzYSA5Us0+iggCiTKAVWRRDkEslCiHDkUS5SjNC7K'
    'x9/PzSCIuSjHMO6iXLCEi3IBSRflAlMuyoVMuygXQcZFuVBZF+WSW1yUS7S5KJe+1UW5DO0uyn3m'
    'cFHuo8tFue87XZT7yu2iPOA5Lhp96stzUR6EuS7KQ57vojwUBS4avTUVuShXvNBFuZLFLspV2ICL'
    'QvX93DzGuosCkzEXBebHXRRYkHBRYCrposB5ykWBY9pFgYuMiwKPvQ9Ojj7/V88AekxTWdwUgNvc'
    'FACtbgqZ93XTCB1uCshdbgqITjcF9N1uGjlRjpuCgDw3BSFz3RREmO+mIKHATUHKIjcFGRa6KfhQ'
    '7Kbg+w24KQT1TApBLJNCEM+kECQyaeTmCTeFIJVJIUhnUggzmRTCbCaN5JJ1UwhtmRRCayYFZc+k'
    'oByZFJQrk4JyZlJk7kyKLCeTIsvLpMhyMyny/EyKvCCTIi/KpAiFmRShOJMiNpBJERvJpIj1TIoY'
    'y6Qo4pkURSKTokhmUhSpTIoinUlRZDIpimwmRWnJpChtmRSlNZOitGdS9B2ZFH1XJkXfmUnRd2dS'
    'DHIyKQZ5mRSD3EyKYX4mxbAgk0Y7XOCiqAozKariTIqqgUwqWCOZVLB6JhUslkkFi2dSwRKZtH7u'
    'rsepTBo/d9eVTCZNnrvrmiWTps/dddWaSbPn7rruyKS2c3fdcWZS+7m77uVkUte5u+7mZlL3uXut'
    'Lwsyad65u55RmEnzz931nAYyadG5e21WUM+ktXN3PYhnUnPurofJTBo7d68VwnQmTZy761I2k6bO'
    '3XXRlkUz5+66bM+ilnN33XBlUeu5u265s6jj3F0387Ko89xdt/OzaM65e20CFGXR3HN3PaU4ixac'
    'u+tJjWTRiXN3/TiWRfW5ux4lsmj93F2PU1k0fu5eq8hMFk2eu+uaJYumz9111ZpFs+fuuu7IorZz'
    'd91xZlH7ubvu5WRR17m77uZmUfe5u+4XZNG8c/faDFWYRfPP3enbfvr3/wT9+3+CIAiCIAiCIIin'
    'Iy3R56iLvMm74/c/6jp7wQVPl/W3d4w+Wr3/W1f1/m+t0Yux9/i9z0Y9/Th9/7eZY/evaa713zHf'
    '86Z19Syv3f5s2sDgaPx2WDsuOPzcnU27/5V5ozuq98CszPa8dhb93b25dgO00fi2b52/c/8rmnT9'
    'W6dE6981d2L9c0ZOs66/vGP77c15/Q/vjPQ/o9LZv3RFuXtuV09fdA3MGBgcjl8D2xatHOttUv0P'
    'b5sa7f+WSbX933VGbf+HE/t/7SVnXtmk6986Kbb+RQeeaV3/6RdfekIT63/m6t7uE/s6V+l7YM5M'
    'XQBb95s1uynPWysdw1vXlqsr767e69ZbeMTZ1v1fshiWNOP6O8aGd7K24Zle69Cx+pa30f5Pid//'
    'dOPiQw6ipEwQBEEQBEEQBEEQBEEQBPHUgr7/n/j+f2n1+//p0Ysxo/b9v36c/v5/0YaeBU21/pHq'
    '9/8z+8ob4t//TLF9J3Ls4MiUnO8Jtiw+/NQH6IoiCIIgCIIgCIIgCIIgCIIgCIIgCIL4/0Df/48+'
    'Ot/zWrvL5Urtx7+tqR/Ab3/8qoNnN+v6K/NGtz+jejO9yRO/fz3phn7r77+X3PLEbLpaCIIgCIIg'
    'CIIgCIIgCIIgCIIgCIIg9lyq3/9fODR5t/5Nd+rn7g/fdfV1T9KrRBAEQRAEQRAEQRAEQRAEQRAE'
    'QRAEQRB7Nl7LpMlTpu41rXXv6TNmznpGW/sz93nWvvs9e/ac5zz3efs//wUdpRe+6IADDzr4xS95'
    '6SEvO/SwufMYBxTSD0L18sNfccQrj5x/1NELXvXq17x24TGve/0b3vimYxe9efFblrz1bce9/R3v'
    'PP5d7z7hxJM6u5Z2l5ctX9Gz8uTeVX2rK2vWrus/Zf2GjZs2v+e9p75v4P0fOO2DHzr9jA+f+ZGz'
    'zv7oxz7+iXM+ee55n/r0+Rd85rOf+/wXvvilCy/68sVf+erXLvn6Ny795mXfuvyKb3/nu9+78qrv'
    '/+DqH17zo2u3/Pgn1/30Z9ffcOPPb7r5F7+85dbbfnX7HVu33XnX9h13/3rnPb+5977f3v+7XQ/8'
    '/g8P/vGhPz38yJ//8uhjfx0c+tvfHx/+xz93j/zr3/8ZfeJJWv/TfP0EQRAEQRAEQRBPF7p6lpfY'
    'OKXp+jGHUqcZgCx1dpkRqmi01AylqA67zThg4+OyKYTBRGGZrnAma5XlpgRCl1aYmqjXekzRl/Xi'
    'SlM1zzH+IVOXgbN4udfUUSTqq0xDqmSjz3RCmeqs1i2svlapT7imJ1imt8Y0fZVtrjVdZeuu022B'
    'zNbuN30frP1TzAQl7RPW6xkSlGPGBjPFF64pG/UcnzHnnE1mEgbuSZvNrEAaifrVPdeDYPw5zIiL'
    'uESD2jrMWMikRAPzWplKyNISDWL7oWshV1mJhok9N9XkfphySle6rpiyS1SltWskqnzmkqgKA5dE'
    'OePSKVHOhHBLlEevZI5Eeew6t0mUc9eemwkBy5coByYKJMoBVZFEOQSyUKLcdp1nJMpRGhfl6Ndd'
    'NFpszEU5hnEX5YIlXJQLSLooF5hyUS5k2kW5CDIuyoXKuiiX3OKiXKLNRbn0rS7KZWh3Ue4zh4ty'
    'H10uyn3f6aLcV24X5QHPcVEeiDwX5bHr3CrRkOe7KA9FgYtGb01FLsoVL3RRrmSxi3LbdZ6RKFTf'
    'z81jrLsoMBlzUWB+3EWBBQkXBaaSLgqcp1wUOKZdFLjIuChwP+uiwJXFRQG4zUUB0OqikHk/N43Q'
    '4aKA3OWigOh0UUDf7aKRA+W4KAjIc1GIXec2iYII810UJBS4KEhZ5KIgw0IXBR+KXRR8vwEXhaCe'
    'RSGIZVEI4lkUgkQWjVw84aIQpLIoBOksCmEmi0KYzaKRXLIuCqEti0JozaKg7FkUlCOLgnJlUVDO'
    'LIrMnUWR5WRRZHlZFFluFkWen0WRF2RR5EVZFKEwiyIUZ1HEBrIoYiNZFLGeRRFjWTSK/DEXRZHI'
    'oiiSWRRFKouiSGdRFJksiiKbRVFasihKWxZFac2iKO1ZFH1HFkXflUXRd2ZR9N1ZFIOcLIpBXhbF'
    'IDeLYpifRTEsyKLRDhe4KKrCLIqqOIuiaiCLCtZIFhWsnkUFi2VRweJZVPwXlgorzA=='
)
IMAGES['lfs2_512'] = (
    'eNrtWWl0E1UUfm0CDW0gU2ihbGYUxLJYplkbRRZRBEEBLa4sJk3aBtIktAFKQaIVFXcFVHCjiguo'
    'iICoKAgiCoJKRRABhQqKIkKiRhshNMykc19nkpn6g3OK0Ped5py5370vd968+93Je01CCAU10VqX'
    '0+dzOQrL+tYgKgklI+6PZn1R7hON+usUCPkDEYrjQvnzkCaI1P0X7t4SJTinkXwG639cvWMEpQ0r'
    'ByKU6nS7nG5Hjq/cx0ak+gNhlSCy7YTR6w5L5/dqwy3rx9KFTpejDw03QutyLDn6VAqhjDk7uh8Z'
    'lhXI8gTCSJi/ct3KUCw/g5KsNI1atWKdqexnoCaM4HpAEAkHpZzav7hakJ/ShjTs+BaOEq9vOvsd'
    'rTVsLBX7jhCC67jvUAzZntkPjw+msfNXFXnw7FX+QFA4+4xl1XP3yD1/rzbYudRR4pnqsLOZNENb'
    '9uGnGhRmTK8wzlglOV4bDXakNKJ8yprKXQtIZRMQEBAQEBAQEBAQEBAIkcTuG6uQola4f9TPXIEa'
    '9scRNbe/tnH76zQ2SB3bG0cQXMfvrzccq9wq2l9HNOz+OMXmLOK3xyn+QES4Xc08SFcdlb0/b99I'
    'ZgYbPFvBbsUZhLaMzeY3yBFhWupEct1ymfFUBzZOlVI/PntTT8nxa6pWHZcaT2lDWez9p3mtvoJi'
    'hz3H5nSzw9L8gZBwDukH9MPny9x/KL0jG7g2uT4/tbEXnz8kyr/v4LZxMuOpzoLxNUN6S45Xdpu3'
    't5H7V3tc9gluawmcUai92pBypma1nTv/iR44WSdaX5pSamDBGKSRen4MUiuEz4RBCqnbZJBSGZda'
    'WergLDt3tIOWlNWfd4zShuQqKnPuzsJJsvWhjYa6MpqQGqmCI7njHu7Yh0siPH/ZvH68hyj9zPRf'
    'wNVHazaoDa9/uI7Xf/7igqWi+gtz+le7HdP+swhGBsLKRtaxy5Sx1YfIihEQNLH+2fZvdzi8/MtP'
    'FfcCz6i2zapo5P2d0ZaNRfz7u7i8h+T7t2bM0RSyGgQETa//RUFFrcy/y7JzSoqILgkIzlOgpGSF'
    'skXLFFWr1DR16zYaKr1tu4zM9h2yOnbq3KXrBVr6wou6db+4xyXZPXv17nNpTl8mV6c3GE3mPMtl'
    'l/e7ov+AgYOuHHzV1UOuGTrs2uEjrrt+5KjRN9yYP+amm2+59bbbx44bP+EOq63A7igsKnZOnOQq'
    'cXu8k0vLfFOmTiufXjFj5p2z/HfdXXnP7Hvvu3/OAw8+9PAjjz72+BNz581/8qmnFyx85tnnnn9h'
    'UdWLLy1++ZVXX1uy9PU33lz21vK3V6xc9c7qd997f80HH65d99H6DR9v/GTTp59t3vL51m1ffPnV'
    '9uqvd3yzc9e3u7/bs3ff9z/sP1Dz48FDP/18+Jdfj/x29PdjxwPBP/78K/T3P7Xhf0+cjJyqa/bz'
    'T+d+mzXzZ9CcYXMW0UwMdCpc5+poKzZ0Rtpqw5bewloF2DQaONOObTMTsx2YyDPXE4XA5DJGninC'
    'lM4AVDHmDA2cE5MmYwM5EbM4R6zAgNblMkLahXm9QcSXYIfRIna4sSfPGOfxgEvPPau46sY+A5Pg'
    'm4ydJkuisxR7LVLeMnAb9IyU24f9Jp2kfwoOsMCM2rHyjxcmRBl1FlpGujjEZJALKYcYE8PIxkzH'
    'QXqzfFAFjjIbcZmauHUHwxzLga1cg7BMzfw8sG0wisvUjJ8XZvKY+DI1C9YEuLxcS2KZ5onWHbPi'
    'NcE0X1tnS/9k/f8f62/1enEfhutYHwajvg+DxfdhMKEPg437MBANfZhnoA9nsuvP1QA3UXAJ+zFw'
    'on4MpLgfAxvXj3k6oR8Dn9CPwZHYj8Ej0Y95l2Q/Bp9kPwandD8Gr0w/5t2y/Rj8sv0YAixGmeqH'
    'iMa0CCGNaZGPSdBie3btRXqEwMb1CFGcHuE6pkfe4PUIFq9HMEGPYGM9AtGgR2AEegRKqEeeE+sR'
    'SLEegY3TI9BnuR83+f6PoFkj6xy/f3KCQ/TfVBg1KH/w0PNsTp2I/gkICAgICAgImhVOAwhNJd0='
)


for name in sorted(GEOMETRY):
    _, _, rs, ps, _ = GEOMETRY[name]
    check(name, rs, ps)
    check(name, 32, 32) if (rs, ps) != (32, 32) else check(name, 64, 128)
