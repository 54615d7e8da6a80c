// swift-tools-version:6.0
import PackageDescription

// Layers, bottom to top: CICU (C shim over the system ICU) → IPSearchAnalysis → IPSearchIndex
// → IPSearch (query, ranking, snippets) → IPSearchServer and the `ipsearch` command.
let package = Package(
    name: "ipsearch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ipsearch", targets: ["ipsearch"]),
        .library(name: "IPSearch", targets: ["IPSearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "CICU",
            exclude: ["tools"],
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("z")]
        ),
        .target(name: "IPSearchAnalysis", dependencies: ["CICU"]),
        .target(name: "IPSearchIndex", dependencies: ["IPSearchAnalysis", "CICU"]),
        .target(name: "IPSearch", dependencies: ["IPSearchIndex", "IPSearchAnalysis"], exclude: ["Assist/tools"]),
        .target(
            name: "IPSearchServer",
            dependencies: [
                "IPSearch",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ipsearch",
            dependencies: [
                "IPSearch", "IPSearchServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ipsearch-bench",
            dependencies: ["IPSearch", "IPSearchIndex", "IPSearchAnalysis", "CICU"],
            path: "Benchmarks/ipsearch-bench"
        ),
        .testTarget(name: "IPSearchAnalysisTests", dependencies: ["IPSearchAnalysis"]),
        .testTarget(name: "IPSearchIndexTests", dependencies: ["IPSearchIndex"]),
        .testTarget(name: "IPSearchTests", dependencies: ["IPSearch"]),
        .testTarget(
            name: "IPSearchServerTests",
            dependencies: [
                "IPSearchServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
