import CICU

/// Step 2 of analysis: ICU's word break iterator over normalized text.
///
/// Words are the segments whose rule status is not "none": letters, numbers (`3072`, `7.2`),
/// ideographs (dictionary-segmented: `知识产权`, `地理标志`), kana. Spaces and punctuation are not words.
/// One `Segmenter` wraps one ICU iterator and is not thread-safe: use one per thread.
public final class Segmenter: @unchecked Sendable {
    private let breaker: OpaquePointer
    private var starts: [Int32] = Array(repeating: 0, count: 1024)
    private var ends: [Int32] = Array(repeating: 0, count: 1024)

    public init() throws(AnalysisError) {
        guard let b = cicu_breaker_open() else { throw AnalysisError.icuUnavailable("word break iterator") }
        breaker = b
    }

    deinit { cicu_breaker_close(breaker) }

    /// Word ranges (UTF-16 offsets into `text`), in order; nil when ICU fails on this text (the
    /// analyzer then falls back to letter runs, see `Analyzer`, rather than index no words).
    public func words(_ text: UnsafeBufferPointer<UInt16>) -> (starts: ArraySlice<Int32>, ends: ArraySlice<Int32>)? {
        while true {
            let capacity = starts.count
            let n = starts.withUnsafeMutableBufferPointer { s in
                ends.withUnsafeMutableBufferPointer { e in
                    cicu_breaker_words(breaker, text.baseAddress, Int32(text.count), s.baseAddress, e.baseAddress, Int32(capacity))
                }
            }
            if n == Int32.min { return nil }
            if n >= 0 { return (starts[0..<Int(n)], ends[0..<Int(n)]) }
            let needed = Int(-n)
            starts = Array(repeating: 0, count: needed)
            ends = Array(repeating: 0, count: needed)
        }
    }

    /// The bare iterator: number of words, nothing else (the throughput baseline).
    public func countWords(_ text: UnsafeBufferPointer<UInt16>) -> Int {
        Int(cicu_breaker_count(breaker, text.baseAddress, Int32(text.count)))
    }
}

/// Errors of the analysis layer.
public enum AnalysisError: Error, Equatable, CustomStringConvertible {
    case icuUnavailable(String)

    public var description: String {
        switch self {
        case .icuUnavailable(let what):
            return "ICU's \(what) could not be opened: is libicu installed (apt-get install libicu-dev)?"
        }
    }
}
