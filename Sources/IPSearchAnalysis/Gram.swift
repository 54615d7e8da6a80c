/// A gram term: two consecutive code points of one run of word characters, or the run's last code
/// point alone. Packed in a `UInt64` as `first << 21 | second` (`second == 0` for a run's end), so
/// sorting keys sorts grams by their first character, and every gram that starts with a character
/// `c` lies in `Gram.range(startingWith: c)`.
///
/// A **mark** (a punctuation or symbol code point, see `Analyzer`) is the key `0x1F_FFFF << 21 | c`:
/// its "first" is no code point, so marks sort after every gram and no `range(startingWith:)` holds one.
public struct Gram: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let key: UInt64

    @inline(__always)
    public init(key: UInt64) { self.key = key }

    @inline(__always)
    public init(_ first: UInt32, _ second: UInt32) {
        key = UInt64(first) << 21 | UInt64(second)
    }

    /// The first of a mark key (not a code point).
    static let markFirst: UInt32 = 0x1F_FFFF

    /// The mark of punctuation or symbol `c`.
    @inline(__always)
    public static func mark(_ c: UInt32) -> Gram { Gram(markFirst, c) }

    public var isMark: Bool { first == Gram.markFirst }

    public var first: UInt32 { UInt32(truncatingIfNeeded: key >> 21) }
    /// 0 when this gram marks the end of a run.
    public var second: UInt32 { UInt32(truncatingIfNeeded: key & 0x1F_FFFF) }

    /// All keys of grams starting with `c`: a single character matches wherever a gram starts with it.
    public static func range(startingWith c: UInt32) -> ClosedRange<UInt64> {
        (UInt64(c) << 21)...(UInt64(c) << 21 | 0x1F_FFFF)
    }

    public static func < (a: Gram, b: Gram) -> Bool { a.key < b.key }

    public var description: String {
        if isMark { return "mark " + String(Character(Unicode.Scalar(second) ?? "?")) }
        var s = String(Character(Unicode.Scalar(first) ?? "?"))
        if second != 0 { s.append(Character(Unicode.Scalar(second) ?? "?")) }
        return s
    }
}
