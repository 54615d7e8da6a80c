import ArgumentParser

struct IPSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipsearch",
        abstract: "Full-text search for Chinese press releases on intellectual property.",
        discussion: """
        ipsearch <query> searches the documents of Corpus/ through the index in \
        Index/ (built on first use).

        QUERY LANGUAGE
          地理标志           a contiguous string; matches wherever it occurs,
                             in Simplified or Traditional script, whatever
                             the word segmentation
          专利 浙江          all parts must match (AND)
          "deep seek"        an exact sequence, spaces and Latin included
          -北京              excludes documents containing 北京
          专利 OR 商标       either part
          Latin is case-insensitive; full-width forms fold (ＰＣＴ = pct).
          When no document matches every part, documents matching some parts
          are shown, marked partial.

        EXIT STATUS
          0 hits found, 1 no hits, 2 error (bad query, damaged or missing index).
        """,
        subcommands: [SearchCommand.self, IndexCommand.self, ServeCommand.self, ShowCommand.self, StatsCommand.self],
        defaultSubcommand: SearchCommand.self
    )
}

/// `--index` and `--corpus`, shared by every subcommand.
struct LocationOptions: ParsableArguments {
    @Option(name: .long, help: "The index directory.")
    var index: String = CommandLineSearch.defaults.index

    @Option(name: .long, help: "The corpus directory (every .txt and .md file below it is a document).")
    var corpus: String = CommandLineSearch.defaults.corpus
}

/// A failure the command reports as `ipsearch: error: …` with exit code 2.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
