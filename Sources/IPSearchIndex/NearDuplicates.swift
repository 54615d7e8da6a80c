import IPSearchAnalysis

/// Near-duplicate detection: a MinHash signature of each document's body text, and grouping of the
/// documents whose bodies share most of their text.
///
/// ```swift
/// let a = NearDuplicates.signature(of: normalizedBodyUnits)        // at index time, per document
/// let groups = NearDuplicates.group([(key: "a.txt", signature: a), (key: "b.txt", signature: b)])
/// // groups[i] == index of the group leader of document i (the member with the smallest key)
/// ```
///
/// **Input.** The UTF-16 units of the body *after* normalization (`Normalizer`: NFKC, case folding,
/// Traditional → Simplified, converter pinyin dropped) and after boilerplate removal. Only *content*
/// characters are shingled: letters, digits, Han and other scripts. White space, punctuation and
/// symbols are skipped (`isContent`), so line breaks, full- or half-width commas and spacing, which
/// differ from one republishing site to the next, do not change the signature.
///
/// **Shingles.** Overlapping runs of 5 content characters (`shingleLength`). For Chinese, where one
/// character carries about as much as a short English word, 5-character shingles are the usual
/// choice in near-duplicate work on Chinese web pages (3–5 characters): long enough that two
/// different releases on the same topic share few shingles (a term such as 国家知识产权局 yields only 3),
/// short enough that one changed sentence breaks only that sentence's shingles plus 4.
///
/// **MinHash.** One-permutation hashing with `hashCount` (K = 64) bins: each shingle is hashed once
/// (a 64-bit shift register of the 4 previous units plus the new one, mixed by the MurmurHash3
/// finalizer), the top 6 bits choose a bin, the low 32 bits compete for that bin's minimum. One pass,
/// O(1) per character, no allocation besides the result. Bins left empty (short texts) are filled
/// by optimal densification (Shrivastava, ICML 2017): an empty bin copies the value of the first
/// non-empty bin on its own fixed pseudo-random probe sequence, so the fraction of equal bins of two
/// signatures still estimates the Jaccard similarity of their shingle sets.
///
/// **Short texts.** A text with fewer than `minimumShingles` shingles (about 70 characters) is too
/// short for a meaningful estimate: its signature is derived from a hash of its whole content, so
/// it groups only with exact copies (after normalization). A text with no content character has the
/// empty signature, which never groups.
///
/// **Grouping.** Documents whose estimated Jaccard similarity is ≥ `threshold` are linked; groups are
/// the connected components. The threshold is 0.6, not the 0.8 often quoted for web pages: on the
/// generated archive (a copy = another outlet's crumb and footer, one sentence replaced, half of them
/// in Traditional script), the true Jaccard similarity of a copy and its original, crumbs and footers
/// included, is 0.89 at the median but below 0.8 for 8.5% of copies and down to 0.56 (a long
/// sentence replaced); different real releases on the same topic (the five in Corpus/) are at
/// 0.003–0.03, and a release that reuses half of another is at about 1/3. At Jaccard 0.6, two bodies
/// of the same length share 3/4 of their shingles ("most of their text"); with K = 64 the estimate's
/// standard error there is 0.06, and a pair at 1/3 is merged with probability 6·10⁻⁶ (binomial
/// tail). Candidate pairs come from LSH banding: 21 bands of 3 values (the 64th value only takes
/// part in the confirmation); a pair at similarity 0.6 shares a band with probability
/// 1 − (1 − 0.6³)²¹ ≈ 0.994, at 0.7 ≈ 0.9999, at 0.2 ≈ 0.16. Every candidate pair is confirmed on
/// the whole signature.
///
/// Grouping all documents again is cheap (100,000 in a fraction of a second) and its result depends
/// only on the set of (key, signature) pairs, so an index can regroup after every update and get
/// the same groups as a full rebuild.
public enum NearDuplicates {
    /// K: values per signature (bins of the one-permutation MinHash). Built into `signature(of:)`: the
    /// bin is the hash's top 6 bits, and a UInt64 marks the bins filled.
    public static let hashCount = 64
    /// Characters (content UTF-16 units) per shingle.
    public static let shingleLength = 5
    /// Texts with fewer shingles than this group only with exact copies.
    public static let minimumShingles = 64
    /// LSH bands × rows ≤ `hashCount`.
    public static let bands = 21
    public static let rowsPerBand = 3  // the band hash in `group` reads exactly 3 values
    /// Minimum estimated Jaccard similarity of two bodies to be near-duplicates.
    public static let threshold = 0.6
    /// Bucket members compared against at most this many distinct earlier members of the bucket
    /// (bounds the work on pathological inputs; ordinary buckets have a handful of members).
    static let maxRepresentativesPerBucket = 64

    /// The MinHash values of one body: `hashCount` values, or none for a text without content.
    public struct Signature: Equatable, Hashable, Sendable {
        public var values: [UInt32]

        public init(values: [UInt32]) { self.values = values }

        public static let empty = Signature(values: [])

        public var isEmpty: Bool { values.isEmpty }

        /// Estimated Jaccard similarity of the two shingle sets (fraction of equal values), or nil
        /// when the signatures cannot be compared (empty, or of different lengths).
        public func similarity(to other: Signature) -> Double? {
            guard !values.isEmpty, values.count == other.values.count else { return nil }
            var equal = 0
            for i in values.indices where values[i] == other.values[i] { equal += 1 }
            return Double(equal) / Double(values.count)
        }

        /// Appends the encoded signature: varint count, then `count` little-endian UInt32 values.
        public func append(to out: inout [UInt8]) {
            VarInt.append(UInt64(values.count), to: &out)
            for v in values { out.appendLE(v) }
        }

        /// The encoded size, in bytes, of a signature of `count` values.
        public static func encodedSize(count: Int) -> Int {
            var n = 1
            var c = count
            while c >= 0x80 { n += 1; c >>= 7 }
            return n + 4 * count
        }

        /// Decodes what `append(to:)` wrote; nil if the bytes are truncated, too long, or claim more
        /// values than a signature has.
        public init?(bytes: UnsafeRawBufferPointer) {
            var reader = ByteReader(bytes)
            guard let s = Signature(reading: &reader), reader.remaining == 0 else { return nil }
            self = s
        }

        public init?(bytes: [UInt8]) {
            guard let s = bytes.withUnsafeBytes({ Signature(bytes: $0) }) else { return nil }
            self = s
        }

        /// Reads one signature at the reader's offset (for index files that store it among other fields).
        init?(reading reader: inout ByteReader) {
            guard let count = reader.varint(), count <= UInt64(NearDuplicates.maxStoredCount),
                  Int(count) * 4 <= reader.remaining
            else { return nil }
            var values = [UInt32]()
            values.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                guard let v = reader.u32() else { return nil }
                values.append(v)
            }
            self.values = values
        }
    }

    /// Decoding accepts signatures of up to this many values (other K from another version decode,
    /// and simply never group with the current K).
    static let maxStoredCount = 4096

    // MARK: - Content characters

    /// Whether a normalized UTF-16 unit takes part in shingles: not white space, punctuation or a
    /// symbol. (Normalized text is NFKC case-folded, so full-width ASCII forms are already ASCII.)
    @inline(__always)
    public static func isContent(_ u: UInt16) -> Bool {
        if u < 0x80 {
            // 0-9, a-z (and A-Z, should the caller pass unfolded text)
            return (u &- 0x30) < 10 || (u | 0x20) &- 0x61 < 26
        }
        switch u {
        case 0x80...0xBF, 0xD7, 0xF7: return false  // Latin-1 controls, punctuation, symbols, × ÷
        case 0x2000...0x2BFF: return false  // general punctuation … arrows, math, box drawing, shapes
        case 0x3000...0x303F: return false  // CJK symbols and punctuation (、。〈〉「」【】〜 …)
        case 0xFE10...0xFE1F, 0xFE30...0xFE6F: return false  // vertical and small forms
        case 0xFF00...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65: return false  // full-width punctuation
        case 0xFEFF, 0xFFF0...0xFFFF: return false  // BOM, specials
        default: return true
        }
    }

    // MARK: - Signature

    /// The signature of a document as the indexer signs it: of its body (folded text, so a
    /// Traditional copy of a Simplified release looks the same, without title, crumbs, related
    /// links and spam, which republishers change).
    public static func signature(of document: DocumentAnalysis) -> Signature {
        signature(of: signedUnits(document))
    }

    /// What `signature(of: document)` signs: the body zones of the normalized text; the whole text
    /// when there is no body zone, or when the body has too little content to sign (a zoning miss:
    /// a one-line crumb taken for the body would make documents that share only that line look
    /// like exact copies).
    public static func signedUnits(_ document: DocumentAnalysis) -> [UInt16] {
        let units = document.analysis.normalized.units
        var body: [UInt16] = []
        body.reserveCapacity(units.count)
        for k in document.zoneKinds.indices where document.zoneKinds[k] == .body {
            let start = Int(document.zoneStarts[k])
            let end = k + 1 < document.zoneStarts.count ? Int(document.zoneStarts[k + 1]) : units.count
            if start < end, end <= units.count { body.append(contentsOf: units[start..<end]) }
        }
        let content = body.reduce(0) { $0 + (isContent($1) ? 1 : 0) }
        return content < minimumShingles + shingleLength ? units : body
    }

    public static func signature(of units: [UInt16]) -> Signature {
        units.withUnsafeBufferPointer { signature(of: $0) }
    }

    /// The MinHash signature of normalized body text (see the type's documentation).
    public static func signature(of units: UnsafeBufferPointer<UInt16>) -> Signature {
        let binShift = UInt64(64 - 6)  // top 6 bits of the hash choose one of 64 bins
        var result = [UInt32](repeating: .max, count: hashCount)
        // Locals of the closure (not captured variables), so that they stay in registers.
        let (filled, shingles, content) = contentBits.withUnsafeBufferPointer { bits in
            result.withUnsafeMutableBufferPointer { mins -> (UInt64, Int, Int) in
                var filled: UInt64 = 0  // bit i: bin i received a shingle
                var previous: UInt64 = 0  // the last 4 content units, 16 bits each
                var content = 0
                for u in units {
                    let w = Int(u)
                    guard bits[w &>> 6] & (1 &<< UInt64(w & 63)) != 0 else { continue }
                    content &+= 1
                    if content >= shingleLength {
                        let h = mix(previous &+ UInt64(u) &* 0x9E37_79B9_7F4A_7C15)
                        let bin = Int(truncatingIfNeeded: h &>> binShift)
                        let value = UInt32(truncatingIfNeeded: h)
                        if value < mins[bin] { mins[bin] = value }
                        filled |= 1 &<< UInt64(bin)
                    }
                    previous = (previous &<< 16) | UInt64(u)
                }
                return (filled, max(0, content - shingleLength + 1), content)
            }
        }
        if content == 0 { return .empty }
        if shingles < minimumShingles { return exactSignature(of: units) }
        if filled != .max { densify(&result, filled: filled) }
        return Signature(values: result.map(SignatureTable.storable))
    }

    /// `isContent` of every UTF-16 unit, one bit each (8 KB): one load per unit in `signature(of:)`.
    static let contentBits: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1024)
        for u in 0...0xFFFF where isContent(UInt16(u)) { bits[u >> 6] |= 1 << UInt64(u & 63) }
        return bits
    }()

    /// The signature of a short text: every value derived from a hash of its whole content, so that
    /// it equals another signature only for the same content.
    static func exactSignature(of units: UnsafeBufferPointer<UInt16>) -> Signature {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for u in units where isContent(u) {
            h = (h ^ UInt64(u)) &* 0x0000_0100_0000_01B3  // FNV-1a over the content units
        }
        h = mix(h)
        var values = [UInt32]()
        values.reserveCapacity(hashCount)
        for i in 0..<hashCount {
            values.append(SignatureTable.storable(UInt32(truncatingIfNeeded: mix(h &+ UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15))))
        }
        return Signature(values: values)
    }

    /// Optimal densification: empty bin i takes the value of the first non-empty bin on the probe
    /// sequence bin(i, 1), bin(i, 2), … which depends only on i, so two texts whose empty bins differ
    /// still agree on a densified bin with probability equal to their similarity.
    static func densify(_ values: inout [UInt32], filled: UInt64) {
        guard filled != 0 else { return }
        let original = values
        for i in 0..<hashCount where filled & (1 << UInt64(i)) == 0 {
            var source = -1
            for attempt in 1...UInt64(1024) {
                let j = Int(truncatingIfNeeded: mix((UInt64(i) << 32) | attempt) >> 58)
                if filled & (1 << UInt64(j)) != 0 {
                    source = j
                    break
                }
            }
            if source < 0 {
                // Not reached in practice (each probe misses with probability ≤ 63/64); keeps the
                // loop bounded: the next non-empty bin after i.
                source = (1..<hashCount).map { (i + $0) % hashCount }.first { filled & (1 << UInt64($0)) != 0 } ?? i
            }
            values[i] = original[source]
        }
    }

    /// MurmurHash3's 64-bit finalizer: a bijective mix in which every input bit affects every output bit.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33
        k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }

    // MARK: - Grouping

    /// Groups near-duplicate documents. Returns, for each input index, the input index of its group's
    /// leader: the member with the smallest key (a document alone is its own leader). The result
    /// depends only on the set of (key, signature) pairs, not on their order, as long as keys are
    /// unique (equal keys are ordered by input position). Documents with empty signatures, or
    /// signatures of another length than `hashCount`, are never grouped. `threshold` other than the
    /// default is for experiments: the bands are tuned for 0.6 (below ~0.5 they miss pairs).
    public static func group(_ docs: [(key: String, signature: Signature)], threshold: Double = NearDuplicates.threshold) -> [Int] {
        // The signatures laid out as a `.sig` table is (a row of zeros: none), then grouped from there.
        var flat: [UInt8] = []
        flat.reserveCapacity(docs.count * SignatureTable.rowBytes)
        for d in docs {
            SignatureTable.appendRow(d.signature.values.count == hashCount ? d.signature.values[...] : [], width: hashCount, to: &flat)
        }
        var keys = IDBuffer()
        for d in docs { keys.append(d.key) }
        return flat.withUnsafeBytes { table in
            let rows: [UnsafeRawPointer?] = (0..<docs.count).map { i in
                docs[i].signature.values.count == hashCount ? table.baseAddress! + i * hashCount * SignatureTable.valueSize : nil
            }
            return group(keys: keys, signatures: rows, threshold: threshold,
                         exactRow: { (i, _) throws(Never) -> UnsafeRawPointer in rows[i].unsafelyUnwrapped })
        }
    }

    /// Whether a signature row (`hashCount` values, as `.sig` stores them) holds a signature: a
    /// document without one has a row of zeros.
    static func isSigned(_ row: UnsafeRawPointer) -> Bool {
        for j in 0..<hashCount where SignatureTable.value(row, j) != 0 { return true }
        return false
    }

    /// `group` over signature rows read in place (`hashCount` values each, as `.sig` stores them; nil
    /// or all zero: no signature): the indexer passes rows of the mapped `.sig` files, so memory is
    /// a few words per document whatever the corpus size.
    ///
    /// The rows are read in input order only: once to keep a 4-bit fingerprint of every value and a
    /// hash of the whole row (40 bytes a document), then once per band. Each pass calls `passed(i)`
    /// as it goes (0 when a pass starts, then the input index every row before which it has read,
    /// last `n`): the caller may drop what lies before from memory. A candidate pair is confirmed
    /// on the fingerprints first: equal values have equal fingerprints, so fewer equal fingerprints
    /// than needed rules a pair out exactly. A pair that passes, and is not grouped yet, is confirmed
    /// on its two rows as `exactRow(i, buffer)` returns them (in memory: the rows in place; the
    /// indexer reads them from the file into `buffer`, `SignatureTable.rowBytes`, so the random reads of
    /// confirmation never make the mapped tables resident). Whether a member is an exact copy of a
    /// representative (it then adds nothing to its bucket) is decided on the row hashes.
    static func group<Failure: Error>(
        keys: IDBuffer, signatures rows: [UnsafeRawPointer?], threshold: Double = NearDuplicates.threshold,
        exactRow: (Int, UnsafeMutableRawPointer) throws(Failure) -> UnsafeRawPointer,
        passed: (Int) -> Void = { _ in }
    ) throws(Failure) -> [Int] {
        let n = keys.count
        guard n > 0 else { return [] }
        // Canonical order: by key. Ranks stand for documents from here on.
        let order = keys.order()
        var rankOf = [Int32](repeating: 0, count: n)
        for (r, i) in order.enumerated() { rankOf[Int(i)] = Int32(truncatingIfNeeded: r) }
        var uf = UnionFind(count: n)
        let k = hashCount
        let t = threshold.isNaN ? NearDuplicates.threshold : min(max(threshold, 0), 1)
        let needed = max(1, Int((t * Double(k)).rounded(.up)))
        @inline(__always) func value(_ row: UnsafeRawPointer, _ j: Int) -> UInt32 { SignatureTable.value(row, j) }

        // First pass: which rows hold a signature, their fingerprints (one nibble a value, 16 in a
        // word) and row hashes, by input index.
        let words = k / 16
        var signed = [Bool](repeating: false, count: n)
        var fingerprints = [UInt64](repeating: 0, count: n * words)
        var rowHash = [UInt64](repeating: 0, count: n)
        passed(0)
        for i in 0..<n {
            if i & 4095 == 0 && i > 0 { passed(i) }
            guard let row = rows[i], isSigned(row) else { continue }
            signed[i] = true
            var h: UInt64 = 0
            for w in 0..<words {
                var word: UInt64 = 0
                for j in 0..<16 {
                    let v = value(row, w * 16 + j)
                    word |= UInt64(mix(UInt64(v)) >> 60) << UInt64(j * 4)
                    h = mix(h ^ UInt64(v) &+ UInt64(w * 16 + j))
                }
                fingerprints[i * words + w] = word
            }
            rowHash[i] = h
        }
        passed(n)
        /// Values on which the rows of inputs `a` and `b` may agree: at least as many as they do.
        @inline(__always) func fingerprintAgreement(_ a: Int, _ b: Int) -> Int {
            var differing = 0
            for w in 0..<words {
                let x = fingerprints[a * words + w] ^ fingerprints[b * words + w]
                differing += ((x | x >> 1 | x >> 2 | x >> 3) & 0x1111_1111_1111_1111).nonzeroBitCount
            }
            return k - differing
        }
        let rowBytes = k * SignatureTable.valueSize
        let buffers = UnsafeMutableRawPointer.allocate(byteCount: 2 * rowBytes, alignment: 8)
        defer { buffers.deallocate() }
        /// Whether the rows of inputs `a` and `b` agree on at least `needed` values.
        func confirmed(_ a: Int, _ b: Int) throws(Failure) -> Bool {
            guard fingerprintAgreement(a, b) >= needed else { return false }
            let pa = try exactRow(a, buffers), pb = try exactRow(b, buffers + rowBytes)
            var mismatchesLeft = k - needed
            for j in 0..<k where value(pa, j) != value(pb, j) {
                mismatchesLeft -= 1
                if mismatchesLeft < 0 { return false }
            }
            return true
        }
        @inline(__always) func sameRow(_ a: Int, _ b: Int) -> Bool {
            rowHash[a] == rowHash[b] && fingerprintAgreement(a, b) == k
        }

        let rankBits = UInt64(max(1, (n - 1).bitWidth - (n - 1).leadingZeroBitCount))
        let rankMask: UInt64 = (1 << rankBits) - 1
        var entries = [UInt64]()
        entries.reserveCapacity(n)
        var reps = [Int]()
        for band in 0..<bands {
            // (band hash with the rank in its low bits), sorted: equal hashes are adjacent, in rank order.
            entries.removeAll(keepingCapacity: true)
            passed(0)
            for i in 0..<n {
                if i & 4095 == 0 && i > 0 { passed(i) }
                guard signed[i], let row = rows[i] else { continue }
                // One mix of the band's 3 values (96 bits into 64: a collision only adds a
                // candidate, which the confirmation rejects).
                let base = band * rowsPerBand
                let h = mix((UInt64(value(row, base)) << 32 | UInt64(value(row, base + 1)))
                    &+ (UInt64(value(row, base + 2)) | UInt64(band) << 32) &* 0x9E37_79B9_7F4A_7C15)
                entries.append((h & ~rankMask) | UInt64(rankOf[i]))
            }
            passed(n)
            entries.sort()
            var start = 0
            while start < entries.count {
                let key = entries[start] & ~rankMask
                var end = start + 1
                while end < entries.count, entries[end] & ~rankMask == key { end += 1 }
                if end - start > 1 {
                    reps.removeAll(keepingCapacity: true)
                    for e in start..<end {
                        let m = Int(truncatingIfNeeded: entries[e] & rankMask)
                        let mi = Int(order[m])
                        var isCopyOfRep = false
                        for rep in reps {
                            let ri = Int(order[rep])
                            if uf.find(rep) == uf.find(m) {
                                if !isCopyOfRep, sameRow(mi, ri) { isCopyOfRep = true }
                                continue
                            }
                            if try confirmed(mi, ri) {
                                uf.union(m, rep)
                                if !isCopyOfRep, sameRow(mi, ri) { isCopyOfRep = true }
                            }
                        }
                        if !isCopyOfRep, reps.count < maxRepresentativesPerBucket { reps.append(m) }
                    }
                }
                start = end
            }
        }
        var result = [Int](repeating: 0, count: n)
        for (r, i) in order.enumerated() { result[Int(i)] = Int(order[uf.find(r)]) }
        return result
    }

    /// Union-find over 0..<count whose roots are always the smallest member (the group leader).
    struct UnionFind {
        var parent: [Int32]

        init(count: Int) { parent = (0..<count).map { Int32(truncatingIfNeeded: $0) } }

        mutating func find(_ x: Int) -> Int {
            var x = x
            while Int(parent[x]) != x {
                parent[x] = parent[Int(parent[x])]
                x = Int(parent[x])
            }
            return x
        }

        mutating func union(_ a: Int, _ b: Int) {
            let ra = find(a), rb = find(b)
            if ra < rb { parent[rb] = Int32(truncatingIfNeeded: ra) } else if rb < ra { parent[ra] = Int32(truncatingIfNeeded: rb) }
        }
    }
}
