// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "trail",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "trail", targets: ["trail"]),
        .library(name: "TrailCore", targets: ["TrailCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SHA-256 for the ledger's content keys (README: Dependencies).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "TrailCore",
            dependencies: ["CSQLite", "CZlib", .product(name: "Crypto", package: "swift-crypto")],
            plugins: ["EmbedQueries"]
        ),
        .executableTarget(
            name: "trail",
            dependencies: [
                "TrailCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "trail-bench",
            dependencies: ["TrailCore"]
        ),
        // Compiles queries/*.sql into TrailCore (see Plugins/EmbedQueries).
        .executableTarget(name: "EmbedQueriesTool", path: "Plugins/EmbedQueriesTool"),
        .plugin(name: "EmbedQueries", capability: .buildTool(), dependencies: ["EmbedQueriesTool"], path: "Plugins/EmbedQueries"),
        .testTarget(name: "TrailCoreTests", dependencies: ["TrailCore"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
