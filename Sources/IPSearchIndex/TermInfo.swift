/// A term dictionary entry: where a gram's postings are and how many documents have it.
///
/// On disk (`.terms`) each entry is 32 bytes, sorted by key, so a lookup is a binary search over the
/// memory-mapped file that touches about log₂(terms) entries and nothing else:
/// `key u64 | postingsOffset u64 | postingsLength u32 | docFreq u32 | postingsCRC u32 | entryCRC u32`.
public struct TermInfo: Equatable, Sendable {
    static let entrySize = 32

    public var key: UInt64
    public var postingsOffset: Int
    public var postingsLength: Int
    public var docFreq: Int
    var postingsCRC: UInt32
}

/// One gram's decoded postings in one segment.
public struct PostingList: Sendable {
    /// Segment-local document numbers, ascending.
    public var docs: [Int32] = []
    /// `positions[positionStart[i] ..< positionStart[i + 1]]` are document `docs[i]`'s positions.
    public var positionStart: [Int32] = [0]
    public var positions: [Int32] = []

    public init() {}

    public var count: Int { docs.count }

    public func positions(at i: Int) -> ArraySlice<Int32> {
        positions[Int(positionStart[i])..<Int(positionStart[i + 1])]
    }
}
