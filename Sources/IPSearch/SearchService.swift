import Dispatch
import IPSearchAnalysis
import IPSearchIndex
#if canImport(Glibc)
import Glibc
#endif

/// Either kind of failure a search can meet: the user's query, or the index.
public enum SearchError: Error, Equatable, CustomStringConvertible {
    case query(QueryError)
    case index(IndexError)

    public var description: String {
        switch self {
        case .query(let e): return e.description
        case .index(let e): return e.description
        }
    }
}

/// The one entry point for searching an index directory, shared by the command line and the server.
///
/// The two roles are split as in Lucene (`IndexSearcher` / `SearcherManager`): a `SnapshotSearcher`
/// answers queries over one immutable commit and never changes; `SearchService` manages them.
/// It holds the current `SnapshotSearcher` and swaps it when `manifest.json` changes (checked with one `stat`
/// per call), so a long-running server follows `ipsearch index` without restarting. A request keeps
/// the snapshot it started with; the old generation's maps are released when the last request using
/// them ends. Thread-safe.
public final class SearchService: @unchecked Sendable {
    public let indexDirectory: String
    /// The user's `synonyms.txt` at the top of the corpus folder, re-read when it changes.
    private let synonymsFile: SynonymsFile?
    private let lock = Lock()
    private var searcher: SnapshotSearcher?
    private var manifestStamp: FileStamp?
    private var analyzers: [Analyzer] = []
    /// Started by the first `searchOnSearchThreads` (the command line never starts them).
    private var searchThreads: SearchThreads?

    private let cache: ResultCache?
    /// Whether a newly opened snapshot builds its id map and group lists at once, on a background
    /// thread (the server: no request pays for them), rather than on first use (the command line).
    private let preparesSnapshots: Bool

    /// `resultCacheSize`: how many recent results to keep (0: none). The server keeps some, so a
    /// popular query is answered without searching again; entries are per generation, so a new
    /// commit never serves stale results.
    /// `corpusDirectory`: where `synonyms.txt` is looked for (nil: built-in synonyms only).
    /// `preparesSnapshots`: see the property (the server sets it).
    public init(indexDirectory: String, corpusDirectory: String? = nil, resultCacheSize: Int = 0,
                preparesSnapshots: Bool = false) {
        self.indexDirectory = indexDirectory
        synonymsFile = corpusDirectory.map { SynonymsFile(path: $0 + "/" + Synonyms.fileName) }
        cache = resultCacheSize > 0 ? ResultCache(capacity: resultCacheSize) : nil
        self.preparesSnapshots = preparesSnapshots
    }

    /// The searcher of the newest committed generation.
    public func current() throws(IndexError) -> SnapshotSearcher {
        let stamp = FileStamp(path: indexDirectory + "/" + Manifest.fileName)
        if let s = lock.withLock({ stamp != nil && stamp == manifestStamp ? searcher : nil }) { return s }
        let reader = try IndexReader(directory: indexDirectory)
        let fresh = SnapshotSearcher(reader: reader)
        let installed = lock.withLock { () -> Bool in
            // Keep the newer one if another thread reloaded concurrently.
            if let existing = searcher, existing.reader.generation > reader.generation { return false }
            searcher = fresh
            manifestStamp = stamp
            return true
        }
        if installed && preparesSnapshots {
            // A request that needs them meanwhile waits on the reader's lock instead of building twice.
            DispatchQueue.global(qos: .utility).async { reader.prepareLookups() }
        }
        return lock.withLock { searcher! }
    }

    /// Parses `text` and runs it.
    public func search(_ text: String, options: SearchOptions = SearchOptions()) throws(SearchError) -> SearchResult {
        switch try prepare(text, options: options) {
        case .cached(let result): return result
        case .toRun(let prepared): return try run(prepared)
        }
    }

    /// `search` for a server: a result in the cache is returned at once; otherwise the search runs on
    /// one of the service's search threads (`SearchThreads`: first come, first served, one per
    /// core, started on first use) while the calling task is suspended.
    public func searchOnSearchThreads(_ text: String, options: SearchOptions = SearchOptions()) async throws(SearchError) -> SearchResult {
        switch try prepare(text, options: options) {
        case .cached(let result): return result
        case .toRun(let prepared):
            let threads = lock.withLock {
                if let existing = searchThreads { return existing }
                let started = SearchThreads(count: System.coreCount)
                searchThreads = started
                return started
            }
            return try await threads.run { () throws(SearchError) -> SearchResult in try self.run(prepared) }
        }
    }

    /// A search parsed and checked against the cache: its result, or what running it needs.
    private enum Prepared {
        case cached(SearchResult)
        case toRun(PendingSearch)
    }

    private struct PendingSearch: @unchecked Sendable {
        let query: Query
        let searcher: SnapshotSearcher
        let synonyms: Synonyms
        let warnings: [String]
        let key: ResultCache.Key
        let options: SearchOptions
        let started: Double
    }

    private func prepare(_ text: String, options: SearchOptions) throws(SearchError) -> Prepared {
        let started = System.now()
        // The query first: its mistakes are the client's, whatever state the index is in.
        let query = try parse(text)
        let searcher: SnapshotSearcher
        do { searcher = try current() } catch { throw .index(error) }
        var synonyms = Synonyms.builtIn
        var warnings: [String] = []
        if options.expand, let synonymsFile { (synonyms, warnings) = synonymsFile.current() }
        let key = ResultCache.Key(generation: searcher.reader.generation, text: text, options: options,
                                  synonyms: options.expand ? synonyms : nil)
        if var hit = cache?.get(key) {
            hit.tookMilliseconds = (System.now() - started) * 1000
            return .cached(hit)
        }
        return .toRun(PendingSearch(query: query, searcher: searcher, synonyms: synonyms, warnings: warnings, key: key,
                                    options: options, started: started))
    }

    private func run(_ p: PendingSearch) throws(SearchError) -> SearchResult {
        let (query, searcher, options) = (p.query, p.searcher, p.options)
        let analyzer = borrowAnalyzer()
        defer { returnAnalyzer(analyzer) }
        var result: SearchResult
        do {
            if options.expand {
                let assistant = QueryAssistant(reader: searcher.reader, synonyms: p.synonyms)
                let expanded = query.expanded(with: assistant, analyzer: analyzer)
                result = try searcher.search(expanded, options: options, analyzer: analyzer)
                result.expansions = expanded.expansions
                // "Did you mean": only a query that found nothing (or only partial matches) pays for it.
                if result.total == 0 || result.partial {
                    result.suggestions = assistant.suggestions(for: query.literalParts.map(\.text))
                }
            } else {
                result = try searcher.search(query, options: options, analyzer: analyzer)
            }
        } catch { throw .index(error) }
        result.warnings = p.warnings
        result.tookMilliseconds = (System.now() - p.started) * 1000
        cache?.put(p.key, result)
        return result
    }

    public func parse(_ text: String) throws(SearchError) -> Query {
        let analyzer = borrowAnalyzer()
        defer { returnAnalyzer(analyzer) }
        do { return try Query.parse(text, analyzer: analyzer) } catch { throw .query(error) }
    }

    private func borrowAnalyzer() -> Analyzer {
        if let a = lock.withLock({ analyzers.popLast() }) { return a }
        return Analyzer()
    }

    private func returnAnalyzer(_ a: Analyzer) {
        lock.withLock { if analyzers.count < 16 { analyzers.append(a) } }
    }
}

/// Identity of a file's current version (inode, size, mtime): changes whenever it is replaced.
struct FileStamp: Equatable {
    var inode: UInt64
    var size: Int64
    var mtime: Int64

    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }
}

/// A small least-recently-used map of search results.
final class ResultCache: @unchecked Sendable {
    struct Key: Hashable {
        var generation: Int
        var text: String
        var options: SearchOptions
        /// The synonyms in force (an edit of synonyms.txt changes the results).
        var synonyms: Synonyms?
    }

    private let capacity: Int
    private let lock = Lock()
    private var entries: [Key: (result: SearchResult, used: UInt64)] = [:]
    private var clock: UInt64 = 0

    init(capacity: Int) { self.capacity = capacity }

    func get(_ key: Key) -> SearchResult? {
        lock.withLock {
            guard let e = entries[key] else { return nil }
            clock += 1
            entries[key] = (e.result, clock)
            return e.result
        }
    }

    func put(_ key: Key, _ result: SearchResult) {
        lock.withLock {
            // (A key already present is replaced: nothing else goes.)
            if entries[key] == nil, entries.count >= capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
                entries[oldest] = nil
            }
            clock += 1
            entries[key] = (result, clock)
        }
    }
}
