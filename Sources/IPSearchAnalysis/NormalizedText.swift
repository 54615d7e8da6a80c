/// Text after normalization, with a map back to the original.
///
/// `units` is the normalized text in UTF-16. For every normalized unit `i`,
/// `sourceStart[i]..<sourceEnd[i]` is the range of the **original** UTF-16 text it came from: the
/// whole chunk that was folded together (a character with its combining marks, or a Han character
/// together with the pinyin annotation stripped after it). All units of one chunk share one range,
/// so any normalized range `a..<b` maps back to `sourceStart[a]..<sourceEnd[b - 1]`.
public struct NormalizedText: Sendable {
    public internal(set) var units: [UInt16] = []
    public internal(set) var sourceStart: [Int32] = []
    public internal(set) var sourceEnd: [Int32] = []

    public init() {}

    public var count: Int { units.count }

    /// The original UTF-16 range that the normalized range `range` came from.
    public func sourceRange(of range: Range<Int>) -> Range<Int> {
        precondition(!range.isEmpty && range.upperBound <= units.count)
        return Int(sourceStart[range.lowerBound])..<Int(sourceEnd[range.upperBound - 1])
    }

    /// The normalized text as a String.
    public var string: String { String(decoding: units, as: UTF16.self) }

    /// Builds a `NormalizedText` in raw buffers (no uniqueness or capacity check per unit), then
    /// copies them into the arrays once.
    struct Builder {
        private var units: UnsafeMutablePointer<UInt16>
        private var starts: UnsafeMutablePointer<Int32>
        private var ends: UnsafeMutablePointer<Int32>
        private(set) var count = 0
        private var capacity: Int

        init(capacity: Int) {
            self.capacity = max(16, capacity)
            units = .allocate(capacity: self.capacity)
            starts = .allocate(capacity: self.capacity)
            ends = .allocate(capacity: self.capacity)
        }

        /// Room for `extra` more units.
        @inline(__always)
        mutating func reserve(_ extra: Int) {
            if count + extra > capacity { grow(to: max(capacity * 2, count + extra)) }
        }

        private mutating func grow(to newCapacity: Int) {
            func moved<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
                let new = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
                new.moveInitialize(from: old, count: count)
                old.deallocate()
                return new
            }
            units = moved(units)
            starts = moved(starts)
            ends = moved(ends)
            capacity = newCapacity
        }

        /// Appends one unit; `reserve` must have made room for it.
        @inline(__always)
        mutating func put(_ unit: UInt16, from start: Int, to end: Int) {
            units[count] = unit
            starts[count] = Int32(truncatingIfNeeded: start)
            ends[count] = Int32(truncatingIfNeeded: end)
            count += 1
        }

        /// Appends a code point (two units above the BMP); `reserve` must have made room for two.
        @inline(__always)
        mutating func put(scalar c: UInt32, from start: Int, to end: Int) {
            if c < 0x10000 {
                put(UInt16(c), from: start, to: end)
            } else if c <= 0x10FFFF {
                let v = c - 0x10000
                put(UInt16(0xD800 + (v >> 10)), from: start, to: end)
                put(UInt16(0xDC00 + (v & 0x3FF)), from: start, to: end)
            }
        }

        /// The text built, and the buffers released.
        consuming func finish() -> NormalizedText {
            var text = NormalizedText()
            text.units = Array(UnsafeBufferPointer(start: units, count: count))
            text.sourceStart = Array(UnsafeBufferPointer(start: starts, count: count))
            text.sourceEnd = Array(UnsafeBufferPointer(start: ends, count: count))
            units.deallocate()
            starts.deallocate()
            ends.deallocate()
            return text
        }
    }

    mutating func reserve(_ n: Int) {
        units.reserveCapacity(n)
        sourceStart.reserveCapacity(n)
        sourceEnd.reserveCapacity(n)
    }
}
