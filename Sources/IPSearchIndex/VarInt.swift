/// LEB128-style variable-length unsigned integers: 7 bits per byte, high bit set on all but the last.
enum VarInt {
    @inline(__always)
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    @inline(__always)
    static func append(_ value: UInt32, to out: inout [UInt8]) {
        append(UInt64(value), to: &out)
    }
}

/// Reads little-endian fixed-width fields and varints from a byte range, with bounds checks that
/// turn truncation into an error instead of a crash.
struct ByteReader {
    let base: UnsafeRawPointer
    let end: Int
    var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        end = buffer.count
        self.offset = offset
    }

    init(base: UnsafeRawPointer, range: Range<Int>) {
        self.base = base
        self.end = range.upperBound
        self.offset = range.lowerBound
    }

    var remaining: Int { end - offset }

    @inline(__always)
    mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let b = base.load(fromByteOffset: offset, as: UInt8.self)
            offset += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    @inline(__always)
    mutating func u8() -> UInt8? {
        guard offset < end else { return nil }
        defer { offset += 1 }
        return base.load(fromByteOffset: offset, as: UInt8.self)
    }

    @inline(__always)
    mutating func u32() -> UInt32? {
        guard offset + 4 <= end else { return nil }
        defer { offset += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    mutating func u64() -> UInt64? {
        guard offset + 8 <= end else { return nil }
        defer { offset += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func bytes(_ n: Int) -> UnsafeRawBufferPointer? {
        guard n >= 0, offset + n <= end else { return nil }
        defer { offset += n }
        return UnsafeRawBufferPointer(start: base + offset, count: n)
    }

    mutating func string() -> String? {
        guard let n = varint(), let b = bytes(Int(n)) else { return nil }
        return String(decoding: b, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLE(_ v: UInt32) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func appendLE(_ v: UInt64) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }

    mutating func appendString(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            VarInt.append(UInt64(utf8.count), to: &self)
            append(contentsOf: utf8)
        }
    }
}
