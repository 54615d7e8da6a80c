import Foundation
import IPSearchAnalysis
import IPSearchIndex

/// `ipsearch-bench archive DIR [--repeat N] [--analyze-sample N] [--threshold X] [--json]`
///
/// Near-duplicate grouping on the press-release archive made by `make_corpus.py --only archive`
/// (see Benchmarks/archive/run.sh): every `.txt` under DIR is a document (key: its path relative to
/// DIR); DIR/copies.json lists the republished copies and their originals.
///
/// Per document, the front matter is cut off and the body is normalized (`Normalizer.normalize`,
/// not timed: the indexer normalizes anyway). Crumbs and footers are left in (no boilerplate
/// removal here), which makes copies less similar than in the index. Then, timed in thread CPU time:
/// - **signatures**: `NearDuplicates.signature` over every body, median of N passes, in MB/s of UTF-8
///   input (the unit of the analysis benchmark), and its cost relative to the full analyzer
///   (`Analyzer.analyze(normalized:)`, measured on the first `--analyze-sample` documents);
/// - **grouping**: `NearDuplicates.group` over all documents, median of N runs.
/// Quality against copies.json, pairwise: a pair of documents is *predicted* when they are in one
/// group, *true* when they are copies of one original (or a copy and its original). Precision =
/// predicted ∩ true / predicted, recall = predicted ∩ true / true; recall is also given separately
/// for Traditional and Simplified copies, with the estimated similarity of copies to their originals.
enum ArchiveBenchmark {
    static let usage = """
        usage: ipsearch-bench archive DIR [--repeat N] [--analyze-sample N] [--threshold X] [--json]
          DIR                  the archive corpus (make_corpus.py --only archive): *.txt and copies.json
          --repeat N           timed passes of signatures and of grouping (default 5)
          --analyze-sample N   documents the analyzer is timed on, for the relative cost (default 3000)
          --threshold X        estimated Jaccard similarity for grouping (default: NearDuplicates.threshold)
          --json               print one JSON object on stdout (the human summary goes to stderr)

        """

    struct Options {
        var directory = ""
        var repeats = 5
        var analyzeSample = 3000
        var threshold = NearDuplicates.threshold
        var json = false
    }


    static func main(_ args: [String]) -> Int32 {
        let options: Options
        do {
            options = try parse(args)
        } catch {
            fputs("ipsearch-bench archive: \(error)\n\(usage)", stderr)
            return 2
        }
        do {
            let report = try run(options)
            if options.json {
                fputs(report.human + "\n", stderr)
                print(report.json)
            } else {
                print(report.human)
            }
            return 0
        } catch {
            fputs("ipsearch-bench archive: \(error)\n", stderr)
            return 1
        }
    }

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        var directory: String?
        var a = Arguments(args)
        while let arg = a.next() {
            switch arg {
            case "--repeat": o.repeats = try a.integer(of: arg, min: 1)
            case "--analyze-sample": o.analyzeSample = try a.integer(of: arg, min: 0)
            case "--threshold": o.threshold = try a.number(of: arg, "in (0, 1]") { $0 > 0 && $0 <= 1 }
            case "--json": o.json = true
            default: directory = try Arguments.directory(arg, after: directory)
            }
        }
        guard let d = directory else { throw UsageError(description: "missing DIR") }
        o.directory = d
        return o
    }

    struct Document {
        var key: String
        var bytes: Int
        var body: [UInt16]  // normalized
    }

    /// The text after a `---` front-matter block at the top, if any.
    static func body(of text: String) -> Substring {
        guard text.hasPrefix("---\n") else { return text[...] }
        guard let end = text.range(of: "\n---\n", range: text.index(text.startIndex, offsetBy: 3)..<text.endIndex) else { return text[...] }
        return text[end.upperBound...]
    }

    static func load(_ path: String) throws -> [Document] {
        let root = URL(fileURLWithPath: path).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw UsageError(description: "cannot list \(path)")
        }
        var files: [String] = []
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in walker where url.pathExtension == "txt" {
            let p = url.standardizedFileURL.path
            files.append(p.hasPrefix(prefix) ? String(p.dropFirst(prefix.count)) : p)
        }
        files.sort()
        let normalizer = Normalizer()
        var docs: [Document] = []
        docs.reserveCapacity(files.count)
        for key in files {
            let data = try Data(contentsOf: root.appendingPathComponent(key))
            let text = String(decoding: data, as: UTF8.self)
            docs.append(Document(key: key, bytes: data.count, body: normalizer.normalize(Array(body(of: text).utf16)).units))
        }
        return docs
    }

    struct Copy {
        var copy: String
        var original: String
        var traditional: Bool
    }

    static func loadCopies(_ path: String) throws -> [Copy] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent("copies.json"))
        guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw UsageError(description: "copies.json is not a list of objects")
        }
        return list.compactMap { o in
            guard let c = o["copy"] as? String, let orig = o["original"] as? String else { return nil }
            return Copy(copy: c, original: orig, traditional: (o["traditional"] as? Bool) ?? false)
        }
    }

    struct Report {
        var human: String
        var json: String
    }

    static func run(_ options: Options) throws -> Report {
        let wallStart = Date()
        let docs = try load(options.directory)
        let copies = try loadCopies(options.directory)
        guard !docs.isEmpty else { throw UsageError(description: "no .txt files under \(options.directory)") }
        let loadSeconds = Date().timeIntervalSince(wallStart)
        let bytes = docs.reduce(0) { $0 + $1.bytes }

        // Signatures.
        var signatures: [NearDuplicates.Signature] = []
        var signatureSeconds: [Double] = []
        for _ in 0..<options.repeats {
            var out: [NearDuplicates.Signature] = []
            out.reserveCapacity(docs.count)
            let t = AnalysisBenchmark.time {
                for d in docs { out.append(d.body.withUnsafeBufferPointer { NearDuplicates.signature(of: $0) }) }
            }
            signatureSeconds.append(t.cpu)
            signatures = out
        }
        let signatureMBps = Double(bytes) / AnalysisBenchmark.median(signatureSeconds) / 1e6

        // The analyzer on a sample, for the relative cost (same bodies, already normalized).
        let sample = docs.prefix(options.analyzeSample)
        var analyzerSampleMBps = Double.nan, signatureSampleMBps = Double.nan
        if !sample.isEmpty {
            let analyzer = try Analyzer()
            let normalizer = Normalizer()
            let texts = sample.map { normalizer.normalize($0.body) }
            let sampleBytes = sample.reduce(0) { $0 + $1.bytes }
            var sink = 0
            for t in texts.prefix(50) { sink &+= analyzer.analyze(normalized: t).grams.count }  // warm-up
            var a: [Double] = [], s: [Double] = []
            for _ in 0..<options.repeats {
                a.append(AnalysisBenchmark.time { for t in texts { sink &+= analyzer.analyze(normalized: t).grams.count } }.cpu)
                s.append(AnalysisBenchmark.time { for d in sample { sink &+= Int(d.body.withUnsafeBufferPointer { NearDuplicates.signature(of: $0) }.values.first ?? 0) } }.cpu)
            }
            if sink == 42 { fputs("", stderr) }
            analyzerSampleMBps = Double(sampleBytes) / AnalysisBenchmark.median(a) / 1e6
            signatureSampleMBps = Double(sampleBytes) / AnalysisBenchmark.median(s) / 1e6
        }

        // Grouping.
        let input = zip(docs, signatures).map { (key: $0.key, signature: $1) }
        var leaders: [Int] = []
        var groupSeconds: [Double] = []
        for _ in 0..<options.repeats {
            var l: [Int] = []
            groupSeconds.append(AnalysisBenchmark.time { l = NearDuplicates.group(input, threshold: options.threshold) }.cpu)
            leaders = l
        }
        let groupTime = AnalysisBenchmark.median(groupSeconds)

        // Quality.
        let index = Dictionary(docs.indices.map { (docs[$0].key, $0) }, uniquingKeysWith: { a, _ in a })
        var truth = Array(docs.indices)  // truth cluster: the original's index
        for c in copies {
            if let ci = index[c.copy], let oi = index[c.original] { truth[ci] = oi }
        }
        func pairs(_ n: Int) -> Int { n * (n - 1) / 2 }
        var predictedSizes: [Int: Int] = [:], trueSizes: [Int: Int] = [:], cells: [Int: Int] = [:]
        for i in docs.indices {
            predictedSizes[leaders[i], default: 0] += 1
            trueSizes[truth[i], default: 0] += 1
            cells[leaders[i] &* docs.count &+ truth[i], default: 0] += 1
        }
        let predictedPairs = predictedSizes.values.reduce(0) { $0 + pairs($1) }
        let truePairs = trueSizes.values.reduce(0) { $0 + pairs($1) }
        let bothPairs = cells.values.reduce(0) { $0 + pairs($1) }
        let precision = predictedPairs == 0 ? 1 : Double(bothPairs) / Double(predictedPairs)
        let recall = truePairs == 0 ? 1 : Double(bothPairs) / Double(truePairs)
        let groupsWithCopies = predictedSizes.values.filter { $0 > 1 }.count

        var found = (trad: 0, tradAll: 0, simp: 0, simpAll: 0)
        var copySimilarity: [Double] = []
        var missed: [(String, Double)] = []
        for c in copies {
            guard let ci = index[c.copy], let oi = index[c.original] else { continue }
            let together = leaders[ci] == leaders[oi]
            if c.traditional { found.tradAll += 1; if together { found.trad += 1 } } else { found.simpAll += 1; if together { found.simp += 1 } }
            let s = signatures[ci].similarity(to: signatures[oi]) ?? 0
            copySimilarity.append(s)
            if !together { missed.append((c.copy, s)) }
        }
        copySimilarity.sort()
        func q(_ p: Double) -> Double {
            copySimilarity.isEmpty ? .nan : copySimilarity[min(copySimilarity.count - 1, Int(Double(copySimilarity.count) * p))]
        }
        // Unrelated pairs: document i against document i + n/2 (not in one true cluster).
        var unrelatedMax = 0.0
        var unrelatedAbove = 0
        for i in 0..<(docs.count / 2) {
            let j = i + docs.count / 2
            guard truth[i] != truth[j], let s = signatures[i].similarity(to: signatures[j]) else { continue }
            unrelatedMax = max(unrelatedMax, s)
            if s >= 0.3 { unrelatedAbove += 1 }
        }

        func f(_ x: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", x) }
        let mb = Double(bytes) / 1e6
        var human = "archive \(options.directory): \(docs.count) documents, \(f(mb)) MB UTF-8, \(copies.count) copies "
            + "(\(found.tradAll) Traditional); K=\(NearDuplicates.hashCount), \(NearDuplicates.shingleLength)-char shingles, "
            + "\(NearDuplicates.bands)×\(NearDuplicates.rowsPerBand) bands, threshold \(options.threshold)\n"
        human += "  signatures: \(f(signatureMBps, 1)) MB/s (median of \(options.repeats), CPU); on the first \(sample.count) documents: "
            + "signatures \(f(signatureSampleMBps, 1)) MB/s vs analyzer \(f(analyzerSampleMBps, 1)) MB/s = "
            + "\(f(analyzerSampleMBps / signatureSampleMBps * 100, 1))% of analysis time\n"
        human += "  grouping: \(f(groupTime * 1000, 1)) ms for \(docs.count) documents (median of \(options.repeats), CPU); "
            + "\(groupsWithCopies) groups with copies\n"
        human += "  pairs: precision \(f(precision, 4)), recall \(f(recall, 4)) (\(bothPairs) of \(predictedPairs) predicted, \(truePairs) true); "
            + "copies with their original: Traditional \(found.trad)/\(found.tradAll), Simplified \(found.simp)/\(found.simpAll)\n"
        human += "  similarity copy–original: min \(f(q(0))), p1 \(f(q(0.01))), p5 \(f(q(0.05))), median \(f(q(0.5))); "
            + "unrelated pairs: max \(f(unrelatedMax)), \(unrelatedAbove) ≥ 0.3 of \(docs.count / 2)\n"
        human += "  load + normalize: \(f(loadSeconds, 1)) s wall"
        if !missed.isEmpty {
            human += "\n  missed (first 5): " + missed.prefix(5).map { "\($0.0) \(f($0.1))" }.joined(separator: ", ")
        }
        let object: [String: Any] = [
            "benchmark": "archive", "directory": options.directory, "documents": docs.count, "bytes_utf8": bytes,
            "copies": copies.count, "traditional_copies": found.tradAll,
            "k": NearDuplicates.hashCount, "shingle": NearDuplicates.shingleLength, "bands": NearDuplicates.bands,
            "rows_per_band": NearDuplicates.rowsPerBand, "threshold": options.threshold,
            "signature_mb_per_s": signatureMBps, "sample_documents": sample.count,
            "sample_signature_mb_per_s": signatureSampleMBps, "sample_analyzer_mb_per_s": analyzerSampleMBps,
            "group_seconds": groupTime, "group_seconds_samples": groupSeconds, "groups_with_copies": groupsWithCopies,
            "precision": precision, "recall": recall, "predicted_pairs": predictedPairs, "true_pairs": truePairs,
            "correct_pairs": bothPairs, "traditional_found": found.trad, "simplified_found": found.simp,
            "simplified_copies": found.simpAll,
            "copy_similarity_min": q(0), "copy_similarity_p1": q(0.01), "copy_similarity_p5": q(0.05),
            "copy_similarity_median": q(0.5),
            "unrelated_max_similarity": unrelatedMax,
        ]
        let finite = object.mapValues { v -> Any in ((v as? Double)?.isFinite == false) ? NSNull() : v }
        let data = (try? JSONSerialization.data(withJSONObject: finite, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Report(human: human, json: String(decoding: data, as: UTF8.self))
    }
}
