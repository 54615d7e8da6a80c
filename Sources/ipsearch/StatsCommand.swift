import ArgumentParser
import FoundationEssentials
import IPSearch
import IPSearchIndex

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print document, term and segment counts, sizes and the last commit time."
    )

    @OptionGroup var location: LocationOptions

    @Flag(help: "Also verify every file's checksum (reads the whole index).")
    var check = false

    @Flag(help: "Print JSON (the schema of GET /stats).")
    var json = false

    func run() throws {
        let stats: IndexStatistics
        do {
            let reader = try IndexReader(directory: location.index)
            if check { try reader.verify() }
            stats = try IndexStatistics(reader)
        } catch { throw CLIError(error.description) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(stats))
            FileHandle.standardOutput.write("\n")
            return
        }
        let date = Date(timeIntervalSince1970: stats.committedAt)
        var lines = [
            "index:        \(location.index) (generation \(stats.generation), committed \(date.formatted(.iso8601)))",
            "documents:    \(stats.documents) live (\(stats.deletedDocuments) deleted, awaiting merge)",
            "words:        \(stats.words) (average \(Int(stats.averageWords.rounded())) per document)",
            "terms:        \(stats.terms) gram entries over \(stats.segments) segment\(stats.segments == 1 ? "" : "s")",
            "size:         \(mb(stats.indexBytes)) MB (postings and dictionary \(mb(stats.indexBytes - stats.storedBytes)) MB, stored text \(mb(stats.storedBytes)) MB)",
            "copies:       \(stats.groupsWithCopies) group\(stats.groupsWithCopies == 1 ? "" : "s") of near-duplicates (\(stats.documentsInGroups) documents)",
            "spam:         \(stats.spamSpansRemoved) injected span\(stats.spamSpansRemoved == 1 ? "" : "s") removed from \(stats.documentsWithSpam) document\(stats.documentsWithSpam == 1 ? "" : "s")",
        ]
        for s in stats.segmentList {
            lines.append("  \(s.name): \(s.documents) documents, \(s.terms) terms, \(mb(s.bytes)) MB")
        }
        if check { lines.append("checksums:    all files verified") }
        FileHandle.standardOutput.write(lines.joined(separator: "\n") + "\n")
    }

    private func mb(_ b: Int) -> String { String((Double(b) / 1_000_000 * 100).rounded() / 100) }
}
