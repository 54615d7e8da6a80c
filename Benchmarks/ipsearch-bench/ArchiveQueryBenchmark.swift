import Foundation
import IPSearch
import IPSearchAnalysis
import IPSearchIndex
#if canImport(Glibc)
import Glibc
#endif

/// `ipsearch-bench archive-index --index DIR [--copies FILE] [--parts grouping,quality,queries] ...`
///
/// Issue 10's measurements on a **built** index of the archive corpus (Benchmarks/archive/run-index.sh
/// builds it with `ipsearch index --full`):
///
/// - **grouping** — what near-duplicate grouping costs at index time, recomputed from the index's
///   stored texts with the code path of `DocumentPipeline` (which is internal): every live document's
///   stored text through `Analyzer.analyzeDocument(_:spamFilter:)` (timed: the analysis the pipeline
///   does anyway), then its body zones cut out and `NearDuplicates.signature(of:)` (timed: the
///   signature work), then `NearDuplicates.group` over all signatures (timed, median of `--repeat`: the
///   CPU work of `Indexer.regroup`). Times are thread CPU time, in batches of 1,000 documents. The
///   recomputed groups are checked against the index's own (`IndexReader.group(segment:doc:)`).
/// - **quality** — the index's groups against `copies.json` (pairs, as in `ipsearch-bench archive`).
/// - **queries** — warm latency through `SearchService` (as the CLI and server use it) of a seeded
///   query set: `--queries` single Han substrings of 2–4 characters and `--multi` two-substring AND
///   queries, drawn from the normalized stored text of random documents (like Benchmarks/compare).
///   Configurations: plain (collapsed, relevance), `since` = January 1 of the middle year of the
///   corpus' dates, `facets`, both, `sort: .newest`, `collapse = false`; each with 0 and 2 snippets.
///   Every query runs once per configuration untimed (warm-up), then `--repeat` passes in which each
///   query runs every configuration in turn (so load drifting on a shared machine hits all alike).
///   Wall and thread CPU time per search; p50/p99 per configuration and the p99 delta to plain.
enum ArchiveQueryBenchmark {
    static let usage = """
        usage: ipsearch-bench archive-index --index DIR [--copies FILE] [--parts LIST] [--queries N] [--multi N]
                                            [--seed S] [--repeat N] [--since YYYY] [--limit K] [--json]
          --index DIR     an index of the archive corpus (ipsearch index --full --corpus … --index DIR)
          --copies FILE   archive/copies.json, for the quality part
          --parts LIST    comma-separated: grouping, quality, queries (default: all that can run)
          --queries N     single-substring queries (default 200)
          --multi N       two-substring AND queries (default 50)
          --seed S        query sampling seed (default 20250101)
          --repeat N      timed passes (default 5; grouping: runs of NearDuplicates.group)
          --since YYYY    year of the since filter (default: the middle of the corpus' date range)
          --limit K       hits per page (default 10)
          --json          one JSON object on stdout (the human summary goes to stderr)

        """

    struct Options {
        var index = ""
        var copies: String?
        var parts: Set<String> = ["grouping", "quality", "queries"]
        var queries = 200
        var multi = 50
        var seed: UInt64 = 20250101
        var repeats = 5
        var sinceYear: Int?
        var limit = 10
        var json = false
    }


    static func main(_ args: [String]) -> Int32 {
        let options: Options
        do { options = try parse(args) } catch {
            fputs("ipsearch-bench archive-index: \(error)\n\(usage)", stderr)
            return 2
        }
        do {
            var human: [String] = []
            var json: [String: Any] = ["benchmark": "archive-index", "index": options.index]
            let reader = try IndexReader(directory: options.index)
            json["documents"] = reader.documentCount
            json["generation"] = reader.generation
            if options.parts.contains("grouping") {
                let (h, j) = try grouping(reader, options)
                human.append(h); json["grouping"] = j
            }
            if options.parts.contains("quality") {
                guard let copies = options.copies else { throw UsageError(description: "the quality part needs --copies") }
                let (h, j) = try quality(reader, copiesPath: copies)
                human.append(h); json["quality"] = j
            }
            if options.parts.contains("queries") {
                let (h, j) = try queries(reader, options)
                human.append(h); json["queries"] = j
            }
            let text = human.joined(separator: "\n")
            if options.json {
                fputs(text + "\n", stderr)
                let finite = sanitize(json)
                let data = (try? JSONSerialization.data(withJSONObject: finite, options: [.sortedKeys, .prettyPrinted])) ?? Data("{}".utf8)
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(text)
            }
            return 0
        } catch {
            fputs("ipsearch-bench archive-index: \(error)\n", stderr)
            return 1
        }
    }

    static func sanitize(_ v: Any) -> Any {
        if let d = v as? Double { return d.isFinite ? d : NSNull() }
        if let o = v as? [String: Any] { return o.mapValues(sanitize) }
        if let a = v as? [Any] { return a.map(sanitize) }
        return v
    }

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        var a = Arguments(args)
        while let arg = a.next() {
            switch arg {
            case "--index": o.index = try a.value(of: arg)
            case "--copies": o.copies = try a.value(of: arg)
            case "--parts":
                let parts = Set(try a.value(of: arg).split(separator: ",").map { String($0) })
                let known: Set<String> = ["grouping", "quality", "queries"]
                guard !parts.isEmpty, parts.isSubset(of: known) else { throw UsageError(description: "--parts takes grouping, quality, queries") }
                o.parts = parts
            case "--queries": o.queries = try a.integer(of: arg, min: 0)
            case "--multi": o.multi = try a.integer(of: arg, min: 0)
            case "--seed":
                guard let s = UInt64(try a.value(of: arg)) else { throw UsageError(description: "--seed needs a non-negative integer") }
                o.seed = s
            case "--repeat": o.repeats = try a.integer(of: arg, min: 1)
            case "--since": o.sinceYear = try a.integer(of: arg, min: 1)
            case "--limit": o.limit = try a.integer(of: arg, min: 1)
            case "--json": o.json = true
            default: throw UsageError(description: "unknown argument \(arg)")
            }
        }
        guard !o.index.isEmpty else { throw UsageError(description: "missing --index") }
        if o.copies == nil { o.parts.remove("quality") }
        guard !o.parts.isEmpty else { throw UsageError(description: "nothing to run") }
        return o
    }

    /// The live documents in index order (segment, then document), as `Indexer.regroup` reads them.
    static func liveDocuments(_ reader: IndexReader) -> [(segment: Int, doc: Int)] {
        var out: [(segment: Int, doc: Int)] = []
        out.reserveCapacity(reader.documentCount)
        for (s, segment) in reader.segments.enumerated() {
            for d in 0..<segment.documentCount where !segment.isDeleted(d) { out.append((s, d)) }
        }
        return out
    }

    /// Each document's group as the smallest position of its members (itself when alone).
    static func canonical(_ labels: [Int]) -> [Int] {
        var first: [Int: Int] = [:]
        for (i, l) in labels.enumerated() where first[l] == nil { first[l] = i }
        return labels.map { first[$0] ?? -1 }
    }

    static func f(_ x: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", x) }

    // MARK: Grouping cost

    static func grouping(_ reader: IndexReader, _ options: Options) throws -> (String, [String: Any]) {
        let live = liveDocuments(reader)
        let analyzer = try Analyzer()
        let spamFilter = SpamFilter()
        var keys: [(key: String, signature: NearDuplicates.Signature)] = []
        keys.reserveCapacity(live.count)
        var analyzeCPU = 0.0, analyzeWall = 0.0, signatureCPU = 0.0, readCPU = 0.0
        var bytes = 0
        let batch = 1000
        var start = 0
        while start < live.count {
            let slice = live[start..<min(live.count, start + batch)]
            var stored: [StoredDocument] = []
            stored.reserveCapacity(slice.count)
            var readError: Error?
            readCPU += AnalysisBenchmark.time {
                do { for p in slice { stored.append(try reader.segments[p.segment].storedDocument(p.doc)) } } catch { readError = error }
            }.cpu
            if let readError { throw readError }
            for s in stored { bytes += s.text.utf8.count }
            var analyses: [DocumentAnalysis] = []
            analyses.reserveCapacity(stored.count)
            let a = AnalysisBenchmark.time { for s in stored { analyses.append(analyzer.analyzeDocument(s.text, spamFilter: spamFilter)) } }
            analyzeCPU += a.cpu
            analyzeWall += a.wall
            var signatures: [NearDuplicates.Signature] = []
            signatures.reserveCapacity(analyses.count)
            signatureCPU += AnalysisBenchmark.time {
                for d in analyses { signatures.append(NearDuplicates.signature(of: d)) }
            }.cpu
            for (s, sig) in zip(stored, signatures) { keys.append((s.id, sig)) }
            start += batch
        }
        var groupCPU: [Double] = []
        var leaders: [Int] = []
        for _ in 0..<options.repeats {
            var l: [Int] = []
            groupCPU.append(AnalysisBenchmark.time { l = NearDuplicates.group(keys) }.cpu)
            leaders = l
        }
        // The recomputed groups against the index's own.
        let recomputed = canonical(leaders)
        let indexed = canonical(live.enumerated().map { i, p in reader.group(segment: p.segment, doc: p.doc).map { -1 - Int($0) } ?? i })
        let agree = zip(recomputed, indexed).filter { $0 == $1 }.count
        var sizes: [Int: Int] = [:]
        for l in leaders { sizes[l, default: 0] += 1 }
        let withCopies = sizes.values.filter { $0 > 1 }.count
        let group = AnalysisBenchmark.median(groupCPU)
        let mb = Double(bytes) / 1e6
        let human = """
            grouping cost (\(live.count) live documents, \(f(mb)) MB stored text; thread CPU time):
              analysis (Analyzer.analyzeDocument, spam filter, zones): \(f(analyzeCPU)) s CPU (\(f(analyzeWall)) s wall), \(f(mb / analyzeCPU, 1)) MB/s
              signatures (body zones + NearDuplicates.signature): \(f(signatureCPU, 3)) s CPU = \(f(signatureCPU / analyzeCPU * 100, 2))% of analysis
              grouping (NearDuplicates.group over all): \(f(group, 3)) s CPU (median of \(options.repeats): \(groupCPU.map { f($0, 3) }.joined(separator: ", ")))
              stored-text reads: \(f(readCPU, 2)) s CPU
              recomputed groups equal to the index's for \(agree) of \(live.count) documents; \(withCopies) groups with copies
            """
        let json: [String: Any] = [
            "documents": live.count, "stored_bytes": bytes, "analysis_cpu_s": analyzeCPU, "analysis_wall_s": analyzeWall,
            "signature_cpu_s": signatureCPU, "group_cpu_s": group, "group_cpu_s_samples": groupCPU,
            "stored_read_cpu_s": readCPU, "documents_agreeing_with_index": agree, "groups_with_copies": withCopies,
        ]
        return (human, json)
    }

    // MARK: Quality

    static func quality(_ reader: IndexReader, copiesPath: String) throws -> (String, [String: Any]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: copiesPath))
        guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw UsageError(description: "copies.json is not a list of objects")
        }
        let live = liveDocuments(reader)
        var position: [String: Int] = [:]
        for (i, p) in live.enumerated() { position[try reader.segments[p.segment].storedID(p.doc)] = i }
        let predicted = canonical(live.enumerated().map { i, p in reader.group(segment: p.segment, doc: p.doc).map { -1 - Int($0) } ?? i })
        var truth = Array(live.indices)
        var listed = 0, missing = 0
        var found = (trad: 0, tradAll: 0, simp: 0, simpAll: 0)
        var copyPairs: [(copy: Int, original: Int, traditional: Bool)] = []
        for o in list {
            guard let c = o["copy"] as? String, let orig = o["original"] as? String else { continue }
            listed += 1
            guard let ci = position[c], let oi = position[orig] else { missing += 1; continue }
            truth[ci] = oi
            copyPairs.append((ci, oi, (o["traditional"] as? Bool) ?? false))
        }
        for p in copyPairs {
            let together = predicted[p.copy] == predicted[p.original]
            if p.traditional { found.tradAll += 1; if together { found.trad += 1 } } else { found.simpAll += 1; if together { found.simp += 1 } }
        }
        func pairs(_ n: Int) -> Int { n * (n - 1) / 2 }
        var predictedSizes: [Int: Int] = [:], trueSizes: [Int: Int] = [:]
        var cells: [Int: [Int: Int]] = [:]
        for i in live.indices {
            predictedSizes[predicted[i], default: 0] += 1
            trueSizes[truth[i], default: 0] += 1
            cells[predicted[i], default: [:]][truth[i], default: 0] += 1
        }
        let predictedPairs = predictedSizes.values.reduce(0) { $0 + pairs($1) }
        let truePairs = trueSizes.values.reduce(0) { $0 + pairs($1) }
        let correct = cells.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + pairs($1) } }
        let precision = predictedPairs == 0 ? 1 : Double(correct) / Double(predictedPairs)
        let recall = truePairs == 0 ? 1 : Double(correct) / Double(truePairs)
        let groupsWithCopies = predictedSizes.values.filter { $0 > 1 }.count
        // Groups that join documents of different true releases (false merges).
        let mixedLabels = cells.filter { $0.value.count > 1 }.keys.sorted()
        let mixed = mixedLabels.count
        var members: [Int: [String]] = [:]
        let shownLabels = Set(mixedLabels.prefix(5))
        for (i, p) in live.enumerated() where shownLabels.contains(predicted[i]) {
            members[predicted[i], default: []].append(try reader.segments[p.segment].storedID(p.doc))
        }
        let mixedList = mixedLabels.prefix(5).map { (members[$0] ?? []).joined(separator: " ") }
        // What the signature of a mixed group's members was computed from (as the indexer signs).
        var signed: [String] = []
        let analyzer = try Analyzer()
        for id in mixedLabels.prefix(5).flatMap({ members[$0] ?? [] }) {
            guard let doc = try reader.document(id: id) else { continue }
            let units = NearDuplicates.signedUnits(analyzer.analyzeDocument(doc.text, spamFilter: SpamFilter()))
            let text = String(decoding: units, as: UTF16.self)
            signed.append("    \(id): \(units.count) units signed: \(String(text.prefix(60)).debugDescription)")
        }
        let human = """
            grouping quality (index groups against copies.json: \(listed) copies, \(missing) not in the index):
              pairs: precision \(f(precision, 4)) (\(correct) of \(predictedPairs) predicted pairs are true), recall \(f(recall, 4)) (\(correct) of \(truePairs) true pairs)
              copies in their original's group: Traditional \(found.trad)/\(found.tradAll), Simplified \(found.simp)/\(found.simpAll); \(groupsWithCopies) groups with copies, \(mixed) mixing different releases\(mixedList.isEmpty ? "" : " (first 5: " + mixedList.joined(separator: "; ") + ")")\(signed.isEmpty ? "" : "\n" + signed.joined(separator: "\n"))
            """
        let json: [String: Any] = [
            "copies": listed, "copies_missing": missing, "precision": precision, "recall": recall,
            "correct_pairs": correct, "predicted_pairs": predictedPairs, "true_pairs": truePairs,
            "traditional_found": found.trad, "traditional_copies": found.tradAll,
            "simplified_found": found.simp, "simplified_copies": found.simpAll,
            "groups_with_copies": groupsWithCopies, "mixed_groups": mixed, "mixed_group_members": mixedList,
        ]
        return (human, json)
    }

    // MARK: Queries

    /// SplitMix64: a small seeded generator, so the query set is the same on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func isHan(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0x20000...0x2FA1F).contains(v)
    }

    /// A random substring of `length` Han characters of `scalars`, or nil when no run is that long.
    static func hanSubstring(_ scalars: [Unicode.Scalar], length: Int, rng: inout SeededGenerator) -> String? {
        var runs: [Range<Int>] = []
        var i = 0
        while i < scalars.count {
            guard isHan(scalars[i].value) else { i += 1; continue }
            var j = i
            while j < scalars.count, isHan(scalars[j].value) { j += 1 }
            if j - i >= length { runs.append(i..<j) }
            i = j
        }
        guard let run = runs.randomElement(using: &rng) else { return nil }
        let s = Int.random(in: run.lowerBound...(run.upperBound - length), using: &rng)
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[s..<(s + length)])
        return String(out)
    }

    static func makeQueries(_ reader: IndexReader, live: [(segment: Int, doc: Int)], options: Options) throws -> [String] {
        var rng = SeededGenerator(state: options.seed)
        let normalizer = Normalizer()
        var singles: [String] = [], multis: [String] = []
        var seen = Set<String>()
        var budget = 50 * (options.queries + options.multi) + 100
        func text() throws -> [Unicode.Scalar] {
            guard let p = live.randomElement(using: &rng) else { return [] }
            let stored = try reader.segments[p.segment].storedDocument(p.doc)
            let units = normalizer.normalize(Array(stored.text.utf16)).units
            return Array(String(decoding: units, as: UTF16.self).unicodeScalars)
        }
        while singles.count < options.queries, budget > 0 {
            budget -= 1
            let t = try text()
            if let q = hanSubstring(t, length: Int.random(in: 2...4, using: &rng), rng: &rng), seen.insert(q).inserted { singles.append(q) }
        }
        while multis.count < options.multi, budget > 0 {
            budget -= 1
            let t = try text()
            guard let a = hanSubstring(t, length: Int.random(in: 2...4, using: &rng), rng: &rng),
                  let b = hanSubstring(t, length: Int.random(in: 2...4, using: &rng), rng: &rng),
                  a != b, !a.contains(b), !b.contains(a) else { continue }
            let q = a + " " + b
            if seen.insert(q).inserted { multis.append(q) }
        }
        return singles + multis
    }

    struct Configuration {
        var name: String
        var options: SearchOptions
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }

    static func queries(_ reader: IndexReader, _ options: Options) throws -> (String, [String: Any]) {
        let live = liveDocuments(reader)
        // The corpus' date range, from the stored metadata.
        var years: [Int] = []
        years.reserveCapacity(live.count)
        var undated = 0
        for p in live {
            if let d = try reader.segments[p.segment].meta(p.doc).date, let y = Int(d.prefix(4)) { years.append(y) } else { undated += 1 }
        }
        let firstYear = years.min() ?? 2000, lastYear = years.max() ?? 2000
        let sinceYear = options.sinceYear ?? (firstYear + lastYear + 1) / 2
        guard let since = DateFilter.days(year: sinceYear, month: 1, day: 1) else { throw UsageError(description: "bad --since year") }
        let afterSince = years.filter { $0 >= sinceYear }.count

        let queries = try makeQueries(reader, live: live, options: options)
        guard !queries.isEmpty else { throw UsageError(description: "no queries could be drawn") }
        let service = SearchService(indexDirectory: options.index)

        var configurations: [Configuration] = []
        for snippets in [0, 2] {
            func make(_ name: String, _ change: (inout SearchOptions) -> Void) -> Configuration {
                var o = SearchOptions(limit: options.limit, snippets: SnippetOptions(count: snippets))
                change(&o)
                return Configuration(name: "\(name) s\(snippets)", options: o)
            }
            configurations.append(make("plain") { _ in })
            configurations.append(make("since") { $0.since = since })
            configurations.append(make("facets") { $0.facets = true })
            configurations.append(make("since+facets") { $0.since = since; $0.facets = true })
            configurations.append(make("newest") { $0.sort = .newest })
            configurations.append(make("no-collapse") { $0.collapse = false })
        }
        // Warm-up, and each configuration's totals (groups and documents) per query.
        var totals = [[Int]](repeating: [], count: configurations.count)
        var documents = [[Int]](repeating: [], count: configurations.count)
        var errors = 0
        for (c, conf) in configurations.enumerated() {
            for q in queries {
                do {
                    let r = try service.search(q, options: conf.options)
                    totals[c].append(r.total)
                    documents[c].append(r.totalDocuments)
                } catch {
                    errors += 1
                    totals[c].append(-1)
                    documents[c].append(-1)
                }
            }
        }
        var wall = [[Double]](repeating: [], count: configurations.count)
        var cpu = [[Double]](repeating: [], count: configurations.count)
        for c in configurations.indices {
            wall[c].reserveCapacity(queries.count * options.repeats)
            cpu[c].reserveCapacity(queries.count * options.repeats)
        }
        let clock = ContinuousClock()
        for pass in 0..<options.repeats {
            for q in queries {
                // Rotate the order so no configuration always runs right after another's page faults.
                for k in configurations.indices {
                    let c = (k + pass) % configurations.count
                    let cpuStart = AnalysisBenchmark.threadCPUTime()
                    let start = clock.now
                    _ = try? service.search(q, options: configurations[c].options)
                    let d = clock.now - start
                    cpu[c].append((AnalysisBenchmark.threadCPUTime() - cpuStart) * 1000)
                    wall[c].append((Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) * 1000)
                }
            }
        }
        struct Row { var name: String; var p50: Double; var p99: Double; var cpu50: Double; var cpu99: Double; var mean: Double; var total: Double; var docs: Double }
        var rows: [Row] = []
        for c in configurations.indices {
            let w = wall[c].sorted(), u = cpu[c].sorted()
            let valid = totals[c].filter { $0 >= 0 }, validDocs = documents[c].filter { $0 >= 0 }
            rows.append(Row(name: configurations[c].name, p50: percentile(w, 0.5), p99: percentile(w, 0.99),
                            cpu50: percentile(u, 0.5), cpu99: percentile(u, 0.99),
                            mean: w.reduce(0, +) / Double(max(1, w.count)),
                            total: Double(valid.reduce(0, +)) / Double(max(1, valid.count)),
                            docs: Double(validDocs.reduce(0, +)) / Double(max(1, validDocs.count))))
        }
        var human = "query latency (\(queries.count) queries: \(options.queries) substrings of 2–4 Han characters + \(options.multi) two-part AND, seed \(options.seed); "
            + "\(options.repeats) passes, limit \(options.limit); since = \(sinceYear)-01-01 (corpus \(firstYear)–\(lastYear), \(afterSince) of \(live.count) documents on or after it, \(undated) undated); ms):\n"
        human += "  configuration        wall p50   wall p99  Δp99 vs plain   CPU p50    CPU p99  ΔCPU p99   mean  | mean total (groups / documents)\n"
        var jsonRows: [[String: Any]] = []
        for (c, r) in rows.enumerated() {
            let base = rows[c < configurations.count / 2 ? 0 : configurations.count / 2]
            human += "  " + r.name.padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: " %9.3f  %9.3f  %+9.3f      %9.3f  %9.3f  %+8.3f  %7.3f | %.0f / %.0f\n",
                         r.p50, r.p99, r.p99 - base.p99, r.cpu50, r.cpu99, r.cpu99 - base.cpu99, r.mean, r.total, r.docs)
            jsonRows.append([
                "name": r.name, "wall_p50_ms": r.p50, "wall_p99_ms": r.p99, "wall_p99_delta_ms": r.p99 - base.p99,
                "cpu_p50_ms": r.cpu50, "cpu_p99_ms": r.cpu99, "cpu_p99_delta_ms": r.cpu99 - base.cpu99,
                "wall_mean_ms": r.mean, "mean_total": r.total, "mean_total_documents": r.docs,
            ])
        }
        human += "  errors: \(errors)"
        let json: [String: Any] = [
            "queries": queries.count, "single": options.queries, "multi": options.multi, "seed": Int(options.seed),
            "repeat": options.repeats, "limit": options.limit, "since": DateFilter.iso(days: since),
            "first_year": firstYear, "last_year": lastYear, "documents_since": afterSince, "undated": undated,
            "configurations": jsonRows, "errors": errors, "query_list": queries,
        ]
        return (human, json)
    }
}
