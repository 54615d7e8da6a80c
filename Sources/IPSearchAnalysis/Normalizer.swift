import CICU

/// Step 1 of analysis: folds the original text into the form that is indexed and searched.
///
/// In order, per character of the original:
/// 1. **NFKC with case folding** (ICU `nfkc_cf`): full-width `ＡＢＣ１２３` → `abc123`, compatibility
///    ideographs → unified ones, Latin → lowercase.
/// 2. **Traditional → Simplified** (ICU's `Traditional-Simplified` transform, applied to one code point
///    at a time and cached in a process-wide table, so 標 → 标 costs one array read after the first time
///    and the same character folds identically in a document and in a query).
/// 3. **Converter debris**: a pinyin annotation directly after a Han character (`產(chǎn)`) is dropped and
///    its source range is merged into that character's, so `产` maps back to `產(chǎn)`.
/// 4. **Injected spam** (only through `normalize(_:removing:)` and `Analyzer.analyzeDocument`): the
///    spans `SpamFilter` found are dropped the same way, merged into the preceding unit's source.
///
/// Folding happens **before** segmentation, so ICU segments the Simplified text and Traditional and
/// Simplified spellings of a phrase produce the same words and grams.
public struct Normalizer: Sendable {
    public init() {}

    /// Normalizes `source` (UTF-16 of the original text).
    public func normalize(_ source: [UInt16]) -> NormalizedText {
        source.withUnsafeBufferPointer { normalize($0) }
    }

    /// Normalizes `source` without the original ranges `spans` (injected spam, see `SpamFilter`):
    /// their characters are not in the normalized text, and their source range is merged into the
    /// preceding normalized unit's (at the start of the text: the following one's), as converter
    /// pinyin is, so a phrase interrupted by a span is found and maps back to the original
    /// characters including the span. A unit whose source is only partly inside a span is kept.
    public func normalize(_ source: [UInt16], removing spans: [Range<Int>]) -> NormalizedText {
        let full = normalize(source)
        if spans.isEmpty { return full }
        return full.removing(full.ranges(coveredBy: spans))
    }

    public func normalize(_ src: UnsafeBufferPointer<UInt16>) -> NormalizedText {
        // Each step below writes at most `perStep` units: one code point folds to at most 18, a chunk
        // to at most `chunkCapacity`.
        let perStep = Normalizer.chunkCapacity
        var out = NormalizedText.Builder(capacity: src.count + perStep)
        var folded = [UInt32](repeating: 0, count: 18)
        var chunk = [UInt16](repeating: 0, count: Normalizer.chunkCapacity)
        let n = src.count
        var i = 0
        while i < n {
            out.reserve(perStep)
            let u = src[i]
            // ASCII: only letters change (lowercase). Never the start of a combining sequence that
            // matters for search, and never Han, so no annotation check.
            if u < 0x80 {
                if i + 1 < n, src[i + 1] >= 0x300, !boundaryBefore(src, i + 1) {
                    i = foldChunk(src, from: i, into: &out, buffer: &chunk)
                    continue
                }
                let lower = (u >= 0x41 && u <= 0x5A) ? u + 0x20 : u
                out.put(lower, from: i, to: i + 1)
                i += 1
                continue
            }
            let (c, len) = Analysis.scalar(src, at: i, limit: n)
            // A base character followed by combining marks is folded as one chunk (NFKC composes).
            if i + len < n, src[i + len] >= 0x300, !boundaryBefore(src, i + len) {
                i = foldChunk(src, from: i, into: &out, buffer: &chunk)
                continue
            }
            var end = i + len
            if Script.isHan(c), let annotationEnd = PinyinAnnotation.end(in: src, at: end) {
                end = annotationEnd
            }
            let single = cicu_fold_cached(c)
            if single != UInt32.max {
                out.put(scalar: single, from: i, to: end)
            } else {
                let count = folded.withUnsafeMutableBufferPointer {
                    Int(cicu_fold_char(c, $0.baseAddress, 18))
                }
                for k in 0..<count {
                    out.put(scalar: folded[k], from: i, to: end)
                }
            }
            i = end
        }
        return out.finish()
    }

    /// Most units one folded chunk (a base character and its combining marks) can produce.
    static let chunkCapacity = 256

    @inline(__always)
    private func boundaryBefore(_ src: UnsafeBufferPointer<UInt16>, _ j: Int) -> Bool {
        let u = src[j]
        // Ideographs, CJK punctuation and Hangul syllables never combine with what precedes them:
        // answer without a call into ICU (most characters of a Chinese text). Not the combining
        // ideographic tone marks U+302A–302F nor the kana voicing marks U+3099–309A.
        if (u >= 0x3400 && u < 0xA000) || (u >= 0x3000 && u < 0x302A) || (u >= 0xAC00 && u < 0xD800) { return true }
        let (c, _) = Analysis.scalar(src, at: j, limit: src.count)
        return cicu_boundary_before(c) != 0
    }

    /// Folds a base character and the combining marks after it as one unit.
    private func foldChunk(
        _ src: UnsafeBufferPointer<UInt16>, from start: Int, into out: inout NormalizedText.Builder,
        buffer: inout [UInt16]
    ) -> Int {
        var end = start + (UTF16.isLeadSurrogate(src[start]) && start + 1 < src.count ? 2 : 1)
        while end < src.count, end - start < 32, !boundaryBefore(src, end) {
            end += UTF16.isLeadSurrogate(src[end]) && end + 1 < src.count ? 2 : 1
        }
        let written = buffer.withUnsafeMutableBufferPointer { dst in
            Int(cicu_fold_chunk(src.baseAddress! + start, Int32(end - start), dst.baseAddress, Int32(Normalizer.chunkCapacity)))
        }
        if written < 0 {
            for k in start..<end { out.put(src[k], from: start, to: end) }
        } else {
            for k in 0..<written { out.put(buffer[k], from: start, to: end) }
        }
        return end
    }
}
