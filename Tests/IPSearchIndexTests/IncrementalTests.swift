import Foundation
import IPSearchTestSupport
import Testing
@testable import IPSearchIndex

@Suite struct IncrementalTests {
    /// The whole life of a small index: no-op, update, touch, add, remove, full rebuild.
    @Test func incrementalRuns() throws {
        let box = try Sandbox("incremental")
        let first = try box.run()
        #expect(first.added == 5 && first.committed && first.generation == 1)
        var generation = 1
        func expectGeneration(_ s: IndexSummary, committed: Bool, _ comment: Comment) throws {
            #expect(s.committed == committed, comment)
            if committed { generation += 1 }
            #expect(s.generation == generation, comment)
            let manifest = try Manifest.read(directory: box.index)
            #expect(manifest.generation == generation, comment)
            #expect(manifest.documentCount == s.documents, comment)
        }

        // Nothing changed: no new generation.
        let same = try box.run()
        #expect(same.unchanged == 5 && same.added == 0 && same.updated == 0 && same.removed == 0)
        #expect(same.bytes == 0, "unchanged files are not read")
        try expectGeneration(same, committed: false, "no-op run")

        // One file changed.
        let n001 = try Fixtures.name("001")
        try box.write(n001, "答好“两张卷” 奋进新征程\n2023-01-02\n全新的内容:数据知识产权登记。\n")
        let changed = try box.run()
        #expect(changed.updated == 1 && changed.unchanged == 4 && changed.added == 0 && changed.removed == 0)
        try expectGeneration(changed, committed: true, "update")
        var reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 5)
        let updated = try #require(try reader.document(id: n001))
        #expect(updated.text == "答好“两张卷” 奋进新征程\n2023-01-02\n全新的内容:数据知识产权登记。\n")
        #expect(updated.date == "2023-01-02")
        #expect(try IndexProbe.documents(containing: "数据知识产权登记", in: reader) == [n001])
        #expect(try IndexProbe.documents(containing: "杨东起", in: reader).isEmpty, "the old version's words are gone")
        #expect(try IndexProbe.liveIDs(reader).sorted() == (try Fixtures.names), "each id once")

        // Touched (new mtime), same content: unchanged, nothing committed.
        let n003 = try Fixtures.name("003")
        try box.setModificationTime(n003, try box.modificationTime(n003) + 1000)
        let touched = try box.run()
        #expect(touched.unchanged == 5 && touched.updated == 0 && touched.added == 0)
        try expectGeneration(touched, committed: false, "touch")
        // And again: still unchanged.
        let touchedAgain = try box.run()
        #expect(touchedAgain.unchanged == 5 && touchedAgain.updated == 0)
        try expectGeneration(touchedAgain, committed: false, "touch, second run")

        // Same size, different content (and a new mtime): updated.
        let n004 = try Fixtures.name("004")
        let original = try Fixtures.bytes(n004)
        var bytes = original
        let at = try #require(bytes.lastIndex { $0 < 0x80 && $0 > 0x20 }, "no ASCII letter in \(n004)")
        bytes[at] = bytes[at] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        #expect(bytes.count == original.count && bytes != original)
        try box.write(n004, bytes)
        try box.setModificationTime(n004, Date().timeIntervalSince1970 + 5)
        let sameSize = try box.run()
        #expect(sameSize.updated == 1 && sameSize.unchanged == 4)
        try expectGeneration(sameSize, committed: true, "same-size edit")

        // Added.
        try box.write("new/added.txt", "新增的新闻稿:国家知识产权局发布地理标志保护新规。\n")
        let added = try box.run()
        #expect(added.added == 1 && added.unchanged == 5 && added.removed == 0)
        try expectGeneration(added, committed: true, "add")
        reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 6)
        #expect(try IndexProbe.documents(containing: "地理标志保护新规", in: reader) == ["new/added.txt"])

        // Removed.
        let n000 = try Fixtures.name("000")
        try box.remove(n000)
        let removed = try box.run()
        #expect(removed.removed == 1 && removed.unchanged == 5 && removed.added == 0)
        try expectGeneration(removed, committed: true, "remove")
        reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 5)
        #expect(try reader.document(id: n000) == nil)
        #expect(try IndexProbe.documents(containing: "衡付", in: reader).isEmpty)
        #expect(!(try IndexProbe.liveIDs(reader)).contains(n000))

        // Full rebuild.
        let full = try box.run(full: true)
        #expect(full.added == 5 && full.updated == 0 && full.removed == 0 && full.unchanged == 0)
        try expectGeneration(full, committed: true, "full")
        reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 5)
        // Fresh segments only: one per indexing thread (each thread writes its own segment).
        #expect(reader.segments.count <= box.options().threads)
        #expect(reader.segments.allSatisfy { $0.meta.deleted == 0 })
        try reader.verify()

        // Only the committed files remain.
        let manifest = try Manifest.read(directory: box.index)
        #expect(box.indexFiles() == manifest.referencedFiles.union(["write.lock"]))
    }

    /// Renaming a file is a removal and an addition.
    @Test func rename() throws {
        let box = try Sandbox("rename")
        try box.run()
        let n002 = try Fixtures.name("002")
        try FileManager.default.moveItem(atPath: box.path(n002), toPath: box.path("renamed.txt"))
        let s = try box.run()
        #expect(s.added == 1 && s.removed == 1 && s.unchanged == 4)
        let reader = try IndexReader(directory: box.index)
        #expect(try reader.document(id: n002) == nil)
        #expect(Array(try #require(try reader.document(id: "renamed.txt")).text.utf8) == (try Fixtures.bytes(n002)))
    }

    /// Twelve runs that each add one document: the merge policy keeps at most 8 segments, and every
    /// document stays findable with its stored text.
    @Test func mergePolicyBoundsSegments() throws {
        let box = try Sandbox("merge")
        var summary = try box.run()
        var generation = summary.generation
        var texts: [String: String] = [:]
        var merged = 0
        for n in 1...12 {
            let id = "added/doc\(n).txt"
            let text = "第\(n)篇新增稿件 mkr\(n)q 知识产权质押融资登记。\n"
            try box.write(id, text)
            texts[id] = text
            summary = try box.run()
            #expect(summary.added == 1, "run \(n)")
            #expect(summary.generation == generation + 1, "run \(n)")
            generation = summary.generation
            #expect(summary.documents == 5 + n)
            #expect(summary.segments <= 8, "run \(n): \(summary.segments) segments")
            merged += summary.merged
            let manifest = try Manifest.read(directory: box.index)
            #expect(manifest.segments.count == summary.segments)
            #expect(manifest.segments.count <= 8)
            #expect(box.indexFiles() == manifest.referencedFiles.union(["write.lock"]), "run \(n): leftover files")
        }
        #expect(merged > 0, "twelve one-document segments must have triggered a merge")

        let reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 17)
        #expect(reader.segments.count <= 8)
        try reader.verify()
        #expect(try IndexProbe.liveIDs(reader).sorted() == ((try Fixtures.names) + texts.keys).sorted())
        for (id, text) in texts {
            #expect(try reader.document(id: id)?.text == text)
            let n = id.dropFirst("added/doc".count).dropLast(4)
            #expect(try IndexProbe.documents(containing: "mkr\(n)q", in: reader) == [id])
        }
        for name in try Fixtures.names {
            #expect(Array(try #require(try reader.document(id: name)).text.utf8) == (try Fixtures.bytes(name)))
        }
        #expect(try IndexProbe.documents(containing: "知识产权质押融资登记", in: reader).count == 12)

        // Merged documents keep their change-detection data: nothing is re-read.
        let again = try box.run()
        #expect(again.unchanged == 17 && !again.committed && again.bytes == 0)
    }

    /// Updating the same document many times leaves one live version and drops mostly-deleted segments.
    @Test func repeatedUpdatesOfOneDocument() throws {
        let box = try Sandbox("updates")
        try box.run()
        for n in 1...10 {
            try box.write("hot.txt", "热点文件第\(n)版" + String(repeating: "内容", count: n) + " ver\(n)z\n")
            let s = try box.run()
            #expect(s.added + s.updated == 1)
            #expect(s.documents == 6)
        }
        let reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 6)
        #expect(try IndexProbe.liveIDs(reader).filter { $0 == "hot.txt" }.count == 1)
        #expect(try IndexProbe.documents(containing: "ver10z", in: reader) == ["hot.txt"])
        #expect(try IndexProbe.documents(containing: "ver9z", in: reader).isEmpty)
        #expect(reader.segments.count <= 8)
        for s in reader.segments { #expect(s.meta.deleted * 2 <= s.meta.documents, "\(s.meta.name) is mostly deleted") }
    }

    /// Removing every document commits an empty index.
    @Test func removeEverything() throws {
        let box = try Sandbox("remove-all")
        try box.run()
        for name in try Fixtures.names { try box.remove(name) }
        let s = try box.run()
        #expect(s.removed == 5 && s.committed && s.documents == 0)
        let reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 0)
        #expect(box.indexFiles() == ["manifest.json", "write.lock"])
    }
    /// A tiny flush limit writes one segment per document within a run; the merge policy still
    /// bounds the segment count, and nothing is lost.
    @Test(arguments: [8, 3])
    func flushingEveryDocumentStillBoundsSegments(_ maxSegments: Int) throws {
        let box = try Sandbox("flush-\(maxSegments)")
        for n in 1...10 { try box.write("small/\(n).txt", "小文件第\(n)号 fl\(n)x 商业秘密保护。\n") }
        let s = try box.run { o in
            o.flushBytes = 1
            o.maxSegments = maxSegments
            o.mergeAll = false  // the merge policy, not one merge of everything
        }
        #expect(s.added == 15 && s.documents == 15)
        #expect(s.merged > 0)
        #expect(s.segments <= maxSegments, "\(s.segments) segments")
        let reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 15)
        try reader.verify()
        for n in 1...10 { #expect(try IndexProbe.documents(containing: "fl\(n)x", in: reader) == ["small/\(n).txt"]) }
        for name in try Fixtures.names {
            #expect(Array(try #require(try reader.document(id: name)).text.utf8) == (try Fixtures.bytes(name)))
        }
        let manifest = try Manifest.read(directory: box.index)
        #expect(box.indexFiles() == manifest.referencedFiles.union(["write.lock"]))
    }
}
