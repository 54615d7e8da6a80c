// swift-tools-version:6.1
import Foundation
import PackageDescription

// Layers, bottom to top: CICU (C shim over the system ICU, zlib, zstd and libxml2) → IPSearchAnalysis → IPSearchIndex
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
        // Without its default traits: no swift-configuration, and FoundationEssentials instead of
        // the full Foundation (which would load Foundation's own ICU into every `ipsearch` process).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // `FileDescriptor.writeAll` (the one write loop: short writes, EINTR); already used by NIO.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // The C shim over ICU, zlib, zstd and libxml2's HTML parser (Debian: libicu-dev, zlib1g-dev, libzstd-dev,
        // libxml2-dev). Its public header exposes plain C types only.
        .target(
            name: "CICU",
            exclude: ["tools", "link"],
            cSettings: [.unsafeFlags(["-I/usr/include/libxml2"])],
            linkerSettings: cLibraries
        ),
        .target(name: "IPSearchAnalysis", dependencies: ["CICU"]),
        .target(
            name: "IPSearchIndex",
            dependencies: ["IPSearchAnalysis", "CICU", .product(name: "SystemPackage", package: "swift-system")]
        ),
        .target(name: "IPSearch", dependencies: ["IPSearchIndex", "IPSearchAnalysis"], exclude: ["Assist/tools"]),
        .target(
            name: "IPSearchWeb",
            dependencies: [
                "IPSearch", "IPSearchIndex",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            exclude: ["assets"]
        ),
        .target(
            name: "IPSearchServer",
            dependencies: [
                "IPSearch", "IPSearchWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .executableTarget(
            name: "ipsearch",
            dependencies: [
                "IPSearch", "IPSearchServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            // The release binary carries the Swift runtime and FoundationEssentials statically, so a
            // process starts without resolving them from shared libraries (README, "Cold start").
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "-l_FoundationCollections", "-Xlinker", "-l_FoundationCShims"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "ipsearch-bench",
            dependencies: ["IPSearch", "IPSearchIndex", "IPSearchAnalysis", "CICU"],
            path: "Benchmarks/ipsearch-bench"
        ),
        // What every test target shares: the repository's paths and corpus, temp directories, files,
        // child processes (the built `ipsearch`), locks and a seeded generator.
        .target(name: "IPSearchTestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "IPSearchAnalysisTests", dependencies: ["IPSearchAnalysis", "IPSearchTestSupport"]),
        .testTarget(name: "IPSearchIndexTests", dependencies: ["IPSearchIndex", "IPSearchTestSupport"]),
        .testTarget(name: "IPSearchTests", dependencies: ["IPSearch", "IPSearchTestSupport"]),
        // The `ipsearch` command, run as the built executable (`swift build --build-tests` builds it).
        .testTarget(name: "IPSearchCommandTests", dependencies: ["IPSearchTestSupport"]),
        .testTarget(
            name: "IPSearchWebTests",
            dependencies: [
                "IPSearchWeb", "IPSearch", "IPSearchIndex", "IPSearchTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "IPSearchServerTests",
            dependencies: [
                "IPSearchServer", "IPSearchTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)

/// How the C libraries are linked. A release build on Linux links ICU (with its data), libxml2, zstd,
/// lzma and libstdc++ statically, and exports no symbols from the executable: loading ICU's shared
/// C++ libraries (reached twice, through libxml2 too), and binding their symbols against the 23,000
/// the Swift toolchain's `-export-dynamic` put in the executable's dynamic table, took about 5 ms
/// of every process, half of a cold `ipsearch <query>` (README, "Cold start"). Debug builds (the
/// tests) and other platforms link the shared libraries.
var cLibraries: [LinkerSetting] {
    let libraries = ["xml2", "icui18n", "icuuc", "zstd", "z"]
    let staticOnLinux = ["xml2", "icui18n", "icuuc", "icudata", "zstd", "lzma"]
    // `Sources/CICU/link/libstdc++.so` is a linker script that names `libstdc++.a`: first on the
    // search path, it also turns the toolchain's own `-lstdc++` (static-stdlib-args.lnk) static.
    let linkScripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Sources/CICU/link"
    var settings: [LinkerSetting] = libraries.map { .linkedLibrary($0, .when(configuration: .debug)) }
    settings += libraries.map { .linkedLibrary($0, .when(platforms: [.macOS], configuration: .release)) }
    let linker = ["-Bstatic"] + staticOnLinux.map { "-l" + $0 } + ["-Bdynamic", "-lstdc++", "-lz", "-lm", "--no-export-dynamic"]
    settings.append(.unsafeFlags(["-L", linkScripts] + linker.flatMap { ["-Xlinker", $0] },
                                 .when(platforms: [.linux], configuration: .release)))
    return settings
}
