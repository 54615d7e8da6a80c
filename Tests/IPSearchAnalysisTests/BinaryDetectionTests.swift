import IPSearchTestSupport
import Testing
@testable import IPSearchAnalysis

/// A few stray control characters or NUL bytes in a text do not make it binary; binary data and
/// UTF-16 without a byte order mark are still recognised.
@Suite struct BinaryDetectionTests {
    /// A real document with one NUL at the end (as some editors and downloads leave): decoded, the NUL
    /// dropped, the text otherwise exact.
    @Test(arguments: try Corpus.documents)
    func trailingNULIsDropped(_ doc: Corpus.Document) throws {
        let d = try TextDecoder.decode(doc.bytes + [0])
        #expect(d.encoding == "UTF-8")
        #expect(d.text == doc.text)
    }

    /// One NUL in the middle of a line, and one ESC (left by a terminal) in another: still text.
    @Test(arguments: try Corpus.documents)
    func strayControlsInTheMiddle(_ doc: Corpus.Document) throws {
        var bytes = doc.bytes
        let newlines = bytes.indices.filter { bytes[$0] == 0x0A }
        try #require(newlines.count >= 2)
        bytes.insert(0x1B, at: newlines[newlines.count / 2])
        bytes.insert(0x00, at: newlines[0])
        let d = try TextDecoder.decode(bytes)
        #expect(d.encoding == "UTF-8")
        #expect(d.text.unicodeScalars.filter { $0.value == 0x1B }.count == 1)
        #expect(!d.text.unicodeScalars.contains("\u{0}"))
        var withoutESC = String.UnicodeScalarView()
        withoutESC.append(contentsOf: d.text.unicodeScalars.filter { $0.value != 0x1B })
        #expect(String(withoutESC) == doc.text)
    }

    /// A GB18030 file with a trailing NUL is still recognised as GB18030.
    @Test func gb18030WithTrailingNUL() throws {
        let doc = try Corpus.document("002")
        let gb = try #require(TextDecoder.encode(doc.text, as: "GB18030"))
        let d = try TextDecoder.decode(gb + [0])
        #expect(d.encoding == "GB18030")
        #expect(d.text == doc.text)
    }

    /// A short note with one ESC (one control character in 20 is more than 1 %, the old threshold).
    @Test func shortTextWithOneEscape() throws {
        let text = "商标注册\u{1B}[0m 公告第12期\n"
        let d = try TextDecoder.decode(Array(text.utf8))
        #expect(d.text == text)
    }

    /// Many NULs or control characters still mean binary data.
    @Test func binaryDataIsStillRejected() throws {
        let doc = try Corpus.document("000")
        // A NUL every 64 bytes: far more than one in 1000.
        var sprinkled: [UInt8] = []
        for (i, b) in doc.bytes.enumerated() {
            sprinkled.append(b)
            if i % 64 == 63 { sprinkled.append(0) }
        }
        #expect(throws: DecodeError.self) { _ = try TextDecoder.decode(sprinkled) }
        // Control characters every 20 bytes (ASCII, so valid UTF-8 throughout).
        let controls = (0..<2000).map { i -> UInt8 in i % 20 == 0 ? 0x01 : UInt8(ascii: "a") + UInt8(i % 26) }
        #expect {
            _ = try TextDecoder.decode(controls)
        } throws: { error in
            guard let e = error as? DecodeError, case .binary = e else { return false }
            return true
        }
        // An ELF-like header and every byte value.
        let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0] + (0..<1024).map { UInt8($0 & 0xFF) }
        #expect(throws: DecodeError.self) { _ = try TextDecoder.decode(elf) }
    }

    /// UTF-16 without a byte order mark (a NUL in every ASCII character) is not mistaken for a text
    /// with stray NULs.
    @Test func utf16WithoutBOMIsStillUTF16() throws {
        let text = "UTF-16 without BOM: patent 专利 and trademark 商标 notices, line after line.\n"
        let bytes = String(repeating: text, count: 20).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let d = try TextDecoder.decode(bytes)
        #expect(d.encoding == "UTF-16LE")
        #expect(d.text == String(repeating: text, count: 20))
    }

    @Test func strayThreshold() {
        #expect(TextDecoder.isStray(1, of: 10))
        #expect(TextDecoder.isStray(TextDecoder.maxStrayControls, of: 10))
        #expect(!TextDecoder.isStray(TextDecoder.maxStrayControls + 1, of: 1000))
        #expect(TextDecoder.isStray(50, of: 50_000))
        #expect(!TextDecoder.isStray(51, of: 50_000))
    }
}
