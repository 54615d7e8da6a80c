/// Fixed-width bit packing of one postings block: `BitPacking.blockSize` unsigned values of `width`
/// bits each (0…32), least significant bits first, in exactly `16 × width` bytes.
///
/// The width is the bit length of the block's largest value, so a block of document deltas below 64
/// takes 6 bits a value. Width 0 (every value zero) takes no bytes at all: a block where every term
/// frequency is 1 stores its frequencies in nothing.
enum BitPacking {
    static let blockSize = 128

    /// Bits needed for the largest of `values`.
    @inline(__always)
    static func width(_ values: UnsafeBufferPointer<UInt32>) -> Int {
        var or: UInt32 = 0
        for v in values { or |= v }
        return UInt32.bitWidth - or.leadingZeroBitCount
    }

    /// Bytes a packed block of `width`-bit values takes.
    @inline(__always)
    static func byteCount(width: Int) -> Int { blockSize * width / 8 }

    /// Appends the `blockSize` values, `width` bits each, to `out`.
    static func pack(_ values: UnsafeBufferPointer<UInt32>, width: Int, to out: inout [UInt8]) {
        guard width > 0 else { return }
        var acc: UInt64 = 0
        var bits = 0
        for v in values.prefix(blockSize) {
            acc |= UInt64(v) << UInt64(bits)
            bits += width
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                bits -= 8
            }
        }
        // 128 × width is a multiple of 8: nothing is left over.
    }

    /// Reads `blockSize` values of `width` bits from `source` into `out`, adding `add` to each.
    /// `source` must hold `byteCount(width:)` bytes **plus 8 readable bytes after them** (each value
    /// is read with one unaligned 64-bit load); in `.post` the checksum table and length that follow
    /// the data guarantee it.
    @inline(__always)
    static func unpack(_ source: UnsafeRawPointer, width: Int, add: UInt32, into out: UnsafeMutablePointer<UInt32>) {
        if width == 0 {
            for i in 0..<blockSize { out[i] = add }
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var bit = 0
        for i in 0..<blockSize {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask) &+ add
            bit += width
        }
    }
}
