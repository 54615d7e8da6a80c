/// Which segments a run merges: keep at most `maxSegments` live segments; when over, merge the
/// smallest (by live documents) until half of that is left, at most `mergeFactor` segments into
/// each new one (so each merge reads a bounded number of inputs, and a document is rewritten about
/// log₁₀ of the segment count times over the life of an index, as with Lucene's tiered merging).
/// A segment that is mostly deleted is always merged (alone, it is rewritten without its deleted
/// documents).
struct MergePolicy {
    var maxSegments: Int
    /// The most segments merged into one.
    static let mergeFactor = 10
    /// The most segments one merge reads when a run ends with everything in one segment: a merge
    /// touches a page window of every input for every term, so hundreds of inputs (a build of a
    /// million documents flushes about 200 segments) would hold a window of each resident, or
    /// drop and fault them in again term after term. More segments are merged in rounds first.
    static let mergeAllFanIn = 32

    /// The sizes of the merges of one round over `count` segments: as even as they can be, none
    /// over `mergeAllFanIn`.
    static func mergeAllRound(count: Int) -> [Int] {
        let merges = (count + mergeAllFanIn - 1) / mergeAllFanIn
        return (0..<merges).map { m in count / merges + (m < count % merges ? 1 : 0) }
    }

    /// How many segments a run with `count` live segments should end with.
    func target(forCount count: Int) -> Int {
        count > maxSegments ? max(1, maxSegments / 2) : count
    }

    /// Indices into `segments` of those to merge next into one new segment; empty when the run is
    /// done. The indexer asks again after each merge, with `target` fixed at the run's start.
    func nextMerge(_ segments: [SegmentMeta], target: Int) -> Set<Int> {
        func live(_ i: Int) -> Int { segments[i].documents - segments[i].deleted }
        let mostlyDeleted = segments.indices.filter { segments[$0].deleted * 2 > segments[$0].documents }
        var chosen = Set(mostlyDeleted)
        if segments.count > target {
            let smallestFirst = segments.indices.sorted { live($0) < live($1) }
            let count = min(MergePolicy.mergeFactor, segments.count - target + 1)
            chosen.formUnion(smallestFirst.prefix(max(2, count)))
        }
        return chosen
    }
}
