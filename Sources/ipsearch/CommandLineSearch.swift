import ArgumentParser
import IPSearch
import IPSearchIndex
#if canImport(Glibc)
import Glibc
#endif

/// One command-line search, its settings as plain values: what `SearchCommand` parses, and what
/// `ipsearch <words>` runs without ArgumentParser when every argument is a query word (`plain`).
/// The properties' initial values are the options' defaults (`SearchCommand` declares its options
/// with them).
struct CommandLineSearch {
    var index = "Index"
    var corpus = "Corpus"
    var words: [String] = []
    var limit = 10
    var offset = 0
    var json = false
    var color = ColorMode.auto
    var explain = false
    var snippetLength = 80
    var snippets = 2
    var since: String?
    var until: String?
    var sources: [String] = []
    var sort: String?
    var facets = false
    var timeline = false
    var noExpand = false
    var allCopies = false

    static let defaults = CommandLineSearch()

    /// `ipsearch <words>` with every setting at its default, when no argument is an option (none
    /// starts with `-`), the first is no subcommand's name, and every one is valid UTF-8; nil
    /// otherwise (ArgumentParser then parses the arguments, and reports what is wrong).
    ///
    /// Why: parsing with ArgumentParser is about a quarter of a cold command-line search, most of
    /// it the Swift runtime's first lookups of the command tree's generic types and conformances.
    static func plain(_ arguments: [String]) -> CommandLineSearch? {
        guard let first = arguments.first, !arguments.contains(where: { $0.hasPrefix("-") }) else { return nil }
        let names = IPSearchCommand.configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]
        guard !names.contains(first), SearchCommand.invalidUTF8Argument(in: arguments) == nil else { return nil }
        var search = CommandLineSearch()
        search.words = arguments
        return search
    }

    func run() throws {
        let text = words.joined(separator: " ")
        try ensureIndex()
        let service = SearchService(indexDirectory: index, corpusDirectory: corpus)
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
            try SearchRequest(since: since, until: until, sources: sources, sort: sort)
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
            print(result, color: color.enabled(for: .standardOutput))
        }
        if result.total == 0 { throw ExitCode(1) }
    }

    /// First use, or an index of an older format: build the index. Stale index: say so.
    private func ensureIndex() throws {
        let outcome: IndexMaintenance.Outcome
        do {
            outcome = try IndexMaintenance.ensure(corpus: corpus, index: index) { reason in
                switch reason {
                case .noIndex:
                    FileHandle.standardError.write("ipsearch: note: no index in \(index) yet; building it from \(corpus)…\n")
                case .olderFormat(let found, let supported):
                    FileHandle.standardError.write("ipsearch: note: an older ipsearch wrote the index in \(index) (format \(found); this one reads \(supported)); rebuilding it from \(corpus)…\n")
                }
            }
        } catch {
            throw CLIError(error.description)
        }
        switch outcome {
        case .current:
            break
        case .stale:
            FileHandle.standardError.write("ipsearch: note: files in \(corpus) changed after the index was built; run `ipsearch index` to update it\n")
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
                unicode: Timeline.unicode(isTerminal: tty, colorNever: self.color == .never, environment: env))
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
