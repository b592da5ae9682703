//! One lock per mounted filesystem object.  The unix port runs threads without a GIL,
//! and neither our FAT engine (a shared sector cache) nor littlefs (plain C state) may be entered twice at
//! once.  On a port with a GIL, a filesystem call still may be left half way: the VM
//! gives the GIL up now and then while the block device's Python code runs.  Another
//! thread waits (spinning with a yield, and without the GIL); the same thread re-entering — a
//! block device whose Python code calls back into the filesystem it serves — gets EBUSY
//! instead of corrupting the state it is in the middle of changing.
//!
//! The lock lives inside a GC-allocated object, zeroed when allocated: zero is unlocked.
//! Bare-metal targets without compare-and-swap (thumbv6m) have no threads that reach us:
//! a plain flag there.
use crate::errno::Errno;
use crate::mp::Result;

#[cfg(target_has_atomic = "ptr")]
type Owner = core::sync::atomic::AtomicUsize;
#[cfg(not(target_has_atomic = "ptr"))]
type Owner = core::cell::Cell<usize>;

#[repr(transparent)]
pub struct FsLock(Owner);

fn thread_tag() -> usize {
    #[cfg(feature = "std")]
    {
        std::thread_local!(static TAG: u8 = const { 0 });
        TAG.with(|t| t as *const u8 as usize)
    }
    #[cfg(not(feature = "std"))]
    {
        1
    }
}

pub struct Guard(*const FsLock);

impl Drop for Guard {
    fn drop(&mut self) {
        // SAFETY: the guard's lock lives in an object the caller keeps alive meanwhile.
        let owner = unsafe { &(*self.0).0 };
        #[cfg(target_has_atomic = "ptr")]
        owner.store(0, core::sync::atomic::Ordering::Release);
        #[cfg(not(target_has_atomic = "ptr"))]
        owner.set(0);
    }
}

/// Take the lock if it is free: the guard, or else who holds it.
fn take(l: *const FsLock, me: usize) -> core::result::Result<Guard, usize> {
    // SAFETY: `l` points into a live object; its owner word is only touched here.
    let owner = unsafe { &(*l).0 };
    #[cfg(target_has_atomic = "ptr")]
    {
        use core::sync::atomic::Ordering;
        owner
            .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
            .map(|_| Guard(l))
    }
    #[cfg(not(target_has_atomic = "ptr"))]
    {
        match owner.get() {
            0 => {
                owner.set(me);
                Ok(Guard(l))
            }
            o => Err(o),
        }
    }
}

/// Take the lock at `l` (inside a live object) until the guard drops.
pub fn lock(l: *const FsLock) -> Result<Guard> {
    let me = thread_tag();
    match take(l, me) {
        Ok(g) => Ok(g),
        Err(held) if wait_for(l, me, held) => Ok(Guard(l)),
        Err(_) => Err(Errno::EBUSY.into()),
    }
}

/// The lock is held: false if by this thread, else wait until it is free and take it
/// (true).  Out of line: every filesystem call inlines `lock`; and a bool rather than the
/// guard, which each inlined caller would handle in memory (+288 bytes on M3).
#[cold]
#[inline(never)]
fn wait_for(l: *const FsLock, me: usize, mut held: usize) -> bool {
    loop {
        if held == me {
            return false;
        }
        // SAFETY: releases and retakes the GIL (if the port has one) and yields; we hold
        // no MicroPython state meanwhile.
        unsafe { crate::ffi::rustos_lock_wait() };
        match take(l, me) {
            Ok(g) => {
                core::mem::forget(g);
                return true;
            }
            Err(h) => held = h,
        }
    }
}

/// Take the lock if it is free, without waiting.
pub fn try_lock(l: *const FsLock) -> Option<Guard> {
    take(l, thread_tag()).ok()
}

/// For closing a file or directory: inside a garbage collection (a finaliser; the heap
/// is locked) waiting would deadlock — the holder may itself be waiting for the
/// collection to end, in its device's Python code — so only a free lock is taken, and
/// `None` says it was not.  Otherwise as `lock`.
pub fn lock_for_close(l: *const FsLock) -> Result<Option<Guard>> {
    // SAFETY: a non-raising query of the GC state.
    if unsafe { crate::ffi::rustos_gc_is_locked() } {
        return Ok(try_lock(l));
    }
    lock(l).map(Some)
}
