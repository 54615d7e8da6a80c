import IPSearchAnalysis
import IPSearchIndex

/// The ranking model: BM25 over zone-weighted occurrence counts (BM25F in the form of Robertson et
/// al. 2004: each occurrence counts with the weight of the field it lies in, and the weighted count
/// goes through BM25's saturation once), plus a proximity score for parts that stand close together
/// in query order, plus a bonus when the whole query occurs as one sequence. Every factor is
/// reported by `--explain`.
///
/// Defaults:
/// - zone weights: title 3, body 1, boilerplate 0.15 (navigation, `来源/编辑/分享到` lines,
///   related-link lists, comment boxes, disclaimers);
/// - proximity: for each pair of consecutive query groups, `proximityWeight × min(idf) × f(d)` where
///   `d` is the smallest distance (in normalized characters) from the end of an occurrence of the
///   first part to the start of an occurrence of the second, `g` the gap the two have in the query,
///   and `f(d) = 1 / (1 + max(0, d − g) / 8)` in query order (half of it in reverse order);
/// - sequence: when every pair stands within its query gap in order, `sequenceWeight × Σ idf / n`;
/// - title coverage: `titleCoverageWeight × c² × Σ idf` of the parts in the title zone, where `c` is
///   the share of the clean title's letters their occurrences there cover, the title's section
///   number left out (`TitleCleaner.letterCount`: `菜单` covers all of `第 16 章 菜单`, `附录` all of
///   `附录 A. 附录`): a query equal to a short title wins over pages that only mention it, as a
///   short title field does in BM25F.
public struct Relevance: Sendable, Equatable, Hashable {
    public var k1 = 1.2
    public var b = 0.75
    public var titleWeight = 3.0
    public var bodyWeight = 1.0
    public var boilerplateWeight = 0.15
    public var proximityWeight = 1.0
    public var sequenceWeight = 1.0
    /// How much covering the title counts: `titleCoverageWeight × coverage² × Σ idf` of the parts
    /// found in the title, coverage = their letters / the title's letters (a query that *is* the
    /// title scores the whole weight; the per-field length normalization of BM25F for titles).
    public var titleCoverageWeight = 2.0

    public init() {}

    public var bm25: BM25 { BM25(k1: k1, b: b) }

    /// Whether every score term grows with what it counts and BM25 stays below idf × (k1 + 1)
    /// (`0 ≤ b ≤ 1`): what upper bounds on scores rely on (`rankWithBounds`).
    public var allowsScoreBounds: Bool {
        [k1, titleWeight, bodyWeight, boilerplateWeight, proximityWeight, sequenceWeight, titleCoverageWeight].allSatisfy { $0 >= 0 }
            && b >= 0 && b <= 1
    }

    @inline(__always)
    public func weight(_ zone: ZoneKind) -> Double {
        switch zone {
        case .title: return titleWeight
        case .body: return bodyWeight
        case .boilerplate: return boilerplateWeight
        }
    }

    /// Closeness of two parts `d` characters apart whose query gap is `g`.
    @inline(__always)
    public func closeness(distance d: Int, gap g: Int, inOrder: Bool) -> Double {
        let f = 1 / (1 + Double(max(0, d - g)) / 8)
        return inOrder ? f : f / 2
    }
}

/// Why a hit scored what it did (`--explain`, `"explanation"` in JSON).
public struct Explanation: Sendable, Equatable, Codable {
    /// Groups of the query the document matches, and how many there are.
    public var matchedGroups: Int
    public var groups: Int
    public var parts: [PartFactors]
    public var proximity: [PairFactors]
    public var sequenceBonus: Double
    /// Share of the title's letters the parts found in it cover, and the bonus for it.
    public var titleCoverage: Double
    public var titleBonus: Double
    public var score: Double

    public struct PartFactors: Sendable, Equatable, Codable {
        public var part: String
        /// `literal` (typed), `synonym` or `pinyin` (added by query assistance), and the factor its
        /// BM25 score is multiplied by (1 for typed text).
        public var origin: String
        public var factor: Double
        /// Occurrences by zone and their weighted sum (the tf that BM25 saturates).
        public var tf: Int
        public var tfTitle: Int
        public var tfBody: Int
        public var tfBoilerplate: Int
        public var weightedTF: Double
        public var df: Int
        public var documents: Int
        public var documentLength: Int
        public var averageLength: Double
        public var idf: Double
        public var score: Double

        enum CodingKeys: String, CodingKey {
            case part, origin, factor, tf, tfTitle = "tf_title", tfBody = "tf_body", tfBoilerplate = "tf_boilerplate",
                 weightedTF = "weighted_tf", df, documents = "n_docs", documentLength = "doc_len",
                 averageLength = "avg_doc_len", idf, score
        }
    }

    public struct PairFactors: Sendable, Equatable, Codable {
        public var first: String
        public var second: String
        /// Characters between them (nil when one of them is missing).
        public var distance: Int?
        public var gap: Int
        public var inOrder: Bool
        public var score: Double

        enum CodingKeys: String, CodingKey { case first, second, distance, gap, inOrder = "in_order", score }
    }

    enum CodingKeys: String, CodingKey {
        case matchedGroups = "matched_groups", groups, parts, proximity, sequenceBonus = "sequence_bonus",
             titleCoverage = "title_coverage", titleBonus = "title_bonus", score
    }

    /// What the `Codable` form encodes to, written directly, keys sorted (`SearchResponse.write(to:)`).
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("groups"); w.int(groups)
            w.key("matched_groups"); w.int(matchedGroups)
            w.key("parts")
            w.array(parts) { w, p in
                w.object { w in
                    w.key("avg_doc_len"); w.double(p.averageLength)
                    w.key("df"); w.int(p.df)
                    w.key("doc_len"); w.int(p.documentLength)
                    w.key("factor"); w.double(p.factor)
                    w.key("idf"); w.double(p.idf)
                    w.key("n_docs"); w.int(p.documents)
                    w.key("origin"); w.string(p.origin)
                    w.key("part"); w.string(p.part)
                    w.key("score"); w.double(p.score)
                    w.key("tf"); w.int(p.tf)
                    w.key("tf_body"); w.int(p.tfBody)
                    w.key("tf_boilerplate"); w.int(p.tfBoilerplate)
                    w.key("tf_title"); w.int(p.tfTitle)
                    w.key("weighted_tf"); w.double(p.weightedTF)
                }
            }
            w.key("proximity")
            w.array(proximity) { w, p in
                w.object { w in
                    if let distance = p.distance { w.key("distance"); w.int(distance) }
                    w.key("first"); w.string(p.first)
                    w.key("gap"); w.int(p.gap)
                    w.key("in_order"); w.bool(p.inOrder)
                    w.key("score"); w.double(p.score)
                    w.key("second"); w.string(p.second)
                }
            }
            w.key("score"); w.double(score)
            w.key("sequence_bonus"); w.double(sequenceBonus)
            w.key("title_bonus"); w.double(titleBonus)
            w.key("title_coverage"); w.double(titleCoverage)
        }
    }
}
