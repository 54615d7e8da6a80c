import IPSearchTestSupport
import Testing
@testable import IPSearchAnalysis

/// Every term must point back at the original text it came from, so results can be highlighted in
/// the document as published.
@Suite struct OffsetTests {
    @Test(arguments: try Corpus.documents)
    func everyTokenRoundTripsToItsSource(_ doc: Corpus.Document) throws {
        let analyzer = try Analyzer()
        let original = doc.utf16
        let a = analyzer.analyze(utf16: original)
        let tokens = a.tokens
        #expect(tokens.count == a.wordCount + a.grams.count + a.marks.count)
        #expect(a.marks.count > 50)
        #expect(a.wordCount > 500)

        var failures: [String] = []
        for t in tokens {
            let r = t.source
            guard r.lowerBound >= 0, r.upperBound <= original.count, !r.isEmpty else {
                failures.append("\(t): source out of bounds or empty (original has \(original.count) units)")
                continue
            }
            if r.lowerBound > 0, UTF16.isTrailSurrogate(original[r.lowerBound]),
               UTF16.isLeadSurrogate(original[r.lowerBound - 1]) {
                failures.append("\(t): source starts inside a surrogate pair")
            }
            if r.upperBound < original.count, UTF16.isTrailSurrogate(original[r.upperBound]),
               UTF16.isLeadSurrogate(original[r.upperBound - 1]) {
                failures.append("\(t): source ends inside a surrogate pair")
            }
            let renormalized = analyzer.normalizer.normalize(Array(original[r])).string
            if renormalized != t.term {
                failures.append("\(t): normalize(\(substring(original, r))) = \(renormalized)")
            }
            if t.kind == .gram {
                // The gram's characters are the normalized units at its position.
                let width = t.term.utf16.count
                let units = substring(a.normalized.units, t.utf16Offset..<min(t.utf16Offset + width, a.normalized.count))
                if units != t.term { failures.append("\(t): normalized units at position are \(units)") }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) bad tokens in \(doc.name), first: \(failures.prefix(10))")
    }

    @Test(arguments: try Corpus.documents)
    func sourceMapIsMonotoneAndCoversTheText(_ doc: Corpus.Document) throws {
        let n = Normalizer().normalize(doc.utf16)
        #expect(n.sourceStart.count == n.count && n.sourceEnd.count == n.count)
        #expect(n.sourceMapIsWhole(sourceLength: doc.utf16.count))
    }

    /// Document 000 writes 產權 as 產(chǎn)權(quán): a hit on 产权 must highlight the whole annotated text.
    @Test func highlightOfChanquanCoversThePinyin() throws {
        let doc = try Corpus.document("000")
        let original = doc.utf16
        let a = try Analyzer().analyze(utf16: original)
        // The original has 41 annotated 產權 and no other spelling of 产权.
        #expect(occurrences(of: "產(chǎn)權(quán)", in: doc.text) == 41)
        #expect(occurrences(of: "產權", in: doc.text) == 0 && occurrences(of: "产权", in: doc.text) == 0)

        let hits = a.occurrences(of: "产权")
        #expect(hits.count == 41)
        let first = try #require(hits.first)
        let range = a.normalized.sourceRange(of: first..<(first + 2))
        #expect(substring(original, range) == "產(chǎn)權(quán)")
        // The first one is in 國家知識產(chǎn)權(quán)局 of the first sentence.
        #expect(substring(original, a.normalized.sourceRange(of: (first - 4)..<(first + 3))) == "國家知識產(chǎn)權(quán)局")
        for p in hits {
            #expect(substring(original, a.normalized.sourceRange(of: p..<(p + 2))) == "產(chǎn)權(quán)")
        }
        // And the same through the tokens: every 产权 gram and every 知识产权 word.
        let gramSources = a.tokens.filter { $0.kind == .gram && $0.term == "产权" }.map { substring(original, $0.source) }
        #expect(gramSources.count == 41)
        #expect(Set(gramSources) == ["產(chǎn)權(quán)"])
        // Words: ICU 72 cuts 知识|产权; either way the word maps back to the annotated text.
        let words = a.tokens.filter { $0.kind == .word && ($0.term == "产权" || $0.term == "知识产权") }
        #expect(words.count >= 41)
        for w in words {
            #expect(substring(original, w.source) == (w.term == "产权" ? "產(chǎn)權(quán)" : "知識產(chǎn)權(quán)"))
        }
    }

    @Test func highlightInsideMixedText() throws {
        let text = "總額達(dá)3072億元,同比增長7.2%"
        let a = try Analyzer().analyze(text)
        let original = Array(text.utf16)
        #expect(a.normalized.string == "总额达3072亿元,同比增长7.2%")
        let p = try #require(a.occurrences(of: "达3072亿").first)
        #expect(substring(original, a.normalized.sourceRange(of: p..<(p + 6))) == "達(dá)3072億")
        let q = try #require(a.occurrences(of: "7.2").first)
        #expect(substring(original, a.normalized.sourceRange(of: q..<(q + 3))) == "7.2")
    }
}
