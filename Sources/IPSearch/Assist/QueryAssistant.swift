import IPSearchAnalysis
import IPSearchIndex

/// How one query part is searched besides its literal text.
public struct Expansion: Sendable, Equatable {
    public enum Kind: String, Sendable { case pinyin, synonym }
    /// The part as the user typed it.
    public var part: String
    /// What it is also searched as (Han strings for pinyin, rule terms for synonyms), best first.
    public var with: [String]
    public var kind: Kind

    public init(part: String, with: [String], kind: Kind) {
        self.part = part
        self.with = with
        self.kind = kind
    }
}

/// A "did you mean" proposal: the whole query with some parts corrected, and how many documents
/// match it (all of its parts).
public struct Suggestion: Sendable, Equatable {
    public var text: String
    public var documents: Int

    public init(text: String, documents: Int) {
        self.text = text
        self.documents = documents
    }
}

/// Query assistance over one index snapshot: pinyin and synonym expansions of a query part, and
/// "did you mean" corrections of homophone typos, all taken from the index's own text.
///
/// ```swift
/// let assistant = QueryAssistant(reader: searcher.reader, synonyms: synonymsFile.current().0)
/// assistant.expansions(of: "dilibiaozhi")  // [Expansion(part: "dilibiaozhi", with: ["地理标志"], kind: .pinyin)]
/// assistant.expansions(of: "国知局")        // [… with: ["国家知识产权局", "CNIPA"], kind: .synonym]
/// assistant.suggestions(for: ["地里标志"])   // [Suggestion(text: "地理标志", documents: 3)]
/// ```
/// Thread-safe (no mutable state); cheap to create per query.
public struct QueryAssistant: Sendable {
    public let reader: IndexReader
    public let synonyms: Synonyms

    /// At most this many pinyin alternatives per part.
    public var maxAlternatives = 8
    /// Candidate characters per full syllable and per initial (most frequent first).
    static let syllableCandidates = 48
    static let initialCandidates = 80
    /// Pinyin alternatives with fewer than 1/rarityCutoff of the best one's documents are dropped.
    static let rarityCutoff = 20
    /// Paths kept at each step of the walk.
    static let beam = 16

    public init(reader: IndexReader, synonyms: Synonyms = .builtIn) {
        self.reader = reader
        self.synonyms = synonyms
    }

    // MARK: Expansions

    /// Synonym and pinyin expansions of one query part (as typed, without quotes or `-`). A part
    /// gets pinyin alternatives when it reads as pinyin (see `PinyinParser`) and Han strings with
    /// that reading occur in the index; the literal part is still searched (and ranks first).
    public func expansions(of partText: String) -> [Expansion] {
        var result: [Expansion] = []
        let alternatives = synonyms.alternatives(for: partText)
        if !alternatives.isEmpty { result.append(Expansion(part: partText, with: alternatives, kind: .synonym)) }
        let pinyin = pinyinAlternatives(of: partText)
        if !pinyin.isEmpty { result.append(Expansion(part: partText, with: pinyin, kind: .pinyin)) }
        return result
    }

    /// Han strings of the index that read like `partText`, most documents first (at most
    /// `maxAlternatives`).
    public func pinyinAlternatives(of partText: String) -> [String] {
        let normalized = Synonyms.normalize(partText)
        guard normalized.unicodeScalars.contains(where: { $0.isASCII && $0.properties.isAlphabetic })
                || normalized.unicodeScalars.contains(where: { PinyinParser.toneMarked[$0.value] != nil }) else { return [] }
        let readings = PinyinParser.readings(of: normalized)
        guard !readings.isEmpty else { return [] }
        let finder = HanPathFinder(reader: reader)
        var scored: [String: (score: Int, order: Int)] = [:]
        var order = 0
        for tokens in readings {
            let positions = tokens.map(candidates)
            for path in finder.paths(through: positions, beam: QueryAssistant.beam, limit: 2 * maxAlternatives) {
                let s = path.string
                if let old = scored[s], old.score >= path.score { continue }
                scored[s] = (path.score, scored[s]?.order ?? order)
                order += 1
            }
        }
        let ranked = scored.sorted { $0.value.score != $1.value.score ? $0.value.score > $1.value.score : $0.value.order < $1.value.order }
        var result: [String] = []
        // Strings far rarer than the best reading are chance neighbours across words (是适 for shishi
        // next to 实施): dropped once the index is big enough to tell.
        let floor = (ranked.first?.value.score ?? 0) / QueryAssistant.rarityCutoff
        // Each check decodes postings: at most as many checks as alternatives wanted.
        for (s, value) in ranked.prefix(maxAlternatives) where result.count < maxAlternatives && value.score >= floor {
            // The gram chain is necessary, not sufficient (理标 may come from 地理标志 only): check
            // that the string itself occurs.
            if occurs(s) { result.append(s) }
        }
        return result
    }

    /// Candidate characters for one token, most likely first.
    func candidates(_ token: PinyinParser.Token) -> [UInt32] {
        switch token {
        case .han(let c):
            return [c]
        case .syllable(let s, let tone):
            let all = PinyinTable.toneless[s] ?? []
            if let tone {
                let toned = s + String(tone)
                let filtered = all.filter { PinyinTable.has($0, reading: toned) }
                if !filtered.isEmpty { return Array(filtered.prefix(QueryAssistant.syllableCandidates)) }
            }
            return Array(all.prefix(QueryAssistant.syllableCandidates))
        case .initial(let i):
            guard let first = i.first else { return [] }
            let all = PinyinTable.initials[String(first)] ?? []
            if i.count == 2 {
                let set = QueryAssistant.charactersWithInitial[i] ?? []
                return Array(all.lazy.filter { set.contains($0) }.prefix(QueryAssistant.initialCandidates))
            }
            return Array(all.prefix(QueryAssistant.initialCandidates))
        }
    }

    /// Characters read with a syllable starting with zh, ch or sh.
    static let charactersWithInitial: [String: Set<UInt32>] = {
        var result: [String: Set<UInt32>] = [:]
        for (syllable, chars) in PinyinTable.toneless {
            for initial in ["zh", "ch", "sh"] where syllable.hasPrefix(initial) {
                result[initial, default: []].formUnion(chars)
            }
        }
        return result
    }()

    // MARK: Counting

    /// A query part for a string of Han characters (one run: no segmentation needed).
    static func hanPart(_ s: String) -> QueryPart {
        let units = Array(s.utf16)
        return QueryPart(text: s, normalized: units,
                         runs: [QueryRun(offset: 0, scalars: s.unicodeScalars.map(\.value), units: units)])
    }

    /// True when `s` occurs in some live document (stops at the first segment that has it).
    func occurs(_ s: String) -> Bool {
        let part = QueryAssistant.hanPart(s)
        for segment in reader.segments.sorted(by: { $0.documentCount > $1.documentCount }) {
            if let m = try? PartMatcher.match(part, in: segment), !m.docs.isEmpty { return true }
        }
        return false
    }

    /// Documents matching `part`, per segment (ascending document numbers).
    func documents(_ part: QueryPart) -> [[Int32]] {
        reader.segments.map { (try? PartMatcher.match(part, in: $0).docs) ?? [] }
    }

    // MARK: Did you mean

    /// Corrections for a query with no hits (or few): each Han part is replaced by strings of the
    /// index with the same toneless reading (地里标志 → 地理标志), or failing that a near reading
    /// (z/zh, c/ch, s/sh, n/l, an/ang, en/eng, in/ing). Each suggestion is the whole query (parts
    /// joined by spaces) and has hits: `documents` counts the documents matching all its parts.
    /// Same-reading corrections come first, then by documents. A part that already matches keeps
    /// its text unless a correction matches at least ten times as many documents. Costs a few
    /// gram lookups per character: call it only when the query found nothing or little.
    public func suggestions(for partTexts: [String], maxResults: Int = 3) -> [Suggestion] {
        guard maxResults > 0, !partTexts.isEmpty else { return [] }
        let analyzer = try? Analyzer()
        struct Option { var text: String; var tier: Int; var docs: [[Int32]]; var count: Int }
        var options: [[Option]] = []
        var anyCorrection = false
        for raw in partTexts {
            guard let analyzer, let part = QueryPart(raw, analyzer: analyzer) else {
                options.append([Option(text: raw, tier: 0, docs: [], count: -1)])
                continue
            }
            let docs = documents(part)
            let count = docs.reduce(0) { $0 + $1.count }
            var list = [Option(text: raw, tier: 0, docs: docs, count: count)]
            // A correction needs ten times the documents: impossible for a part this common.
            let hopeless = count > 0 && count * 10 > reader.documentCount
            for (text, tier) in hopeless ? [] : corrections(of: part.displayText, limit: maxResults) {
                let d = documents(QueryAssistant.hanPart(text))
                let c = d.reduce(0) { $0 + $1.count }
                if c > 0, count == 0 || c >= 10 * count {
                    list.append(Option(text: text, tier: tier, docs: d, count: c))
                }
            }
            if list.count > 1 {
                anyCorrection = true
                // The original stays the last resort for this part; corrections by tier, then documents.
                let corrections = list.dropFirst().sorted { $0.tier != $1.tier ? $0.tier < $1.tier : $0.count > $1.count }
                list = Array(corrections) + (count > 0 ? [list[0]] : [])
            }
            options.append(list)
        }
        guard anyCorrection else { return [] }

        // Whole-query combinations: every part's best option, then one part at a time varied.
        var combos: [[Int]] = [options.map { _ in 0 }]
        for p in options.indices {
            for k in options[p].indices.dropFirst() {
                var c = combos[0]
                c[p] = k
                combos.append(c)
            }
        }
        var seen = Set<String>()
        var scored: [(Suggestion, tier: Int)] = []
        let original = partTexts.map(QueryAssistant.quoted).joined(separator: " ")
        for combo in combos {
            let chosen = combo.enumerated().map { options[$0.offset][$0.element] }
            let text = chosen.map { QueryAssistant.quoted($0.text) }.joined(separator: " ")
            guard text != original, seen.insert(text).inserted else { continue }
            let counted = chosen.filter { $0.count >= 0 }
            guard !counted.isEmpty else { continue }
            var total = 0
            for s in reader.segments.indices {
                var docs = Set(counted[0].docs[s])
                for o in counted.dropFirst() where !docs.isEmpty { docs.formIntersection(o.docs[s]) }
                total += docs.count
            }
            if total > 0 { scored.append((Suggestion(text: text, documents: total), chosen.map(\.tier).max() ?? 0)) }
        }
        scored.sort { $0.tier != $1.tier ? $0.tier < $1.tier : $0.0.documents > $1.0.documents }
        return scored.prefix(maxResults).map(\.0)
    }

    private static func quoted(_ s: String) -> String {
        s.contains(where: { $0.isWhitespace }) ? "\"\(s)\"" : s
    }

    /// Strings of the index that read (tier 1) or nearly read (tier 2) like the Han string `text`,
    /// most likely first; empty for anything but 2–12 Han characters.
    func corrections(of text: String, limit: Int) -> [(String, Int)] {
        let scalars = text.unicodeScalars.map(\.value)
        guard scalars.count >= 2, scalars.count <= 12, scalars.allSatisfy(PinyinParser.isHan) else { return [] }
        let finder = HanPathFinder(reader: reader)
        var result: [(String, Int)] = []
        var seen: Set<String> = [text]
        for tier in 1...2 {
            let positions = scalars.map { c -> [UInt32] in
                var list: [UInt32] = [c]
                var members: Set<UInt32> = [c]
                for syllable in QueryAssistant.syllables(of: c, near: tier == 2) {
                    for h in (PinyinTable.toneless[syllable] ?? []).prefix(QueryAssistant.syllableCandidates)
                    where members.insert(h).inserted {
                        list.append(h)
                    }
                }
                return list
            }
            if tier == 2 && positions.allSatisfy({ $0.count == 1 }) { break }
            // Each check decodes postings: at most twice as many checks as corrections wanted.
            for path in finder.paths(through: positions, beam: QueryAssistant.beam, limit: 2 * limit + 1) {
                let s = path.string
                if seen.insert(s).inserted, occurs(s) {
                    result.append((s, tier))
                    if result.count >= limit { return result }
                }
            }
            if !result.isEmpty { break }
        }
        return result
    }

    /// Toneless syllables of `c`: its own readings, or (near) the readings one confusion away.
    static func syllables(of c: UInt32, near: Bool) -> [String] {
        var own: [String] = []
        for r in PinyinTable.readings(of: c) {
            let t = PinyinTable.toneless(r)
            if !own.contains(t) { own.append(t) }
        }
        guard near else { return own }
        var result: [String] = []
        for s in own {
            for v in nearReadings(s) where !own.contains(v) && !result.contains(v) { result.append(v) }
        }
        return result
    }

    /// Syllables one common confusion away: z/zh, c/ch, s/sh, n/l initials; an/ang, en/eng, in/ing finals.
    static func nearReadings(_ s: String) -> [String] {
        var initialVariants = [s]
        for (a, b) in [("zh", "z"), ("ch", "c"), ("sh", "s")] {
            if s.hasPrefix(a) { initialVariants.append(b + s.dropFirst(2)) } else if s.hasPrefix(b) { initialVariants.append(a + s.dropFirst(1)) }
        }
        if s.hasPrefix("n") { initialVariants.append("l" + s.dropFirst()) } else if s.hasPrefix("l") { initialVariants.append("n" + s.dropFirst()) }
        var result: [String] = []
        for v in initialVariants {
            var finals = [v]
            for (short, long) in [("an", "ang"), ("en", "eng"), ("in", "ing")] {
                if v.hasSuffix(long) { finals.append(String(v.dropLast())) } else if v.hasSuffix(short) { finals.append(v + "g") }
            }
            for f in finals where f != s && PinyinTable.toneless[f] != nil && !result.contains(f) { result.append(f) }
        }
        return result
    }

    // MARK: Word boundaries

    /// True when the normalized UTF-16 range `occurrence` of a document is not in the middle of
    /// another word: no ICU word of the document straddles its start or its end. `知产` in 认知产生
    /// (words 认知|产生) straddles both and is rejected; 国知局 standing alone passes. Use it to
    /// check where a synonym expansion (an abbreviation) matched.
    public static func isWholeWord(occurrence: Range<Int>, in analysis: Analysis) -> Bool {
        !straddled(occurrence.lowerBound, analysis) && !straddled(occurrence.upperBound, analysis)
    }

    /// Whether some word starts before `p` and ends after it.
    private static func straddled(_ p: Int, _ analysis: Analysis) -> Bool {
        let starts = analysis.wordStarts
        // Last word starting before p.
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(starts[mid]) < p { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return false }
        return Int(analysis.wordEnds[lo - 1]) > p
    }
}
