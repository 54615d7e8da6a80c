import Foundation
import IPSearchTestSupport
import Testing
import IPSearchAnalysis
@testable import IPSearchIndex

@Suite struct BadFileTests {
    /// Bytes that are not UTF-8, not GB18030, not Big5 and not UTF-16: 0x81 0x20 is a lead byte
    /// followed by a space, invalid in both CJK multi-byte encodings; the odd length rules out UTF-16.
    static let undecodable: [UInt8] = Array("新闻稿 abc ".utf8) + [0x81, 0x20, 0x81, 0x20, 0x81, 0x20] + Array(" def\n".utf8)

    /// A binary file: an ELF-like header, every byte value, runs of NULs.
    static let binary: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        + (0..<4).flatMap { _ in (0...255).map { UInt8($0) } } + [0, 0, 0, 0, 0, 0, 0, 0]

    @Test func fixturesAreReallyBad() {
        #expect(Self.undecodable.count % 2 == 1)
        #expect(throws: DecodeError.self) { _ = try TextDecoder.decode(Self.undecodable) }
        #expect(throws: DecodeError.self) { _ = try TextDecoder.decode(Self.binary) }
        #expect(throws: DecodeError.empty) { _ = try TextDecoder.decode([]) }
    }

    @Test func badFilesAreSkippedWithReasons() throws {
        let box = try Sandbox("badfiles")
        try box.write("bad/empty.txt", [])
        try box.write("bad/binary.txt", Self.binary)
        try box.write("bad/undecodable.md", Self.undecodable)
        // A good file in an unusual encoding, to show the bad ones don't poison the run.
        let utf16Text = "UTF-16 编码的新闻稿:商标异议审查。\n"
        try box.write("good/utf16.txt", [0xFF, 0xFE] + utf16Text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })

        let summary = try box.run()
        let skipped = Dictionary(uniqueKeysWithValues: summary.skipped.map { ($0.id, $0.reason) })
        print("skipped: \(summary.skipped)")
        #expect(Set(skipped.keys) == ["bad/empty.txt", "bad/binary.txt", "bad/undecodable.md"])
        #expect(skipped["bad/empty.txt"]?.contains("empty") == true)
        #expect(skipped["bad/binary.txt"]?.contains("binary") == true)
        #expect(skipped["bad/undecodable.md"]?.contains("not valid UTF-8") == true)
        #expect(summary.added == 6)
        #expect(summary.committed)

        let reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 6)
        #expect(try IndexProbe.liveIDs(reader).sorted() == ((try Fixtures.names) + ["good/utf16.txt"]).sorted())
        let utf16 = try #require(try reader.document(id: "good/utf16.txt"))
        #expect(utf16.text == utf16Text)
        #expect(utf16.encoding == "UTF-16LE")
        for id in skipped.keys { #expect(try reader.document(id: id) == nil) }

        // Still bad on the next run: reported again, nothing committed.
        let again = try box.run()
        #expect(Set(again.skipped.map(\.id)) == Set(skipped.keys))
        #expect(again.unchanged == 6 && !again.committed)

        // Fixed: indexed.
        try box.write("bad/empty.txt", "现在有内容了:专利开放许可 kfxk9。\n")
        let fixed = try box.run()
        #expect(fixed.added == 1)
        #expect(Set(fixed.skipped.map(\.id)) == ["bad/binary.txt", "bad/undecodable.md"])
        #expect(try IndexProbe.documents(containing: "kfxk9", in: try IndexReader(directory: box.index)) == ["bad/empty.txt"])
    }

    /// A bad file never loses what was indexed: the committed version stays.
    @Test(arguments: ["undecodable", "binary", "empty"])
    func previouslyIndexedFileThatGoesBadKeepsItsVersion(_ kind: String) throws {
        let box = try Sandbox("goesbad-\(kind)")
        let original = "原来的好版本:知识产权纠纷行政裁决 keep\(kind)q。\n"
        try box.write("victim.txt", original)
        try box.run()

        let bad: [UInt8] = kind == "undecodable" ? Self.undecodable : kind == "binary" ? Self.binary : []
        try box.write("victim.txt", bad)
        try box.setModificationTime("victim.txt", Date().timeIntervalSince1970 + 10)
        let s = try box.run()
        #expect(s.skipped.map(\.id) == ["victim.txt"])
        #expect(s.updated == 0 && s.removed == 0)
        #expect(!s.committed)

        let reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 6)
        #expect(try reader.document(id: "victim.txt")?.text == original)
        #expect(try IndexProbe.documents(containing: "keep\(kind)q", in: reader) == ["victim.txt"])

        // Another change elsewhere commits a new generation: the old version still stays.
        try box.write("other.txt", "另一个文件:植物新品种保护。\n")
        let s2 = try box.run()
        #expect(s2.added == 1 && s2.committed)
        #expect(s2.skipped.map(\.id) == ["victim.txt"])
        let reader2 = try IndexReader(directory: box.index)
        #expect(try reader2.document(id: "victim.txt")?.text == original)
    }

    /// Invalid UTF-8 of even length, without NUL bytes and without a BOM, is not UTF-16 text: ICU's
    /// detector offers UTF-16BE/LE for such bytes, and every even-length byte string converts, so the
    /// decoder must not accept the guess (the result here is mojibake with U+FFFF and unassigned
    /// code points). Expected: skipped as undecodable, like the odd-length version of the same bytes.
    @Test func invalidUTF8IsNotIndexedAsUTF16Mojibake() throws {
        let evenGarbage: [UInt8] = Array("新闻稿 ".utf8) + [0xFF, 0xFF, 0xFE, 0xFF] + Array(" abc\n".utf8) + [0xFF, 0xFF, 0xFF]
        #expect(evenGarbage.count % 2 == 0 && !evenGarbage.contains(0))
        let box = try Sandbox("utf16-mojibake", copyCorpus: false)
        try box.write("garbage.txt", evenGarbage)
        let s = try box.run()
        if let decoded = try? TextDecoder.decode(evenGarbage) {
            print("garbage decoded as \(decoded.encoding): \(decoded.text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        let indexedAs = try IndexReader(directory: box.index).document(id: "garbage.txt")?.encoding
        #expect(s.skipped.map(\.id) == ["garbage.txt"], "invalid UTF-8 was indexed as \(indexedAs ?? "?")")
        #expect(s.added == 0)
    }
}
