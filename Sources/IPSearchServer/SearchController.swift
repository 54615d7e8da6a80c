import FoundationEssentials
import Hummingbird
import IPSearch
import IPSearchIndex

/// The handlers of the JSON API. Every answer is JSON; every failure is an `APIError`.
///
/// All handlers share one `SearchService`, which stats `manifest.json` on every call and opens the
/// new generation when it changed: a commit of `ipsearch index` is seen by the very next request
/// (well within the one second the serve issue asks for), with no restart and no polling timer. A
/// request keeps the snapshot it started with, so a commit never changes a response half-way.
struct SearchController<Context: RequestContext>: Sendable {
    let service: SearchService

    /// Page sizes a client may ask for (the CLI allows more; a web page does not need more).
    static var limitRange: ClosedRange<Int> { RequestLimits.httpLimit }
    /// Deep paging costs a top-k of offset + limit: bounded.
    static var offsetRange: ClosedRange<Int> { RequestLimits.offset }
    static var snippetLengthRange: ClosedRange<Int> { RequestLimits.snippetLength }
    static var snippetCountRange: ClosedRange<Int> { RequestLimits.snippetCount }

    /// The JSON API's routes, from the one route table (`Endpoint`).
    func addRoutes(to router: Router<Context>) {
        for endpoint in Endpoint.api {
            router.get(RouterPath(endpoint.routePattern), use: handler(endpoint))
        }
    }

    private func handler(_ endpoint: Endpoint) -> @Sendable (Request, Context) async throws -> Response {
        switch endpoint {
        case .search: return search
        case .document: return document
        case .health: return health
        case .stats: return stats
        case .openAPI: return openAPI
        case .searchPage, .documentPage, .asset:
            return { request, _ in throw APIError.notFound(request.uri.path) }  // not API routes
        }
    }

    /// `GET /search?q=…&limit=10&offset=0&snippet_length=80&snippets=2&explain=false` → SearchResponse.
    @Sendable func search(_ request: Request, context: Context) async throws -> Response {
        let parameters = try QueryParameters(request.uri.query)
        guard let q = try parameters.single("q") else { throw APIError.missingQuery() }
        // An empty or too long q is refused by Query.parse (→ empty_query, query_too_long), first.
        var options = SearchOptions(
            limit: try parameters.integer("limit", in: Self.limitRange, default: 10),
            offset: try parameters.integer("offset", in: Self.offsetRange, default: 0),
            snippets: SnippetOptions(
                length: try parameters.integer("snippet_length", in: Self.snippetLengthRange, default: 80),
                count: try parameters.integer("snippets", in: Self.snippetCountRange, default: 2)
            ),
            explain: try parameters.boolean("explain", default: false)
        )
        options.facets = try parameters.boolean("facets", default: false)
        options.collapse = try parameters.boolean("collapse", default: true)
        options.expand = try parameters.boolean("expand", default: true)
        let filters = SearchRequest(since: try parameters.single("since"), until: try parameters.single("until"),
                                    sources: parameters.all("source"), sort: try parameters.single("sort"))
        do throws(SearchRequest.Invalid) {
            try filters.apply(to: &options, spelling: .http, today: SearchRequest.today)
        } catch {
            throw APIError.invalidParameter(error.description)
        }
        let result: SearchResult
        do { result = try await service.searchOnSearchThreads(q, options: options) } catch { throw APIError.from(error) }
        return JSONResponse.make(data: try SearchResponse(result).jsonData())
    }

    /// `GET /documents/{id}` → DocumentResponse. The id is a corpus-relative path: its `/` may be sent
    /// as is or as `%2F`, other bytes percent-encoded as UTF-8 (`sub%2Fdir%2F%E4%B8%AD.txt`).
    @Sendable func document(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.documentID(fromPath: request.uri.path)
        let searcher: SnapshotSearcher
        do { searcher = try service.current() } catch { throw APIError.indexUnavailable(error) }
        let parameters = try QueryParameters(request.uri.query)
        var query: Query?
        if let q = try parameters.single("q"), !q.allSatisfy(\.isWhitespace) {
            do { query = try service.parse(q) } catch { throw APIError.from(error) }
        }
        let view: DocumentView?
        do { view = try searcher.document(id: id, query: query) } catch { throw APIError.indexUnavailable(error) }
        guard let view else { throw APIError.documentNotFound(id) }
        return JSONResponse.make(data: try DocumentResponse(view).jsonData())
    }

    /// The decoded id of `/documents/<raw id>` (components after `documents`, joined with `/`).
    static func documentID(fromPath path: String) throws(APIError) -> String {
        let raw = path.split(separator: "/", omittingEmptySubsequences: true).dropFirst().joined(separator: "/")
        do { return try PercentDecoding.decode(raw[...], plusAsSpace: false) } catch {
            switch error {
            case .badEscape:
                throw APIError.invalidEncoding("the document id has an invalid percent-escape (% must be followed by two hex digits; write % itself as %25)")
            case .invalidUTF8:
                throw APIError.invalidEncoding("the document id is not valid UTF-8 once percent-decoded")
            }
        }
    }

    /// `GET /health` → 200 `{"status":"ok","generation":N,"documents":N}`, or 503
    /// `{"status":"unavailable","reason":"…"}` while there is no readable index.
    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        do {
            let reader = try service.current().reader
            return JSONResponse.make(body: Health(status: "ok", generation: reader.generation, documents: reader.documentCount))
        } catch {
            return JSONResponse.make(status: .serviceUnavailable, body: Health(status: "unavailable", reason: error.description))
        }
    }

    /// `GET /stats` → IndexStatistics of the current generation.
    @Sendable func stats(_ request: Request, context: Context) async throws -> Response {
        let stats: IndexStatistics
        do { stats = try IndexStatistics(try service.current().reader) } catch { throw APIError.indexUnavailable(error) }
        return JSONResponse.make(body: stats)
    }

    /// `GET /openapi.json` → the description of this API.
    @Sendable func openAPI(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(data: Data(OpenAPI.json.utf8))
    }
}

/// The body of `GET /health`.
struct Health: Codable, Equatable, Sendable {
    var status: String
    var generation: Int?
    var documents: Int?
    /// Why the index cannot be read (only when unavailable).
    var reason: String?
}
