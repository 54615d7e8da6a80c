/// Settings of `ipsearch serve`.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 8080
    public var indexDirectory = "Index"
    /// Where `synonyms.txt` is read from (nil: built-in synonyms only).
    public var corpusDirectory: String? = nil
    /// No per-request log lines.
    public var quiet = false
    /// Recent search results kept per index generation (0 disables the cache).
    public var resultCacheSize = 4096
    /// Connections kept and when idle ones are closed early; nil: from the descriptor limit.
    public var connectionLimits: ConnectionLimits? = nil

    public init(host: String = "127.0.0.1", port: Int = 8080, indexDirectory: String = "Index", quiet: Bool = false,
                resultCacheSize: Int = 4096) {
        self.host = host
        self.port = port
        self.indexDirectory = indexDirectory
        self.quiet = quiet
        self.resultCacheSize = resultCacheSize
    }
}
