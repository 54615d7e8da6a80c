/// Merges segments into one without analysing a document again (Lucene's `SegmentMerger`): the
/// live documents are renumbered in segment order, their records, columns, signatures and stored
/// text copied, and the postings of each term merged list by list, in key order across all the term
/// dictionaries at once.
///
/// The new segment takes the store dictionary of the input with the most live documents, so the
/// stored records of every input with that dictionary (all of them when the inputs come from runs
/// on one index: `SharedStoreDictionary`) are copied as they are; only the texts of other inputs,
/// and texts stored without a dictionary (a run's first, a small run's), are compressed again.
///
/// Every input file is checked whole first (a merge must not carry a damaged byte into a new
/// segment). Memory: one term's merged list at a time and one input's signature table; the inputs'
/// mapped pages are dropped from resident memory as the merge leaves them behind, so its peak does
/// not grow with the size of the inputs.
enum SegmentMerger {
    /// The inputs' postings and positions are dropped from resident memory when the mapped pages
    /// resident in the process have grown by this much since the merge started. Reading a few
    /// bytes of a list maps a whole fault-around window (64 KB) of each file it touches, so with
    /// hundreds of inputs (the merge that ends a build from nothing) the bytes read say little about
    /// what is resident: the process's own count (`System.residentFileBytes`) does. (64 MB let the
    /// last merge of a 1,000,000-document build reach 258 MiB of RSS, two postings ranges at a time;
    /// 48 MB, 229 MiB in the same time.)
    static let residentBudget = 48 << 20
    /// Where that count is not available: drop after this many bytes of lists read from all inputs.
    static let dropEvery = 8 << 20
    /// An input's pages are dropped right after one of its lists this long has been merged.
    static let longList = 1 << 20

    /// One segment to merge and its deletions (nil: the reader's own).
    struct Input {
        var reader: SegmentReader
        var deleted: [UInt64]?

        func isDeleted(_ doc: Int) -> Bool {
            guard let deleted else { return reader.isDeleted(doc) }
            return deleted[doc >> 6] & (1 << UInt64(doc & 63)) != 0
        }
    }

    /// Writes segment `name` holding the live documents of `inputs`; nil when none is live.
    /// `partedBytes`: from this many bytes of inputs, postings are merged in key ranges at once.
    static func merge(_ inputs: [Input], directory: String, name: String,
                      partedBytes: Int = SegmentMerger.partedBytes) throws(IndexError) -> SegmentMeta? {
        for input in inputs { try input.reader.verify(dropping: true) }
        // New numbers: input by input, live documents in order (−1: deleted).
        var maps: [[Int32]] = []
        var next: Int32 = 0
        for input in inputs {
            var map = [Int32](repeating: -1, count: input.reader.documentCount)
            for doc in 0..<input.reader.documentCount where !input.isDeleted(doc) {
                map[doc] = next
                next += 1
            }
            maps.append(map)
        }
        guard next > 0 else { return nil }
        // K of the merged table, as a build of the live documents would have it: `hashCount` when
        // one of them is signed, else 0. Known up front, `.sig` is written as documents are copied.
        var width = 0
        for (i, input) in inputs.enumerated() where width == 0 {
            let (table, rows) = try input.reader.signatureRows()
            withExtendedLifetime(table) {
                for doc in 0..<input.reader.documentCount where maps[i][doc] >= 0 {
                    if let row = rows[doc], NearDuplicates.isSigned(row) { width = NearDuplicates.hashCount; break }
                }
            }
        }
        // The store dictionary of the input with the most live documents (none: the new segment
        // trains its own on the texts it stores).
        var dictionary = StoreDictionary([]), live = 0
        for (i, input) in inputs.enumerated() {
            let n = maps[i].count { $0 >= 0 }
            if !input.reader.storeDictionary.isEmpty && n > live {
                dictionary = input.reader.storeDictionary
                live = n
            }
        }
        let writer = try SegmentWriter(directory: directory, name: name, signatures: (Int(next), width),
                                       dictionary: SharedStoreDictionary(preset: dictionary.array))
        do {
            // Independent jobs on two threads: the documents (records, columns, signatures and
            // stored text), and the postings in key ranges of about equal size, each range after
            // the first written to files of its own and added to the segment's when all are done.
            let ranges = try postingsRanges(inputs, partedBytes: partedBytes)
            let postings = try writer.postingsOutput()
            var parts: [(output: PostingsOutput, paths: PostingsOutput.PartPaths)] = []
            for k in 1..<ranges.count { parts.append(try writer.postingsOutput(part: k)) }
            try WorkerPool.forEach(jobs: ranges.count + 1, threads: 2) { (_, job) throws(IndexError) in
                if job == ranges.count {
                    try copyDocuments(inputs, maps: maps, dictionary: dictionary, into: writer)
                } else if job == 0 {
                    try mergePostings(inputs, maps: maps, keys: ranges[0], into: postings)
                } else {
                    try mergePostings(inputs, maps: maps, keys: ranges[job], into: parts[job - 1].output)
                    try parts[job - 1].output.finish()
                }
            }
            for part in parts { try postings.append(part: part.paths) }
            return try writer.finish(writtenPostings: postings)
        } catch {
            writer.discard()
            throw error
        }
    }

    /// A merge whose inputs hold at least this many bytes of postings and positions merges its
    /// terms in `postingsParts` key ranges at once (a merge's postings take about three times as
    /// long as its documents: on two threads, three ranges and the documents finish together).
    static let partedBytes = 16 << 20
    static let postingsParts = 3

    /// Key ranges that split the inputs' postings into `postingsParts` of about equal bytes (by the
    /// input with the most documents), or one range for a small merge.
    static func postingsRanges(_ inputs: [Input], partedBytes: Int) throws(IndexError) -> [ClosedRange<UInt64>] {
        let everything: [ClosedRange<UInt64>] = [0...UInt64.max]
        let bytes = inputs.reduce(0) { $0 + $1.reader.meta.bytes }
        guard bytes >= partedBytes, let largest = inputs.max(by: { $0.reader.documentCount < $1.reader.documentCount }) else {
            return everything
        }
        var keys: [UInt64] = [], ends: [Int] = []
        var total = 0
        var stream = TermStream(reader: largest.reader)
        while let info = try stream.current() {
            total += info.postingsLength + info.positionsLength
            keys.append(info.key)
            ends.append(total)
            stream.advance()
        }
        // The first key of every range after the first.
        var starts: [UInt64] = []
        var part = 1
        for (i, end) in ends.enumerated() where part < postingsParts && end * postingsParts >= total * part {
            if i + 1 < keys.count && (starts.last ?? 0) < keys[i + 1] { starts.append(keys[i + 1]) }
            part += 1
        }
        guard !starts.isEmpty else { return everything }
        var ranges: [ClosedRange<UInt64>] = []
        var lower: UInt64 = 0
        for start in starts {
            ranges.append(lower...(start - 1))
            lower = start
        }
        ranges.append(lower...UInt64.max)
        return ranges
    }

    /// Adds every live document of the inputs to `writer` (whose store dictionary is
    /// `dictionary`), in the new order.
    static func copyDocuments(_ inputs: [Input], maps: [[Int32]], dictionary: StoreDictionary, into writer: SegmentWriter) throws(IndexError) {
        for (i, input) in inputs.enumerated() {
            let reader = input.reader
            let columns = reader.columns
            let shares = !dictionary.isEmpty && reader.storeDictionary == dictionary
            // Signature rows in place (`K` values each, none when the table is unsigned).
            let (table, rows) = try reader.signatureRows()
            try withExtendedLifetime(table) { () throws(IndexError) in
                for doc in 0..<reader.documentCount where maps[i][doc] >= 0 {
                    let parts = try reader.copyParts(doc, sharesDictionary: shares, targetHasDictionary: !dictionary.isEmpty)
                    let date = columns.dates[doc]
                    var signature: [UInt32] = []
                    if let row = rows[doc], NearDuplicates.isSigned(row) {
                        signature = (0..<NearDuplicates.hashCount).map {
                            SignatureTable.value(row, $0)
                        }
                    }
                    try writer.add(PreparedDocument(
                        copying: parts.record, id: parts.meta.id, stored: parts.stored, metaRecord: parts.metaRecord,
                        date: date == DayNumber.none ? nil : date, source: parts.meta.source,
                        titleLength: Int(columns.titleLengths[doc]), titleGrams: columns.titleGrams(doc),
                        zones: columns.zones(doc), signature: signature))
                    // What is behind need not stay resident.
                    if doc & 4095 == 4095 { reader.dropDocumentPages() }
                }
            }
            reader.dropDocumentPages()
        }
    }

    /// Every term of the inputs in key order, its lists concatenated with documents renumbered
    /// (positions are coded per block, so they are decoded and coded again in the new blocks).
    static func mergePostings(_ inputs: [Input], maps: [[Int32]], keys: ClosedRange<UInt64> = 0...UInt64.max,
                              into out: PostingsOutput) throws(IndexError) {
        var streams = inputs.map { TermStream(reader: $0.reader, keys: keys) }
        var positions: [UInt32] = []
        // Per input without deletions, the number its documents are shifted by (nil: some deleted).
        let shifts: [UInt32?] = maps.map { map in
            map.allSatisfy { $0 >= 0 } ? UInt32(map.first ?? 0) : nil
        }
        var terms = 0
        // Bytes of each input's lists read since its pages were last dropped (more than 0 once it
        // has been read at all), and of all of them.
        var readSinceDrop = [Int](repeating: 0, count: inputs.count)
        var readSinceDrops = 0
        var residentLimit = System.residentFileBytes().map { $0 + SegmentMerger.residentBudget }
        // Checked more often the more inputs there are: one term can fault in a window of each
        // input's files (every term with 256 inputs or more, every 128th with two).
        let checkEvery = max(1, 256 / max(1, inputs.count))
        func dropRead() {
            for k in inputs.indices where readSinceDrop[k] > 0 {
                inputs[k].reader.dropPostingsPages()
                readSinceDrop[k] = 0
            }
            readSinceDrops = 0
        }
        while true {
            // The inputs are read in file order: what lies behind need not stay resident (a page
            // still in use is read again from the page cache).
            terms += 1
            if let limit = residentLimit {
                if terms % checkEvery == 0, let resident = System.residentFileBytes(), resident > limit {
                    dropRead()
                    // What the other half of the merge keeps resident does not make every check drop.
                    residentLimit = (System.residentFileBytes() ?? resident) + SegmentMerger.residentBudget
                }
            } else if readSinceDrops >= SegmentMerger.dropEvery {
                dropRead()
            }
            var key = UInt64.max, any = false
            for s in streams.indices {
                if let info = try streams[s].current(), info.key <= key { key = info.key; any = true }
            }
            guard any else { return }
            // One document at a time into the encoder: a term of any length takes bounded memory.
            try out.add(key: key) { (list) throws(IndexError) in
                for s in streams.indices {
                    guard let info = try streams[s].current(), info.key == key else { continue }
                    var cursor = try inputs[s].reader.cursor(info)
                    let map = maps[s]
                    if let base = shifts[s] {
                        // No document deleted: whole blocks, renumbered by one shift.
                        while try cursor.next() != PostingCursor.end {
                            try cursor.withRestOfBlock { (docs, freqs, gaps) throws(IndexError) in
                                try list.add(docs: docs, plus: base, freqs: freqs, gaps: gaps)
                            }
                        }
                    } else {
                        while try cursor.next() != PostingCursor.end {
                            let renumbered = map[Int(cursor.doc)]
                            if renumbered < 0 { continue }
                            positions.removeAll(keepingCapacity: true)
                            try cursor.forEachPosition { positions.append(UInt32(bitPattern: $0)) }
                            try positions.withUnsafeBufferPointer { (p) throws(IndexError) in
                                try list.add(doc: UInt32(renumbered), positions: p)
                            }
                        }
                    }
                    // Lists read need not stay resident (see `residentBudget`); a long one is
                    // dropped at once (the most frequent grams have megabytes in every input).
                    if info.postingsLength + info.positionsLength >= SegmentMerger.longList {
                        inputs[s].reader.dropPostingsPages()
                        readSinceDrop[s] = 0
                    } else {
                        readSinceDrop[s] += info.postingsLength + info.positionsLength + 1
                        readSinceDrops += info.postingsLength + info.positionsLength
                    }
                    streams[s].advance()
                }
            }
        }
    }

    /// One segment's term dictionary read in key order, a block at a time.
    struct TermStream {
        let reader: SegmentReader
        let keys: ClosedRange<UInt64>
        private var block = 0
        private var entries: [TermInfo] = []
        private var index = 0

        /// The terms of `reader` with keys in `keys`.
        init(reader: SegmentReader, keys: ClosedRange<UInt64> = 0...UInt64.max) {
            self.reader = reader
            self.keys = keys
            block = reader.dictionary.block(for: keys.lowerBound) ?? 0
        }

        /// The current term, or nil after the last.
        mutating func current() throws(IndexError) -> TermInfo? {
            while index == entries.count {
                guard block < reader.dictionary.blockOffsets.count else { return nil }
                entries.removeAll(keepingCapacity: true)
                index = 0
                var loaded: [TermInfo] = []
                let lower = keys.lowerBound
                try reader.dictionary.scan(block: block) { info throws(IndexError) in
                    if info.key >= lower { loaded.append(info) }
                    return true
                }
                entries = loaded
                block += 1
            }
            let info = entries[index]
            return info.key <= keys.upperBound ? info : nil
        }

        mutating func advance() { index += 1 }
    }
}
