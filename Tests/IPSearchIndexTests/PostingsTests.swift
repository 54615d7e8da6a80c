import Foundation
import Synchronization
import Testing
import IPSearchTestSupport
import IPSearchAnalysis
@testable import IPSearchIndex

/// Block postings, lazy positions and the block term dictionary, on an index of documents mixed from
/// the real corpus's sentences: long lists (many full 128-document blocks), short ones (tail only),
/// every frequency width. The index must hold exactly what the analyzer produced, read through the
/// cursor's skipping as through a full decode.
@Suite(.serialized) struct PostingsTests {
    /// 420 documents of 3–40 sentences drawn (seeded) from the five corpus documents.
    static func mixedCorpus(_ box: Sandbox, documents: Int = 420) throws {
        var sentences: [String] = []
        for name in try Fixtures.names {
            let text = try Fixtures.text(name)
            var current = ""
            for ch in text {
                current.append(ch)
                if "。！？\n".contains(ch) {
                    if current.count > 4 { sentences.append(current) }
                    current = ""
                }
            }
        }
        #expect(sentences.count > 100, "the corpus should give sentences to mix")
        var rng = SplitMix64(seed: 13)
        for d in 0..<documents {
            let n = 3 + Int(rng.next() % 38)
            var text = ""
            for _ in 0..<n { text += sentences[Int(rng.next() % UInt64(sentences.count))] }
            try box.write("mix/\(d / 100)/doc\(d).txt", text)
        }
    }

    /// Per gram and mark: document → positions, from the analyzer over every stored text (as the indexer runs it).
    static func expectedPostings(_ segment: SegmentReader) throws -> [UInt64: [Int32: [Int32]]] {
        let analyzer = try Analyzer()
        var expected: [UInt64: [Int32: [Int32]]] = [:]
        for doc in 0..<segment.documentCount {
            // As the indexer analyses a document: spam spans removed first.
            let analysis = analyzer.analyzeDocument(try segment.storedDocument(doc).text, spamFilter: SpamFilter()).analysis
            for k in analysis.grams.indices {
                expected[analysis.grams[k], default: [:]][Int32(doc), default: []].append(analysis.gramPositions[k])
            }
            for k in analysis.marks.indices {
                expected[analysis.marks[k], default: [:]][Int32(doc), default: []].append(analysis.markPositions[k])
            }
        }
        return expected
    }

    static func build() throws -> (Sandbox, IndexReader) {
        let box = try Sandbox("postings", copyCorpus: false)
        try mixedCorpus(box)
        try box.run(full: true) { o in  // a dictionary for this small corpus
            o.dictionarySampleBytes = 64 << 10
            o.dictionaryMinimumRunBytes = 0
        }
        return (box, try IndexReader(directory: box.index))
    }

    @Test func everyGramHoldsExactlyTheAnalyzersPositions() throws {
        let (_, reader) = try Self.build()
        var sawFullBlocks = false, sawTailOnly = false, sawManyFrequencies = false
        for segment in reader.segments {
            let expected = try Self.expectedPostings(segment)
            let terms = try segment.terms(in: 0...UInt64.max)
            #expect(terms.count == segment.termCount)
            #expect(Set(terms.map(\.key)) == Set(expected.keys))
            #expect(zip(terms, terms.dropFirst()).allSatisfy { $0.key < $1.key }, "terms out of order")
            for info in terms {
                let want = try #require(expected[info.key])
                #expect(info.docFreq == want.count)
                #expect(try segment.find(info.key) == info)
                let list = try segment.postings(info)
                #expect(list.docs == want.keys.sorted(), "\(Gram(key: info.key)): documents differ")
                for i in 0..<list.count {
                    #expect(Array(list.positions(at: i)) == want[list.docs[i]]!.sorted(), "\(Gram(key: info.key)) in \(list.docs[i])")
                }
                if info.docFreq > BitPacking.blockSize { sawFullBlocks = true }
                if info.docFreq < BitPacking.blockSize { sawTailOnly = true }
                if want.values.contains(where: { $0.count > 8 }) { sawManyFrequencies = true }
            }
            // A key between two terms and keys beyond both ends are absent.
            if let first = terms.first, let last = terms.last {
                #expect(try segment.find(first.key - 1) == nil || first.key == 0)
                #expect(try segment.find(last.key + 1) == nil)
            }
        }
        #expect(sawFullBlocks && sawTailOnly && sawManyFrequencies, "the mixed corpus should exercise every block kind")
    }

    /// Skipping with `advance(to:)` lands where a linear walk does, from any target.
    @Test func advanceLandsOnTheFirstDocumentAtOrAfterTheTarget() throws {
        let (_, reader) = try Self.build()
        var rng = SplitMix64(seed: 7)
        for segment in reader.segments {
            let terms = try segment.terms(in: 0...UInt64.max).filter { $0.docFreq > 40 }
            #expect(!terms.isEmpty)
            for info in terms.prefix(200) {
                let docs = try segment.postings(info).docs
                var cursor = try segment.cursor(info)
                var target: Int32 = 0
                while true {
                    target += Int32(rng.next() % 40)
                    let got = try cursor.advance(to: target)
                    let want = docs.first { $0 >= target } ?? PostingCursor.end
                    #expect(got == want, "\(Gram(key: info.key)): advance(to: \(target))")
                    if got == PostingCursor.end { break }
                    // Positions of the landed document match the full decode.
                    var positions: [Int32] = []
                    try cursor.forEachPosition { positions.append($0) }
                    let i = docs.firstIndex(of: got)!
                    #expect(positions == Array(try segment.postings(info).positions(at: i)))
                    target = got + 1
                }
            }
        }
    }

    /// A flipped byte anywhere in the postings or positions data is an error when read, never a
    /// different list.
    @Test(arguments: ["post", "pos", "terms"])
    func damageIsAnErrorNotADifferentList(_ ext: String) throws {
        let (box, reader) = try Self.build()
        var before: [UInt64: PostingList] = [:]
        for info in try reader.segments[0].terms(in: 0...UInt64.max) { before[info.key] = try reader.segments[0].postings(info) }
        let path = try box.indexFile(ext: ext)
        let size = try Damage.read(path).count
        for fraction in [0.1, 0.37, 0.5, 0.81] {
            try Damage.flipByte(path, at: 8 + Int(Double(size - 24) * fraction))
            var errors = 0, silent = 0
            do {
                let damaged = try IndexReader(directory: box.index).segments[0]
                for (key, list) in before {
                    do {
                        guard let info = try damaged.find(key) else { silent += 1; continue }
                        let got = try damaged.postings(info)
                        if got.docs != list.docs || got.positions != list.positions { silent += 1 }
                    } catch {
                        errors += 1
                        #expect("\(error)".contains(path.split(separator: "/").last!), "\(error)")
                    }
                }
            } catch {
                errors += 1
            }
            #expect(silent == 0, "\(ext) at \(fraction): \(silent) lists silently different")
            #expect(errors > 0, "\(ext) at \(fraction): the damage went unnoticed")
            try Damage.flipByte(path, at: 8 + Int(Double(size - 24) * fraction))  // repair
        }
    }

    @Test func bitPackingRoundTripsEveryWidth() {
        var rng = SplitMix64(seed: 3)
        for width in 0...32 {
            let values = (0..<BitPacking.blockSize).map { _ in
                width == 0 ? 0 : UInt32(truncatingIfNeeded: rng.next()) >> UInt32(32 - width)
            }
            var bytes: [UInt8] = []
            values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, to: &bytes) }
            #expect(bytes.count == BitPacking.byteCount(width: width))
            #expect(values.withUnsafeBufferPointer { BitPacking.width($0) } <= width)
            bytes += [UInt8](repeating: 0xFF, count: 8)  // the readable slack unpack needs
            var out = [UInt32](repeating: 0, count: BitPacking.blockSize)
            bytes.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, width: width, add: 0, into: $0.baseAddress!) }
            }
            #expect(out == values, "width \(width)")
        }
    }

    /// Patched blocks (`PatchedPacking`) read back exactly, with or without `add`, for blocks of small
    /// values with a few large ones, uniform blocks of every width and blocks of zeros; no block is
    /// larger than the plain packing at its largest value's width, and a block with outliers is
    /// smaller; blocks cut short, with exceptions out of order, of zero or past 32 bits read as
    /// malformed (nil), never as other values or a trap.
    @Test func patchedBlocksRoundTripAndRefuseDamage() {
        var rng = SplitMix64(seed: 5)
        let n = BitPacking.blockSize
        func pack(_ values: [UInt32]) -> [UInt8] {
            var bytes: [UInt8] = []
            values.withUnsafeBufferPointer { PatchedPacking.pack($0, to: &bytes) }
            return bytes
        }
        func unpack(_ bytes: [UInt8], add: UInt32 = 0) -> (values: [UInt32], length: Int)? {
            var out = [UInt32](repeating: 0, count: n)
            let padded = bytes + [UInt8](repeating: 0xFF, count: 8)  // the readable slack unpack needs
            let length = padded.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer {
                    PatchedPacking.unpack(raw.baseAddress!, available: bytes.count, add: add, into: $0.baseAddress!)
                }
            }
            return length.map { (out, $0) }
        }
        var shapes: [[UInt32]] = [[UInt32](repeating: 0, count: n), [UInt32](repeating: .max, count: n)]
        for width in 1...32 {
            shapes.append((0..<n).map { _ in UInt32(truncatingIfNeeded: rng.next()) >> UInt32(32 - width) })
        }
        for _ in 0..<200 {
            let small = Int(rng.next() % 8), outliers = Int(rng.next() % 12)
            var values = (0..<n).map { _ in small == 0 ? 0 : UInt32(truncatingIfNeeded: rng.next()) >> UInt32(32 - small) }
            for _ in 0..<outliers { values[Int(rng.next() % UInt64(n))] = UInt32(truncatingIfNeeded: rng.next()) >> UInt32(rng.next() % 24) }
            shapes.append(values)
        }
        var smallerWithOutliers = 0
        for values in shapes {
            let bytes = pack(values)
            let plain = 2 + values.withUnsafeBufferPointer { BitPacking.byteCount(width: BitPacking.width($0)) }
            #expect(bytes.count <= plain)
            if bytes.count < plain { smallerWithOutliers += 1 }
            let read = unpack(bytes)
            #expect(read?.values == values && read?.length == bytes.count)
            if values.allSatisfy({ $0 < .max }) {
                #expect(unpack(bytes, add: 1)?.values == values.map { $0 + 1 })
            } else {
                #expect(unpack(bytes, add: 1) == nil, "a value plus add past 2³² − 1 reads as malformed")
            }
            for cut in 1...min(bytes.count, 5) { #expect(unpack(Array(bytes.dropLast(cut))) == nil) }
        }
        #expect(smallerWithOutliers >= 150, "\(smallerWithOutliers) of \(shapes.count) blocks gained from exceptions")
        // Hand-made damage: a width of 33, exceptions out of order, a zero exception, one past 32 bits.
        var values = [UInt32](repeating: 1, count: n)
        values[3] = 1 << 20
        values[9] = 1 << 21
        let good = pack(values)
        #expect(good[0] == 1 && good[1] == 2, "\(good.prefix(2))")
        var bad = good
        bad[0] = 33
        #expect(unpack(bad) == nil)
        let exceptions = 2 + BitPacking.byteCount(width: 1)
        bad = good
        (bad[exceptions], bad[exceptions + 4]) = (9, 3)  // indexes 9 then 3
        #expect(unpack(bad) == nil)
        bad = Array(good[..<exceptions]) + [3, 0] + Array(good[(exceptions + 4)...])  // high bits 0
        bad[1] = 2
        #expect(unpack(bad) == nil)
        bad = Array(good[..<exceptions]) + [3, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F] + Array(good[(exceptions + 4)...])
        #expect(unpack(bad) == nil)
    }

    /// Position codes (`PositionCoding`) read back exactly for blocks of every shape: short and
    /// long documents, one and many positions, gaps up to 2³¹ − 2, k from 0 up; the chosen k is
    /// within a bit a position of the best of all; and codes cut short read as malformed, never as
    /// other positions or a trap.
    @Test func positionCodesRoundTripAndRefuseTruncation() {
        var rng = SplitMix64(seed: 11)
        for shape in 0..<300 {
            let documents = 1 + Int(rng.next() % 128)
            var freqs: [UInt32] = [], gaps: [UInt32] = []
            for _ in 0..<documents {
                let length = UInt64([40, 800, 3000, 70_000, 1 << 20][shape % 5])
                let tf = shape % 7 == 0 ? 1 + Int(rng.next() % 200) : 1 + Int(rng.next() % 4)
                freqs.append(UInt32(tf))
                var next: UInt64 = 0
                for _ in 0..<tf {
                    let room = max(1, (length - min(length - 1, next)) / UInt64(tf))
                    let g = UInt32(rng.next() % room)
                    gaps.append(g)
                    next += UInt64(g) + 1
                }
            }
            if shape == 1 { freqs.append(1); gaps.append(UInt32(Int32.max) - 2) }  // the largest a position can be
            var bytes: [UInt8] = []
            gaps.withUnsafeBufferPointer { g in freqs.withUnsafeBufferPointer { PositionCoding.encodeBlock(gaps: g, freqs: $0, to: &bytes) } }
            let k = Int(bytes[0])
            // Within a bit a position of the best parameter.
            func bits(_ k: Int) -> Int {
                var total = 0, i = 0
                for tf in freqs {
                    for _ in 0..<Int(tf) { total += PositionCoding.codeLength(gaps[i], k: PositionCoding.documentK(k, tf: tf)); i += 1 }
                }
                return total
            }
            let best = (0...PositionCoding.maximumK).map(bits).min()!
            #expect(bits(k) <= best + gaps.count, "shape \(shape): k \(k) takes \(bits(k)) bits, the best \(best)")
            let low = freqs.withUnsafeBufferPointer { PositionCoding.lowBits(k: k, freqs: $0) }
            var header: [UInt8] = []
            VarInt.append(UInt64((low + 7) / 8), to: &header)
            #expect(Array(bytes[1..<(1 + header.count)]) == header)
            #expect(bytes.count == 1 + header.count + (low + 7) / 8 + (bits(k) - low + 7) / 8)

            func decode(_ codes: [UInt8]) -> [UInt32]? {
                codes.withUnsafeBytes { raw -> [UInt32]? in
                    let lowBytes = (low + 7) / 8
                    guard lowBytes <= raw.count else { return nil }
                    var l = PositionCoding.BitReader(UnsafeRawBufferPointer(rebasing: raw[0..<lowBytes]))
                    var u = PositionCoding.BitReader(UnsafeRawBufferPointer(rebasing: raw[lowBytes...]))
                    var out: [UInt32] = []
                    for tf in freqs {
                        let kd = PositionCoding.documentK(k, tf: tf)
                        for _ in 0..<Int(tf) {
                            guard let q = u.unary(), let r = l.low(kd) else { return nil }
                            out.append(q << UInt32(kd) | r)
                        }
                    }
                    return l.atEnd && u.atEnd ? out : nil
                }
            }
            let codes = Array(bytes.dropFirst(1 + header.count))
            #expect(decode(codes) == gaps, "shape \(shape)")
            #expect(decode(Array(codes.dropLast())) == nil, "shape \(shape): truncated codes read")
            // Skipping one bits lands where decoding does.
            codes.withUnsafeBytes { raw in
                let lowBytes = (low + 7) / 8
                var u = PositionCoding.BitReader(UnsafeRawBufferPointer(rebasing: raw[lowBytes...]))
                var v = u
                let n = gaps.count / 2
                let skipped = u.skipOnes(n)
                #expect(skipped)
                for _ in 0..<n { _ = v.unary() }
                #expect(u.bit == v.bit, "shape \(shape)")
                let past = u.skipOnes(gaps.count - n + 1)
                #expect(!past)
            }
        }
        // Zero bits alone hold no code.
        let zeros = [UInt8](repeating: 0, count: 8)
        zeros.withUnsafeBytes { raw in
            var r = PositionCoding.BitReader(raw)
            #expect(r.unary() == nil)
        }
    }

    /// The radix sort that groups a document's terms equals the standard library's sort, on
    /// key/position mixes like a document's (keys repeating, positions ascending per key).
    @Test func radixSortByKeyEqualsSort() {
        var random = SplitMix64(seed: 42)
        for n in [0, 1, 63, 64, 65, 500, 3000] {
            for keySpace: UInt64 in [1, 50, 1 << 20, (1 << 42) - 1] {
                var packed: [UInt64] = []
                for p in 0..<n {
                    let key = random.next() % keySpace
                    packed.append(key << 22 | UInt64(p))
                }
                var radix = packed
                PreparedDocument.sortByKey(&radix)
                #expect(radix == packed.sorted(), "n \(n), key space \(keySpace)")
            }
        }
    }

    /// A run trains its store dictionary on an eighth of what it stores, from 4 MB up to 16 MB (a
    /// dictionary a quarter of that), and never on more than the limit it is given.
    @Test func theDictionarySampleGrowsWithTheRun() {
        let mb = 1 << 20
        #expect(StoreDictionary.sampleBytes(forRun: 8 * mb) == 4 * mb)
        #expect(StoreDictionary.sampleBytes(forRun: 64 * mb) == 8 * mb)
        #expect(StoreDictionary.sampleBytes(forRun: 213 * mb) == 16 * mb)
        #expect(StoreDictionary.sampleBytes(forRun: 4096 * mb) == 16 * mb)
        #expect(StoreDictionary.sampleBytes(forRun: 213 * mb, limit: 64 << 10) == 64 << 10)
        #expect(StoreDictionary.sampleBytes / 4 == StoreDictionary.capacity)
    }

    /// Stored texts: the first texts a build stores train its zstd dictionary (saved at the end of `.store`);
    /// every text, before and after, reads back exactly, and a missing or another trained
    /// dictionary is refused.
    @Test func storedTextsRoundTripThroughTheSegmentDictionary() throws {
        let (box, reader) = try Self.build()
        var withDictionary = 0, checked = 0
        // Another trained dictionary, from other texts.
        var samples: [UInt8] = [], sizes: [Int] = []
        for n in 0..<400 {
            let text = Array("第\(n)号 商标注册 \(n * 7919 % 1000) 件，专利授权 \(n * 104729 % 997) 项；版权登记 \(n % 13) 类。\n".utf8)
            samples += text
            sizes.append(text.count)
        }
        let trained = StoreDictionary.train(samples: samples, sizes: sizes)
        // zstd trained it (its dictionary magic number), rather than falling back to raw content.
        #expect(Array(trained.prefix(4)) == [0x37, 0xA4, 0x30, 0xEC] && trained.count <= samples.count / 4)
        let other = StoreDictionary(trained)
        #expect(!other.isEmpty && other.decoder != nil)
        for segment in reader.segments {
            let dictionary = segment.storeDictionary
            if !dictionary.isEmpty {
                #expect(dictionary.bytes.count <= StoreDictionary.capacity)
                #expect(dictionary.decoder != nil)
                withDictionary += 1
            }
            for doc in 0..<segment.documentCount where !segment.isDeleted(doc) {
                let stored = try segment.storedDocument(doc)
                #expect(stored.text == (try readText(box.corpus + "/" + stored.id)), "\(stored.id)")
                checked += 1
            }
            // A record made with the dictionary does not decode without it or with another one.
            if !dictionary.isEmpty {
                let compressor = Compressor(dictionary: dictionary.array)
                #expect(compressor.hasDictionary)
                let text = "国家知识产权局发布地理标志保护规定 intellectual property"
                let record = try #require(StoredText.encode(text, with: compressor))
                #expect(record.withUnsafeBytes { StoredText.decode($0, dictionary: dictionary) } == text)
                #expect(record.withUnsafeBytes { StoredText.decode($0, dictionary: StoreDictionary([])) } == nil)
                #expect(record.withUnsafeBytes { StoredText.decode($0, dictionary: other) } == nil)
                // Without a dictionary a record reads back with any.
                let plain = try #require(StoredText.encode(text, with: Compressor()))
                #expect(plain.withUnsafeBytes { StoredText.decode($0, dictionary: dictionary) } == text)
                #expect(plain.withUnsafeBytes { StoredText.decode($0, dictionary: StoreDictionary([])) } == text)
            }
        }
        #expect(withDictionary > 0, "this corpus stores more texts than a dictionary is trained on")
        #expect(checked == 420)
    }

    /// A flipped byte in the store's dictionary (at the end of `.store`) makes every text that
    /// needs it an error saying so, never a wrong text (a build from nothing ends in one merge that
    /// compresses every text with the dictionary, so here every text needs it).
    @Test func aDamagedStoreDictionaryIsNamedWhenATextNeedsIt() throws {
        let (box, reader) = try Self.build()
        let segment = reader.segments[0]
        let length = segment.storeDictionary.bytes.count
        try #require(length > 0)
        let path = box.index + "/" + SegmentComponent.store.fileName(segment: segment.meta.name)
        let size = try Damage.read(path).count
        try Damage.flipByte(path, at: size - FileFormat.footerSize - StoreDictionary.trailerSize - length / 2)
        let damaged = try IndexReader(directory: box.index).segments[0]
        var named = 0, intact = 0
        for doc in 0..<damaged.documentCount {
            do {
                let stored = try damaged.storedDocument(doc)
                #expect(stored.text == (try readText(box.corpus + "/" + stored.id)), "\(stored.id)")
                intact += 1
            } catch {
                #expect("\(error)".contains("dictionary fails its checksum") && "\(error)".contains(path), "\(error)")
                named += 1
            }
        }
        #expect(named == damaged.documentCount, "\(named) texts refused, \(intact) read")
    }

    /// One prepared dictionary serves the compressors of several writers at once (each on its own
    /// thread, as the indexer's are): every text they compress reads back through the segment's
    /// decompression dictionary, and compresses smaller than without a dictionary.
    @Test func writersShareOnePreparedDictionaryAcrossThreads() throws {
        let texts = (0..<600).map { n in
            "第\(n)号公告：国家知识产权局发布地理标志保护规定，商标注册 \(n * 7919 % 1000) 件，专利授权 \(n * 104729 % 997) 项。各地知识产权局要加强地理标志保护。\n"
        }
        let samples = texts.prefix(400).flatMap { Array($0.utf8) }
        let bytes = StoreDictionary.train(samples: samples, sizes: texts.prefix(400).map { $0.utf8.count })
        let shared = try #require(CompressionDictionary(bytes))
        let decoder = StoreDictionary(bytes)
        let later = Array(texts.suffix(200))
        let results = Mutex<[Int: (withDictionary: Int, without: Int, readBack: Bool)]>([:])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let compressor = Compressor(shared: shared), plain = Compressor()
            for (i, text) in later.enumerated() where i % 4 == worker {
                guard let record = StoredText.encode(text, with: compressor),
                      let alone = StoredText.encode(text, with: plain) else { continue }
                let back = record.withUnsafeBytes { StoredText.decode($0, dictionary: decoder) }
                results.withLock { $0[i] = (record.count, alone.count, back == text) }
            }
        }
        let all = results.withLock { $0 }
        #expect(all.count == later.count)
        #expect(all.values.allSatisfy { $0.readBack })
        #expect(all.values.reduce(0) { $0 + $1.withDictionary } < all.values.reduce(0) { $0 + $1.without })
        #expect(CompressionDictionary([]) == nil)
    }

    /// When zstd cannot train a dictionary (here: too few samples), the samples' last 32 KB serve
    /// as a raw content dictionary, and texts round-trip through it all the same.
    @Test func aRawContentDictionaryWhenZstdCannotTrainOne() throws {
        let texts = (0..<3).map { "第\($0)号 国家知识产权局发布地理标志保护规定，商标注册与专利授权。\n" }
        let samples = texts.flatMap { Array($0.utf8) }
        let raw = StoreDictionary.train(samples: samples, sizes: texts.map { $0.utf8.count })
        #expect(raw == Array(samples.suffix(32 << 10)))
        let dictionary = StoreDictionary(raw)
        #expect(dictionary.decoder != nil)
        let compressor = Compressor(dictionary: raw)
        #expect(compressor.hasDictionary)
        let text = "国家知识产权局发布地理标志保护规定，商标注册与专利授权。"
        let record = try #require(StoredText.encode(text, with: compressor))
        let plain = try #require(StoredText.encode(text, with: Compressor()))
        #expect(record.count < plain.count, "the dictionary helps: \(record.count) vs \(plain.count) bytes")
        #expect(record.withUnsafeBytes { StoredText.decode($0, dictionary: dictionary) } == text)
        #expect(record.withUnsafeBytes { StoredText.decodeUTF8($0, dictionary: dictionary) } == Array(text.utf8))
    }
}
