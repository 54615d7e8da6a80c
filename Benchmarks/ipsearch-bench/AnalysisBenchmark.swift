import Foundation
import IPSearchAnalysis

/// `ipsearch-bench analysis DIR [--repeat N] [--min-time S] [--json]`
///
/// Throughput of the whole analyzer (`Analyzer.analyze(utf16:)`: normalization, Traditional →
/// Simplified folding, pinyin stripping, ICU segmentation, runs, grams, offsets) against the bare ICU
/// word break iterator (`Segmenter.countWords`, which walks every boundary and reads its rule status)
/// on the same documents, in the same process. Every `.txt` / `.md` file under DIR is read as UTF-8
/// and converted to UTF-16 once, before any timing. Then, after one untimed warm-up pass of each
/// (ICU loads its dictionaries, the fold cache fills), the two are measured alternately N times
/// (bare, analyzer, bare, analyzer, …); one sample is `passes` passes over all documents, with
/// `passes` chosen so that a sample takes at least `--min-time` seconds. Reported: the medians, in
/// MB/s of UTF-8 input (1 MB = 10⁶ bytes), and analyzer/bare. Single-threaded.
///
/// Time is measured twice per sample: the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`, the primary
/// figures: on a shared machine it does not count the time the benchmark was descheduled) and wall
/// time (reported alongside). The ratio is also given as the median of the per-sample ratios of each
/// bare sample and the analyzer sample right after it, which is robust to load that drifts.
///
/// A third, diagnostic measurement is interleaved as well: the normalizer alone
/// (`Normalizer.normalize`), to show how the analyzer's time divides.
enum AnalysisBenchmark {
    static let usage = """
        usage: ipsearch-bench analysis DIR [--repeat N] [--min-time SECONDS] [--json]
          DIR             directory searched recursively for .txt and .md files (read as UTF-8)
          --repeat N      number of alternating samples of each measurement (default 5)
          --min-time S    minimum duration of one sample, in seconds (default 0.3)
          --json          print one JSON object on stdout (the human summary goes to stderr)

        """

    struct Options {
        var directory = ""
        var repeats = 5
        var minTime = 0.3
        var json = false
    }

    static func main(_ args: [String]) -> Int32 {
        let options: Options
        do {
            options = try parse(args)
        } catch {
            fputs("ipsearch-bench analysis: \(error)\n\(usage)", stderr)
            return 2
        }
        let documents: [[UInt16]]
        let bytes: Int
        do {
            (documents, bytes) = try load(options.directory)
        } catch {
            fputs("ipsearch-bench analysis: \(error)\n", stderr)
            return 1
        }
        guard bytes > 0 else {
            fputs("ipsearch-bench analysis: no .txt or .md files with content under \(options.directory)\n", stderr)
            return 1
        }
        do {
            let result = try run(documents, bytes: bytes, options: options)
            let line = result.humanLine(directory: options.directory)
            if options.json {
                fputs(line + "\n", stderr)
                print(result.json(directory: options.directory))
            } else {
                print(line)
            }
            return 0
        } catch {
            fputs("ipsearch-bench analysis: \(error)\n", stderr)
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
            case "--min-time": o.minTime = try a.number(of: arg, "of seconds ≥ 0") { $0 >= 0 }
            case "--json": o.json = true
            default: directory = try Arguments.directory(arg, after: directory)
            }
        }
        guard let d = directory else { throw UsageError(description: "missing DIR") }
        o.directory = d
        return o
    }

    /// UTF-16 of every .txt / .md file under `path` (sorted by path), and their total UTF-8 size.
    static func load(_ path: String) throws -> ([[UInt16]], Int) {
        let root = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError(description: "\(path) is not a directory")
        }
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [])
        else { throw UsageError(description: "cannot list \(path)") }
        var files: [URL] = []
        for case let url as URL in walker {
            let ext = url.pathExtension.lowercased()
            guard ext == "txt" || ext == "md" else { continue }
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            files.append(url)
        }
        files.sort { $0.path < $1.path }
        var documents: [[UInt16]] = []
        var bytes = 0
        for url in files {
            let data = try Data(contentsOf: url)
            guard !data.isEmpty else { continue }
            bytes += data.count
            documents.append(Array(String(decoding: data, as: UTF8.self).utf16))
        }
        return (documents, bytes)
    }

    struct Result {
        var files: Int
        var bytes: Int
        var utf16Units: Int
        var repeats: Int
        var passes: Int
        // Thread CPU time and wall time of each sample.
        var bareSeconds: [Double] = []
        var analyzerSeconds: [Double] = []
        var normalizeSeconds: [Double] = []
        var bareWall: [Double] = []
        var analyzerWall: [Double] = []
        var firstBareSeconds = 0.0
        var firstAnalyzerSeconds = 0.0
        var bareWords = 0
        var analyzerWords = 0
        var grams = 0

        func mbps(_ seconds: Double) -> Double { Double(bytes) * Double(passes) / seconds / 1e6 }
        var bareMBps: Double { mbps(AnalysisBenchmark.median(bareSeconds)) }
        var analyzerMBps: Double { mbps(AnalysisBenchmark.median(analyzerSeconds)) }
        var normalizeMBps: Double { mbps(AnalysisBenchmark.median(normalizeSeconds)) }
        var ratio: Double { analyzerMBps / bareMBps }
        /// Median over samples of bare time / analyzer time (adjacent samples).
        var pairedRatio: Double { AnalysisBenchmark.median(zip(bareSeconds, analyzerSeconds).map { $0 / $1 }) }
        var bareWallMBps: Double { mbps(AnalysisBenchmark.median(bareWall)) }
        var analyzerWallMBps: Double { mbps(AnalysisBenchmark.median(analyzerWall)) }

        func humanLine(directory: String) -> String {
            let mb = String(format: "%.2f", Double(bytes) / 1e6)
            return "analysis \(directory): \(files) files, \(mb) MB UTF-8; median of \(repeats) × \(passes) passes, CPU time: "
                + "bare ICU \(f(bareMBps)) MB/s, analyzer \(f(analyzerMBps)) MB/s, analyzer/bare "
                + String(format: "%.1f%% (paired %.1f%%)", ratio * 100, pairedRatio * 100)
                + "; wall: bare \(f(bareWallMBps)), analyzer \(f(analyzerWallMBps)) MB/s"
                + String(format: " (%.1f%%)", analyzerWallMBps / bareWallMBps * 100)
                + "; normalizer alone \(f(normalizeMBps)) MB/s; first pass: bare \(f(mbps1(firstBareSeconds))), "
                + "analyzer \(f(mbps1(firstAnalyzerSeconds))) MB/s; \(analyzerWords) words, \(grams) grams per pass"
        }

        func mbps1(_ seconds: Double) -> Double { Double(bytes) / seconds / 1e6 }

        func json(directory: String) -> String {
            let object: [String: Any] = [
                "benchmark": "analysis",
                "directory": directory,
                "files": files,
                "bytes_utf8": bytes,
                "utf16_units": utf16Units,
                "repeats": repeats,
                "passes_per_sample": passes,
                "bare_mb_per_s": round3(bareMBps),
                "analyzer_mb_per_s": round3(analyzerMBps),
                "ratio_analyzer_to_bare": round3(ratio),
                "ratio_analyzer_to_bare_paired": round3(pairedRatio),
                "time": "thread CPU time (wall time in *_wall_*)",
                "bare_wall_mb_per_s": round3(bareWallMBps),
                "analyzer_wall_mb_per_s": round3(analyzerWallMBps),
                "ratio_analyzer_to_bare_wall": round3(analyzerWallMBps / bareWallMBps),
                "normalizer_mb_per_s": round3(normalizeMBps),
                "bare_samples_mb_per_s": bareSeconds.map { round3(mbps($0)) },
                "analyzer_samples_mb_per_s": analyzerSeconds.map { round3(mbps($0)) },
                "normalizer_samples_mb_per_s": normalizeSeconds.map { round3(mbps($0)) },
                "first_pass_bare_mb_per_s": round3(mbps1(firstBareSeconds)),
                "first_pass_analyzer_mb_per_s": round3(mbps1(firstAnalyzerSeconds)),
                "bare_words_per_pass": bareWords,
                "analyzer_words_per_pass": analyzerWords,
                "grams_per_pass": grams,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }

        private func f(_ x: Double) -> String { String(format: "%.2f", x) }
        private func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
    }

    static func run(_ documents: [[UInt16]], bytes: Int, options: Options) throws -> Result {
        let analyzer = try Analyzer()
        let segmenter = try Segmenter()
        let normalizer = Normalizer()
        var result = Result(
            files: documents.count, bytes: bytes, utf16Units: documents.reduce(0) { $0 + $1.count },
            repeats: options.repeats, passes: 1)

        // One pass of each measurement; returns what it counted, so nothing can be optimized away.
        func bare() -> Int {
            var words = 0
            for d in documents { words += d.withUnsafeBufferPointer { segmenter.countWords($0) } }
            return words
        }
        func analyze() -> (words: Int, grams: Int) {
            var words = 0, grams = 0
            for d in documents {
                let a = analyzer.analyze(utf16: d)
                words += a.wordCount
                grams += a.grams.count
            }
            return (words, grams)
        }
        func normalize() -> Int {
            var units = 0
            for d in documents { units += normalizer.normalize(d).count }
            return units
        }

        // Warm-up (also the first-pass figures) and calibration of passes per sample.
        var sink = 0
        result.firstBareSeconds = time { result.bareWords = bare() }.cpu
        result.firstAnalyzerSeconds = time { (result.analyzerWords, result.grams) = analyze() }.cpu
        let calibration = min(time { sink &+= bare() }.cpu, time { sink &+= analyze().words }.cpu)
        result.passes = max(1, Int((options.minTime / max(calibration, 1e-9)).rounded(.up)))

        for _ in 0..<options.repeats {
            let b = time { for _ in 0..<result.passes { sink &+= bare() } }
            let a = time { for _ in 0..<result.passes { sink &+= analyze().grams } }
            let n = time { for _ in 0..<result.passes { sink &+= normalize() } }
            result.bareSeconds.append(b.cpu)
            result.bareWall.append(b.wall)
            result.analyzerSeconds.append(a.cpu)
            result.analyzerWall.append(a.wall)
            result.normalizeSeconds.append(n.cpu)
        }
        if sink == 42 { fputs("", stderr) }  // keep `sink` alive
        return result
    }

    /// Thread CPU time and wall time of `body`, in seconds.
    static func time(_ body: () -> Void) -> (cpu: Double, wall: Double) {
        let clock = ContinuousClock()
        let cpuStart = threadCPUTime()
        let start = clock.now
        body()
        let d = clock.now - start
        let cpu = threadCPUTime() - cpuStart
        return (cpu, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }

    static func threadCPUTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
