import ArgumentParser
import IPSearchServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve searches over HTTP as JSON (GET /search?q=…, /documents/{id}, /health, /stats, /openapi.json)."
    )

    @OptionGroup var location: LocationOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 8080

    @Flag(name: .shortAndLong, help: "No per-request log lines.")
    var quiet = false

    @Option(name: .customLong("cache-size"), help: "Recent search results to keep per index generation (0 disables).")
    var cacheSize: Int = 4096

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (0...1_000_000).contains(cacheSize) else { throw ValidationError("--cache-size must be between 0 and 1000000") }
    }

    func run() async throws {
        var configuration = ServerConfiguration(host: host, port: port, indexDirectory: location.index, quiet: quiet,
                                                resultCacheSize: cacheSize)
        configuration.corpusDirectory = location.corpus
        try await runServer(configuration)
    }
}
