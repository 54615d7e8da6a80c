import IPSearchTestSupport
import Testing
@testable import IPSearchAnalysis

@Suite struct DecodingTests {
    @Test(arguments: try Corpus.documents)
    func utf8CorpusFiles(_ doc: Corpus.Document) throws {
        let d = try TextDecoder.decode(doc.bytes)
        #expect(d.encoding == "UTF-8")
        #expect(d.text == doc.text)
        #expect(Array(d.text.utf16) == doc.utf16)
    }

    /// A GB18030 copy of every document (GB18030 encodes all of Unicode) decodes to the same text and
    /// the same terms.
    @Test(arguments: try Corpus.documents)
    func gb18030Copy(_ doc: Corpus.Document) throws {
        let bytes = try #require(TextDecoder.encode(doc.text, as: "GB18030"))
        #expect(bytes != doc.bytes)
        let d = try TextDecoder.decode(bytes)
        #expect(d.encoding == "GB18030")
        #expect(Array(d.text.utf16) == doc.utf16)
        let analyzer = try Analyzer()
        #expect(analyzer.analyze(d.text).tokens == analyzer.analyze(doc.text).tokens)
    }

    /// Big5 copies of the Traditional documents. Big5 lacks a few characters (―, some symbols), so the
    /// text is first reduced to the characters that round-trip through Big5.
    @Test(arguments: ["002", "003"])
    func big5Copy(_ prefix: String) throws {
        let doc = try Corpus.document(prefix)
        var big5Text = ""
        var dropped = 0
        for ch in doc.text {
            let s = String(ch)
            if let b = TextDecoder.encode(s, as: "Big5"), TextDecoder.convert(b[...], from: "Big5") == s {
                big5Text.append(ch)
            } else {
                dropped += 1
            }
        }
        #expect(dropped * 100 < doc.text.count)  // almost all of the text is Big5
        #expect(big5Text.contains("知識產權"))
        let bytes = try #require(TextDecoder.encode(big5Text, as: "Big5"))
        let d = try TextDecoder.decode(bytes)
        #expect(d.encoding == "Big5")
        #expect(d.text == big5Text)
        #expect(Array(d.text.utf16) == Array(big5Text.utf16))
        let analyzer = try Analyzer()
        let fromBig5 = analyzer.analyze(d.text), fromUTF8 = analyzer.analyze(big5Text)
        #expect(fromBig5.tokens == fromUTF8.tokens)
        #expect(fromBig5.normalized.string.contains("知识产权"))
        #expect(fromBig5.gramTerms.contains("识产"))
    }

    @Test func utf8WithBOM() throws {
        let doc = try Corpus.document("002")
        let d = try TextDecoder.decode([0xEF, 0xBB, 0xBF] + doc.bytes)
        #expect(d.encoding == "UTF-8")
        #expect(d.text == doc.text)
        #expect(d.text.utf16.first == doc.utf16.first)  // the BOM is not part of the text
        #expect(Array(d.text.utf16) == doc.utf16)
    }

    @Test func utf8BOMThenInvalid() {
        #expect(throws: DecodeError.invalidUTF8) { try TextDecoder.decode([0xEF, 0xBB, 0xBF, 0xE7, 0x9F, 0xFF]) }
    }

    @Test(arguments: [("UTF-16LE", [UInt8]([0xFF, 0xFE])), ("UTF-16BE", [UInt8]([0xFE, 0xFF]))])
    func utf16WithBOM(_ charset: String, _ bom: [UInt8]) throws {
        let doc = try Corpus.document("000")
        let body = try #require(TextDecoder.encode(doc.text, as: charset))
        #expect(body.count == 2 * doc.utf16.count)
        let d = try TextDecoder.decode(bom + body)
        #expect(d.encoding == charset)
        #expect(Array(d.text.utf16) == doc.utf16)
        let analyzer = try Analyzer()
        #expect(analyzer.analyze(d.text).tokens == analyzer.analyze(doc.text).tokens)
    }

    @Test func emptyFile() {
        #expect(throws: DecodeError.empty) { try TextDecoder.decode([]) }
        #expect(throws: DecodeError.empty) { try TextDecoder.decode([0xEF, 0xBB, 0xBF]) }
    }

    @Test func binaryFile() {
        // A PNG signature and IHDR chunk, then zeros and pseudo-random bytes.
        var rng = SplitMix64(seed: 7)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A,
                            0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
                            0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x06, 0x00, 0x00, 0x00]
        png += [UInt8](repeating: 0, count: 64)
        png += (0..<2048).map { _ in UInt8.random(in: 0...255, using: &rng) }
        png += [UInt8](repeating: 0, count: 256)
        let error = #expect(throws: DecodeError.self) { try TextDecoder.decode(png) }
        if case .binary? = error {} else { Issue.record("expected DecodeError.binary, got \(String(describing: error))") }
    }

    @Test func zerosOnly() {
        let error = #expect(throws: DecodeError.self) { try TextDecoder.decode([UInt8](repeating: 0, count: 4096)) }
        if case .binary? = error {} else { Issue.record("expected DecodeError.binary, got \(String(describing: error))") }
    }

    @Test func controlCharactersAreBinary() {
        let bytes = [UInt8]((0..<200).map { UInt8($0 % 8 + 1) })  // ASCII controls, valid UTF-8
        let error = #expect(throws: DecodeError.self) { try TextDecoder.decode(bytes) }
        if case .binary? = error {} else { Issue.record("expected DecodeError.binary, got \(String(describing: error))") }
    }

    /// Bytes that are valid in no accepted encoding: an error naming what was tried, never a crash
    /// and never a wrong guess.
    @Test(arguments: [
        [UInt8]([0xFF, 0xFF, 0xFF, 0x80, 0x81]),
        Array("知识产权".utf8) + [0xFF] + Array("保护".utf8),
    ])
    func undecodableBytes(_ bytes: [UInt8]) {
        let error = #expect(throws: DecodeError.self) { try TextDecoder.decode(bytes) }
        guard case .undecodable(let tried)? = error else {
            Issue.record("expected DecodeError.undecodable, got \(String(describing: error))")
            return
        }
        #expect(tried.contains("GB18030") && tried.contains("Big5"))
    }

    /// BUG: ICU's "Big5" converter (windows-950) maps the lone bytes 0x80 → U+0080 and 0xFF → U+F8F8
    /// (private use), so bytes that are not Big5 at all are accepted as Big5 "text".
    @Test(arguments: [
        [UInt8]([0x80, 0xFF, 0x80, 0xFF, 0x41, 0x42, 0xFF]),
        [UInt8](repeating: 0xFF, count: 301),
        [UInt8](repeating: 0x80, count: 11),
    ])
    func bytesThatAreNotBig5AreNotAcceptedAsBig5(_ bytes: [UInt8]) {
        let error = #expect(throws: DecodeError.self) { try TextDecoder.decode(bytes) }
        guard let error else { return }  // already recorded: decoded as text
        guard case .undecodable = error else {
            Issue.record("expected DecodeError.undecodable, got \(error)")
            return
        }
    }

    /// BUG: an even number of 0xFF bytes (no NUL) is detected as UTF-16BE and accepted as U+FFFF
    /// noncharacters; `checked` only rejects C0 controls.
    @Test func ffBytesAreNotUTF16Text() {
        let error = #expect(throws: DecodeError.self) { try TextDecoder.decode([UInt8](repeating: 0xFF, count: 300)) }
        if error == nil { return }
        switch error {
        case .undecodable?, .binary?: break
        default: Issue.record("expected DecodeError.undecodable or .binary, got \(String(describing: error))")
        }
    }

    /// BUG: a short GB18030 or Big5 text (an even number of bytes, no NUL) is decoded as UTF-16BE
    /// Hangul/CJK garbage: ICU's detector lists UTF-16BE first for short inputs, and BOM-less UTF-16
    /// conversion accepts almost any even-length input. (Corpus-sized texts are detected correctly.)
    @Test(arguments: [
        ("知识产权", "GB18030"),
        ("地理标志保护", "GB18030"),
        ("国家知识产权局新闻发布会", "GB18030"),
        ("知識產權", "Big5"),
        ("質押融資", "Big5"),
        ("知識產權強國建設", "Big5"),
    ])
    func shortChineseTexts(_ text: String, _ charset: String) throws {
        let bytes = try #require(TextDecoder.encode(text, as: charset))
        #expect(!bytes.contains(0))
        let d = try TextDecoder.decode(bytes)
        #expect(d.text == text, "decoded as \(d.encoding)")
        #expect(!d.encoding.hasPrefix("UTF-16"))
    }
}
