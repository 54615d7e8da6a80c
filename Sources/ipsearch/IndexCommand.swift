import ArgumentParser
import IPSearchIndex

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build or update the index from the corpus (incremental; --full rebuilds).",
        discussion: """
        Adds new files, re-indexes changed ones (by content hash), removes deleted ones and commits \
        atomically: a crash or kill leaves the previous commit intact. Files that cannot be read or \
        decoded are listed and skipped, and so are files over --max-file-size, directories that cannot \
        be read (what was indexed from them before is kept, never removed) and symbolic links that are \
        not followed (only links to files inside the corpus are); exit status 1 when anything was \
        skipped, 2 on errors.
        """
    )

    @OptionGroup var location: LocationOptions

    @Flag(help: "Rebuild the whole index from scratch.")
    var full = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors and skipped files.")
    var quiet = false

    @Flag(name: .customLong("merge-all"), inversion: .prefixedNo,
          help: "End with every document in one segment: the fastest queries (default: on a build from nothing).")
    var mergeAll: Bool?

    @Option(help: "Analysis threads (default: one per core).")
    var threads: Int?

    @Option(name: .customLong("lock-timeout"), parsing: .unconditional, help: "Seconds to wait for another running indexer (default: wait).")
    var lockTimeout: Double?

    @Option(name: .customLong("max-file-size"), parsing: .unconditional,
            help: "Skip (and list) files larger than this: megabytes, or a number with K, M or G (default 64).")
    var maxFileSize: String = "64"

    func validate() throws {
        if let threads, threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256") }
        if let lockTimeout, !(lockTimeout.isFinite && lockTimeout >= 0) {
            throw ValidationError("--lock-timeout must be a number of seconds, 0 or more")
        }
        if Self.parseSize(maxFileSize) == nil {
            throw ValidationError("--max-file-size must be a size between 1 byte and 1 TB, e.g. 64 (megabytes), 512K, 2G")
        }
    }

    /// "64" (megabytes), "512K", "64M", "2G", "100B" → bytes; nil when not a size from 1 B to 1 TB.
    static func parseSize(_ text: String) -> UInt64? {
        var digits = Substring(text.uppercased())
        var unit: UInt64 = 1 << 20
        if let last = digits.last, !last.isNumber {
            switch last {
            case "B": unit = 1
            case "K": unit = 1 << 10
            case "M": unit = 1 << 20
            case "G": unit = 1 << 30
            default: return nil
            }
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let n = UInt64(digits), n > 0, n <= (1 << 40) / unit else { return nil }
        return n * unit
    }

    func run() throws {
        var options = IndexOptions(corpus: location.corpus, index: location.index)
        options.full = full
        options.mergeAll = mergeAll
        if let threads { options.threads = threads }
        options.lockTimeout = lockTimeout
        options.maxFileSize = Self.parseSize(maxFileSize) ?? options.maxFileSize
        let err = FileHandle.standardError
        let showProgress = !quiet && err.isTerminal
        var lastDraw = 0.0
        let summary: IndexSummary
        do {
            summary = try Indexer.run(options, progress: { p in
                guard showProgress, p.total >= 200 else { return }
                let now = System.now()
                if now - lastDraw < 0.1 && p.done < p.total { return }
                lastDraw = now
                let width = 30
                let filled = p.total == 0 ? width : width * p.done / p.total
                let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
                err.write("\r\(bar) \(p.done)/\(p.total) files, \(p.bytes / 1_000_000) MB")
                if p.done == p.total { err.write("\r\u{1B}[K") }
            }, waiting: { holder in
                err.write("ipsearch: another `ipsearch index` is running (\(holder)); waiting for it to finish…\n")
            })
        } catch {
            throw CLIError(error.description)
        }
        for s in summary.skipped { err.write("ipsearch: skipped \(s.id): \(s.reason)\n") }
        if !quiet {
            var line = "added \(summary.added), updated \(summary.updated), removed \(summary.removed), unchanged \(summary.unchanged), skipped \(summary.skipped.count)"
            line += " · \(mb(summary.bytes)) MB in \(formatSeconds(summary.seconds))"
            if summary.bytes > 0 { line += " (\((summary.megabytesPerSecond * 10).rounded() / 10) MB/s)" }
            if summary.merged > 0 { line += " · merged \(summary.merged) documents" }
            line += summary.committed
                ? " · generation \(summary.generation): \(summary.documents) documents in \(summary.segments) segment\(summary.segments == 1 ? "" : "s")"
                : " · index already up to date (generation \(summary.generation))"
            FileHandle.standardOutput.write(line + "\n")
        }
        if !summary.skipped.isEmpty { throw ExitCode(1) }
    }

    private func mb(_ bytes: Int) -> String {
        String((Double(bytes) / 1_000_000 * 100).rounded() / 100)
    }
}
