import Foundation
import IPSearchTestSupport
import Testing

/// `ipsearch` as a user runs it: the built executable over a copy of the corpus, its text output
/// checked against its own `--json` answer, its exit statuses, colour and terminal handling.
@Suite struct CommandTests {
    /// The text output lists the same hits, in the same order, as `--json`, and counts the same total.
    @Test func textOutputMatchesJSON() throws {
        let w = try Workspace.shared()
        let text = try w.search(["知识产权"])
        let json = try Workspace.json(try w.search(["--json", "知识产权"]))
        #expect(text.status == 0, "stderr: \(text.stderr)")
        let total = try #require(json["total"] as? Int)
        let hits = try #require(json["hits"] as? [[String: Any]])
        #expect(total >= 2 && !hits.isEmpty)
        let lines = text.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("\(total) document") == true, "\(lines.first ?? "")")
        for (k, hit) in hits.enumerated() {
            let id = try #require(hit["id"] as? String), title = try #require(hit["title"] as? String)
            let numbered = try #require(lines.firstIndex(of: "\(k + 1). \(title)"), "no line \(k + 1). \(title) in\n\(text.stdout)")
            #expect(lines[numbered + 1].hasPrefix("   \(id)"), "\(lines[numbered + 1])")
        }
        #expect(!hasEscape(text.stdout), "escape sequences in output to a file")
    }

    /// `ipsearch <words>` without options (run without ArgumentParser, `CommandLineSearch.plain`)
    /// prints what `ipsearch search <words>` prints over `Index/` and `Corpus/` of the working
    /// directory, with the same exit status: hits, two parts, no hits, a bad query.
    @Test func plainQueryRunsAsTheSearchCommand() throws {
        let w = try Workspace.shared()
        let cwd = try TempDirectory("command-plain")
        #expect(symlink(w.index, cwd.path + "/Index") == 0 && symlink(w.corpus, cwd.path + "/Corpus") == 0)
        // The header line ends with the search's time, which differs from run to run.
        func withoutTime(_ s: String) -> String {
            s.replacingOccurrences(of: #"\([0-9.]+ ms\)"#, with: "(time)", options: .regularExpression)
        }
        for words in [["专利"], ["国知局"], ["知识产权", "浙江"], ["犀鸟琉璃盏"], ["!!!"]] {
            let plain = try ChildProcess.run(w.ipsearch, words, outputDirectory: cwd.path, environment: ["NO_COLOR": "1"],
                                             currentDirectory: cwd.path)
            let parsed = try ChildProcess.run(w.ipsearch, ["search"] + words, outputDirectory: cwd.path,
                                              environment: ["NO_COLOR": "1"], currentDirectory: cwd.path)
            #expect(plain.status == parsed.status, "\(words): \(plain.status) against \(parsed.status)")
            #expect(withoutTime(plain.stdout) == withoutTime(parsed.stdout), "\(words)")
            #expect(plain.stderr == parsed.stderr, "\(words)")
        }
    }

    /// 0 with hits, 1 with none (said on stderr), 2 for a bad query, a missing index or bad usage.
    @Test func exitStatuses() throws {
        let w = try Workspace.shared()
        #expect(try w.search(["专利"]).status == 0)
        let none = try w.search(["犀鸟琉璃盏"])
        #expect(none.status == 1, "stderr: \(none.stderr)")
        #expect(none.stdout.isEmpty && none.stderr.contains("No documents match"), "\(none.stderr)")
        let bad = try w.search(["!!!"])
        #expect(bad.status == 2 && bad.stderr.hasPrefix("ipsearch: error: "), "\(bad.status) \(bad.stderr)")
        let usage = try w.run(["search", "--index", w.index, "--limit", "ten", "专利"])
        #expect(usage.status == 2 && usage.stderr.contains("--limit"), "\(usage.status) \(usage.stderr)")
        let missing = try w.run(["stats", "--index", w.root.path + "/nowhere"])
        #expect(missing.status == 2 && missing.stderr.contains("ipsearch: error: "), "\(missing.status) \(missing.stderr)")
        // An unknown option is a mistake, not query text; after `--` it is text.
        let unknown = try w.run(["search", "--index", w.index, "--no-such-option", "专利"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown option --no-such-option"), "\(unknown.status) \(unknown.stderr)")
        let asText = try w.run(["search", "--index", w.index, "--json", "--", "--force", "专利"])
        #expect(asText.status != 2, "\(asText.status) \(asText.stderr)")
    }

    /// The first search builds the index (and says so); a later change to the corpus gets a note.
    @Test func firstUseIndexesAndAStaleIndexIsNoted() throws {
        let w = try Workspace("first-use", indexed: false)
        let first = try w.search(["专利"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stderr.contains("no index in \(w.index)"), "stderr: \(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: w.index + "/manifest.json"))
        let stats = try Workspace.json(try w.run(["stats", "--json", "--index", w.index]))
        #expect(stats["documents"] as? Int == Repository.corpusDocumentCount)

        let fresh = try w.search(["专利"])
        #expect(fresh.status == 0 && !fresh.stderr.contains("note"), "stderr: \(fresh.stderr)")

        try writeText("新增的新闻稿：犀鸟琉璃盏。\n", to: w.corpus + "/new.txt")
        let stale = try w.search(["专利"])
        #expect(stale.status == 0)
        #expect(stale.stderr.contains("note") && stale.stderr.contains("ipsearch index"), "stderr: \(stale.stderr)")
        // The note does not index: the new document is found only after `ipsearch index`.
        #expect(try w.search(["犀鸟琉璃盏"]).status == 1)
        #expect(try w.run(["index", "--corpus", w.corpus, "--index", w.index, "--quiet"]).status == 0)
        let after = try w.search(["犀鸟琉璃盏"])
        #expect(after.status == 0 && !after.stderr.contains("note"), "stderr: \(after.stderr)")
    }

    /// `show` prints the stored text under a header whose copy and spam lines agree with `--json`,
    /// and the counts over all documents agree with `stats --json`.
    @Test func showAgreesWithItsJSONAndWithStats() throws {
        let w = try Workspace.shared()
        let stats = try Workspace.json(try w.run(["stats", "--json", "--index", w.index]))
        var spamSpans = 0, documentsWithSpam = 0, documentsWithCopies = 0
        for name in try Repository.corpusNames() {
            let text = try w.run(["show", "--index", w.index, name])
            #expect(text.status == 0, "stderr: \(text.stderr)")
            let json = try Workspace.json(try w.run(["show", "--json", "--index", w.index, name]))
            #expect(json["id"] as? String == name)
            let body = try #require(json["text"] as? String)
            #expect(text.stdout.hasSuffix(body.hasSuffix("\n") ? body : body + "\n"))
            let header = String(text.stdout.dropLast(body.count)).split(separator: "\n").map(String.init)
            #expect(header.first == json["title"] as? String)

            let copies = try #require(json["copies"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(header.filter { $0.hasPrefix("copy: ") }.map { String($0.dropFirst(6).prefix { $0 != " " }) } == copies)
            if !copies.isEmpty { documentsWithCopies += 1 }
            let spam = try #require(json["spam_removed"] as? Int)
            let spamLine = header.first { $0.hasPrefix("injected spam removed") }
            #expect((spamLine != nil) == (spam > 0), "\(name): \(header)")
            if spam > 0 {
                #expect(spamLine?.contains(": \(spam) span") == true, "\(spamLine ?? "")")
                spamSpans += spam
                documentsWithSpam += 1
            }
        }
        #expect(stats["spam_spans_removed"] as? Int == spamSpans)
        #expect(stats["documents_with_spam"] as? Int == documentsWithSpam)
        #expect(spamSpans > 0, "the corpus has injected spam (002)")
        #expect(stats["documents_in_groups"] as? Int == documentsWithCopies)
        let missing = try w.run(["show", "--index", w.index, "nope.txt"])
        #expect(missing.status == 2 && missing.stderr.contains("no document with id nope.txt"), "\(missing.stderr)")
    }

    /// A republished copy (003 relaid: other line breaks and spaces) is listed by `show` on both
    /// documents, counted by `stats`, and folded into one hit (with the copies counted) by a search.
    @Test func showListsCopies() throws {
        let w = try Workspace("copies", indexed: false)
        let original = try Repository.corpusName("003")
        let relaid = try readText(w.corpus + "/" + original).replacingOccurrences(of: "，", with: ", ")
            .replacingOccurrences(of: "。", with: "。\n\n")
        try writeText(relaid, to: w.corpus + "/again/003-copy.txt")
        #expect(try w.run(["index", "--corpus", w.corpus, "--index", w.index, "--quiet"]).status == 0)
        let stats = try Workspace.json(try w.run(["stats", "--json", "--index", w.index]))
        #expect(stats["groups_with_copies"] as? Int == 1 && stats["documents_in_groups"] as? Int == 2, "\(stats)")
        for (id, other) in [(original, "again/003-copy.txt"), ("again/003-copy.txt", original)] {
            let shown = try w.run(["show", "--index", w.index, id])
            #expect(shown.status == 0, "stderr: \(shown.stderr)")
            let copyLines = shown.stdout.split(separator: "\n").filter { $0.hasPrefix("copy: ") }
            #expect(copyLines.count == 1 && copyLines.first?.hasPrefix("copy: \(other)") == true, "\(id): \(copyLines)")
        }
        let title = try #require(Workspace.json(try w.run(["show", "--json", "--index", w.index, original]))["title"] as? String)
        let hit = try Workspace.json(try w.search(["--json", "--", "\"" + title + "\""]))
        #expect((hit["hits"] as? [[String: Any]])?.count == 1, "\(hit)")
    }

    /// `stats` in text says what `stats --json` says.
    @Test func statsTextAndJSON() throws {
        let w = try Workspace.shared()
        let json = try Workspace.json(try w.run(["stats", "--json", "--index", w.index]))
        let documents = try #require(json["documents"] as? Int), generation = try #require(json["generation"] as? Int)
        let segments = try #require(json["segments"] as? Int)
        #expect(documents == Repository.corpusDocumentCount)
        let text = try w.run(["stats", "--check", "--index", w.index])
        #expect(text.status == 0, "stderr: \(text.stderr)")
        #expect(text.stdout.contains("(generation \(generation), committed "), "\(text.stdout)")
        #expect(text.stdout.contains("documents:    \(documents) live"), "\(text.stdout)")
        #expect(text.stdout.contains("over \(segments) segment"), "\(text.stdout)")
        #expect(text.stdout.contains("checksums:    all files verified"), "\(text.stdout)")
    }

    /// `--facets` counts by year, month and source; each list sums to at most the total.
    @Test func facets() throws {
        let w = try Workspace.shared()
        let r = try w.search(["--facets", "知识产权"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let total = try #require(Workspace.json(try w.search(["--json", "知识产权"]))["total"] as? Int)
        for label in ["By year:", "By month:", "By source:"] {
            let line = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix(label) }, "no \(label) line in\n\(r.stdout)")
            let counts = line.dropFirst(label.count).split(separator: "·").compactMap { Int($0.split(separator: " ").last ?? "") }
            #expect(!counts.isEmpty && counts.reduce(0, +) <= total, "\(line)")
        }
    }

    /// `--timeline` draws `#` bars when the output is not a terminal, block characters on one,
    /// and `#` again on a terminal with NO_COLOR.
    @Test func timelineIsASCIIUnlessOnATerminal() throws {
        let w = try Workspace.shared()
        let plain = Set(try w.search(["知识产权"]).stdout.split(separator: "\n").dropFirst())  // (the first has the time taken)
        let piped = try w.search(["--timeline", "知识产权"])
        #expect(piped.status == 0, "stderr: \(piped.stderr)")
        let chart = piped.stdout.split(separator: "\n").dropFirst().filter { !plain.contains($0) }
        #expect(chart.count >= 2 && chart.contains { $0.contains("#") }, "\(chart)")
        #expect(chart.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) }, "\(chart)")

        let search = ["search", "--index", w.index, "--corpus", w.corpus, "--timeline", "知识产权"]
        let terminal = try w.runOnTerminal(search, environment: ["NO_COLOR": nil])
        #expect(hasBlockElements(terminal.stdout), "\(terminal.stdout)")
        let noColor = try w.runOnTerminal(search, environment: ["NO_COLOR": "1"])
        #expect(!hasBlockElements(noColor.stdout) && noColor.stdout.contains("#"), "\(noColor.stdout)")
    }

    /// On a terminal, highlights are coloured unless NO_COLOR is set or `--color never`; into a
    /// file, only `--color always` colours.
    @Test func colourFollowsTheTerminalAndNO_COLOR() throws {
        let w = try Workspace.shared()
        let search = ["search", "--index", w.index, "--corpus", w.corpus, "知识产权"]
        #expect(hasEscape(try w.runOnTerminal(search, environment: ["NO_COLOR": nil]).stdout))
        #expect(!hasEscape(try w.runOnTerminal(search, environment: ["NO_COLOR": "1"]).stdout))
        #expect(!hasEscape(try w.runOnTerminal(search + ["--color", "never"], environment: ["NO_COLOR": nil]).stdout))
        #expect(!hasEscape(try w.search(["知识产权"], environment: ["NO_COLOR": nil]).stdout))
        #expect(hasEscape(try w.search(["--color", "always", "知识产权"]).stdout))
    }

    /// A bad `--since` is a usage error naming the option.
    @Test(arguments: ["yesterday", "2024-13", "2024-02-30", "-3d", "12x"])
    func badSinceIsExitTwoNamingTheOption(_ value: String) throws {
        let w = try Workspace.shared()
        let r = try w.search(["--since", value, "专利"])
        #expect(r.status == 2, "--since \(value): status \(r.status)")
        #expect(r.stderr.contains("--since"), "--since \(value): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
