/// Postings in blocks of 128 documents (the layout of `.post` and `.pos`; `Index/README.md` has it
/// byte by byte).
///
/// A term's list in `.post` is `skip entry × F | full block × F | tail`, where F = ⌊docFreq / 128⌋:
/// - skip entry (12 bytes): the block's last document `u32`, the end of the block's bytes (from the
///   list's start) `u32`, the end of the block's positions (from the list's start in `.pos`) `u32`;
/// - full block: the 128 documents' distances from the one before less one (the first block's first
///   document as it is), then the 128 (tf − 1), each in patched frame of reference
///   (`PatchedPacking`: packed at the width that makes them smallest, the bits above it as exceptions);
/// - tail (docFreq mod 128 documents): per document `varint(delta << 1 | tf == 1)` then `varint(tf)`
///   when tf > 1.
/// In `.pos`, each block's positions (UTF-16 offsets of the gram in the normalized text), document
/// after document, in Rice codes with a parameter per block (`PositionCoding`): the positions of a
/// block are contiguous, and a query reads them only for the documents that survive the
/// intersection of all its grams.
public enum BlockPostings {
    static let skipEntrySize = 12

    /// Encodes one term's list a document at a time, so a list of any length takes bounded memory:
    /// documents and frequencies are packed 128 at a time, and their positions coded then
    /// (`PositionCoding`) and sent to `.pos` a megabyte at a time; `finish` returns the skip table,
    /// the full blocks and the tail.
    struct ListEncoder {
        let positionsOut: PageChecksums.Writer
        /// Bytes of this list's positions so far.
        private(set) var positionsLength = 0
        private(set) var documentCount = 0
        private var positions: [UInt8] = []
        private var blocks: [UInt8] = []
        /// Per full block: its last document, the end of its bytes in `blocks`, the end of its positions.
        private var skips: [(last: UInt32, end: Int, positionsEnd: Int)] = []
        private var docs = [UInt32](repeating: 0, count: BitPacking.blockSize)
        private var freqs = [UInt32](repeating: 0, count: BitPacking.blockSize)
        private var scratch = [UInt32](repeating: 0, count: BitPacking.blockSize)
        /// The position gaps of the buffered documents (`PositionCoding`).
        private var gaps: [UInt32] = []
        private var buffered = 0
        /// The last document of the last full block (deltas start from it).
        private var previous: UInt32 = 0

        init(positions: PageChecksums.Writer) {
            positionsOut = positions
        }

        /// Starts a new list (buffers keep their capacity).
        mutating func reset() {
            positions.removeAll(keepingCapacity: true)
            positionsLength = 0
            documentCount = 0
            blocks.removeAll(keepingCapacity: true)
            skips.removeAll(keepingCapacity: true)
            gaps.removeAll(keepingCapacity: true)
            buffered = 0
            previous = 0
        }

        /// Adds the next document (above the previous one) with its positions, strictly ascending (tf ≥ 1).
        mutating func add(doc: UInt32, positions offsets: UnsafeBufferPointer<UInt32>) throws(IndexError) {
            try addGaps(offsets)
            try added(doc: doc, freq: offsets.count)
        }

        /// Adds the documents `docs[k] + base`, with frequencies `freqs` and their positions as gaps
        /// (`PositionCoding`), one document after another (`Σ freqs` of them, as
        /// `PostingCursor.withRestOfBlock` hands them, checked there): a merge adds a block at a time.
        mutating func add(docs: UnsafeBufferPointer<UInt32>, plus base: UInt32, freqs: UnsafeBufferPointer<UInt32>,
                          gaps more: UnsafeBufferPointer<UInt32>) throws(IndexError) {
            var total = 0
            for tf in freqs { total += Int(tf) }
            guard total == more.count else {
                throw IndexError.corrupt(path: positionsOut.file.path, reason: "positions do not match their frequencies")
            }
            // All the gaps at once, then the documents (a block fills at 128 of them).
            gaps.append(contentsOf: more)
            for k in 0..<docs.count { try added(doc: docs[k] &+ base, freq: Int(freqs[k])) }
        }

        @inline(__always)
        private mutating func addGaps(_ offsets: UnsafeBufferPointer<UInt32>) throws(IndexError) {
            var next: UInt32 = 0  // the least the next position may be
            for p in offsets {
                guard p >= next, p < UInt32(Int32.max) else {
                    throw IndexError.corrupt(path: positionsOut.file.path, reason: "positions out of order")
                }
                gaps.append(p - next)
                next = p + 1
            }
        }

        @inline(__always)
        private mutating func added(doc: UInt32, freq: Int) throws(IndexError) {
            docs[buffered] = doc
            freqs[buffered] = UInt32(truncatingIfNeeded: freq)
            buffered += 1
            documentCount += 1
            if buffered == BitPacking.blockSize {
                packBlock()
                if positions.count >= 1 << 20 { try flushPositions() }
            }
        }

        /// Codes the buffered documents' positions (`PositionCoding`): the first of `gaps` (a merge
        /// may have added those of later documents already).
        private mutating func encodePositions() {
            let before = positions.count
            var used = 0
            for k in 0..<buffered { used += Int(freqs[k]) }
            gaps.withUnsafeBufferPointer { g in
                freqs.withUnsafeBufferPointer { f in
                    PositionCoding.encodeBlock(gaps: UnsafeBufferPointer(rebasing: g[0..<used]),
                                               freqs: UnsafeBufferPointer(rebasing: f[0..<buffered]), to: &positions)
                }
            }
            positionsLength += positions.count - before
            gaps.removeFirst(used)
        }

        private mutating func flushPositions() throws(IndexError) {
            guard !positions.isEmpty else { return }
            try positionsOut.append(positions)
            positions.removeAll(keepingCapacity: true)
        }

        private mutating func packBlock() {
            // Each document's distance from the one before less one (documents ascend strictly);
            // the list's first document as it is.
            for k in 0..<BitPacking.blockSize {
                scratch[k] = docs[k] &- previous &- (skips.isEmpty && k == 0 ? 0 : 1)
                previous = docs[k]
            }
            scratch.withUnsafeBufferPointer { PatchedPacking.pack($0, to: &blocks) }
            for k in 0..<BitPacking.blockSize { scratch[k] = freqs[k] &- 1 }
            scratch.withUnsafeBufferPointer { PatchedPacking.pack($0, to: &blocks) }
            encodePositions()
            skips.append((previous, blocks.count, positionsLength))
            buffered = 0
        }

        /// Writes the rest of the positions and appends the list's `.post` bytes (skip table, full
        /// blocks, tail) to `post`.
        mutating func finish(into post: inout [UInt8]) throws(IndexError) {
            if buffered > 0 { encodePositions() }
            try flushPositions()
            let skipBytes = skips.count * BlockPostings.skipEntrySize
            for e in skips {
                post.appendLE(e.last)
                post.appendLE(UInt32(truncatingIfNeeded: skipBytes + e.end))
                post.appendLE(UInt32(truncatingIfNeeded: e.positionsEnd))
            }
            post.append(contentsOf: blocks)
            var last = previous
            for k in 0..<buffered {
                let delta = UInt64(docs[k] &- last) << 1
                last = docs[k]
                if freqs[k] == 1 {
                    VarInt.append(delta | 1, to: &post)
                } else {
                    VarInt.append(delta, to: &post)
                    VarInt.append(freqs[k], to: &post)
                }
            }
        }
    }
}

/// Walks one term's postings in one segment: documents in order, skipping whole blocks through the
/// skip entries, and positions only when asked, for the current document. Every page of `.post` and
/// `.pos` it reads is checked against its CRC first (`PageChecksums`).
///
/// `doc` is −1 before the first `next()` and `PostingCursor.end` after the last document.
public struct PostingCursor {
    public static let end = Int32.max

    let post: PageChecksums.Reader
    let pos: PageChecksums.Reader
    let documents: Int
    public let info: TermInfo
    let fullBlocks: Int
    private var postVerified = 0..<0
    private var posVerified = 0..<0
    private var docs: [UInt32]
    /// The current block's frequencies and the current document's place in it (readable from
    /// other modules' inlined code: `freq`).
    @usableFromInline private(set) var freqs: [UInt32]
    private var count = 0
    @usableFromInline private(set) var index = 0
    private var block = -1
    private var blockPosStart = 0
    private var blockPosEnd = 0
    /// The block's Rice parameter (`PositionCoding`), where its low section starts and its bytes,
    /// read with its first positions.
    private var blockK = 0
    private var lowStart = 0
    private var lowBytes = 0
    /// The next document whose positions a forward walk would read, and where its codes start (bits
    /// into the low and the unary section).
    private var scanIndex = 0
    private var scanLow = 0
    private var scanUnary = 0
    private var positionsChecked = false
    /// The document whose positions were last located, and where they start.
    private var locatedIndex = -1
    private var locatedLow = 0
    private var locatedUnary = 0
    /// Positions decoded for a merge (`withRestOfBlock`).
    private var decoded: [UInt32] = []
    public private(set) var doc: Int32 = -1

    init(post: PageChecksums.Reader, pos: PageChecksums.Reader, documents: Int, info: TermInfo) throws(IndexError) {
        self.post = post
        self.pos = pos
        self.documents = documents
        self.info = info
        fullBlocks = info.docFreq / BitPacking.blockSize
        docs = [UInt32](repeating: 0, count: BitPacking.blockSize)
        freqs = [UInt32](repeating: 0, count: BitPacking.blockSize)
        guard info.docFreq <= documents, info.postingsLength >= fullBlocks * BlockPostings.skipEntrySize else {
            throw IndexError.corrupt(path: post.path, reason: "a postings list does not match its term entry")
        }
        // The skip table is checked whole (12 bytes a block); blocks and positions as they are read.
        postVerified = try post.check(info.postingsOffset..<(info.postingsOffset + fullBlocks * BlockPostings.skipEntrySize), verified: 0..<0)
        guard info.postingsOffset + info.postingsLength <= post.length, info.positionsOffset + info.positionsLength <= pos.length else {
            throw IndexError.corrupt(path: post.path, reason: "postings range out of bounds")
        }
    }

    func corrupt(_ reason: String) -> IndexError { IndexError.corrupt(path: post.path, reason: reason) }

    /// Term frequency of the current document. Inlinable: a call of a getter across modules on a
    /// cursor kept in an array copied the whole cursor (356 bytes) for every document verified.
    @inlinable
    public var freq: Int { Int(freqs[index]) }

    @inline(__always)
    private func skip(_ b: Int) -> (last: UInt32, end: Int, posEnd: Int) {
        let p = post.pointer(info.postingsOffset + b * BlockPostings.skipEntrySize)
        return (UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)),
                Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))),
                Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))))
    }

    /// The last document of the list's middle full block (from its skip entry, without decoding),
    /// or nil for a list of fewer than two full blocks: where a long list is cut in two halves.
    public var middleDocument: Int32? {
        guard fullBlocks >= 2 else { return nil }
        return Int32(truncatingIfNeeded: skip((fullBlocks - 1) / 2).last)
    }

    /// Moves to the next document; returns it (or `end`).
    @inline(__always)
    public mutating func next() throws(IndexError) -> Int32 {
        if doc == PostingCursor.end { return doc }
        if index + 1 < count {
            index += 1
            doc = Int32(truncatingIfNeeded: docs[index])
            return doc
        }
        return try advance(to: doc &+ 1)
    }

    /// Moves to the first document ≥ `target`; returns it (or `end`).
    public mutating func advance(to target: Int32) throws(IndexError) -> Int32 {
        if doc >= target { return doc }
        let t = UInt32(truncatingIfNeeded: max(0, target))
        if count > 0 && docs[count - 1] >= t {
            var i = index
            while docs[i] < t { i += 1 }
            index = i
            doc = Int32(truncatingIfNeeded: docs[i])
            return doc
        }
        // Find the first block whose last document is ≥ target: gallop over skip entries, then bisect.
        var b = block + 1
        if b < fullBlocks {
            var step = 1
            var lo = b, hi = b
            while hi < fullBlocks && skip(hi).last < t {
                lo = hi + 1
                hi += step
                step <<= 1
            }
            hi = min(hi, fullBlocks)
            while lo < hi {
                let mid = (lo + hi) >> 1
                if skip(mid).last < t { lo = mid + 1 } else { hi = mid }
            }
            b = lo
        }
        let tail = info.docFreq - fullBlocks * BitPacking.blockSize
        if b > fullBlocks || (b == fullBlocks && tail == 0) {
            doc = PostingCursor.end
            count = 0
            return doc
        }
        try decode(block: b)
        var i = 0
        while i < count && docs[i] < t { i += 1 }
        if i == count {
            doc = PostingCursor.end
            count = 0
            return doc
        }
        index = i
        doc = Int32(truncatingIfNeeded: docs[i])
        return doc
    }

    private mutating func decode(block b: Int) throws(IndexError) {
        let skipBytes = fullBlocks * BlockPostings.skipEntrySize
        let previous = b == 0 ? (last: UInt32(0), end: skipBytes, posEnd: 0) : skip(b - 1)
        let start = previous.end
        let end: Int, posEnd: Int
        if b < fullBlocks {
            let s = skip(b)
            end = s.end
            posEnd = s.posEnd
        } else {
            end = info.postingsLength
            posEnd = info.positionsLength
        }
        guard start >= skipBytes, start <= end, end <= info.postingsLength,
              previous.posEnd <= posEnd, posEnd <= info.positionsLength else {
            throw corrupt("a postings block is out of bounds")
        }
        let base = info.postingsOffset
        postVerified = try post.check((base + start)..<(base + end), verified: postVerified)
        let limit = UInt32(truncatingIfNeeded: documents)
        if b < fullBlocks {
            let p = post.pointer(base + start)
            let length = end - start
            var last = UInt64(previous.last)
            let docBytes = docs.withUnsafeMutableBufferPointer { d -> Int? in
                guard let bytes = PatchedPacking.unpack(p, available: length, add: 0, into: d.baseAddress!) else { return nil }
                // A stored value is the distance less one (the list's first document as it is).
                last = b == 0 ? UInt64(d[0]) : last + UInt64(d[0]) + 1
                d[0] = UInt32(truncatingIfNeeded: last)
                for k in 1..<BitPacking.blockSize {
                    last += UInt64(d[k]) + 1
                    d[k] = UInt32(truncatingIfNeeded: last)
                }
                return bytes
            }
            let freqBytes = docBytes.flatMap { docBytes in
                freqs.withUnsafeMutableBufferPointer { f -> Int? in
                    // Stored as tf − 1; a tf of 2³² (a wrap to 0) is malformed (nil).
                    PatchedPacking.unpack(p + docBytes, available: length - docBytes, add: 1, into: f.baseAddress!)
                }
            }
            // Documents ascend, so the last one below the segment's count bounds them all.
            guard let docBytes, let freqBytes, docBytes + freqBytes == length, last == UInt64(skip(b).last),
                  last < UInt64(limit) else { throw corrupt("a postings block is malformed") }
            count = BitPacking.blockSize
        } else {
            var r = ByteReader(base: post.pointer(0), range: (base + start)..<(base + end))
            let n = info.docFreq - fullBlocks * BitPacking.blockSize
            var last = UInt64(previous.last)
            for k in 0..<n {
                guard let code = r.varint(), let tf = code & 1 == 1 ? 1 : r.varint(), tf > 0, tf < UInt64(Int32.max) else {
                    throw corrupt("malformed postings")
                }
                let delta = code >> 1
                guard delta > 0 || (b == 0 && k == 0) else { throw corrupt("malformed postings") }
                last += delta
                guard last < UInt64(limit) else { throw corrupt("document number out of range") }
                docs[k] = UInt32(last)
                freqs[k] = UInt32(tf)
            }
            guard r.remaining == 0 else { throw corrupt("malformed postings") }
            count = n
        }
        block = b
        index = 0
        blockPosStart = info.positionsOffset + previous.posEnd
        blockPosEnd = info.positionsOffset + posEnd
        scanIndex = 0
        scanLow = 0
        scanUnary = 0
        locatedIndex = -1
        positionsChecked = false
    }

    /// Appends every document after the current one and its frequency, a block at a time.
    public mutating func appendRemaining(docs outDocs: inout [Int32], freqs outFreqs: inout [Int32]) throws(IndexError) {
        while try next() != PostingCursor.end {
            for i in index..<count {
                outDocs.append(Int32(truncatingIfNeeded: docs[i]))
                outFreqs.append(Int32(truncatingIfNeeded: freqs[i]))
            }
            index = count - 1
            doc = Int32(truncatingIfNeeded: docs[index])
        }
    }

    /// For a union of lists: adds each document's frequency after the current one to
    /// `sums[2 × doc]`, and how many of its positions lie in `span(doc)` to `sums[2 × doc + 1]`
    /// (reading positions only up to the span's end), a block at a time. `sums` holds two entries
    /// per document of the segment, side by side (one cache line for both; a shorter array is left
    /// as it is); a sum past `Int32.max` is an error. The positions of every document whose bit is
    /// set in `keep` (bit `doc & 63` of word `doc >> 6`; documents past its end are not kept) are
    /// read whole and appended to `kept` as `doc << 32 | position`.
    public mutating func accumulate(into sums: inout [Int32], span: (Int) -> Range<Int32>?,
                                    keeping keep: [UInt64]?, kept: inout [UInt64]) throws(IndexError) {
        guard sums.count >= 2 * documents else { return }
        while try next() != PostingCursor.end {
            for i in index..<count {
                index = i
                doc = Int32(truncatingIfNeeded: docs[i])
                let d = Int(docs[i])
                let (sum, overflow) = sums[2 * d].addingReportingOverflow(Int32(truncatingIfNeeded: freqs[i]))
                guard !overflow else { throw corrupt("more than 2³¹ positions in one document") }
                sums[2 * d] = sum
                if let keep, d >> 6 < keep.count, keep[d >> 6] & (1 << UInt64(d & 63)) != 0 {
                    let s = span(d) ?? 0..<0
                    var inSpan: Int32 = 0
                    try forEachPosition { p in
                        kept.append(UInt64(d) << 32 | UInt64(UInt32(bitPattern: p)))
                        if s.contains(p) { inSpan &+= 1 }
                    }
                    sums[2 * d + 1] &+= inSpan
                } else if let s = span(d) {
                    sums[2 * d + 1] &+= Int32(truncatingIfNeeded: try countPositions(in: s))
                }
            }
        }
    }

    func malformedPositions() -> IndexError { IndexError.corrupt(path: pos.path, reason: "malformed positions") }

    /// Readers of the current block's low and unary sections, from these bits on.
    @inline(__always)
    private func sections(_ low: Int, _ unary: Int) -> (PositionCoding.BitReader, PositionCoding.BitReader) {
        let unaryStart = lowStart + lowBytes
        // Both sections lie in `.pos`'s data, which the checksum table and footer follow: 8 bytes
        // past either can always be loaded.
        return (PositionCoding.BitReader(UnsafeRawBufferPointer(start: pos.pointer(lowStart), count: lowBytes), bit: low, slack: 8),
                PositionCoding.BitReader(UnsafeRawBufferPointer(start: pos.pointer(unaryStart), count: blockPosEnd - unaryStart),
                                         bit: unary, slack: 8))
    }

    /// Where the current document's position codes start (the block's pages checked, and its `k`
    /// read, on first use). Walking forward through a block passes each code once, by arithmetic
    /// in the low section and by counting one bits in the unary section; reading the same document
    /// again costs nothing.
    @inline(__always)
    private mutating func locatePositions() throws(IndexError) -> (low: Int, unary: Int) {
        if !positionsChecked {
            posVerified = try pos.check(blockPosStart..<blockPosEnd, verified: posVerified)
            guard blockPosEnd > blockPosStart else { throw malformedPositions() }
            var r = ByteReader(base: pos.pointer(0), range: blockPosStart..<blockPosEnd)
            guard let k = r.u8(), k <= PositionCoding.maximumK, let length = r.varint(), length <= UInt64(r.remaining) else {
                throw malformedPositions()
            }
            blockK = Int(k)
            lowStart = r.offset
            lowBytes = Int(length)
            positionsChecked = true
        }
        if locatedIndex == index { return (locatedLow, locatedUnary) }
        if scanIndex > index {
            // Read an earlier document again: start over from the block's first document.
            scanIndex = 0
            scanLow = 0
            scanUnary = 0
        }
        var ones = 0
        for k in scanIndex..<index {
            scanLow += Int(freqs[k]) * PositionCoding.documentK(blockK, tf: freqs[k])
            ones += Int(freqs[k])
        }
        var (_, unary) = sections(0, scanUnary)
        guard unary.skipOnes(ones), scanLow <= lowBytes * 8 else { throw malformedPositions() }
        scanIndex = index
        scanUnary = unary.bit
        locatedIndex = index
        locatedLow = scanLow
        locatedUnary = scanUnary
        return (scanLow, scanUnary)
    }

    /// For a merge: hands `body` the documents of the current block from the current one on, their
    /// frequencies and their positions as gaps (`PositionCoding`: one document after another,
    /// checked to end the block's codes exactly and to keep every position below 2³¹), and leaves
    /// the cursor on the block's last document.
    public mutating func withRestOfBlock(
        _ body: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>) throws(IndexError) -> Void
    ) throws(IndexError) {
        guard doc >= 0 && doc != PostingCursor.end else { return }
        let start = try locatePositions()
        var (low, unary) = sections(start.low, start.unary)
        decoded.removeAll(keepingCapacity: true)
        for k in index..<count {
            let kd = PositionCoding.documentK(blockK, tf: freqs[k])
            var least: UInt64 = 0
            for _ in 0..<Int(freqs[k]) {
                guard let position = PositionCoding.nextPosition(&low, &unary, k: kd, least: least) else { throw malformedPositions() }
                decoded.append(UInt32(position - least))
                least = position + 1
            }
        }
        guard low.atEnd, unary.atEnd else { throw malformedPositions() }
        let (from, to) = (index, count)
        try docs.withUnsafeBufferPointer { (d) throws(IndexError) in
            try freqs.withUnsafeBufferPointer { (f) throws(IndexError) in
                try decoded.withUnsafeBufferPointer { (positions) throws(IndexError) in
                    try body(UnsafeBufferPointer(rebasing: d[from..<to]), UnsafeBufferPointer(rebasing: f[from..<to]), positions)
                }
            }
        }
        index = count - 1
        doc = Int32(truncatingIfNeeded: docs[index])
        scanIndex = count
        scanLow = low.bit
        scanUnary = unary.bit
        locatedIndex = -1
    }

    /// Calls `body` with each position of the current document, ascending.
    @inline(__always)
    public mutating func forEachPosition(_ body: (Int32) -> Void) throws(IndexError) {
        guard doc >= 0 && doc != PostingCursor.end else { return }
        let start = try locatePositions()
        var (low, unary) = sections(start.low, start.unary)
        let kd = PositionCoding.documentK(blockK, tf: freqs[index])
        var least: UInt64 = 0
        for _ in 0..<Int(freqs[index]) {
            guard let position = PositionCoding.nextPosition(&low, &unary, k: kd, least: least) else { throw malformedPositions() }
            body(Int32(position))
            least = position + 1
        }
        scanIndex = index + 1
        scanLow = low.bit
        scanUnary = unary.bit
    }

    /// Writes the current document's positions minus `offset`, ascending, to `out` (which has room
    /// for `freq` of them), leaving out those below 0 when `dropNegative`; returns how many it
    /// wrote. The verifying loop of a phrase calls this for every candidate: a write through a
    /// pointer, where a closure appending to an array checked the array's uniqueness and capacity
    /// for every position.
    @inline(__always)
    public mutating func writePositions(minus offset: Int32, into out: UnsafeMutablePointer<Int32>,
                                        dropNegative: Bool) throws(IndexError) -> Int {
        var written = 0
        try forEachPosition { position in
            let v = position &- offset
            out[written] = v
            written &+= dropNegative && v < 0 ? 0 : 1
        }
        return written
    }

    /// How many of the current document's positions lie in `range`; reads them only up to the
    /// range's end (ranking asks for the title zone, near the start of most documents).
    public mutating func countPositions(in range: Range<Int32>) throws(IndexError) -> Int {
        guard doc >= 0 && doc != PostingCursor.end else { return 0 }
        let start = try locatePositions()
        var (low, unary) = sections(start.low, start.unary)
        let kd = PositionCoding.documentK(blockK, tf: freqs[index])
        var least: UInt64 = 0, count = 0
        for _ in 0..<Int(freqs[index]) {
            guard let position = PositionCoding.nextPosition(&low, &unary, k: kd, least: least) else { throw malformedPositions() }
            if position >= UInt64(max(0, range.upperBound)) { break }
            if position >= UInt64(max(0, range.lowerBound)) { count += 1 }
            least = position + 1
        }
        return count
    }
}
