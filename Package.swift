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
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "TrailCore",
            dependencies: ["CSQLite", "CZlib"],
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
