//! Symbolic errno values.  Logic that is independent of any port returns these; the
//! boundary turns them into the port's own numbers (MP_Exxx), which differ between ports
//! that use the host's errno.h and those that use MicroPython's internal table.  Only the
//! names py/mperrno.h defines are here: a port may have no others.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Errno {
    EPERM,
    ENOENT,
    EIO,
    EBADF,
    EAGAIN,
    ENOMEM,
    EACCES,
    EEXIST,
    ENODEV,
    EXDEV,
    ENOTDIR,
    EISDIR,
    EINVAL,
    ENOSPC,
    EROFS,
    EOPNOTSUPP,
    EFBIG,
    EBUSY,
    EMFILE,
}

impl Errno {
    /// The name MicroPython prints for this error (`errno.errorcode` uses the same names).
    pub const fn name(self) -> &'static str {
        match self {
            Errno::EPERM => "EPERM",
            Errno::ENOENT => "ENOENT",
            Errno::EIO => "EIO",
            Errno::EBADF => "EBADF",
            Errno::EAGAIN => "EAGAIN",
            Errno::ENOMEM => "ENOMEM",
            Errno::EACCES => "EACCES",
            Errno::EEXIST => "EEXIST",
            Errno::ENODEV => "ENODEV",
            Errno::EXDEV => "EXDEV",
            Errno::ENOTDIR => "ENOTDIR",
            Errno::EISDIR => "EISDIR",
            Errno::EINVAL => "EINVAL",
            Errno::ENOSPC => "ENOSPC",
            Errno::EROFS => "EROFS",
            Errno::EOPNOTSUPP => "EOPNOTSUPP",
            Errno::EFBIG => "EFBIG",
            Errno::EBUSY => "EBUSY",
            Errno::EMFILE => "EMFILE",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_variants() {
        // The Debug form is the variant's identifier: the printed name must be the same.
        for e in [Errno::EPERM, Errno::ENOENT, Errno::EXDEV, Errno::EBUSY, Errno::EMFILE] {
            assert_eq!(e.name(), alloc::format!("{e:?}"));
        }
    }
}
