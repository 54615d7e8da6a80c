import Foundation
import Testing
@testable import IPSearchIndex

/// `manifest.json`'s JSON form, written and read by hand (`Manifest.jsonBytes`, `Manifest(json:)`):
/// the same bytes `JSONEncoder` writes, readable by `JSONDecoder`, and every malformed manifest
/// refused with a reason rather than read wrongly.
@Suite struct ManifestTests {
    /// Manifests of every shape: empty, optional members present and absent, large numbers.
    static func samples() -> [Manifest] {
        var generator = SystemRandomNumberGenerator()
        var out: [Manifest] = [Manifest()]
        for n in [1, 2, 7, 40] {
            var m = Manifest()
            m.generation = Int.random(in: 1...1_000_000, using: &generator)
            m.committedAt = Double.random(in: 1.6e9...1.9e9, using: &generator)
            m.nextSegment = n * 3 + 1
            m.groupsGeneration = n.isMultiple(of: 2) ? m.generation : nil
            for i in 0..<n {
                let documents = Int.random(in: 0...2_000_000, using: &generator)
                let words = Int.random(in: 0...Int(Int32.max) * 4, using: &generator)
                let deleted = Int.random(in: 0...documents, using: &generator)
                m.segments.append(SegmentMeta(
                    name: Indexer.segmentName(i * 3 + 1), documents: documents, words: words,
                    terms: Int.random(in: 0...50_000_000, using: &generator),
                    deletedWords: Int.random(in: 0...words, using: &generator), deleted: deleted,
                    deletionGeneration: deleted > 0 ? m.generation : nil,
                    bytes: Int.random(in: 0...(1 << 40), using: &generator),
                    storedBytes: Int.random(in: 0...(1 << 36), using: &generator)))
            }
            out.append(m)
        }
        var whole = Manifest()
        whole.committedAt = 1_795_755_482  // a whole number: written without ".0"
        out.append(whole)
        return out
    }

    @Test func theBytesAreJSONEncodersAndBothReadersAgree() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        for m in Self.samples() {
            let bytes = m.jsonBytes()
            #expect(bytes == Array(try encoder.encode(m)), "\(String(decoding: bytes, as: UTF8.self))")
            #expect(try Manifest(json: bytes) == m)
            #expect(try JSONDecoder().decode(Manifest.self, from: Data(bytes)) == m)
            let generations = try Manifest.generations(json: bytes)
            #expect(generations.generation == m.generation && generations.groupsGeneration == m.groupsGeneration)
        }
    }

    @Test func anyJSONLayoutIsRead() throws {
        let text = #"""
            {"segments":[{"name":"seg000004","documents":10,"deleted":3,"deletedWords":61,"deletionGeneration":7,
            "words":2100,"terms":410,"bytes":3900,"storedBytes":900, "note": {"a": [1, -2.5e3, "x\"y\\u00e9\ud83d\ude00", true, null]}}],
            "committedAt":1763782000.5, "unknown": [[], {}], "generation":7,"nextSegment":9,"groupsGeneration":null,
            "format":\#(FileFormat.version)}
            """#
        let m = try Manifest(json: Array(text.utf8))
        #expect(m.generation == 7 && m.nextSegment == 9 && m.groupsGeneration == nil && m.committedAt == 1763782000.5)
        #expect(m.segments == [SegmentMeta(name: "seg000004", documents: 10, words: 2100, terms: 410, deletedWords: 61,
                                           deleted: 3, deletionGeneration: 7, bytes: 3900, storedBytes: 900)])
    }

    /// Another version's manifest is recognised by its format alone, whatever else it holds.
    @Test func anotherFormatIsReportedBeforeItsOtherMembers() {
        for format in [FileFormat.version - 1, FileFormat.version + 1] {
            let text = #"{"format": \#(format), "segments": "whatever a newer version writes"}"#
            #expect {
                _ = try Manifest(json: Array(text.utf8))
            } throws: { error in
                guard case Manifest.JSONProblem.format(let found) = error else { return false }
                return found == format
            }
        }
    }

    @Test(arguments: [
        ("", "expected an object"),
        ("[]", "expected an object"),
        (#"{"format": 8"#, "expected , or }"),
        (#"{"format": 8} x"#, "trailing bytes"),
        (#"{"generation": 1, "committedAt": 0, "nextSegment": 1, "segments": []}"#, "no format"),
        (#"{"format": 8, "generation": 1.5, "committedAt": 0, "nextSegment": 1, "segments": []}"#, "generation is not an integer"),
        (#"{"format": 8, "generation": "1", "committedAt": 0, "nextSegment": 1, "segments": []}"#, "expected a number"),
        (#"{"format": -8}"#, "format -8"),
        (#"{"format": 8, "generation": 99999999999999999999, "committedAt": 0, "nextSegment": 1, "segments": []}"#, "not an integer"),
        (#"{"format": 8, "generation": 1, "committedAt": 1e999, "nextSegment": 1, "segments": []}"#, "committedAt is not a number"),
        (#"{"format": 8, "generation": 1, "committedAt": 0, "nextSegment": 1, "segments": [{"name": "../../etc/passwd", "documents": 1, "words": 1, "terms": 1, "deletedWords": 0, "deleted": 0, "bytes": 1, "storedBytes": 1}]}"#, "segment name"),
        (#"{"format": 8, "generation": 1, "committedAt": 0, "nextSegment": 1, "segments": [{"name": "seg000001", "documents": 1, "words": 1, "terms": 1, "deletedWords": 0, "deleted": 2, "bytes": 1, "storedBytes": 1}]}"#, "impossible counts"),
        (#"{"format": 8, "generation": 1, "committedAt": 0, "nextSegment": 1, "segments": [{"name": "seg000001"}]}"#, "a segment without"),
        (#"{"format": 8, "x": "\ud800"}"#, "a lone surrogate"),
        (#"{"format": 8, "x": "\q"}"#, "a bad escape"),
        ("{\"format\": 8, \"x\": \"a\u{01}\"}", "a control character"),
        (#"{"format": 8, "x": 01x}"#, "expected , or }"),
        (#"{"format": 8, "x": tru}"#, "expected a value"),
        (#"{"x": "#, "expected a value"),
        (#"{"x": "# + String(repeating: "[", count: 100_000), "nested too deeply"),
    ])
    func malformedManifestsAreRefusedWithAReason(text: String, reason: String) {
        let json = Array(text.replacingOccurrences(of: #""format": 8"#, with: #""format": \#(FileFormat.version)"#).utf8)
        #expect {
            _ = try Manifest(json: json)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    /// A manifest that is not valid UTF-8 inside a string is refused too.
    @Test func invalidUTF8IsRefused() {
        let json = Array(#"{"format": \#(FileFormat.version), "x": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: Manifest.JSONProblem.self) { _ = try Manifest(json: json) }
    }

    /// `commit` writes what `read` reads, with the checksum line; a name that is not a segment's is
    /// refused before anything is written.
    @Test func commitAndReadRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ipsearch-manifest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for m in Self.samples() {
            try m.commit(directory: dir)
            #expect(try Manifest.read(directory: dir) == m)
            #expect(Manifest.bestEffortGeneration(directory: dir) == max(m.generation, m.groupsGeneration ?? 0))
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json"))
        var bad = Self.samples()[1]
        bad.segments[0].name = "seg1/../../x"
        #expect(throws: IndexError.self) { try bad.commit(directory: dir) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json")) == before)
    }
}
