import FoundationEssentials
import IPSearchAnalysis
import CICU
#if canImport(Glibc)
import Glibc
#endif

/// Settings of one `ipsearch index` run.
public struct IndexOptions: Sendable {
    public var corpus: String
    public var index: String
    /// Rebuild from scratch instead of updating.
    public var full = false
    /// Flush the in-memory segments when their postings reach this many bytes together (bounds peak
    /// memory; each writer reserves its share up front, so buffers never double). 96 MB: the 100k
    /// archive builds in 165–167 MB peak RSS (183 MB at 128 MB, in the same time: since merges copy,
    /// more and smaller segments cost nothing measurable), which leaves room under the 256 MB
    /// budget for what grows with the corpus (`README.md`, 1,000,000 documents).
    public var flushBytes = 96 << 20
    /// Analysis threads (ICU segmentation is the bottleneck; one per core).
    public var threads = max(1, System.coreCount)
    /// More live segments than this after a run triggers a merge of the smallest ones.
    public var maxSegments = 24
    /// End the run with every live document in one segment (Lucene's `forceMerge(1)`): the fastest
    /// queries and the smallest index, at the cost of a merge that copies everything once more.
    /// nil (the default): when the run builds the index from nothing (`full`, or no committed
    /// segment), where one merge costs about an eighth of the build (stored text and positions are
    /// copied as they are) and queries on one segment are about 20% faster than on the 20–30 that
    /// the writers flush (`README.md`, Performance); later runs leave merging to the merge policy.
    public var mergeAll: Bool? = nil
    /// Texts a build trains its store dictionary on (`StoreDictionary.sampleBytes`; tests lower it).
    var dictionarySampleBytes = StoreDictionary.sampleBytes
    /// Merges of inputs this large merge their postings in key ranges at once (`SegmentMerger.partedBytes`; tests lower it).
    var mergePartedBytes = SegmentMerger.partedBytes
    /// A run that adds fewer bytes uses no store dictionary (`StoreDictionary.minimumRunBytes`; tests lower it).
    var dictionaryMinimumRunBytes = StoreDictionary.minimumRunBytes
    /// Seconds to wait for another indexer's lock; nil waits as long as it takes.
    public var lockTimeout: Double? = nil
    /// Files larger than this many bytes are skipped (reported; a version indexed before is kept).
    public var maxFileSize: UInt64 = 64 << 20

    public init(corpus: String, index: String) {
        self.corpus = corpus
        self.index = index
    }
}

public struct IndexProgress: Sendable {
    public var done: Int
    public var total: Int
    public var bytes: Int
}

/// What a run did.
public struct IndexSummary: Sendable {
    public struct Skipped: Sendable, Equatable {
        public var id: String
        public var reason: String
    }
    public var added = 0
    public var updated = 0
    public var removed = 0
    public var unchanged = 0
    public var skipped: [Skipped] = []
    /// Bytes of the files read and indexed.
    public var bytes = 0
    public var seconds = 0.0
    /// Documents copied into a merged segment.
    public var merged = 0
    public var generation = 0
    public var documents = 0
    public var segments = 0
    /// False when nothing changed, so no new generation was written.
    public var committed = false

    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0 }
}

/// Builds and updates the index: the one writer of `Index/`.
///
/// A run: take the write lock; delete leftovers of crashed runs (files no manifest references);
/// compare the corpus with the committed documents (size and mtime first, then the content hash);
/// analyse new and changed files on all cores and write them into new segments, flushing a segment
/// whenever its postings reach `flushBytes`; write deletion files for replaced and removed documents;
/// merge small segments; commit by replacing `manifest.json`; delete what the old commit alone used.
public enum Indexer {
    /// Blocks of this size or more are mapped on their own (`cicu_map_large_blocks`).
    static let largeBlockBytes = 1 << 20

    public static func run(
        _ options: IndexOptions,
        progress: ((IndexProgress) -> Void)? = nil,
        waiting: (String) -> Void = { _ in }
    ) throws(IndexError) -> IndexSummary {
        let started = System.now()
        // Large blocks (zstd's tables for each segment written: several MB with a 4 MB dictionary)
        // in their own mappings, returned when freed: with glibc's dynamic threshold they stayed in
        // the heap, and the 1M build's peak RSS rose from 210 to 270 MiB (`README.md`, Performance).
        cicu_map_large_blocks(Indexer.largeBlockBytes)
        let dir = options.index
        try Corpus.requireDirectory(options.corpus)  // before creating anything in the index directory
        if mkdir(dir, 0o755) != 0 && errno != EEXIST {
            throw IndexError.io(path: dir, operation: "create directory", errno: errno)
        }
        let lock = try DirectoryLock(directory: dir, timeout: options.lockTimeout, waiting: waiting)
        defer { withExtendedLifetime(lock) {} }

        var old = Manifest()
        do { old = try Manifest.read(directory: dir) } catch {
            // A damaged commit is only replaced when asked to rebuild; generations keep increasing
            // even then, so running servers recognise the rebuilt index as newer.
            if case .noIndex = error {} else if !options.full { throw error } else {
                old.generation = Manifest.bestEffortGeneration(directory: dir)
            }
        }
        if old.segments.isEmpty { old.nextSegment = max(old.nextSegment, highestSegmentNumber(dir) + 1) }
        removeUnreferencedFiles(dir, keeping: old.referencedFiles)

        var summary = IndexSummary()
        // Below an unreadable directory nothing is known: what was indexed from there is kept.
        var unreadable: [String] = []
        let corpus = try Corpus.scan(options.corpus, problems: &summary.skipped, unreadable: &unreadable)
        let spamFilter = loadSpamFilter(corpus: options.corpus, problems: &summary.skipped)

        // The committed documents, by id.
        var readers: [SegmentReader] = []
        if !options.full {
            for meta in old.segments { readers.append(try SegmentReader(directory: dir, meta: meta)) }
        }
        var deletions = readers.map { $0.deleted.isEmpty ? [UInt64](repeating: 0, count: ($0.documentCount + 63) / 64) : $0.deleted }
        var changedSegments = Set<Int>()
        func delete(_ segment: Int, _ doc: Int) {
            deletions[segment][doc >> 6] |= 1 << UInt64(doc & 63)
            changedSegments.insert(segment)
        }

        // The corpus and the committed documents, both sorted by id, walked side by side: nothing
        // per document but its id's bytes and a few integers (`CommittedIDs`), whatever the size.
        var work = WorkList()
        let committed = try CommittedIDs(readers)
        var c = 0
        func removeCommitted(before file: CorpusFile?) {
            while c < committed.count, file.map({ committed.compare(c, $0.id) < 0 }) ?? true {
                let (segment, doc) = committed.place(c)
                if !Corpus.covers(unreadable, committed.id(c)) {
                    delete(segment, doc)
                    summary.removed += 1
                }
                c += 1
            }
        }
        for i in corpus.indices {
            // The committed records read so far need not stay resident (a 1M-document index has
            // 62 MB of them).
            if i & 65535 == 65535 { for r in readers { r.dropDocumentPages() } }
            let file = corpus[i]
            removeCommitted(before: file)
            var previous: (segment: Int, doc: Int, record: DocumentRecord)?
            if c < committed.count, committed.compare(c, file.id) == 0 {
                let (segment, doc) = committed.place(c)
                previous = (segment, doc, try readers[segment].record(doc))
                c += 1
            }
            if file.size > options.maxFileSize {
                summary.skipped.append(.init(id: file.id, reason: Corpus.tooLarge(file.size, limit: options.maxFileSize)))
                continue
            }
            if let e = previous {
                if e.record.fileSize == file.size && e.record.mtimeNanoseconds == file.mtimeNanoseconds {
                    summary.unchanged += 1
                } else {
                    work.append(i, size: file.size, previous: (e.segment, e.doc, e.record.contentHash))
                }
            } else {
                work.append(i, size: file.size)
            }
        }
        removeCommitted(before: nil)
        for r in readers { r.dropDocumentPages() }

        // Every worker thread analyses documents and inverts them into its own segment (Lucene's
        // "documents writer per thread"): no single thread serializes the work. The lock guards
        // only the bookkeeping shared between threads.
        var nextSegment = old.nextSegment
        var newSegments: [SegmentMeta] = []
        let threads = max(1, options.threads)
        let slots = (0..<threads).map { _ in WriterSlot() }
        let shared = Lock()
        let total = work.count
        var done = 0
        let flushBytes = max(1, options.flushBytes / threads)
        // One store dictionary for all the run's segments: the largest committed segment's, so that
        // merges copy stored records as they are (`SharedStoreDictionary`), or else sampled.
        // A run that stores little uses none (`StoreDictionary.minimumRunBytes`).
        let largest = readers.filter { !$0.storeDictionary.isEmpty }.max { $0.documentCount < $1.documentCount }
        let dictionary = SharedStoreDictionary(preset: largest?.storeDictionary.array ?? [],
                                               sampleBytes: StoreDictionary.sampleBytes(forRun: work.bytes, limit: options.dictionarySampleBytes),
                                               enabled: work.bytes >= options.dictionaryMinimumRunBytes)
        try processOnWorkers(work, corpus: corpus, threads: threads, spamFilter: spamFilter) { (t, file, item, result) throws(IndexError) in
            switch result {
            case .document(let doc, let bytes):
                let name: String? = shared.withLock {
                    if let e = item.previous {
                        delete(e.segment, e.doc)
                        summary.updated += 1
                    } else {
                        summary.added += 1
                    }
                    summary.bytes += bytes
                    guard slots[t].writer == nil else { return String?.none }
                    defer { nextSegment += 1 }
                    return segmentName(nextSegment)
                }
                if let name { slots[t].writer = try SegmentWriter(directory: dir, name: name, flushBytes: flushBytes, dictionary: dictionary) }
                let w = slots[t].writer!
                try w.add(doc)
                if w.bufferedBytes >= flushBytes {
                    let meta = try w.finish()
                    slots[t].writer = nil
                    shared.withLock { newSegments.append(meta) }
                }
            case .unchanged:
                // Same content, new mtime: keep the committed document.
                shared.withLock { summary.unchanged += 1 }
            case .failed(let reason):
                // The committed version (if any) stays: a bad file never loses what was indexed.
                shared.withLock { summary.skipped.append(.init(id: file.id, reason: reason)) }
            }
            shared.withLock {
                done += 1
                if let progress, done % 64 == 0 || done == total {
                    progress(IndexProgress(done: done, total: total, bytes: summary.bytes))
                }
            }
        }
        for slot in slots {
            if let w = slot.writer, w.documentCount > 0 { newSegments.append(try w.finish()) }
        }
        newSegments.sort { $0.name < $1.name }

        // The new commit: surviving old segments (with updated deletions), then the new ones.
        var next = Manifest()
        next.generation = old.generation + 1
        var survivors = try survivingSegments(readers, deletions: deletions, changed: changedSegments,
                                              generation: next.generation, directory: dir)
        for meta in newSegments { survivors.append((meta, nil)) }

        let mergeAll = options.mergeAll ?? (options.full || old.segments.isEmpty)
        let policy = MergePolicy(maxSegments: options.maxSegments)
        let target = policy.target(forCount: survivors.count)
        while !mergeAll {
            let chosen = policy.nextMerge(survivors.map(\.meta), target: target)
            if chosen.isEmpty { break }
            survivors = try merge(chosen, of: survivors, directory: dir, readers: readers, deletions: deletions,
                                  name: segmentName(nextSegment), partedBytes: options.mergePartedBytes, merged: &summary.merged)
            nextSegment += 1
        }
        // Everything into one: in rounds of at most `mergeAllFanIn` inputs, then one last merge.
        if mergeAll && (survivors.count > 1 || survivors.contains { $0.meta.deleted > 0 }) {
            while survivors.count > MergePolicy.mergeAllFanIn {
                // Each merge takes the first segments of the round; its result goes to the end.
                for size in MergePolicy.mergeAllRound(count: survivors.count) {
                    survivors = try merge(Set(0..<size), of: survivors, directory: dir, readers: readers, deletions: deletions,
                                          name: segmentName(nextSegment), partedBytes: options.mergePartedBytes, merged: &summary.merged)
                    nextSegment += 1
                }
            }
            survivors = try merge(Set(survivors.indices), of: survivors, directory: dir, readers: readers, deletions: deletions,
                                  name: segmentName(nextSegment), partedBytes: options.mergePartedBytes, merged: &summary.merged)
            nextSegment += 1
        }
        next.segments = survivors.map(\.meta)
        next.nextSegment = nextSegment

        let changed = summary.added + summary.updated + summary.removed + summary.merged > 0 || options.full
            || old.generation == 0
        if changed {
            try commit(&next, directory: dir)
            summary.committed = true
        } else {
            // Nothing to commit: leave the current generation (and any files written) alone.
            removeUnreferencedFiles(dir, keeping: old.referencedFiles)
        }
        let current = changed ? next : old
        summary.generation = current.generation
        summary.documents = current.documentCount
        summary.segments = current.segments.count
        summary.seconds = System.now() - started
        return summary
    }

    // MARK: Steps of a run

    /// Injected spam: the built-in keywords plus the user's `spam-keywords.txt` at the top of the
    /// corpus. A broken keyword file is reported in `problems` and the built-in list still applies.
    static func loadSpamFilter(corpus: String, problems: inout [IndexSummary.Skipped]) -> SpamFilter {
        let keywordFile = corpus + "/" + SpamFilter.keywordFileName
        guard access(keywordFile, F_OK) == 0 else { return SpamFilter() }
        do { return try SpamFilter(extraKeywordsFile: keywordFile) } catch {
            problems.append(.init(id: SpamFilter.keywordFileName, reason: error.description))
            return SpamFilter()
        }
    }

    /// The committed segments as generation `generation` keeps them: a segment with documents deleted
    /// in this run (`changed`) gets a deletion file of that generation, and one with nothing left is
    /// dropped.
    static func survivingSegments(
        _ readers: [SegmentReader], deletions: [[UInt64]], changed: Set<Int>, generation: Int, directory dir: String
    ) throws(IndexError) -> [(meta: SegmentMeta, reader: SegmentReader?)] {
        var survivors: [(meta: SegmentMeta, reader: SegmentReader?)] = []
        for (s, reader) in readers.enumerated() {
            var meta = reader.meta
            if changed.contains(s) {
                let bits = deletions[s]
                meta.deleted = bits.reduce(0) { $0 + $1.nonzeroBitCount }
                if meta.deleted == meta.documents { continue }  // nothing left: drop the segment
                var words = 0
                for doc in 0..<meta.documents where bits[doc >> 6] & (1 << UInt64(doc & 63)) != 0 {
                    words += try reader.wordCount(doc)
                }
                meta.deletedWords = words
                meta.deletionGeneration = generation
                try Deletions.write(bits, documents: meta.documents,
                                    path: dir + "/" + SegmentComponent.deletions.fileName(segment: meta.name, generation: generation))
            }
            survivors.append((meta, reader))
        }
        return survivors
    }

    // MARK: Merge and commit

    /// Merges the live documents of the `chosen` survivors into one new segment `name`
    /// (`SegmentMerger`: postings merged, nothing analysed again) and returns the survivors with
    /// them replaced by it. Deletions written in this run are not in the old readers: `deletions[s]`
    /// holds the current bits of `readers[s]`.
    static func merge(
        _ chosen: Set<Int>, of survivors: [(meta: SegmentMeta, reader: SegmentReader?)], directory dir: String,
        readers: [SegmentReader], deletions: [[UInt64]], name: String, partedBytes: Int, merged: inout Int
    ) throws(IndexError) -> [(meta: SegmentMeta, reader: SegmentReader?)] {
        var inputs: [SegmentMerger.Input] = []
        for i in chosen.sorted() {
            let reader: SegmentReader
            if let r = survivors[i].reader { reader = r } else { reader = try SegmentReader(directory: dir, meta: survivors[i].meta) }
            inputs.append(SegmentMerger.Input(reader: reader, deleted: readers.firstIndex(where: { $0 === reader }).map { deletions[$0] }))
        }
        let meta = try SegmentMerger.merge(inputs, directory: dir, name: name, partedBytes: partedBytes)
        merged += meta?.documents ?? 0
        var result: [(meta: SegmentMeta, reader: SegmentReader?)] = []
        for (i, s) in survivors.enumerated() where !chosen.contains(i) { result.append(s) }
        if let meta { result.append((meta, nil)) }
        return result
    }

    /// Writes the near-duplicate groups of `next`, then commits it (its segment and deletion files
    /// are written already) and removes what only older commits referenced.
    static func commit(_ next: inout Manifest, directory dir: String) throws(IndexError) {
        // Near-duplicate groups are a function of the live documents alone (not of the order
        // they were added in), so an incremental index groups exactly like a full rebuild.
        if !next.segments.isEmpty {
            let table = try regroup(directory: dir, segments: next.segments)
            let w = try FileWriter(path: dir + "/" + GroupTable.fileName(generation: next.generation), component: .groups)
            try w.append(table.encoded())
            try w.finish()
            next.groupsGeneration = next.generation
        }
        // Everything the manifest will reference is already written and fsynced.
        try DurableIO.fsyncDirectory(dir)
        next.committedAt = System.wallClock()
        try next.commit(directory: dir)
        removeUnreferencedFiles(dir, keeping: next.referencedFiles)
    }

    // MARK: Groups

    /// Groups the live documents of `segments` by their near-duplicate signatures.
    static func regroup(directory: String, segments: [SegmentMeta]) throws(IndexError) -> GroupTable {
        // Per live document: its id and where its signature row lies in its segment's mapped
        // `.sig`. Only the `.sig` maps stay open, and their pages are dropped from resident memory
        // as each pass of the grouping leaves a segment behind, so memory is a few words per
        // document whatever the corpus size.
        var tables: [MappedFile] = []
        var tableEnd: [Int] = []  // input index after the segment's last document
        var keys = IDBuffer()
        var rows: [UnsafeRawPointer?] = []
        var places: [(segment: Int32, doc: Int32)] = []
        var sizes: [Int] = []
        for (s, meta) in segments.enumerated() {
            let reader = try SegmentReader(directory: directory, meta: meta)
            let (file, signatures) = try reader.signatureRows()
            for doc in 0..<reader.documentCount where !reader.isDeleted(doc) {
                keys.append(try reader.storedID(doc))
                rows.append(signatures[doc])
                places.append((Int32(s), Int32(doc)))
                if doc & 4095 == 4095 { reader.dropDocumentPages() }  // the ids' meta records
            }
            reader.dropDocumentPages()
            file.dropResidentPages()
            tables.append(file)
            tableEnd.append(keys.count)
            sizes.append(reader.documentCount)
        }
        // Confirmation reads two rows at random places: through descriptors, so that the tables'
        // pages are never mapped in for it (only the passes in input order touch the maps).
        var descriptors: [Int32] = []
        defer { for fd in descriptors { close(fd) } }
        for file in tables { descriptors.append(try DurableIO.openForReading(file.path)) }
        let rowBytes = SignatureTable.rowBytes
        var released = 0
        var droppedBefore: UnsafeRawPointer?  // in table `released`
        let leaders = try withExtendedLifetime(tables) { () throws(IndexError) -> [Int] in
            try NearDuplicates.group(keys: keys, signatures: rows, exactRow: { (i, buffer) throws(IndexError) -> UnsafeRawPointer in
                let s = Int(places[i].segment)
                let offset = rows[i].unsafelyUnwrapped - UnsafeRawPointer(tables[s].bytes.baseAddress!)
                try DurableIO.readExactly(descriptors[s], into: buffer, count: rowBytes, at: offset, path: tables[s].path)
                return UnsafeRawPointer(buffer)
            }) { upTo in
                if upTo == 0 { released = 0 }
                while released < tables.count && tableEnd[released] <= upTo {
                    tables[released].dropResidentPages()
                    released += 1
                    droppedBefore = nil
                }
                // Within a segment too (a merged one's table is a quarter of a kilobyte a document),
                // from where the last drop ended.
                if released < tables.count, upTo > 0, let row = rows[upTo - 1] {
                    tables[released].dropResidentPages(from: droppedBefore, before: row)
                    droppedBefore = row
                }
            }
        }
        var table = GroupTable(groups: sizes.map { [UInt32](repeating: GroupTable.alone, count: $0) })
        var memberCount = [Int32](repeating: 0, count: keys.count)
        for l in leaders { memberCount[l] += 1 }
        for (i, l) in leaders.enumerated() where memberCount[l] > 1 {
            table.groups[Int(places[i].segment)][Int(places[i].doc)] = UInt32(truncatingIfNeeded: l)
        }
        return table
    }

    // MARK: Work

    /// The files to (re)index: their indices in the corpus list (four bytes a file) and, for a
    /// changed file, where its committed version lies and the content hash it was indexed with.
    struct WorkList {
        private(set) var files: [Int32] = []
        private var previous: [Int32: WorkItem.Previous] = [:]
        /// The files' sizes in all.
        private(set) var bytes = 0

        var count: Int { files.count }

        mutating func append(_ file: Int, size: UInt64, previous version: WorkItem.Previous? = nil) {
            files.append(Int32(truncatingIfNeeded: file))
            bytes += Int(clamping: size)
            if let version { previous[Int32(truncatingIfNeeded: file)] = version }
        }

        subscript(i: Int) -> WorkItem { WorkItem(file: Int(files[i]), previous: previous[files[i]]) }
    }

    struct WorkItem {
        typealias Previous = (segment: Int, doc: Int, contentHash: UInt64)
        var file: Int
        var previous: Previous?
    }

    /// The ids of the live committed documents in `IDBuffer`'s order (the corpus list's), each
    /// with its segment and document number.
    struct CommittedIDs {
        private var ids = IDBuffer()
        private var places: [(segment: Int32, doc: Int32)] = []
        private var order: [Int32] = []

        init(_ readers: [SegmentReader]) throws(IndexError) {
            for (s, reader) in readers.enumerated() {
                for doc in 0..<reader.documentCount where !reader.isDeleted(doc) {
                    ids.append(try reader.storedID(doc))
                    places.append((Int32(s), Int32(doc)))
                    if doc & 4095 == 4095 { reader.dropDocumentPages() }  // the ids' meta records
                }
                reader.dropDocumentPages()
            }
            order = ids.order()
        }

        var count: Int { order.count }

        /// The `k`-th id in order.
        func id(_ k: Int) -> String { ids[Int(order[k])] }

        func place(_ k: Int) -> (segment: Int, doc: Int) {
            let p = places[Int(order[k])]
            return (Int(p.segment), Int(p.doc))
        }

        /// The `k`-th id against `id`: negative, zero or positive.
        func compare(_ k: Int, _ id: String) -> Int { ids.compare(Int(order[k]), id) }
    }

    enum WorkResult {
        case document(PreparedDocument, bytes: Int)
        case unchanged
        case failed(String)
    }

    /// Prepares and consumes items on `threads` worker threads (`WorkerPool`), in no particular
    /// order: `body` runs on the worker that prepared the item (with its worker number) and must
    /// synchronize whatever it shares. The first error stops the other workers and is rethrown.
    static func processOnWorkers(
        _ items: WorkList, corpus: CorpusFiles, threads: Int, spamFilter: SpamFilter,
        body: (Int, CorpusFile, WorkItem, WorkResult) throws(IndexError) -> Void
    ) throws(IndexError) {
        guard items.count > 0 else { return }
        let analyzers = (0..<max(1, threads)).map { _ in Analyzer() }  // one per worker: not shareable
        try WorkerPool.forEach(jobs: items.count, threads: analyzers.count) { (worker, i) throws(IndexError) in
            let item = items[i]
            let file = corpus[item.file]
            try body(worker, file, item, prepare(file, previousHash: item.previous?.contentHash,
                                                 analyzer: analyzers[worker], spamFilter: spamFilter))
        }
    }

    /// One worker's segment under construction.
    final class WriterSlot: @unchecked Sendable {
        var writer: SegmentWriter?
    }

    static func prepare(_ file: CorpusFile, previousHash: UInt64?, analyzer: Analyzer, spamFilter: SpamFilter) -> WorkResult {
        let bytes: [UInt8]
        do { bytes = try Corpus.read(file) } catch {
            // (IndexError's texts speak of index files; this is a corpus file.)
            if case .io(_, _, let code) = error { return .failed("cannot be read: \(String(cString: strerror(code)))") }
            return .failed("cannot be read: it disappeared while indexing")
        }
        let hash = ContentHash.of(bytes)
        if let previousHash, previousHash == hash { return .unchanged }
        switch DocumentPipeline(analyzer: analyzer, spamFilter: spamFilter).prepare(file: file, bytes: bytes, contentHash: hash) {
        case .success(let doc): return .document(doc, bytes: bytes.count)
        case .failure(let failure): return .failed(failure.reason)
        }
    }

    // MARK: Files

    static func segmentName(_ n: Int) -> String {
        let digits = String(n)
        return "seg" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Files that look like ours: `segNNNNNN.{terms,post,docs,store}`, `segNNNNNN.G.del`, the
    /// manifest's temporary file.
    static func isIndexFile(_ name: String) -> Bool {
        if name == DurableIO.temporaryName(Manifest.fileName) { return true }
        if name.hasPrefix("groups.") { return name.dropFirst(7).allSatisfy(\.isNumber) && name.count > 7 }
        guard name.hasPrefix("seg") else { return false }
        let parts = name.split(separator: ".")
        let exts = Set(SegmentComponent.allCases.map(\.fileExtension))
        guard parts.count >= 2, let ext = parts.last, exts.contains(String(ext)) else { return false }
        return parts[0].dropFirst(3).allSatisfy(\.isNumber)
    }

    static func listDirectory(_ dir: String) -> [String] { DirectoryListing.names(dir) ?? [] }

    static func highestSegmentNumber(_ dir: String) -> Int {
        listDirectory(dir).filter(isIndexFile).compactMap { Int($0.dropFirst(3).prefix { $0.isNumber }) }.max() ?? 0
    }

    /// Deletes index files no commit references: leftovers of a crashed run, or the previous
    /// generation's files after a commit (readers that still map them keep them alive until unmapped).
    static func removeUnreferencedFiles(_ dir: String, keeping: Set<String>) {
        for name in listDirectory(dir) where isIndexFile(name) && !keeping.contains(name) {
            unlink(dir + "/" + name)
        }
    }
}
