import Foundation
import Testing
@testable import IPSearch

@Suite struct BM25Tests {
    @Test func idfAndScoreMatchTheFormula() {
        let bm25 = BM25()
        // N = 3 documents, n = 1 contains the term: ln(1 + 2.5/1.5) = ln(8/3).
        #expect(abs(bm25.idf(documents: 3, containing: 1) - log(8.0 / 3.0)) < 1e-12)
        // tf = 2, dl = avgdl: 2·2.2/(2 + 1.2) = 1.375 times idf.
        #expect(abs(bm25.score(tf: 2, documentLength: 10, averageLength: 10, idf: 1) - 1.375) < 1e-12)
        // dl = 2·avgdl: norm = 1 − 0.75 + 1.5 = 1.75; 1·2.2/(1 + 2.1) = 0.709677…
        #expect(abs(bm25.score(tf: 1, documentLength: 20, averageLength: 10, idf: 1) - 2.2 / 3.1) < 1e-12)
    }

    /// The ranking walk bounds `score` with `Batch` and a margin of 10⁻⁹ of the score: the two must
    /// agree far more closely than that, with and without an average length.
    @Test func batchScoresAreTheFormulaRoundedAnotherWay() {
        for bm25 in [BM25(), BM25(k1: 2, b: 0.3), BM25(k1: 0.5, b: 1)] {
            for average in [0.0, 1, 390.4, 5_000] {
                let batch = BM25.Batch(bm25, averageLength: average)
                for dl in [0, 1, 7, 390, 20_000] {
                    for tf in [0.25, 1, 3.5, 40] {
                        let exact = bm25.score(tf: tf, documentLength: dl, averageLength: average, idf: 2.7)
                        let fast = batch.score(tf: tf, lengthTerm: batch.lengthTerm(dl), idf: 2.7)
                        #expect(exact > 0 && abs(fast - exact) <= exact * 1e-14, "k1 \(bm25.k1) b \(bm25.b) avg \(average) dl \(dl) tf \(tf)")
                    }
                }
            }
        }
    }

    /// Three tiny documents whose ICU word counts are easy to see (words are separated by 。).
    @Test func scoresOnAFixtureMatchAHandComputation() throws {
        let fixture = try Fixture(files: [
            "a.txt": "专利。专利。商标。",   // 3 words, 专利 twice
            "b.txt": "专利。版权。",         // 2 words
            "c.txt": "商标。版权。海关。",   // 3 words, no 专利
        ])
        let result = try fixture.search("专利", explain: true)
        #expect(result.hits.map(\.id) == ["a.txt", "b.txt"])
        // One-line documents: the zoner takes (part of) each line as its headline, so occurrences
        // count with the weight of their zone (BM25F's weighted term frequency): read the weighted
        // counts, check them against the zone counts, and compute the rest by hand.
        let r = Relevance()
        func weighted(_ hit: SearchHit) throws -> Double {
            let p = try #require(hit.explanation?.parts.first)
            let w = Double(p.tfTitle) * r.titleWeight + Double(p.tfBody) * r.bodyWeight + Double(p.tfBoilerplate) * r.boilerplateWeight
            #expect(abs(w - p.weightedTF) < 1e-12)
            return w
        }
        let wa = try weighted(result.hits[0]), wb = try weighted(result.hits[1])
        // N = 3, n = 2: idf = ln(1 + 1.5/2.5) = ln 1.6; avgdl = 8/3.
        let idf = log(1.6)
        let avgdl = 8.0 / 3.0
        let a = idf * wa * 2.2 / (wa + 1.2 * (0.25 + 0.75 * 3 / avgdl))
        let b = idf * wb * 2.2 / (wb + 1.2 * (0.25 + 0.75 * 2 / avgdl))
        // Plus the title-coverage bonus, itself 2 × coverage² × idf.
        let ea = try #require(result.hits[0].explanation), eb = try #require(result.hits[1].explanation)
        for e in [ea, eb] { #expect(abs(e.titleBonus - 2 * e.titleCoverage * e.titleCoverage * (e.titleBonus > 0 ? idf : 0)) < 1e-9) }
        #expect(abs(result.hits[0].score - (a + ea.titleBonus)) < 1e-9)
        #expect(abs(result.hits[1].score - (b + eb.titleBonus)) < 1e-9)
        #expect(result.hits[0].explanation?.parts.first?.documentLength == 3)
        #expect(result.hits[0].explanation?.parts.first?.tf == 2)
    }

    @Test func tiesAreBrokenByID() throws {
        // Equal scores, different texts (identical ones would be one group of copies).
        let fixture = try Fixture(files: ["z.txt": "商标。甲。", "m.txt": "商标。乙。", "a.txt": "商标。丙。"])
        let result = try fixture.search("商标")
        #expect(result.hits.map(\.id) == ["a.txt", "m.txt", "z.txt"])
        #expect(Set(result.hits.map(\.score)).count == 1)
    }
}
