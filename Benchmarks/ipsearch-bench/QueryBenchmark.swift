import Foundation
import IPSearch
import IPSearchIndex

/// `ipsearch-bench queries --index DIR --queries FILE [--repeat N] [--limit K] [--snippets N] [--facets] [--json]`
///
/// Warm query latency: opens the index once through `SearchService` (as the server does), runs every
/// query of FILE (one per line) once untimed to warm the page cache and ICU, then N timed passes.
/// One sample = one complete search including query parsing, matching, BM25, top-k and snippets
/// for the returned hits (`--snippets 0`: none, as `Benchmarks/compare` times the other engines,
/// without fetching stored text; `--facets`: with source and date facets, as the search page asks). Reports p50/p95/p99/max over all samples, and each query's
/// `total` (in file order) so callers can compute recall.
///
/// `--build CORPUS` first rebuilds the index from CORPUS (`Indexer.run` with `full`, as `ipsearch index
/// --full` does) and reports the build time, peak RSS and the bytes of each kind of index file, so the
/// engine can be measured without building the `ipsearch` command (and its server dependencies).
enum QueryBenchmark {
    static let usage = """
        usage: ipsearch-bench queries --index DIR --queries FILE [--build CORPUS] [--repeat N] [--limit K] [--snippets N] [--facets] [--slowest N] [--json]

        """

    static func main(_ args: [String]) -> Int32 {
        var index = "", queriesPath = "", buildFrom = "", repeats = 3, limit = 10, json = false, slowest = 0, facets = false
        var snippets = SnippetOptions().count
        var a = Arguments(args)
        do {
            while let arg = a.next() {
                switch arg {
                case "--index": index = try a.value(of: arg)
                case "--queries": queriesPath = try a.value(of: arg)
                case "--build": buildFrom = try a.value(of: arg)
                case "--repeat": repeats = try a.integer(of: arg, min: 1)
                case "--limit": limit = try a.integer(of: arg, min: 1)
                case "--snippets": snippets = try a.integer(of: arg, min: 0)
                case "--json": json = true
                case "--facets": facets = true
                case "--slowest": slowest = try a.integer(of: arg, min: 0)
                default: throw UsageError(description: "unknown argument \(arg)")
                }
            }
        } catch {
            fputs("ipsearch-bench queries: \(error)\n\(usage)", stderr)
            return 2
        }
        guard !index.isEmpty, !queriesPath.isEmpty, repeats > 0, limit > 0,
              let text = try? String(contentsOfFile: queriesPath, encoding: .utf8) else {
            fputs(usage, stderr)
            return 2
        }
        if !buildFrom.isEmpty {
            var options = IndexOptions(corpus: buildFrom, index: index)
            options.full = true
            do {
                let summary = try Indexer.run(options)
                fputs("build: \(summary.documents) documents, \(summary.bytes) bytes in \((summary.seconds * 100).rounded() / 100) s, \(summary.segments) segments, peak RSS \(peakRSSMegabytes()) MB\n", stderr)
            } catch {
                fputs("ipsearch-bench queries: build failed: \(error)\n", stderr)
                return 1
            }
            fputs(indexSizes(index), stderr)
        }
        let queries = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        let service = SearchService(indexDirectory: index)
        var options = SearchOptions(limit: limit, snippets: SnippetOptions(count: snippets))
        options.facets = facets
        var totals: [Int] = []
        var errors = 0
        for q in queries {
            do { totals.append(try service.search(q, options: options).total) } catch {
                totals.append(-1)
                errors += 1
            }
        }
        var samples: [Double] = []
        samples.reserveCapacity(queries.count * repeats)
        var worst = [Double](repeating: 0, count: queries.count)
        for _ in 0..<repeats {
            for (k, q) in queries.enumerated() {
                let start = System.now()
                _ = try? service.search(q, options: options)
                let ms = (System.now() - start) * 1000
                samples.append(ms)
                worst[k] = max(worst[k], ms)
            }
        }
        if slowest > 0 {
            for k in worst.indices.sorted(by: { worst[$0] > worst[$1] }).prefix(slowest) {
                fputs("slow: \(queries[k]) \((worst[k] * 100).rounded() / 100) ms, total \(totals[k])\n", stderr)
            }
        }
        samples.sort()
        func pct(_ p: Double) -> Double {
            samples.isEmpty ? 0 : samples[min(samples.count - 1, Int((Double(samples.count) * p).rounded(.up)) - 1)]
        }
        let mean = samples.reduce(0, +) / Double(max(1, samples.count))
        let r = { (v: Double) in (v * 1000).rounded() / 1000 }
        let summary = "queries: \(queries.count) × \(repeats), p50 \(r(pct(0.5))) ms, p95 \(r(pct(0.95))) ms, p99 \(r(pct(0.99))) ms, max \(r(samples.last ?? 0)) ms, mean \(r(mean)) ms, errors \(errors)"
        if json {
            fputs(summary + "\n", stderr)
            let object: [String: Any] = [
                "queries": queries.count, "repeat": repeats, "p50_ms": r(pct(0.5)), "p95_ms": r(pct(0.95)),
                "p99_ms": r(pct(0.99)), "max_ms": r(samples.last ?? 0), "mean_ms": r(mean), "errors": errors, "totals": totals,
            ]
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(summary)
        }
        return errors == 0 ? 0 : 1
    }

    /// Peak resident set size of this process so far.
    static func peakRSSMegabytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss / 1024
    }

    /// Bytes per file extension of the index directory, one line.
    static func indexSizes(_ dir: String) -> String {
        var byExtension: [String: Int] = [:]
        var total = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            let size = ((try? FileManager.default.attributesOfItem(atPath: dir + "/" + name))?[.size] as? Int) ?? 0
            let ext = name.split(separator: ".").last.map(String.init) ?? name
            byExtension[ext, default: 0] += size
            total += size
        }
        let mb = { (b: Int) in String((Double(b) / 1e4).rounded() / 100) }
        let parts = byExtension.keys.sorted().map { "\($0) \(mb(byExtension[$0]!))" }
        return "index MB: total \(mb(total)); " + parts.joined(separator: ", ") + "\n"
    }
}
