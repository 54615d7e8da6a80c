import ArgumentParser
import IPSearch
import IPSearchIndex
import IPSearchServer
#if canImport(Glibc)
import Glibc
#endif

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the corpus (the default subcommand: `ipsearch 地理标志`)."
    )

    @OptionGroup var location: LocationOptions

    // (`.unconditional`: `--limit -1` is a value out of range, not a missing value.)
    @Option(parsing: .unconditional, help: "Number of hits to show.")
    var limit: Int = 10

    @Option(parsing: .unconditional, help: "Number of hits to skip (for paging; at most \(SearchOptions.maxOffset)).")
    var offset: Int = 0

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    @Option(help: "Colour highlights: auto, always or never (auto honours NO_COLOR).")
    var color: String = "auto"

    @Flag(help: "Show the BM25 factors of each hit's score.")
    var explain = false

    @Option(name: .customLong("snippet-length"), parsing: .unconditional, help: "Characters per snippet window.")
    var snippetLength: Int = 80

    @Option(parsing: .unconditional, help: "Snippet windows per hit.")
    var snippets: Int = 2

    @Option(help: "Only documents dated on or after D (YYYY, YYYY-MM, YYYY-MM-DD, or 30d, 12m, 2y back from today).")
    var since: String?

    @Option(help: "Only documents dated on or before D (YYYY, YYYY-MM, YYYY-MM-DD, or 30d, 12m, 2y).")
    var until: String?

    @Option(help: "Only documents from this outlet (repeatable; 中國網 = 中国网).")
    var source: [String] = []

    @Option(help: "relevance (default), newest or oldest.")
    var sort: String?

    @Flag(help: "Count the matches by year, month and source.")
    var facets = false

    @Flag(help: "Draw a bar chart of the matches per year (per month when they span two years or less).")
    var timeline = false

    @Flag(name: .customLong("no-expand"), help: "No pinyin readings, synonyms or \"did you mean\".")
    var noExpand = false

    @Flag(name: .customLong("all-copies"), help: "Show every copy of a republished release as its own hit.")
    var allCopies = false

    @Argument(parsing: .allUnrecognized, help: "The query (see `ipsearch --help` for the syntax).")
    var query: [String] = []

    func validate() throws {
        func check(_ value: Int, in range: ClosedRange<Int>, _ option: String) throws {
            guard range.contains(value) else { throw ValidationError("\(option) must be between \(range.lowerBound) and \(range.upperBound)") }
        }
        try check(limit, in: RequestLimits.commandLineLimit, "--limit")
        try check(offset, in: RequestLimits.offset, "--offset")
        guard ColorMode(rawValue: color) != nil else { throw ValidationError("--color must be auto, always or never") }
        try check(snippetLength, in: RequestLimits.snippetLength, "--snippet-length")
        try check(snippets, in: RequestLimits.snippetCount, "--snippets")
        // An option this command does not know is a mistake, not query text (before `--` only).
        let options = query.firstIndex(of: "--").map { Array(query[..<$0]) } ?? query
        if let unknown = options.first(where: { $0.hasPrefix("--") && $0.dropFirst(2).first?.isLetter == true }) {
            let name = unknown.split(separator: "=", maxSplits: 1).first.map(String.init) ?? unknown
            throw ValidationError("unknown option \(name) (see `ipsearch search --help`; to search for text that starts with --, put -- before the query)")
        }
        if let bad = Self.invalidUTF8Argument(in: queryWords) {
            throw ValidationError("the query is not valid UTF-8 (argument \"\(bad)\"; U+FFFD marks the bad bytes): give it in UTF-8")
        }
    }

    /// The words of the query: `--` only ends the options (the first one; a later `--` is text).
    var queryWords: [String] {
        guard let end = query.firstIndex(of: "--") else { return query }
        var words = query
        words.remove(at: end)
        return words
    }

    /// A query word that came from a command-line argument that is not valid UTF-8 (Swift's
    /// `CommandLine.arguments` has replaced its bad bytes with U+FFFD), if any.
    static func invalidUTF8Argument(in words: [String]) -> String? {
        let suspects = Set(words.filter { $0.unicodeScalars.contains("\u{FFFD}") })
        guard !suspects.isEmpty else { return nil }
        for i in 0..<Int(CommandLine.argc) {
            guard let arg = CommandLine.unsafeArgv[i] else { continue }
            let bytes = UnsafeRawBufferPointer(start: arg, count: strlen(arg))
            guard String(validating: bytes, as: UTF8.self) == nil else { continue }
            let repaired = String(decoding: bytes, as: UTF8.self)
            if suspects.contains(repaired) { return repaired }
        }
        return nil
    }

    func run() throws {
        let text = queryWords.joined(separator: " ")
        try ensureIndex()
        let service = SearchService(indexDirectory: location.index, corpusDirectory: location.corpus)
        // Never released: the process exits right after printing, and unmapping the index is the
        // kernel's job; tearing the open segments down (100,000 documents' columns) took a fifth of
        // a cold search.
        KeptUntilExit.objects.append(service)
        var options = SearchOptions(limit: limit, offset: offset,
                                    snippets: SnippetOptions(length: snippetLength, count: snippets), explain: explain)
        options.facets = facets
        options.timeline = timeline
        options.expand = !noExpand
        options.collapse = !allCopies
        do {
            try SearchRequest(since: since, until: until, sources: source, sort: sort)
                .apply(to: &options, spelling: .commandLine, today: SearchRequest.today)
        } catch {
            throw ValidationError(error.description)
        }
        let result: SearchResult
        do { result = try service.search(text, options: options) } catch { throw CLIError(error.description) }
        if json {
            FileHandle.standardOutput.write(try SearchResponse(result).jsonData())
            FileHandle.standardOutput.write("\n")
        } else {
            print(result, color: ColorMode(rawValue: color)!.enabled(for: .standardOutput))
        }
        if result.total == 0 { throw ExitCode(1) }
    }

    /// First use, or an index of an older format: build the index. Stale index: say so.
    private func ensureIndex() throws {
        let outcome: IndexMaintenance.Outcome
        do {
            outcome = try IndexMaintenance.ensure(corpus: location.corpus, index: location.index) { reason in
                switch reason {
                case .noIndex:
                    FileHandle.standardError.write("ipsearch: note: no index in \(location.index) yet; building it from \(location.corpus)…\n")
                case .olderFormat(let found, let supported):
                    FileHandle.standardError.write("ipsearch: note: an older ipsearch wrote the index in \(location.index) (format \(found); this one reads \(supported)); rebuilding it from \(location.corpus)…\n")
                }
            }
        } catch {
            throw CLIError(error.description)
        }
        switch outcome {
        case .current:
            break
        case .stale:
            FileHandle.standardError.write("ipsearch: note: files in \(location.corpus) changed after the index was built; run `ipsearch index` to update it\n")
        case .built(let summary):
            FileHandle.standardError.write("ipsearch: note: indexed \(summary.documents) documents in \(formatSeconds(summary.seconds))\n")
            for s in summary.skipped { FileHandle.standardError.write("ipsearch: skipped \(s.id): \(s.reason)\n") }
        }
    }

    private func print(_ result: SearchResult, color: Bool) {
        let out = FileHandle.standardOutput
        func style(_ s: String, _ code: String) -> String { color ? code + s + ANSI.reset : s }
        for w in result.warnings { FileHandle.standardError.write("ipsearch: warning: \(w)\n") }
        let suggestion = result.suggestions.first.map { "Did you mean: \($0.text)?" }
        if result.total == 0 {
            FileHandle.standardError.write("No documents match \(result.query).\n")
            if let suggestion { out.write(suggestion + "\n") }
            return
        }
        if let suggestion { out.write(style(suggestion, ANSI.bold) + "\n\n") }
        for e in result.expansions {
            let kind = e.kind == .pinyin ? "pinyin" : "synonym"
            out.write(style("Also searched for \(e.with.joined(separator: ", ")) (\(kind) of \(e.part)); --no-expand turns this off.", ANSI.dim) + "\n")
        }
        if !result.expansions.isEmpty { out.write("\n") }
        if result.partial {
            out.write(style("No document matches every part of the query; showing documents that match some parts (partial).", ANSI.dim) + "\n\n")
        }
        let last = result.offset + result.hits.count
        let copies = result.totalDocuments > result.total ? " (\(result.totalDocuments) with copies)" : ""
        out.write(style("\(result.total) document\(result.total == 1 ? "" : "s") match\(copies); showing \(result.hits.isEmpty ? 0 : result.offset + 1)–\(last) (\(formatMilliseconds(result.tookMilliseconds)))", ANSI.dim) + "\n\n")
        for (i, hit) in result.hits.enumerated() {
            out.write("\(result.offset + i + 1). " + style(hit.title, ANSI.bold) + "\n")
            var line = "   \(hit.id)"
            if let date = hit.date { line += " · \(date)" }
            if let source = hit.source { line += " · \(source)" }
            line += " · score \(formatScore(hit.score))"
            out.write(style(line, ANSI.dim) + "\n")
            for snippet in hit.snippets {
                out.write("   " + render(snippet, color: color) + "\n")
            }
            if !hit.copies.isEmpty {
                let list = hit.copies.map { c in [c.source ?? c.id, c.date].compactMap { $0 }.joined(separator: " ") }
                out.write(style("   also: " + list.joined(separator: ", "), ANSI.dim) + "\n")
            }
            if let e = hit.explanation {
                for line in explanationLines(e) { out.write(style("     " + line, ANSI.dim) + "\n") }
            }
            out.write("\n")
        }
        if let bars = result.timeline {
            let fd = FileHandle.standardOutput.fd
            let tty = isatty(fd) == 1
            var env: [String: String] = [:]
            for name in ["COLUMNS", "NO_COLOR"] { if let v = getenv(name) { env[name] = String(cString: v) } }
            let lines = TimelineChart.render(
                bars, width: Timeline.width(fd: fd, isTerminal: tty, environment: env),
                unicode: Timeline.unicode(isTerminal: tty, colorNever: ColorMode(rawValue: self.color) == .never, environment: env))
            out.write(lines.joined(separator: "\n") + "\n")
        }
        if let facets = result.facets {
            out.write(style("By year:", ANSI.bold) + " " + facets.years.map { "\($0.label) \($0.count)" }.joined(separator: " · ") + "\n")
            out.write(style("By month:", ANSI.bold) + " " + facets.months.map { "\($0.label) \($0.count)" }.joined(separator: " · ") + "\n")
            out.write(style("By source:", ANSI.bold) + " " + facets.sources.map { "\($0.label) \($0.count)" }.joined(separator: " · ") + "\n")
        }
    }

    /// Every factor of a hit's score, one line each.
    private func explanationLines(_ e: Explanation) -> [String] {
        var lines = ["matches \(e.matchedGroups) of \(e.groups) groups · score \(formatScore(e.score))"]
        for p in e.parts {
            lines.append("\(p.part): tf=\(p.tf) (title \(p.tfTitle), body \(p.tfBody), boilerplate \(p.tfBoilerplate)) weighted tf=\(formatScore(p.weightedTF)) df=\(p.df) N=\(p.documents) dl=\(p.documentLength) avgdl=\(formatScore(p.averageLength)) idf=\(formatScore(p.idf)) → \(formatScore(p.score))")
        }
        for q in e.proximity {
            let d = q.distance.map(String.init) ?? "–"
            lines.append("proximity \(q.first) → \(q.second): distance \(d), query gap \(q.gap)\(q.inOrder ? "" : " (reversed)") → \(formatScore(q.score))")
        }
        if e.sequenceBonus > 0 { lines.append("whole query in sequence → \(formatScore(e.sequenceBonus))") }
        if e.titleBonus > 0 { lines.append("covers \(Int((e.titleCoverage * 100).rounded()))% of the title → \(formatScore(e.titleBonus))") }
        return lines
    }

    private func render(_ snippet: Snippet, color: Bool) -> String {
        guard color else { return snippet.text }
        let scalars = Array(snippet.text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var k = 0
        for h in snippet.highlights {
            while k < h[0] { out.append(scalars[k]); k += 1 }
            out.append(contentsOf: ANSI.highlight.unicodeScalars)
            while k < h[1] { out.append(scalars[k]); k += 1 }
            out.append(contentsOf: ANSI.reset.unicodeScalars)
        }
        while k < scalars.count { out.append(scalars[k]); k += 1 }
        return String(out)
    }
}

func formatScore(_ v: Double) -> String {
    let r = (v * 1000).rounded() / 1000
    return String(r)
}

func formatMilliseconds(_ v: Double) -> String {
    v < 10 ? "\((v * 100).rounded() / 100) ms" : "\(Int(v.rounded())) ms"
}

func formatSeconds(_ v: Double) -> String {
    v < 10 ? "\((v * 100).rounded() / 100) s" : "\((v * 10).rounded() / 10) s"
}

/// Objects a command keeps until the process exits instead of releasing them (see `SearchCommand.run`).
enum KeptUntilExit {
    nonisolated(unsafe) static var objects: [AnyObject] = []
}
