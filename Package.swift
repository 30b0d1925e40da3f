// swift-tools-version: 6.0
//
// Unrolled: a literate book about recurrent neural networks.
//
// The book lives in `chapters/*.md`. The Tangle plugin turns every chapter that holds
// Swift cells into an executable target named after its number (`ch01`, `ch02`, ...),
// and gathers the `swift lib` cells of all chapters into the `Unrolled` library.
// Adding a chapter therefore needs no edit here: write `chapters/NN-slug.md` and create
// the folder `Sources/Chapters/chNN/` with its one-line placeholder (`book check` says so).

import Foundation
import PackageDescription

/// One executable target per chapter file `chapters/NN-slug.md` that has Swift cells.
let chapterTargets: [Target] = {
    let chaptersDirectory = URL(fileURLWithPath: Context.packageDirectory).appendingPathComponent("chapters")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: chaptersDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".md") }.sorted().compactMap { fileName -> Target? in
        let text = (try? String(contentsOf: chaptersDirectory.appendingPathComponent(fileName), encoding: .utf8)) ?? ""
        let hasSwiftCells = text.split(whereSeparator: \.isNewline).contains { line in
            let trimmed = line.drop(while: { $0 == " " })
            return trimmed.hasPrefix("```swift") || trimmed.hasPrefix("~~~swift")
        }
        guard hasSwiftCells, let number = fileName.split(separator: "-").first else { return nil }
        let name = "ch" + number
        return .executableTarget(
            name: name,
            dependencies: ["Unrolled", "Notebook", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Chapters/\(name)",
            // Chapters are scripts: top-level variables used inside functions are normal there,
            // which Swift 6's strict concurrency would reject.
            swiftSettings: [.swiftLanguageMode(.v5)],
            plugins: ["Tangle"]
        )
    }
}()

let package = Package(
    name: "Unrolled",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Unrolled", targets: ["Unrolled"]),
        .executable(name: "book", targets: ["book"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found through pkg-config; the providers tell SwiftPM how to install them.
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"]), .brew(["cmark"])]
        ),
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]
        ),

        // The literate toolchain: Markdown chapter -> model -> tangled Swift (and, later, HTML).
        .target(name: "Literate", dependencies: ["CCmark"]),
        .executableTarget(
            name: "tangle",
            dependencies: ["Literate", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .plugin(name: "Tangle", capability: .buildTool(), dependencies: ["tangle"]),

        // What every chapter program links: cell boundaries, figures, progress lines.
        .target(name: "Notebook"),

        // The website: chapters run as notebooks, woven with their outputs into HTML.
        .target(name: "Site", dependencies: ["Literate", "Notebook", "CCmark"]),

        // The loops that touch every element, and the BLAS products. Optimised even in a
        // debug build, so `swift run chNN` does not crawl: measured in Benchmarks/README.md.
        .target(
            name: "UnrolledKernels",
            dependencies: [.target(name: "CBLAS", condition: .when(platforms: [.linux]))],
            swiftSettings: [.unsafeFlags(["-O", "-Xcc", "-fno-math-errno"])]
        ),

        // The library the book builds: Matrix, the RNN, optimisers, plus every chapter's `lib` cells.
        .target(
            name: "Unrolled",
            dependencies: ["UnrolledKernels"],
            // Lets release-built programs (bench, chapters under `make site`) specialise the
            // generic Matrix<Scalar> code for Float instead of calling it generically.
            swiftSettings: [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))],
            plugins: ["Tangle"]
        ),

        // `make bench`: characters per second, always built in release.
        .executableTarget(name: "bench", dependencies: ["Unrolled"]),

        // The command line a reader uses: list, check, tangle, ...
        .executableTarget(
            name: "book",
            dependencies: ["Literate", "Unrolled", "Notebook", "Site", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "LiterateTests", dependencies: ["Literate"]),
        .testTarget(name: "UnrolledTests", dependencies: ["Unrolled"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"]),
        .testTarget(name: "SiteTests", dependencies: ["Site", "Literate"]),
    ] + chapterTargets
)
