import CICU

/// Turns a file's bytes into text, whatever encoding the web page was saved in.
///
/// In order: UTF-8 (with or without BOM); UTF-16 with a BOM; otherwise ICU charset detection, trying
/// the candidates GB18030 (which covers GBK and GB2312), Big5 and UTF-16 with a converter that stops
/// at the first invalid sequence, so a wrong guess is never accepted. Binary data (NUL bytes, control
/// characters) and undecodable bytes are rejected with an error naming the reason.
public enum TextDecoder {
    /// The encodings we accept from detection. Anything else (ISO-8859-1 guesses on binary data,
    /// Shift_JIS, …) is more likely a misdetection than a Chinese press release.
    static let accepted: Set<String> = ["GB18030", "Big5", "UTF-16LE", "UTF-16BE", "UTF-8"]

    public struct Decoded: Sendable, Equatable {
        public var text: String
        /// "UTF-8", "GB18030", "Big5", "UTF-16LE", "UTF-16BE".
        public var encoding: String
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Decoded {
        if bytes.isEmpty { throw .empty }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let s = validUTF8(bytes[3...]) else { throw .invalidUTF8 }
            return try checked(Decoded(text: s, encoding: "UTF-8"))
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let charset = bytes[0] == 0xFF ? "UTF-16LE" : "UTF-16BE"
            guard let s = convert(bytes[2...], from: charset) else { throw .undecodable(tried: [charset]) }
            return try checked(Decoded(text: s, encoding: charset))
        }
        let nuls = bytes.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        let hasNUL = nuls > 0
        if !hasNUL, let s = validUTF8(bytes[...]) {
            return try checked(Decoded(text: s, encoding: "UTF-8"))
        }
        // A few stray NUL bytes (a trailing NUL, a NUL pasted into a long text) do not make a text
        // binary: they are dropped. "Few" is at most `maxStrayControls`, and at most one byte in 1000;
        // UTF-16 text, where every ASCII character carries a NUL, is far above that.
        let stray = hasNUL && isStray(nuls, of: bytes.count)
        let withoutNUL = stray ? bytes.filter { $0 != 0 } : bytes
        if stray, let s = validUTF8(withoutNUL[...]) {
            return try checked(Decoded(text: s, encoding: "UTF-8"))
        }
        var tried: [String] = []
        if hasNUL {
            for candidate in detect(bytes) where candidate.hasPrefix("UTF-16") {
                tried.append(candidate)
                if let s = convertRoundTrip(bytes, from: candidate) {
                    return try checked(Decoded(text: s, encoding: candidate))
                }
            }
        }
        if !hasNUL || stray {
            let bytes = withoutNUL
            // GB18030 (GBK) and Big5 overlap: many byte strings are valid in both, and ICU's detector
            // is unreliable on short texts. Decode with both and keep the more plausible text
            // (ideographs and CJK punctuation rather than box-drawing symbols and rare blocks),
            // the detector's order breaking ties. UTF-16 without a BOM is only considered with NUL
            // bytes (any line break or ASCII character has one in UTF-16).
            let ranked = detect(bytes).filter { $0 == "GB18030" || $0 == "Big5" }
            let order = ranked + ["GB18030", "Big5"].filter { !ranked.contains($0) }
            var best: (text: String, charset: String, score: Double)?
            for candidate in order {
                tried.append(candidate)
                guard let s = convertRoundTrip(bytes, from: candidate) else { continue }
                let score = plausibility(s)
                if best == nil || score > best!.score { best = (s, candidate, score) }
            }
            if let best { return try checked(Decoded(text: best.text, encoding: best.charset)) }
        }
        if hasNUL && !stray { throw .binary("\(nuls) NUL bytes and no UTF-16 encoding fits") }
        throw .undecodable(tried: tried)
    }

    /// Control characters (and NUL bytes) a text may contain however short it is.
    static let maxStrayControls = 4

    /// Whether `count` NUL bytes (or control characters) in a text of `total` are strays in a text
    /// rather than the mark of binary data: at most `maxStrayControls`, or at most one in 1000.
    static func isStray(_ count: Int, of total: Int) -> Bool {
        count <= maxStrayControls || count * 1000 <= total
    }

    /// Fraction of characters that ordinary Chinese text is made of.
    static func plausibility(_ text: String) -> Double {
        var good = 0, total = 0
        for u in text.unicodeScalars {
            total += 1
            switch u.value {
            case 0x20...0x7E, 0x09, 0x0A, 0x0D, 0x4E00...0x9FFF, 0x3000...0x303F, 0xFF01...0xFF5E, 0x2018...0x201D, 0x2026:
                good += 1
            default:
                break
            }
        }
        return total == 0 ? 0 : Double(good) / Double(total)
    }

    /// Converts and accepts only if encoding the result gives back exactly `bytes`: a legacy
    /// converter may skip or map bytes it does not understand (0xFF in Big5), which would silently
    /// lose text.
    static func convertRoundTrip(_ bytes: [UInt8], from charset: String) -> String? {
        guard let s = convert(bytes[...], from: charset), !s.isEmpty, encode(s, as: charset) == bytes else { return nil }
        // Legacy converters also map stray bytes to C1 controls (0x80 → U+0080) or private-use
        // characters (Big5 0xFF → U+F8F8): no real text needs those.
        for u in s.unicodeScalars where (0x80...0x9F).contains(u.value) || (0xE000...0xF8FF).contains(u.value) {
            return nil
        }
        return s
    }

    /// Rejects decoded text that is mostly control characters (a binary file that happens to decode).
    static func checked(_ d: Decoded) throws(DecodeError) -> Decoded {
        var controls = 0, total = 0
        for u in d.text.unicodeScalars {
            total += 1
            let v = u.value
            if v == 0 { throw .binary("NUL character") }
            if v == 0xFFFF || v == 0xFFFE { throw .binary("noncharacter U+\(String(v, radix: 16, uppercase: true))") }
            if v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D && v != 0x0C { controls += 1 }
        }
        if total == 0 { throw .empty }
        // A few stray controls (an ESC left by a terminal, a form feed) do not make a text binary.
        if controls > maxStrayControls && controls * 100 > total { throw .binary("\(controls) control characters in \(total)") }
        return d
    }

    static func validUTF8(_ bytes: ArraySlice<UInt8>) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    static func detect(_ bytes: [UInt8]) -> [String] {
        let stride = 32, maxCandidates = 8
        var names = [CChar](repeating: 0, count: stride * maxCandidates)
        var confidences = [Int32](repeating: 0, count: maxCandidates)
        let n = bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { c in
                cicu_detect_charsets(c.baseAddress, Int32(min(c.count, Int(Int32.max))), &names, Int32(stride), &confidences, Int32(maxCandidates))
            }
        }
        guard n > 0 else { return [] }
        return (0..<Int(n)).map { k in
            names.withUnsafeBufferPointer { String(cString: $0.baseAddress! + k * stride) }
        }
    }

    /// Strict conversion to a String; nil when `bytes` is not valid in `charset`.
    public static func convert(_ bytes: ArraySlice<UInt8>, from charset: String) -> String? {
        var capacity = bytes.count + 16
        while true {
            var out = [UInt16](repeating: 0, count: capacity)
            let n = bytes.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { c in
                    cicu_convert_to_utf16(charset, c.baseAddress, Int32(c.count), &out, Int32(capacity))
                }
            }
            if n == Int32.min { return nil }
            if n < 0 { capacity = Int(-n) + 16; continue }
            return String(decoding: out[0..<Int(n)], as: UTF16.self)
        }
    }

    /// Encodes `text` in `charset` (GB18030, Big5, UTF-16LE…); nil when a character has no mapping.
    public static func encode(_ text: String, as charset: String) -> [UInt8]? {
        let units = Array(text.utf16)
        var capacity = units.count * 4 + 16
        while true {
            var out = [CChar](repeating: 0, count: capacity)
            let n = cicu_convert_from_utf16(charset, units, Int32(units.count), &out, Int32(capacity))
            if n == Int32.min { return nil }
            if n < 0 { capacity = Int(-n) + 16; continue }
            return out[0..<Int(n)].map { UInt8(bitPattern: $0) }
        }
    }
}

/// Why a file could not be turned into text.
public enum DecodeError: Error, Equatable, CustomStringConvertible {
    case empty
    case invalidUTF8
    case binary(String)
    case undecodable(tried: [String])

    public var description: String {
        switch self {
        case .empty: return "the file is empty"
        case .invalidUTF8: return "it starts with a UTF-8 byte order mark but is not valid UTF-8"
        case .binary(let why): return "it looks like a binary file (\(why))"
        case .undecodable(let tried):
            return tried.isEmpty
                ? "it is not valid UTF-8 and its encoding could not be detected"
                : "it is not valid UTF-8 and not valid in any detected encoding (tried \(tried.joined(separator: ", ")))"
        }
    }
}
