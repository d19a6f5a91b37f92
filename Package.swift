// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "friction",
    products: [
        .executable(name: "friction", targets: ["FrictionCLI"]),
        .library(name: "FrictionCore", targets: ["FrictionCore"]),
        .library(name: "FrictionLoaders", targets: ["FrictionLoaders"]),
        .library(name: "FrictionReport", targets: ["FrictionReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .target(name: "FrictionCore"),
        .target(name: "FrictionLoaders", dependencies: ["FrictionCore", "CZstd", "CZlib"]),
        .target(name: "FrictionReport", dependencies: ["FrictionCore"]),
        .executableTarget(
            name: "FrictionCLI",
            dependencies: [
                "FrictionCore", "FrictionLoaders", "FrictionReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "FrictionTestSupport", dependencies: ["FrictionCore"]),
        .testTarget(name: "FrictionCoreTests", dependencies: ["FrictionCore", "FrictionTestSupport"]),
        .testTarget(
            name: "FrictionLoadersTests",
            dependencies: ["FrictionCore", "FrictionLoaders", "FrictionTestSupport"]),
        .testTarget(
            name: "FrictionCLITests",
            dependencies: ["FrictionCLI", "FrictionCore", "FrictionReport", "FrictionTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
