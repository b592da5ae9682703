//! `Obj`, a copyable handle to a MicroPython object, and the calls on it.
//!
//! An `Obj` held in a local variable is kept alive by the GC's conservative scan of the
//! stack.  One kept anywhere else must be reachable from a root pointer (see c/).
use super::{check, Error, Qstr, Result};
use crate::ffi;
use crate::msg;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct Obj(pub ffi::mp_obj_t);

impl Obj {
    pub const NONE: Obj = Obj(ffi::NONE_BITS as ffi::mp_obj_t);
    pub const FALSE: Obj = Obj(ffi::FALSE_BITS as ffi::mp_obj_t);
    pub const TRUE: Obj = Obj(ffi::TRUE_BITS as ffi::mp_obj_t);
    /// MP_OBJ_STOP_ITERATION (MP_OBJ_NULL): what iternext returns at the end.
    pub const STOP_ITERATION: Obj = Obj(core::ptr::null_mut());

    pub fn is_none(self) -> bool {
        self == Obj::NONE
    }

    pub fn from_qstr(q: Qstr) -> Obj {
        Obj(ffi::qstr_bits(q) as ffi::mp_obj_t)
    }

    /// mp_obj_is_str: a str (not bytes).
    pub fn is_str(self) -> bool {
        // SAFETY: a non-raising C helper that reads the object's type.
        unsafe { ffi::rustos_obj_is_str(self.0) }
    }

    /// Exactly of type `t` (not a subclass).
    pub fn is_type(self, t: *const ffi::mp_obj_type_t) -> bool {
        // SAFETY: a non-raising C helper comparing the object's type with `t`.
        unsafe { ffi::rustos_obj_is_type(self.0, t) }
    }

    /// Exactly of type bytes.
    pub fn is_bytes(self) -> bool {
        // SAFETY: a non-raising C helper that reads the object's type.
        unsafe { ffi::rustos_obj_is_exact_bytes(self.0) }
    }

    /// Exactly of type str (MicroPython lists names as str only for str paths).
    pub fn is_exact_str(self) -> bool {
        // SAFETY: a non-raising C helper that reads the object's type.
        unsafe { ffi::rustos_obj_is_exact_str(self.0) }
    }

    /// An int: a small int when it fits, else a long int object.
    pub fn from_int(i: isize) -> Result<Obj> {
        if ffi::fits_small_int(i) {
            return Ok(Obj(ffi::small_int_bits(i) as ffi::mp_obj_t));
        }
        // SAFETY: trampoline call (allocating a long int may raise MemoryError).
        check(unsafe { ffi::rustos_try_new_int(i as ffi::mp_int_t) })
    }

    /// An i64 (a long int where it does not fit a small int; OverflowError on a port
    /// without long ints).
    pub fn from_i64(v: i64) -> Result<Obj> {
        if let Ok(i) = isize::try_from(v) {
            return Obj::from_int(i);
        }
        // SAFETY: trampoline call (allocating a long int may raise).
        check(unsafe { ffi::rustos_try_new_int64(v) })
    }

    /// An unsigned value (a long int when it does not fit a small int).
    pub fn from_uint(v: u64) -> Result<Obj> {
        match isize::try_from(v) {
            Ok(i) => Obj::from_int(i),
            Err(_) => Err(Error::Overflow(msg!("value too large"))),
        }
    }

    /// The value of a small int, or None for any other object.
    pub fn small_int(self) -> Option<isize> {
        let bits = self.0 as usize;
        if bits & 1 == 1 && ffi::small_int_bits(ffi::small_int_value(bits)) == bits {
            Some(ffi::small_int_value(bits))
        } else {
            None
        }
    }

    /// Truth value (mp_obj_is_true), which may call __bool__/__len__.
    pub fn is_true(self) -> Result<bool> {
        // The constants need no call (keyword flags are nearly always one of them).
        if self == Obj::TRUE {
            return Ok(true);
        }
        if self == Obj::FALSE || self == Obj::NONE {
            return Ok(false);
        }
        let mut out = false;
        // SAFETY: trampoline call with a valid out-pointer.
        check(unsafe { ffi::rustos_try_is_true(self.0, &mut out) })?;
        Ok(out)
    }

    /// mp_obj_get_int: TypeError/OverflowError exactly as MicroPython raises them.
    pub fn get_int(self) -> Result<isize> {
        let mut out: ffi::mp_int_t = 0;
        // SAFETY: trampoline call; `out` is a valid place for the result.
        check(unsafe { ffi::rustos_try_get_int(self.0, &mut out) })?;
        Ok(out as isize)
    }

    /// An int as i64: TypeError for a non-int (as mp_obj_get_int), OverflowError past i64.
    pub fn get_i64(self) -> Result<i64> {
        if let Some(i) = self.small_int() {
            return Ok(i as i64);
        }
        let (mut out, mut fits) = (0i64, false);
        // SAFETY: trampoline call with valid out-pointers.
        check(unsafe { ffi::rustos_try_get_int64(self.0, &mut out, &mut fits) })?;
        if !fits {
            return Err(Error::Overflow(msg!("int too big to convert")));
        }
        Ok(out)
    }

    /// A float's value, or None for any other object.
    pub fn float_value(self) -> Option<f64> {
        let mut out = 0f64;
        // SAFETY: a non-raising C helper that writes `out` only for a float.
        unsafe { ffi::rustos_obj_float(self.0, &mut out) }.then_some(out)
    }

    /// The two items of a tuple of length 2 (exactly a tuple), else None.
    pub fn tuple2(self) -> Option<(Obj, Obj)> {
        let (mut a, mut b) = (core::ptr::null_mut(), core::ptr::null_mut());
        // SAFETY: a non-raising C helper that writes both items only for a 2-tuple.
        unsafe { ffi::rustos_tuple2(self.0, &mut a, &mut b) }.then_some((Obj(a), Obj(b)))
    }

    /// The bytes of a str (TypeError otherwise, as mp_obj_str_get_data raises it).
    /// The slice borrows the object's storage: it is valid while `self` is reachable,
    /// which holds for arguments for the whole call.
    pub fn str_bytes<'a>(self) -> Result<&'a [u8]> {
        let mut len: usize = 0;
        // SAFETY: a non-raising C helper; it writes len only when it returns data.
        let fast = unsafe { ffi::rustos_str_data(self.0, &mut len) };
        if !fast.is_null() {
            // SAFETY: `len` readable bytes at `fast`, owned by `self`.
            return Ok(unsafe { core::slice::from_raw_parts(fast as *const u8, len) });
        }
        let mut data: *const core::ffi::c_char = core::ptr::null();
        // SAFETY: trampoline call with valid out-pointers.
        check(unsafe { ffi::rustos_try_str_get_data(self.0, &mut data, &mut len) })?;
        if data.is_null() {
            return Ok(&[]);
        }
        // SAFETY: MicroPython returned `len` readable bytes at `data`, owned by `self`.
        Ok(unsafe { core::slice::from_raw_parts(data as *const u8, len) })
    }

    pub fn new_str(s: &[u8]) -> Result<Obj> {
        // SAFETY: trampoline call; the bytes are copied into a new object.
        check(unsafe { ffi::rustos_try_new_str(s.as_ptr() as *const core::ffi::c_char, s.len()) })
    }

    pub fn new_bytes(s: &[u8]) -> Result<Obj> {
        // SAFETY: trampoline call; the bytes are copied into a new object.
        check(unsafe { ffi::rustos_try_new_bytes(s.as_ptr(), s.len()) })
    }

    /// A listed name: a str, or bytes when the listing was asked for with a bytes path.
    #[inline]
    pub fn new_name(s: &[u8], is_str: bool) -> Result<Obj> {
        if is_str {
            Obj::new_str(s)
        } else {
            Obj::new_bytes(s)
        }
    }

    /// A str or bytes (or subclass) of the same type as `like`, holding `s`.
    pub fn new_str_like(like: Obj, s: &[u8]) -> Result<Obj> {
        // SAFETY: trampoline call; the bytes are copied into a new object.
        check(unsafe { ffi::rustos_try_new_str_like(like.0, s.as_ptr() as *const core::ffi::c_char, s.len()) })
    }

    pub fn new_tuple(items: &[Obj]) -> Result<Obj> {
        // SAFETY: trampoline call; `items` holds len objects (Obj is transparent).
        check(unsafe { ffi::rustos_try_new_tuple(items.len(), items.as_ptr() as *const ffi::mp_obj_t) })
    }

    /// An ilistdir entry: (name, *rest), the name a str or bytes, small ints in `rest`.
    pub fn new_listing(name: &[u8], is_str: bool, rest: &[Obj]) -> Result<Obj> {
        // SAFETY: trampoline call; `name` and `rest` are valid for their lengths.
        check(unsafe {
            ffi::rustos_try_new_listing(
                name.as_ptr() as *const core::ffi::c_char,
                name.len(),
                is_str,
                rest.len() + 1,
                rest.as_ptr() as *const ffi::mp_obj_t,
            )
        })
    }

    pub fn new_list() -> Result<Obj> {
        // SAFETY: trampoline call.
        check(unsafe { ffi::rustos_try_new_list() })
    }

    pub fn list_append(self, item: Obj) -> Result<()> {
        // SAFETY: trampoline call; self is a list we created.
        check(unsafe { ffi::rustos_try_list_append(self.0, item.0) }).map(|_| ())
    }

    /// mp_iternext: the next item, or Obj::STOP_ITERATION at the end.
    pub fn iternext(self) -> Result<Obj> {
        // SAFETY: trampoline call.
        check(unsafe { ffi::rustos_try_iternext(self.0) })
    }

    /// Whether the object has a method (or attribute) of this name; an exception from a
    /// custom __getattr__ propagates.
    pub fn has_method(self, name: Qstr) -> Result<bool> {
        let mut dest = [core::ptr::null_mut(); 2];
        // SAFETY: trampoline call; dest has the two slots mp_load_method_maybe fills.
        check(unsafe { ffi::rustos_try_load_method_maybe(self.0, name, dest.as_mut_ptr()) })?;
        Ok(!dest[0].is_null())
    }

    /// self.name(*args) (at most 8 arguments); what the method raises comes back as
    /// `Error::Exc`, unchanged.
    pub fn call_method(self, name: Qstr, args: &[Obj]) -> Result<Obj> {
        // SAFETY: trampoline call; `args` holds args.len() objects.
        check(unsafe { ffi::rustos_try_call_method(self.0, name, args.len(), args.as_ptr() as *const ffi::mp_obj_t) })
    }

    /// A new mount-table entry (not yet linked) for filesystem `fs` at `point`.
    pub fn new_mount(point: &[u8], fs: Obj) -> Result<*mut ffi::mp_vfs_mount_t> {
        // SAFETY: trampoline call; the point is copied into the GC heap.
        let m =
            check(unsafe { ffi::rustos_try_new_mount(point.as_ptr() as *const core::ffi::c_char, point.len(), fs.0) })?;
        Ok(m.0 as *mut ffi::mp_vfs_mount_t)
    }

    /// An attrtuple; `fields` must be static because the tuple keeps a pointer to it.
    pub fn new_attrtuple(fields: &'static [Qstr], items: &[Obj]) -> Result<Obj> {
        if fields.len() != items.len() {
            return Err(Error::Runtime(msg!("attrtuple: fields and items differ in length")));
        }
        // SAFETY: trampoline call; both arrays hold `len` elements (Obj is transparent).
        check(unsafe {
            ffi::rustos_try_new_attrtuple(fields.as_ptr(), fields.len(), items.as_ptr() as *const ffi::mp_obj_t)
        })
    }

    /// Whether the object's type implements the stream protocol with these operations.
    pub fn is_stream(self, flags: u32) -> bool {
        // SAFETY: a non-raising C helper that reads the object's type.
        unsafe { ffi::rustos_is_stream(self.0, flags as core::ffi::c_int) }
    }
}

/// A byte buffer on the GC heap that becomes a `bytes` object without a copy.
/// While it lives in a Rust local the GC sees its pointer on the stack.
pub struct Vstr(ffi::vstr_t);

impl Vstr {
    /// MemoryError (raised by MicroPython's allocator) when the heap cannot hold `len`.
    pub fn with_len(len: usize) -> Result<Vstr> {
        let mut v = Vstr(ffi::vstr_t::default());
        // SAFETY: trampoline call initialising the vstr in place.
        check(unsafe { ffi::rustos_try_vstr_init_len(&mut v.0, len) })?;
        Ok(v)
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        if self.0.len == 0 || self.0.buf.is_null() {
            return &mut [];
        }
        // SAFETY: vstr_init_len allocated at least `len` bytes at `buf`, which we own.
        unsafe { core::slice::from_raw_parts_mut(self.0.buf as *mut u8, self.0.len) }
    }

    pub fn into_str(mut self) -> Result<Obj> {
        // SAFETY: trampoline call; the vstr's buffer passes to the new str object.
        check(unsafe { ffi::rustos_try_str_from_vstr(&mut self.0) })
    }

    pub fn into_bytes(mut self) -> Result<Obj> {
        // SAFETY: trampoline call; the vstr's buffer passes to the new bytes object.
        check(unsafe { ffi::rustos_try_bytes_from_vstr(&mut self.0) })
    }
}
