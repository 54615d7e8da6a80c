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

    mutating func reserve(_ n: Int) {
        units.reserveCapacity(n)
        sourceStart.reserveCapacity(n)
        sourceEnd.reserveCapacity(n)
    }

    @inline(__always)
    mutating func append(_ unit: UInt16, from start: Int, to end: Int) {
        units.append(unit)
        sourceStart.append(Int32(truncatingIfNeeded: start))
        sourceEnd.append(Int32(truncatingIfNeeded: end))
    }

    @inline(__always)
    mutating func append(scalar c: UInt32, from start: Int, to end: Int) {
        if c < 0x10000 {
            append(UInt16(c), from: start, to: end)
        } else if let scalar = Unicode.Scalar(c) {
            for unit in scalar.utf16 { append(unit, from: start, to: end) }
        }
    }
}
