import Hummingbird
import HummingbirdCore
import IPSearchIndex
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// How many connections the server keeps, from the process's descriptor limit (`ulimit -n`).
///
/// Every connection is a descriptor. Accepting until `accept` fails with EMFILE leaves no
/// descriptor for anything else (opening a new index generation, the next `/health`) and makes
/// NIO retry the failing accept once a second while the pending connections wait: the server
/// stops answering. So:
/// - at most `maximum` connections are accepted (the rest wait in the kernel's backlog), leaving
///   `reserve` descriptors for the index and the process;
/// - above `evictAbove` connections, each new connection closes the connection that has been idle
///   (no request in progress) the longest — HTTP/1.1 lets a server close an idle keep-alive
///   connection at any time — so idle clients cannot hold every slot until the 30 s idle timeout.
public struct ConnectionLimits: Sendable, Equatable {
    public var maximum: Int
    public var evictAbove: Int

    /// Descriptors kept for everything but connections (index files, the listening socket, stdio).
    public static let reserve = 48

    public init(maximum: Int, evictAbove: Int) {
        self.maximum = max(1, maximum)
        self.evictAbove = min(max(0, evictAbove), self.maximum)
    }

    /// From a descriptor limit: `maximum` = limit − reserve (at least 8), eviction above 3/4 of it.
    public init(descriptorLimit: Int) {
        let maximum = max(8, descriptorLimit - Self.reserve)
        self.init(maximum: maximum, evictAbove: maximum * 3 / 4)
    }

    /// From this process's soft `RLIMIT_NOFILE` (capped at 100 000 connections).
    public static var current: ConnectionLimits {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return ConnectionLimits(descriptorLimit: 1024) }
        let soft = limit.rlim_cur == rlim_t.max ? 100_000 : Int(clamping: limit.rlim_cur)
        return ConnectionLimits(descriptorLimit: min(soft, 100_000 + reserve))
    }
}

/// The open connections and whether each is idle: chooses which idle connection to close when a new
/// one arrives above `ConnectionLimits.evictAbove`. Shared by the connections of all event loops.
final class ConnectionRegistry: @unchecked Sendable {
    let limits: ConnectionLimits
    private let lock = Lock()
    private var entries: [ObjectIdentifier: Entry] = [:]

    struct Entry {
        var channel: any Channel
        /// When it last became idle (monotonic nanoseconds); nil while a request is in progress.
        var idleSince: UInt64?
    }

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    private func locked<T>(_ body: () -> T) -> T { lock.withLock(body) }

    var count: Int { locked { entries.count } }

    /// A new connection (idle until its first request); closes the longest-idle other one when
    /// over `evictAbove`.
    func opened(_ key: ObjectIdentifier, channel: any Channel) {
        let victim: (any Channel)? = locked {
            entries[key] = Entry(channel: channel, idleSince: Self.now())
            guard entries.count > limits.evictAbove else { return nil }
            var oldest: (key: ObjectIdentifier, since: UInt64)?
            for (k, e) in entries where k != key {
                guard let since = e.idleSince else { continue }
                if oldest == nil || since < oldest!.since { oldest = (k, since) }
            }
            guard let oldest else { return nil }
            let channel = entries[oldest.key]?.channel
            entries[oldest.key] = nil
            return channel
        }
        victim?.close(promise: nil)
    }

    func busy(_ key: ObjectIdentifier) { locked { entries[key]?.idleSince = nil } }
    func idle(_ key: ObjectIdentifier) { locked { entries[key]?.idleSince = Self.now() } }
    func closed(_ key: ObjectIdentifier) { locked { entries[key] = nil } }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// Hummingbird's HTTP/1.1 child channel with two additions: a pass-through handler at the socket end
/// of the pipeline (`RawOutput`), through which `MalformedRequestHandler` writes answers NIO's HTTP
/// encoder would mangle, and `MalformedRequestHandler` itself right after the HTTP codec.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel

    init(responder: @escaping HTTPChannelHandler.Responder, idleTimeout: TimeAmount, registry: ConnectionRegistry) {
        inner = HTTP1Channel(responder: responder, configuration: .init(
            additionalChannelHandlers: [MalformedRequestHandler(registry: registry)],
            idleTimeout: idleTimeout
        ))
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(RawOutput(), name: RawOutput.name, position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// `.http1` with the JSON answers for refused requests and the connection limits of `limits`.
    static func guardedHTTP1(idleTimeout: TimeAmount, registry: ConnectionRegistry) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, idleTimeout: idleTimeout, registry: registry)
        }
    }
}

/// Bytes written from here go straight to the socket (no HTTP encoder on the way).
final class RawOutput: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    static let name = "ipsearch.raw-output"
}
