#if canImport(Glibc)
import Glibc
#endif

/// Document ids (relative paths) in one UTF-8 buffer: the bytes of each id and where it ends,
/// instead of a `String` each (a heap object for any id over 15 bytes). The indexer lists a corpus,
/// the committed documents and the documents it regroups this way, so a million files cost tens of
/// megabytes, not hundreds.
///
/// Ids are ordered byte by byte: for UTF-8, the order of Unicode scalar values, the same on every
/// run and for every consumer (the corpus walk and the committed ids are merged in this order).
struct IDBuffer: Sendable {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []

    var count: Int { ends.count }

    mutating func append(_ id: String) {
        bytes.append(contentsOf: id.utf8)
        ends.append(bytes.count)
    }

    mutating func reserveCapacity(ids: Int, bytes: Int) {
        ends.reserveCapacity(ids)
        self.bytes.reserveCapacity(bytes)
    }

    var byteCount: Int { bytes.count }

    subscript(i: Int) -> String {
        String(decoding: bytes[start(i)..<ends[i]], as: UTF8.self)
    }

    @inline(__always)
    private func start(_ i: Int) -> Int { i == 0 ? 0 : ends[i - 1] }

    /// Indices sorted by id; equal ids by index.
    func order() -> [Int32] {
        var order = (0..<ends.count).map { Int32(truncatingIfNeeded: $0) }
        bytes.withUnsafeBufferPointer { b in
            ends.withUnsafeBufferPointer { e in
                let base = b.baseAddress ?? IDBuffer.nowhere
                order.sort { x, y in
                    let i = Int(x), j = Int(y)
                    let si = i == 0 ? 0 : e[i - 1], sj = j == 0 ? 0 : e[j - 1]
                    let c = IDBuffer.compare(base + si, e[i] - si, base + sj, e[j] - sj)
                    return c != 0 ? c < 0 : i < j
                }
            }
        }
        return order
    }

    /// Id `i` against `id`: negative, zero or positive.
    func compare(_ i: Int, _ id: String) -> Int {
        var other = id
        let s = start(i), n = ends[i] - s
        return other.withUTF8 { o in
            bytes.withUnsafeBufferPointer { b in
                IDBuffer.compare((b.baseAddress ?? IDBuffer.nowhere) + s, n, o.baseAddress ?? IDBuffer.nowhere, o.count)
            }
        }
    }

    /// A pointer for empty buffers (compared over zero bytes, never read).
    private static let nowhere = UnsafePointer<UInt8>(bitPattern: 1)!

    @inline(__always)
    private static func compare(_ a: UnsafePointer<UInt8>, _ n: Int, _ b: UnsafePointer<UInt8>, _ m: Int) -> Int {
        let c = memcmp(a, b, Swift.min(n, m))
        return c != 0 ? Int(c) : n - m
    }
}
