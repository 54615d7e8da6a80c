import ArgumentParser
import FoundationEssentials
import IPSearchIndex

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print document, term and segment counts, sizes and the last commit time."
    )

    @OptionGroup var location: LocationOptions

    @Flag(help: "Also verify every file's checksum (reads the whole index).")
    var check = false

    func run() throws {
        let reader: IndexReader
        do {
            reader = try IndexReader(directory: location.index)
            if check { try reader.verify() }
        } catch { throw CLIError(error.description) }
        let m = reader.manifest
        let bytes = m.segments.reduce(0) { $0 + $1.bytes }
        let stored = m.segments.reduce(0) { $0 + $1.storedBytes }
        let terms = m.segments.reduce(0) { $0 + $1.terms }
        let date = Date(timeIntervalSince1970: m.committedAt)
        var lines = [
            "index:        \(location.index) (generation \(m.generation), committed \(date.formatted(.iso8601)))",
            "documents:    \(m.documentCount) live (\(m.segments.reduce(0) { $0 + $1.deleted }) deleted, awaiting merge)",
            "words:        \(m.wordCount) (average \(Int(reader.averageWordCount.rounded())) per document)",
            "terms:        \(terms) gram entries over \(m.segments.count) segment\(m.segments.count == 1 ? "" : "s")",
            "size:         \(mb(bytes)) MB (postings and dictionary \(mb(bytes - stored)) MB, stored text \(mb(stored)) MB)",
        ]
        for s in m.segments {
            lines.append("  \(s.name): \(s.documents - s.deleted) documents, \(s.terms) terms, \(mb(s.bytes)) MB")
        }
        if check { lines.append("checksums:    all files verified") }
        FileHandle.standardOutput.write(lines.joined(separator: "\n") + "\n")
    }

    private func mb(_ b: Int) -> String { String((Double(b) / 1_000_000 * 100).rounded() / 100) }
}
