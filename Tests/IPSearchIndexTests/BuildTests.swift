import Foundation
import IPSearchTestSupport
import Testing
import IPSearchAnalysis
@testable import IPSearchIndex
#if canImport(Glibc)
import Glibc
#endif

@Suite struct BuildTests {
    @Test func indexesTheFiveCorpusDocuments() throws {
        let box = try Sandbox("build")
        let summary = try box.run()
        #expect(summary.added == 5)
        #expect(summary.updated == 0 && summary.removed == 0 && summary.unchanged == 0)
        #expect(summary.skipped.isEmpty)
        #expect(summary.committed)
        #expect(summary.generation == 1)
        #expect(summary.documents == 5)
        #expect(try summary.bytes == Fixtures.names.reduce(0) { $0 + (try Fixtures.bytes($1)).count })

        let reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 5)
        #expect(reader.generation == 1)
        #expect(reader.averageWordCount > 100)
        #expect(try IndexProbe.liveIDs(reader).sorted() == (try Fixtures.names))
        for name in try Fixtures.names {
            let doc = try #require(try reader.document(id: name), "\(name) not in the index")
            #expect(doc.id == name)
            // Exactly the file's bytes (compared as UTF-8: String == would ignore normalization).
            #expect(Array(doc.text.utf8) == (try Fixtures.bytes(name)), "\(name): stored text differs from the file")
            #expect(doc.encoding == "UTF-8")
        }
        try reader.verify()
    }

    /// A phrase from each document finds it through the term dictionary and postings.
    @Test func documentsAreFindable() throws {
        let box = try Sandbox("findable")
        try box.run()
        let reader = try IndexReader(directory: box.index)
        let phrases: [(String, String)] = [
            ("000", "衡付"), ("001", "两张卷"), ("002", "申長雨"), ("003", "專利轉化運用在行動"),
            ("004", "全省知识产权保护和发展大会"),
        ]
        for (prefix, phrase) in phrases {
            let found = try IndexProbe.documents(containing: phrase, in: reader)
            #expect(found.contains(try Fixtures.name(prefix)), "\(phrase) should find \(prefix): found \(found.sorted())")
        }
        // A phrase in no document finds nothing; one in every document finds all five.
        #expect(try IndexProbe.documents(containing: "量子计算机芯片", in: reader).isEmpty)
        #expect(try IndexProbe.documents(containing: "知识产权", in: reader).count == 5)
    }

    @Test func idsAreRelativePathsAndOnlyDocumentsAreIndexed() throws {
        let box = try Sandbox("ids", copyCorpus: false)
        let text004 = try Fixtures.bytes(Fixtures.name("004"))
        let text001 = try Fixtures.bytes(Fixtures.name("001"))
        try box.write("top.txt", text004)
        try box.write("sub dir/中文 名.txt", text001)
        try box.write("a/b/c/deep.txt", "深层目录里的新闻稿,知识产权保护。")
        try box.write("notes/readme.md", "# 标题\n\nMarkdown 文件也被索引:商标注册 mdq7。\n")
        try box.write("UPPER.TXT", "大写扩展名的文件,地理标志。")
        // An HTML page is indexed as its visible text.
        try box.write("page.html", "<html><head><title>网页标题</title><script>var x = '脚本';</script></head><body><p>专利</p></body></html>")
        // Not documents (settings files at the top of the corpus included):
        try box.write("synonyms.txt", "国知局, 国家知识产权局\n")
        try box.write("spam-keywords.txt", "# 无\n")
        try box.write("data.json", "{\"a\": \"专利\"}")
        try box.write("noextension", "专利")
        try box.write("archive.txt.bak", "专利")
        try box.write(".hidden.txt", "隐藏文件不应被索引。")
        try box.write(".git/objects.txt", "隐藏目录不应被索引。")

        let summary = try box.run()
        #expect(summary.skipped.isEmpty)
        let expectedIDs = ["UPPER.TXT", "a/b/c/deep.txt", "notes/readme.md", "page.html", "sub dir/中文 名.txt", "top.txt"]
        #expect(summary.added == expectedIDs.count)

        let reader = try IndexReader(directory: box.index)
        #expect(try IndexProbe.liveIDs(reader).sorted() == expectedIDs)
        let chinese = try #require(try reader.document(id: "sub dir/中文 名.txt"))
        #expect(Array(chinese.text.utf8) == text001)
        #expect(chinese.title == "答好“两张卷” 奋进新征程")
        let md = try #require(try reader.document(id: "notes/readme.md"))
        #expect(md.text == "# 标题\n\nMarkdown 文件也被索引:商标注册 mdq7。\n")
        #expect(try IndexProbe.documents(containing: "mdq7", in: reader) == ["notes/readme.md"])
        #expect(try IndexProbe.documents(containing: "两张卷", in: reader) == ["sub dir/中文 名.txt"])
        let page = try #require(try reader.document(id: "page.html"))
        #expect(page.text.contains("专利") && !page.text.contains("脚本") && !page.text.contains("<p>"))
        #expect(page.title == "网页标题")
        #expect(try reader.document(id: "synonyms.txt") == nil)
        #expect(try reader.document(id: ".hidden.txt") == nil)

        // The scan agrees.
        #expect(try Corpus.scan(box.corpus).map(\.id) == expectedIDs)
    }

    /// A GB18030 file is decoded and stored as the same text as its UTF-8 original.
    @Test func gb18030File() throws {
        let box = try Sandbox("gb18030", copyCorpus: false)
        for prefix in ["002", "004"] {
            let name = try Fixtures.name(prefix)
            let text = try Fixtures.text(name)
            let gb = try #require(TextDecoder.encode(text, as: "GB18030"))
            #expect(gb != (try Fixtures.bytes(name)))
            try box.write("gb/" + name, gb)
            try box.write("utf8/" + name, Fixtures.bytes(name))
        }
        let summary = try box.run()
        #expect(summary.skipped.isEmpty)
        #expect(summary.added == 4)
        let reader = try IndexReader(directory: box.index)
        for prefix in ["002", "004"] {
            let name = try Fixtures.name(prefix)
            let gb = try #require(try reader.document(id: "gb/" + name))
            let utf8 = try #require(try reader.document(id: "utf8/" + name))
            #expect(gb.encoding == "GB18030")
            #expect(Array(gb.text.utf8) == (try Fixtures.bytes(name)))
            #expect(gb.title == utf8.title)
            #expect(gb.date == utf8.date)
        }
        let found = try IndexProbe.documents(containing: "全省知识产权保护和发展大会", in: reader)
        #expect(found == ["gb/" + (try Fixtures.name("004")), "utf8/" + (try Fixtures.name("004"))])
    }

    /// Stored text is exactly the decoded file: CRLF, tabs, trailing spaces, emoji and a missing final
    /// newline survive.
    @Test func storedTextIsExact() throws {
        let box = try Sandbox("exact", copyCorpus: false)
        let text = "标题行:知识产权\r\n\t缩进  与尾随空格   \r\n表情🙂与组合字符 é (e + U+0301)\r\n没有结尾换行"
        try box.write("crlf.txt", text)
        try box.run()
        let reader = try IndexReader(directory: box.index)
        let doc = try #require(try reader.document(id: "crlf.txt"))
        #expect(Array(doc.text.utf8) == Array(text.utf8))
    }

    @Test func emptyCorpusCommitsAnEmptyIndex() throws {
        let box = try Sandbox("empty", copyCorpus: false)
        let summary = try box.run()
        #expect(summary.committed)
        #expect(summary.documents == 0)
        let reader = try IndexReader(directory: box.index)
        #expect(reader.documentCount == 0)
        #expect(reader.segments.isEmpty)
    }

    @Test func missingCorpusIsAnError() throws {
        let box = try Sandbox("nocorpus", copyCorpus: false)
        var options = box.options()
        options.corpus = box.root.path + "/does-not-exist"
        #expect {
            _ = try Indexer.run(options)
        } throws: { error in
            guard let e = error as? IndexError, case .corpusUnreadable = e else { return false }
            return true
        }
        #expect(!FileManager.default.fileExists(atPath: box.index + "/manifest.json"))
    }

    @Test func readerWithoutIndex() throws {
        let box = try Sandbox("noindex", copyCorpus: false)
        #expect(throws: IndexError.noIndex(directory: box.index)) { _ = try IndexReader(directory: box.index) }
    }
    /// Links are followed only to files inside the corpus (the id is the link's path); a link to a file
    /// outside, to a directory (no cycles) or to nothing is listed as skipped (CorpusWalkTests has more).
    @Test func symbolicLinks() throws {
        let box = try Sandbox("symlinks", copyCorpus: false)
        let outside = try TempDirectory("symlink-target")
        let target = outside.path + "/target.txt"
        try Data("链接指向的文件:集成电路 lnk5q。\n".utf8).write(to: URL(fileURLWithPath: target))
        try box.write("real/a.txt", "真实文件。\n")
        try FileManager.default.createSymbolicLink(atPath: box.path("link.txt"), withDestinationPath: target)
        try FileManager.default.createSymbolicLink(atPath: box.path("loop"), withDestinationPath: box.corpus)
        try FileManager.default.createSymbolicLink(atPath: box.path("dangling.txt"), withDestinationPath: outside.path + "/missing.txt")
        try FileManager.default.createSymbolicLink(atPath: box.path("inside.txt"), withDestinationPath: box.path("real/a.txt"))
        let s = try box.run()
        #expect(s.added == 2)
        #expect(Set(s.skipped.map(\.id)) == ["link.txt", "loop", "dangling.txt"])
        let reader = try IndexReader(directory: box.index)
        #expect(try IndexProbe.liveIDs(reader).sorted() == ["inside.txt", "real/a.txt"])
        #expect(try IndexProbe.documents(containing: "lnk5q", in: reader).isEmpty)
    }

    /// File names that are not UTF-8 (GBK names from a Windows archive are common in Chinese
    /// corpora) must not vanish silently: the file is indexed, or at least reported as skipped.
    @Test func nonUTF8FileNameIsNotSilentlyIgnored() throws {
        let box = try Sandbox("gbk-name", copyCorpus: false)
        try box.write("plain.txt", "普通文件。\n")
        // "中文.txt" with the name in GBK: D6 D0 CE C4.
        let name: [UInt8] = [0xD6, 0xD0, 0xCE, 0xC4] + Array(".txt".utf8)
        let path = Array(box.corpus.utf8) + [UInt8(ascii: "/")] + name + [0]
        let fd = path.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        }
        try #require(fd >= 0)
        let content = Array("文件名不是UTF-8的新闻稿 gbkn4。\n".utf8)
        #expect(write(fd, content, content.count) == content.count)
        close(fd)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: box.corpus)) ?? []).count == 2)

        let s = try box.run()
        print("non-UTF-8 name: added \(s.added), skipped \(s.skipped)")
        #expect(s.added + s.skipped.count == 2, "a file with a non-UTF-8 name was neither indexed nor reported")
    }
}
