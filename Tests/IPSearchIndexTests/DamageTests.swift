import Foundation
import IPSearchTestSupport
import Testing
import IPSearchAnalysis
@testable import IPSearchIndex

/// A damaged index is reported as damaged — an `IndexError` naming the file and saying to rebuild —
/// never a crash, never silently wrong results.
@Suite struct DamageTests {
    enum Case: String, CaseIterable, CustomStringConvertible, Sendable {
        case truncatePostings, truncateStoreByOneByte, truncateTermsToTenBytes
        case flipTermsMiddle, flipTermKey, flipTermDocFreq, flipPostingsMiddle, flipDocumentsMiddle, flipStoreMiddle, flipDeletions
        case deleteDocuments, deleteStore, deleteDeletions
        case manifestFormat99, manifestFormat99ValidCRC, manifestByteFlip, manifestTruncated
        case segmentFromNewerVersion, segmentFromOlderVersion

        var description: String { rawValue }

        /// Damages the index; returns the damaged file's name.
        func apply(_ box: Sandbox) throws -> String {
            func file(_ ext: String) throws -> String { try box.indexFile(ext: ext) }
            func size(_ path: String) throws -> Int { try Damage.read(path).count }
            let manifest = box.index + "/manifest.json"
            var target: String
            switch self {
            case .truncatePostings:
                target = try file("post"); try Damage.truncate(target, to: try size(target) / 2)
            case .truncateStoreByOneByte:
                target = try file("store"); try Damage.truncate(target, to: try size(target) - 1)
            case .truncateTermsToTenBytes:
                target = try file("terms"); try Damage.truncate(target, to: 10)
            case .flipTermsMiddle:
                target = try file("terms"); try Damage.flipByte(target, at: try size(target) / 2)
            case .flipTermKey:
                // Byte 4 of the key (bits 32…39: the first character's code point) of the middle entry.
                target = try file("terms")
                let entries = (try size(target) - 24) / 32
                try Damage.flipByte(target, at: 8 + 32 * (entries / 2) + 4)
            case .flipTermDocFreq:
                target = try file("terms")
                let entries = (try size(target) - 24) / 32
                try Damage.flipByte(target, at: 8 + 32 * (entries / 2) + 20)
            case .flipPostingsMiddle:
                target = try file("post"); try Damage.flipByte(target, at: try size(target) / 2)
            case .flipDocumentsMiddle:
                target = try file("docs"); try Damage.flipByte(target, at: try size(target) / 2)
            case .flipStoreMiddle:
                target = try file("store"); try Damage.flipByte(target, at: try size(target) / 2)
            case .flipDeletions:
                target = try file("del"); try Damage.flipByte(target, at: try size(target) / 2)
            case .deleteDocuments:
                target = try file("docs"); try FileManager.default.removeItem(atPath: target)
            case .deleteStore:
                target = try file("store"); try FileManager.default.removeItem(atPath: target)
            case .deleteDeletions:
                target = try file("del"); try FileManager.default.removeItem(atPath: target)
            case .manifestFormat99:
                target = manifest
                let text = try #require(String(data: try Data(contentsOf: URL(fileURLWithPath: manifest)), encoding: .utf8))
                let patched = text.replacingOccurrences(of: #""format"\s*:\s*"# + "\(FileFormat.version)" + #"\b"#, with: "\"format\" : 99", options: .regularExpression)
                #expect(patched != text)
                try Damage.overwrite(manifest, Array(patched.utf8))
            case .manifestFormat99ValidCRC:
                target = manifest
                let bytes = try Damage.read(manifest)
                let nl = try #require(bytes.dropLast().lastIndex(of: 0x0A))
                let json = try #require(String(validating: bytes[..<nl], as: UTF8.self))
                #expect(String(decoding: bytes[(nl + 1)...], as: UTF8.self) == "crc32 \(CRC32.hex(CRC32.of(Array(bytes[..<nl]))))\n",
                        "the test's CRC-32 agrees with the manifest's")
                let patched = Array(json.replacingOccurrences(of: #""format"\s*:\s*"# + "\(FileFormat.version)" + #"\b"#, with: "\"format\" : 99", options: .regularExpression).utf8)
                #expect(patched != Array(json.utf8))
                try Damage.overwrite(manifest, patched + Array("\ncrc32 \(CRC32.hex(CRC32.of(patched)))\n".utf8))
            case .manifestByteFlip:
                target = manifest
                let bytes = try Damage.read(manifest)
                let at = try #require(bytes.firstIndex(of: UInt8(ascii: "g")), "no 'g' (generation) in the manifest")
                var damaged = bytes
                damaged[at] = UInt8(ascii: "G")
                try Damage.overwrite(manifest, damaged)
            case .manifestTruncated:
                target = manifest; try Damage.truncate(manifest, to: try size(manifest) / 2)
            case .segmentFromNewerVersion, .segmentFromOlderVersion:
                target = try file("store")
                var bytes = try Damage.read(target)
                bytes[4] = UInt8(self == .segmentFromNewerVersion ? FileFormat.version + 1 : FileFormat.version - 1)
                bytes[5] = 0; bytes[6] = 0; bytes[7] = 0
                try Damage.overwrite(target, bytes)
            }
            return URL(fileURLWithPath: target).lastPathComponent
        }

        /// Damage found when the reader opens (the rest is found when the damaged record is read).
        var detectedOnOpen: Bool {
            switch self {
            case .flipTermsMiddle, .flipTermKey, .flipTermDocFreq, .flipPostingsMiddle, .flipDocumentsMiddle, .flipStoreMiddle: return false
            default: return true
            }
        }
    }

    /// An index of the five documents plus one removed document, so a deletion file exists.
    static func damageableIndex(_ label: String) throws -> (Sandbox, IndexSnapshot) {
        let box = try Sandbox(label)
        try box.write("extra.txt", "后来删除的文件:集成电路布图设计。\n")
        try box.run()
        try box.remove("extra.txt")
        let s = try box.run()
        #expect(s.removed == 1 && s.documents == 5)
        #expect(box.indexFiles().contains { $0.hasSuffix(".del") }, "a deletion file")
        let snapshot = try IndexProbe.snapshot(try IndexReader(directory: box.index))
        return (box, snapshot)
    }

    /// Rewrites the manifest's format version to `format`, with a valid CRC (as another ipsearch
    /// would have written it).
    static func setManifestFormat(_ box: Sandbox, _ format: UInt32) throws {
        let manifest = box.index + "/manifest.json"
        let bytes = try Damage.read(manifest)
        let nl = try #require(bytes.dropLast().lastIndex(of: 0x0A))
        let json = try #require(String(validating: bytes[..<nl], as: UTF8.self))
        let patched = Array(json.replacingOccurrences(of: #""format"\s*:\s*"# + "\(FileFormat.version)" + #"\b"#,
                                                      with: "\"format\" : \(format)", options: .regularExpression).utf8)
        #expect(patched != Array(json.utf8))
        try Damage.overwrite(manifest, patched + Array("\ncrc32 \(CRC32.hex(CRC32.of(patched)))\n".utf8))
    }

    /// First use (`IndexMaintenance.ensure`, what `ipsearch <query>` calls) rebuilds an
    /// index an older ipsearch wrote, saying why, and keeps generations increasing; an index a
    /// newer ipsearch wrote is refused, not rebuilt.
    @Test func firstUseRebuildsAnOlderFormatAndRefusesANewerOne() throws {
        let (box, before) = try Self.damageableIndex("older-format")
        let generation = try Manifest.read(directory: box.index).generation
        try Self.setManifestFormat(box, FileFormat.version - 1)
        var reasons: [IndexMaintenance.BuildReason] = []
        let outcome = try IndexMaintenance.ensure(corpus: box.corpus, index: box.index) { reasons.append($0) }
        #expect(reasons == [.olderFormat(found: FileFormat.version - 1, supported: FileFormat.version)])
        guard case .built(let summary) = outcome else { Issue.record("not rebuilt: \(outcome)"); return }
        #expect(summary.documents == 5)
        let manifest = try Manifest.read(directory: box.index)
        #expect(manifest.format == FileFormat.version && manifest.generation > generation)
        func texts(_ snapshot: IndexSnapshot) -> [String: String] {
            var byID: [String: String] = [:]
            for segment in snapshot.stored.values { for d in segment.values { byID[d.id] = d.text } }
            return byID
        }
        #expect(texts(before).count == 5)
        #expect(texts(try IndexProbe.snapshot(try IndexReader(directory: box.index))) == texts(before))

        try Self.setManifestFormat(box, FileFormat.version + 1)
        reasons = []
        #expect(throws: IndexError.unsupportedFormat(path: box.index + "/manifest.json", found: FileFormat.version + 1,
                                                     supported: FileFormat.version)) {
            _ = try IndexMaintenance.ensure(corpus: box.corpus, index: box.index) { reasons.append($0) }
        }
        #expect(reasons.isEmpty)
    }

    /// Checks that `error` is damage reported against `file`, with the advice to rebuild.
    static func expectNames(_ error: IndexError, _ file: String, _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(error.isDamage, "\(comment): \(error)", sourceLocation: sourceLocation)
        #expect(error.description.contains(file), "\(comment): \(error) does not name \(file)", sourceLocation: sourceLocation)
        #expect(error.description.contains("ipsearch index --full"), "\(comment): \(error)", sourceLocation: sourceLocation)
    }

    /// Makes every read a query could make. Each one throws an error naming `file` or returns exactly
    /// what it returned before the damage. Returns the number of reads that threw.
    @discardableResult
    static func checkReads(_ box: Sandbox, damaged file: String, before: IndexSnapshot) -> Int {
        var errors = 0
        var silent: [String] = []
        let reader: IndexReader
        do { reader = try IndexReader(directory: box.index) } catch {
            expectNames(error, file, "open")
            return 1
        }
        #expect(Set(reader.segments.map(\.meta.name)) == Set(before.postings.keys))
        for segment in reader.segments {
            let name = segment.meta.name
            let terms = before.postings[name] ?? [:]
            // Every term lookup a query could make.
            for (key, expected) in terms {
                do {
                    guard let info = try segment.find(key) else {
                        silent.append("\(name): term \(key) (\(Gram(key: key))) is silently missing")
                        continue
                    }
                    if info.docFreq != expected.docFreq { silent.append("\(name): term \(key) has docFreq \(info.docFreq), was \(expected.docFreq)") }
                    let list = try segment.postings(info)
                    if list.docs != expected.docs || list.positions != expected.positions {
                        silent.append("\(name): term \(key) has different postings")
                    }
                } catch {
                    errors += 1
                    expectNames(error, file, "find/postings of \(key)")
                }
            }
            // Single-character lookups read key ranges.
            do {
                let all = try segment.terms(in: 0...UInt64.max)
                if Set(all.map(\.key)) != Set(terms.keys) { silent.append("\(name): the term list differs") }
            } catch {
                errors += 1
                expectNames(error, file, "terms(in:)")
            }
            // Every stored document a result list could show.
            let stored = before.stored[name] ?? [:]
            for doc in 0..<segment.documentCount {
                if segment.isDeleted(doc) != (stored[doc] == nil) { silent.append("\(name): document \(doc) changed its deleted state") }
                do {
                    let d = try segment.storedDocument(doc)
                    if let e = stored[doc], d != e { silent.append("\(name): stored document \(doc) differs") }
                    _ = try segment.record(doc)
                    let words = try segment.wordCount(doc)  // what ranking reads, in place
                    if let w = before.wordCounts[name]?[doc], w != words { silent.append("\(name): word count of \(doc) differs") }
                } catch {
                    errors += 1
                    expectNames(error, file, "stored document \(doc)")
                }
            }
        }
        let silentCount = silent.count
        #expect(silentCount == 0, "silently wrong data after damaging \(file): \(silent.prefix(5).joined(separator: "; "))\(silent.count > 5 ? " … (\(silent.count) reads in all)" : "")")
        // The full check finds it too.
        do { try reader.verify(); Issue.record("verify() passed with \(file) damaged") } catch {
            expectNames(error, file, "verify")
        }
        return errors
    }

    @Test(arguments: Case.allCases)
    func damageIsReportedAndRepairable(_ damage: Case) throws {
        let (box, before) = try Self.damageableIndex("damage-\(damage.rawValue)")
        let file = try damage.apply(box)

        if damage.detectedOnOpen {
            do {
                _ = try IndexReader(directory: box.index)
                Issue.record("IndexReader opened an index with \(file) damaged (\(damage))")
            } catch {
                Self.expectNames(error, file, "open")
                switch damage {
                case .manifestFormat99ValidCRC:
                    #expect(error == .unsupportedFormat(path: box.index + "/manifest.json", found: 99, supported: FileFormat.version))
                case .segmentFromNewerVersion:
                    #expect(error == .unsupportedFormat(path: box.index + "/" + file, found: FileFormat.version + 1, supported: FileFormat.version))
                    #expect(error.description.contains("newer ipsearch"), "\(error)")
                case .segmentFromOlderVersion:
                    #expect(error == .unsupportedFormat(path: box.index + "/" + file, found: FileFormat.version - 1, supported: FileFormat.version))
                    #expect(error.description.contains("an older ipsearch wrote it"), "\(error)")
                case .deleteDocuments, .deleteStore, .deleteDeletions:
                    #expect(error == .missingFile(path: box.index + "/" + file))
                default:
                    if case .corrupt = error {} else { Issue.record("expected .corrupt, got \(error)") }
                }
            }
            // An incremental run refuses to build on a damaged commit.
            do {
                _ = try box.run()
                Issue.record("an incremental run succeeded on an index with \(file) damaged")
            } catch {
                Self.expectNames(error, file, "incremental index")
            }
        } else {
            let errors = Self.checkReads(box, damaged: file, before: before)
            #expect(errors > 0, "no read noticed the damage to \(file)")
        }

        // --full rebuilds a sound index.
        let full = try box.run(full: true)
        #expect(full.added == 5 && full.committed)
        let reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 5)
        try reader.verify()
        let after = try IndexProbe.snapshot(reader)
        #expect(after.stored.values.flatMap(\.values).map(\.id).sorted() == (try Fixtures.names))
        let manifest = try Manifest.read(directory: box.index)
        #expect(box.indexFiles() == manifest.referencedFiles.union(["write.lock"]))
    }

    /// The command line reports damage with exit status 2, the file's name and the way out.
    @Test(arguments: [Case.truncatePostings, .deleteDocuments, .manifestFormat99, .manifestFormat99ValidCRC, .segmentFromNewerVersion,
                      .segmentFromOlderVersion])
    func commandLineOnDamagedIndex(_ damage: Case) throws {
        let ipsearch = try Repository.ipsearch()
        let (box, _) = try Self.damageableIndex("cli-damage-\(damage.rawValue)")
        let file = try damage.apply(box)

        let search = try CLI.run(ipsearch, ["search", "--index", box.index, "--corpus", box.corpus, "--json", "知识产权"],
                                 outputDirectory: box.root.path)
        #expect(!search.signaled && search.status == 2, "search: status \(search.status), stderr: \(search.stderr)")
        #expect(search.stderr.contains(file), "search stderr: \(search.stderr)")
        #expect(search.stderr.contains("ipsearch index --full"), "search stderr: \(search.stderr)")
        #expect(search.stdout.isEmpty)

        let stats = try CLI.run(ipsearch, ["stats", "--index", box.index], outputDirectory: box.root.path)
        #expect(!stats.signaled && stats.status == 2, "stats: status \(stats.status), stderr: \(stats.stderr)")
        #expect(stats.stderr.contains(file) && stats.stderr.contains("ipsearch index --full"), "stats stderr: \(stats.stderr)")

        let index = try CLI.run(ipsearch, ["index", "--index", box.index, "--corpus", box.corpus, "--quiet"], outputDirectory: box.root.path)
        #expect(!index.signaled && index.status == 2, "index: status \(index.status), stderr: \(index.stderr)")
        #expect(index.stderr.contains(file) && index.stderr.contains("ipsearch index --full"), "index stderr: \(index.stderr)")

        let rebuild = try CLI.run(ipsearch, ["index", "--index", box.index, "--corpus", box.corpus, "--full"], outputDirectory: box.root.path)
        #expect(rebuild.status == 0, "index --full: status \(rebuild.status), stderr: \(rebuild.stderr)")
        #expect(rebuild.stdout.contains("added 5"), "index --full stdout: \(rebuild.stdout)")

        let again = try CLI.run(ipsearch, ["search", "--index", box.index, "--corpus", box.corpus, "--json", "知识产权"],
                                outputDirectory: box.root.path)
        #expect(again.status == 0, "search after rebuild: status \(again.status), stderr: \(again.stderr)")
        #expect(again.stdout.contains(try Fixtures.name("004")))
    }

    /// Damage only a full check finds (a record a search reads is fine until it is read): `stats --check`.
    @Test func statsCheckFindsFlippedByte() throws {
        let ipsearch = try Repository.ipsearch()
        let (box, _) = try Self.damageableIndex("cli-check")
        let plain = try CLI.run(ipsearch, ["stats", "--index", box.index, "--check"], outputDirectory: box.root.path)
        #expect(plain.status == 0, "stats --check on a sound index: \(plain.stderr)")
        #expect(plain.stdout.contains("documents:    5 live"), "stats: \(plain.stdout)")

        let file = try Case.flipTermsMiddle.apply(box)
        let check = try CLI.run(ipsearch, ["stats", "--index", box.index, "--check"], outputDirectory: box.root.path)
        #expect(!check.signaled && check.status == 2, "stats --check: status \(check.status), stderr: \(check.stderr)")
        #expect(check.stderr.contains(file) && check.stderr.contains("ipsearch index --full"), "stderr: \(check.stderr)")
    }
    /// Generations only ever increase, also across a `--full` rebuild that replaces an unreadable
    /// manifest: readers (the server's `SearchService`) keep the snapshot with the higher generation,
    /// so a rebuilt index that restarts at generation 1 would never be picked up by a running server.
    @Test(arguments: [Case.manifestFormat99ValidCRC, .manifestByteFlip])
    func generationKeepsIncreasingAcrossARebuild(_ damage: Case) throws {
        let (box, _) = try Self.damageableIndex("generation-\(damage.rawValue)")
        let before = try Manifest.read(directory: box.index).generation
        #expect(before == 2)
        _ = try damage.apply(box)
        let full = try box.run(full: true)
        #expect(full.committed)
        #expect(full.generation > before, "the rebuilt index restarted at generation \(full.generation) (was \(before))")
    }
}
