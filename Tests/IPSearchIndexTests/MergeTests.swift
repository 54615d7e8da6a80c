import Foundation
import Testing
import IPSearchAnalysis
import IPSearchTestSupport
@testable import IPSearchIndex

/// A merged segment (`SegmentMerger`: postings merged, nothing analysed again) holds exactly what
/// one segment built from the same live documents holds: every term's documents, frequencies and
/// positions, every stored text and record, every column and signature.
@Suite struct MergeTests {
    /// Everything a segment says about one document, keyed by document id.
    struct Document: Equatable {
        var text: String
        var meta: DocumentMeta
        var date: Int32
        var source: String?
        var titleLength: UInt16
        var zones: ZoneMap
        var words: Int
        var contentHash: UInt64
        var signature: [UInt32]
    }

    /// Term key → (document id → positions), and document id → document, for the live documents.
    static func contents(_ segments: [SegmentReader]) throws -> (terms: [UInt64: [String: [Int32]]], docs: [String: Document]) {
        var terms: [UInt64: [String: [Int32]]] = [:]
        var docs: [String: Document] = [:]
        for segment in segments {
            let signatures = try segment.signatures()
            var ids: [Int: String] = [:]
            for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                let stored = try segment.storedDocument(doc)
                let record = try segment.record(doc)
                ids[doc] = stored.meta.id
                docs[stored.meta.id] = Document(
                    text: stored.text, meta: stored.meta, date: segment.columns.dates[doc], source: segment.columns.source(doc),
                    titleLength: segment.columns.titleLengths[doc], zones: segment.columns.zones(doc),
                    words: try segment.wordCount(doc), contentHash: record.contentHash, signature: signatures[doc])
            }
            for info in try segment.terms(in: 0...UInt64.max) {
                let list = try segment.postings(info)
                for i in 0..<list.count {
                    guard let id = ids[Int(list.docs[i])] else { continue }
                    terms[info.key, default: [:]][id] = Array(list.positions(at: i))
                }
            }
        }
        return (terms, docs)
    }

    @Test func mergedSegmentEqualsOneBuiltFromTheSameDocuments() throws {
        // Many small segments, some documents deleted afterwards, nothing merged by the indexer.
        let many = try Sandbox("merge-many")
        try many.addBulk(copies: 8)
        try many.write("traditional.txt", "國家知識產權局發佈地理標誌保護新規，產(chǎn)權(quán)保護再加強。\n")
        try many.run { o in
            o.threads = 1  // one writer: how documents fall into segments does not depend on timing
            o.flushBytes = 1 << 19
            o.maxSegments = 1000
            o.mergeAll = false
        }
        let removed = ["bulk/bulk0/copy 1_2.txt", "bulk/bulk0/copy 3_0.txt", "bulk/bulk0/copy 7_4.txt"]
        for id in removed { try many.remove(id) }
        try many.run { o in o.maxSegments = 1000 }
        let reader = try IndexReader(directory: many.index)
        #expect(reader.segments.count >= 4, "\(reader.segments.count) segments: too few to merge")
        #expect(reader.segments.contains { $0.meta.deleted > 0 }, "\(reader.segments.map { ($0.meta.documents, $0.meta.deleted) }) \(reader.documentCount)")

        let inputs = reader.segments.map { SegmentMerger.Input(reader: $0, deleted: nil) }
        let meta = try #require(try SegmentMerger.merge(inputs, directory: many.index, name: "merged"))
        let merged = try SegmentReader(directory: many.index, meta: meta)
        try merged.verify()
        #expect(meta.documents == reader.documentCount)

        // The same live documents indexed into one segment.
        let one = try Sandbox("merge-one")
        try one.addBulk(copies: 8)
        try one.write("traditional.txt", "國家知識產權局發佈地理標誌保護新規，產(chǎn)權(quán)保護再加強。\n")
        for id in removed { try one.remove(id) }
        try one.run(full: true) { o in o.threads = 1 }
        let single = try IndexReader(directory: one.index)
        #expect(single.segments.count == 1)

        let a = try Self.contents([merged]), b = try Self.contents(single.segments)
        #expect(a.docs.count == b.docs.count)
        #expect(Set(a.docs.keys).isDisjoint(with: removed))
        for (id, doc) in b.docs { #expect(a.docs[id] == doc, "document \(id)") }
        #expect(a.terms.count == b.terms.count)
        #expect(meta.terms == single.segments[0].meta.terms)
        var differing = 0
        for (key, postings) in b.terms where a.terms[key] != postings { differing += 1 }
        #expect(differing == 0, "\(differing) of \(b.terms.count) terms differ")
        #expect(meta.words == single.segments[0].meta.words)

        // Documents keep the inputs' order.
        var expectedOrder: [String] = []
        for segment in reader.segments {
            for doc in 0..<segment.documentCount where !segment.isDeleted(doc) { expectedOrder.append(try segment.storedID(doc)) }
        }
        #expect(try (0..<merged.documentCount).map { try merged.storedID($0) } == expectedOrder)
    }

    /// Inputs without deletions are merged a block at a time: a term's documents and their
    /// position gaps go over a block at a time, coded again where the merged list's 128-document
    /// blocks end (here inside the second input's first block). The result equals a segment built
    /// at once.
    @Test func longListsMergedABlockAtATimeEqualOneBuild() throws {
        func write(_ box: Sandbox, _ range: Range<Int>) throws {
            for n in range {
                // Grams 150 characters apart: position deltas take two varint bytes.
                let filler = String(repeating: "创新发展", count: 37 + n % 5)
                try box.write(String(format: "d/%04d.txt", n),
                              "第\(n)号公告\n国家知识产权局发布地理标志保护规定，\(filler)知识产权保护第\(n % 7)条。\(filler)地理标志产品\(n % 3)。\n")
            }
        }
        let box = try Sandbox("merge-blocks", copyCorpus: false)
        try write(box, 0..<200)
        try box.run { o in o.threads = 1 }
        try write(box, 200..<350)
        try box.run { o in
            o.threads = 1
            o.mergeAll = false
            o.maxSegments = 1000
        }
        let reader = try IndexReader(directory: box.index)
        #expect(reader.segments.map(\.documentCount) == [200, 150])
        let meta = try #require(try SegmentMerger.merge(reader.segments.map { .init(reader: $0, deleted: nil) },
                                                          directory: box.index, name: "merged"))
        let merged = try SegmentReader(directory: box.index, meta: meta)
        try merged.verify()

        let one = try Sandbox("merge-blocks-one", copyCorpus: false)
        try write(one, 0..<350)
        try one.run { o in o.threads = 1 }
        let single = try IndexReader(directory: one.index)
        #expect(single.segments.count == 1)
        let a = try Self.contents([merged]), b = try Self.contents(single.segments)
        #expect(a.docs == b.docs)
        #expect(a.terms.count == b.terms.count)
        var differing = 0
        for (key, postings) in b.terms where a.terms[key] != postings { differing += 1 }
        #expect(differing == 0, "\(differing) of \(b.terms.count) terms differ")
        // The common grams' lists are long enough to have full blocks in both inputs.
        let key = Gram(("知" as Unicode.Scalar).value, ("识" as Unicode.Scalar).value).key
        #expect(try merged.terms(in: key...key).first?.docFreq == 350)
    }

    /// More segments than one merge reads (`mergeAllFanIn`) end in one all the same: in rounds of
    /// even merges of at most that many, then one last merge.
    @Test func manySegmentsEndInOneInRounds() throws {
        #expect(MergePolicy.mergeAllRound(count: 200) == [29, 29, 29, 29, 28, 28, 28])
        for n in [33, 64, 65, 200, 1000] {
            let round = MergePolicy.mergeAllRound(count: n)
            #expect(round.reduce(0, +) == n && round.allSatisfy { $0 <= MergePolicy.mergeAllFanIn }, "\(n): \(round)")
            #expect(round.max()! - round.min()! <= 1, "\(n): \(round)")
        }
        let box = try Sandbox("merge-rounds", copyCorpus: false)
        for n in 0..<40 { try box.write("r/\(n).txt", "第\(n)号 合并轮次 mr\(n)x 商标注册。\n") }
        let s = try box.run { o in o.flushBytes = 1 }  // a segment per document
        #expect(s.segments == 1 && s.documents == 40)
        #expect(s.merged == 80, "every document merged twice: two merges of 20, then the last")
        let reader = try IndexReader(directory: box.index)
        try reader.verify()
        for n in 0..<40 { #expect(try IndexProbe.documents(containing: "mr\(n)x", in: reader) == ["r/\(n).txt"]) }
        let manifest = try Manifest.read(directory: box.index)
        #expect(box.indexFiles() == manifest.referencedFiles.union(["write.lock"]), "the first round's segments are gone")
    }

    /// What merges bound their memory by: the process's resident pages of mapped files grow as a
    /// mapped file is read and fall when its pages are dropped.
    @Test func residentFileBytesFollowsMappedPages() throws {
        let box = try Sandbox("resident", copyCorpus: false)
        let path = box.root.path + "/big.store"
        let writer = try FileWriter(path: path, component: .store)
        // 64 MB: far more than the other tests running meanwhile map or unmap.
        try writer.append([UInt8](repeating: 7, count: 64 << 20))
        try writer.finish()
        let file = try MappedFile(path: path, component: .store, verifyChecksum: false)
        file.dropResidentPages()
        let before = try #require(System.residentFileBytes())
        try file.verifyChecksum()  // reads every page
        let read = try #require(System.residentFileBytes())
        #expect(read - before >= 48 << 20, "\(before) → \(read)")
        file.dropResidentPages()
        let dropped = try #require(System.residentFileBytes())
        #expect(read - dropped >= 48 << 20, "\(read) → \(dropped)")
    }

    /// A build from nothing ends in one segment by default. All the writers of a run, and later
    /// runs, share one store dictionary, so merging their segments copies every stored record made
    /// with it as it is; the records stored before the dictionary was trained are compressed with
    /// it, once.
    @Test func buildsShareOneStoreDictionaryAndMergesCopyStoredRecords() throws {
        let defaulted = try Sandbox("merge-default")
        try defaulted.addBulk(copies: 6)
        let built = try defaulted.run { o in o.flushBytes = 1 << 19 }
        #expect(built.segments == 1 && built.merged > 0, "\(built.segments) segments, \(built.merged) merged")

        let box = try Sandbox("merge-verbatim")
        try box.addBulk(copies: 6)
        try box.run { o in
            o.flushBytes = 1 << 19
            o.mergeAll = false
            o.dictionarySampleBytes = 64 << 10
            o.dictionaryMinimumRunBytes = 0
        }
        try box.addBulk(copies: 2, marker: "later")
        try box.run { o in
            o.flushBytes = 1 << 19
            o.maxSegments = 1000
            o.dictionaryMinimumRunBytes = 0
        }
        let before = try IndexReader(directory: box.index)
        #expect(before.segments.count >= 3, "\(before.segments.count) segments: too few to merge")
        let dictionary = before.segments[0].storeDictionary
        #expect(!dictionary.isEmpty)
        for segment in before.segments {
            #expect(segment.storeDictionary == dictionary, "\(segment.meta.name) has a dictionary of its own")
        }
        let expected = try Self.contents(before.segments)
        // The manifest's sizes are the files' sizes.
        func fileSize(_ name: String) throws -> Int {
            try #require(try FileManager.default.attributesOfItem(atPath: box.index + "/" + name)[.size] as? Int)
        }
        for segment in before.segments {
            let files = SegmentComponent.allCases.filter { $0 != .deletions && $0 != .groups }.map { $0.fileName(segment: segment.meta.name) }
            #expect(segment.meta.bytes == (try files.reduce(0) { $0 + (try fileSize($1)) }))
            #expect(segment.meta.storedBytes == (try fileSize(SegmentComponent.store.fileName(segment: segment.meta.name))))
        }
        // Document id → its stored record when made with the dictionary, nil when without.
        func records(_ segments: [SegmentReader]) throws -> [String: [UInt8]?] {
            var out: [String: [UInt8]?] = [:]
            for segment in segments {
                for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                    let parts = try segment.copyParts(doc, sharesDictionary: true, targetHasDictionary: true)
                    if case .record(let bytes) = parts.stored { out[parts.meta.id] = .some(bytes) } else { out[parts.meta.id] = .some(nil) }
                }
            }
            return out
        }
        let recordsBefore = try records(before.segments)
        #expect(recordsBefore.values.count { $0 != nil } > recordsBefore.count / 2)

        try box.run { o in o.mergeAll = true }
        let after = try IndexReader(directory: box.index)
        #expect(after.segments.count == 1)
        #expect(after.segments[0].storeDictionary == dictionary)
        let recordsAfter = try records(after.segments)
        #expect(Set(recordsAfter.keys) == Set(recordsBefore.keys))
        for (id, record) in recordsAfter {
            #expect(record != nil, "\(id) is still stored without the dictionary")
            if let kept = recordsBefore[id], let kept { #expect(record == kept, "\(id): a record made with the dictionary was not copied") }
        }
        #expect(try Self.contents(after.segments).docs == expected.docs)
    }

    /// A large merge merges its postings in key ranges on two threads, each range after the first
    /// into files of its own, added to the segment's at the end: the merged files are byte for byte
    /// those of a merge in one range, and no part file is left behind.
    @Test func postingsMergedInKeyRangesEqualOneRange() throws {
        let box = try Sandbox("merge-parts")
        try box.addBulk(copies: 8)
        try box.run { o in
            o.flushBytes = 1 << 19
            o.mergeAll = false
            o.maxSegments = 1000
        }
        let segments = try IndexReader(directory: box.index).segments.count
        #expect(segments >= 3, "\(segments) segments: too few to merge")
        let copy = try TempDirectory("index-merge-parts-copy")
        for name in box.indexFiles() {
            try Damage.overwrite(copy.path + "/" + name, try Damage.read(box.index + "/" + name))
        }
        // One range (the default threshold is far above this index), then three.
        try box.run { o in o.mergeAll = true }
        let one = try IndexReader(directory: box.index)
        let inputs = try IndexReader(directory: copy.path).segments.map { SegmentMerger.Input(reader: $0, deleted: nil) }
        #expect(try SegmentMerger.postingsRanges(inputs, partedBytes: 0).count == SegmentMerger.postingsParts)
        var options = box.options(full: false)
        options.index = copy.path
        options.mergeAll = true
        options.mergePartedBytes = 0
        _ = try Indexer.run(options)
        let parted = try IndexReader(directory: copy.path)
        #expect(one.segments.count == 1 && parted.segments.count == 1)
        let name = one.segments[0].meta.name
        #expect(parted.segments[0].meta.name == name)
        for ext in ["post", "pos", "terms", "docs", "store", "meta", "cols", "sig"] {
            let a = try Damage.read(box.index + "/" + name + "." + ext), b = try Damage.read(copy.path + "/" + name + "." + ext)
            #expect(a == b, "\(name).\(ext) differs (\(a.count) and \(b.count) bytes)")
        }
        #expect(!directoryEntries(copy.path).contains { $0.contains(".part") }, "part files left: \(directoryEntries(copy.path))")
    }

    /// A run that stores little (under `dictionaryMinimumRunBytes`) writes its segment without a
    /// store dictionary, so a small update does not carry a dictionary larger than its texts; a
    /// merge into the segment with the dictionary compresses its texts again with that one, and
    /// every text reads back the same.
    @Test func aSmallRunStoresWithoutADictionaryAndAMergeAdoptsTheLargeOnes() throws {
        let box = try Sandbox("merge-small-run")
        try box.addBulk(copies: 6)
        try box.run { o in
            o.dictionarySampleBytes = 64 << 10
            o.dictionaryMinimumRunBytes = 0
        }
        let first = try IndexReader(directory: box.index)
        #expect(first.segments.count == 1)
        let dictionary = first.segments[0].storeDictionary
        #expect(!dictionary.isEmpty)

        try box.addBulk(copies: 1, marker: "later")
        try box.run { o in
            o.maxSegments = 1000
            o.dictionarySampleBytes = 64 << 10
            o.dictionaryMinimumRunBytes = 1 << 30
        }
        let before = try IndexReader(directory: box.index)
        #expect(before.segments.count >= 2)
        for small in before.segments where small.meta.name != first.segments[0].meta.name {
            #expect(small.storeDictionary.isEmpty, "the small run's segment has a dictionary of \(small.storeDictionary.bytes.count) bytes")
        }
        let expected = try Self.contents(before.segments)

        try box.run { o in o.mergeAll = true }
        let after = try IndexReader(directory: box.index)
        #expect(after.segments.count == 1)
        #expect(after.segments[0].storeDictionary == dictionary)
        #expect(try Self.contents(after.segments).docs == expected.docs)
        // The small run's texts are compressed with the dictionary now.
        let segment = after.segments[0]
        var later = 0
        for doc in 0..<segment.documentCount {
            // A record without the dictionary is copied as it is into a segment without one.
            let parts = try segment.copyParts(doc, sharesDictionary: false, targetHasDictionary: false)
            guard parts.meta.id.hasPrefix("bulk/later") else { continue }
            later += 1
            guard case .text = parts.stored else {
                Issue.record("document \(doc) (\(parts.meta.id)) was stored without the dictionary")
                continue
            }
        }
        #expect(later == 5)
    }

    /// `mergeAll` (`ipsearch index --merge-all`) ends a run with one segment holding exactly the
    /// live documents the many segments held, deleted ones dropped, and groups unchanged.
    @Test func mergeAllEndsInOneSegmentWithTheSameDocuments() throws {
        let box = try Sandbox("merge-all")
        try box.addBulk(copies: 6)
        try box.run { o in
            o.threads = 2
            o.flushBytes = 1 << 19
            o.maxSegments = 1000
            o.mergeAll = false
        }
        try box.remove("bulk/bulk0/copy 2_1.txt")
        try box.run { o in o.maxSegments = 1000 }
        let before = try IndexReader(directory: box.index)
        #expect(before.segments.count >= 3, "\(before.segments.count) segments: too few to merge")
        let expected = try Self.contents(before.segments)
        var groupsBefore: [String: Int] = [:]
        for (s, segment) in before.segments.enumerated() {
            for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                groupsBefore[try segment.storedID(doc)] = before.group(segment: s, doc: doc).map(Int.init) ?? -1
            }
        }

        try box.run { o in o.mergeAll = true }
        let after = try IndexReader(directory: box.index)
        #expect(after.segments.count == 1)
        #expect(after.segments[0].meta.deleted == 0)
        #expect(after.documentCount == before.documentCount)
        try after.segments[0].verify()
        let merged = try Self.contents(after.segments)
        #expect(merged.docs == expected.docs)
        #expect(merged.terms == expected.terms)
        // The same partition into groups (numbers are document numbers, so compare who is with whom).
        var groupsAfter: [String: Int] = [:]
        for doc in 0..<after.segments[0].documentCount {
            groupsAfter[try after.segments[0].storedID(doc)] = after.group(segment: 0, doc: doc).map(Int.init) ?? -1
        }
        func partition(_ g: [String: Int]) -> Set<Set<String>> {
            var members: [Int: Set<String>] = [:]
            for (id, n) in g where n >= 0 { members[n, default: []].insert(id) }
            return Set(members.values)
        }
        #expect(partition(groupsAfter) == partition(groupsBefore))
        #expect(!partition(groupsBefore).isEmpty, "the bulk corpus has copies")

        // Nothing left to merge: a second run commits nothing.
        let generation = after.generation
        try box.run { o in o.mergeAll = true }
        #expect(try IndexReader(directory: box.index).generation == generation)
    }

    @Test func aMergeRefusesADamagedInput() throws {
        let box = try Sandbox("merge-damage")
        try box.addBulk(copies: 2)
        try box.run { o in
            o.flushBytes = 1 << 15
            o.maxSegments = 1000
            o.mergeAll = false
        }
        let reader = try IndexReader(directory: box.index)
        let victim = reader.segments[0]
        let path = box.index + "/" + SegmentComponent.positions.fileName(segment: victim.meta.name)
        var bytes = try Damage.read(path)
        bytes[FileFormat.headerSize + 10] ^= 0x40
        try writeBytes(bytes, to: path)
        let damaged = try SegmentReader(directory: box.index, meta: victim.meta)
        #expect(throws: IndexError.self) {
            _ = try SegmentMerger.merge([.init(reader: damaged, deleted: nil)], directory: box.index, name: "merged")
        }
        #expect(!box.indexFiles().contains { $0.hasPrefix("merged.") })
    }

    /// Simulates the indexer's merge loop over segment sizes: each merge takes at most
    /// `mergeFactor` segments, smallest first; the run ends at half the limit; mostly deleted
    /// segments are merged even when under the limit.
    @Test func policyMergesBoundedGroupsSmallestFirstDownToHalfTheLimit() {
        func segment(_ n: Int, live: Int? = nil) -> SegmentMeta {
            var m = SegmentMeta(name: "s", documents: n, words: n, terms: 1)
            m.deleted = n - (live ?? n)
            return m
        }
        func run(_ start: [SegmentMeta], maxSegments: Int) -> (end: [SegmentMeta], merges: [[Int]]) {
            let policy = MergePolicy(maxSegments: maxSegments)
            var segments = start
            let target = policy.target(forCount: segments.count)
            var merges: [[Int]] = []
            while true {
                let chosen = policy.nextMerge(segments, target: target)
                if chosen.isEmpty { break }
                let sizes = chosen.map { segments[$0].documents - segments[$0].deleted }
                merges.append(sizes.sorted())
                let live = sizes.reduce(0, +)
                segments = segments.indices.filter { !chosen.contains($0) }.map { segments[$0] }
                if live > 0 { segments.append(segment(live)) }
                #expect(merges.count < 1000)
                if merges.count >= 1000 { break }
            }
            return (segments, merges)
        }
        // A large full build: 200 flushed segments of 5,000 documents.
        let big = run((0..<200).map { _ in segment(5_000) }, maxSegments: 24)
        #expect(big.end.count <= 12)
        #expect(big.merges.allSatisfy { $0.count >= 2 && $0.count <= MergePolicy.mergeFactor })
        #expect(big.end.reduce(0) { $0 + $1.documents } == 1_000_000)
        // Smallest first: no merge takes a segment larger than one it leaves out at that moment
        // (the first 19 merges take ten flushed segments each).
        #expect(big.merges.prefix(19).allSatisfy { $0 == [Int](repeating: 5_000, count: 10) })
        // Under the limit, nothing; one mostly deleted segment is rewritten alone.
        #expect(run((0..<24).map { _ in segment(100) }, maxSegments: 24).merges.isEmpty)
        let deleted = run([segment(100), segment(100, live: 10), segment(100)], maxSegments: 24)
        #expect(deleted.merges == [[10]])
        // One over the limit: the smallest are merged, ten at most per merge, down to 12.
        let over = run((1...25).map { segment($0) }, maxSegments: 24)
        #expect(over.end.count == 12)
        #expect(over.merges.first == Array(1...10))
    }
}
