/// Which segments a run merges: keep at most `maxSegments` live segments; when over, merge the
/// smallest (by live documents) down to half of that, and always merge any segment that is mostly
/// deleted. A lone segment is not merged with nothing unless it is mostly deleted (then it is
/// rewritten without its deleted documents).
struct MergePolicy {
    var maxSegments: Int

    /// Indices into `segments` of those to merge into one new segment; empty when none.
    func segmentsToMerge(_ segments: [SegmentMeta]) -> Set<Int> {
        func live(_ i: Int) -> Int { segments[i].documents - segments[i].deleted }
        let mostlyDeleted = segments.indices.filter { segments[$0].deleted * 2 > segments[$0].documents }
        guard segments.count > maxSegments || !mostlyDeleted.isEmpty else { return [] }
        let smallestFirst = segments.indices.sorted { live($0) < live($1) }
        let excess = segments.count > maxSegments ? max(0, segments.count - maxSegments / 2) : 0
        var chosen = Set(smallestFirst.prefix(excess))
        chosen.formUnion(mostlyDeleted)
        if chosen.count == 1 && mostlyDeleted.isEmpty { chosen.removeAll() }
        return chosen
    }
}
