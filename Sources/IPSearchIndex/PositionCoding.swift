/// The positions of one block of a postings list (128 documents, or the list's tail) as `.pos`
/// stores them: `k u8 | low section length varint (bytes) | low bits | unary bits`, each bit section
/// least significant bit first and padded with zero bits to a byte.
///
/// Each document's tf positions `p₀ < p₁ < …` are coded as gaps `gᵢ = pᵢ − pᵢ₋₁ − 1` (`p₋₁ = −1`), in
/// Rice codes with the parameter `k_d = max(0, k − ⌊log₂ tf⌋)` (a document with more occurrences has
/// smaller gaps): the `k_d` low bits of each gap go to the low section, and `g >> k_d` zero bits and a
/// one bit to the unary section. The writer picks the block's `k` that makes them shortest.
///
/// Why: the positions of a gram in a document are spread over the document, so a gap's size is
/// about the document's length over tf, and its low bits are noise. Varints spend whole bytes on them
/// (13.8 bits a position on 4,000 archive releases); Rice codes with a parameter fitted to the block
/// spend 10.3, and `.pos` of the 100k archive shrinks from 172.7 to 129.1 MB (`Index/README.md`).
/// The two sections keep skipping cheap: a query that needs one document's positions passes over
/// the block's earlier documents by arithmetic in the low section (`Σ tf × k_d` bits) and by counting
/// one bits, 57 at a time, in the unary section.
enum PositionCoding {
    static let maximumK = 30

    /// `k_d` for a document with `tf` positions in a block with parameter `k`.
    @inline(__always)
    static func documentK(_ k: Int, tf: UInt32) -> Int {
        max(0, k - (31 - tf.leadingZeroBitCount))
    }

    /// Bits of one gap's code.
    @inline(__always)
    static func codeLength(_ gap: UInt32, k: Int) -> Int {
        Int(gap >> UInt32(k)) + 1 + k
    }

    /// Bits of the low section for documents with these frequencies.
    @inline(__always)
    static func lowBits(k: Int, freqs: UnsafeBufferPointer<UInt32>) -> Int {
        var bits = 0
        for tf in freqs { bits += Int(tf) * documentK(k, tf: tf) }
        return bits
    }

    /// Appends the codes of one block to `out`: `gaps` holds every position's gap, document after
    /// document, `freqs` each document's count of them.
    static func encodeBlock(gaps: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>, to out: inout [UInt8]) {
        let (k, bits) = bestK(gaps: gaps, freqs: freqs)
        let low = lowBits(k: k, freqs: freqs)
        let lowBytes = (low + 7) >> 3, unaryBytes = (bits - low + 7) >> 3
        out.append(UInt8(k))
        VarInt.append(UInt64(lowBytes), to: &out)
        let start = out.count
        // Room for both sections and for one 8-byte store past the last byte.
        out.append(contentsOf: repeatElement(0, count: lowBytes + unaryBytes + 8))
        out.withUnsafeMutableBytes { raw in
            let lowBase = raw.baseAddress! + start, unaryBase = lowBase + lowBytes
            var lowBit = 0, unaryBit = 0, i = 0
            for tf in freqs {
                let kd = documentK(k, tf: tf)
                let mask = kd == 0 ? 0 : (UInt64(1) << UInt64(kd)) - 1
                for _ in 0..<Int(tf) {
                    let g = gaps[i]
                    i += 1
                    if kd > 0 {
                        let p = lowBase + (lowBit >> 3)
                        p.storeBytes(of: p.loadUnaligned(as: UInt64.self) | (UInt64(g) & mask) << UInt64(lowBit & 7), as: UInt64.self)
                        lowBit += kd
                    }
                    unaryBit += Int(g >> UInt32(kd))
                    let p = unaryBase + (unaryBit >> 3)
                    p.storeBytes(of: p.load(as: UInt8.self) | UInt8(1) << UInt8(unaryBit & 7), as: UInt8.self)
                    unaryBit += 1
                }
            }
        }
        out.removeLast(8)
    }

    /// The `k` whose codes are shortest, or close, and their bits: a histogram of the gaps' bit
    /// lengths (scaled as `documentK` scales them) estimates every k's bits, and the best estimate
    /// is taken (a mean would not do: one long document in a block of short ones pulls it far from
    /// what most gaps need). On the 100k archive `.pos` comes out 0.1% larger than when the three k
    /// around the estimate are measured exactly (129.19 against 129.07 MB), and a merge takes 5.7
    /// instead of 6.6 s.
    static func bestK(gaps: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>) -> (k: Int, bits: Int) {
        guard !gaps.isEmpty else { return (0, 0) }
        let k = withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * 34) { histogram in
            histogram.initialize(repeating: 0)
            return estimate(gaps: gaps, freqs: freqs, histogram: histogram)
        }
        var bits = 0, i = 0
        for tf in freqs {
            let kd = documentK(k, tf: tf)
            for _ in 0..<Int(tf) {
                bits += codeLength(gaps[i], k: kd)
                i += 1
            }
        }
        return (k, bits)
    }

    /// The k with the fewest estimated bits (`histogram`: 4 × 34 zeroed counters).
    private static func estimate(gaps: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>,
                                 histogram: UnsafeMutableBufferPointer<Int>) -> Int {
        // Four histograms taken in turn: consecutive gaps of one size would otherwise wait for
        // each other's increment of the same counter.
        var i = 0
        for tf in freqs {
            let scale = 31 - tf.leadingZeroBitCount
            for _ in 0..<Int(tf) {
                // Bit length of the scaled gap (at most 31 + 31), from the exponent of a Double: exact
                // for any UInt32, and cheaper than a bit scan where that is slow (BSR on AMD cores).
                // 2g + 1 has one bit more than g, whose length is then its exponent; 0 stays 0.
                let g = gaps[i]
                let e = Int(truncatingIfNeeded: Double(UInt64(g) &* 2 &+ 1).bitPattern >> 52) - 1023
                let b = g == 0 ? 0 : min(33, e + scale)
                histogram[(i & 3) * 34 + b] += 1
                i += 1
            }
        }
        var top = 0, bottom = 33
        for b in 0..<34 {
            histogram[b] += histogram[34 + b] + histogram[68 + b] + histogram[102 + b]
            if histogram[b] > 0 { top = max(top, b); bottom = min(bottom, b) }
        }
        // Integer estimate in quarter bits: a value of b bits shifted right by k averages about
        // three quarters of 2^(b − k).
        var guess = 0, guessBits = Int.max
        let highest = min(maximumK, top)
        for k in min(max(0, bottom - 1), highest)...highest {
            var bits = 0
            for b in bottom...top where histogram[b] > 0 {
                let q4 = b <= k ? 0 : 3 << (b - k)  // 4 × 0.75 × 2^(b − k)
                bits += histogram[b] * (q4 + 4 + 4 * k)
            }
            if bits < guessBits { (guess, guessBits) = (k, bits) }
        }
        return guess
    }

    /// The next position of a document whose positions are coded with parameter `k`, from a
    /// block's low and unary sections: `least` is the least it may be (0, then the previous
    /// position + 1). nil when the codes are malformed or the position is 2³¹ − 1 or more.
    @inline(__always)
    static func nextPosition(_ low: inout BitReader, _ unary: inout BitReader, k: Int, least: UInt64) -> UInt64? {
        guard let q = unary.unary(), let r = low.low(k) else { return nil }
        let position = least + (UInt64(q) << UInt64(k) | UInt64(r))
        return position < UInt64(Int32.max) ? position : nil
    }

    /// Reads one bit section of a block: `count` bytes at `base`, from bit `bit` on. Every code read
    /// must end inside the section; a code that would not makes the read return nil (malformed
    /// codes, never a trap). `readable` bytes from `base` may be loaded (at least `count`; a `.pos`
    /// section is followed by at least the file's checksum table and footer, so 8 more), which lets
    /// most reads be one 8-byte load.
    struct BitReader {
        let base: UnsafeRawPointer
        let count: Int
        let readable: Int
        var bit = 0

        init(_ bytes: UnsafeRawBufferPointer, bit: Int = 0, slack: Int = 0) {
            base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!
            count = bytes.count
            readable = bytes.baseAddress == nil ? 0 : bytes.count + slack
            self.bit = bit
        }

        /// 64 bits from byte `byte` on (zeros past the readable bytes).
        @inline(__always)
        private func load(_ byte: Int) -> UInt64 {
            if byte + 8 <= readable {
                return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
            }
            var word: UInt64 = 0
            var i = byte
            while i < readable {
                word |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << UInt64((i - byte) * 8)
                i += 1
            }
            return word
        }

        /// The next `k` bits (low section), as a number.
        @inline(__always)
        mutating func low(_ k: Int) -> UInt32? {
            if k == 0 { return 0 }
            guard bit + k <= count << 3 else { return nil }
            let w = load(bit >> 3) >> UInt64(bit & 7)
            bit += k
            return UInt32(truncatingIfNeeded: w & ((1 << UInt64(k)) - 1))
        }

        /// The zero bits before the next one bit, and the bit after it (unary section).
        @inline(__always)
        mutating func unary() -> UInt32? {
            var b = bit
            let end = count << 3
            while b < end {
                let w = load(b >> 3) >> UInt64(b & 7)
                if w != 0 {
                    let one = b + w.trailingZeroBitCount
                    guard one < end, one - bit <= Int(Int32.max) else { return nil }
                    defer { bit = one + 1 }
                    return UInt32(one - bit)
                }
                b += 64 - (b & 7)
            }
            return nil
        }

        /// Moves past `n` one bits (the unary codes of `n` positions); false when the section has fewer.
        @inline(__always)
        mutating func skipOnes(_ n: Int) -> Bool {
            var left = n, b = bit
            let end = count << 3
            while left > 0 {
                guard b < end else { return false }
                var w = load(b >> 3) >> UInt64(b & 7)
                let span = min(64 - (b & 7), end - b)
                if span < 64 { w &= (1 << UInt64(span)) - 1 }
                let c = w.nonzeroBitCount
                if c >= left {
                    for _ in 1..<left { w &= w - 1 }
                    bit = b + w.trailingZeroBitCount + 1
                    return true
                }
                left -= c
                b += span
            }
            bit = b
            return true
        }

        /// Whether the codes read so far end the section (only padding bits after them).
        var atEnd: Bool { (bit + 7) >> 3 == count }
    }
}
