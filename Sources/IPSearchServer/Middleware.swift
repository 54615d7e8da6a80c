import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Every endpoint is a GET: a body larger than this is refused (413) unread.
let maxRequestBodyBytes = 1024

/// NIO's limit on a request line plus headers (Hummingbird's default decoder configuration).
let maxRequestHeadBytes = 80 * 1024

/// Converts every error thrown below it (ours, Hummingbird's "no route", anything unexpected) to the
/// JSON error shape, so no client ever sees an empty 404 or a bare 500.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error, request: request)
            if apiError.status == .internalServerError {
                context.logger.error("internal error on \(request.method) \(request.uri): \(error)")
            }
            let response = apiError.response()
            return request.method == .head ? response.createHeadResponse() : response
        }
    }
}

/// Checks what routing cannot: the request body (every endpoint is a GET, so any body over
/// `maxRequestBodyBytes` is refused with 413 before it is read) and the method of a known path (405).
struct RequestGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        if let declared = request.headers[.contentLength], let n = Int(declared), n > maxRequestBodyBytes {
            throw APIError.bodyTooLarge(limit: maxRequestBodyBytes)
        }
        // Chunked bodies carry no length: read at most the limit (NIOTooManyBytesError → 413).
        do { _ = try await request.collectBody(upTo: maxRequestBodyBytes) } catch {
            throw APIError.bodyTooLarge(limit: maxRequestBodyBytes)
        }
        if Endpoint(path: request.uri.path) != nil, request.method != .get, request.method != .head {
            throw APIError.methodNotAllowed(request.method, request.uri.path)
        }
        return try await next(request, context)
    }
}

/// One line per request: method, target, status, milliseconds (to stderr unless `--quiet`).
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, status: response.status.code, since: started)
            return response
        } catch {
            // Only reached if ErrorMiddleware itself failed; Hummingbird then answers 500.
            log(request, status: 500, since: started)
            throw error
        }
    }

    private func log(_ request: Request, status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let rounded = (ms * 100).rounded() / 100
        // The raw target (as sent, still percent-encoded), cut so one request stays one short line.
        let target = request.uri.string.count > 1000 ? String(request.uri.string.prefix(1000)) + "…" : request.uri.string
        logger.info("\(request.method.rawValue) \(target) \(status) \(rounded) ms")
    }
}

/// Answers what never reaches the router with the JSON error body, then closes the connection:
/// - a request NIO's HTTP parser refuses (a request line or headers over 80 KB — a 1 MB URL, a
///   100 000-character document id —, a malformed request line, bytes that are not HTTP): Hummingbird
///   would catch the parser's error itself and write a bare `400` with an empty body;
/// - `CONNECT` (this is not a proxy): NIO's parser switches the connection to tunnel mode, and the
///   router's answer went out as an empty, unterminated 404.
///
/// It sits right after the HTTP codec (Hummingbird's `additionalChannelHandlers`) and writes its
/// answer as bytes through `RawOutput`, past NIO's HTTP encoder (which drops the body of any answer
/// to a CONNECT). An error in the middle of a request whose response is under way is passed on
/// untouched. After answering it stops writing, reads and discards what the client still sends for
/// up to `lingerSeconds` (closing at once would reset the connection and could destroy the answer
/// before the client reads it), then closes.
///
/// It also tells the `ConnectionRegistry` when its connection is idle or busy.
final class MalformedRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let lingerSeconds: Int64 = 2

    /// Requests read whose response has not been written to its end.
    private var open = 0
    private var answered = false
    private let registry: ConnectionRegistry?
    private var key: ObjectIdentifier { ObjectIdentifier(self) }

    init(registry: ConnectionRegistry? = nil) {
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        registry?.opened(key, channel: context.channel)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        registry?.closed(key)
    }

    func channelInactive(context: ChannelHandlerContext) {
        registry?.closed(key)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if answered { return }
        let part = unwrapInboundIn(data)
        if case .head(let head) = part {
            if head.method == .connect {
                answer(APIError.connectRefused(), context: context)
                return
            }
            open += 1
            registry?.busy(key)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            open = max(0, open - 1)
            if open == 0 { registry?.idle(key) }
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if answered { return }  // what the client sends after the answer (discarded)
        guard let parseError = error as? HTTPParserError, open == 0 else {
            context.fireErrorCaught(error)
            return
        }
        answer(APIError.malformedRequest(parseError, tooLong: parseError == .headerOverflow), context: context)
    }

    private func answer(_ apiError: APIError, context: ChannelHandlerContext) {
        answered = true
        registry?.busy(key)
        let body = JSONResponse.encode(APIError.ErrorBody(error: .init(code: apiError.code, message: apiError.message)))
        var head = HTTPResponse(status: apiError.status)
        head.headerFields[.contentType] = JSONResponse.contentType
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        head.headerFields.append(contentsOf: apiError.headers)
        let written: EventLoopFuture<Void>
        if let raw = try? context.pipeline.syncOperations.context(name: RawOutput.name) {
            var text = "HTTP/1.1 \(head.status.code) \(head.status.reasonPhrase)\r\n"
            for field in head.headerFields { text += "\(field.name.rawName): \(field.value)\r\n" }
            var bytes = ByteBuffer(string: text + "\r\n")
            bytes.writeBytes(body)
            written = raw.writeAndFlush(NIOAny(bytes))
        } else {
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
            written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        }
        let loop = context.eventLoop
        written.whenComplete { _ in
            context.close(mode: .output, promise: nil)
            loop.scheduleTask(in: .seconds(Self.lingerSeconds)) { context.close(promise: nil) }
        }
    }
}
