//! UF2 (Microsoft's USB flashing format, as the rp2 boot ROM reads it): 512-byte blocks,
//! each carrying 256 bytes for one flash address.
const MAGIC_START0: u32 = 0x0A32_4655;
const MAGIC_START1: u32 = 0x9E5D_5157;
const MAGIC_END: u32 = 0x0AB1_6F30;
const FLAG_FAMILY_ID: u32 = 0x0000_2000;
pub const PAYLOAD: usize = 256;

/// `data` as UF2 blocks for flash address `address` onwards.
pub fn encode(data: &[u8], address: u32, family: u32) -> Vec<u8> {
    let chunks: Vec<&[u8]> = data.chunks(PAYLOAD).collect();
    let total = chunks.len() as u32;
    let mut out = Vec::with_capacity(chunks.len() * 512);
    for (i, chunk) in chunks.iter().enumerate() {
        let mut block = [0u8; 512];
        let words = [
            MAGIC_START0,
            MAGIC_START1,
            FLAG_FAMILY_ID,
            address + (i * PAYLOAD) as u32,
            PAYLOAD as u32,
            i as u32,
            total,
            family,
        ];
        for (k, w) in words.iter().enumerate() {
            block[k * 4..k * 4 + 4].copy_from_slice(&w.to_le_bytes());
        }
        block[32..32 + chunk.len()].copy_from_slice(chunk);
        block[508..512].copy_from_slice(&MAGIC_END.to_le_bytes());
        out.extend_from_slice(&block);
    }
    out
}
