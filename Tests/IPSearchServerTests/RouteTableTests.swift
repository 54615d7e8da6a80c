import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import IPSearchWeb
@testable import IPSearchServer
import Testing

/// The one route table (`Endpoint`) agrees with what the router serves and with /openapi.json.
@Suite struct RouteTableTests {
    /// A concrete path each endpoint's pattern matches: a real document id, a real asset name.
    static func samplePath(_ endpoint: Endpoint) throws -> String {
        let asset = try #require(WebAsset.all.first?.name, "no web asset")
        return endpoint.routePattern
            .replacing("**", with: "a.txt")
            .replacing("{name}", with: asset)
    }

    @Test func openAPIDocumentsExactlyTheAPIRoutes() throws {
        let spec = try JSONDecoder().decode(JSONValue.self, from: Data(OpenAPI.json.utf8))
        let documented = try #require(spec["paths"], "no paths in /openapi.json").keys
        #expect(documented == Set(Endpoint.api.compactMap(\.openAPIPath)))
        // The web page is for people and not described there.
        #expect(Endpoint.allCases.filter { $0.openAPIPath == nil }.map(\.routePattern).sorted() == ["/", "/assets/{name}", "/view/**"])
    }

    @Test func everyPathInTheTableIsRecognised() throws {
        for endpoint in Endpoint.allCases {
            let path = try Self.samplePath(endpoint)
            #expect(Endpoint(path: path) == endpoint, "\(path)")
            #expect(Endpoint(path: path + "/") == endpoint, "\(path)/")
        }
        #expect(Endpoint(path: "/documents") == nil)
        #expect(Endpoint(path: "/view") == nil)
        #expect(Endpoint(path: "/assets/a/b") == nil)
        #expect(Endpoint(path: "/nothing") == nil)
    }

    /// Every route of the table is served by the router (GET is not the router's "no route" 404), and
    /// any other method gets 405 with `Allow`, the web page's routes included.
    @Test func theRouterServesTheTable() async throws {
        let index = try TestIndex()
        try await makeApp(index: index.index).test(.router) { client in
            for endpoint in Endpoint.allCases {
                let path = try Self.samplePath(endpoint)
                let get = try await client.execute(uri: path, method: .get)
                #expect(get.errorCode != "not_found", "GET \(path): \(get.status)")
                for method in [HTTPRequest.Method.post, .put, .delete] {
                    let other = try await client.execute(uri: path, method: method)
                    #expect(other.status == .methodNotAllowed, "\(method) \(path): \(other.status)")
                    #expect(other.headers[.allow] == "GET, HEAD", "\(method) \(path)")
                }
            }
            let unknown = try await client.execute(uri: "/nothing", method: .post)
            #expect(unknown.status == .notFound)
        }
    }
}
