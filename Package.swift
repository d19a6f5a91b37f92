// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "friction",
    products: [
        .executable(name: "friction", targets: ["FrictionCLI"]),
        .executable(name: "friction-fuzz", targets: ["FrictionFuzz"]),
        .library(name: "FrictionCore", targets: ["FrictionCore"]),
        .library(name: "FrictionLoaders", targets: ["FrictionLoaders"]),
        .library(name: "FrictionReport", targets: ["FrictionReport"]),
        .library(name: "FrictionRules", targets: ["FrictionRules"]),
        .library(name: "FrictionCompare", targets: ["FrictionCompare"]),
        .library(name: "FrictionNumerics", targets: ["FrictionNumerics"]),
        .library(name: "FrictionExecutor", targets: ["FrictionExecutor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS",
            providers: [.apt(["libopenblas-dev"])]),
        .target(name: "FrictionCore"),
        .target(name: "FrictionLoaders", dependencies: ["FrictionCore", "CZstd", "CZlib", "CHDF5"]),
        .target(name: "FrictionNumerics", dependencies: ["FrictionCore"]),
        .target(name: "FrictionExecutor", dependencies: ["FrictionCore", "FrictionNumerics", "FrictionLoaders", "CBLAS"]),
        .target(name: "FrictionAnalysis", dependencies: ["FrictionCore"], exclude: ["ShapeInference/README.md"]),
        .target(name: "FrictionCompare", dependencies: ["FrictionCore", "FrictionNumerics", "FrictionLoaders", "FrictionAnalysis"]),
        .target(name: "FrictionFuzzTargets", dependencies: [
            "FrictionCore", "FrictionAnalysis", "FrictionLoaders", "FrictionNumerics", "FrictionRules", "FrictionReport", "FrictionCompare",
        ]),
        .executableTarget(name: "FrictionFuzz", dependencies: ["FrictionFuzzTargets", "FrictionLoaders"]),
        .target(name: "FrictionRules", dependencies: ["FrictionCore", "FrictionAnalysis", "FrictionNumerics", .product(name: "Yams", package: "Yams")]),
        .target(name: "FrictionReport", dependencies: ["FrictionCore", "FrictionAnalysis", "FrictionRules"]),
        .executableTarget(
            name: "FrictionCLI",
            dependencies: [
                "FrictionCore", "FrictionAnalysis", "FrictionNumerics", "FrictionLoaders", "FrictionRules", "FrictionReport",
                "FrictionExecutor", "FrictionCompare",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "FrictionTestSupport", dependencies: ["FrictionCore", "FrictionLoaders"]),
        .testTarget(name: "FrictionCoreTests", dependencies: ["FrictionCore", "FrictionTestSupport"]),
        .testTarget(name: "FrictionAnalysisTests", dependencies: ["FrictionCore", "FrictionAnalysis"]),
        .testTarget(name: "FrictionNumericsTests", dependencies: ["FrictionCore", "FrictionNumerics", "FrictionTestSupport"]),
        .testTarget(
            name: "FrictionLoadersTests",
            dependencies: ["FrictionCore", "FrictionAnalysis", "FrictionLoaders", "FrictionFuzzTargets", "FrictionTestSupport"]),
        .testTarget(
            name: "FrictionRulesTests",
            dependencies: ["FrictionCore", "FrictionAnalysis", "FrictionRules", "FrictionLoaders", "FrictionReport", "FrictionTestSupport"]),
        .testTarget(
            name: "FrictionExecutorTests",
            dependencies: ["FrictionCore", "FrictionAnalysis", "FrictionLoaders", "FrictionExecutor", "FrictionTestSupport"]),
        .testTarget(
            name: "FrictionCompareTests",
            dependencies: ["FrictionCore", "FrictionLoaders", "FrictionNumerics", "FrictionCompare", "FrictionTestSupport"]),
        .testTarget(
            name: "FrictionCLITests",
            dependencies: ["FrictionCLI", "FrictionCore", "FrictionReport", "FrictionLoaders", "FrictionExecutor", "FrictionTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
