import Foundation
import Testing
import IPSearchAnalysis
@testable import IPSearch

/// Proximity, order, most-should-match and the reading of pasted text.
@Suite struct RankingTests {
    let analyzer = try! Analyzer()

    @Test func adjacentPartsInQueryOrderRankFirst() throws {
        // Same words, same counts, same lengths: only where they stand differs.
        // One headline for all three, so every match is in the body.
        let headline = "本市召开年度工作会议部署各项任务\n"
        let fixture = try Fixture(files: [
            "apart.txt": headline + "专利转化。今天天气很好，我们一起去公园散步。运用推广。",
            "reversed.txt": headline + "运用推广。今天天气很好，我们一起去公园散步。专利转化。",
            "adjacent.txt": headline + "专利转化运用推广。今天天气很好，我们一起去公园散步。",
        ])
        let result = try fixture.search("专利转化 运用推广", explain: true)
        #expect(result.hits.map(\.id) == ["adjacent.txt", "apart.txt", "reversed.txt"])
        let top = try #require(result.hits.first?.explanation)
        #expect(top.sequenceBonus > 0)
        #expect(top.proximity.first?.distance == 0)
        #expect(top.proximity.first?.inOrder == true)
        let reversed = try #require(result.hits.last?.explanation)
        #expect(reversed.proximity.first?.inOrder == false)
        // Without proximity the three would tie on BM25 alone.
        let bm25 = Set(result.hits.map { $0.explanation!.parts.reduce(0) { $0 + $1.score } })
        #expect(bm25.count == 1)
    }

    @Test func hyphensThatAreNotExclusionsAreText() throws {
        let q1 = try Query.parse("显示机器的体系结构（等价于 uname -m）", analyzer: analyzer)
        #expect(q1.excluded.isEmpty)
        #expect(q1.positiveParts.map(\.displayText) == ["显示机器的体系结构(等价于", "uname", "-m)"])  // punctuation is text
        let q2 = try Query.parse("Layer-1, -2, -3", analyzer: analyzer)
        #expect(q2.excluded.isEmpty)
        let q3 = try Query.parse("2023-2025 -北京 -\"deep seek\" -deepseek", analyzer: analyzer)
        #expect(q3.excluded.map(\.displayText) == ["北京", "deep seek", "deepseek"])
        #expect(q3.positiveParts.map(\.displayText) == ["2023-2025"])
    }

    @Test func pastedCommandLineFindsItsSource() throws {
        let fixture = try Fixture(files: [
            "uname.txt": "常用命令\n显示机器的体系结构（等价于 uname -m）\n显示内核版本",
            "other.txt": "机器学习的体系结构。显示器。",
            "third.txt": "等价于什么？",
        ])
        let result = try fixture.search("显示机器的体系结构（等价于 uname -m）")
        #expect(result.hits.first?.id == "uname.txt")
        #expect(!result.partial)
        let layers = try Fixture(files: ["a.txt": "Layer-1, -2, -3 的协议栈", "b.txt": "layer 的定义"])
        #expect(try layers.search("Layer-1, -2, -3").hits.first?.id == "a.txt")
    }

    @Test func aPastedTwentyPieceLineFindsItsSourceFirst() throws {
        let fixture = try Fixture.pressReleases()
        let text = try String(contentsOf: Self.corpus.appendingPathComponent("004_9aef3166641af20f.txt"), encoding: .utf8)
        // A long body line of 004, cut into 20 space-separated pieces as a careless paste would be.
        let line = try #require(text.split(separator: "\n").map(String.init).filter { $0.count > 120 }.first)
        let chars = Array(line.prefix(120))
        var pieces: [String] = []
        for k in 0..<20 { pieces.append(String(chars[(k * 6)..<(k * 6 + 6)])) }
        let query = pieces.joined(separator: " ")
        let parsed = try Query.parse(query, analyzer: analyzer)
        #expect(parsed.groups.count >= 15)  // (pieces that are only punctuation drop out)
        let result = try fixture.search(query)
        #expect(result.hits.first?.id == "004_9aef3166641af20f.txt")
        #expect(result.reading.mode == "most")
    }

    @Test func longQueriesAreAccepted() throws {
        let fixture = try Fixture.pressReleases()
        let query = Array(repeating: "知识产权 专利", count: 60).joined(separator: " ")
        let result = try fixture.search(query)
        #expect(result.total > 0)
    }

    @Test func aQueryThatIsTheWholeTitleWinsOverMentions() throws {
        // The manual-page case of the relevance benchmark: a short numbered title.
        let fixture = try Fixture(files: [
            "clone.txt": "3.12. 克隆\n3.12. 克隆\n用画笔工具从图像复制内容。按住 Ctrl 选择来源。\n",
            "perspective.txt": "3.14. 透视克隆\n3.14. 透视克隆\n透视克隆工具先设置透视，再像克隆工具一样克隆。克隆时保持透视。\n",
            "intro.txt": "工具箱介绍总览页面\n克隆工具、透视克隆工具和修复工具都能复制图像。克隆很常用，克隆也很简单。\n",
        ])
        let result = try fixture.search("克隆", explain: true)
        #expect(result.hits.first?.id == "clone.txt")
        #expect(result.hits.first?.title.hasSuffix("克隆") == true)
        let e = try #require(result.hits.first?.explanation)
        #expect(e.titleCoverage == 1)
        #expect(e.titleBonus > 0)
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus")
}
