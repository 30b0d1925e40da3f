import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Safetensors files on disk: `write` replaces a file atomically, `read` says clearly when a
// file is missing or unreadable; the bytes themselves are SafeTensorsCoding.swift's.

extension SafeTensors {
    /// Saves `tensors` and `metadata` to `url`, replacing any file there atomically.
    ///
    /// The bytes go to a temporary file in the same folder, are flushed to disk, and the
    /// temporary file is then renamed over `url`. If anything fails, the temporary file is
    /// removed and whatever was at `url` before is untouched.
    ///
    /// - Throws: `SafeTensorsError` naming `url` when a tensor cannot be stored (see
    ///   `encode`), the folder does not exist, or the file system refuses the write.
    public static func write(
        _ tensors: [Tensor], metadata: [String: String] = [:], to url: URL
    ) throws(SafeTensorsError) {
        let file = url.relativePath
        let bytes: Data
        do {
            bytes = try encode(tensors, metadata: metadata)
        } catch {
            throw SafeTensorsError(error.problem, file: file)
        }
        try replaceAtomically(url, with: bytes)
    }

    /// Loads every tensor and the metadata of the file at `url`.
    ///
    /// - Throws: `SafeTensorsError` naming `url` when the file is missing or unreadable,
    ///   or for any of the problems `decode` reports.
    public static func read(from url: URL) throws(SafeTensorsError) -> SafeTensorsFile {
        let file = url.relativePath
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw SafeTensorsError(.fileNotFound, file: file)
        }
        guard !isFolder.boolValue else { throw SafeTensorsError(.notAFile, file: file) }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafeTensorsError(.cannotRead(reason: error.localizedDescription), file: file)
        }
        return try decode(bytes, source: file)
    }

    /// Writes `bytes` to a temporary file beside `url`, syncs it, and renames it to `url`.
    private static func replaceAtomically(_ url: URL, with bytes: Data) throws(SafeTensorsError) {
        let file = url.relativePath
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw SafeTensorsError(.folderNotFound(folder: folder.relativePath), file: file)
        }
        // A hidden name that cannot collide with another writer's temporary file.
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do throws(SafeTensorsError) {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw SafeTensorsError(.cannotWrite(reason: "cannot create \(temporary.lastPathComponent) in \(folder.relativePath)"), file: file)
            }
            do {
                let handle = try FileHandle(forWritingTo: temporary)
                defer { try? handle.close() }
                try handle.write(contentsOf: bytes)
                try handle.synchronize()  // the data is on disk before the name points at it
            } catch {
                throw SafeTensorsError(.cannotWrite(reason: error.localizedDescription), file: file)
            }
            guard rename(temporary.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw SafeTensorsError(.cannotWrite(reason: reason), file: file)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
