/// Postings in blocks of 128 documents (the layout of `.post` and `.pos`; `Index/README.md` has it
/// byte by byte).
///
/// A term's list in `.post` is `skip entry × F | full block × F | tail`, where F = ⌊docFreq / 128⌋:
/// - skip entry (12 bytes): the block's last document `u32`, the end of the block's bytes (from the
///   list's start) `u32`, the end of the block's positions (from the list's start in `.pos`) `u32`;
/// - full block: `docBits u8 | freqBits u8 | 128 document deltas, docBits each | 128 (tf − 1),
///   freqBits each` (deltas from the previous block's last document, the first block's from 0);
/// - tail (docFreq mod 128 documents): per document `varint(delta << 1 | tf == 1)` then `varint(tf)`
///   when tf > 1.
/// In `.pos`, each document's tf positions (UTF-16 offsets of the gram in the normalized text) as
/// varint deltas, the first from 0, in document order: the positions of a block are contiguous, and a
/// query reads them only for the documents that survive the intersection of all its grams.
public enum BlockPostings {
    static let skipEntrySize = 12

    /// Encodes one term's list a document at a time, so a list of any length takes bounded memory:
    /// positions go to `.pos` as documents arrive (a megabyte at a time), documents and frequencies
    /// are packed 128 at a time, and `finish` returns the skip table, the full blocks and the tail.
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
            buffered = 0
            previous = 0
        }

        /// Adds the next document (above the previous one) with its positions, ascending (tf ≥ 1).
        mutating func add(doc: UInt32, positions offsets: UnsafeBufferPointer<UInt32>) throws(IndexError) {
            let before = positions.count
            var last: UInt32 = 0
            for p in offsets {
                VarInt.append(p &- last, to: &positions)
                last = p
            }
            try added(doc: doc, freq: offsets.count, positionBytes: positions.count - before)
        }

        /// Adds the next document with its `freq` positions as another list stores them (`.pos`
        /// bytes, `PostingCursor.positionBytes()`): a merge copies them as they are.
        mutating func add(doc: UInt32, freq: Int, positionBytes bytes: UnsafeRawBufferPointer) throws(IndexError) {
            positions.append(contentsOf: bytes)
            try added(doc: doc, freq: freq, positionBytes: bytes.count)
        }

        /// Adds the documents `docs[k] + base`, with frequencies `freqs` and their positions as
        /// another list stores them (`bytes`: `Σ freqs` varints, `PostingCursor.withRestOfBlock`),
        /// cutting the bytes where this list's blocks end: a merge copies a block at a time.
        mutating func add(docs: UnsafeBufferPointer<UInt32>, plus base: UInt32, freqs: UnsafeBufferPointer<UInt32>,
                          positionBytes bytes: UnsafeRawBufferPointer) throws(IndexError) {
            var k = 0, offset = 0
            while k < docs.count {
                let m = min(docs.count - k, BitPacking.blockSize - buffered)
                var varints = 0
                for j in 0..<m {
                    self.docs[buffered + j] = docs[k + j] &+ base
                    self.freqs[buffered + j] = freqs[k + j]
                    varints += Int(freqs[k + j])
                }
                // (`withRestOfBlock` checked that `bytes` hold exactly their documents' varints.)
                let end = k + m == docs.count ? bytes.count : BlockPostings.endOfVarints(varints, in: bytes, from: offset) ?? bytes.count
                positions.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                positionsLength += end - offset
                offset = end
                buffered += m
                documentCount += m
                k += m
                if buffered == BitPacking.blockSize { packBlock() }
            }
            if positions.count >= 1 << 20 { try flushPositions() }
        }

        @inline(__always)
        private mutating func added(doc: UInt32, freq: Int, positionBytes: Int) throws(IndexError) {
            positionsLength += positionBytes
            docs[buffered] = doc
            freqs[buffered] = UInt32(truncatingIfNeeded: freq)
            buffered += 1
            documentCount += 1
            if buffered == BitPacking.blockSize { packBlock() }
            if positions.count >= 1 << 20 { try flushPositions() }
        }

        private mutating func flushPositions() throws(IndexError) {
            guard !positions.isEmpty else { return }
            try positionsOut.append(positions)
            positions.removeAll(keepingCapacity: true)
        }

        private mutating func packBlock() {
            for k in 0..<BitPacking.blockSize {
                scratch[k] = docs[k] &- previous
                previous = docs[k]
            }
            let docBits = scratch.withUnsafeBufferPointer { BitPacking.width($0) }
            blocks.append(UInt8(docBits))
            let freqBitsAt = blocks.count
            blocks.append(0)
            scratch.withUnsafeBufferPointer { BitPacking.pack($0, width: docBits, to: &blocks) }
            for k in 0..<BitPacking.blockSize { scratch[k] = freqs[k] &- 1 }
            let freqBits = scratch.withUnsafeBufferPointer { BitPacking.width($0) }
            blocks[freqBitsAt] = UInt8(freqBits)
            scratch.withUnsafeBufferPointer { BitPacking.pack($0, width: freqBits, to: &blocks) }
            skips.append((previous, blocks.count, positionsLength))
            buffered = 0
        }

        /// Writes the rest of the positions and appends the list's `.post` bytes (skip table, full
        /// blocks, tail) to `post`.
        mutating func finish(into post: inout [UInt8]) throws(IndexError) {
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

extension BlockPostings {
    /// The offset after `count` varints of `bytes` from `start` (counting terminator bytes, high bit
    /// clear, eight at a time while a whole word of them is to be skipped); nil when they hold fewer.
    @inline(__always)
    static func endOfVarints(_ count: Int, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var left = count, o = start
        let n = bytes.count
        while left > 0 && o + 8 <= n {
            let word = bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)
            let ends = (~word & 0x8080_8080_8080_8080).nonzeroBitCount
            if ends >= left { break }  // the last terminator to skip is in this word: byte by byte
            left -= ends
            o += 8
        }
        while left > 0 && o < n {
            if bytes[o] < 0x80 { left -= 1 }
            o += 1
        }
        return left == 0 ? o : nil
    }

    /// How many varints end in `bytes` (bytes with the high bit clear), eight bytes at a time.
    static func terminators(in bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0, o = 0
        while o + 8 <= bytes.count {
            count += (~bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self) & 0x8080_8080_8080_8080).nonzeroBitCount
            o += 8
        }
        while o < bytes.count {
            if bytes[o] < 0x80 { count += 1 }
            o += 1
        }
        return count
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
    private var freqs: [UInt32]
    private var count = 0
    private var index = 0
    private var block = -1
    private var blockPosStart = 0
    private var blockPosEnd = 0
    private var scanIndex = 0
    private var scanOffset = 0
    private var positionsChecked = false
    /// The document whose positions were last located, and where they start.
    private var locatedIndex = -1
    private var locatedOffset = 0
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

    /// Term frequency of the current document.
    @inline(__always)
    public var freq: Int { Int(freqs[index]) }

    @inline(__always)
    private func skip(_ b: Int) -> (last: UInt32, end: Int, posEnd: Int) {
        let p = post.pointer(info.postingsOffset + b * BlockPostings.skipEntrySize)
        return (UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)),
                Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))),
                Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))))
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
            guard end - start >= 2 else { throw corrupt("a postings block is malformed") }
            let docBits = Int(p.load(as: UInt8.self)), freqBits = Int(p.load(fromByteOffset: 1, as: UInt8.self))
            guard docBits <= 32, freqBits <= 32,
                  end - start == 2 + BitPacking.byteCount(width: docBits) + BitPacking.byteCount(width: freqBits) else {
                throw corrupt("a postings block is malformed")
            }
            var last = previous.last
            var ok = true
            docs.withUnsafeMutableBufferPointer { d in
                BitPacking.unpack(p + 2, width: docBits, add: 0, into: d.baseAddress!)
                for k in 0..<BitPacking.blockSize {
                    let (v, o) = last.addingReportingOverflow(d[k])
                    if o || (d[k] == 0 && !(b == 0 && k == 0)) { ok = false }
                    last = v
                    d[k] = v
                }
            }
            freqs.withUnsafeMutableBufferPointer { f in
                BitPacking.unpack(p + 2 + BitPacking.byteCount(width: docBits), width: freqBits, add: 1, into: f.baseAddress!)
                for k in 0..<BitPacking.blockSize where f[k] == 0 { ok = false }
            }
            guard ok, last == skip(b).last, last < limit else { throw corrupt("a postings block is malformed") }
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
        scanOffset = blockPosStart
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

    /// Where the current document's positions start in `.pos` (the block's pages checked on first
    /// use). Walking forward through a block costs one pass over its position bytes; reading the
    /// same document again costs nothing.
    @inline(__always)
    private mutating func locatePositions() throws(IndexError) -> Int {
        if !positionsChecked {
            posVerified = try pos.check(blockPosStart..<blockPosEnd, verified: posVerified)
            positionsChecked = true
        }
        if locatedIndex == index { return locatedOffset }
        if scanIndex > index {
            // Read an earlier document again: start over from the block's first document.
            scanIndex = 0
            scanOffset = blockPosStart
        }
        var skip = 0
        for k in scanIndex..<index { skip += Int(freqs[k]) }
        let o = try skipVarints(skip, from: scanOffset)
        scanIndex = index
        scanOffset = o
        locatedIndex = index
        locatedOffset = o
        return o
    }

    /// The offset after `count` varints from `start`, within the current block's positions.
    @inline(__always)
    private func skipVarints(_ count: Int, from start: Int) throws(IndexError) -> Int {
        let block = UnsafeRawBufferPointer(start: pos.pointer(0), count: blockPosEnd)
        guard let end = BlockPostings.endOfVarints(count, in: block, from: start) else {
            throw IndexError.corrupt(path: pos.path, reason: "malformed positions")
        }
        return end
    }

    /// The current document's positions as `.pos` stores them (`freq` varints; see
    /// `ListEncoder.add(doc:freq:positionBytes:)`), valid while the segment is open.
    public mutating func positionBytes() throws(IndexError) -> UnsafeRawBufferPointer {
        guard doc >= 0 && doc != PostingCursor.end else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let o = try locatePositions()
        let end = try skipVarints(Int(freqs[index]), from: o)
        scanIndex = index + 1
        scanOffset = end
        return UnsafeRawBufferPointer(start: pos.pointer(o), count: end - o)
    }

    /// For a merge: hands `body` the documents of the current block from the current one on, their
    /// frequencies and their positions as `.pos` stores them (contiguous, checked to hold exactly
    /// `Σ freqs` varints), and leaves the cursor on the block's last document.
    public mutating func withRestOfBlock(
        _ body: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>, UnsafeRawBufferPointer) throws(IndexError) -> Void
    ) throws(IndexError) {
        guard doc >= 0 && doc != PostingCursor.end else { return }
        let o = try locatePositions()
        let bytes = UnsafeRawBufferPointer(start: pos.pointer(o), count: blockPosEnd - o)
        var varints = 0
        for k in index..<count { varints += Int(freqs[k]) }
        guard BlockPostings.terminators(in: bytes) == varints, bytes.last.map({ $0 < 0x80 }) ?? (varints == 0) else {
            throw IndexError.corrupt(path: pos.path, reason: "malformed positions")
        }
        let (from, to) = (index, count)
        try docs.withUnsafeBufferPointer { (d) throws(IndexError) in
            try freqs.withUnsafeBufferPointer { (f) throws(IndexError) in
                try body(UnsafeBufferPointer(rebasing: d[from..<to]), UnsafeBufferPointer(rebasing: f[from..<to]), bytes)
            }
        }
        index = count - 1
        doc = Int32(truncatingIfNeeded: docs[index])
        scanIndex = count
        scanOffset = blockPosEnd
        locatedIndex = -1
    }

    /// Calls `body` with each position of the current document, ascending.
    @inline(__always)
    public mutating func forEachPosition(_ body: (Int32) -> Void) throws(IndexError) {
        guard doc >= 0 && doc != PostingCursor.end else { return }
        let o = try locatePositions()
        var r = ByteReader(base: pos.pointer(0), range: o..<blockPosEnd)
        var position: UInt64 = 0
        for _ in 0..<Int(freqs[index]) {
            guard let d = r.varint() else { throw IndexError.corrupt(path: pos.path, reason: "malformed positions") }
            position &+= d
            body(Int32(truncatingIfNeeded: position))
        }
        scanIndex = index + 1
        scanOffset = r.offset
    }

    /// How many of the current document's positions lie in `range`; reads them only up to the
    /// range's end (ranking asks for the title zone, near the start of most documents).
    public mutating func countPositions(in range: Range<Int32>) throws(IndexError) -> Int {
        guard doc >= 0 && doc != PostingCursor.end else { return 0 }
        let o = try locatePositions()
        var r = ByteReader(base: pos.pointer(0), range: o..<blockPosEnd)
        var position: UInt64 = 0, count = 0
        for _ in 0..<Int(freqs[index]) {
            guard let d = r.varint() else { throw IndexError.corrupt(path: pos.path, reason: "malformed positions") }
            position &+= d
            let p = Int32(truncatingIfNeeded: position)
            if p >= range.upperBound { break }
            if p >= range.lowerBound { count += 1 }
        }
        return count
    }
}
