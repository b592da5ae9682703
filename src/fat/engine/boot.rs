//! The boot record: mounting a volume (oofatfs's find_volume) and formatting one (f_mkfs
//! with the layout of crate::fatlayout).
use super::{le16, le32, BlockDevice, Clock, Errno, Error, Fs, Result};
use crate::fatlayout::{self, FatKind};
use alloc::vec::Vec;

/// What oofatfs's check_fs makes of a sector: a FAT boot record, an MBR, or neither.
enum Boot {
    Fat,
    Mbr([u32; 4]),
    None,
}

fn check_boot(b: &[u8]) -> Boot {
    if b.len() < 512 || b[510] != 0x55 || b[511] != 0xAA {
        return Boot::None;
    }
    let jump = b[0] == 0xE9 || (b[0] == 0xEB && b[2] == 0x90);
    if jump && (&b[54..57] == b"FAT" || &b[82..87] == b"FAT32") {
        return Boot::Fat;
    }
    let mut starts = [0u32; 4];
    for (i, s) in starts.iter_mut().enumerate() {
        *s = le32(b, 446 + i * 16 + 8);
    }
    Boot::Mbr(starts)
}

/// The boot record checks of oofatfs's find_volume: a volume failing any of them is "no
/// filesystem" (ENODEV) there, so it is here too, whatever else would make of it.
fn bpb_sane(b: &[u8], ss: u32) -> bool {
    let fasize = if le16(b, 22) != 0 { le16(b, 22) } else { le32(b, 36) };
    let nfats = u32::from(b[16]);
    let csize = u32::from(b[13]);
    let n_rootdir = le16(b, 17);
    let tsect = if le16(b, 19) != 0 { le16(b, 19) } else { le32(b, 32) };
    let nrsv = le16(b, 14);
    if le16(b, 11) != ss || fasize == 0 || !(1..=2).contains(&nfats) || csize == 0 || !csize.is_power_of_two() {
        return false;
    }
    if !n_rootdir.is_multiple_of(ss / 32) || nrsv == 0 {
        return false;
    }
    let sysect = u64::from(nrsv) + u64::from(fasize) * u64::from(nfats) + u64::from(n_rootdir / (ss / 32));
    if u64::from(tsect) < sysect {
        return false;
    }
    let nclst = (u64::from(tsect) - sysect) / u64::from(csize);
    if nclst == 0 || nclst > u64::from(fatlayout::MAX_FAT32) {
        return false;
    }
    let n_fatent = nclst + 2;
    let szbfat = if nclst <= u64::from(fatlayout::MAX_FAT12) {
        n_fatent * 3 / 2 + (n_fatent & 1)
    } else if nclst <= u64::from(fatlayout::MAX_FAT16) {
        n_fatent * 2
    } else {
        if n_rootdir != 0 {
            return false;
        }
        n_fatent * 4
    };
    u64::from(fasize) >= szbfat.div_ceil(u64::from(ss))
}

/// The volume's numbers, from its boot record (checked by `bpb_sane` first).
#[derive(Clone, Copy, Default)]
pub struct Bpb {
    pub spc: u32,
    pub fat_start: u32,
    pub fat_size: u32,
    pub nfats: u32,
    pub root_start: u32,
    pub root_sectors: u32,
    pub data_start: u32,
    pub clusters: u32,
    pub kind: FatKind,
    pub root_cluster: u32,
}

impl Bpb {
    /// oofatfs's n_fatent: the number of FAT entries (clusters + 2).
    pub fn n_fatent(&self) -> u32 {
        self.clusters + 2
    }
}

/// The boot record at `start` as numbers, FAT type by oofatfs's rule.
fn read_bpb(b: &[u8], start: u32) -> Bpb {
    let ss = le16(b, 11).max(1);
    let spc = u32::from(b[13]).max(1);
    let rsv = le16(b, 14);
    let nfats = u32::from(b[16]);
    let root_sectors = le16(b, 17) / (ss / 32);
    let fat_size = if le16(b, 22) != 0 { le16(b, 22) } else { le32(b, 36) };
    let total = if le16(b, 19) != 0 { le16(b, 19) } else { le32(b, 32) };
    let fat_start = start + rsv;
    let root_start = fat_start + nfats * fat_size;
    let data_start = root_start + root_sectors;
    let clusters = total.saturating_sub(data_start - start) / spc;
    let kind = if clusters <= fatlayout::MAX_FAT12 {
        FatKind::Fat12
    } else if clusters <= fatlayout::MAX_FAT16 {
        FatKind::Fat16
    } else {
        FatKind::Fat32
    };
    Bpb {
        spc,
        fat_start,
        fat_size,
        nfats,
        root_start,
        root_sectors,
        data_start,
        clusters,
        kind,
        root_cluster: if kind == FatKind::Fat32 { le32(b, 44) } else { 0 },
    }
}

impl<D: BlockDevice, C: Clock> Fs<'_, D, C> {
    /// Mount the volume on the device, as oofatfs's find_volume: sector 0 a FAT boot
    /// record, or an MBR whose first FAT partition is used.  Ok(false): no filesystem
    /// there.  Like oofatfs, mounting does not ask the device's size: reads past its end
    /// are the device's to refuse.
    pub fn mount(&mut self) -> Result<bool> {
        self.vol.count = u32::MAX;
        self.vol.start = 0;
        self.vol.mounted = false;
        self.vol.geo = Bpb::default();
        self.reset_cache();
        let mut start = 0u32;
        self.load(0)?;
        match check_boot(self.cache()) {
            Boot::Fat => {}
            Boot::None => return Ok(false),
            Boot::Mbr(starts) => {
                let mut found = false;
                for s in starts.into_iter().filter(|&s| s != 0) {
                    self.load(s)?;
                    if matches!(check_boot(self.cache()), Boot::Fat) {
                        start = s;
                        found = true;
                        break;
                    }
                }
                if !found {
                    return Ok(false);
                }
            }
        }
        self.load(start)?;
        let ss = self.ssize();
        let b = self.cache();
        if !bpb_sane(b, ss) {
            return Ok(false);
        }
        let geo = read_bpb(b, start);
        // oofatfs: FAT32 of revision 0.0 only; a FAT12/16 root with room for entries.
        let bad = if geo.kind == FatKind::Fat32 {
            le16(b, 42) != 0
        } else {
            geo.root_sectors == 0
        };
        if bad {
            return Ok(false);
        }
        let fsinfo = geo.kind == FatKind::Fat32 && le16(b, 48) == 1;
        self.vol.start = start;
        self.vol.geo = geo;
        self.vol.free_clst = u32::MAX;
        self.vol.last_clst = u32::MAX;
        self.vol.fsi_flag = 0x80;
        if fsinfo {
            // The free count and the last cluster allocated, from FSInfo when it has its
            // signatures (a device error here is no error to oofatfs, an exception is).
            match self.load(start + 1) {
                Ok(()) => {
                    let b = self.cache();
                    let counts = (le16(b, 510) == 0xAA55 && le32(b, 0) == 0x4161_5252 && le32(b, 484) == 0x6141_7272)
                        .then(|| (le32(b, 488), le32(b, 492)));
                    self.vol.fsi_flag = 0;
                    if let Some((free, last)) = counts {
                        self.vol.free_clst = free;
                        self.vol.last_clst = last;
                    }
                }
                Err(Error::Device) => return Err(Error::Device),
                Err(_) => {}
            }
        }
        self.vol.mounted = true;
        Ok(true)
    }

    /// Format the device's `count` sectors with oofatfs's layout, stamped with the serial
    /// number `vsn`; `label` (a port's, as stock's f_setlabel) goes into a volume-label
    /// entry.  The volume is mounted again on next use.
    pub fn format(&mut self, count: u32, label: Option<&[u8]>) -> Result<()> {
        let ss = self.ssize();
        let l = fatlayout::layout(count, ss).ok_or(Error::Os(Errno::EIO))?;
        let mut buf: Vec<u8> = Vec::new();
        // One batch of up to FF_MAX_SS bytes, as stock's working buffer.
        let batch = (D::MAX_SS / ss as usize).max(1);
        buf.try_reserve_exact(batch * ss as usize)
            .map_err(|_| Error::Os(Errno::ENOMEM))?;
        buf.resize(batch * ss as usize, 0);
        self.vol.count = count;
        self.vol.start = 0;
        self.reset_cache();
        let ssz = ss as usize;
        let vsn = self.clock.fattime();
        // The boot record says "NO NAME" as oofatfs writes it.
        let no_name = *b"NO NAME    ";
        let label_entry = label.map(|s| {
            let mut e = [0u8; 32];
            e[..11].fill(b' ');
            for (d, c) in e[..11].iter_mut().zip(s) {
                *d = c.to_ascii_uppercase();
            }
            e[11] = 0x08;
            e[22..26].copy_from_slice(&vsn.to_le_bytes());
            e
        });
        let v = l.start;
        l.boot_sector(&mut buf[..ssz], vsn, &no_name);
        self.dev_write(v, &buf[..ssz])?;
        if l.kind == FatKind::Fat32 {
            self.dev_write(v + 6, &buf[..ssz])?;
            l.fsinfo_sector(&mut buf[..ssz]);
            self.dev_write(v + 7, &buf[..ssz])?;
            self.dev_write(v + 1, &buf[..ssz])?;
        }
        // The FAT, then the root directory, zero but for the FAT's first entries.
        buf.fill(0);
        l.fat_head(&mut buf);
        let mut sect = l.fat_start();
        let mut left = l.fat_sectors + l.root_sectors();
        while left > 0 {
            let n = left.min(batch as u32);
            self.dev_write(sect, &buf[..n as usize * ssz])?;
            buf[..ssz].fill(0);
            sect += n;
            left -= n;
        }
        if let Some(e) = label_entry {
            buf[..ssz].fill(0);
            buf[..32].copy_from_slice(&e);
            self.dev_write(l.fat_start() + l.fat_sectors, &buf[..ssz])?;
        }
        if v != 0 {
            l.mbr_sector(&mut buf[..ssz]);
            self.dev_write(0, &buf[..ssz])?;
        }
        self.vol.mounted = false;
        Ok(())
    }
}
