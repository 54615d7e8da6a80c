import Foundation
import IPSearchTestSupport
import Testing
@testable import IPSearchAnalysis

/// The real press releases in `Corpus/` at the package root. `documents` throws when they are
/// missing, so a suite parameterized over them fails instead of running zero cases.
enum Corpus {
    struct Document: Sendable, CustomStringConvertible {
        let name: String
        let bytes: [UInt8]
        let text: String
        var utf16: [UInt16] { Array(text.utf16) }
        var description: String { name }
    }

    /// All corpus documents (strict UTF-8), sorted by file name.
    static var documents: [Document] {
        get throws {
            try Repository.corpusNames().map { name in
                let bytes = try Repository.corpusBytes(name)
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw TestSupportError("corpus document \(name) is not UTF-8")
                }
                return Document(name: name, bytes: bytes, text: text)
            }
        }
    }

    /// The document whose file name starts with `prefix` ("000", "002"…).
    static func document(_ prefix: String) throws -> Document {
        let name = try Repository.corpusName(prefix)
        guard let d = try documents.first(where: { $0.name == name }) else { throw TestSupportError("no corpus document \(name)") }
        return d
    }
}

extension NormalizedText {
    /// Every normalized unit maps to a non-empty source range; the ranges never go backwards;
    /// consecutive chunks touch (nothing of the original is skipped silently); and together they
    /// cover the source from 0 to `sourceLength`.
    func sourceMapIsWhole(sourceLength: Int) -> Bool {
        guard sourceStart.count == count && sourceEnd.count == count else { return false }
        for i in 0..<count {
            if sourceStart[i] >= sourceEnd[i] { return false }
            if i > 0, sourceStart[i] < sourceStart[i - 1] || sourceEnd[i] < sourceEnd[i - 1] { return false }
            if i > 0, sourceStart[i] != sourceStart[i - 1], sourceStart[i] != sourceEnd[i - 1] { return false }
        }
        return count == 0 ? sourceLength == 0 : sourceStart.first == 0 && Int(sourceEnd.last ?? 0) == sourceLength
    }
}

/// A token reduced to what must not depend on the spelling of the original (source ranges do).
struct Term: Hashable, CustomStringConvertible {
    let term: String
    let kind: Token.Kind
    let position: Int
    init(_ t: Token) { term = t.term; kind = t.kind; position = t.utf16Offset }
    var description: String { "\(kind == .word ? "w" : "g"):\(term)@\(position)" }
}

extension Analysis {
    var words: [String] {
        wordStarts.indices.map { k in
            String(decoding: normalized.units[Int(wordStarts[k])..<Int(wordEnds[k])], as: UTF16.self)
        }
    }

    var gramTerms: [String] { grams.map { Gram(key: $0).description } }

    var terms: [Term] { tokens.map(Term.init) }

    /// Normalized UTF-16 offsets of every occurrence of `needle` in the normalized text.
    func occurrences(of needle: String) -> [Int] {
        let n = Array(needle.utf16), h = normalized.units
        guard !n.isEmpty, n.count <= h.count else { return [] }
        var result: [Int] = []
        for i in 0...(h.count - n.count) where h[i] == n[0] && Array(h[i..<(i + n.count)]) == n {
            result.append(i)
        }
        return result
    }
}

/// The original text between UTF-16 offsets.
func substring(_ units: [UInt16], _ range: Range<Int>) -> String {
    String(decoding: units[range], as: UTF16.self)
}

/// The gram-based phrase matcher the recall guarantee is about: the query `q` occurs at document
/// offset `p` when every gram of every run of `q` is in the document at `p` + the gram's offset in
/// `q`; a gram that ends a query run (second == 0) matches any document gram starting with the
/// same character (`Gram.range(startingWith:)`).
struct GramIndex {
    /// Position → gram key. Every code point of a run starts exactly one gram.
    private(set) var byPosition: [Int32: UInt64] = [:]
    private(set) var pairs: Set<UInt64> = []  // (key, position) hashed as one value, see `pack`
    private(set) var duplicatePositions: [Int32] = []

    init(_ a: Analysis) {
        byPosition.reserveCapacity(a.grams.count)
        for k in a.grams.indices {
            let p = a.gramPositions[k]
            if byPosition.updateValue(a.grams[k], forKey: p) != nil { duplicatePositions.append(p) }
            pairs.insert(GramIndex.pack(a.grams[k], p))
        }
    }

    /// A gram key is 42 bits (21 + 21); positions fit in the remaining 22 bits for corpus documents.
    static func pack(_ key: UInt64, _ position: Int32) -> UInt64 {
        precondition(position >= 0 && position < (1 << 22))
        return key << 22 | UInt64(position)
    }

    func contains(gram key: UInt64, at position: Int) -> Bool {
        position >= 0 && position < (1 << 22) && pairs.contains(GramIndex.pack(key, Int32(position)))
    }

    /// Whether all of `query`'s grams are present at `p` + their offsets (nil when the query has no
    /// grams at all, e.g. it is only punctuation).
    func matches(_ query: Analysis, at p: Int) -> Bool? {
        if query.grams.isEmpty { return nil }
        for k in query.grams.indices {
            let g = Gram(key: query.grams[k])
            let at = p + Int(query.gramPositions[k])
            if g.second == 0 {
                guard let key = byPosition[Int32(at)], Gram.range(startingWith: g.first).contains(key) else {
                    return false
                }
            } else if !contains(gram: g.key, at: at) {
                return false
            }
        }
        return true
    }

    /// Every document offset where `query` matches.
    func matchPositions(_ query: Analysis) -> [Int] {
        guard let first = query.grams.first else { return [] }
        let anchor = Int(query.gramPositions[0])
        let g = Gram(key: first)
        var result: [Int] = []
        for (pos, key) in byPosition {
            let startsRight = g.second == 0 ? Gram.range(startingWith: g.first).contains(key) : key == g.key
            if startsRight, matches(query, at: Int(pos) - anchor) == true { result.append(Int(pos) - anchor) }
        }
        return result.sorted()
    }
}
