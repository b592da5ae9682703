//! Boards whose filesystem region the tool knows, from MicroPython 1.26.1's port sources.
//! Each number says where it comes from; a board not here takes `--block-size` and
//! `--blocks` (and `--readsize`/`--progsize`/`--lookahead` as its `_boot.py` gives them).

/// Where a board keeps its filesystem and how its `_boot.py` mounts it.
pub struct Preset {
    pub name: &'static str,
    pub block_size: u32,
    pub blocks: u32,
    pub read_size: u32,
    pub prog_size: u32,
    pub lookahead: u32,
    /// Offset of the region in flash, for `--uf2` and for the user's flashing tool.
    pub flash_offset: u32,
    /// The UF2 family the board's boot ROM takes, when it takes UF2 files.
    pub uf2_family: Option<u32>,
    pub source: &'static str,
}

/// rp2's flash is mapped at this address (XIP); UF2 blocks name addresses there.
pub const RP2_XIP_BASE: u32 = 0x1000_0000;
/// UF2 families (pico-sdk's uf2.h): RP2040, and RP2350's "absolute" family, which its
/// boot ROM writes where the block says whatever the partition table.
const RP2040_FAMILY: u32 = 0xe48b_ff56;
const RP2350_ABSOLUTE_FAMILY: u32 = 0xe48b_ff57;

pub const PRESETS: [Preset; 4] = [
    Preset {
        name: "rp2-pico",
        block_size: 4096,
        blocks: 352,
        read_size: 32,
        prog_size: 256,
        lookahead: 32,
        flash_offset: 0x001a_0000,
        uf2_family: Some(RP2040_FAMILY),
        source: "ports/rp2/boards/RPI_PICO/mpconfigboard.h: MICROPY_HW_FLASH_STORAGE_BYTES 1408 KiB \
                 at the end of the 2 MiB flash (rp2_flash.c: base = flash size - storage bytes; \
                 blocks of FLASH_SECTOR_SIZE 4096); modules/_boot.py: VfsLfs2(bdev, progsize=256)",
    },
    Preset {
        name: "rp2-pico-w",
        block_size: 4096,
        blocks: 212,
        read_size: 32,
        prog_size: 256,
        lookahead: 32,
        flash_offset: 0x0012_c000,
        uf2_family: Some(RP2040_FAMILY),
        source: "ports/rp2/boards/RPI_PICO_W/mpconfigboard.h: MICROPY_HW_FLASH_STORAGE_BYTES 848 KiB \
                 at the end of the 2 MiB flash; modules/_boot.py: VfsLfs2(bdev, progsize=256)",
    },
    Preset {
        name: "rp2-pico2",
        block_size: 4096,
        blocks: 768,
        read_size: 32,
        prog_size: 256,
        lookahead: 32,
        flash_offset: 0x0010_0000,
        uf2_family: Some(RP2350_ABSOLUTE_FAMILY),
        source: "ports/rp2/boards/RPI_PICO2/mpconfigboard.h: MICROPY_HW_FLASH_STORAGE_BYTES = flash \
                 size - 1 MiB, of the 4 MiB flash: 3 MiB from offset 1 MiB; \
                 modules/_boot.py: VfsLfs2(bdev, progsize=256)",
    },
    Preset {
        name: "esp32",
        block_size: 4096,
        blocks: 512,
        read_size: 32,
        prog_size: 32,
        lookahead: 32,
        flash_offset: 0x0020_0000,
        uf2_family: None,
        source: "ports/esp32 ESP32_GENERIC: boards/sdkconfig.base takes partitions-4MiBplus.csv \
                 (the app ends at 0x200000) and a 4 MiB flash; main.c adds the \"vfs\" partition from \
                 there to the end of flash (2 MiB); esp32_partition.c: 4096-byte blocks; \
                 modules/inisetup.py: VfsLfs2.mkfs(bdev) with the default sizes (32)",
    },
];

pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}
