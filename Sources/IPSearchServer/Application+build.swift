import Hummingbird
import IPSearch
import IPSearchWeb
import Logging

/// Builds the app `ipsearch serve` runs; tests build the same one (`app.test(.router)` / `.live`).
///
/// - Parameters:
///   - configuration: host, port (0 picks a free one), index directory, quiet.
///   - service: the one `SearchService` of the app (made from `configuration.indexDirectory` if nil).
///   - output: where the listening URL and the log lines go (stdout/stderr by default).
public func buildApplication(
    _ configuration: ServerConfiguration,
    service: SearchService? = nil,
    output: ServerOutput = .standard
) -> some ApplicationProtocol {
    let service = service ?? SearchService(indexDirectory: configuration.indexDirectory, corpusDirectory: configuration.corpusDirectory,
                                resultCacheSize: configuration.resultCacheSize, preparesSnapshots: true)
    let requestLogger = Logger(label: "ipsearch.serve") { _ in
        LineLogHandler(sink: output.log, level: configuration.quiet ? .warning : .info)
    }
    // Hummingbird's own logger: only its warnings and errors (not "Server started…", which would
    // repeat our URL line).
    let appLogger = Logger(label: "ipsearch.hummingbird") { _ in LineLogHandler(sink: output.log, level: .warning) }
    let router = buildRouter(service: service, logger: requestLogger)
    let registry = ConnectionRegistry(limits: configuration.connectionLimits ?? .current)
    return Application(
        router: router,
        // An idle or stalled connection (e.g. a body that never ends) is closed after 30 s.
        // HTTP/1.1 plus MalformedRequestHandler (JSON answers for requests the HTTP parser refuses,
        // CONNECT) and connection limits from the descriptor limit (Connections.swift).
        server: .guardedHTTP1(idleTimeout: .seconds(30), registry: registry),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil,
                             availableConnectionsDelegate: .maximum(registry.limits.maximum, logger: appLogger)),
        onServerRunning: { channel in
            output.listening(listeningURL(host: channel.localAddress?.ipAddress ?? configuration.host,
                                          port: channel.localAddress?.port ?? configuration.port))
        },
        logger: appLogger
    )
}

/// The routes and middleware, outermost first: request log → JSON errors → body/method checks → routes
/// (the JSON API, then the web page).
public func buildRouter(service: SearchService, logger: Logger) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    // Middleware applies to routes added after it, and to the "no route" responder.
    router.add(middleware: RequestLogMiddleware(logger: logger))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: RequestGuardMiddleware())
    SearchController(service: service).addRoutes(to: router)
    // The search page for people: `/`, `/view/{id}`, `/assets/…` (IPSearchWeb).
    WebController(service: service).addRoutes(to: router)
    return router
}

/// `http://127.0.0.1:8080`, `http://[::1]:8080`.
func listeningURL(host: String, port: Int) -> String {
    host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
}
