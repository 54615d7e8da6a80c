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
    var limit: Int = CommandLineSearch.defaults.limit

    @Option(parsing: .unconditional, help: "Number of hits to skip (for paging; at most \(SearchOptions.maxOffset)).")
    var offset: Int = CommandLineSearch.defaults.offset

    @Flag(help: "Print one JSON document instead of text.")
    var json = CommandLineSearch.defaults.json

    @Option(help: "Colour highlights: auto, always or never (auto honours NO_COLOR).")
    var color: String = CommandLineSearch.defaults.color.rawValue

    @Flag(help: "Show the BM25 factors of each hit's score.")
    var explain = CommandLineSearch.defaults.explain

    @Option(name: .customLong("snippet-length"), parsing: .unconditional, help: "Characters per snippet window.")
    var snippetLength: Int = CommandLineSearch.defaults.snippetLength

    @Option(parsing: .unconditional, help: "Snippet windows per hit.")
    var snippets: Int = CommandLineSearch.defaults.snippets

    @Option(help: "Only documents dated on or after D (YYYY, YYYY-MM, YYYY-MM-DD, or 30d, 12m, 2y back from today).")
    var since: String?

    @Option(help: "Only documents dated on or before D (YYYY, YYYY-MM, YYYY-MM-DD, or 30d, 12m, 2y).")
    var until: String?

    @Option(help: "Only documents from this outlet (repeatable; 中國網 = 中国网).")
    var source: [String] = []

    @Option(help: "relevance (default), newest or oldest.")
    var sort: String?

    @Flag(help: "Count the matches by year, month and source.")
    var facets = CommandLineSearch.defaults.facets

    @Flag(help: "Draw a bar chart of the matches per year (per month when they span two years or less).")
    var timeline = CommandLineSearch.defaults.timeline

    @Flag(name: .customLong("no-expand"), help: "No pinyin readings, synonyms or \"did you mean\".")
    var noExpand = CommandLineSearch.defaults.noExpand

    @Flag(name: .customLong("all-copies"), help: "Show every copy of a republished release as its own hit.")
    var allCopies = CommandLineSearch.defaults.allCopies

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
        try CommandLineSearch(index: location.index, corpus: location.corpus, words: queryWords, limit: limit, offset: offset,
                              json: json, color: ColorMode(rawValue: color) ?? .auto, explain: explain, snippetLength: snippetLength, snippets: snippets,
                              since: since, until: until, sources: source, sort: sort, facets: facets, timeline: timeline,
                              noExpand: noExpand, allCopies: allCopies).run()
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
