import ArgumentParser
import Foundation
import Unrolled

/// `book corpus`: the default corpus snapshot, and how far the book has moved from it.
///
/// The chapters that train on the book's own text read `corpus/default.txt`, a snapshot,
/// so that an edit to a page does not change what every later chapter learns. This command
/// shows how the snapshot compares with what the chapters and sources would make today, and
/// `--refresh` writes a new one (after which every chapter that trains on it should be
/// verified again: `swift run book verify --seeds 1,2,3`).
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Show the default corpus snapshot (corpus/default.txt); --refresh rebuilds it from the chapters and sources."
    )

    @Flag(help: "Write a new snapshot from today's chapters and Swift sources.")
    var refresh = false

    func run() throws {
        let root = try DefaultCorpus.packageRoot()
        let fresh = try DefaultCorpus.build(root: root)
        let path = root.appendingPathComponent(DefaultCorpus.snapshotPath)
        let current = try? DefaultCorpus.load()
        if refresh {
            do {
                try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(fresh.text.utf8).write(to: path, options: .atomic)   // a temporary file, renamed: never half-written
            } catch {
                throw ValidationError("cannot write \(path.path): \(error.localizedDescription)")
            }
            print("wrote \(DefaultCorpus.snapshotPath): \(describe(fresh.text)), from \(fresh.source)")
            return
        }
        if let current {
            print("\(DefaultCorpus.snapshotPath): \(describe(current.text))")
        } else {
            print("\(DefaultCorpus.snapshotPath): missing")
        }
        print("built from today's files: \(describe(fresh.text))")
        print(current?.text == fresh.text
              ? "the snapshot is up to date"
              : "the book has changed since the snapshot; `swift run book corpus --refresh` writes a new one")
    }

    private func describe(_ text: String) -> String {
        let scalars = text.unicodeScalars
        return "\(scalars.count) characters, \(Set(scalars).count) distinct"
    }
}
