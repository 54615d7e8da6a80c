#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// First-use indexing and the staleness check, for every front end (the command line, the server).
public enum IndexMaintenance {
    /// What `ensure` found or did.
    public enum Outcome: Sendable {
        /// The index exists and no corpus change after its commit is visible.
        case current(generation: Int)
        /// The index exists, but files in the corpus changed after it was committed.
        case stale(generation: Int)
        /// There was no index, or one an older ipsearch wrote: it was built now.
        case built(IndexSummary)
    }

    /// Why `ensure` builds the index.
    public enum BuildReason: Sendable, Equatable {
        case noIndex
        /// An older ipsearch wrote it, in format `found` (this one reads `supported`).
        case olderFormat(found: UInt32, supported: UInt32)
    }

    /// Builds the index when there is none, or rebuilds it (`--full`) when an older ipsearch wrote
    /// it (the index is derived from the corpus, so nothing is lost; `willBuild` is called first, so
    /// a front end can say so); otherwise reports whether the corpus looks changed since the last
    /// commit (`isStale`). A damaged index, or one a newer ipsearch wrote, is an error, not rebuilt.
    public static func ensure(
        corpus: String, index: String, willBuild: (BuildReason) -> Void = { _ in }
    ) throws(IndexError) -> Outcome {
        let manifest: Manifest
        do { manifest = try Manifest.read(directory: index) } catch {
            var options = IndexOptions(corpus: corpus, index: index)
            switch error {
            case .noIndex:
                willBuild(.noIndex)
            case .unsupportedFormat(_, let found, let supported) where found < supported:
                willBuild(.olderFormat(found: found, supported: supported))
                options.full = true
            default:
                throw error
            }
            return .built(try Indexer.run(options))
        }
        return isStale(manifest, corpus: corpus) ? .stale(generation: manifest.generation) : .current(generation: manifest.generation)
    }

    /// Whether the corpus changed after `manifest` was committed, cheaply: the corpus directory and
    /// its direct entries are checked (adding, removing or editing a top-level file, or adding or
    /// removing a file in a direct subdirectory, changes one of these mtimes). Deeper edits are found
    /// by `ipsearch index`, which compares every file.
    public static func isStale(_ manifest: Manifest, corpus: String) -> Bool {
        guard let newest = newestChange(corpus: corpus) else { return false }
        return Double(newest) > manifest.committedAt * 1e9
    }

    /// Newest mtime (ns since 1970) of the corpus directory and its visible direct entries; nil when
    /// the corpus cannot be examined.
    static func newestChange(corpus: String) -> Int64? {
        var st = stat()
        guard stat(corpus, &st) == 0 else { return nil }
        var newest = mtime(st)
        for name in DirectoryListing.names(corpus) ?? [] where !name.hasPrefix(".") {
            if stat(corpus + "/" + name, &st) == 0 { newest = max(newest, mtime(st)) }
        }
        return newest
    }

    private static func mtime(_ st: stat) -> Int64 {
        Int64(st.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(st.st_mtim.tv_nsec)
    }
}
