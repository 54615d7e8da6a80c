import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A value shared between threads.
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    public init(_ value: Value) { self.value = value }
    public func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
    public func set(_ v: Value) { lock.lock(); value = v; lock.unlock() }
    public func modify<T>(_ f: (inout Value) -> T) -> T { lock.lock(); defer { lock.unlock() }; return f(&value) }
}

/// Waits for a condition the test cannot be told about (a file appearing, a line printed by another
/// process): checks it every millisecond or so. `timeout` only guards against a hang; it is never
/// what the test waits for. Returns whether the condition became true.
@discardableResult
public func waitUntil(timeout seconds: Double = 120, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = DispatchTime.now() + seconds
    while true {
        if try condition() { return true }
        if DispatchTime.now() >= deadline { return try condition() }
        usleep(1_000)
    }
}

/// SplitMix64: a seeded generator, so every random test replays exactly.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Non-overlapping occurrences of `needle` in `haystack`, by Unicode scalars (a Han character is
/// never confused with part of a longer grapheme).
public func occurrences(of needle: String, in haystack: String) -> Int {
    let h = Array(haystack.unicodeScalars), n = Array(needle.unicodeScalars)
    guard !n.isEmpty, n.count <= h.count else { return 0 }
    var c = 0, i = 0
    while i <= h.count - n.count {
        if h[i..<(i + n.count)].elementsEqual(n) { c += 1; i += n.count } else { i += 1 }
    }
    return c
}
