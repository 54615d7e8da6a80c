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
    ///
    /// One loop per width: with the width a constant, each group of 8 values (exactly `width` bytes)
    /// unrolls into loads and shifts by constants, about three times as fast as one loop whose shifts
    /// follow a variable width (38 against 114 ns a block here). Block decoding is the largest single
    /// cost of an intersection.
    static func unpack(_ source: UnsafeRawPointer, width: Int, add: UInt32, into out: UnsafeMutablePointer<UInt32>) {
        switch width {
        case 1: unpack(source, fixed: 1, add: add, into: out); case 2: unpack(source, fixed: 2, add: add, into: out)
        case 3: unpack(source, fixed: 3, add: add, into: out); case 4: unpack(source, fixed: 4, add: add, into: out)
        case 5: unpack(source, fixed: 5, add: add, into: out); case 6: unpack(source, fixed: 6, add: add, into: out)
        case 7: unpack(source, fixed: 7, add: add, into: out); case 8: unpack(source, fixed: 8, add: add, into: out)
        case 9: unpack(source, fixed: 9, add: add, into: out); case 10: unpack(source, fixed: 10, add: add, into: out)
        case 11: unpack(source, fixed: 11, add: add, into: out); case 12: unpack(source, fixed: 12, add: add, into: out)
        case 13: unpack(source, fixed: 13, add: add, into: out); case 14: unpack(source, fixed: 14, add: add, into: out)
        case 15: unpack(source, fixed: 15, add: add, into: out); case 16: unpack(source, fixed: 16, add: add, into: out)
        case 17: unpack(source, fixed: 17, add: add, into: out); case 18: unpack(source, fixed: 18, add: add, into: out)
        case 19: unpack(source, fixed: 19, add: add, into: out); case 20: unpack(source, fixed: 20, add: add, into: out)
        case 21: unpack(source, fixed: 21, add: add, into: out); case 22: unpack(source, fixed: 22, add: add, into: out)
        case 23: unpack(source, fixed: 23, add: add, into: out); case 24: unpack(source, fixed: 24, add: add, into: out)
        case 25: unpack(source, fixed: 25, add: add, into: out); case 26: unpack(source, fixed: 26, add: add, into: out)
        case 27: unpack(source, fixed: 27, add: add, into: out); case 28: unpack(source, fixed: 28, add: add, into: out)
        case 29: unpack(source, fixed: 29, add: add, into: out); case 30: unpack(source, fixed: 30, add: add, into: out)
        case 31: unpack(source, fixed: 31, add: add, into: out); case 32: unpack(source, fixed: 32, add: add, into: out)
        default: for i in 0..<blockSize { out[i] = add }  // width 0 (and nothing else: widths are checked ≤ 32)
        }
    }

    /// `unpack` for one width, `w` bits a value: 16 groups of 8 values, each group `w` bytes.
    @inline(__always)
    private static func unpack(_ source: UnsafeRawPointer, fixed w: Int, add: UInt32, into out: UnsafeMutablePointer<UInt32>) {
        let mask: UInt64 = (1 << UInt64(w)) - 1
        for g in 0..<(blockSize / 8) {
            let s = source + g * w, o = out + g * 8
            for j in 0..<8 {
                let word = UInt64(littleEndian: s.loadUnaligned(fromByteOffset: (j * w) >> 3, as: UInt64.self))
                o[j] = UInt32(truncatingIfNeeded: (word >> UInt64((j * w) & 7)) & mask) &+ add
            }
        }
    }
}

/// Patched frame of reference (PFOR, as Lucene's postings and the PForDelta literature use it): a
/// block of `BitPacking.blockSize` values packed at the width that makes the block smallest, each
/// value's bits above that width kept aside as an exception:
///
/// ```
/// width u8 (0…32) | exceptions u8 (n ≤ 128) | 128 values' low bits, width each (16 × width bytes) |
/// n × ( index u8 (ascending, < 128) | high bits varint (> 0) )
/// ```
///
/// One large delta in a block of small ones (a rare gram's long gap, a frequency of 40 among ones)
/// costs a couple of bytes instead of widening all 128 values; decoding is the plain unpack plus one
/// addition per exception.
enum PatchedPacking {
    /// Bytes of the exception header (width, count).
    static let headerSize = 2

    /// Appends the block of `values` (`BitPacking.blockSize` of them).
    static func pack(_ values: UnsafeBufferPointer<UInt32>, to out: inout [UInt8]) {
        let n = BitPacking.blockSize
        // Values of each bit length, to price every width without another pass over the values
        // (on the stack: this runs for every block a build or a merge writes).
        let width = withUnsafeTemporaryAllocation(of: Int.self, capacity: 33) { lengths -> Int in
            lengths.initialize(repeating: 0)
            for v in values.prefix(n) { lengths[UInt32.bitWidth - v.leadingZeroBitCount] += 1 }
            var width = 32, best = Int.max
            for w in stride(from: 32, through: 0, by: -1) {
                var bytes = BitPacking.byteCount(width: w)
                for l in (w + 1)..<33 where lengths[l] > 0 { bytes += lengths[l] * (1 + (l - w + 6) / 7) }
                if bytes < best { best = bytes; width = w }  // ties keep the wider (fewer exceptions)
            }
            return width
        }
        out.append(UInt8(width))
        let countAt = out.count
        out.append(0)
        let mask: UInt32 = width == 32 ? .max : (1 << UInt32(width)) - 1
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: n) { low in
            for i in 0..<n { low[i] = values[i] & mask }
            BitPacking.pack(UnsafeBufferPointer(low), width: width, to: &out)
        }
        var exceptions = 0
        if width < 32 {
            for i in 0..<n where values[i] >> UInt32(width) != 0 {
                out.append(UInt8(i))
                VarInt.append(UInt64(values[i] >> UInt32(width)), to: &out)
                exceptions += 1
            }
        }
        out[countAt] = UInt8(exceptions)
    }

    /// Reads a block at `source` into `out`, adding `add` to each value, and returns its bytes; nil
    /// when it is malformed (a width over 32, more than `available` bytes, exceptions out of order
    /// or zero, a value plus `add` over 2³² − 1). `available` bytes are the block's (or more), and 8 bytes past
    /// its packed values must be readable (as for `BitPacking.unpack`).
    @inline(__always)
    static func unpack(_ source: UnsafeRawPointer, available: Int, add: UInt32, into out: UnsafeMutablePointer<UInt32>) -> Int? {
        guard available >= headerSize else { return nil }
        let width = Int(source.load(as: UInt8.self)), count = Int(source.load(fromByteOffset: 1, as: UInt8.self))
        let packed = BitPacking.byteCount(width: width)
        guard width <= 32, count <= BitPacking.blockSize, count == 0 || width < 32,
              headerSize + packed <= available else { return nil }
        BitPacking.unpack(source + headerSize, width: width, add: add, into: out)
        // Below 32 bits a value plus `add` cannot wrap unless patched, and `patch` checks that.
        if width == 32 && add != 0 {
            var wrapped = false
            for i in 0..<BitPacking.blockSize { wrapped = wrapped || out[i] < add }
            if wrapped { return nil }
        }
        return count == 0 ? headerSize + packed
            : patch(source, from: headerSize + packed, available: available, count: count, width: width, into: out)
    }

    /// Adds the exceptions' high bits to the values they name; the bytes read in all, or nil.
    @inline(never)
    private static func patch(_ source: UnsafeRawPointer, from start: Int, available: Int, count: Int, width: Int,
                              into out: UnsafeMutablePointer<UInt32>) -> Int? {
        var r = ByteReader(base: source, range: start..<available)
        var next = 0
        for _ in 0..<count {
            guard let index = r.u8(), Int(index) >= next, index < BitPacking.blockSize, let high = r.varint(), high > 0,
                  high < UInt64(1) << UInt64(32 - width) else { return nil }
            let (v, overflow) = out[Int(index)].addingReportingOverflow(UInt32(high) << UInt32(width))
            guard !overflow else { return nil }
            out[Int(index)] = v
            next = Int(index) + 1
        }
        return r.offset
    }
}
