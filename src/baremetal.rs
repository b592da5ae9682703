//! Bare-metal runtime pieces: the global allocator on MicroPython's GC heap and the
//! panic handler.
//!
//! Allocation uses `gc_alloc`, which returns NULL when the heap is full instead of
//! raising, so an allocation failure reaches Rust as an error (`try_reserve`) or, for an
//! infallible allocation, as the alloc-error path: a panic, which is a bug we do not let
//! user input reach.  A Rust allocation is kept alive by the GC only while a pointer to it
//! is on the stack or inside a reachable GC block: long-lived Rust state must hang off a
//! GC-allocated MicroPython object (see shared/ARCHITECTURE.md).
use core::alloc::{GlobalAlloc, Layout};

use crate::ffi;

struct GcHeap;

/// GC blocks are aligned to MICROPY_BYTES_PER_GC_BLOCK (4 machine words).
const GC_ALIGN: usize = 4 * core::mem::size_of::<usize>();

// SAFETY: gc_alloc returns GC_ALIGN-aligned blocks of at least the requested size, or NULL.
unsafe impl GlobalAlloc for GcHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > GC_ALIGN {
            return core::ptr::null_mut();
        }
        // SAFETY: a plain call into the GC allocator; it does not raise.
        unsafe { ffi::rustos_gc_alloc(layout.size().max(1)) as *mut u8 }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: ptr came from rustos_gc_alloc.
        unsafe { ffi::rustos_gc_free(ptr as *mut core::ffi::c_void) }
    }
}

#[global_allocator]
static HEAP: GcHeap = GcHeap;

/// getrandom's custom backend (selected by the build with --cfg getrandom_backend="custom"):
/// the port's hardware RNG through `rustos_port_random`, a weak C hook that ports with an
/// RNG override.  Without one, urandom raises OSError(ENODEV) instead of weak bytes.
///
/// # Safety
/// getrandom passes a writable buffer of `len` bytes.
#[no_mangle]
unsafe extern "Rust" fn __getrandom_v03_custom(dest: *mut u8, len: usize) -> Result<(), getrandom::Error> {
    // SAFETY: forwards the caller's buffer to the port's hook.
    if unsafe { ffi::rustos_port_random(dest, len) } == 0 {
        Ok(())
    } else {
        Err(getrandom::Error::UNSUPPORTED)
    }
}

/// A panic is a bug in this crate: no user input may reach one.  With panic=abort there is
/// no unwinding, and jumping back into the VM over our frames is not sound, so: say so on
/// the console, then stop, for a debugger or watchdog to see rather than running on with
/// broken state.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let msg: &[u8] = b"\r\nFATAL: Rust panic in the os module (a bug): ";
    // SAFETY: the port's console output; it does not raise.
    unsafe { ffi::mp_hal_stdout_tx_strn(msg.as_ptr() as *const core::ffi::c_char, msg.len()) };
    if let Some(loc) = info.location() {
        let f = loc.file().as_bytes();
        // SAFETY: as above.
        unsafe { ffi::mp_hal_stdout_tx_strn(f.as_ptr() as *const core::ffi::c_char, f.len()) };
    }
    loop {
        core::hint::spin_loop();
    }
}
