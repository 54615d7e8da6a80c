/// A term dictionary entry: how many documents have a gram and where its postings and positions are.
///
/// Offsets are data offsets in the `.post` and `.pos` files (from the first byte after the header).
/// On disk the entries live in prefix-compressed blocks (`TermDictionary`); see `Index/README.md`.
public struct TermInfo: Equatable, Sendable {
    public var key: UInt64
    public var docFreq: Int
    public var postingsOffset: Int
    public var postingsLength: Int
    public var positionsOffset: Int
    public var positionsLength: Int

    public init(key: UInt64, docFreq: Int, postingsOffset: Int, postingsLength: Int, positionsOffset: Int, positionsLength: Int) {
        self.key = key
        self.docFreq = docFreq
        self.postingsOffset = postingsOffset
        self.postingsLength = postingsLength
        self.positionsOffset = positionsOffset
        self.positionsLength = positionsLength
    }
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
