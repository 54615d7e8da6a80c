import IPSearchAnalysis
import IPSearchIndex
#if canImport(Glibc)
import Glibc
#endif

/// Query-time synonyms and abbreviations: a query part that equals one side of a rule is also
/// searched as the other side(s). Nothing is reindexed.
///
/// Rule syntax (one rule a line; the same in `synonyms.txt` and `builtInRules`):
/// - `a, b, c` — equivalent: each finds the others.
/// - `a => b, c` — one-way: `a` also finds `b` and `c`, not the reverse.
/// - `#` starts a comment; blank lines are ignored.
/// Terms are compared after the documents' normalization (case, full-width and Traditional fold), so
/// `wipo`, `ＷＩＰＯ` and `WIPO` are one term, and so are 國知局 and 国知局.
public struct Synonyms: Sendable, Hashable {
    /// The user's rules file, at the top of the corpus folder (not indexed as a document).
    public static let fileName = "synonyms.txt"

    /// Normalized term → the terms it also finds, as written in the rules, in rule order.
    public private(set) var alternatives: [String: [String]] = [:]

    public init() {}

    /// The built-in rules: abbreviations of the field that only ever mean the long form in press
    /// releases on intellectual property. Kept conservative: no abbreviation that is also a common
    /// word (地标 "landmark" is not 地理标志), no plain English words.
    public static let builtInRules = """
        # Offices and organisations
        国知局, 国家知识产权局, CNIPA
        国新办, 国务院新闻办公室, 国务院新闻办
        世界知识产权组织, WIPO
        世贸组织, 世界贸易组织, WTO
        市场监管总局, 国家市场监督管理总局
        最高法, 最高人民法院
        最高检, 最高人民检察院
        欧盟知识产权局, EUIPO
        欧洲专利局, EPO
        美国专利商标局, USPTO
        # Treaties
        专利合作条约, PCT
        与贸易有关的知识产权协定, TRIPS
        # Abbreviations that only expand (the long form should not find every abbreviation)
        知产 => 知识产权
        知产局 => 知识产权局
        """

    /// `builtInRules`, parsed at development time (`BuiltInSynonyms`; a test checks that the table
    /// is what `parse` makes of the rules).
    public static let builtIn = Synonyms(alternatives: BuiltInSynonyms.alternatives)

    private init(alternatives: [String: [String]]) { self.alternatives = alternatives }

    /// The terms `part` also finds (empty when no rule names it).
    public func alternatives(for part: String) -> [String] {
        alternatives[Synonyms.normalize(part)] ?? []
    }

    public var isEmpty: Bool { alternatives.isEmpty }

    /// These rules, then `other`'s (duplicates dropped).
    public func merging(_ other: Synonyms) -> Synonyms {
        var merged = self
        var normalizer = MemoizedNormalizer()
        for (term, list) in other.alternatives {
            for t in list { merged.add(term, t, &normalizer) }
        }
        return merged
    }

    private mutating func add(_ key: String, _ alternative: String, _ normalizer: inout MemoizedNormalizer) {
        let normalized = normalizer.normalize(alternative)
        guard normalized != key else { return }
        var list = alternatives[key] ?? []
        if !list.contains(where: { normalizer.normalize($0) == normalized }) {
            list.append(alternative)
        }
        alternatives[key] = list
    }

    /// `normalize`, each distinct term once: rules name the same terms many times, and every
    /// process parses the built-in rules before its first query.
    private struct MemoizedNormalizer {
        private var known: [String: String] = [:]
        mutating func normalize(_ term: String) -> String {
            if let n = known[term] { return n }
            let n = Synonyms.normalize(term)
            known[term] = n
            return n
        }
    }

    /// Parses rules; every bad line is reported as `source:line: reason` and skipped.
    public static func parse(_ text: String, source: String = "synonyms.txt") -> (Synonyms, problems: [String]) {
        var synonyms = Synonyms()
        var problems: [String] = []
        var normalizer = MemoizedNormalizer()
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            if number == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty { continue }
            func problem(_ reason: String) { problems.append("\(source):\(number): \(reason): \(trimmed)") }
            let arrows = trimmed.components(separatedBy: "=>")
            if arrows.count > 2 { problem("more than one =>"); continue }
            if arrows.count == 2 {
                let from = terms(arrows[0]), to = terms(arrows[1])
                if from.isEmpty || to.isEmpty { problem("=> needs terms on both sides"); continue }
                if let bad = (from + to).first(where: { normalizer.normalize($0).isEmpty }) { problem("\"\(bad)\" has nothing searchable"); continue }
                for f in from { for t in to { synonyms.add(normalizer.normalize(f), t, &normalizer) } }
            } else {
                let group = terms(trimmed)
                if group.count < 2 { problem("a rule needs at least two terms separated by commas (or a => b)"); continue }
                if let bad = group.first(where: { normalizer.normalize($0).isEmpty }) { problem("\"\(bad)\" has nothing searchable"); continue }
                for a in group { for b in group { synonyms.add(normalizer.normalize(a), b, &normalizer) } }
            }
        }
        return (synonyms, problems)
    }

    /// Reads rules from a file (UTF-8); an unreadable file is one problem and no rules.
    public static func load(file path: String) -> (Synonyms, problems: [String]) {
        guard let bytes = readFile(path) else { return (Synonyms(), ["\(path): cannot be read"]) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return (Synonyms(), ["\(path): is not UTF-8 text"])
        }
        return parse(text, source: path)
    }

    /// Terms of a comma list (ASCII or full-width commas, 、 too).
    private static func terms<S: StringProtocol>(_ s: S) -> [String] {
        s.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" })
            .map { $0.trimmingSpaces() }
            .filter { !$0.isEmpty }
    }

    /// The documents' normalization, with runs of spaces collapsed to one.
    static func normalize(_ s: String) -> String {
        let folded = Normalizer().normalize(Array(s.utf16)).string
        return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count { break }
            if bytes.count > 16 << 20 { return nil }  // not a rules file
        }
        return ferror(f) == 0 ? bytes : nil
    }
}

/// A user's `synonyms.txt`, re-read when its size or modification time changes (one `stat` per
/// call), merged over the built-in rules. The command line and the server ask it before each query,
/// so an edit applies to the next one without reindexing. Thread-safe.
public final class SynonymsFile: @unchecked Sendable {
    public let path: String
    public let base: Synonyms
    private let lock = Lock()
    private var stamp: FileStamp?
    private var loaded: (Synonyms, problems: [String]) = (Synonyms(), [])
    private var checked = false

    /// `base`: the rules the file's rules are added to (the built-in set by default).
    public init(path: String, base: Synonyms = .builtIn) {
        self.path = path
        self.base = base
    }

    /// The rules in force now and the file's problems (bad lines; empty when the file is fine or absent).
    public func current() -> (Synonyms, problems: [String]) {
        let now = FileStamp(path: path)
        return lock.withLock {
            if !checked || now != stamp {
                checked = true
                stamp = now
                if now == nil {
                    loaded = (base, [])
                } else {
                    let (user, problems) = Synonyms.load(file: path)
                    loaded = (base.merging(user), problems)
                }
            }
            return loaded
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
