/// The positions of one block of a postings list (128 documents, or the list's tail) as `.pos`
/// stores them: `k u8 | Rice codes, least significant bit first, padded with zero bits to a byte`.
///
/// Each document's tf positions `p₀ < p₁ < …` are coded as gaps `gᵢ = pᵢ − pᵢ₋₁ − 1` (`p₋₁ = −1`), each
/// with the Rice parameter `k_d = max(0, k − ⌊log₂ tf⌋)`: a document with more occurrences has smaller
/// gaps. A gap `g` is `u = min(g >> k_d, escape)` zero bits and a one bit, then, when `u < escape`,
/// the `k_d` low bits of `g`, or else `g` in 32 bits. The writer picks the block's `k` that makes its
/// codes shortest.
///
/// Why: the positions of a gram in a document are spread over the document, so a gap's size is
/// about the document's length over tf, and its low bits are noise. Varints spend whole bytes on them
/// (1.73 bytes a position on the archive); Rice codes with a parameter fitted to the block spend 10.3
/// bits, 26% less (`README.md`, Performance).
enum PositionCoding {
    /// Unary lengths from here on are an escape to a 32-bit gap (a document far longer than its
    /// block's others): a code never takes more than 53 bits, so one 64-bit load reads it.
    static let escape = 20
    static let maximumK = 30

    /// `k_d` for a document with `tf` positions in a block with parameter `k`.
    @inline(__always)
    static func documentK(_ k: Int, tf: UInt32) -> Int {
        max(0, k - (31 - tf.leadingZeroBitCount))
    }

    /// Bits of one gap's code.
    @inline(__always)
    static func codeLength(_ gap: UInt32, k: Int) -> Int {
        let q = Int(gap >> UInt32(k))
        return q < escape ? q + 1 + k : escape + 1 + 32
    }

    /// Appends the codes of one block to `out`: `gaps` holds every position's gap, document after
    /// document, `freqs` each document's count of them.
    static func encodeBlock(gaps: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>, to out: inout [UInt8]) {
        let (k, bits) = bestK(gaps: gaps, freqs: freqs)
        out.append(UInt8(k))
        let start = out.count, length = (bits + 7) >> 3
        // Room for the codes and for one 8-byte store past their last byte.
        out.append(contentsOf: repeatElement(0, count: length + 8))
        out.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress! + start
            var bit = 0, i = 0
            @inline(__always) func put(_ value: UInt64, _ count: Int) {
                let p = base + (bit >> 3)
                p.storeBytes(of: (p.loadUnaligned(as: UInt64.self) | value << UInt64(bit & 7)), as: UInt64.self)
                bit += count
            }
            for tf in freqs {
                let kd = documentK(k, tf: tf)
                let mask = kd == 0 ? 0 : (UInt64(1) << UInt64(kd)) - 1
                for _ in 0..<Int(tf) {
                    let g = gaps[i]
                    i += 1
                    let q = Int(g >> UInt32(kd))
                    if q < escape {
                        // The unary run, its one bit and the low bits at once (at most 51 bits).
                        put((UInt64(g) & mask) << UInt64(q + 1) | 1 << UInt64(q), q + 1 + kd)
                    } else {
                        put(1 << UInt64(escape), escape + 1)
                        put(UInt64(g), 32)
                    }
                }
            }
        }
        out.removeLast(8)
    }

    /// The `k` whose codes are shortest, or close, and their bits: a histogram of the gaps' bit
    /// lengths (scaled as `documentK` scales them) estimates every k's bits, then the best estimate
    /// and its two neighbours are measured exactly. A mean would not do: one long document in a
    /// block of short ones pulls it far from what most gaps need.
    static func bestK(gaps: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>) -> (k: Int, bits: Int) {
        guard !gaps.isEmpty else { return (0, 0) }
        let guess = withUnsafeTemporaryAllocation(of: Int.self, capacity: 34) { histogram in
            histogram.initialize(repeating: 0)
            return estimate(gaps: gaps, freqs: freqs, histogram: histogram)
        }
        // The three candidates' bits in one pass.
        let low = max(0, min(maximumK - 2, guess - 1))
        var bits = (0, 0, 0), i = 0
        for tf in freqs {
            let k0 = documentK(low, tf: tf), k1 = documentK(low + 1, tf: tf), k2 = documentK(low + 2, tf: tf)
            for _ in 0..<Int(tf) {
                let g = gaps[i]
                bits.0 += codeLength(g, k: k0)
                bits.1 += codeLength(g, k: k1)
                bits.2 += codeLength(g, k: k2)
                i += 1
            }
        }
        if bits.0 <= bits.1 && bits.0 <= bits.2 { return (low, bits.0) }
        return bits.1 <= bits.2 ? (low + 1, bits.1) : (low + 2, bits.2)
    }

    /// The k with the fewest estimated bits (`histogram`: 34 zeroed counters).
    private static func estimate(gaps: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>,
                                 histogram: UnsafeMutableBufferPointer<Int>) -> Int {
        var i = 0, top = 0, bottom = 33
        for tf in freqs {
            let scale = UInt64(31 - tf.leadingZeroBitCount)
            for _ in 0..<Int(tf) {
                // Bit length of the scaled gap, capped: a gap of 33 bits or more costs an escape anyway.
                let b = min(33, 64 - (UInt64(gaps[i]) << scale).leadingZeroBitCount)
                histogram[b] += 1
                top = max(top, b)
                bottom = min(bottom, b)
                i += 1
            }
        }
        // Integer estimate in quarter bits: a value of b bits shifted right by k averages about
        // three quarters of 2^(b − k).
        var guess = 0, guessBits = Int.max
        for k in max(0, bottom - 1)...min(maximumK, top) {
            var bits = 0
            for b in bottom...top where histogram[b] > 0 {
                let q4 = b <= k ? 0 : 3 << (b - k)  // 4 × 0.75 × 2^(b − k)
                bits += histogram[b] * (q4 < 4 * escape ? q4 + 4 + 4 * k : 4 * (escape + 33))
            }
            if bits < guessBits { (guess, guessBits) = (k, bits) }
        }
        return guess
    }

    /// Reads the codes of one block: `bytes` are the block's codes after its `k` byte; `bit` is
    /// where the next code starts. Every read stays inside `bytes`; a code that would run past them
    /// (or a unary run longer than `escape`) makes `next` return nil.
    struct BitReader {
        let base: UnsafeRawPointer
        let count: Int
        var bit = 0

        init(_ bytes: UnsafeRawBufferPointer, bit: Int = 0) {
            base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            count = bytes.count
            self.bit = bit
        }

        /// 64 bits from `bit` on (57 of them valid), zeros past the end.
        @inline(__always)
        private func window() -> UInt64 {
            let byte = bit >> 3
            let word: UInt64
            if byte + 8 <= count {
                word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
            } else {
                var w: UInt64 = 0
                var i = byte
                while i < count {
                    w |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << UInt64((i - byte) * 8)
                    i += 1
                }
                word = w
            }
            return word >> UInt64(bit & 7)
        }

        /// The next gap, coded with parameter `k`.
        @inline(__always)
        mutating func next(k: Int) -> UInt32? {
            let w = window()
            let u = w.trailingZeroBitCount
            let g: UInt64, length: Int
            if u < PositionCoding.escape {
                let low = k == 0 ? 0 : (w >> UInt64(u + 1)) & ((1 << UInt64(k)) - 1)
                g = UInt64(u) << UInt64(k) | low
                length = u + 1 + k
            } else if u == PositionCoding.escape {
                g = (w >> UInt64(u + 1)) & 0xFFFF_FFFF
                length = u + 1 + 32
            } else {
                return nil
            }
            guard bit + length <= count * 8, g <= UInt64(Int32.max) else { return nil }
            bit += length
            return UInt32(g)
        }

        /// Skips `n` codes with parameter `k`; false when they run past the end.
        @inline(__always)
        mutating func skip(_ n: Int, k: Int) -> Bool {
            for _ in 0..<n where next(k: k) == nil { return false }
            return true
        }

        /// Whether the codes read so far end the block (only padding bits after them).
        var atEnd: Bool { (bit + 7) >> 3 == count }
    }
}
