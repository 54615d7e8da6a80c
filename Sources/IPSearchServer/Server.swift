import IPSearch

/// Runs the HTTP server until SIGINT/SIGTERM. (Being written: see the serve issue.)
public func runServer(_ configuration: ServerConfiguration) async throws {
    throw ServerError.notReady
}

enum ServerError: Error { case notReady }
