import Foundation
import IPSearchTestSupport
import Testing
import IPSearchAnalysis
@testable import IPSearchIndex

/// Near-duplicate signatures and grouping on the real press releases and on documents generated
/// from their sentences.
@Suite struct NearDuplicateTests {
    typealias ND = NearDuplicates

    // MARK: Helpers

    static let normalizer = Normalizer()

    static func normalized(_ text: String) -> [UInt16] { normalizer.normalize(Array(text.utf16)).units }

    /// The signature of `text` as the indexer computes it: over the normalized text.
    static func signature(_ text: String) -> ND.Signature { ND.signature(of: normalized(text)) }

    /// Sentences of `text` (cut after 。！？ and line breaks), without empty ones.
    static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for c in text {
            current.append(c)
            if "。！？!?\n".contains(c) {
                let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if s.count >= 8 { out.append(s) }
                current = ""
            }
        }
        let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.count >= 8 { out.append(s) }
        return out
    }

    /// Sentences of all five corpus documents, Simplified (normalized), deduplicated, in a fixed order.
    static func sentencePool() throws -> [String] {
        var seen = Set<String>()
        var pool: [String] = []
        for name in try Fixtures.names {
            for s in sentences(try Fixtures.text(name)) {
                let simplified = String(decoding: normalized(s), as: UTF16.self)
                if simplified.count >= 12, seen.insert(simplified).inserted { pool.append(simplified) }
            }
        }
        return pool
    }

    /// The group leader's key for each key.
    static func groupsByKey(_ docs: [(key: String, signature: ND.Signature)]) -> [String: String] {
        let leaders = ND.group(docs)
        var out: [String: String] = [:]
        for (i, l) in leaders.enumerated() { out[docs[i].key] = docs[l].key }
        return out
    }

    // MARK: Copies across scripts

    /// 000 is a Traditional republication (with converter pinyin such as `經(jīng)緯`) of a release;
    /// the Simplified original is its folded text under another crumb and footer, and the copy has one
    /// sentence replaced by a sentence of another release.
    @Test func traditionalRepublicationGroupsWithSimplifiedOriginal() throws {
        let traditional = try Fixtures.text(Fixtures.name("000"))
        let simplified = String(decoding: Self.normalized(traditional), as: UTF16.self)
        #expect(simplified.contains("国家知识产权局") && !simplified.contains("國家"), "the original is Simplified")
        let original = "首页 > 新闻中心 > 正文\n" + simplified + "\n责任编辑：王敏\n"

        var parts = Self.sentences(traditional)
        let other = try Self.sentences(Fixtures.text(Fixtures.name("004")))
        try #require(parts.count > 10 && other.count > 10)
        parts[5] = other[7]  // one sentence changed
        let copy = "當前位置：首頁 » 要聞\n" + parts.joined(separator: "\n") + "\n來源：中新經緯    編輯：李靜\n【打印】【關閉窗口】\n"

        let a = Self.signature(original), b = Self.signature(copy)
        let similarity = try #require(a.similarity(to: b))
        #expect(similarity >= ND.threshold, "estimated Jaccard \(similarity)")
        // The group is named by its smallest key, whichever the original.
        let groups = Self.groupsByKey([("2024/original.txt", a), ("2024/copy.txt", b)])
        #expect(groups["2024/original.txt"] == "2024/copy.txt")
        #expect(groups["2024/copy.txt"] == "2024/copy.txt")
    }

    /// 003 is Traditional too: its Simplified folding and the Traditional text have the same signature,
    /// and so do copies differing only in layout (line breaks, spaces, full- or half-width punctuation).
    @Test func sameTextInOtherScriptOrLayoutHasTheSameSignature() throws {
        let traditional = try Fixtures.text(Fixtures.name("003"))
        let simplified = String(decoding: Self.normalized(traditional), as: UTF16.self)
        let relaid = traditional.replacingOccurrences(of: "，", with: ", ")
            .replacingOccurrences(of: "。", with: ".\n\n")
            .replacingOccurrences(of: "、", with: " ")
        let s = Self.signature(traditional)
        #expect(s.values.count == ND.hashCount)
        #expect(Self.signature(simplified) == s)
        #expect(Self.signature(relaid) == s)
    }

    // MARK: Different releases

    /// Pairs of different releases on the same topic (IP offices, press conferences) share terms and
    /// phrases, but far from most of their text.
    @Test(arguments: [("000", "002"), ("001", "004"), ("000", "003"), ("002", "003"), ("001", "002")])
    func differentReleasesOnTheSameTopicStayApart(_ pair: (String, String)) throws {
        let a = try Self.signature(Fixtures.text(Fixtures.name(pair.0)))
        let b = try Self.signature(Fixtures.text(Fixtures.name(pair.1)))
        let similarity = try #require(a.similarity(to: b))
        #expect(similarity < 0.15, "estimated Jaccard \(similarity)")
        let groups = Self.groupsByKey([("a", a), ("b", b)])
        #expect(groups["a"] == "a" && groups["b"] == "b")
    }

    /// A release that reuses half of another (its first half, then text of its own) is related, not a copy.
    @Test func halfSharedReleaseIsNotACopy() throws {
        let a = Self.sentences(try Fixtures.text(Fixtures.name("002")))
        let b = Self.sentences(try Fixtures.text(Fixtures.name("001")))
        let half = Array(a.prefix(a.count / 2)) + Array(b.prefix(a.count - a.count / 2))
        let sa = Self.signature(a.joined(separator: "\n")), sh = Self.signature(half.joined(separator: "\n"))
        let similarity = try #require(sa.similarity(to: sh))
        #expect(similarity > 0.15 && similarity < 0.7, "estimated Jaccard \(similarity)")
        let groups = Self.groupsByKey([("a", sa), ("half", sh)])
        #expect(groups["half"] == "half")
    }

    // MARK: Exact copies, short and empty texts

    @Test func exactCopiesGroupUnderTheSmallestKey() throws {
        let text = try Fixtures.text(Fixtures.name("004"))
        let other = try Fixtures.text(Fixtures.name("001"))
        let docs: [(key: String, signature: ND.Signature)] = [
            ("c/copy.txt", Self.signature(text)), ("b/other.txt", Self.signature(other)),
            ("a/first.txt", Self.signature(text)), ("d/again.txt", Self.signature(text + "\n")),
        ]
        #expect(ND.group(docs) == [2, 1, 2, 2])
    }

    @Test func shortTextsGroupOnlyWithExactCopies() throws {
        let short = "国家知识产权局今日发布2024年专利统计数据，发明专利授权量同比增长。"
        let nearlySame = "国家知识产权局今日发布2024年专利统计数据，发明专利授权量同比增加。"
        let long = try Fixtures.text(Fixtures.name("002"))
        let s = Self.signature(short)
        #expect(s.values.count == ND.hashCount)
        #expect(Self.signature("  " + short.replacingOccurrences(of: "，", with: ",") + "\n") == s)
        let docs: [(key: String, signature: ND.Signature)] = [
            ("1", s), ("2", Self.signature(nearlySame)), ("3", Self.signature(short)), ("4", Self.signature(short + long)),
        ]
        #expect(ND.group(docs) == [0, 1, 0, 3])
    }

    @Test func textsWithoutContentHaveEmptySignaturesThatNeverGroup() {
        let empty = Self.signature(" \n，。、——……\n")
        #expect(empty.isEmpty)
        #expect(Self.signature("").isEmpty)
        #expect(empty.similarity(to: empty) == nil)
        #expect(ND.group([("a", empty), ("b", empty), ("c", .empty)]) == [0, 1, 2])
        // A signature of another length (another K, from an older index) never groups either.
        let other = ND.Signature(values: [1, 2, 3])
        #expect(ND.group([("a", other), ("b", other)]) == [0, 1])
        #expect(ND.group([]) == [])
    }

    /// Through the index: a segment's `.sig` table gives a document without a signature a row of
    /// zeros beside the signed ones; those rows must not read back as equal signatures (two
    /// unrelated punctuation-only files were reported as copies of each other).
    @Test func unsignedDocumentsInASegmentWithSignedOnesNeverGroup() throws {
        let box = try Sandbox("unsigned")
        try box.write("dots.txt", "。。。\n")
        try box.write("dashes.txt", "——\n")
        try box.write("ellipsis.txt", "……！\n")
        try box.run { o in o.threads = 1 }
        let reader = try IndexReader(directory: box.index)
        #expect(reader.segments.count == 1)
        #expect(reader.documentCount == 8)
        var grouped: [String] = []
        for doc in 0..<reader.segments[0].documentCount where reader.group(segment: 0, doc: doc) != nil {
            grouped.append(try reader.segments[0].storedID(doc))
        }
        #expect(grouped.isEmpty, "grouped: \(grouped)")
    }

    // MARK: The estimate

    /// The Jaccard similarity of the 5-character content shingle sets, computed directly.
    static func trueJaccard(_ a: String, _ b: String) -> Double {
        func shingles(_ text: String) -> Set<[UInt16]> {
            let content = normalized(text).filter(ND.isContent)
            guard content.count >= ND.shingleLength else { return [] }
            return Set((0...(content.count - ND.shingleLength)).map { Array(content[$0..<($0 + ND.shingleLength)]) })
        }
        let x = shingles(a), y = shingles(b)
        return Double(x.intersection(y).count) / Double(max(1, x.union(y).count))
    }

    /// Over pairs of generated texts from 80 to 2,000 characters (short ones with empty bins filled
    /// by densification) and similarities from 0 to 1, the estimate is unbiased and close.
    @Test func estimateFollowsTheTrueJaccardSimilarity() throws {
        let pool = try Self.sentencePool()
        var rng = SplitMix64(seed: 7)
        var errors: [Double] = []
        for _ in 0..<200 {
            let n = Int.random(in: 3...60, using: &rng)
            let a = (0..<n).map { _ in pool[Int.random(in: 0..<pool.count, using: &rng)] }
            var b = a
            for _ in 0..<Int.random(in: 0...max(1, n / 2), using: &rng) {
                b[Int.random(in: 0..<n, using: &rng)] = pool[Int.random(in: 0..<pool.count, using: &rng)]
            }
            let ta = a.joined(), tb = b.joined()
            let sa = Self.signature(ta), sb = Self.signature(tb)
            func exact(_ t: String) -> ND.Signature { Self.normalized(t).withUnsafeBufferPointer { ND.exactSignature(of: $0) } }
            guard sa != exact(ta), sb != exact(tb) else { continue }  // too short for MinHash
            errors.append(try #require(sa.similarity(to: sb)) - Self.trueJaccard(ta, tb))
        }
        #expect(errors.count > 150)
        let bias = errors.reduce(0, +) / Double(errors.count)
        let meanAbsolute = errors.map(abs).reduce(0, +) / Double(errors.count)
        #expect(abs(bias) < 0.02, "bias \(bias)")
        #expect(meanAbsolute < 0.08, "mean absolute error \(meanAbsolute)")
    }

    // MARK: Encoding

    @Test func signaturesRoundTripThroughBytes() throws {
        for name in try Fixtures.names {
            let s = try Self.signature(Fixtures.text(name))
            var bytes: [UInt8] = [0xAA]
            s.append(to: &bytes)
            #expect(bytes.count == 1 + ND.Signature.encodedSize(count: s.values.count))
            #expect(ND.Signature(bytes: Array(bytes.dropFirst())) == s)
            // Truncated or with trailing bytes: rejected, not trapped on.
            for cut in [1, 2, 5, bytes.count - 2] {
                #expect(ND.Signature(bytes: Array(bytes.dropFirst().dropLast(cut))) == nil)
            }
            #expect(ND.Signature(bytes: Array(bytes.dropFirst()) + [0]) == nil)
        }
        var empty: [UInt8] = []
        ND.Signature.empty.append(to: &empty)
        #expect(empty == [0])
        #expect(ND.Signature(bytes: empty) == .empty)
        #expect(ND.Signature(bytes: []) == nil)
        #expect(ND.Signature(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == nil)  // absurd count
    }

    // MARK: Generated archive

    /// Releases of 20–30 sentences drawn from the corpus's sentences; copies with another crumb and
    /// footer, one sentence replaced, and some in the original's Traditional spelling where the
    /// corpus has one.
    struct Archive {
        var docs: [(key: String, signature: ND.Signature)] = []
        var originalOf: [String: String] = [:]
    }

    static func generatedArchive(originals: Int, copies: Int, seed: UInt64) throws -> Archive {
        let pool = try sentencePool()
        try #require(pool.count > 200, "sentence pool of \(pool.count)")
        var rng = SplitMix64(seed: seed)
        var archive = Archive()
        var bodies: [[String]] = []
        let crumbs = ["首页 > 新闻中心 > 正文", "当前位置：首页 » 要闻", "消费资讯", "您的位置：首頁>>新聞"]
        let footers = ["责任编辑：王敏", "來源：中國網    編輯：李靜", "分享到：微信 微博 QQ空间", "【打印】【关闭窗口】"]
        for i in 0..<originals {
            let body = (0..<Int.random(in: 20...30, using: &rng)).map { _ in pool[Int.random(in: 0..<pool.count, using: &rng)] }
            bodies.append(body)
            let text = crumbs[i % crumbs.count] + "\n" + body.joined() + "\n" + footers[i % footers.count]
            archive.docs.append((String(format: "orig%05d.txt", i), signature(text)))
        }
        for c in 0..<copies {
            let o = Int.random(in: 0..<originals, using: &rng)
            var body = bodies[o]
            body[Int.random(in: 0..<body.count, using: &rng)] = pool[Int.random(in: 0..<pool.count, using: &rng)]
            let text = crumbs[(o + 1 + c) % crumbs.count] + "\n" + body.joined(separator: c % 2 == 0 ? "" : "\n")
                + "\n" + footers[(o + 2 + c) % footers.count]
            let key = String(format: "copy%05d.txt", c)
            archive.docs.append((key, signature(text)))
            archive.originalOf[key] = String(format: "orig%05d.txt", o)
        }
        return archive
    }

    @Test func generatedCopiesGroupWithTheirOriginalsAndNothingElse() throws {
        let archive = try Self.generatedArchive(originals: 400, copies: 100, seed: 10)
        let groups = Self.groupsByKey(archive.docs)
        // The leader of each original's group is the original itself ("orig" < "copy" is false:
        // copy keys sort first, so compare groups by leader, not by name).
        var groupOf: [String: String] = [:]
        for (key, leader) in groups { groupOf[key] = leader }
        var expectedGroup: [String: Set<String>] = [:]
        for (copy, original) in archive.originalOf { expectedGroup[original, default: [original]].insert(copy) }
        var members: [String: Set<String>] = [:]
        for (key, leader) in groupOf { members[leader, default: []].insert(key) }
        let actual = Set(members.values.filter { $0.count > 1 })
        let expected = Set(expectedGroup.values)
        #expect(actual == expected)
    }

    @Test func groupingIsIndependentOfInputOrder() throws {
        let archive = try Self.generatedArchive(originals: 150, copies: 60, seed: 11)
        let reference = Self.groupsByKey(archive.docs)
        #expect(Set(reference.values).count < archive.docs.count, "some documents grouped")
        var rng = SplitMix64(seed: 12)
        for _ in 0..<5 {
            let shuffled = archive.docs.shuffled(using: &rng)
            #expect(Self.groupsByKey(shuffled) == reference)
            // Leaders are the smallest key of their group.
            let leaders = ND.group(shuffled)
            for (i, l) in leaders.enumerated() { #expect(shuffled[l].key <= shuffled[i].key) }
        }
    }

    /// LSH finds the candidate pairs a brute-force comparison of every pair finds.
    @Test func bandingFindsEveryPairAboveTheThreshold() throws {
        let archive = try Self.generatedArchive(originals: 200, copies: 80, seed: 13)
        let docs = archive.docs
        var uf = ND.UnionFind(count: docs.count)
        let order = docs.indices.sorted { docs[$0].key < docs[$1].key }
        for a in 0..<order.count {
            for b in (a + 1)..<order.count {
                if let s = docs[order[a]].signature.similarity(to: docs[order[b]].signature), s >= ND.threshold {
                    uf.union(a, b)
                }
            }
        }
        var brute = [Int](repeating: 0, count: docs.count)
        for (r, i) in order.enumerated() { brute[i] = order[uf.find(r)] }
        #expect(ND.group(docs) == brute)
    }

    /// The indexer confirms pairs on rows it reads from the `.sig` files (not through the maps):
    /// grouping through such a reader gives the same groups, reads only the rows of pairs the
    /// fingerprints let through, and reports a failed read instead of grouping without it.
    @Test func confirmationThroughARowReaderGroupsTheSame() throws {
        let archive = try Self.generatedArchive(originals: 200, copies: 80, seed: 17)
        let docs = archive.docs
        let width = ND.hashCount
        // The rows as `.sig` stores them.
        var flat: [UInt8] = []
        for d in docs { SignatureTable.appendRow(d.signature.values.count == width ? d.signature.values[...] : [], width: width, to: &flat) }
        #expect(flat.count == docs.count * SignatureTable.rowBytes)
        var keys = IDBuffer()
        for d in docs { keys.append(d.key) }
        struct ReadFailed: Error {}
        try flat.withUnsafeBytes { table in
            let rows: [UnsafeRawPointer?] = docs.indices.map { table.baseAddress! + $0 * SignatureTable.rowBytes }
            var reads = 0
            let viaReader = try ND.group(keys: keys, signatures: rows, exactRow: { (i, buffer) throws(ReadFailed) -> UnsafeRawPointer in
                reads += 1
                buffer.copyMemory(from: rows[i]!, byteCount: SignatureTable.rowBytes)
                return UnsafeRawPointer(buffer)
            })
            #expect(viaReader == ND.group(docs))
            #expect(Set(viaReader).count < docs.count, "copies grouped")
            // Each confirmed pair reads two rows; far fewer than every pair sharing a band bucket.
            #expect(reads > 0 && reads <= 2 * 4 * 80, "\(reads) rows read")
            #expect(throws: ReadFailed.self) {
                _ = try ND.group(keys: keys, signatures: rows, exactRow: { (_, _) throws(ReadFailed) -> UnsafeRawPointer in
                    throw ReadFailed()
                })
            }
        }
    }
}
