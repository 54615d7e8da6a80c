import CICU

/// The term dictionary (`.terms`): gram keys in ascending order, in blocks of up to `blockSize`
/// entries, each block delta-encoded (the integer form of prefix compression: neighbouring grams share
/// their first character, so a key delta is usually one or two bytes) and closed by its own CRC-32.
/// A small index of every block's first key and offset sits at the end of the file and is loaded
/// when the segment opens; a lookup binary-searches it in memory, then checks and scans one block.
///
/// Body: `block* | index entry* | blockCount u64 | termCount u64 | indexCRC u32`, where
/// - block = `n varint | postingsOffset varint | positionsOffset varint |
///   n × (keyDelta varint, docFreq varint, postingsLength varint, positionsLength varint) | crc u32`
///   (`keyDelta` from the previous key of the block, 0 for the first; a term's lists start where the
///   previous term's end, so only the block's first offsets are written);
/// - index entry = `firstKey u64 | blockOffset u64` (data offset of the block from the body start);
/// - `indexCRC` covers the index entries and both counts.
enum TermDictionary {
    static let blockSize = 64
    static let trailerSize = 20

    final class Writer {
        let file: FileWriter
        private var block: [UInt8] = []
        private var index: [UInt8] = []
        private var inBlock = 0
        private var blockCount = 0
        private(set) var termCount = 0
        private var lastKey: UInt64 = 0
        private var entries: [UInt8] = []
        private var firstPostings = 0, firstPositions = 0
        private var dataLength = 0

        init(_ file: FileWriter) { self.file = file }

        func add(key: UInt64, docFreq: Int, postingsOffset: Int, postingsLength: Int,
                 positionsOffset: Int, positionsLength: Int) throws(IndexError) {
            if inBlock == 0 {
                index.appendLE(key)
                index.appendLE(UInt64(dataLength))
                firstPostings = postingsOffset
                firstPositions = positionsOffset
                lastKey = key
                blockCount += 1
            }
            VarInt.append(key &- lastKey, to: &entries)
            VarInt.append(UInt64(docFreq), to: &entries)
            VarInt.append(UInt64(postingsLength), to: &entries)
            VarInt.append(UInt64(positionsLength), to: &entries)
            lastKey = key
            inBlock += 1
            termCount += 1
            if inBlock == TermDictionary.blockSize { try flushBlock() }
        }

        private func flushBlock() throws(IndexError) {
            guard inBlock > 0 else { return }
            block.removeAll(keepingCapacity: true)
            VarInt.append(UInt64(inBlock), to: &block)
            VarInt.append(UInt64(firstPostings), to: &block)
            VarInt.append(UInt64(firstPositions), to: &block)
            block.append(contentsOf: entries)
            block.appendLE(block.withUnsafeBytes { cicu_crc32(0, $0.baseAddress, $0.count) })
            try file.append(block)
            dataLength += block.count
            entries.removeAll(keepingCapacity: true)
            inBlock = 0
        }

        func finish() throws(IndexError) {
            try flushBlock()
            index.appendLE(UInt64(blockCount))
            index.appendLE(UInt64(termCount))
            index.appendLE(index.withUnsafeBytes { cicu_crc32(0, $0.baseAddress, $0.count) })
            try file.append(index)
            try file.finish()
        }
    }

    /// The loaded block index over a mapped `.terms` file.
    struct Reader: @unchecked Sendable {
        let base: UnsafeRawPointer
        /// File offset of the body.
        let start: Int
        /// Data offset where the blocks end (the index starts).
        let blocksEnd: Int
        let firstKeys: [UInt64]
        let blockOffsets: [Int]
        let termCount: Int
        let path: String
        /// Blocks found intact, one bit each (the file is immutable while mapped): a warm lookup
        /// checks no block twice, as `PageChecksums` does for postings pages.
        let checked: PageChecksums.VerifiedPages

        init(_ file: MappedFile) throws(IndexError) {
            path = file.path
            let body = file.bodyRange
            guard let base = file.bytes.baseAddress, body.count >= trailerSize else {
                throw IndexError.corrupt(path: file.path, reason: "too short for a term dictionary")
            }
            self.base = base
            start = body.lowerBound
            var t = ByteReader(base: base, range: (body.upperBound - trailerSize)..<body.upperBound)
            let blocks = t.u64()!, terms = t.u64()!, crc = t.u32()!
            guard blocks <= UInt64(body.count / 16), terms <= blocks &* UInt64(blockSize), terms >= blocks else {
                throw IndexError.corrupt(path: file.path, reason: "term dictionary counts out of range")
            }
            let n = Int(blocks)
            blocksEnd = body.count - trailerSize - n * 16
            guard blocksEnd >= 0 else { throw IndexError.corrupt(path: file.path, reason: "term dictionary counts out of range") }
            let indexStart = start + blocksEnd
            if cicu_crc32(0, base + indexStart, n * 16 + 16) != crc {
                throw IndexError.corrupt(path: file.path, reason: "the term index fails its checksum")
            }
            var keys = [UInt64](repeating: 0, count: n), offsets = [Int](repeating: 0, count: n)
            var r = ByteReader(base: base, range: indexStart..<(indexStart + n * 16))
            for b in 0..<n {
                keys[b] = r.u64()!
                let o = r.u64()!
                guard o < UInt64(blocksEnd), b == 0 ? o == 0 : (Int(o) > offsets[b - 1] && keys[b] > keys[b - 1]) else {
                    throw IndexError.corrupt(path: file.path, reason: "the term index is out of order")
                }
                offsets[b] = Int(o)
            }
            if n == 0 && blocksEnd != 0 { throw IndexError.corrupt(path: file.path, reason: "term blocks without an index") }
            firstKeys = keys
            blockOffsets = offsets
            termCount = Int(terms)
            checked = PageChecksums.VerifiedPages(count: n)
        }

        /// The block that would hold `key` (the last whose first key is ≤ `key`), or nil.
        func block(for key: UInt64) -> Int? {
            var lo = 0, hi = firstKeys.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if firstKeys[mid] <= key { lo = mid + 1 } else { hi = mid }
            }
            return lo == 0 ? nil : lo - 1
        }

        /// Calls `body` with every entry of block `b` in key order until it returns false; returns
        /// false when `body` stopped the scan.
        @discardableResult
        func scan(block b: Int, _ body: (TermInfo) throws(IndexError) -> Bool) throws(IndexError) -> Bool {
            let from = start + blockOffsets[b]
            let to = start + (b + 1 < blockOffsets.count ? blockOffsets[b + 1] : blocksEnd)
            guard to - from >= 4 + 3 else { throw IndexError.corrupt(path: path, reason: "term block \(b) is too short") }
            if !checked.contains(b) {
                let stored = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: to - 4, as: UInt32.self))
                if cicu_crc32(0, base + from, to - 4 - from) != stored {
                    throw IndexError.corrupt(path: path, reason: "term block \(b) fails its checksum")
                }
                checked.insert(b)
            }
            var r = ByteReader(base: base, range: from..<(to - 4))
            guard let n = r.varint(), n >= 1, n <= UInt64(blockSize), let po = r.varint(), let pp = r.varint(),
                  po < UInt64(Int32.max) << 8, pp < UInt64(Int32.max) << 8 else {
                throw IndexError.corrupt(path: path, reason: "term block \(b) is malformed")
            }
            var key = firstKeys[b]
            var postings = Int(po), positions = Int(pp)
            for i in 0..<Int(n) {
                guard let delta = r.varint(), let df = r.varint(), let pl = r.varint(), let ql = r.varint(),
                      i == 0 ? delta == 0 : delta > 0, df >= 1, df < UInt64(Int32.max),
                      pl < UInt64(Int32.max), ql < UInt64(Int32.max) else {
                    throw IndexError.corrupt(path: path, reason: "term block \(b) is malformed")
                }
                key &+= delta
                let info = TermInfo(key: key, docFreq: Int(df), postingsOffset: postings, postingsLength: Int(pl),
                                    positionsOffset: positions, positionsLength: Int(ql))
                postings += Int(pl)
                positions += Int(ql)
                if try !body(info) { return false }
            }
            guard r.remaining == 0 else { throw IndexError.corrupt(path: path, reason: "term block \(b) is malformed") }
            return true
        }

        func find(_ key: UInt64) throws(IndexError) -> TermInfo? {
            guard let b = block(for: key) else { return nil }
            var found: TermInfo?
            try scan(block: b) { (info) throws(IndexError) -> Bool in
                if info.key == key { found = info }
                return info.key < key
            }
            return found
        }

        /// Every entry with a key in `range`, in key order.
        func terms(in range: ClosedRange<UInt64>, _ body: (TermInfo) throws(IndexError) -> Void) throws(IndexError) {
            var b = block(for: range.lowerBound) ?? 0
            while b < firstKeys.count, firstKeys[b] <= range.upperBound {
                let more = try scan(block: b) { (info) throws(IndexError) -> Bool in
                    if info.key > range.upperBound { return false }
                    if info.key >= range.lowerBound { try body(info) }
                    return true
                }
                if !more { return }
                b += 1
            }
        }
    }
}
