/// Placeholder grouping until the MinHash/LSH grouping lands: documents with identical non-empty
/// signatures form a group led by the smallest key.
enum NearDuplicateGrouping {
    static func leaders(_ docs: [(key: String, signature: [UInt32])]) -> [Int] {
        var leaderOf: [[UInt32]: Int] = [:]
        var result = [Int](repeating: 0, count: docs.count)
        let order = docs.indices.sorted { docs[$0].key < docs[$1].key }
        for i in order {
            let sig = docs[i].signature
            if sig.isEmpty { result[i] = i; continue }
            if let l = leaderOf[sig] { result[i] = l } else { leaderOf[sig] = i; result[i] = i }
        }
        return result
    }
}
