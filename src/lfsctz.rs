//! How many blocks a littlefs file of a given size takes (both versions store a file as a
//! CTZ skip list: block 0 holds `block_size` bytes of data, block i > 0 holds
//! `block_size - 4 * (ctz(i) + 1)`, the rest being its pointers back).  Pure, so it is
//! tested on the host.  `truncate` uses it to refuse, before writing anything, a size for
//! which the filesystem certainly has too few free blocks.

/// The index of the block holding byte `off` of a file (littlefs's `lfs_ctz_index`).
fn ctz_index(block_size: u32, off: u32) -> u32 {
    let b = block_size - 2 * 4;
    let i = off / b;
    if i == 0 {
        return 0;
    }
    (off - 4 * ((i - 1).count_ones() + 2)) / b
}

/// Blocks of data and pointers a file of `size` bytes takes outside its metadata pair
/// (an inline file takes none, so this is at most what it takes: a lower bound of what
/// growing a file to `size` needs beyond what `size_before` used).  `block_size` >= 128,
/// as littlefs requires (below that its formula and its layout part).
pub fn data_blocks(block_size: u32, size: u32) -> u32 {
    if size == 0 {
        return 0;
    }
    ctz_index(block_size, size - 1) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout itself: blocks filled in order, each with its own capacity.
    fn model(block_size: u32, size: u32) -> u32 {
        let (mut n, mut held) = (0u32, 0u64);
        while held < u64::from(size) {
            held += u64::from(if n == 0 {
                block_size
            } else {
                block_size - 4 * (n.trailing_zeros() + 1)
            });
            n += 1;
        }
        n
    }

    #[test]
    fn matches_the_layout() {
        // littlefs needs blocks of 128 bytes or more (lfs2_init asserts it)
        for bs in [128u32, 256, 512, 4096] {
            for size in (0..200_000u32)
                .step_by(37)
                .chain((0..64_000_000u32).step_by(99_991))
                .chain([1, bs - 1, bs, bs + 1, 2 * bs])
            {
                assert_eq!(data_blocks(bs, size), model(bs, size), "bs {bs} size {size}");
            }
        }
    }
}
