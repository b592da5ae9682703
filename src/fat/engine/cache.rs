//! The device, through a cache of two sectors.
use super::{BlockDevice, Clock, Fs, Result, NO_SECTOR, SLOTS};

impl<D: BlockDevice, C: Clock> Fs<'_, D, C> {
    /// Fail (EIO, without asking the device) for sectors past the device's end: a corrupt
    /// volume pointing off it.
    fn check_range(&mut self, sector: u32, n: usize) -> Result<()> {
        let count = self.vol.count;
        if (sector as usize).checked_add(n).is_none_or(|end| end > count as usize) {
            return Err(self.failed(super::DeviceError::Failed));
        }
        Ok(())
    }

    /// A device call failed: record it, and the error the call's failures amount to.
    /// Out of line: every device call shares it.
    #[inline(never)]
    fn failed(&mut self, e: super::DeviceError) -> super::Error {
        self.record(e);
        self.device_error()
    }

    /// Read whole sectors from `sector` into `buf`, straight from the device.
    pub(super) fn dev_read(&mut self, sector: u32, buf: &mut [u8]) -> Result<()> {
        self.check_range(sector, buf.len() >> self.vol.shift)?;
        self.dev.read(sector, buf).map_err(|e| self.failed(e))
    }

    /// Write whole sectors from `buf` at `sector`, straight to the device.
    pub(super) fn dev_write(&mut self, sector: u32, buf: &[u8]) -> Result<()> {
        self.check_range(sector, buf.len() >> self.vol.shift)?;
        self.dev.write(sector, buf).map_err(|e| self.failed(e))
    }

    /// Write cache slot `slot` to the device.
    fn dev_write_slot(&mut self, slot: usize, sector: u32) -> Result<()> {
        self.check_range(sector, 1)?;
        let buf = if slot == 0 { &self.bufs[0] } else { &self.bufs[1] };
        let r = self.dev.write(sector, buf);
        r.map_err(|e| self.failed(e))
    }

    /// The buffer of cache slot `slot` (constant indices: no bounds check).
    fn slot_buf(&mut self, slot: usize) -> &mut [u8] {
        let [a, b] = &mut self.bufs;
        if slot == 0 {
            a
        } else {
            b
        }
    }

    /// The buffer of the sector loaded last.
    pub(super) fn cache(&mut self) -> &mut [u8] {
        self.slot_buf(self.vol.cur as usize)
    }

    /// The sector loaded last was changed.
    pub(super) fn mark_dirty(&mut self) {
        let c = self.vol.cur as usize;
        if !self.vol.dirty[c] {
            self.vol.dirty[c] = true;
            self.vol.seq = self.vol.seq.wrapping_add(1);
            self.vol.dirty_seq[c] = self.vol.seq;
        }
    }

    fn flush_slot(&mut self, slot: usize) -> Result<()> {
        if self.vol.dirty[slot] {
            let s = self.vol.cached[slot];
            self.dev_write_slot(slot, s)?;
            self.vol.dirty[slot] = false;
            // A sector of the first FAT goes to the second too, as oofatfs's sync_window.
            let g = self.vol.geo;
            if g.nfats == 2 && s.wrapping_sub(g.fat_start) < g.fat_size {
                self.dev_write_slot(slot, s + g.fat_size)?;
            }
        }
        Ok(())
    }

    /// Write the changed sectors back, in the order they were first changed.
    pub fn flush_cache(&mut self) -> Result<()> {
        let first = if self.vol.dirty_seq[1].wrapping_sub(self.vol.dirty_seq[0]) as i32 >= 0 {
            0
        } else {
            1
        };
        self.flush_slot(first)?;
        self.flush_slot(1 - first)
    }

    /// Forget every cached sector (a new mount, or a format).
    pub(super) fn reset_cache(&mut self) {
        self.vol.cached = [NO_SECTOR; SLOTS];
        self.vol.dirty = [false; SLOTS];
        self.vol.cur = 0;
    }

    /// A slot for a sector not cached: a clean one, the other if both are; else the other
    /// is written back first.
    fn take_slot(&mut self) -> Result<usize> {
        let cur = self.vol.cur as usize;
        let (other_dirty, cur_dirty) = (self.vol.dirty[1 - cur], self.vol.dirty[cur]);
        let victim = if !other_dirty || cur_dirty { 1 - cur } else { cur };
        self.flush_slot(victim)?;
        Ok(victim)
    }

    /// load, with the sector loaded last answered inline: for the paths taken once per
    /// directory entry or per small read or write, where most calls ask for it.
    #[inline(always)]
    pub(super) fn load_fast(&mut self, sector: u32) -> Result<()> {
        if self.vol.cached.get(self.vol.cur as usize) == Some(&sector) {
            return Ok(());
        }
        self.load(sector)
    }

    /// Make `sector` the current cached one, reading it if it is not cached.
    #[inline(never)]
    pub(super) fn load(&mut self, sector: u32) -> Result<()> {
        if let Some(i) = self.vol.cached.iter().position(|&c| c == sector) {
            self.vol.cur = i as u8;
            return Ok(());
        }
        let victim = self.take_slot()?;
        self.vol.cached[victim] = NO_SECTOR;
        self.check_range(sector, 1)?;
        let buf = if victim == 0 {
            &mut *self.bufs[0]
        } else {
            &mut *self.bufs[1]
        };
        let r = self.dev.read(sector, buf);
        if let Err(e) = r {
            let e = self.failed(e);
            // As oofatfs's window after a failed read: nothing clean is trusted.
            for slot in 0..SLOTS {
                if !self.vol.dirty[slot] {
                    self.vol.cached[slot] = NO_SECTOR;
                }
            }
            return Err(e);
        }
        self.vol.cached[victim] = sector;
        self.vol.cur = victim as u8;
        Ok(())
    }

    /// Forget the cached sectors among the `n` from `sector` (about to be rewritten on the
    /// device, or read from it): flush them first when asked.
    pub(super) fn cache_overlap(&mut self, sector: u32, n: usize, flush: bool) -> Result<()> {
        for slot in 0..SLOTS {
            let c = self.vol.cached[slot];
            if c != NO_SECTOR && c >= sector && ((c - sector) as usize) < n {
                if flush {
                    self.flush_slot(slot)?;
                } else {
                    self.vol.cached[slot] = NO_SECTOR;
                    self.vol.dirty[slot] = false;
                }
            }
        }
        Ok(())
    }

    /// Take a slot for `sector` without reading it (a sector about to be written whole, or
    /// past a file's end): its bytes are zero unless it was cached already.
    pub(super) fn claim(&mut self, sector: u32) -> Result<()> {
        if let Some(i) = self.vol.cached.iter().position(|&c| c == sector) {
            self.vol.cur = i as u8;
            return Ok(());
        }
        let victim = self.take_slot()?;
        self.slot_buf(victim).fill(0);
        self.vol.cached[victim] = sector;
        self.vol.cur = victim as u8;
        Ok(())
    }

    /// Write the current cached sector to the device at `sector` (not marking it clean).
    pub(super) fn write_cache_to(&mut self, sector: u32) -> Result<()> {
        let cur = self.vol.cur as usize;
        self.dev_write_slot(cur, sector)
    }
}
